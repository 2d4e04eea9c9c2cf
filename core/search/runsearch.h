// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "entities.h"
#include "result.h"
#include "search/searchdialect.h"
#include "search/searchexpression.h"
#include "store.h"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runlens {

/**
 * A parsed run filter and order_by list (formats §D), shared by every store: local stores evaluate it
 * in memory, the SQL store may push it down, the REST store sends the MLflow-compatible part.
 *
 * The language is MLflow's (comparisons joined by AND) plus OR, NOT and parentheses, with precedence
 * NOT > AND > OR. On MLflow-compatible input the results are MLflow's, order included.
 */
class RunSearch
{
public:
    /** Parses; invalid input gives INVALID_PARAMETER_VALUE with the offending token and position. */
    static Result<RunSearch> parse(std::string_view filter, const std::vector<std::string>& orderBy);

    /**
     * The run parts evaluation and ordering read (Info is always included). A store loads at least
     * these on top of what the caller asked for. A run_name filter needs Tags: the Sql dialect
     * matches it against the mlflow.runName tag, as MLflow's SQL store does.
     */
    RunFields requiredFields() const;
    bool hasFilter() const;
    bool hasOrderBy() const;
    bool matches(const Run& run, SearchDialect dialect) const;
    /** Applies order_by, then MLflow's tie-breakers (start_time DESC, run_id ASC). Stable. */
    void sort(std::vector<Run>& runs, SearchDialect dialect) const;
    /**
     * The in-memory tail of every search over loaded runs: keeps the runs that match, in this
     * search's order, at most maxResults of them. Local stores and re-filtering in the app use it.
     */
    std::vector<Run> apply(
        std::vector<Run>&& runs, SearchDialect dialect, std::optional<std::size_t> maxResults = {}) const;
    /** The same, copying only the runs that match (re-filtering runs read before). */
    std::vector<Run> apply(
        const std::vector<Run>& runs, SearchDialect dialect, std::optional<std::size_t> maxResults = {}) const;

    /** The order sort() produces, as a strict weak ordering (e.g. to merge sorted pages). */
    bool lessThan(const Run& a, const Run& b, SearchDialect dialect) const;

    /** The filter as given. */
    const std::string& filterText() const;
    /** The parsed filter, or nullptr when there is none (e.g. for a store that translates it to SQL). */
    const SearchExpression* expression() const;
    const std::vector<SearchOrder>& orderBy() const;

    /**
     * The whole filter in MLflow's syntax when it uses only what MLflow understands (comparisons
     * joined by AND; parentheses around them are dropped), else nullopt. Empty when there is no filter.
     */
    std::optional<std::string> mlflowCompatibleFilter() const;
    /**
     * The MLflow-compatible part to send to a server: the AND-ed comparisons MLflow can evaluate.
     * Every run matching the whole filter matches this one, so a server-backed store sends it and,
     * when mlflowCompatibleFilter() is nullopt, keeps only the returned runs for which matches() holds.
     */
    std::string mlflowServerFilter() const;
    /** order_by in MLflow's syntax, or nullopt when some key cannot be written for MLflow. */
    std::optional<std::vector<std::string>> mlflowOrderBy() const;

    struct Impl;

private:
    std::shared_ptr<const Impl> m_impl;
};

/** MLflow's default run order: start_time DESC (missing last), then run_id ASC. */
bool defaultRunOrderLess(const RunInfo& a, const RunInfo& b);

} // namespace runlens
