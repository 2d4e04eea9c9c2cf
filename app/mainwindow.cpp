// SPDX-License-Identifier: Apache-2.0
#include "mainwindow.h"

#include "columnchooser.h"
#include "columnlayout.h"
#include "connectdialog.h"
#include "experimentlistmodel.h"
#include "experimentlistview.h"
#include "filterbar.h"
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
#include <QSaveFile>
#include <QScreen>
#include <QSet>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>
#include <QTimer>
#include <QToolButton>
#include <QTreeView>
#include <QUrl>
#include <QVBoxLayout>
#include <QtConcurrent>

#include <limits>

// Resources live in a static library; nothing references them, so they must be pulled in by name.
static void initResources()
{
    Q_INIT_RESOURCE(runlens);
}

namespace runlens {

namespace {

const auto kGeometryKey = QStringLiteral("MainWindow/geometry");
const auto kStateKey = QStringLiteral("MainWindow/state");
const auto kSplitterKey = QStringLiteral("MainWindow/splitter");
const auto kRecentKey = QStringLiteral("RecentStores");
constexpr int kMaxRecent = 10;
constexpr int kLiveRefreshMs = 5000;

// Where the store is, as a person would type it: a plain path for local stores.
QString displayLocation(const QString& uri)
{
    const QUrl url(uri);
    if (url.isLocalFile())
        return url.toLocalFile();
    if (uri.startsWith(QLatin1String("sqlite:///")))
        return uri.mid(10);
    return uri;
}

// English plurals without a translator loaded; "%n run(s)" reads badly in a status bar.
QString count(int n, const QString& one, const QString& many)
{
    return (n == 1 ? one : many).arg(n);
}

QString selectionKey(const QString& uri)
{
    return QStringLiteral("Selections/") + QString::fromLatin1(QUrl::toPercentEncoding(uri));
}

} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
    , m_session(new StoreSession(this))
    , m_experimentModel(new ExperimentListModel(this))
    , m_experimentFilter(new QSortFilterProxyModel(this))
    , m_runModel(new RunTableModel(this))
    , m_runProxy(new RunSortProxyModel(this))
    , m_problemModel(new ProblemListModel(this))
{
    initResources();
    setWindowTitle(tr("Runlens"));
    setWindowIcon(QIcon(QStringLiteral(":/runlens/icons/runlens.svg")));

    m_experimentFilter->setSourceModel(m_experimentModel);
    m_experimentFilter->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_experimentFilter->setFilterKeyColumn(ExperimentListModel::NameColumn);
    m_runProxy->setSourceModel(m_runModel);

    // Sidebar: filter box over the experiments list.
    auto* sidebar = new QWidget(this);
    auto* sidebarLayout = new QVBoxLayout(sidebar);
    sidebarLayout->setContentsMargins(0, 0, 0, 0);
    sidebarLayout->setSpacing(2);
    m_filterEdit = new QLineEdit(sidebar);
    m_filterEdit->setPlaceholderText(tr("Filter experiments"));
    m_filterEdit->setClearButtonEnabled(true);
    m_experimentView = new ExperimentListView(sidebar);
    m_experimentView->setIdRole(ExperimentListModel::ExperimentIdRole);
    m_experimentView->setModel(m_experimentFilter);
    m_showDeletedExperiments = new QAction(tr("Show Deleted &Experiments"), this);
    m_showDeletedExperiments->setCheckable(true);
    m_showDeletedExperiments->setToolTip(tr("List deleted experiments too, in italics"));
    m_showDeletedExperiments->setIconText(tr("Deleted"));
    connect(m_showDeletedExperiments, &QAction::toggled, this, &MainWindow::setShowDeletedExperiments);
    auto* deletedButton = new QToolButton(sidebar);
    deletedButton->setObjectName(QStringLiteral("deletedExperimentsButton"));
    deletedButton->setDefaultAction(m_showDeletedExperiments);
    deletedButton->setAutoRaise(true);
    auto* filterRow = new QHBoxLayout;
    filterRow->setContentsMargins(0, 0, 0, 0);
    filterRow->addWidget(m_filterEdit, 1);
    filterRow->addWidget(deletedButton);
    sidebarLayout->addLayout(filterRow);
    sidebarLayout->addWidget(m_experimentView);
    connect(m_filterEdit, &QLineEdit::textChanged, m_experimentFilter, &QSortFilterProxyModel::setFilterFixedString);

    // Runs area: a message page and the table.
    m_runArea = new QStackedWidget(this);
    m_message = new QLabel(m_runArea);
    m_message->setAlignment(Qt::AlignCenter);
    m_message->setWordWrap(true);
    m_message->setMargin(24);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_runView = new RunTableView(m_runArea);
    m_runView->setModel(m_runProxy);
    m_runArea->addWidget(m_message);
    m_runArea->addWidget(m_runView);

    // Filter bar over the table; the right-hand pane of m_runSplitter is for run details.
    auto* runsPage = new QWidget(this);
    auto* runsLayout = new QVBoxLayout(runsPage);
    runsLayout->setContentsMargins(0, 0, 0, 0);
    runsLayout->setSpacing(0);
    m_filterBar = new FilterBar(runsPage);
    m_columnsButton = new QToolButton(runsPage);
    m_columnsButton->setObjectName(QStringLiteral("columnsButton"));
    m_columnsButton->setText(tr("Columns\u2026"));
    m_columnsButton->setToolTip(tr("Show, hide and pin columns"));
    m_columnsButton->setAutoRaise(true);
    connect(m_columnsButton, &QToolButton::clicked, this, &MainWindow::showColumnChooser);
    auto* barRow = new QHBoxLayout;
    barRow->setContentsMargins(0, 0, 4, 0);
    barRow->addWidget(m_filterBar, 1);
    barRow->addWidget(m_columnsButton, 0, Qt::AlignTop);
    runsLayout->addLayout(barRow);
    runsLayout->addWidget(m_runArea, 1);
    m_runSplitter = new QSplitter(Qt::Horizontal, this);
    m_runSplitter->setObjectName(QStringLiteral("runSplitter"));
    m_runSplitter->addWidget(runsPage);
    m_runSplitter->setStretchFactor(0, 1);
    connect(m_filterBar, &FilterBar::filterApplied, this, &MainWindow::applyRunFilter);
    m_columnChooser = new ColumnChooser(m_runView, this);
    connect(m_runView, &RunTableView::columnLayoutChanged, this, [this](const ColumnLayout& layout) {
        if (!m_layoutIds.isEmpty() && !m_session->uri().isEmpty())
            layout.save(m_session->uri(), m_layoutIds);
    });
    // Quick search narrows the loaded runs by name without asking the store again.
    m_runProxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_runProxy->setFilterKeyColumn(0);
    connect(m_filterBar, &FilterBar::quickSearchChanged, m_runProxy, &QSortFilterProxyModel::setFilterFixedString);

    m_splitter = new QSplitter(Qt::Horizontal, this);
    m_splitter->addWidget(sidebar);
    m_splitter->addWidget(m_runSplitter);
    m_splitter->setStretchFactor(0, 0);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setChildrenCollapsible(false);
    m_splitter->setSizes({280, 1000});
    setCentralWidget(m_splitter);

    // Problems dock, hidden until asked for.
    m_problemDock = new QDockWidget(tr("Problems"), this);
    m_problemDock->setObjectName(QStringLiteral("problemsDock"));
    m_problemView = new QTreeView(m_problemDock);
    m_problemView->setModel(m_problemModel);
    m_problemView->setRootIsDecorated(false);
    m_problemView->setUniformRowHeights(true);
    m_problemView->setTextElideMode(Qt::ElideMiddle);
    m_problemView->header()->setStretchLastSection(true);
    m_problemDock->setWidget(m_problemView);
    addDockWidget(Qt::BottomDockWidgetArea, m_problemDock);
    m_problemDock->hide();

    // Status bar: where, what, problems, progress.
    m_storeLabel = new QLabel(this);
    m_summaryLabel = new QLabel(this);
    m_problemButton = new QToolButton(this);
    m_problemButton->setObjectName(QStringLiteral("problemButton"));
    m_problemButton->setAutoRaise(true);
    m_problemButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_problemButton->setIcon(style()->standardIcon(QStyle::SP_MessageBoxWarning));
    m_problemButton->hide();
    connect(m_problemButton, &QToolButton::clicked, this, [this] {
        m_problemDock->show();
        m_problemDock->raise();
    });
    m_progress = new TaskProgressWidget(this);
    connect(m_progress, &TaskProgressWidget::cancelRequested, m_session, &StoreSession::cancelRuns);
    statusBar()->addWidget(m_storeLabel);
    statusBar()->addWidget(m_summaryLabel, 1);
    statusBar()->addPermanentWidget(m_problemButton);
    statusBar()->addPermanentWidget(m_progress);

    connect(m_session, &StoreSession::opening, this, &MainWindow::onOpening);
    connect(m_session, &StoreSession::opened, this, &MainWindow::onOpened);
    connect(m_session, &StoreSession::openFailed, this, &MainWindow::onOpenFailed);
    connect(m_session, &StoreSession::experimentsLoaded, this, &MainWindow::onExperimentsLoaded);
    connect(m_session, &StoreSession::experimentsFailed, this, &MainWindow::onExperimentsFailed);
    connect(m_session, &StoreSession::runCountsLoaded, this, &MainWindow::onRunCountsLoaded);
    connect(m_session, &StoreSession::runsLoading, this, &MainWindow::onRunsLoading);
    connect(m_session, &StoreSession::runsProgress, m_progress, &TaskProgressWidget::setProgress);
    connect(m_session, &StoreSession::runsLoaded, this, &MainWindow::onRunsLoaded);
    connect(m_session, &StoreSession::runsFailed, this, &MainWindow::onRunsFailed);
    connect(m_session, &StoreSession::runsCancelled, this, &MainWindow::onRunsCancelled);
    connect(m_experimentView, &ExperimentListView::experimentSelectionChanged, this, &MainWindow::onSelectionChanged);

    setAcceptDrops(true);

    // Running runs change while one watches: poll the store for them without resetting the table.
    m_liveTimer = new QTimer(this);
    m_liveTimer->setInterval(kLiveRefreshMs);
    connect(m_liveTimer, &QTimer::timeout, this, &MainWindow::refreshRunningRuns);
    m_liveTimer->start();
    createActions();
    createPanels();
    showMessage(tr("No store open.\nUse File \u2192 Open Store Folder or Open SQLite Database."));
    readSettings();
}

MainWindow::~MainWindow() = default;

void MainWindow::createActions()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* openFolder = file->addAction(tr("Open Store &Folder\u2026"), this, &MainWindow::openFolder);
    openFolder->setShortcut(QKeySequence::Open);
    openFolder->setToolTip(tr("Open an mlruns folder, or a folder holding mlruns/ or mlflow.db"));
    file->addAction(tr("Open SQLite &Database\u2026"), this, &MainWindow::openDatabase);
    file->addAction(tr("&Connect to Server\u2026"), this, &MainWindow::connectToServer);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    updateRecentMenu();
    file->addSeparator();
    QAction* exportAction = file->addAction(tr("&Export Runs\u2026"), this, &MainWindow::exportRunsDialog);
    exportAction->setToolTip(tr("Write the runs as the table shows them to a CSV file"));
    file->addSeparator();
    QAction* reloadAction = file->addAction(tr("&Reload"), this, &MainWindow::reload);
    reloadAction->setShortcut(QKeySequence::Refresh);
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    QAction* copy = edit->addAction(tr("&Copy Runs"), m_runView, &RunTableView::copySelection);
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_runView->addAction(copy);
    QAction* focusFilter = edit->addAction(tr("&Filter Runs"), m_filterBar, &FilterBar::focusFilter);
    focusFilter->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));

    QMenu* view = menuBar()->addMenu(tr("&View"));
    m_viewMenu = view;
    view->addAction(tr("&Columns\u2026"), this, &MainWindow::showColumnChooser);
    view->addAction(m_showDeletedExperiments);
    m_showDeleted = view->addAction(tr("Show &Deleted Runs"));
    m_showDeleted->setCheckable(true);
    m_showDeleted->setToolTip(tr("List deleted runs too, so they can be restored"));
    connect(m_showDeleted, &QAction::toggled, this, &MainWindow::setShowDeletedRuns);
    // Nested runs (a sweep's trials below the sweep) as a tree in the runs table; on unless turned off.
    m_nestedRuns = view->addAction(tr("&Nested Runs as Tree"));
    m_nestedRuns->setCheckable(true);
    m_nestedRuns->setChecked(QSettings().value(QStringLiteral("RunTable/nestedRuns"), true).toBool());
    m_runProxy->setNestedRuns(m_nestedRuns->isChecked());
    connect(m_nestedRuns, &QAction::toggled, this, [this](bool nested) {
        m_runProxy->setNestedRuns(nested);
        QSettings().setValue(QStringLiteral("RunTable/nestedRuns"), nested);
    });
    view->addAction(m_runView->expandAllAction());
    view->addAction(m_runView->collapseAllAction());
    view->addSeparator();
    view->addAction(m_problemDock->toggleViewAction());

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Runlens"), this, &MainWindow::about);
}

