// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "metricchartview.h"
#include "result.h"

#include <QHash>
#include <QList>
#include <QPointer>
#include <QSet>
#include <QTimer>
#include <QWidget>

#include <functional>
#include <map>
#include <string>
#include <vector>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QGridLayout;
class QLabel;
class QScrollArea;
class QSettings;
class QSpinBox;
class QThreadPool;
class QVBoxLayout;

namespace runlens {

class ChartLegend;

/**
 * A grid of metric charts, one per metric key, in sections by metric-name prefix ("train/…",
 * "val/…"; keys without a '/' go first), with one toolbar of settings for all of them.
 *
 * Metric histories load on demand: setRuns() lists each run's metric keys, and the panel asks its
 * history loader for every history it does not hold yet, on worker threads; results arrive on the GUI
 * thread and are handed to the charts in batches. A history that fails to load is reported and the
 * rest still show. Histories can also be given directly with setHistory().
 */
class MetricChartPanel : public QWidget
{
    Q_OBJECT
public:
    /** Called on a worker thread; must be safe to call from several threads at once (Store is). */
    using HistoryLoader
        = std::function<Result<std::vector<MetricPoint>>(const std::string& runId, const std::string& key)>;

    explicit MetricChartPanel(QWidget* parent = nullptr);
    ~MetricChartPanel() override;

    /** Where histories come from; pool = null uses the global thread pool. Drops loads in flight. */
    void setHistoryLoader(HistoryLoader loader, QThreadPool* pool = nullptr);

    /** The runs to chart (their order is the legend order); histories they carry are used as given. */
    void setRuns(const QList<ChartRun>& runs);
    const QList<ChartRun>& runs() const { return m_runs; }
    void setHistory(const QString& runId, const QString& key, HistoryPtr history);
    /** Forgets loaded histories and loads them again (e.g. runs still logging). */
    void reloadHistories();

    void setSettings(const ChartSettings& settings);
    const ChartSettings& settings() const { return m_settings; }
    void saveSettings(QSettings& settings) const;
    void restoreSettings(const QSettings& settings);

    void setColumnCount(int columns);
    int columnCount() const { return m_columns; }

    /** Metric-name prefixes in display order ("" for keys without a prefix). */
    QStringList sections() const { return m_sectionOrder; }
    QStringList sectionKeys(const QString& section) const;
    MetricChartView* chart(const QString& key) const { return m_charts.value(key); }
    QList<MetricChartView*> charts() const;

    int pendingLoads() const { return int(m_inFlight.size()); }
    /** "runId / key: message" for each history that could not be loaded. */
    QStringList failures() const { return m_failures; }

    void resetZoom();
    /** The legend beside the grid, shown in place of each chart's own when lines are many. */
    ChartLegend* legend() const { return m_legend; }
    /** A sentence over the grid when the chosen x axis leaves runs out; empty when none is shown. */
    QString note() const;

Q_SIGNALS:
    void historyLoaded(const QString& runId, const QString& key);
    void historyFailed(const QString& runId, const QString& key, const QString& message);
    /** Every requested history has arrived (or failed). */
    void loadsFinished();

private:
    static QString sectionOf(const QString& key);
    static QString cacheKey(const QString& runId, const QString& key) { return runId + QLatin1Char('\n') + key; }
    void rebuildCharts();
    void requestMissing();
    void request(const QString& runId, const QString& key);
    void deliver(
        quint64 generation, const QString& runId, const QString& key, HistoryPtr history, const QString& error);
    void markDirty(const QString& key);
    void pushToCharts();
    void pushToChart(MetricChartView* chart);
    /** Hides or shows a run (or group) in every chart and ticks it in the shared legend to match. */
    void setRunHidden(const QString& id, bool hidden);
    /** One legend beside the grid when there are more lines than a chart's legend can name. */
    void updateLegend();
    void fillControls();
    void readControls();
    void updateStatus();

    HistoryLoader m_loader;
    QPointer<QThreadPool> m_pool;
    quint64 m_generation = 0; // loads of an older generation are dropped on arrival

    QList<ChartRun> m_runs;
    QHash<QString, HistoryPtr> m_histories; // cacheKey -> history
    QSet<QString> m_inFlight;
    QSet<QString> m_failed;
    QStringList m_failures;
    ChartSettings m_settings;
    QSet<QString> m_hidden;
    int m_columns = 2;

    QHash<QString, MetricChartView*> m_charts; // by metric key
    QStringList m_sectionOrder;
    std::map<QString, QStringList> m_sectionKeys;
    QSet<QString> m_dirtyKeys;
    bool m_allDirty = false;
    QTimer m_pushTimer;

    QComboBox* m_xAxisBox = nullptr;
    QCheckBox* m_logX = nullptr;
    QCheckBox* m_logY = nullptr;
    QComboBox* m_smoothingBox = nullptr;
    QDoubleSpinBox* m_emaWeight = nullptr;
    QSpinBox* m_window = nullptr;
    QCheckBox* m_outliers = nullptr;
    QComboBox* m_groupBox = nullptr;
    QComboBox* m_bandBox = nullptr;
    QLabel* m_status = nullptr;
    QLabel* m_note = nullptr;
    QScrollArea* m_scroll = nullptr;
    ChartLegend* m_legend = nullptr;
    QWidget* m_sectionsHost = nullptr;
    QVBoxLayout* m_sectionsLayout = nullptr;
    bool m_fillingControls = false;
};

} // namespace runlens
