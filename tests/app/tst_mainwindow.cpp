// SPDX-License-Identifier: Apache-2.0
#include "experimentlistmodel.h"
#include "experimentlistview.h"
#include "filterbar.h"
#include "mainwindow.h"
#include "problemlistmodel.h"
#include "runsortproxymodel.h"
#include "runtableclicks.h"
#include "runtableheaderview.h"
#include "runtablemodel.h"
#include "runtableview.h"
#include "startupstore.h"
#include "stores/sqlite/sqliteconnection.h"
#include "storesession.h"
#include "taskprogresswidget.h"

#include <QApplication>
#include <QClipboard>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

#include <cmath>
#include <filesystem>

using namespace runlens;
using runlens::test::clickHeader;

namespace {

const QString kFixture = QStringLiteral(RUNLENS_FIXTURE_DIR "/file/mlruns");
const QString kImages = QStringLiteral("900844674041952973");
const QString kNlp = QStringLiteral("640513601518546733");

QStringList runNames(const QAbstractItemModel* model)
{
    QStringList names;
    for (int row = 0; row < model->rowCount(); ++row)
        names << model->index(row, 0).data().toString();
    return names;
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void browsesFixtureStore();
    void cancelShowsMessageAndEmptiesTable();
    void openErrorIsShownInTheWindow();
    void readOnlyStoreIsSaidUpFront();
    void brokenRunIsReportedAndOthersStillShow();
    void remembersLayoutAndSelection();
    void startupStoreChoice();
    void filterReloadsThroughTheStore();
    void invalidFilterKeepsTheTable();
    void quickSearchNarrowsByName();
    void copiesSelectionAsTsv();
    void exportsVisibleTableAsCsv();
    void rememberedRecentStores();

private:
    void openAndWait(MainWindow& window);
};

void TestMainWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QApplication::setOrganizationName(QStringLiteral("Runlens"));
    QApplication::setApplicationName(
        QStringLiteral("Runlens-test-mainwindow")); // own settings: tests may run in parallel
    qunsetenv("MLFLOW_TRACKING_URI");
}

void TestMainWindow::init()
{
    QSettings().clear();
}

void TestMainWindow::openAndWait(MainWindow& window)
{
    QSignalSpy counts(window.session(), &StoreSession::runCountsLoaded);
    window.openStore(kFixture);
    QVERIFY(counts.wait());
    QTRY_COMPARE(window.experimentModel()->rowCount(), 5);
}