void MainWindow::readSettings()
{
    const QSettings settings;
    const QByteArray geometry = settings.value(kGeometryKey).toByteArray();
    if (geometry.isEmpty() || !restoreGeometry(geometry)) {
        // First start: most of the screen, since a runs table is wide by nature.
        const QRect available = screen() ? screen()->availableGeometry() : QRect(0, 0, 1600, 1000);
        const QSize size(available.width() * 9 / 10, available.height() * 9 / 10);
        setGeometry(QStyle::alignedRect(Qt::LeftToRight, Qt::AlignCenter, size, available));
    }
    restoreState(settings.value(kStateKey).toByteArray());
    m_scatter->restoreSettings(settings);
    m_charts->restoreSettings(settings);
    m_splitter->restoreState(settings.value(kSplitterKey).toByteArray());
    m_runSplitter->restoreState(settings.value(kSplitterKey + QStringLiteral("/runs")).toByteArray());
}

void MainWindow::writeSettings() const
{
    QSettings settings;
    settings.setValue(kGeometryKey, saveGeometry());
    settings.setValue(kStateKey, saveState());
    m_scatter->saveSettings(settings);
    m_charts->saveSettings(settings);
    settings.setValue(kSplitterKey, m_splitter->saveState());
    settings.setValue(kSplitterKey + QStringLiteral("/runs"), m_runSplitter->saveState());
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    writeSettings();
    QMainWindow::closeEvent(event);
}

