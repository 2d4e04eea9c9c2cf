// SPDX-License-Identifier: Apache-2.0
#include "mainwindow.h"

#include "experimentlistmodel.h"
#include "experimentlistview.h"
#include "problemlistmodel.h"
#include "runsortproxymodel.h"
#include "runtablemodel.h"
#include "runtableview.h"
#include "storesession.h"
#include "taskprogresswidget.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileDialog>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QScreen>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>
#include <QToolButton>
#include <QTreeView>
#include <QUrl>
#include <QVBoxLayout>

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
    sidebarLayout->addWidget(m_filterEdit);
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

    m_splitter = new QSplitter(Qt::Horizontal, this);
    m_splitter->addWidget(sidebar);
    m_splitter->addWidget(m_runArea);
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

    createActions();
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
    file->addSeparator();
    QAction* reloadAction = file->addAction(tr("&Reload"), this, &MainWindow::reload);
    reloadAction->setShortcut(QKeySequence::Refresh);
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* view = menuBar()->addMenu(tr("&View"));
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
    m_splitter->restoreState(settings.value(kSplitterKey).toByteArray());
}

void MainWindow::writeSettings() const
{
    QSettings settings;
    settings.setValue(kGeometryKey, saveGeometry());
    settings.setValue(kStateKey, saveState());
    settings.setValue(kSplitterKey, m_splitter->saveState());
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
        m_summaryLabel->clear();
        if (m_experimentModel->rowCount() > 0)
            showMessage(tr("Select one or more experiments on the left."));
        return;
    }
    m_runModel->setRuns(runs, m_experimentModel->names());
    const int n = static_cast<int>(runs->runs.size());
    if (n == 0) {
        showMessage(tr("No active runs in %1.").arg(describeSelection(ids)));
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
           "<p>Opens mlruns folders, mlflow.db files and tracking servers.</p>")
            .arg(QStringLiteral(RUNLENS_VERSION)));
}

} // namespace runlens
