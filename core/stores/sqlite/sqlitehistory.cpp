// SPDX-License-Identifier: Apache-2.0
#include "stores/sqlite/sqlitestoreimpl.h"

#include <algorithm>

namespace runlens {

Result<std::vector<MetricPoint>> SqliteStore::metricHistory(const std::string& runId, const std::string& key)
{
    using History = Result<std::vector<MetricPoint>>;
    return m_impl->read<History>(nullptr, [&](SqliteConnection& c) -> History {
        auto exists = c.prepareCached(m_impl->runExistsSql);
        if (!exists)
            return exists.error();
        (*exists)->bindText(1, runId);
        auto found = (*exists)->step();
        (*exists)->reset();
        if (!found)
            return found.error();
        if (!*found)
            return StoreError {ErrorCode::ResourceDoesNotExist, "Run with id=" + runId + " not found"};

        auto statement = c.prepareCached(m_impl->historySql);
        if (!statement)
            return statement.error();
        (*statement)->bindText(1, runId);
        (*statement)->bindText(2, key);
        // The stored value (0 for NaN) and is_nan are part of MLflow's order, so they are kept for it.
        struct Row
        {
            std::int64_t timestamp;
            std::int64_t step;
            double stored;
            std::int64_t isNan;
            auto key() const { return std::tie(timestamp, step, stored, isNan); }
        };
        std::vector<Row> rows;
        std::string bad; // the first row that is not what MLflow's columns hold
        auto status = forEachRow(**statement, [&](SqliteStatement& row) {
            if (!bad.empty())
                return;
            std::string why;
            const auto timestamp = row.integer(0, why);
            const auto step = timestamp ? row.integer(1, why) : std::nullopt;
            const auto value = step ? row.number(2, why) : std::nullopt;
            if (!value) {
                bad = std::string("the ")
                    + (!timestamp   ? "timestamp"
                            : !step ? "step"
                                    : "value")
                    + " of a point is " + why;
                return;
            }
            rows.push_back(Row {*timestamp, *step, *value, row.int64(3)});
        });
        if (!status)
            return status.error();
        // As the file store does with a malformed metric file: no history rather than a changed one.
        if (!bad.empty())
            return StoreError {ErrorCode::InternalError,
                "metric '" + key + "' of run '" + runId + "' is malformed in " + m_impl->dbFile.string() + ": " + bad};
        const auto less = [](const Row& a, const Row& b) { return a.key() < b.key(); };
        if (!std::is_sorted(rows.begin(), rows.end(), less))
            std::sort(rows.begin(), rows.end(), less);
        std::vector<MetricPoint> points;
        points.reserve(rows.size());
        for (const Row& r : rows) {
            MetricPoint point;
            point.timestamp = r.timestamp;
            point.step = r.step;
            point.value = r.isNan ? std::numeric_limits<double>::quiet_NaN() : r.stored;
            points.push_back(point);
        }
        return points;
    });
}

} // namespace runlens