void MainWindow::openStore(const QString& uriOrPath)
{
    m_note.clear();
    m_session->open(uriOrPath);
}

void MainWindow::showMessage(const QString& text)
{
    m_message->setText(text);
    m_runArea->setCurrentWidget(m_message);
}

QString MainWindow::messageText() const
{
    return m_runArea->currentWidget() == m_message ? m_message->text() : QString();
}

void MainWindow::setNote(const QString& text)
{
    m_note = text;
    if (!text.isEmpty()) {
        m_storeLabel->setText(text);
        if (!m_session->isOpen())
            showMessage(text);
    }
}

void MainWindow::onOpening(const QString& uriOrPath)
{
    m_layoutIds.clear();
    m_autoSelectPending = false;
    m_restoringSelection = true;
    m_experimentModel->clear();
    m_restoringSelection = false;
    m_runModel->clear();
    m_problemModel->clear();
    updateProblems();
    m_summaryLabel->clear();
    m_storeLabel->setText(uriOrPath.isEmpty() ? tr("Default store") : uriOrPath);
    showMessage(tr("Opening %1\u2026").arg(uriOrPath));
    m_progress->start(tr("Opening store\u2026"), false);
}

void MainWindow::onOpened(const QString& uri)
{
    const QString where = displayLocation(uri);
    setWindowTitle(tr("%1 \u2014 Runlens").arg(where));
    m_storeLabel->setText(m_note.isEmpty() ? where : m_note);
    m_storeLabel->setToolTip(uri);
    addRecentStore(uri);
    const std::shared_ptr<Store> store = m_session->store();
    m_charts->setHistoryLoader(
        [store](const std::string& runId, const std::string& key) { return store->metricHistory(runId, key); },
        m_session->threadPool());
    m_charts->setRuns({});
    m_details->showRun({});
    m_runEditor->setStore(store, uri);
    m_progress->start(tr("Listing experiments\u2026"), false);
    showMessage(tr("Listing experiments\u2026"));
}

