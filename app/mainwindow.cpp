// SPDX-License-Identifier: Apache-2.0
#include "mainwindow.h"

#include <algorithm>

#include "chartexport.h"
#include "columnchooser.h"
#include "columnlayout.h"
#include "connectdialog.h"
#include "experimentlistmodel.h"
#include "experimentlistview.h"
#include "filterbar.h"
#include "loggedmodelspanel.h"
#include "metricchartpanel.h"
#include "metricvaluesloader.h"
#include "net/httpclient.h"
#include "parallelcoordinatespanel.h"
#include "parallelcoordinatesview.h"
#include "problemlistmodel.h"
#include "readonlynote.h"
#include "registrypanel.h"
#include "retrycountdown.h"
#include "runcolors.h"
#include "rundetailspanel.h"
#include "rundiffview.h"
#include "runeditor.h"
#include "runsortproxymodel.h"
#include "runtablemodel.h"
#include "runtableview.h"
#include "scatterpanel.h"
#include "store.h"
#include "stores/rest/reststore.h"
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
    // Runs and, for MLflow 3 stores, the logged models of the same experiments.
    m_mainTabs = new QTabWidget(this);
    m_mainTabs->setObjectName(QStringLiteral("mainTabs"));
    m_mainTabs->setDocumentMode(true);
    m_mainTabs->addTab(runsPage, tr("Runs"));
    m_models = new LoggedModelsPanel(m_session, m_mainTabs);
    m_mainTabs->addTab(m_models, tr("Models"));
    m_mainTabs->setTabToolTip(1, tr("Logged models (MLflow 3) of the selected experiments"));
    connect(m_models, &LoggedModelsPanel::runActivated, this, [this](const QString& runId) {
        m_mainTabs->setCurrentIndex(0);
        selectRun(runId);
    });
    m_runSplitter = new QSplitter(Qt::Horizontal, this);
    m_runSplitter->setObjectName(QStringLiteral("runSplitter"));
    m_runSplitter->addWidget(m_mainTabs);
    m_runSplitter->setStretchFactor(0, 1);
    // The run details have nothing to say about logged models, which have their own details pane;
    // the other panels follow the tab: runs, or logged models.
    connect(m_mainTabs, &QTabWidget::currentChanged, this, [this](int index) {
        if (QWidget* details = m_runSplitter->widget(1))
            details->setVisible(index == 0);
        feedPanelsFromTab();
    });
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
    m_readOnlyBadge = new QLabel(this);
    m_readOnlyBadge->setObjectName(QStringLiteral("readOnlyBadge"));
    m_readOnlyBadge->setTextFormat(Qt::PlainText);
    m_readOnlyBadge->hide();
    m_progress = new TaskProgressWidget(this);
    connect(m_progress, &TaskProgressWidget::cancelRequested, m_session, &StoreSession::cancelRuns);
    statusBar()->addWidget(m_storeLabel);
    statusBar()->addWidget(m_summaryLabel, 1);
    statusBar()->addPermanentWidget(m_readOnlyBadge);
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
    const bool split = m_splitter->restoreState(settings.value(kSplitterKey).toByteArray());
    const bool runSplit
        = m_runSplitter->restoreState(settings.value(kSplitterKey + QStringLiteral("/runs")).toByteArray());
    m_defaultSplitPending = !split || !runSplit;
}

void MainWindow::showEvent(QShowEvent* event)
{
    QMainWindow::showEvent(event);
    if (m_defaultSplitPending) {
        m_defaultSplitPending = false;
        applyDefaultSplit();
    }
}

void MainWindow::applyDefaultSplit()
{
    // The table gets what is left once the experiment list and the details have a readable width:
    // at 1024 px about 520 px, four run columns; at 1600 px about 850 px.
    const int total = width();
    const int sidebar = std::clamp(total / 5, 180, 280);
    const int rest = std::max(0, total - sidebar);
    const int details = std::clamp(rest * 9 / 25, 300, 480);
    m_splitter->setSizes({sidebar, rest});
    m_runSplitter->setSizes({std::max(0, rest - details), details});
    // The panels below take two fifths of the height; the table, what one works in, the rest.
    resizeDocks({m_chartDock}, {height() * 2 / 5}, Qt::Vertical);
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

// Said up front, before anyone tries an edit: a store that cannot be written, and why.
void MainWindow::showReadOnlyBadge(const QString& reason)
{
    m_readOnlyBadge->setVisible(!reason.isEmpty());
    m_readOnlyBadge->setToolTip(ReadOnlyNote::sentence(reason));
    const QString text = tr("Read-only: %1").arg(reason);
    m_readOnlyBadge->setText(m_readOnlyBadge->fontMetrics().elidedText(text, Qt::ElideRight, 460));
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
    m_models->setExperiments({});
    m_problemModel->clear();
    updateProblems();
    m_summaryLabel->clear();
    showReadOnlyBadge({});
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
    showReadOnlyBadge(ReadOnlyNote::reason(store.get(), ReadOnlyNote::Edits::Runs, uri));
    if (const auto* rest = dynamic_cast<const RestStore*>(store.get())) {
        // A busy server makes reads wait before each retry: say so, and for how long.
        auto* countdown = statusBar()->findChild<RetryCountdown*>();
        if (!countdown)
            countdown = new RetryCountdown(statusBar());
        connect(rest->retryNotifier(), &RetryNotifier::waiting, countdown,
            [countdown](const QString&, int status, qint64 waitMs) { countdown->start(status, waitMs); });
    }
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
    m_models->setExperiments(ids);
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
        m_runsSnapshot = nullptr;
        feedPanelsFromTab();
        m_summaryLabel->clear();
        if (m_experimentModel->rowCount() > 0)
            showMessage(tr("Select one or more experiments on the left."));
        return;
    }
    const bool otherExperiments = ids != m_layoutIds;
    if (otherExperiments) {
        // Other experiments are a new table, not a refresh of this one: emptied first, so columns are
        // fitted to the new runs, and each set of experiments keeps its own layout and sort.
        m_runModel->clear();
        m_layoutIds = ids;
        m_runView->setColumnLayout(ColumnLayout::load(m_session->uri(), ids));
    }
    m_runModel->setRuns(runs, m_experimentModel->names());
    if (otherExperiments && !m_details->shownRunId().empty()) {
        // Details of a run the new listing does not hold would look like part of it.
        const std::string& shown = m_details->shownRunId();
        if (std::none_of(runs->runs.begin(), runs->runs.end(), [&](const Run& r) { return r.info.runId == shown; }))
            m_details->showRun({});
    }
    m_runsSnapshot = runs;
    if (!onModelsTab()) {
        m_scatter->setRuns(runs);
        m_parallel->setRuns(runs);
    }
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
