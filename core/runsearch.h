// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "entities.h"
#include "result.h"
#include "store.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace runlens {

/** Where MLflow's file store and SQL store evaluate a search differently, each is matched. */
enum class SearchDialect
{
    FileStore,
    Sql
};

/**
 * A parsed run filter and order_by list (formats §D), shared by every store: local stores evaluate it
 * in memory, the SQL store may push it down, the REST store sends the MLflow-compatible part.
 */
class RunSearch
{
public:
    /** Parses; invalid input gives INVALID_PARAMETER_VALUE with the offending position. */
    static Result<RunSearch> parse(std::string_view filter, const std::vector<std::string>& orderBy);

    /** The run parts evaluation and ordering read (Info is always included). */
    RunFields requiredFields() const;
    bool hasFilter() const;
    bool matches(const Run& run, SearchDialect dialect) const;
    /** Applies order_by, then MLflow's tie-breakers (start_time DESC, run_id ASC). Stable. */
    void sort(std::vector<Run>& runs, SearchDialect dialect) const;

    struct Impl;

private:
    std::shared_ptr<const Impl> m_impl;
};

/** MLflow's default run order: start_time DESC (missing last), then run_id ASC. */
bool defaultRunOrderLess(const RunInfo& a, const RunInfo& b);

} // namespace runlens