void MainWindow::onOpenFailed(const QString& uriOrPath, const QString& message)
{
    m_progress->finish();
    setWindowTitle(tr("Runlens"));
    m_storeLabel->setText(tr("No store open"));
    showMessage(tr("Could not open the store %1\n\n%2").arg(uriOrPath, message));
}

void MainWindow::onExperimentsLoaded(const ExperimentListSnapshot& experiments)
{
    m_problemModel->setProblems(tr("experiments"), experiments->problems);
    updateProblems();

    // Keep what the person looked at: the current selection on reload, the saved one on open.
    QStringList wanted = m_experimentView->selectedExperimentIds();
    if (wanted.isEmpty())
        wanted = savedSelection();
    m_restoringSelection = true;
    m_experimentModel->setExperiments(experiments);
    const bool restored = m_experimentView->selectExperiments(wanted);
    m_restoringSelection = false;
    m_progress->finish();

    if (experiments->experiments.empty()) {
        showMessage(tr("This store has no active experiments."));
        m_session->loadRuns({});
        return;
    }
    if (restored) {
        m_session->loadRuns(m_experimentView->selectedExperimentIds());
    } else {
        // Pick one when the counts say which experiments have runs; until then, say what to do.
        m_autoSelectPending = true;
        m_session->loadRuns({});
        showMessage(tr("Select one or more experiments on the left."));
    }
}

