// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

struct sqlite3;

namespace runlens {

class RunSearch;
class SqliteSchema;

/** A value bound to one `?` placeholder of a generated SQL fragment, in placeholder order. */
using SqlValue = std::variant<std::int64_t, double, std::string>;

/**
 * A run filter translated to SQL over MLflow's tables, so a search reads only the runs it returns
 * (formats §D). The fragment is a boolean expression over the `runs` row aliased as given; it uses
 * correlated EXISTS sub-queries on latest_metrics, params, tags and the dataset tables, and plain `?`
 * placeholders, so it can be ANDed after another clause's placeholders with its bindings appended.
 *
 * It reproduces RunSearch::matches with SearchDialect::Sql exactly (MLflow's SQL store on SQLite with
 * PRAGMA case_sensitive_like = true), down to the values the store reads: a NaN metric compares as
 * NaN, a NULL text column as '', ILIKE through the connection's runlens_ilike(). Where a comparison cannot be written
 * exactly (e.g. metrics in a database older than the latest_metrics table), `complete` is false and `where` selects a
 * superset of the matching runs: the caller must then still apply RunSearch::matches to what it loads.
 */
struct SqlRunFilter
{
    std::string where = "1";
    std::vector<SqlValue> bindings;
    bool complete = true;

    static SqlRunFilter build(const RunSearch& search, const SqliteSchema& schema, std::string_view runAlias = "r");
};

/**
 * RunSearch::sort's order (order_by entries, then start_time DESC with missing last, then run_id ASC)
 * as an ORDER BY list over the `runs` row aliased as given, placeholders after the filter's. nullopt
 * when some order_by key cannot be reproduced exactly in SQL (run_name, or metrics without the
 * latest_metrics table); the caller then sorts in memory. Only with both a complete filter and an
 * order may maxResults become a LIMIT.
 */
struct SqlRunOrder
{
    std::string orderBy;
    std::vector<SqlValue> bindings;

    static std::optional<SqlRunOrder> build(
        const RunSearch& search, const SqliteSchema& schema, std::string_view runAlias = "r");
};

/** Adds the SQL functions SqlRunFilter's SQL calls (runlens_ilike) to a connection; false on failure. */
bool addSqlRunFilterFunctions(sqlite3* db);

} // namespace runlens
