// SPDX-License-Identifier: Apache-2.0
#include "search/modelversionsearch.h"

#include <algorithm>

namespace runlens {

namespace {

constexpr std::string_view kDeletedStage = "Deleted_Internal";

bool matchesComparison(const SearchComparison& c, const ModelVersion& mv)
{
    if (c.field.entity == SearchEntity::Tag) {
        const std::string* v = findValue(mv.tags, c.field.key);
        return v && c.matchesString(*v);
    }
    const std::string& key = c.field.key;
    if (key == "version_number")
        return c.matchesInteger(mv.version);
    if (key == "run_id")
        return mv.runId && c.matchesString(*mv.runId);
    return c.matchesString(key == "source_path" ? mv.source : mv.name);
}

// <0, 0, >0 for one order_by entry; every ordering key is always present on a version.
int compareOn(const ModelVersion& a, const ModelVersion& b, const SearchOrder& o)
{
    int c = 0;
    const std::string& key = o.field.key;
    if (key == "name") {
        c = a.name.compare(b.name);
    } else {
        auto value = [&](const ModelVersion& mv) {
            if (key == "version_number")
                return mv.version;
            return key == "creation_timestamp" ? mv.creationTimestamp : mv.lastUpdatedTimestamp;
        };
        c = value(a) < value(b) ? -1 : (value(b) < value(a) ? 1 : 0);
    }
    c = c < 0 ? -1 : (c > 0 ? 1 : 0);
    return o.ascending ? c : -c;
}

SearchOrder order(std::string key, bool ascending)
{
    SearchOrder o;
    o.field.entity = SearchEntity::Attribute;
    o.field.key = std::move(key);
    o.ascending = ascending;
    return o;
}

} // namespace

struct ModelVersionSearch::Impl
{
    std::optional<SearchExpression> expression;
    bool excludePrompts = true;
    std::vector<SearchOrder> orders;

    int compare(const ModelVersion& a, const ModelVersion& b) const
    {
        for (const SearchOrder& o : orders) {
            if (const int c = compareOn(a, b, o))
                return c;
        }
        return 0;
    }
};

Result<ModelVersionSearch> ModelVersionSearch::parse(std::string_view filter, const std::vector<std::string>& orderBy)
{
    auto expression = parseSearchFilter(filter, SearchGrammar::ModelVersions);
    if (!expression)
        return expression.error();
    auto orders = parseSearchOrderBy(orderBy, SearchGrammar::ModelVersions);
    if (!orders)
        return orders.error();
    auto impl = std::make_shared<Impl>();
    impl->expression = std::move(expression.value());
    // MLflow's add_prompt_filter_string looks for the tag name anywhere in the filter text.
    impl->excludePrompts = filter.find(kPromptTag) == std::string_view::npos;
    impl->orders = std::move(orders.value());
    if (impl->orders.empty()) {
        impl->orders = {order("last_updated_timestamp", false), order("name", true), order("version_number", false)};
    }
    auto mentions = [&](std::string_view key) {
        return std::any_of(
            impl->orders.begin(), impl->orders.end(), [&](const SearchOrder& o) { return o.field.key == key; });
    };
    if (!mentions("name"))
        impl->orders.push_back(order("name", true));
    if (!mentions("version_number"))
        impl->orders.push_back(order("version_number", false));
    ModelVersionSearch search;
    search.m_impl = std::move(impl);
    return search;
}

bool ModelVersionSearch::hasFilter() const
{
    return m_impl && m_impl->expression.has_value();
}

bool ModelVersionSearch::matches(const ModelVersion& mv) const
{
    if (mv.currentStage == kDeletedStage)
        return false;
    if ((!m_impl || m_impl->excludePrompts) && isPrompt(mv.tags))
        return false;
    if (!hasFilter())
        return true;
    return m_impl->expression->evaluate([&](const SearchComparison& c) { return matchesComparison(c, mv); });
}

bool ModelVersionSearch::lessThan(const ModelVersion& a, const ModelVersion& b) const
{
    if (!m_impl) {
        auto def = ModelVersionSearch::parse({}, {});
        return def->lessThan(a, b);
    }
    return m_impl->compare(a, b) < 0;
}

void ModelVersionSearch::sort(std::vector<ModelVersion>& versions) const
{
    std::stable_sort(versions.begin(), versions.end(),
        [this](const ModelVersion& a, const ModelVersion& b) { return lessThan(a, b); });
}

const SearchExpression* ModelVersionSearch::expression() const
{
    return hasFilter() ? &*m_impl->expression : nullptr;
}

} // namespace runlens
