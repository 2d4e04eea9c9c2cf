// SPDX-License-Identifier: Apache-2.0
#include "rundetailsmodel.h"

#include "rundetailsmetricsmodel.h"
#include "storesession.h"

#include <QCoreApplication>
#include <QMetaObject>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace runlens {

namespace {

constexpr const char* kParentRunIdTag = "mlflow.parentRunId";

QString toQString(const std::string& s)
{
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

struct Links
{
    RunLink parent;
    std::vector<RunLink> children;
};

} // namespace

RunDetailsModel::RunDetailsModel(StoreSession* session, QObject* parent)
    : QObject(parent)
    , m_session(session)
    , m_metrics(new RunDetailsMetricsModel(this))
{ }

void RunDetailsModel::showRun(const std::string& runId)
{
    const std::uint64_t generation = ++m_generation;
    m_runId = runId;
    m_cancelled->store(true);
    m_cancelled = std::make_shared<std::atomic<bool>>(false);
    m_run.reset();
    m_parent = {};
    m_children.clear();
    m_metrics->setMetrics({});
    if (runId.empty() || !m_session || !m_session->store())
        return;
    (void)QtConcurrent::run(m_session->threadPool(),
        [self = QPointer<RunDetailsModel>(this), store = m_session->store(), runId, generation] {
            auto result = std::make_shared<Result<Run>>(store->run(runId));
            // Posted to the application: this object may be gone by now, which the GUI thread checks.
            QMetaObject::invokeMethod(
                QCoreApplication::instance(),
                [self, result, generation] {
                    if (!self || generation != self->m_generation)
                        return;
                    if (!result->ok()) {
                        const StoreError& error = result->error();
                        Q_EMIT self->runFailed(toQString(error.message.empty() ? error.toString() : error.message));
                        return;
                    }
                    self->m_run = std::make_shared<const Run>(std::move(result->value()));
                    self->m_metrics->setMetrics(self->m_run->metrics, self->m_run->metricDatasets);
                    Q_EMIT self->runLoaded();
                    self->loadMetrics();
                    self->loadLinks();
                },
                Qt::QueuedConnection);
        });
}

void RunDetailsModel::loadMetrics()
{
    std::vector<std::string> keys;
    for (const Metric& metric : m_run->metrics)
        keys.push_back(metric.key);
    (void)QtConcurrent::run(m_session->threadPool(),
        [self = QPointer<RunDetailsModel>(this), store = m_session->store(), runId = m_runId, keys,
            generation = m_generation, cancelled = m_cancelled] {
            auto summaries = std::make_shared<std::vector<MetricSummary>>();
            for (const std::string& key : keys) {
                if (cancelled->load())
                    return; // another run is shown; its histories are no longer wanted
                auto history = store->metricHistory(runId, key);
                if (history) {
                    summaries->push_back(MetricSummary::fromHistory(key, history.value()));
                } else {
                    MetricSummary failed;
                    failed.key = key;
                    failed.error = history.error().toString();
                    summaries->push_back(std::move(failed));
                }
            }
            // Posted to the application: this object may be gone by now, which the GUI thread checks.
            QMetaObject::invokeMethod(
                QCoreApplication::instance(),
                [self, summaries, generation] {
                    if (!self || generation != self->m_generation)
                        return;
                    self->m_metrics->setSummaries(*summaries);
                    Q_EMIT self->metricsLoaded();
                },
                Qt::QueuedConnection);
        });
}

void RunDetailsModel::loadLinks()
{
    const std::string* parentTag = m_run->tag(kParentRunIdTag);
    const std::string parentId = parentTag ? *parentTag : std::string();
    (void)QtConcurrent::run(m_session->threadPool(),
        [self = QPointer<RunDetailsModel>(this), store = m_session->store(), runId = m_runId,
            experimentId = m_run->info.experimentId, parentId, generation = m_generation] {
            auto links = std::make_shared<Links>();
            if (!parentId.empty()) {
                links->parent.runId = parentId;
                if (auto parent = store->run(parentId))
                    links->parent.runName = parent->info.runName;
            }
            // Children carry the parent's id in a tag; the search grammar may not reach tags on every
            // store, so read the experiment's runs (info and tags only) and pick them out here.
            RunQuery query;
            query.experimentIds = {experimentId};
            query.view = ViewType::All;
            query.fields = static_cast<RunFields>(RunField::Info) | static_cast<RunFields>(RunField::Tags);
            if (auto runs = store->searchRuns(query)) {
                std::vector<const Run*> children;
                for (const Run& candidate : runs->runs) {
                    const std::string* tag = candidate.tag(kParentRunIdTag);
                    if (tag && *tag == runId)
                        children.push_back(&candidate);
                }
                std::stable_sort(children.begin(), children.end(), [](const Run* a, const Run* b) {
                    return a->info.startTime.value_or(0) < b->info.startTime.value_or(0);
                });
                for (const Run* child : children)
                    links->children.push_back({child->info.runId, child->info.runName});
            }
            // Posted to the application: this object may be gone by now, which the GUI thread checks.
            QMetaObject::invokeMethod(
                QCoreApplication::instance(),
                [self, links, generation] {
                    if (!self || generation != self->m_generation)
                        return;
                    self->m_parent = links->parent;
                    self->m_children = links->children;
                    Q_EMIT self->linksLoaded();
                },
                Qt::QueuedConnection);
        });
}

} // namespace runlens