void MainWindow::onExperimentsFailed(const QString& message)
{
    m_progress->finish();
    showMessage(tr("Could not list the experiments\n\n%1").arg(message));
}

void MainWindow::onRunCountsLoaded(const QHash<QString, int>& counts, const RunListSnapshot& scan)
{
    m_experimentModel->setRunCounts(counts);
    m_problemModel->setProblems(tr("all runs"), scan->problems);
    updateProblems();
    if (!m_autoSelectPending || !m_experimentView->selectedExperimentIds().isEmpty())
        return;
    m_autoSelectPending = false;
    QAbstractItemModel* list = m_experimentView->model();
    QString pick;
    for (int row = 0; row < list->rowCount() && pick.isEmpty(); ++row) {
        const QModelIndex index = list->index(row, 0);
        if (index.data(ExperimentListModel::RunCountRole).toInt() > 0)
            pick = index.data(ExperimentListModel::ExperimentIdRole).toString();
    }
    if (pick.isEmpty() && list->rowCount() > 0)
        pick = list->index(0, 0).data(ExperimentListModel::ExperimentIdRole).toString();
    if (!pick.isEmpty())
        m_experimentView->selectExperiments({pick});
}

void MainWindow::onSelectionChanged(const QStringList& ids)
{
    if (m_restoringSelection)
        return;
    m_autoSelectPending = false;
    saveSelection(ids);
    m_session->loadRuns(ids);
}

void MainWindow::onRunsLoading(const QStringList& ids)
{
    m_progress->start(tr("Loading runs of %1\u2026").arg(describeSelection(ids)));
}

void MainWindow::onRunsLoaded(const QStringList& ids, const RunListSnapshot& runs)
{
    m_progress->finish();
    m_problemModel->setProblems(tr("selected runs"), runs->problems);
    updateProblems();
    if (ids.isEmpty()) {
        m_runModel->clear();
        m_scatter->setRuns(nullptr);
        m_parallel->setRuns(nullptr);
        m_summaryLabel->clear();
        if (m_experimentModel->rowCount() > 0)
            showMessage(tr("Select one or more experiments on the left."));
        return;
    }
    if (ids != m_layoutIds) {
        // Each set of experiments keeps its own columns; apply them before the table fills.
        m_layoutIds = ids;
        m_runView->setColumnLayout(ColumnLayout::load(m_session->uri(), ids));
    }
    m_runModel->setRuns(runs, m_experimentModel->names());
    m_scatter->setRuns(runs);
    m_parallel->setRuns(runs);
    for (const QString& key : m_runModel->metricKeysWithModes())
        loadMetricValues(key); // new or changed runs need their statistic read again
    m_diff->setExperimentNames(m_experimentModel->names());
    // The selection survives an in-place refresh; the panels still need the fresh values, and charts
    // of runs still logging need their histories again.
    m_selectionTimer->start();
    QSet<QString> charted;
    for (const ChartRun& run : m_charts->runs())
        charted.insert(run.runId);
    bool chartsRunning = false;
    for (const Run& run : runs->runs) {
        if (charted.isEmpty() || chartsRunning)
            break;
        chartsRunning
            = run.info.status == RunStatus::Running && charted.contains(QString::fromStdString(run.info.runId));
    }
    if (chartsRunning)
        m_charts->reloadHistories();
    if (m_runView->columnLayout().differOnly)
        m_runView->applyColumnLayout(); // the rows changed, so which columns differ may have too
    const int n = static_cast<int>(runs->runs.size());
    if (n == 0) {
        const QString filter = m_session->runFilter();
        if (filter.isEmpty())
            showMessage(tr("No active runs in %1.").arg(describeSelection(ids)));
        else
            showMessage(tr("No active run in %1 matches the filter\n%2").arg(describeSelection(ids), filter));
        m_summaryLabel->clear();
        return;
    }
    m_runArea->setCurrentWidget(m_runView);
    m_summaryLabel->setText(count(n, tr("%1 run"), tr("%1 runs")) + QLatin1Char(' ')
        + tr("in %1").arg(describeSelection(ids)) + QStringLiteral(" \u00b7 ")
        + count(m_runModel->paramColumnCount(), tr("%1 param"), tr("%1 params")) + QStringLiteral(" \u00b7 ")
        + count(m_runModel->metricColumnCount(), tr("%1 metric"), tr("%1 metrics")));
}

