// SPDX-License-Identifier: Apache-2.0
#include "stores/sqlite/sqlrunfilter.h"

#include "search/likepattern.h"
#include "search/runsearch.h"
#include "search/searchexpression.h"
#include "stores/sqlite/sqliteschema.h"

#include <sqlite3.h>

#include <cmath>

namespace runlens {

namespace {

// SQLite rejects longer LIKE patterns (SQLITE_MAX_LIKE_PATTERN_LENGTH) instead of evaluating them.
constexpr std::size_t kMaxLikePattern = 50000;
// SQLITE_MAX_VARIABLE_NUMBER is 32766 since SQLite 3.32; leave room for the caller's own placeholders.
constexpr std::size_t kMaxBindings = 30000;

bool isTimeAttribute(const SearchField& f)
{
    return f.entity == SearchEntity::Attribute && (f.key == "start_time" || f.key == "end_time");
}

class FilterBuilder
{
public:
    FilterBuilder(const SqliteSchema& schema, std::string_view runAlias, SqlRunFilter& out)
        : m_schema(schema)
        , m_run(runAlias)
        , m_out(out)
    { }

    // `positive` tracks the polarity under NOT: an inexact comparison becomes TRUE where a superset
    // is wanted and FALSE where a subset is (inside an odd number of NOTs), so the whole filter
    // always selects a superset of the matching runs.
    std::string translate(const SearchExpression& e, bool positive)
    {
        switch (e.kind) {
        case SearchExpression::Kind::Comparison:
            if (auto sql = comparison(e.comparison))
                return *sql;
            m_out.complete = false;
            return positive ? "1" : "0";
        case SearchExpression::Kind::Not:
            return "NOT (" + translate(e.operands.front(), !positive) + ")";
        case SearchExpression::Kind::And:
        case SearchExpression::Kind::Or: {
            const char* glue = e.kind == SearchExpression::Kind::And ? " AND " : " OR ";
            std::string sql = "(";
            for (std::size_t i = 0; i < e.operands.size(); ++i) {
                if (i)
                    sql += glue;
                sql += translate(e.operands[i], positive);
            }
            return sql + ")";
        }
        }
        m_out.complete = false;
        return positive ? "1" : "0";
    }

private:
    template<typename T>
    std::string bind(const T& value)
    {
        m_out.bindings.emplace_back(std::in_place_type<T>, value);
        return "?";
    }

    // SearchComparison::matchesString on a present value; nullopt when SQL cannot say it exactly.
    std::optional<std::string> stringCondition(const std::string& column, const SearchComparison& c)
    {
        switch (c.op) {
        case SearchComparator::Equal:
            return column + " = " + bind<std::string>(c.text);
        case SearchComparator::NotEqual:
            return column + " != " + bind<std::string>(c.text);
        case SearchComparator::Like:
        case SearchComparator::ILike: {
            if (!c.like)
                return "0";
            const std::string& pattern = c.like->pattern();
            if (pattern.size() > kMaxLikePattern)
                return std::nullopt;
            // SQLite's lower() folds ASCII letters only; runlens_ilike (SqliteConnection) is
            // LikePattern itself, so ILIKE folds every letter as on the other stores.
            if (c.op == SearchComparator::ILike)
                return "runlens_ilike(" + column + ", " + bind<std::string>(pattern) + ")";
            return column + " LIKE " + bind<std::string>(pattern);
        }
        case SearchComparator::In:
        case SearchComparator::NotIn: {
            std::string sql = column + (c.op == SearchComparator::In ? " IN (" : " NOT IN (");
            for (std::size_t i = 0; i < c.list.size(); ++i)
                sql += (i ? ", " : "") + bind<std::string>(c.list[i]);
            return sql + ")";
        }
        default:
            return "0";
        }
    }

    static const char* numericOperator(SearchComparator op)
    {
        switch (op) {
        case SearchComparator::Equal:
            return " = ";
        case SearchComparator::NotEqual:
            return " != ";
        case SearchComparator::Less:
            return " < ";
        case SearchComparator::LessEqual:
            return " <= ";
        case SearchComparator::Greater:
            return " > ";
        case SearchComparator::GreaterEqual:
            return " >= ";
        default:
            return nullptr;
        }
    }

    // SearchComparison::matchesNumber on the stored value (NaN read as 0).
    std::string numberCondition(const std::string& column, const SearchComparison& c)
    {
        const char* op = numericOperator(c.op);
        if (!op)
            return "0";
        // SQLite binds a NaN as NULL; under IEEE rules a NaN literal only satisfies !=.
        if (std::isnan(c.number))
            return c.op == SearchComparator::NotEqual ? "1" : "0";
        return column + op + bind(c.number);
    }

