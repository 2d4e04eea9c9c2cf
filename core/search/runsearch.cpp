// SPDX-License-Identifier: Apache-2.0
#include "search/runsearch.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace runlens {

namespace {

const std::string kRunNameTag = "mlflow.runName";
const std::string kDatasetContextTag = "mlflow.data.context";

bool isTimeAttribute(const SearchField& f)
{
    return f.entity == SearchEntity::Attribute && (f.key == "start_time" || f.key == "end_time");
}

std::string_view stringAttribute(const RunInfo& info, const std::string& key)
{
    if (key == "run_id")
        return info.runId;
    if (key == "run_name")
        return info.runName;
    if (key == "status")
        return runStatusName(info.status);
    if (key == "user_id")
        return info.userId;
    return info.artifactUri;
}

const std::optional<std::int64_t>& timeAttribute(const RunInfo& info, const std::string& key)
{
    return key == "end_time" ? info.endTime : info.startTime;
}

// SearchUtils._does_run_match_clause / _get_sqlalchemy_filter_clauses: a missing value never matches.
bool matchesComparison(const SearchComparison& c, const Run& run, SearchDialect dialect)
{
    const std::string& key = c.field.key;
    switch (c.field.entity) {
    case SearchEntity::Metric: {
        const Metric* m = run.metric(key);
        if (!m)
            return false;
        // A NaN compares as NaN on every store. (MLflow's SQL store compares the column it keeps
        // for a NaN, 0: docs/search.md.)
        return c.matchesNumber(m->point.value);
    }
    case SearchEntity::Param: {
        const std::string* v = run.param(key);
        return v && c.matchesString(*v);
    }
    case SearchEntity::Tag: {
        const std::string* v = run.tag(key);
        return v && c.matchesString(*v);
    }
    case SearchEntity::Attribute: {
        if (isTimeAttribute(c.field)) {
            const auto& t = timeAttribute(run.info, key);
            if (c.valueType == SearchValueType::Number) // a literal that is no 64-bit integer
                return t && c.matchesNumber(static_cast<double>(*t));
            return t && c.matchesInteger(*t);
        }
        if (key == "run_name" && dialect == SearchDialect::Sql) {
            // The SQL store filters run names through the tag (runs.name is empty before 1.30).
            const std::string* v = run.tag(kRunNameTag);
            return v && c.matchesString(*v);
        }
        return c.matchesString(stringAttribute(run.info, key));
    }
    case SearchEntity::Dataset:
        for (const DatasetInput& input : run.inputs) {
            if (key == "context") {
                const std::string* ctx = findValue(input.tags, kDatasetContextTag);
                if (ctx && c.matchesString(*ctx))
                    return true;
            } else if (c.matchesString(key == "name" ? input.dataset.name : input.dataset.digest)) {
                return true;
            }
        }
        return false;
    }
    return false;
}

// One run's value for one order_by entry. Groups sort first and always ascending: values, then NaN
// (metrics only), then missing, as both stores do (formats §D.4).
struct SortCell
{
    int group = 2;
    double number = 0.0;
    std::int64_t integer = 0;
    std::string_view text;
};

enum class CellKind
{
    Number,
    Integer,
    Text
};

CellKind cellKind(const SearchField& f)
{
    if (f.entity == SearchEntity::Metric)
        return CellKind::Number;
    if (isTimeAttribute(f))
        return CellKind::Integer;
    return CellKind::Text;
}

SortCell sortCell(const Run& run, const SearchField& f)
{
    SortCell cell;
    switch (f.entity) {
    case SearchEntity::Metric:
        if (const Metric* m = run.metric(f.key)) {
            cell.group = std::isnan(m->point.value) ? 1 : 0;
            cell.number = m->point.value;
        }
        break;
    case SearchEntity::Param:
        if (const std::string* v = run.param(f.key)) {
            cell.group = 0;
            cell.text = *v;
        }
        break;
    case SearchEntity::Tag:
        if (const std::string* v = run.tag(f.key)) {
            cell.group = 0;
            cell.text = *v;
        }
        break;
    case SearchEntity::Attribute:
        if (isTimeAttribute(f)) {
            if (const auto& t = timeAttribute(run.info, f.key)) {
                cell.group = 0;
                cell.integer = *t;
            }
        } else {
            cell.group = 0;
            cell.text = stringAttribute(run.info, f.key);
        }
        break;
    case SearchEntity::Dataset:
        break;
    }
    return cell;
}

// <0, 0, >0 as a comes before, ties with, or comes after b.
int compareCells(const SortCell& a, const SortCell& b, CellKind kind, bool ascending)
{
    if (a.group != b.group)
        return a.group < b.group ? -1 : 1;
    if (a.group != 0)
        return 0;
    int c = 0;
    switch (kind) {
    case CellKind::Number:
        c = a.number < b.number ? -1 : (b.number < a.number ? 1 : 0);
        break;
    case CellKind::Integer:
        c = a.integer < b.integer ? -1 : (b.integer < a.integer ? 1 : 0);
        break;
    case CellKind::Text:
        c = a.text.compare(b.text);
        c = c < 0 ? -1 : (c > 0 ? 1 : 0);
        break;
    }
    return ascending ? c : -c;
}

int compareTieBreakers(const RunInfo& a, const RunInfo& b, bool startTimeOrdered)
{
    if (!startTimeOrdered && a.startTime != b.startTime) {
        if (!a.startTime)
            return 1;
        if (!b.startTime)
            return -1;
        return *a.startTime > *b.startTime ? -1 : 1;
    }
    const int c = a.runId.compare(b.runId);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

} // namespace

struct RunSearch::Impl
{
    std::string filterText;
    std::optional<SearchExpression> expression;
    std::vector<SearchOrder> orders;
    std::vector<CellKind> kinds;
    bool startTimeOrdered = false;
    RunFields fields = static_cast<RunFields>(RunField::Info);

