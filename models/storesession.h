// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "net/restconnection.h"
#include "result.h"
#include "snapshots.h"

#include <QHash>
#include <QObject>
#include <QStringList>
#include <QThreadPool>

#include <cstdint>
#include <functional>
#include <memory>

namespace runlens {

class Store;
class TaskControl;

/**
 * The open store as the GUI sees it. Every store call runs on a worker of its own thread pool; results
 * come back as immutable snapshots through signals emitted on the GUI thread. Each kind of request has
 * a generation counter: a newer request supersedes the older one, whose result is then dropped.
 */
class StoreSession final : public QObject
{
    Q_OBJECT
public:
    explicit StoreSession(QObject* parent = nullptr);
    ~StoreSession() override;

    /** Opens a store by path or URI (empty: MLflow's default rule); closes the current one first. */
    void open(const QString& uriOrPath);
    /** Opens a tracking server with explicit settings (credentials from a dialog, not the URL). */
    void openServer(const RestConnection& connection);
    /** Lists the experiments again (active, or with deleted ones too), then recounts their runs. */
    void reloadExperiments();
    /** Whether later listings include deleted experiments (MLflow's trash); does not reload. */
    void setShowDeletedExperiments(bool show) { m_showDeletedExperiments = show; }
    bool showsDeletedExperiments() const { return m_showDeletedExperiments; }
    /** Loads the active runs of these experiments (an empty list clears, never "all"). */
    void loadRuns(const QStringList& experimentIds);
    /** Stops the current runs load; its result, if any still arrives, is dropped. */
    void cancelRuns();
    /** Loads the current experiments' runs again (F5, live refresh); a no-op when none are selected. */
    void reloadRuns();
    /**
     * The search filter (formats §D) every later runs load passes to the store, so each store applies
     * its own MLflow semantics. Does not reload by itself.
     */
    /**
     * The filter of later run loads; does not reload. When only the filter changed since the last
     * load of a file store, the next load filters the runs last read instead of reading every run
     * file again: the file store itself reads them all and then applies the same search code.
     */
    void setRunFilter(const QString& filter);
    QString runFilter() const { return m_runFilter; }
    /** Which runs later loads list: active (the default, as MLflow's UI), deleted, or both. */
    void setRunView(ViewType view) { m_runView = view; }
    ViewType runView() const { return m_runView; }
    QStringList runExperimentIds() const { return m_runsIds; }

    bool isOpen() const { return m_store != nullptr; }
    bool isLoadingRuns() const { return m_runsPending; }
    /** The canonical URI of the open store; empty while none is open. */
    QString uri() const { return m_uri; }
    /** For feature code that runs its own calls on workers; null while no store is open. */
    std::shared_ptr<Store> store() const { return m_store; }
    QThreadPool* threadPool() { return &m_pool; }

Q_SIGNALS:
    void opening(const QString& uriOrPath);
    void opened(const QString& uri);
    void openFailed(const QString& uriOrPath, const QString& message);

    void experimentsLoading();
    void experimentsLoaded(const runlens::ExperimentListSnapshot& experiments);
    void experimentsFailed(const QString& message);
    /** Active runs per experiment id, counted after the experiments are listed. */
    void runCountsLoaded(const QHash<QString, int>& counts, const runlens::RunListSnapshot& scan);

    void runsLoading(const QStringList& experimentIds);
    void runsProgress(qint64 done, qint64 total);
    void runsLoaded(const QStringList& experimentIds, const runlens::RunListSnapshot& runs);
    void runsFailed(const QStringList& experimentIds, const QString& message);
    void runsCancelled(const QStringList& experimentIds);

private:
    void openWith(const QString& uriOrPath, std::function<Result<std::unique_ptr<Store>>()> opener);
    void loadRunCounts();
    void setRunsPending(bool pending);
    static Result<RunList> filterRuns(const RunList& all, const RunQuery& query);

    QThreadPool m_pool;
    std::shared_ptr<Store> m_store;
    QString m_uri;

    // Generations: a result is delivered only if its request is still the newest of its kind.
    std::uint64_t m_openGeneration = 0;
    std::uint64_t m_experimentsGeneration = 0;
    std::uint64_t m_countsGeneration = 0;
    std::uint64_t m_runsGeneration = 0;

    std::shared_ptr<TaskControl> m_countsControl;
    std::shared_ptr<TaskControl> m_runsControl;
    QStringList m_runsIds;
    QString m_runFilter;
    ViewType m_runView = ViewType::ActiveOnly;
    bool m_showDeletedExperiments = false;
    std::vector<std::string> m_deletedExperimentIds; // listed, so their runs are counted too
    bool m_runsPending = false;

    // The newest read of every run of m_unfilteredIds (no filter), while no store read has come after
    // it; a filter change on a file store is evaluated over it (see setRunFilter).
    struct UnfilteredRuns
    {
        const Store* store = nullptr;
        QStringList experimentIds;
        ViewType view = ViewType::ActiveOnly;
        std::shared_ptr<const RunList> runs;
    };
    UnfilteredRuns m_unfiltered;
    bool m_filterChanged = false;
};

} // namespace runlens