void TestMainWindow::browsesFixtureStore()
{
    MainWindow window;
    window.resize(1200, 700);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QSignalSpy loaded(window.session(), &StoreSession::runsLoaded);
    openAndWait(window);

    // With nothing remembered, the newest experiment that has runs is selected and shown.
    QTRY_COMPARE(window.experimentView()->selectedExperimentIds(), QStringList {kNlp});
    QTRY_COMPARE(window.runProxy()->rowCount(), 5);
    QVERIFY(window.messageText().isEmpty());
    QVERIFY(window.runView()->isVisible());

    // Select image-classification with a click in the sidebar.
    ExperimentListView* sidebar = window.experimentView();
    const QModelIndex images
        = sidebar->model()->index(window.experimentModel()->rowOf(kImages), ExperimentListModel::NameColumn);
    QCOMPARE(images.data(ExperimentListModel::RunCountRole).toInt(), 14);
    loaded.clear();
    QTest::mouseClick(sidebar->viewport(), Qt::LeftButton, {}, sidebar->visualRect(images).center());
    QCOMPARE(sidebar->selectedExperimentIds(), QStringList {kImages});
    QVERIFY(loaded.wait());
    QCOMPARE(loaded.last().at(0).toStringList(), QStringList {kImages});
    QCOMPARE(window.runProxy()->rowCount(), 14); // active runs only: deleted-run is not listed
    QVERIFY(!runNames(window.runProxy()).contains(QStringLiteral("deleted-run")));

    // Sort by the "loss" metric: ascending on the first click, descending on the second; runs
    // without a loss stay at the bottom both times. Nested runs show as a tree by default: the trials
    // follow their sweep (which has no loss), sorted among themselves.
    RunTableView* table = window.runView();
    QVERIFY(window.runProxy()->nestedRuns());
    const int loss = window.runModel()->columnOf(RunTableModel::ColumnKind::Metric, QStringLiteral("loss"));
    QVERIFY(loss > 0);
    clickHeader(table, loss);
    QCOMPARE(table->horizontalHeader()->sortIndicatorSection(), loss);
    QCOMPARE(table->horizontalHeader()->sortIndicatorOrder(), Qt::AscendingOrder);
    QStringList names = runNames(window.runProxy());
    QCOMPARE(names.mid(0, 3),
        (QStringList {
            QStringLiteral("still-running"), QStringLiteral("killed-by-user"), QStringLiteral("crashed-oom")}));
    int sweep = names.indexOf(QStringLiteral("hpo-sweep"));
    QCOMPARE(names.mid(sweep, 4),
        (QStringList {QStringLiteral("hpo-sweep"), QStringLiteral("trial-0"), QStringLiteral("trial-1"),
            QStringLiteral("trial-2")}));
    for (int row = 3; row < window.runProxy()->rowCount(); ++row) {
        if (row <= sweep || row > sweep + 3)
            QVERIFY(!window.runProxy()->index(row, loss).data(RunTableModel::SortRole).isValid());
    }

    clickHeader(table, loss);
    QCOMPARE(table->horizontalHeader()->sortIndicatorOrder(), Qt::DescendingOrder);
    names = runNames(window.runProxy());
    QCOMPARE(names.mid(0, 3),
        (QStringList {
            QStringLiteral("crashed-oom"), QStringLiteral("killed-by-user"), QStringLiteral("still-running")}));
    sweep = names.indexOf(QStringLiteral("hpo-sweep"));
    QCOMPARE(names.mid(sweep, 4),
        (QStringList {QStringLiteral("hpo-sweep"), QStringLiteral("trial-2"), QStringLiteral("trial-1"),
            QStringLiteral("trial-0")}));

    // Two experiments at once: one table, with an Experiment column.
    loaded.clear();
    QVERIFY(sidebar->selectExperiments({kImages, kNlp}));
    QVERIFY(loaded.wait());
    QCOMPARE(window.runProxy()->rowCount(), 19);
    QVERIFY(window.runModel()->columnOf(RunTableModel::ColumnKind::Experiment) > 0);
}

void TestMainWindow::cancelShowsMessageAndEmptiesTable()
{
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    openAndWait(window);
    QTRY_VERIFY(window.runProxy()->rowCount() > 0);

    QSignalSpy cancelled(window.session(), &StoreSession::runsCancelled);
    window.session()->loadRuns({kImages});
    auto* progress = window.findChild<TaskProgressWidget*>();
    QVERIFY(progress && progress->isVisible());
    QTest::mouseClick(progress->cancelButton(), Qt::LeftButton);
    QCOMPARE(cancelled.count(), 1);
    QVERIFY(!progress->isVisible());
    QCOMPARE(window.runProxy()->rowCount(), 0);
    QVERIFY2(window.messageText().contains(QStringLiteral("cancelled")), qPrintable(window.messageText()));
}

void TestMainWindow::openErrorIsShownInTheWindow()
{
    MainWindow window;
    window.show();
    const QString missing = QStringLiteral(RUNLENS_FIXTURE_DIR "/does-not-exist");
    QSignalSpy failed(window.session(), &StoreSession::openFailed);
    window.openStore(missing);
    QVERIFY(failed.wait());
    QVERIFY(window.messageText().startsWith(QStringLiteral("Could not open")));
    QVERIFY(window.messageText().contains(missing));
    QCOMPARE(window.experimentModel()->rowCount(), 0);
}

