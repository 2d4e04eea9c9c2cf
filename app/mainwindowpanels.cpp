// SPDX-License-Identifier: Apache-2.0
// MainWindow's panels: the docks around the runs table, what follows the run selection, the table's
// context menus, the quick filter and the runs' CSV export.
#include "mainwindow.h"

#include "chartexport.h"
#include "columnchooser.h"
#include "columnlayout.h"
#include "connectdialog.h"
#include "experimentlistmodel.h"
#include "experimentlistview.h"
#include "filterbar.h"
#include "loggedmodelrun.h"
#include "loggedmodelspanel.h"
#include "loggedmodeltablemodel.h"
#include "metricchartpanel.h"
#include "metricvaluesloader.h"
#include "parallelcoordinatespanel.h"
#include "parallelcoordinatesview.h"
#include "problemlistmodel.h"
#include "registrypanel.h"
#include "runcolors.h"
#include "rundetailspanel.h"
#include "rundiffview.h"
#include "runeditor.h"
#include "runsortproxymodel.h"
#include "runtablemodel.h"
#include "runtableview.h"
#include "scatterpanel.h"
#include "store.h"
#include "storesession.h"
#include "tableexport.h"
#include "taskprogresswidget.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPointer>
#include <QScreen>
#include <QScrollArea>
#include <QSet>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <QTimer>
#include <QToolButton>
#include <QTreeView>
#include <QUrl>
#include <QVBoxLayout>
#include <QtConcurrent>

#include <limits>

namespace runlens {

QDockWidget* MainWindow::addPanelDock(
    const QString& title, const QString& objectName, QWidget* panel, Qt::DockWidgetArea area)
{
    auto* dock = new QDockWidget(title, this);
    dock->setObjectName(objectName);
    // A panel scrolls inside its dock rather than push the window past the screen or draw over the
    // tab bar below it: the dock can be as small as the person makes it.
    auto* scroll = new QScrollArea(dock);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(panel);
    dock->setWidget(scroll);
    addDockWidget(area, dock);
    m_viewMenu->addAction(dock->toggleViewAction());
    return dock;
}

void MainWindow::createPanels()
{
    // Run details right of the table; charts and the registry in tabs below it. Each follows the
    // table's selection; a run link in any of them selects that run in the table.
    m_details = new RunDetailsPanel(m_session, this);
    m_details->setObjectName(QStringLiteral("runDetails"));
    setDetailsPanel(m_details);
    connect(m_details, &RunDetailsPanel::runActivated, this,
        [this](const std::string& runId) { selectRun(QString::fromStdString(runId)); });
    connect(m_details, &RunDetailsPanel::loggedModelActivated, this, &MainWindow::showLoggedModel);

    m_charts = new MetricChartPanel(this);
    m_charts->setObjectName(QStringLiteral("metricCharts"));
    m_chartDock = addPanelDock(tr("Charts"), QStringLiteral("chartsDock"), m_charts, Qt::BottomDockWidgetArea);

    // Brushing ranges on its axes narrows the runs table to the runs inside every brush.
    m_parallel = new ParallelCoordinatesPanel(this);
    m_parallel->setObjectName(QStringLiteral("parallelCoordinates"));
    QDockWidget* parallelDock = addPanelDock(
        tr("Parallel Coordinates"), QStringLiteral("parallelDock"), m_parallel, Qt::BottomDockWidgetArea);
    tabifyDockWidget(m_chartDock, parallelDock);
    connect(m_parallel->view(), &ParallelCoordinatesView::brushChanged, this, [this] {
        if (onModelsTab())
            m_models->setModelIdFilter(m_parallel->view()->brushedRunIds());
        else
            m_runProxy->setRunIdFilter(m_parallel->view()->brushedRunIds());
    });
    connect(m_parallel->view(), &ParallelCoordinatesView::runClicked, this, &MainWindow::selectRun);

    m_scatter = new ScatterPanel(this);
    m_scatter->setObjectName(QStringLiteral("scatter"));
    QDockWidget* scatterDock
        = addPanelDock(tr("Scatter"), QStringLiteral("scatterDock"), m_scatter, Qt::BottomDockWidgetArea);
    tabifyDockWidget(m_chartDock, scatterDock);
    connect(m_scatter, &ScatterPanel::runClicked, this, &MainWindow::selectRun);

    m_diff = new RunDiffView(m_session, this);
    m_diff->setObjectName(QStringLiteral("runDiff"));
    QDockWidget* diffDock = addPanelDock(tr("Compare"), QStringLiteral("diffDock"), m_diff, Qt::BottomDockWidgetArea);
    tabifyDockWidget(m_chartDock, diffDock);

    m_registry = new RegistryPanel(m_session, this);
    m_registry->setObjectName(QStringLiteral("registry"));
    m_registryDock
        = addPanelDock(tr("Model Registry"), QStringLiteral("registryDock"), m_registry, Qt::BottomDockWidgetArea);
    tabifyDockWidget(m_chartDock, m_registryDock);
    m_chartDock->raise();
    connect(m_registry, &RegistryPanel::runActivated, this, [this](const std::string& runId) {
        if (!selectRun(QString::fromStdString(runId)))
            m_details->showRun(runId); // a run of an experiment not shown: its details still open
    });
    connect(m_registry, &RegistryPanel::loggedModelActivated, this, &MainWindow::showLoggedModel);

    m_runEditor = new RunEditor(m_session->threadPool(), this);
    for (QAction* action : m_runEditor->actions())
        m_runView->addAction(action);
    m_runView->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_runView, &QWidget::customContextMenuRequested, this, &MainWindow::showRunContextMenu);
    connect(m_runEditor, &RunEditor::edited, this, &MainWindow::onRunsEdited);
    connect(m_runEditor, &RunEditor::editFailed, this, [this](const QString& message) {
        auto* box = new QMessageBox(QMessageBox::Warning, tr("Edit Failed"), message, QMessageBox::Ok, this);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
        m_session->reloadRuns(); // show what the store holds after a partial edit
    });
    m_details->setEditActions(m_runEditor->actions());

