// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "series/metricsummary.h"

#include <QFuture>
#include <QHash>
#include <QList>
#include <QObject>
#include <QString>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

class QThreadPool;

namespace runlens {

class Store;

/**
 * Reads one metric's histories for many runs on a worker and picks a statistic of each (min, max,
 * the value at a step) for a metric column. A newer request for the same key cancels the older one,
 * whose result is never delivered.
 */
class MetricValuesLoader final : public QObject
{
    Q_OBJECT
public:
    using Values = std::unordered_map<std::string, MetricPoint>; // by run id

    explicit MetricValuesLoader(QObject* parent = nullptr);
    ~MetricValuesLoader() override;

    void load(std::shared_ptr<Store> store, QThreadPool* pool, const QString& key, MetricStatistic statistic,
        std::int64_t step, std::vector<std::string> runIds);
    /** Drops every request in flight (e.g. another store opened). */
    void cancelAll();
    bool isLoading() const { return !m_pending.isEmpty(); }

Q_SIGNALS:
    /** `failures` counts runs whose history could not be read; they show no value. */
    void loaded(const QString& key, runlens::MetricStatistic statistic, qint64 step,
        std::shared_ptr<runlens::MetricValuesLoader::Values> values, int failures);

private:
    struct Request
    {
        std::uint64_t generation = 0;
        std::shared_ptr<std::atomic_bool> cancelled;
    };
    QHash<QString, Request> m_pending;
    QList<QFuture<void>> m_tasks; // waited for on destruction, so no task outlives the loader
    std::uint64_t m_generation = 0;
};

} // namespace runlens