// An MLflow 3.6 database opens writable; one with a schema revision Runlens's writes were not
// tested with opens read-only, and the status bar says so, and why, as soon as it is open.
void TestMainWindow::readOnlyStoreIsSaidUpFront()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::filesystem::path db = std::filesystem::path(dir.path().toStdString()) / "mlflow.db";
    std::filesystem::copy_file(RUNLENS_FIXTURE_DIR "/mlflow3/sqlite/mlflow.db", db);
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto* badge = window.findChild<QLabel*>(QStringLiteral("readOnlyBadge"));
    QVERIFY(badge);
    QSignalSpy opened(window.session(), &StoreSession::opened);
    window.openStore(QString::fromStdString(db.string()));
    QVERIFY(opened.wait());
    QVERIFY(!badge->isVisible());

    {
        auto c = SqliteConnection::open(db, SqliteConnection::Access::ReadWrite);
        QVERIFY(c);
        QVERIFY((*c)->exec("UPDATE alembic_version SET version_num = 'ffffffffffff'"));
    }
    window.openStore(QString::fromStdString(db.string()));
    QVERIFY(opened.wait());
    QVERIFY(badge->isVisible());
    QVERIFY2(badge->text().startsWith(QStringLiteral("Read-only: ")), qPrintable(badge->text()));
    QVERIFY2(badge->toolTip().contains(QStringLiteral("'ffffffffffff' is not one Runlens was tested with")),
        qPrintable(badge->toolTip()));
    // Everything still reads.
    QTRY_VERIFY(window.experimentModel()->rowCount() > 0);
}

void TestMainWindow::brokenRunIsReportedAndOthersStillShow()
{
    // Work on a copy: the fixture is shared with every other test.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::filesystem::path root = std::filesystem::path(dir.path().toStdString()) / "mlruns";
    std::filesystem::copy(kFixture.toStdString(), root, std::filesystem::copy_options::recursive);
    const std::filesystem::path experiment = root / kImages.toStdString();
    bool broken = false;
    for (const auto& entry : std::filesystem::directory_iterator(experiment)) {
        const auto meta = entry.path() / "meta.yaml";
        if (!entry.is_directory() || !std::filesystem::exists(meta))
            continue;
        QFile file(QString::fromStdString(meta.string()));
        QVERIFY(file.open(QIODevice::ReadOnly));
        if (!file.readAll().contains("run_name: trial-1"))
            continue;
        file.close();
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(": : not yaml [\n");
        broken = true;
    }
    QVERIFY(broken);

    MainWindow window;
    window.show();
    QSignalSpy counts(window.session(), &StoreSession::runCountsLoaded);
    QSignalSpy loaded(window.session(), &StoreSession::runsLoaded);
    window.openStore(QString::fromStdString(root.string()));
    QVERIFY(counts.wait());
    QVERIFY(window.problemModel()->rowCount() >= 1);
    auto* button = window.findChild<QToolButton*>(QStringLiteral("problemButton"));
    QVERIFY(button && button->isVisible());
    QVERIFY(button->text().contains(QStringLiteral("problem")));
    QTRY_VERIFY(window.experimentView()->selectExperiments({kImages}));
    QTRY_COMPARE(window.runProxy()->rowCount(), 13); // the other runs of the experiment still load
    QVERIFY(!runNames(window.runProxy()).contains(QStringLiteral("trial-1")));
    const QString where = window.problemModel()->index(0, ProblemListModel::PathColumn).data().toString();
    QVERIFY2(where.contains(kImages), qPrintable(where));
}

void TestMainWindow::remembersLayoutAndSelection()
{
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        openAndWait(window);
        QSignalSpy loaded(window.session(), &StoreSession::runsLoaded);
        QVERIFY(window.experimentView()->selectExperiments({QStringLiteral("0")}));
        QVERIFY(loaded.wait());
        window.close();
    }
    QSettings settings;
    QVERIFY(!settings.value(QStringLiteral("MainWindow/geometry")).toByteArray().isEmpty());
    QVERIFY(!settings.value(QStringLiteral("MainWindow/splitter")).toByteArray().isEmpty());

    // Reopening the same store brings back the experiment last looked at.
    MainWindow again;
    again.show();
    QSignalSpy loaded(again.session(), &StoreSession::runsLoaded);
    again.openStore(kFixture);
    QTRY_COMPARE(again.experimentView()->selectedExperimentIds(), QStringList {QStringLiteral("0")});
    QTRY_COMPARE(again.runProxy()->rowCount(), 1);
}

