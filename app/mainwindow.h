// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "series/metricsummary.h"
#include "snapshots.h"

#include <QMainWindow>
#include <QStringList>

class QLabel;
class QMenu;
class QTimer;
class QLineEdit;
class QSortFilterProxyModel;
class QSplitter;
class QStackedWidget;
class QTabWidget;
class QToolButton;
class QTreeView;
class QDockWidget;

namespace runlens {

class ColumnChooser;
class MetricChartPanel;
class MetricValuesLoader;
class ParallelCoordinatesPanel;
class RegistryPanel;
class RunDetailsPanel;
class RunDiffView;
class RunEditor;
class ScatterPanel;
class ExperimentListModel;
class FilterBar;
class LoggedModelsPanel;
class ExperimentListView;
class ProblemListModel;
class RunSortProxyModel;
class RunTableModel;
class RunTableView;
class StoreSession;
class TaskProgressWidget;

/**
 * The run browser: experiments on the left, their runs on the right, loading and problems in the
 * status bar. All store work goes through the StoreSession; this class only reacts to its results.
 */
class MainWindow final : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    /** Opens a store by path or URI; the window fills in as results arrive. */
    void openStore(const QString& uriOrPath);
    /** A message in place of the runs table, e.g. why there is nothing to show. */
    void showMessage(const QString& text);
    /** A line in the status bar that stays until the next store opens. */
    void setNote(const QString& text);

    StoreSession* session() const { return m_session; }
    ExperimentListModel* experimentModel() const { return m_experimentModel; }
    ExperimentListView* experimentView() const { return m_experimentView; }
    RunTableModel* runModel() const { return m_runModel; }
    RunSortProxyModel* runProxy() const { return m_runProxy; }
    RunTableView* runView() const { return m_runView; }
    ProblemListModel* problemModel() const { return m_problemModel; }
    /** The text shown in place of the table; empty while the table is shown. */
    QString messageText() const;
    FilterBar* filterBar() const { return m_filterBar; }
    ColumnChooser* columnChooser() const { return m_columnChooser; }
    RunDetailsPanel* detailsPanel() const { return m_details; }
    MetricChartPanel* chartPanel() const { return m_charts; }
    RegistryPanel* registryPanel() const { return m_registry; }
    RunEditor* runEditor() const { return m_runEditor; }
    ScatterPanel* scatterPanel() const { return m_scatter; }
    RunDiffView* diffView() const { return m_diff; }
    ParallelCoordinatesPanel* parallelPanel() const { return m_parallel; }
    LoggedModelsPanel* loggedModelsPanel() const { return m_models; }
    /** Runs (0) and Models (1). */
    QTabWidget* mainTabs() const { return m_mainTabs; }
    QDockWidget* chartDock() const { return m_chartDock; }
    QDockWidget* registryDock() const { return m_registryDock; }

    /** Selects the run in the table and shows it in every panel; false when the table lacks it. */
    bool selectRun(const QString& runId);
    /** Lists deleted runs too (View → Show Deleted Runs) and loads the runs again. */
    void setShowDeletedRuns(bool show);
    /**
     * Shows a statistic of each run's history (min, max, value at a step) in a metric's column instead
     * of the latest value; the histories are read off the GUI thread.
     */
    void setMetricColumnMode(const QString& key, MetricStatistic statistic, qint64 step = 0);
    /** Lists deleted experiments too (in italics) and lists the experiments again. */
    void setShowDeletedExperiments(bool show);

    /**
     * Puts `filter` in the filter bar and applies it to this and every later runs load; a filter
     * that does not parse is shown with its error and not applied. Returns whether it parsed.
     */
    bool setRunFilter(const QString& filter);

    /** Puts a run details panel right of the runs table (hidden until set). */
    void setDetailsPanel(QWidget* panel);
    /** Adds a dock (e.g. the model registry) with its toggle in the View menu. */
    QDockWidget* addPanelDock(const QString& title, const QString& objectName, QWidget* panel,
        Qt::DockWidgetArea area = Qt::RightDockWidgetArea);

