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
        auto status = forEachRow(**statement, [&](SqliteStatement& row) {
            rows.push_back(Row {row.int64(0), row.int64(1), row.real(2), row.int64(3)});
        });
        if (!status)
            return status.error();
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