void MainWindow::onRunsFailed(const QStringList& ids, const QString& message)
{
    m_progress->finish();
    if (!m_session->runFilter().isEmpty() && message.contains(QLatin1String("INVALID_PARAMETER_VALUE"))) {
        // The store refused the filter: say so at the filter and keep the runs already shown.
        m_filterBar->showFilterError(message);
        return;
    }
    m_runModel->clear();
    m_summaryLabel->clear();
    showMessage(tr("Could not load the runs of %1\n\n%2").arg(describeSelection(ids), message));
}

void MainWindow::onRunsCancelled(const QStringList& ids)
{
    m_progress->finish();
    m_runModel->clear();
    m_summaryLabel->clear();
    showMessage(tr("Loading the runs of %1 was cancelled.\nPress F5 to load them again.").arg(describeSelection(ids)));
}

void MainWindow::updateProblems()
{
    const int n = m_problemModel->rowCount();
    m_problemButton->setVisible(n > 0);
    m_problemButton->setText(count(n, tr("%1 problem"), tr("%1 problems")));
    m_problemButton->setToolTip(
        tr("Items the store could not read (click for the list):") + QLatin1Char('\n') + m_problemModel->summary());
    m_problemView->resizeColumnToContents(ProblemListModel::PathColumn);
}

QString MainWindow::describeSelection(const QStringList& ids) const
{
    if (ids.size() == 1) {
        const int row = m_experimentModel->rowOf(ids.front());
        if (const Experiment* e = m_experimentModel->experimentAt(row))
            return QStringLiteral("\u201c") + QString::fromStdString(e->name) + QStringLiteral("\u201d");
        return tr("experiment %1").arg(ids.front());
    }
    return count(static_cast<int>(ids.size()), tr("%1 experiment"), tr("%1 experiments"));
}

QStringList MainWindow::savedSelection() const
{
    if (m_session->uri().isEmpty())
        return {};
    return QSettings().value(selectionKey(m_session->uri())).toStringList();
}

void MainWindow::saveSelection(const QStringList& ids) const
{
    if (m_session->uri().isEmpty())
        return;
    QSettings().setValue(selectionKey(m_session->uri()), ids);
}

void MainWindow::openFolder()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open Store Folder"));
    if (!dir.isEmpty())
        openStore(dir);
}

void MainWindow::openDatabase()
{
    const QString file = QFileDialog::getOpenFileName(
        this, tr("Open SQLite Database"), {}, tr("MLflow databases (*.db *.sqlite *.sqlite3);;All files (*)"));
    if (!file.isEmpty())
        openStore(file);
}

void MainWindow::reload()
{
    if (m_session->isOpen())
        m_session->reloadExperiments();
}

void MainWindow::about()
{
    QMessageBox::about(this, tr("About Runlens"),
        tr("<h3>Runlens %1</h3><p>Browse and compare MLflow experiments natively.</p>"
           "<p>Opens mlruns folders, mlflow.db files and tracking servers.</p>"
           "<p>Runlens is licensed under the Apache License 2.0. It uses:</p><ul>"
           "<li>Qt %2 \u2014 GNU LGPL v3</li>"
           "<li>SQLite \u2014 public domain</li>"
           "<li>yaml-cpp \u2014 MIT License</li>"
           "<li>nlohmann/json \u2014 MIT License</li>"
           "<li>qtkeychain \u2014 BSD 2-Clause License</li></ul>")
            .arg(QStringLiteral(RUNLENS_VERSION), QString::fromLatin1(qVersion())));
}