    /**
     * Writes the runs as the table shows them (visible columns in their order, sorted and filtered
     * rows) to a CSV file on a worker thread; exportFinished reports the outcome.
     */
    void exportRuns(const QString& path);

Q_SIGNALS:
    /** An export ended: `error` is empty on success. */
    void exportFinished(const QString& path, const QString& error);

protected:
    void closeEvent(QCloseEvent* event) override;
    void showEvent(QShowEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void createActions();
    void createPanels();
    void onRunSelectionChanged();
    /** The Models tab's selection feeds charts, compare and the scatter highlight, as runs do. */
    void onModelSelectionChanged();
    /** Parallel coordinates and scatter show the runs, or on the Models tab the logged models. */
    void feedPanelsFromTab();
    bool onModelsTab() const;
    void showRunContextMenu(const QPoint& position);
    void showHeaderContextMenu(const QPoint& position);
    void loadMetricValues(const QString& key);
    void onRunsEdited(const QStringList& runIds, const QString& what);
    void readSettings();
    void writeSettings() const;
    /** First start: experiments, table and details share the window's width by its size. */
    void applyDefaultSplit();

    void onOpening(const QString& uriOrPath);
    void onOpened(const QString& uri);
    /** The Models tab, on one logged model (from a run's details or a model version). */
    void showLoggedModel(const QString& modelId);
    /** The status bar's read-only badge: hidden for an empty reason. */
    void showReadOnlyBadge(const QString& reason);
    void onOpenFailed(const QString& uriOrPath, const QString& message);
    void onExperimentsLoaded(const ExperimentListSnapshot& experiments);
    void onExperimentsFailed(const QString& message);
    void onRunCountsLoaded(const QHash<QString, int>& counts, const RunListSnapshot& scan);
    void onSelectionChanged(const QStringList& ids);
    void onRunsLoading(const QStringList& ids);
    void onRunsLoaded(const QStringList& ids, const RunListSnapshot& runs);
    void onRunsFailed(const QStringList& ids, const QString& message);
    void onRunsCancelled(const QStringList& ids);
    void updateProblems();
    void openFolder();
    void openDatabase();
    void reload();
    void about();
    void exportRunsDialog();
    void refreshRunningRuns();
    void showColumnChooser();
    void connectToServer();
    void applyRunFilter(const QString& filter);
    void addRecentStore(const QString& uri);
    void updateRecentMenu();

    QString describeSelection(const QStringList& ids) const;
    QStringList savedSelection() const;
    void saveSelection(const QStringList& ids) const;

    StoreSession* m_session;
    ExperimentListModel* m_experimentModel;
    QSortFilterProxyModel* m_experimentFilter;
    RunTableModel* m_runModel;
    RunSortProxyModel* m_runProxy;
    ProblemListModel* m_problemModel;

    QSplitter* m_splitter = nullptr;
    QSplitter* m_runSplitter = nullptr;
    QTabWidget* m_mainTabs = nullptr;
    LoggedModelsPanel* m_models = nullptr;
    RunListSnapshot m_runsSnapshot; // the runs table's runs, for the panels
    RunListSnapshot m_modelsSnapshot; // the Models tab's models as runs (runFromLoggedModel)
    FilterBar* m_filterBar = nullptr;
    QMenu* m_recentMenu = nullptr;
    QMenu* m_viewMenu = nullptr;
    QTimer* m_liveTimer = nullptr;
    QToolButton* m_columnsButton = nullptr;
    ColumnChooser* m_columnChooser = nullptr;
    QStringList m_layoutIds; // the experiments whose column layout the table shows
    QLineEdit* m_filterEdit = nullptr;
    ExperimentListView* m_experimentView = nullptr;
    QStackedWidget* m_runArea = nullptr;
    QLabel* m_message = nullptr;
    RunTableView* m_runView = nullptr;
    QDockWidget* m_problemDock = nullptr;
    QTreeView* m_problemView = nullptr;
    QLabel* m_storeLabel = nullptr;
    QLabel* m_readOnlyBadge = nullptr; // shown when the open store cannot be written, with why
    QLabel* m_summaryLabel = nullptr;
    QToolButton* m_problemButton = nullptr;
    TaskProgressWidget* m_progress = nullptr;
    RunDetailsPanel* m_details = nullptr;
    MetricChartPanel* m_charts = nullptr;
    RegistryPanel* m_registry = nullptr;
    RunEditor* m_runEditor = nullptr;
    ScatterPanel* m_scatter = nullptr;
    RunDiffView* m_diff = nullptr;
    ParallelCoordinatesPanel* m_parallel = nullptr;
    QDockWidget* m_chartDock = nullptr;
    QDockWidget* m_registryDock = nullptr;
    QTimer* m_selectionTimer = nullptr;
    QAction* m_showDeleted = nullptr;
    QAction* m_nestedRuns = nullptr; // View > Nested Runs as Tree
    MetricValuesLoader* m_metricValues = nullptr;
    QAction* m_showDeletedExperiments = nullptr;

    QString m_note;
    bool m_restoringSelection = false;
    bool m_autoSelectPending = false;
    bool m_defaultSplitPending = false; // no saved split yet: applyDefaultSplit() on first show
};

} // namespace runlens