    // The column may be NULL: test it first so the result is 0 or 1, never NULL, which NOT would
    // otherwise keep NULL and drop the run RunSearch selects.
    std::string integerCondition(const std::string& column, const SearchComparison& c)
    {
        const char* op = numericOperator(c.op);
        if (!op)
            return "0";
        if (c.valueType == SearchValueType::Number) // start_time > 1.7e12: compared as numbers, as MLflow does
            return "(" + column + " IS NOT NULL AND " + column + op + bind(c.number) + ")";
        return "(" + column + " IS NOT NULL AND " + column + op + bind(c.integer) + ")";
    }

    std::string runColumn(std::string_view column) const { return m_run + "." + std::string(column); }

    // A key-value child table (params, tags): the row for the key must exist and satisfy the test.
    std::optional<std::string> keyValue(const char* table, const std::string& key, const SearchComparison& c)
    {
        std::string sql = std::string("EXISTS (SELECT 1 FROM ") + table
            + " kv WHERE kv.run_uuid = " + runColumn("run_uuid") + " AND kv.key = " + bind<std::string>(key) + " AND ";
        auto test = stringCondition("IFNULL(kv.value, '')", c);
        if (!test)
            return std::nullopt;
        return sql + *test + ")";
    }

    std::optional<std::string> metric(const SearchComparison& c)
    {
        if (!m_schema.hasTable("latest_metrics"))
            return std::nullopt;
        std::string sql = "EXISTS (SELECT 1 FROM latest_metrics lm WHERE lm.run_uuid = " + runColumn("run_uuid")
            + " AND lm.key = " + bind<std::string>(c.field.key) + " AND ";
        // A NaN point is kept as value 0 with is_nan set; as a NaN it satisfies only !=.
        if (m_schema.hasColumn("latest_metrics", "is_nan") && !std::isnan(c.number)) {
            const std::string test = numberCondition("lm.value", c);
            if (c.op == SearchComparator::NotEqual)
                return sql + "(lm.is_nan OR " + test + "))";
            return sql + "NOT lm.is_nan AND " + test + ")";
        }
        return sql + numberCondition("lm.value", c) + ")";
    }

    std::optional<std::string> dataset(const SearchComparison& c)
    {
        // RunSearch sees only the inputs the store loads: RUN destinations joined to their dataset.
        if (!m_schema.hasTable("inputs") || !m_schema.hasTable("datasets"))
            return "0";
        std::string sql = "EXISTS (SELECT 1 FROM inputs di JOIN datasets dd ON dd.dataset_uuid = di.source_id";
        std::string column;
        if (c.field.key == "context") {
            if (!m_schema.hasTable("input_tags"))
                return "0";
            sql += " JOIN input_tags dt ON dt.input_uuid = di.input_uuid AND dt.name = 'mlflow.data.context'";
            column = "IFNULL(dt.value, '')";
        } else {
            column = c.field.key == "name" ? "IFNULL(dd.name, '')" : "IFNULL(dd.digest, '')";
        }
        sql += " WHERE di.destination_type = 'RUN' AND di.destination_id = " + runColumn("run_uuid") + " AND ";
        auto test = stringCondition(column, c);
        if (!test)
            return std::nullopt;
        return sql + *test + ")";
    }

    std::optional<std::string> attribute(const SearchComparison& c)
    {
        const std::string& key = c.field.key;
        if (isTimeAttribute(c.field))
            return integerCondition(runColumn(key), c);
        // MLflow's SQL store filters run names through the tag (runs.name is empty before 1.30).
        if (key == "run_name")
            return keyValue("tags", "mlflow.runName", c);
        if (key == "run_id")
            return stringCondition(runColumn("run_uuid"), c);
        if (key == "status" || key == "user_id" || key == "artifact_uri")
            return stringCondition("IFNULL(" + runColumn(key) + ", '')", c);
        return std::nullopt;
    }

    std::optional<std::string> comparison(const SearchComparison& c)
    {
        switch (c.field.entity) {
        case SearchEntity::Metric:
            return metric(c);
        case SearchEntity::Param:
            return keyValue("params", c.field.key, c);
        case SearchEntity::Tag:
            return keyValue("tags", c.field.key, c);
        case SearchEntity::Attribute:
            return attribute(c);
        case SearchEntity::Dataset:
            return dataset(c);
        }
        return std::nullopt;
    }