    // Metric columns can show min, max or the value at a step: chosen from the header's menu.
    m_metricValues = new MetricValuesLoader(this);
    m_runView->horizontalHeader()->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(
        m_runView->horizontalHeader(), &QWidget::customContextMenuRequested, this, &MainWindow::showHeaderContextMenu);
    connect(m_metricValues, &MetricValuesLoader::loaded, this,
        [this](const QString& key, MetricStatistic statistic, qint64 step,
            const std::shared_ptr<MetricValuesLoader::Values>& values, int failures) {
            m_runModel->setMetricValues(key, {statistic, step}, std::move(*values));
            if (failures > 0)
                statusBar()->showMessage(
                    tr("%1: the history of %2 runs could not be read; they show no value").arg(key).arg(failures),
                    8000);
        });

    // One update per burst of selection changes (a shift-click selects thousands at once).
    m_selectionTimer = new QTimer(this);
    m_selectionTimer->setSingleShot(true);
    m_selectionTimer->setInterval(0);
    connect(m_selectionTimer, &QTimer::timeout, this, &MainWindow::onRunSelectionChanged);
    connect(m_runView->selectionModel(), &QItemSelectionModel::selectionChanged, m_selectionTimer,
        qOverload<>(&QTimer::start));
    connect(m_runView->selectionModel(), &QItemSelectionModel::currentRowChanged, m_selectionTimer,
        qOverload<>(&QTimer::start));

    // The Models tab's table feeds the same panels while it is shown.
    connect(m_models->model(), &LoggedModelTableModel::loaded, this, [this] {
        auto models = std::make_shared<RunList>();
        for (int row = 0; row < m_models->model()->rowCount(); ++row) {
            if (const LoggedModel* m = m_models->model()->modelAt(row))
                models->runs.push_back(runFromLoggedModel(*m));
        }
        m_modelsSnapshot = std::move(models);
        if (onModelsTab())
            feedPanelsFromTab();
    });
    connect(m_models, &LoggedModelsPanel::selectionChanged, this, &MainWindow::onModelSelectionChanged);
}

bool MainWindow::onModelsTab() const
{
    return m_mainTabs->currentWidget() == m_models;
}

void MainWindow::feedPanelsFromTab()
{
    const bool models = onModelsTab();
    m_parallel->setRuns(models ? m_modelsSnapshot : m_runsSnapshot);
    m_scatter->setRuns(models ? m_modelsSnapshot : m_runsSnapshot);
    if (models) {
        m_runProxy->setRunIdFilter(std::nullopt); // a brush on models does not narrow the runs
        onModelSelectionChanged();
    } else {
        m_models->setModelIdFilter(std::nullopt);
        onRunSelectionChanged();
    }
}

