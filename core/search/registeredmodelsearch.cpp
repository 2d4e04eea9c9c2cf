// SPDX-License-Identifier: Apache-2.0
#include "search/registeredmodelsearch.h"

#include <algorithm>

namespace runlens {

namespace {

bool matchesComparison(const SearchComparison& c, const RegisteredModel& model)
{
    if (c.field.entity == SearchEntity::Tag) {
        const std::string* v = findValue(model.tags, c.field.key);
        return v && c.matchesString(*v);
    }
    return c.matchesString(model.name);
}

int compareOn(const RegisteredModel& a, const RegisteredModel& b, const SearchOrder& o)
{
    int c = 0;
    const std::string& key = o.field.key;
    if (key == "name") {
        c = a.name.compare(b.name);
    } else {
        auto value = [&](const RegisteredModel& m) {
            return key == "creation_timestamp" ? m.creationTimestamp : m.lastUpdatedTimestamp;
        };
        c = value(a) < value(b) ? -1 : (value(b) < value(a) ? 1 : 0);
    }
    c = c < 0 ? -1 : (c > 0 ? 1 : 0);
    return o.ascending ? c : -c;
}

} // namespace

struct RegisteredModelSearch::Impl
{
    std::optional<SearchExpression> expression;
    bool excludePrompts = true;
    std::vector<SearchOrder> orders;
};

Result<RegisteredModelSearch> RegisteredModelSearch::parse(
    std::string_view filter, const std::vector<std::string>& orderBy)
{
    auto expression = parseSearchFilter(filter, SearchGrammar::RegisteredModels);
    if (!expression)
        return expression.error();
    auto orders = parseSearchOrderBy(orderBy, SearchGrammar::RegisteredModels);
    if (!orders)
        return orders.error();
    auto impl = std::make_shared<Impl>();
    impl->expression = std::move(expression.value());
    impl->excludePrompts = filter.find(kPromptTag) == std::string_view::npos;
    impl->orders = std::move(orders.value());
    const bool hasName = std::any_of(
        impl->orders.begin(), impl->orders.end(), [](const SearchOrder& o) { return o.field.key == "name"; });
    if (!hasName) {
        SearchOrder byName;
        byName.field.key = "name";
        impl->orders.push_back(byName);
    }
    RegisteredModelSearch search;
    search.m_impl = std::move(impl);
    return search;
}

bool RegisteredModelSearch::hasFilter() const
{
    return m_impl && m_impl->expression.has_value();
}

bool RegisteredModelSearch::matches(const RegisteredModel& model) const
{
    if ((!m_impl || m_impl->excludePrompts) && isPrompt(model.tags))
        return false;
    if (!hasFilter())
        return true;
    return m_impl->expression->evaluate([&](const SearchComparison& c) { return matchesComparison(c, model); });
}

bool RegisteredModelSearch::lessThan(const RegisteredModel& a, const RegisteredModel& b) const
{
    if (!m_impl)
        return a.name < b.name;
    for (const SearchOrder& o : m_impl->orders) {
        if (const int c = compareOn(a, b, o))
            return c < 0;
    }
    return false;
}

void RegisteredModelSearch::sort(std::vector<RegisteredModel>& models) const
{
    std::stable_sort(models.begin(), models.end(),
        [this](const RegisteredModel& a, const RegisteredModel& b) { return lessThan(a, b); });
}

const SearchExpression* RegisteredModelSearch::expression() const
{
    return hasFilter() ? &*m_impl->expression : nullptr;
}

} // namespace runlens