    int compare(const Run& a, const Run& b) const
    {
        for (std::size_t i = 0; i < orders.size(); ++i) {
            const int c = compareCells(
                sortCell(a, orders[i].field), sortCell(b, orders[i].field), kinds[i], orders[i].ascending);
            if (c)
                return c;
        }
        return compareTieBreakers(a.info, b.info, startTimeOrdered);
    }
};

namespace {

RunFields fieldFor(const SearchField& f, bool inFilter)
{
    switch (f.entity) {
    case SearchEntity::Metric:
        return static_cast<RunFields>(RunField::Metrics);
    case SearchEntity::Param:
        return static_cast<RunFields>(RunField::Params);
    case SearchEntity::Tag:
        return static_cast<RunFields>(RunField::Tags);
    case SearchEntity::Dataset:
        return static_cast<RunFields>(RunField::Inputs);
    case SearchEntity::Attribute:
        return inFilter && f.key == "run_name" ? static_cast<RunFields>(RunField::Tags) : 0u;
    }
    return 0u;
}

} // namespace

Result<RunSearch> RunSearch::parse(std::string_view filter, const std::vector<std::string>& orderBy)
{
    auto expression = parseSearchFilter(filter, SearchGrammar::Runs);
    if (!expression)
        return expression.error();
    auto orders = parseSearchOrderBy(orderBy, SearchGrammar::Runs);
    if (!orders)
        return orders.error();

    auto impl = std::make_shared<Impl>();
    impl->filterText = std::string(filter);
    impl->expression = std::move(expression.value());
    impl->orders = std::move(orders.value());
    for (const SearchOrder& o : impl->orders) {
        impl->kinds.push_back(cellKind(o.field));
        impl->fields |= fieldFor(o.field, false);
        if (o.field.entity == SearchEntity::Attribute && o.field.key == "start_time")
            impl->startTimeOrdered = true;
    }
    if (impl->expression) {
        impl->expression->forEachComparison(
            [&](const SearchComparison& c) { impl->fields |= fieldFor(c.field, true); });
    }
    RunSearch search;
    search.m_impl = std::move(impl);
    return search;
}

RunFields RunSearch::requiredFields() const
{
    return m_impl ? m_impl->fields : static_cast<RunFields>(RunField::Info);
}

bool RunSearch::hasFilter() const
{
    return m_impl && m_impl->expression.has_value();
}

bool RunSearch::hasOrderBy() const
{
    return m_impl && !m_impl->orders.empty();
}

bool RunSearch::matches(const Run& run, SearchDialect dialect) const
{
    if (!hasFilter())
        return true;
    return m_impl->expression->evaluate([&](const SearchComparison& c) { return matchesComparison(c, run, dialect); });
}

bool RunSearch::lessThan(const Run& a, const Run& b, SearchDialect) const
{
    if (!m_impl)
        return defaultRunOrderLess(a.info, b.info);
    return m_impl->compare(a, b) < 0;
}

std::vector<Run> RunSearch::apply(
    const std::vector<Run>& runs, SearchDialect dialect, std::optional<std::size_t> maxResults) const
{
    std::vector<Run> matching;
    for (const Run& run : runs) {
        if (!hasFilter() || matches(run, dialect))
            matching.push_back(run);
    }
    return apply(std::move(matching), dialect, maxResults);
}

std::vector<Run> RunSearch::apply(
    std::vector<Run>&& runs, SearchDialect dialect, std::optional<std::size_t> maxResults) const
{
    if (hasFilter())
        std::erase_if(runs, [&](const Run& run) { return !matches(run, dialect); });
    sort(runs, dialect);
    if (maxResults && runs.size() > *maxResults)
        runs.resize(*maxResults);
    return runs;
}

void RunSearch::sort(std::vector<Run>& runs, SearchDialect) const
{
    if (!m_impl || m_impl->orders.empty()) {
        std::stable_sort(
            runs.begin(), runs.end(), [](const Run& a, const Run& b) { return defaultRunOrderLess(a.info, b.info); });
        return;
    }
    // Sort keys once per run rather than once per comparison, tie-breakers included, in one compact
    // array: searches may order 100k runs, and chasing each Run in memory dominated the time.
    const Impl& impl = *m_impl;
    const std::size_t n = runs.size();
    const std::size_t k = impl.orders.size();
    std::vector<SortCell> cells(n * (k + 2));
    const std::size_t stride = k + 2;
    for (std::size_t r = 0; r < n; ++r) {
        SortCell* row = &cells[r * stride];
        for (std::size_t i = 0; i < k; ++i)
            row[i] = sortCell(runs[r], impl.orders[i].field);
        const RunInfo& info = runs[r].info;
        if (!impl.startTimeOrdered && info.startTime) {
            row[k].group = 0;
            row[k].integer = *info.startTime;
        }
        row[k + 1].group = 0;
        row[k + 1].text = info.runId;
    }
    std::vector<std::size_t> index(n);
    std::iota(index.begin(), index.end(), std::size_t {0});
    std::stable_sort(index.begin(), index.end(), [&](std::size_t a, std::size_t b) {
        const SortCell* ra = &cells[a * stride];
        const SortCell* rb = &cells[b * stride];
        for (std::size_t i = 0; i < k; ++i) {
            if (const int c = compareCells(ra[i], rb[i], impl.kinds[i], impl.orders[i].ascending))
                return c < 0;
        }
        // MLflow's tie-breakers: start_time DESC (missing last) unless ordered on, then run_id ASC.
        if (const int c = compareCells(ra[k], rb[k], CellKind::Integer, false))
            return c < 0;
        return compareCells(ra[k + 1], rb[k + 1], CellKind::Text, true) < 0;
    });
    std::vector<Run> sorted;
    sorted.reserve(n);
    for (std::size_t i : index)
        sorted.push_back(std::move(runs[i]));
    runs = std::move(sorted);
}

const std::string& RunSearch::filterText() const
{
    static const std::string empty;
    return m_impl ? m_impl->filterText : empty;
}

const SearchExpression* RunSearch::expression() const
{
    return hasFilter() ? &*m_impl->expression : nullptr;
}

const std::vector<SearchOrder>& RunSearch::orderBy() const
{
    static const std::vector<SearchOrder> none;
    return m_impl ? m_impl->orders : none;
}

std::optional<std::string> RunSearch::mlflowCompatibleFilter() const
{
    if (!hasFilter())
        return std::string();
    return renderMlflowFilter(*m_impl->expression);
}

std::string RunSearch::mlflowServerFilter() const
{
    if (!hasFilter())
        return {};
    const SearchExpression& e = *m_impl->expression;
    std::string out;
    auto add = [&](const SearchExpression& part) {
        if (part.kind != SearchExpression::Kind::Comparison)
            return;
        if (const auto text = renderMlflowComparison(part.comparison))
            out += (out.empty() ? "" : " AND ") + *text;
    };
    if (e.kind == SearchExpression::Kind::And) {
        for (const auto& part : e.operands)
            add(part);
    } else {
        add(e);
    }
    return out;
}

std::optional<std::vector<std::string>> RunSearch::mlflowOrderBy() const
{
    std::vector<std::string> out;
    for (const SearchOrder& o : orderBy()) {
        auto text = renderMlflowOrder(o);
        if (!text)
            return std::nullopt;
        out.push_back(std::move(*text));
    }
    return out;
}

bool defaultRunOrderLess(const RunInfo& a, const RunInfo& b)
{
    if (a.startTime != b.startTime) {
        if (!a.startTime)
            return false;
        if (!b.startTime)
            return true;
        return *a.startTime > *b.startTime;
    }
    return a.runId < b.runId;
}

} // namespace runlens