void MainWindow::onModelSelectionChanged()
{
    if (!onModelsTab())
        return;
    QList<ChartRun> chartRuns;
    std::vector<Run> diffRuns;
    QSet<QString> selectedIds;
    const std::vector<LoggedModel> selected = m_models->selectedModels();
    {
        std::vector<std::string> ids;
        for (const LoggedModel& model : selected)
            ids.push_back(model.modelId);
        distinguishRunColors(ids);
    }
    for (const LoggedModel& model : selected) {
        Run run = runFromLoggedModel(model);
        ChartRun chartRun;
        chartRun.runId = QString::fromStdString(model.modelId);
        chartRun.name = QString::fromStdString(model.name);
        chartRun.colour = runColor(model.modelId);
        chartRun.params = run.params;
        chartRun.tags = run.tags;
        // Every point is at hand: the histories come with the models.
        for (const Metric& metric : run.metrics) {
            const QString key = QString::fromStdString(metric.key);
            chartRun.metricKeys << key;
            chartRun.histories.insert(
                key, std::make_shared<const std::vector<MetricPoint>>(loggedModelMetricHistory(model, metric.key)));
        }
        chartRuns << chartRun;
        selectedIds.insert(chartRun.runId);
        diffRuns.push_back(std::move(run));
    }
    m_charts->setRuns(chartRuns);
    m_diff->setRuns(std::move(diffRuns));
    m_scatter->setHighlightedRuns(selectedIds);
    m_parallel->setHighlightedRuns(selectedIds);
}

void MainWindow::onRunSelectionChanged()
{
    if (onModelsTab())
        return; // the panels show the selected models

    QList<ChartRun> chartRuns;
    QList<RunEditor::Target> targets;
    std::vector<Run> diffRuns;
    std::vector<const Run*> selected;
    std::vector<std::string> selectedRunIds;
    for (const int row : m_runView->selectedRows()) {
        if (const Run* run = m_runModel->runAt(m_runProxy->mapToSource(m_runProxy->index(row, 0)).row())) {
            selected.push_back(run);
            selectedRunIds.push_back(run->info.runId);
        }
    }
    // Selected runs never share a colour; the table shows a moved swatch at once.
    if (distinguishRunColors(selectedRunIds))
        m_runView->viewport()->update();
    for (const Run* run : selected) {
        ChartRun chartRun;
        chartRun.runId = QString::fromStdString(run->info.runId);
        chartRun.name = QString::fromStdString(run->info.runName);
        chartRun.colour = runColor(run->info.runId);
        chartRun.params = run->params;
        chartRun.tags = run->tags;
        for (const Metric& metric : run->metrics)
            chartRun.metricKeys << QString::fromStdString(metric.key);
        chartRuns << chartRun;
        diffRuns.push_back(*run);

        RunEditor::Target target;
        target.runId = chartRun.runId;
        target.name = chartRun.name;
        target.deleted = run->info.lifecycleStage == LifecycleStage::Deleted;
        if (const std::string* note = run->tag("mlflow.note.content"))
            target.description = QString::fromStdString(*note);
        for (const KeyValue& tag : run->tags)
            target.tagKeys << QString::fromStdString(tag.key);
        targets << target;
    }
    m_charts->setRuns(chartRuns);
    m_diff->setRuns(std::move(diffRuns));
    m_runEditor->setTargets(targets);
    QSet<QString> selectedIds;
    for (const RunEditor::Target& target : targets)
        selectedIds.insert(target.runId);
    m_scatter->setHighlightedRuns(selectedIds);
    m_parallel->setHighlightedRuns(selectedIds);

    // Details show the current run when it is selected, else the first selected one (a select-all
    // with the current row elsewhere), and nothing when nothing is selected, as the other panels.
    const QModelIndex current = m_runView->selectionModel()->currentIndex();
    QString shown;
    if (current.isValid() && m_runView->selectionModel()->isSelected(current))
        shown = current.siblingAtColumn(0).data(RunTableModel::RunIdRole).toString();
    else if (!targets.isEmpty())
        shown = targets.front().runId;
    if (!shown.isEmpty())
        m_details->showRun(shown.toStdString());
    else if (!m_details->shownRunId().empty())
        m_details->showRun({});
}