void TestMainWindow::filterReloadsThroughTheStore()
{
    MainWindow window;
    window.show();
    openAndWait(window);
    QTRY_COMPARE(window.runProxy()->rowCount(), 5);

    QSignalSpy loaded(window.session(), &StoreSession::runsLoaded);
    // OR is Runlens's extension (MLflow allows IN only for run_id); the store still does the work.
    const QString filter = QStringLiteral("attributes.run_name = 'bert-1' OR attributes.run_name = 'bert-3'");
    window.filterBar()->filterEdit()->setText(filter);
    QTest::keyClick(window.filterBar()->filterEdit(), Qt::Key_Return);
    QVERIFY(loaded.wait());
    QCOMPARE(window.session()->runFilter(), filter);
    QStringList names = runNames(window.runProxy());
    names.sort();
    QCOMPARE(names, (QStringList {QStringLiteral("bert-1"), QStringLiteral("bert-3")}));

    // Nothing matches: the window says so rather than showing an empty table.
    loaded.clear();
    QVERIFY(window.filterBar()->applyFilter(QStringLiteral("metrics.loss > 1000000")));
    QVERIFY(loaded.wait());
    QVERIFY2(window.messageText().contains(QStringLiteral("matches the filter")), qPrintable(window.messageText()));

    // Clearing the filter brings every run back.
    loaded.clear();
    QVERIFY(window.filterBar()->applyFilter(QString()));
    QVERIFY(loaded.wait());
    QCOMPARE(window.runProxy()->rowCount(), 5);
}

void TestMainWindow::invalidFilterKeepsTheTable()
{
    MainWindow window;
    window.show();
    openAndWait(window);
    QTRY_COMPARE(window.runProxy()->rowCount(), 5);
    QSignalSpy loading(window.session(), &StoreSession::runsLoading);
    QVERIFY(!window.filterBar()->applyFilter(QStringLiteral("params.a == 'x'")));
    QCOMPARE(loading.count(), 0); // never sent to the store
    QCOMPARE(window.filterBar()->errorPosition(), 9);
    QVERIFY(window.filterBar()->errorText().contains(QStringLiteral("at position 9")));
    QCOMPARE(window.runProxy()->rowCount(), 5);
    QVERIFY(window.messageText().isEmpty());
}

void TestMainWindow::quickSearchNarrowsByName()
{
    MainWindow window;
    window.show();
    openAndWait(window);
    QTRY_COMPARE(window.runProxy()->rowCount(), 5);
    QSignalSpy loading(window.session(), &StoreSession::runsLoading);
    QTest::keyClicks(window.filterBar()->quickEdit(), QStringLiteral("BERT-2"));
    QCOMPARE(runNames(window.runProxy()), QStringList {QStringLiteral("bert-2")});
    QCOMPARE(loading.count(), 0); // instant: the store is not asked
    window.filterBar()->quickEdit()->clear();
    QCOMPARE(window.runProxy()->rowCount(), 5);
}