void MainWindow::setDetailsPanel(QWidget* panel)
{
    while (m_runSplitter->count() > 1)
        delete m_runSplitter->widget(1);
    if (!panel)
        return;
    m_runSplitter->addWidget(panel);
    m_runSplitter->setStretchFactor(1, 0);
    m_runSplitter->setSizes({m_runSplitter->width() * 2 / 3, m_runSplitter->width() / 3});
}

QDockWidget* MainWindow::addPanelDock(
    const QString& title, const QString& objectName, QWidget* panel, Qt::DockWidgetArea area)
{
    auto* dock = new QDockWidget(title, this);
    dock->setObjectName(objectName);
    dock->setWidget(panel);
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

    m_charts = new MetricChartPanel(this);
    m_charts->setObjectName(QStringLiteral("metricCharts"));
    m_chartDock = addPanelDock(tr("Charts"), QStringLiteral("chartsDock"), m_charts, Qt::BottomDockWidgetArea);

    // Brushing ranges on its axes narrows the runs table to the runs inside every brush.
    m_parallel = new ParallelCoordinatesPanel(this);
    m_parallel->setObjectName(QStringLiteral("parallelCoordinates"));
    QDockWidget* parallelDock = addPanelDock(
        tr("Parallel Coordinates"), QStringLiteral("parallelDock"), m_parallel, Qt::BottomDockWidgetArea);
    tabifyDockWidget(m_chartDock, parallelDock);
    connect(m_parallel->view(), &ParallelCoordinatesView::brushChanged, this,
        [this] { m_runProxy->setRunIdFilter(m_parallel->view()->brushedRunIds()); });
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
}

void MainWindow::onRunSelectionChanged()
{
    QList<ChartRun> chartRuns;
    QList<RunEditor::Target> targets;
    std::vector<Run> diffRuns;
    for (const int row : m_runView->selectedRows()) {
        const QModelIndex source = m_runProxy->mapToSource(m_runProxy->index(row, 0));
        const Run* run = m_runModel->runAt(source.row());
        if (!run)
            continue;
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

    // Details show the current run, or the only selected one.
    const QModelIndex current = m_runView->selectionModel()->currentIndex();
    QString shown;
    if (current.isValid() && m_runView->selectionModel()->isSelected(current))
        shown = current.siblingAtColumn(0).data(RunTableModel::RunIdRole).toString();
    else if (targets.size() == 1)
        shown = targets.front().runId;
    if (!shown.isEmpty())
        m_details->showRun(shown.toStdString());
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
                QMessageBox::warning(this, tr("Export Runs"), tr("Could not write %1\n\n%2").arg(where, error));
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
        QSaveFile file(path);
        if (!file.open(QIODevice::WriteOnly))
            error = file.errorString();
        else {
            file.write(toCsv(table).toUtf8());
            if (!file.commit())
                error = file.errorString();
        }
        QMetaObject::invokeMethod(
            self.data(),
            [self, path, error] {
                if (self)
                    Q_EMIT self->exportFinished(path, error);
            },
            Qt::QueuedConnection);
    });
}

void MainWindow::addRecentStore(const QString& uri)
{
    QSettings settings;
    QStringList recent = settings.value(kRecentKey).toStringList();
    recent.removeAll(uri);
    recent.prepend(uri);
    while (recent.size() > kMaxRecent)
        recent.removeLast();
    settings.setValue(kRecentKey, recent);
    updateRecentMenu();
}

void MainWindow::updateRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = QSettings().value(kRecentKey).toStringList();
    for (const QString& uri : recent)
        m_recentMenu->addAction(displayLocation(uri), this, [this, uri] { openStore(uri); });
    m_recentMenu->setEnabled(!recent.isEmpty());
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    if (urls.size() == 1 && urls.front().isLocalFile())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    if (urls.size() != 1 || !urls.front().isLocalFile())
        return;
    // A folder (mlruns or one holding it) or a database file; the store says if it is neither.
    openStore(urls.front().toLocalFile());
    event->acceptProposedAction();
}

} // namespace runlens
