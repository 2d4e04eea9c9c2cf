// SPDX-License-Identifier: Apache-2.0
#include "metricvaluesloader.h"

#include "store.h"

#include <QPointer>
#include <QThreadPool>
#include <QtConcurrent>

namespace runlens {

MetricValuesLoader::MetricValuesLoader(QObject* parent)
    : QObject(parent)
{ }

MetricValuesLoader::~MetricValuesLoader()
{
    cancelAll();
    for (QFuture<void>& task : m_tasks)
        task.waitForFinished(); // each stops after at most one more history read
}

void MetricValuesLoader::cancelAll()
{
    for (const Request& request : std::as_const(m_pending))
        request.cancelled->store(true);
    m_pending.clear();
}

void MetricValuesLoader::load(std::shared_ptr<Store> store, QThreadPool* pool, const QString& key,
    MetricStatistic statistic, std::int64_t step, std::vector<std::string> runIds)
{
    if (const auto it = m_pending.constFind(key); it != m_pending.constEnd())
        it->cancelled->store(true);
    const Request request {++m_generation, std::make_shared<std::atomic_bool>(false)};
    m_pending.insert(key, request);
    QPointer<MetricValuesLoader> self(this);
    (void)QtConcurrent::run(
        pool, [self, store = std::move(store), key, statistic, step, runIds = std::move(runIds), request] {
            auto values = std::make_shared<Values>();
            values->reserve(runIds.size());
            int failures = 0;
            const std::string k = key.toStdString();
            for (const std::string& runId : runIds) {
                if (request.cancelled->load())
                    return;
                const auto history = store->metricHistory(runId, k);
                if (!history.ok()) {
                    ++failures;
                    continue;
                }
                if (const auto point = pickMetricPoint(*history, statistic, step))
                    values->emplace(runId, *point);
            }
            // Delivered on the loader's thread, and only if no newer request for the key came since.
            QMetaObject::invokeMethod(
                self.data(),
                [self, key, statistic, step, values, failures, request] {
                    if (!self || request.cancelled->load())
                        return;
                    const auto it = self->m_pending.constFind(key);
                    if (it == self->m_pending.constEnd() || it->generation != request.generation)
                        return;
                    self->m_pending.erase(it);
                    Q_EMIT self->loaded(key, statistic, step, values, failures);
                },
                Qt::QueuedConnection);
        });
}

} // namespace runlens
