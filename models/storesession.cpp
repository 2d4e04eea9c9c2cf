// SPDX-License-Identifier: Apache-2.0
#include "storesession.h"

#include "parallelfor.h"
#include "search/runsearch.h"
#include "storefactory.h"
#include "stores/rest/reststore.h"
#include "taskcontrol.h"

#include <QMetaObject>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <atomic>

namespace runlens {

namespace {

QString toQString(const std::string& s)
{
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

QString errorText(const StoreError& error)
{
    return toQString(error.message.empty() ? std::string(errorCodeName(error.code)) : error.message);
}

std::vector<std::string> toStdIds(const QStringList& ids)
{
    std::vector<std::string> out;
    out.reserve(static_cast<std::size_t>(ids.size()));
    for (const QString& id : ids)
        out.push_back(id.toStdString());
    return out;
}

// Workers report progress per item; posting an event for each would flood the GUI thread, so at most
// one delivery is queued at a time and it reads the newest figures when it runs.
struct ProgressRelay
{
    std::atomic<std::int64_t> done {0};
    std::atomic<std::int64_t> total {0};
    std::atomic<bool> queued {false};
};

} // namespace

StoreSession::StoreSession(QObject* parent)
    : QObject(parent)
{
    m_pool.setMaxThreadCount(sessionWorkerCount());
}

StoreSession::~StoreSession()
{
    if (m_countsControl)
        m_countsControl->cancel();
    if (m_runsControl)
        m_runsControl->cancel();
    // Workers post their results to this object; wait for them so none posts to a dead object.
    m_pool.waitForDone();
}

void StoreSession::open(const QString& uriOrPath)
{
    const std::string location = uriOrPath.toStdString();
    openWith(uriOrPath, [location] { return openStore(location); });
}

void StoreSession::openServer(const RestConnection& connection)
{
    openWith(QString::fromStdString(connection.displayUrl()), [connection]() -> Result<std::unique_ptr<Store>> {
        auto rest = RestStore::open(connection);
        if (!rest.ok())
            return rest.error();
        return std::unique_ptr<Store>(std::move(rest.value()));
    });
}

void StoreSession::openWith(const QString& uriOrPath, std::function<Result<std::unique_ptr<Store>>()> opener)
{
    const std::uint64_t generation = ++m_openGeneration;
    ++m_experimentsGeneration;
    ++m_countsGeneration;
    if (m_countsControl)
        m_countsControl->cancel();
    if (m_runsPending)
        cancelRuns();
    ++m_runsGeneration;
    m_store.reset();
    m_uri.clear();
    Q_EMIT opening(uriOrPath);

    (void)QtConcurrent::run(&m_pool, [this, generation, opener = std::move(opener), uriOrPath] {
        auto opened = std::make_shared<Result<std::unique_ptr<Store>>>(opener());
        QMetaObject::invokeMethod(
            this,
            [this, generation, opened, uriOrPath] {
                if (generation != m_openGeneration)
                    return;
                if (!opened->ok()) {
                    Q_EMIT openFailed(uriOrPath, errorText(opened->error()));
                    return;
                }
                m_store = std::shared_ptr<Store>(std::move(opened->value()));
                m_uri = toQString(m_store->uri());
                const auto* rest = dynamic_cast<const RestStore*>(m_store.get());
                m_pool.setMaxThreadCount(sessionWorkerCount(rest ? rest->connection().maxConcurrentRequests : 0));
                Q_EMIT this->opened(m_uri);
                reloadExperiments();
            },
            Qt::QueuedConnection);
    });
}

void StoreSession::reloadExperiments()
{
    if (!m_store)
        return;
    const std::uint64_t generation = ++m_experimentsGeneration;
    Q_EMIT experimentsLoading();
    const ViewType view = m_showDeletedExperiments ? ViewType::All : ViewType::ActiveOnly;
    (void)QtConcurrent::run(&m_pool, [this, generation, store = m_store, view] {
        auto result = std::make_shared<Result<ExperimentList>>(store->experiments(view));
        QMetaObject::invokeMethod(
            this,
            [this, generation, result] {
                if (generation != m_experimentsGeneration)
                    return;
                if (!result->ok()) {
                    Q_EMIT experimentsFailed(errorText(result->error()));
                    return;
                }
                m_deletedExperimentIds.clear();
                for (const Experiment& e : result->value().experiments) {
                    if (e.lifecycleStage == LifecycleStage::Deleted)
                        m_deletedExperimentIds.push_back(e.experimentId);
                }
                Q_EMIT experimentsLoaded(std::make_shared<const ExperimentList>(std::move(result->value())));
                loadRunCounts();
            },
            Qt::QueuedConnection);
    });
}

void StoreSession::loadRunCounts()
{
    if (!m_store)
        return;
    const std::uint64_t generation = ++m_countsGeneration;
    if (m_countsControl)
        m_countsControl->cancel();
    m_countsControl = std::make_shared<TaskControl>();
    RunQuery query;
    query.view = ViewType::ActiveOnly;
    query.fields = static_cast<RunFields>(RunField::Info);
    // No ids means every active experiment; deleted experiments' runs are counted by a second search.
    RunQuery deleted = query;
    deleted.experimentIds = m_deletedExperimentIds;
    (void)QtConcurrent::run(&m_pool, [this, generation, store = m_store, control = m_countsControl, query, deleted] {
        auto result = std::make_shared<Result<RunList>>(store->searchRuns(query, control.get()));
        if (result->ok() && !deleted.experimentIds.empty()) {
            auto more = store->searchRuns(deleted, control.get());
            if (more.ok()) {
                auto& runs = result->value().runs;
                runs.insert(
                    runs.end(), std::make_move_iterator(more->runs.begin()), std::make_move_iterator(more->runs.end()));
            }
        }
        QMetaObject::invokeMethod(
            this,
            [this, generation, result] {
                if (generation != m_countsGeneration || !result->ok())
                    return; // counts are a nicety: a failure here shows up again when runs load
                QHash<QString, int> counts;
                for (const Run& run : result->value().runs)
                    ++counts[toQString(run.info.experimentId)];
                Q_EMIT runCountsLoaded(counts, std::make_shared<const RunList>(std::move(result->value())));
            },
            Qt::QueuedConnection);
    });
}

void StoreSession::loadRuns(const QStringList& experimentIds)
{
    const std::uint64_t generation = ++m_runsGeneration;
    if (m_runsControl)
        m_runsControl->cancel();
    m_runsIds = experimentIds;
    if (!m_store || experimentIds.isEmpty()) {
        // An empty id list means "every experiment" to a store; the GUI means "nothing selected".
        m_runsControl.reset();
        setRunsPending(false);
        Q_EMIT runsLoaded(experimentIds, std::make_shared<const RunList>());
        return;
    }

    auto relay = std::make_shared<ProgressRelay>();
    m_runsControl = std::make_shared<TaskControl>([this, generation, relay](std::int64_t done, std::int64_t total) {
        relay->done.store(done, std::memory_order_relaxed);
        relay->total.store(total, std::memory_order_relaxed);
        if (relay->queued.exchange(true))
            return;
        QMetaObject::invokeMethod(
            this,
            [this, generation, relay] {
                relay->queued.store(false);
                if (generation == m_runsGeneration)
                    Q_EMIT runsProgress(relay->done.load(), relay->total.load());
            },
            Qt::QueuedConnection);
    });

    RunQuery query;
    query.experimentIds = toStdIds(experimentIds);
    query.view = m_runView;
    query.filter = m_runFilter.toStdString();
    // Dataset inputs are not shown in the table; everything else is.
    query.fields = kAllRunFields & ~static_cast<RunFields>(RunField::Inputs);

    // Only the filter changed since every run was read from a file store: filter what was read, as
    // MlrunsStore::searchRuns does after its own read. Anything else (F5, an edit, live refresh)
    // reads the store.
    std::shared_ptr<const RunList> readBefore;
    if (m_filterChanged && m_store->kind() == StoreKind::File && m_unfiltered.runs
        && m_unfiltered.store == m_store.get() && m_unfiltered.experimentIds == experimentIds
        && m_unfiltered.view == m_runView)
        readBefore = m_unfiltered.runs;
    if (readBefore) {
        // A filter on what was not read (dataset inputs) needs the store.
        auto search = RunSearch::parse(query.filter, query.orderBy);
        if (search && (search->requiredFields() & ~query.fields) != 0)
            readBefore.reset();
    }
    m_filterChanged = false;

    setRunsPending(true);
    Q_EMIT runsLoading(experimentIds);
    (void)QtConcurrent::run(
        &m_pool, [this, generation, experimentIds, store = m_store, control = m_runsControl, query, readBefore] {
            // With the filter cleared, the runs read before are the answer as they are: no copy.
            const bool asRead = readBefore && query.filter.empty();
            auto result = std::make_shared<Result<RunList>>(asRead ? Result<RunList>(RunList {})
                    : readBefore                                   ? filterRuns(*readBefore, query)
                                                                   : store->searchRuns(query, control.get()));
            QMetaObject::invokeMethod(
                this,
                [this, generation, experimentIds, result, unfiltered = query.filter.empty(), readBefore, asRead,
                    store = store.get(), view = query.view] {
                    if (generation != m_runsGeneration)
                        return;
                    m_runsControl.reset();
                    setRunsPending(false);
                    if (asRead) {
                        Q_EMIT runsLoaded(experimentIds, readBefore);
                        return;
                    }
                    if (!readBefore) {
                        // A store read is the newest state: it replaces the unfiltered runs, or, when
                        // filtered, makes them too old to filter again.
                        m_unfiltered = {};
                        if (unfiltered && result->ok()) {
                            m_unfiltered = {store, experimentIds, view,
                                std::make_shared<const RunList>(std::move(result->value()))};
                            Q_EMIT runsLoaded(experimentIds, m_unfiltered.runs);
                            return;
                        }
                    }
                    if (!result->ok()) {
                        if (result->error().code == ErrorCode::Cancelled)
                            Q_EMIT runsCancelled(experimentIds);
                        else
                            Q_EMIT runsFailed(experimentIds, errorText(result->error()));
                        return;
                    }
                    Q_EMIT runsLoaded(experimentIds, std::make_shared<const RunList>(std::move(result->value())));
                },
                Qt::QueuedConnection);
        });
}

void StoreSession::setRunFilter(const QString& filter)
{
    m_filterChanged = m_filterChanged || filter != m_runFilter;
    m_runFilter = filter;
}

Result<RunList> StoreSession::filterRuns(const RunList& all, const RunQuery& query)
{
    auto search = RunSearch::parse(query.filter, query.orderBy);
    if (!search)
        return search.error();
    RunList list;
    list.problems = all.problems;
    list.runs = search->apply(all.runs, SearchDialect::FileStore, query.maxResults);
    return list;
}

void StoreSession::cancelRuns()
{
    if (!m_runsPending)
        return;
    // Answer at once: the store notices the flag at its next check, and whatever it returns is stale.
    ++m_runsGeneration;
    if (m_runsControl)
        m_runsControl->cancel();
    m_runsControl.reset();
    setRunsPending(false);
    Q_EMIT runsCancelled(m_runsIds);
}

void StoreSession::reloadRuns()
{
    if (!m_runsIds.isEmpty())
        loadRuns(m_runsIds);
}

void StoreSession::setRunsPending(bool pending)
{
    m_runsPending = pending;
}

} // namespace runlens