void TestMainWindow::copiesSelectionAsTsv()
{
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    openAndWait(window);
    QTRY_COMPARE(window.runProxy()->rowCount(), 5);
    RunTableView* table = window.runView();
    table->selectRow(0);
    table->selectionModel()->select(
        window.runProxy()->index(2, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
    table->setFocus();
    QApplication::clipboard()->clear();
    QTest::keySequence(table, QKeySequence::Copy);
    const QString text = QApplication::clipboard()->text();
    const QStringList lines = text.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 3); // header and two runs
    const QStringList header = lines.at(0).split(QLatin1Char('\t'));
    QCOMPARE(header.at(0), QStringLiteral("Run"));
    QCOMPARE(header.size(), table->visibleColumns().size());
    QCOMPARE(lines.at(1).split(QLatin1Char('\t')).at(0), window.runProxy()->index(0, 0).data().toString());
    QCOMPARE(lines.at(2).split(QLatin1Char('\t')).at(0), window.runProxy()->index(2, 0).data().toString());
    QCOMPARE(text, table->selectionAsTsv());

    // A hidden column is not copied.
    table->hideColumn(1);
    QCOMPARE(table->selectionAsTsv().split(QLatin1Char('\n')).at(0).split(QLatin1Char('\t')).size(), header.size() - 1);
}

void TestMainWindow::exportsVisibleTableAsCsv()
{
    MainWindow window;
    window.show();
    openAndWait(window);
    QTRY_COMPARE(window.runProxy()->rowCount(), 5);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("runs.csv"));
    QSignalSpy finished(&window, &MainWindow::exportFinished);
    window.exportRuns(path);
    QVERIFY(finished.wait());
    QCOMPARE(finished.at(0).at(0).toString(), path);
    QCOMPARE(finished.at(0).at(1).toString(), QString());
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QStringList lines = QString::fromUtf8(file.readAll()).split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 6);
    QVERIFY(lines.at(0).startsWith(QStringLiteral("Run,")));
    for (int row = 0; row < 5; ++row)
        QVERIFY(lines.at(row + 1).startsWith(window.runProxy()->index(row, 0).data().toString() + QLatin1Char(',')));

    // A place that cannot be written gives an error, not a silent nothing.
    finished.clear();
    window.exportRuns(dir.filePath(QStringLiteral("no/such/dir/runs.csv")));
    QVERIFY(finished.wait());
    QVERIFY(!finished.at(0).at(1).toString().isEmpty());
}

void TestMainWindow::rememberedRecentStores()
{
    MainWindow window;
    openAndWait(window);
    const QStringList recent = QSettings().value(QStringLiteral("RecentStores")).toStringList();
    QCOMPARE(recent.size(), 1);
    QCOMPARE(recent.front(), window.session()->uri());
}

void TestMainWindow::startupStoreChoice()
{
    const std::filesystem::path fixtureParent(RUNLENS_FIXTURE_DIR "/file");
    const StartupStore given = chooseStartupStore(QStringLiteral("/some/where"), fixtureParent);
    QCOMPARE(given.location, QStringLiteral("/some/where"));
    QVERIFY(given.note.isEmpty());

    // ./mlruns in the working folder, as MLflow would pick it.
    const StartupStore local = chooseStartupStore({}, fixtureParent);
    QVERIFY2(local.location.endsWith(QStringLiteral("/mlruns")), qPrintable(local.location));
    QVERIFY(!local.isDemo);

    // Nothing here: the demo store when there is one, else a note that says what to do.
    QTemporaryDir empty;
    const StartupStore none = chooseStartupStore({}, std::filesystem::path(empty.path().toStdString()));
    if (demoStorePath().isEmpty()) {
        QVERIFY(none.location.isEmpty());
        QVERIFY(none.note.contains(QStringLiteral("File")));
    } else {
        QVERIFY(none.isDemo);
        QCOMPARE(none.location, demoStorePath());
    }

    // The store used last comes before the demo store, but after one in the working folder.
    const QString last = QStringLiteral("sqlite:///some/mlflow.db");
    QCOMPARE(chooseStartupStore({}, std::filesystem::path(empty.path().toStdString()), last).location, last);
    QVERIFY(!chooseStartupStore({}, std::filesystem::path(empty.path().toStdString()), last).isDemo);
    QVERIFY(chooseStartupStore({}, fixtureParent, last).location.endsWith(QStringLiteral("/mlruns")));

    // A window with nothing to open shows the note instead of a table.
    MainWindow window;
    window.setNote(QStringLiteral("No store to open"));
    QCOMPARE(window.messageText(), QStringLiteral("No store to open"));
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
