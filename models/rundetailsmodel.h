// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "entities.h"

#include <QObject>
#include <QPointer>
#include <QString>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace runlens {

class RunDetailsMetricsModel;
class StoreSession;

/** A run the details link to: the parent or a child. */
struct RunLink
{
    std::string runId;
    std::string runName;
};

/**
 * Loads what the run details show: the run, then (in parallel) its metric histories for min/max/steps
 * and its parent and children. All store calls run on the session's workers; results for a run that is
 * no longer shown are dropped.
 */
class RunDetailsModel final : public QObject
{
    Q_OBJECT
public:
    explicit RunDetailsModel(StoreSession* session, QObject* parent = nullptr);

    void showRun(const std::string& runId);
    /** The shown run; null while loading, after a failure or when none is shown. */
    const Run* run() const { return m_run.get(); }
    const std::string& runId() const { return m_runId; }
    RunDetailsMetricsModel* metricsModel() const { return m_metrics; }

    /** mlflow.parentRunId's run; runId empty when the run has none. */
    const RunLink& parentRun() const { return m_parent; }
    /** Runs whose mlflow.parentRunId is this run, by start time. */
    const std::vector<RunLink>& childRuns() const { return m_children; }

Q_SIGNALS:
    void runLoaded();
    void runFailed(const QString& message);
    void metricsLoaded();
    void linksLoaded();

private:
    void loadMetrics();
    void loadLinks();

    QPointer<StoreSession> m_session;
    RunDetailsMetricsModel* m_metrics;
    std::shared_ptr<const Run> m_run;
    std::string m_runId;
    RunLink m_parent;
    std::vector<RunLink> m_children;
    std::uint64_t m_generation = 0;
    std::shared_ptr<std::atomic<bool>> m_cancelled = std::make_shared<std::atomic<bool>>(false);
};

} // namespace runlens
