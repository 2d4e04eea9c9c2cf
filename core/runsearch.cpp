// SPDX-License-Identifier: Apache-2.0
#include "runsearch.h"

#include <algorithm>

namespace runlens {

// Filters and order_by clauses are not built yet (the search-language work); until then only the
// empty filter and MLflow's default order are accepted, and anything else is refused plainly.
struct RunSearch::Impl
{
};

Result<RunSearch> RunSearch::parse(std::string_view filter, const std::vector<std::string>& orderBy)
{
    if (filter.find_first_not_of(" \t\r\n") != std::string_view::npos || !orderBy.empty())
        return StoreError {ErrorCode::NotImplemented, "search filters and order_by are not supported yet"};
    RunSearch search;
    search.m_impl = std::make_shared<const Impl>();
    return search;
}

RunFields RunSearch::requiredFields() const
{
    return static_cast<RunFields>(RunField::Info);
}

bool RunSearch::hasFilter() const
{
    return false;
}

bool RunSearch::matches(const Run&, SearchDialect) const
{
    return true;
}

void RunSearch::sort(std::vector<Run>& runs, SearchDialect) const
{
    std::stable_sort(
        runs.begin(), runs.end(), [](const Run& a, const Run& b) { return defaultRunOrderLess(a.info, b.info); });
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