bool MainWindow::selectRun(const QString& runId)
{
    for (int row = 0; row < m_runProxy->rowCount(); ++row) {
        const QModelIndex index = m_runProxy->index(row, 0);
        if (index.data(RunTableModel::RunIdRole).toString() != runId)
            continue;
        m_runView->selectionModel()->setCurrentIndex(
            index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        m_runView->scrollTo(index);
        return true;
    }
    return false;
}

void MainWindow::setShowDeletedRuns(bool show)
{
    if (m_showDeleted->isChecked() != show)
        m_showDeleted->setChecked(show); // toggled() comes back here
    const ViewType view = show ? ViewType::All : ViewType::ActiveOnly;
    if (m_session->runView() == view)
        return;
    m_session->setRunView(view);
    m_session->reloadRuns();
}

void MainWindow::setShowDeletedExperiments(bool show)
{
    if (m_showDeletedExperiments->isChecked() != show)
        m_showDeletedExperiments->setChecked(show); // toggled() comes back here
    if (m_session->showsDeletedExperiments() == show)
        return;
    m_session->setShowDeletedExperiments(show);
    m_session->reloadExperiments();
}

void MainWindow::setMetricColumnMode(const QString& key, MetricStatistic statistic, qint64 step)
{
    m_runModel->setMetricMode(key, {statistic, step});
    if (statistic != MetricStatistic::Latest)
        loadMetricValues(key);
}

void MainWindow::loadMetricValues(const QString& key)
{
    const RunListSnapshot runs = m_runModel->runs();
    if (!runs || !m_session->store())
        return;
    // Only runs that logged the metric have a history to read.
    std::vector<std::string> ids;
    const std::string k = key.toStdString();
    for (const Run& run : runs->runs) {
        if (run.metric(k))
            ids.push_back(run.info.runId);
    }
    const RunTableModel::MetricMode mode = m_runModel->metricMode(key);
    statusBar()->showMessage(tr("Reading the %1 history of %2 runs\u2026").arg(key).arg(ids.size()), 3000);
    m_metricValues->load(m_session->store(), m_session->threadPool(), key, mode.statistic, mode.step, std::move(ids));
}

void MainWindow::showHeaderContextMenu(const QPoint& position)
{
    QHeaderView* header = m_runView->horizontalHeader();
    const int column = header->logicalIndexAt(position);
    if (column < 0 || column >= m_runModel->columnCount())
        return;
    const int sourceColumn = m_runProxy->mapToSource(m_runProxy->index(0, column)).column();
    const int kind = m_runModel->headerData(column, Qt::Horizontal, RunTableModel::ColumnKindRole).toInt();
    QMenu menu(this);
    if (kind == static_cast<int>(RunTableModel::ColumnKind::Metric) && sourceColumn >= 0) {
        const QString key = m_runModel->headerData(column, Qt::Horizontal, RunTableModel::ColumnKeyRole).toString();
        const RunTableModel::MetricMode current = m_runModel->metricMode(key);
        const auto add = [&](const QString& text, MetricStatistic statistic) {
            QAction* action
                = menu.addAction(text, this, [this, key, statistic] { setMetricColumnMode(key, statistic); });
            action->setCheckable(true);
            action->setChecked(current.statistic == statistic);
        };
        add(tr("Latest Value"), MetricStatistic::Latest);
        add(tr("Minimum"), MetricStatistic::Min);
        add(tr("Maximum"), MetricStatistic::Max);
        QAction* atStep = menu.addAction(tr("Value at Step\u2026"), this, [this, key, current] {
            auto* dialog = new QInputDialog(this);
            dialog->setAttribute(Qt::WA_DeleteOnClose);
            dialog->setWindowTitle(tr("Value at Step"));
            dialog->setLabelText(tr("Show %1 at step:").arg(key));
            dialog->setInputMode(QInputDialog::IntInput);
            dialog->setIntRange(0, std::numeric_limits<int>::max());
            dialog->setIntValue(static_cast<int>(current.step));
            connect(dialog, &QInputDialog::intValueSelected, this,
                [this, key](int step) { setMetricColumnMode(key, MetricStatistic::AtStep, step); });
            dialog->open();
        });
        atStep->setCheckable(true);
        atStep->setChecked(current.statistic == MetricStatistic::AtStep);
        menu.addSeparator();
    }
    menu.addAction(tr("&Columns\u2026"), this, &MainWindow::showColumnChooser);
    menu.exec(header->viewport()->mapToGlobal(position));
}

void MainWindow::showRunContextMenu(const QPoint& position)
{
    if (!m_runView->indexAt(position).isValid())
        return;
    QMenu menu(this);
    m_runEditor->addToMenu(&menu);
    menu.addSeparator();
    QAction* copy = menu.addAction(tr("&Copy Runs"), m_runView, &RunTableView::copySelection);
    copy->setShortcut(QKeySequence::Copy);
    if (!m_runEditor->readOnlyNote().isEmpty()) {
        menu.addSeparator();
        menu.addAction(m_runEditor->readOnlyNote())->setEnabled(false);
    }
    menu.exec(m_runView->viewport()->mapToGlobal(position));
}

void MainWindow::onRunsEdited(const QStringList& runIds, const QString& what)
{
    statusBar()->showMessage(what, 5000);
    // Read the store again: what is shown is what the store now holds, not what was asked for.
    m_session->reloadRuns();
    const QModelIndex current = m_runView->selectionModel()->currentIndex();
    const QString shown
        = current.isValid() ? current.siblingAtColumn(0).data(RunTableModel::RunIdRole).toString() : QString();
    if (runIds.contains(shown)) {
        m_details->showRun({});
        m_details->showRun(shown.toStdString());
    }
}

void MainWindow::showLoggedModel(const QString& modelId)
{
    m_mainTabs->setCurrentWidget(m_models);
    m_models->showModel(modelId);
}

void MainWindow::connectToServer()
{
    auto* dialog = new ConnectDialog(m_session->threadPool(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        RestConnection connection = dialog->connection();
        if (connection.normalize().ok()) {
            m_note.clear();
            m_session->openServer(connection);
        }
    });
    dialog->open();
}

void MainWindow::showColumnChooser()
{
    m_columnChooser->refresh();
    const QPoint below = m_columnsButton->mapToGlobal(QPoint(m_columnsButton->width(), m_columnsButton->height()));
    m_columnChooser->move(below - QPoint(m_columnChooser->width(), 0));
    m_columnChooser->show();
}

void MainWindow::refreshRunningRuns()
{
    if (!m_session->isOpen() || m_session->isLoadingRuns() || !m_runModel->runs())
        return;
    for (const Run& run : m_runModel->runs()->runs) {
        if (run.info.status == RunStatus::Running) {
            m_session->reloadRuns();
            return;
        }
    }
}

bool MainWindow::setRunFilter(const QString& filter)
{
    return m_filterBar->applyFilter(filter);
}

void MainWindow::applyRunFilter(const QString& filter)
{
    m_session->setRunFilter(filter);
    m_session->reloadRuns();
}

void MainWindow::exportRunsDialog()
{
    if (m_runProxy->rowCount() == 0) {
        QMessageBox::information(this, tr("Export Runs"), tr("There are no runs in the table to export."));
        return;
    }
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export Runs"), QStringLiteral("runs.csv"), tr("CSV files (*.csv);;All files (*)"));
    if (path.isEmpty())
        return;
    auto connection = std::make_shared<QMetaObject::Connection>();
    *connection = connect(
        this, &MainWindow::exportFinished, this, [this, connection](const QString& where, const QString& error) {
            disconnect(*connection);
            if (error.isEmpty())
                statusBar()->showMessage(tr("Exported the runs to %1").arg(where), 8000);
            else
                QMessageBox::warning(this, tr("Export Runs"), error);
        });
    exportRuns(path);
}

void MainWindow::exportRuns(const QString& path)
{
    // Reading the model is quick and must happen here; formatting and writing go to a worker.
    QList<int> rows;
    rows.reserve(m_runProxy->rowCount());
    for (int row = 0; row < m_runProxy->rowCount(); ++row)
        rows << row;
    TableText table = tableText(*m_runProxy, rows, m_runView->visibleColumns(), RunTableModel::ExportRole);
    QPointer<MainWindow> self(this);
    (void)QtConcurrent::run(m_session->threadPool(), [self, path, table = std::move(table)] {
        QString error;
        ChartExport::writeAtomically(path, toCsv(table).toUtf8(), &error);
        QMetaObject::invokeMethod(
            self.data(),
            [self, path, error] {
                if (self)
                    Q_EMIT self->exportFinished(path, error);
            },
            Qt::QueuedConnection);
    });
}

} // namespace runlens