    const SqliteSchema& m_schema;
    std::string m_run;
    SqlRunFilter& m_out;
};

// runlens_ilike(text, pattern): LikePattern's ILIKE, so SQL filters fold every letter as Runlens does
// elsewhere (SQLite's lower() folds ASCII only). The compiled pattern is kept for the statement.
void ilikeFunction(sqlite3_context* context, int, sqlite3_value** args)
{
    auto* like = static_cast<LikePattern*>(sqlite3_get_auxdata(context, 1));
    if (!like) {
        const auto* pattern = reinterpret_cast<const char*>(sqlite3_value_text(args[1]));
        like = new LikePattern(
            pattern ? std::string_view(pattern, sqlite3_value_bytes(args[1])) : std::string_view(), true);
        sqlite3_set_auxdata(context, 1, like, [](void* p) { delete static_cast<LikePattern*>(p); });
        like = static_cast<LikePattern*>(sqlite3_get_auxdata(context, 1)); // SQLite may have freed it at once
        if (!like) {
            sqlite3_result_error_nomem(context);
            return;
        }
    }
    const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(args[0]));
    const std::string_view value = text ? std::string_view(text, sqlite3_value_bytes(args[0])) : std::string_view();
    sqlite3_result_int(context, like->matches(value) ? 1 : 0);
}

} // namespace

SqlRunFilter SqlRunFilter::build(const RunSearch& search, const SqliteSchema& schema, std::string_view runAlias)
{
    SqlRunFilter filter;
    if (const SearchExpression* e = search.expression()) {
        FilterBuilder builder(schema, runAlias, filter);
        filter.where = builder.translate(*e, true);
    }
    // Beyond SQLite's limit on placeholders the statement would not prepare (e.g. an IN list of
    // thousands of run ids): select everything and let the caller filter.
    if (filter.bindings.size() > kMaxBindings) {
        filter = SqlRunFilter {};
        filter.complete = false;
    }
    return filter;
}

std::optional<SqlRunOrder> SqlRunOrder::build(
    const RunSearch& search, const SqliteSchema& schema, std::string_view runAlias)
{
    SqlRunOrder order;
    const std::string run(runAlias);
    auto bind = [&](SqlValue value) {
        order.bindings.push_back(std::move(value));
        return std::string("?");
    };
    auto add = [&](const std::string& term) { order.orderBy += (order.orderBy.empty() ? "" : ", ") + term; };
    bool startTimeOrdered = false;
    for (const SearchOrder& o : search.orderBy()) {
        const char* direction = o.ascending ? " ASC" : " DESC";
        const SearchField& f = o.field;
        switch (f.entity) {
        case SearchEntity::Metric: {
            if (!schema.hasTable("latest_metrics"))
                return std::nullopt;
            // Values, then NaN, then missing, whatever the direction; NaNs tie with each other.
            const bool hasNan = schema.hasColumn("latest_metrics", "is_nan");
            const std::string from = " FROM latest_metrics lm WHERE lm.run_uuid = " + run + ".run_uuid AND lm.key = ";
            add(std::string("IFNULL((SELECT ") + (hasNan ? "CASE WHEN lm.is_nan THEN 1 ELSE 0 END" : "0") + from
                + bind(f.key) + "), 2) ASC");
            add(std::string("(SELECT ") + (hasNan ? "CASE WHEN lm.is_nan THEN NULL ELSE lm.value END" : "lm.value")
                + from + bind(f.key) + ")" + direction + " NULLS LAST");
            break;
        }
        case SearchEntity::Param:
        case SearchEntity::Tag:
            add(std::string("(SELECT IFNULL(kv.value, '') FROM ")
                + (f.entity == SearchEntity::Param ? "params" : "tags") + " kv WHERE kv.run_uuid = " + run
                + ".run_uuid AND kv.key = " + bind(f.key) + ")" + direction + " NULLS LAST");
            break;
        case SearchEntity::Attribute:
            if (isTimeAttribute(f)) {
                startTimeOrdered = startTimeOrdered || f.key == "start_time";
                add(run + "." + f.key + direction + " NULLS LAST");
            } else if (f.key == "run_id") {
                add(run + ".run_uuid" + direction);
            } else if (f.key == "status") {
                add(run + ".status" + direction);
            } else if (f.key == "user_id" || f.key == "artifact_uri") {
                add("IFNULL(" + run + "." + f.key + ", '')" + direction);
            } else {
                // run_name: the column, or the mlflow.runName tag where it is empty, as the store reads it.
                return std::nullopt;
            }
            break;
        case SearchEntity::Dataset:
            return std::nullopt;
        }
    }
    // MLflow's tie-breakers.
    if (!startTimeOrdered)
        add(run + ".start_time DESC NULLS LAST");
    add(run + ".run_uuid ASC");
    return order;
}

bool addSqlRunFilterFunctions(sqlite3* db)
{
    return sqlite3_create_function_v2(db, "runlens_ilike", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
               &ilikeFunction, nullptr, nullptr, nullptr)
        == SQLITE_OK;
}

} // namespace runlens
