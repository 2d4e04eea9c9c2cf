// SPDX-License-Identifier: Apache-2.0
// The main window's panels follow the runs table, and runs are edited from it: on a copy of the
// fixture store written by MLflow, read back through the store after each edit.
#include "experimentlistmodel.h"
#include "experimentlistview.h"
#include "fakestore.h"
#include "mainwindow.h"
#include "metricchartpanel.h"
#include "parallelcoordinatesmodel.h"
#include "parallelcoordinatespanel.h"
#include "parallelcoordinatesview.h"
#include "registrypanel.h"
#include "runcolors.h"
#include "rundetailsmodel.h"
#include "rundetailspanel.h"
#include "rundiffmodel.h"
#include "rundiffview.h"
#include "runeditor.h"
#include "runsortproxymodel.h"
#include "runtablemodel.h"
#include "runtableview.h"
#include "scatterpanel.h"
#include "scatterplotview.h"
#include "series/metricsummary.h"
#include "store.h"
#include "storefactory.h"
#include "storesession.h"

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QFont>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QThreadPool>
#include <QToolButton>

#include <cmath>
#include <filesystem>

using namespace runlens;

namespace {

const QString kFixture = QStringLiteral(RUNLENS_FIXTURE_DIR "/file/mlruns");
const QString kImages = QStringLiteral("900844674041952973");

int rowOf(const QAbstractItemModel* model, const QString& runId)
{
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->index(row, 0).data(RunTableModel::RunIdRole).toString() == runId)
            return row;
    }
    return -1;
}

} // namespace

class TestRunPanels : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void selectionDrivesPanels();
    void editsRunsAndReadsThemBack();
    void deleteAndRestore();
    void failedEditIsReported();
    void readOnlyStoreDisablesEdits();
    void deletedExperimentsToggle();
    void parallelBrushFiltersTable();
    void detailsAndParallelFollowTheSelection();
    void metricColumnModes();
    void screenshot();

private:
    void openImages(MainWindow& window, const QString& store);
    /** Selects these rows of the runs table, the first one current. */
    static void selectRows(MainWindow& window, std::initializer_list<int> rows);
};

void TestRunPanels::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QApplication::setOrganizationName(QStringLiteral("Runlens"));
    QApplication::setApplicationName(QStringLiteral("Runlens-test-panels")); // own settings: tests may run in parallel
    qunsetenv("MLFLOW_TRACKING_URI");
}

void TestRunPanels::init()
{
    QSettings().clear();
}

void TestRunPanels::openImages(MainWindow& window, const QString& store)
{
    QSignalSpy counts(window.session(), &StoreSession::runCountsLoaded);
    window.openStore(store);
    QVERIFY(counts.wait());
    QSignalSpy loaded(window.session(), &StoreSession::runsLoaded);
    QVERIFY(window.experimentView()->selectExperiments({kImages}));
    QTRY_COMPARE(window.runProxy()->rowCount(), 14);
}

void TestRunPanels::selectRows(MainWindow& window, std::initializer_list<int> rows)
{
    QItemSelectionModel* selection = window.runView()->selectionModel();
    auto row = rows.begin();
    selection->setCurrentIndex(
        window.runProxy()->index(*row, 0), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    for (++row; row != rows.end(); ++row)
        selection->select(window.runProxy()->index(*row, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
}

void TestRunPanels::selectionDrivesPanels()
{
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    openImages(window, kFixture);
    QVERIFY(window.chartDock()->isVisible());
    QVERIFY(window.detailsPanel()->isVisible());

    // Three runs selected: three runs charted, the current one in the details.
    RunTableView* table = window.runView();
    QStringList ids;
    for (int row : {0, 2, 5})
        ids << window.runProxy()->index(row, 0).data(RunTableModel::RunIdRole).toString();
    selectRows(window, {0, 2, 5});
    QTRY_COMPARE(window.chartPanel()->runs().size(), 3);
    QStringList charted;
    for (const ChartRun& run : window.chartPanel()->runs())
        charted << run.runId;
    QCOMPARE(charted, ids);
    QTRY_COMPARE(QString::fromStdString(window.detailsPanel()->model()->runId()), ids.front());
    // The comparison has one column per selected run; the scatter plot marks them.
    QCOMPARE(window.diffView()->model()->columnCount(), 3);
    QCOMPARE(window.scatterPanel()->view()->highlightedRuns(), QSet<QString>(ids.begin(), ids.end()));

    // Their histories load off the GUI thread through the store and become charts.
    if (window.chartPanel()->pendingLoads() > 0) {
        QSignalSpy finished(window.chartPanel(), &MetricChartPanel::loadsFinished);
        QVERIFY(finished.wait());
    }
    QVERIFY(window.chartPanel()->failures().isEmpty());
    QVERIFY(!window.chartPanel()->charts().isEmpty());
    const QStringList keys = window.chartPanel()->runs().front().metricKeys;
    QVERIFY(!keys.isEmpty());
    QVERIFY(window.chartPanel()->chart(keys.front()));

    // Another experiment: the details of a run it does not list go, whatever is selected.
    const QString nlp = QStringLiteral("640513601518546733");
    QVERIFY(window.experimentView()->selectExperiments({nlp}));
    QTRY_COMPARE(window.runProxy()->rowCount(), 5);
    QTRY_VERIFY(window.detailsPanel()->shownRunId().empty());
    QVERIFY(window.experimentView()->selectExperiments({kImages}));
    QTRY_COMPARE(window.runProxy()->rowCount(), 14);
    selectRows(window, {0, 2, 5});
    QTRY_COMPARE(window.chartPanel()->runs().size(), 3);

    // A link from another panel selects that run in the table.
    QVERIFY(window.selectRun(ids.last()));
    QTRY_COMPARE(window.chartPanel()->runs().size(), 1);
    QCOMPARE(window.diffView()->model()->columnCount(), 1);

    // A click on a dot in the scatter plot selects that run in the table.
    const QString clicked = window.runProxy()->index(7, 0).data(RunTableModel::RunIdRole).toString();
    Q_EMIT window.scatterPanel()->runClicked(clicked);
    QTRY_COMPARE(window.chartPanel()->runs().size(), 1);
    QTRY_COMPARE(window.chartPanel()->runs().front().runId, clicked);
    QVERIFY(window.selectRun(ids.last()));
    QCOMPARE(table->selectedRows().size(), 1);
    QTRY_COMPARE(QString::fromStdString(window.detailsPanel()->model()->runId()), ids.last());
    QVERIFY(!window.selectRun(QStringLiteral("0123456789abcdef0123456789abcdef")));
}

void TestRunPanels::editsRunsAndReadsThemBack()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const auto root = std::filesystem::path(dir.path().toStdString()) / "mlruns";
    std::filesystem::copy(kFixture.toStdString(), root, std::filesystem::copy_options::recursive);
    MainWindow window;
    window.show();
    openImages(window, QString::fromStdString(root.string()));

    const QString first = window.runProxy()->index(0, 0).data(RunTableModel::RunIdRole).toString();
    const QString second = window.runProxy()->index(1, 0).data(RunTableModel::RunIdRole).toString();
    QVERIFY(window.selectRun(first));
    RunEditor* editor = window.runEditor();
    QTRY_COMPARE(editor->targets().size(), 1);
    QVERIFY(editor->renameAction()->isEnabled());
    QVERIFY(window.detailsPanel()->editButton()->isVisible());

    // Rename: the table shows the new name once the store has it, and the row stays selected.
    // The reload may finish within the same event-loop pass that delivers `edited`, so wait on what
    // the table shows rather than on the next runsLoaded.
    QSignalSpy edited(editor, &RunEditor::edited);
    editor->rename(first, QStringLiteral("renamed by runlens"));
    QVERIFY(edited.wait());
    QCOMPARE(edited.front().at(0).toStringList(), QStringList {first});
    QTRY_COMPARE(window.runProxy()->index(rowOf(window.runProxy(), first), 0).data().toString(),
        QStringLiteral("renamed by runlens"));
    const int row = rowOf(window.runProxy(), first);
    QCOMPARE(window.runView()->selectedRows(), QList<int> {row});

    // A tag on two runs, then the description: both read back through a fresh store.
    edited.clear();
    editor->setTag({first, second}, QStringLiteral("reviewed"), QStringLiteral("yes"));
    QVERIFY(edited.wait());
    editor->setDescription(first, QStringLiteral("# Best so far\nTry a lower LR next."));
    QVERIFY(edited.wait());
    auto store = openStore(QString::fromStdString(root.string()).toStdString());
    QVERIFY(store.ok());
    for (const QString& id : {first, second}) {
        auto run = store.value()->run(id.toStdString());
        QVERIFY(run.ok());
        QVERIFY(run->tag("reviewed"));
        QCOMPARE(*run->tag("reviewed"), std::string("yes"));
    }
    auto run = store.value()->run(first.toStdString());
    QCOMPARE(run->info.runName, std::string("renamed by runlens"));
    QCOMPARE(*run->tag("mlflow.runName"), std::string("renamed by runlens"));
    QCOMPARE(*run->tag("mlflow.note.content"), std::string("# Best so far\nTry a lower LR next."));

    // Deleting the tag again removes it from that run only.
    editor->deleteTag({second}, QStringLiteral("reviewed"));
    QVERIFY(edited.wait());
    QVERIFY(!store.value()->run(second.toStdString())->tag("reviewed"));
    QVERIFY(store.value()->run(first.toStdString())->tag("reviewed"));
}

void TestRunPanels::deleteAndRestore()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const auto root = std::filesystem::path(dir.path().toStdString()) / "mlruns";
    std::filesystem::copy(kFixture.toStdString(), root, std::filesystem::copy_options::recursive);
    MainWindow window;
    window.show();
    openImages(window, QString::fromStdString(root.string()));
    const QString id = window.runProxy()->index(3, 0).data(RunTableModel::RunIdRole).toString();
    RunEditor* editor = window.runEditor();

    QSignalSpy loaded(window.session(), &StoreSession::runsLoaded);
    QSignalSpy edited(editor, &RunEditor::edited);
    editor->deleteRuns({id});
    QVERIFY(edited.wait());
    QTRY_COMPARE(window.runProxy()->rowCount(), 13);
    QCOMPARE(rowOf(window.runProxy(), id), -1);

    // Shown again with the deleted runs listed; selecting it offers Restore, not Delete.
    loaded.clear();
    window.setShowDeletedRuns(true);
    QVERIFY(loaded.wait());
    QVERIFY(window.runProxy()->rowCount() >= 14); // with any the fixture had deleted already
    QVERIFY(rowOf(window.runProxy(), id) >= 0);
    QVERIFY(window.selectRun(id));
    QTRY_COMPARE(editor->targets().size(), 1);
    QVERIFY(editor->targets().front().deleted);
    QVERIFY(editor->restoreAction()->isEnabled());
    QVERIFY(!editor->deleteAction()->isEnabled());
    editor->restoreAction()->trigger();
    QVERIFY(edited.wait());

    loaded.clear();
    window.setShowDeletedRuns(false);
    QVERIFY(loaded.wait());
    QCOMPARE(window.runProxy()->rowCount(), 14);
    QVERIFY(rowOf(window.runProxy(), id) >= 0);
}

void TestRunPanels::failedEditIsReported()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const auto root = std::filesystem::path(dir.path().toStdString()) / "mlruns";
    std::filesystem::copy(kFixture.toStdString(), root, std::filesystem::copy_options::recursive);
    MainWindow window;
    openImages(window, QString::fromStdString(root.string()));
    const QString real = window.runProxy()->index(0, 0).data(RunTableModel::RunIdRole).toString();

    // The second id does not exist: the first run is tagged, the failure names the second, and the
    // run after it is never touched.
    const QString ghost = QStringLiteral("0123456789abcdef0123456789abcdef");
    const QString third = window.runProxy()->index(1, 0).data(RunTableModel::RunIdRole).toString();
    QSignalSpy edited(window.runEditor(), &RunEditor::edited);
    QSignalSpy failed(window.runEditor(), &RunEditor::editFailed);
    window.runEditor()->setTag({real, ghost, third}, QStringLiteral("k"), QStringLiteral("v"));
    QVERIFY(failed.wait());
    QVERIFY2(failed.front().at(0).toString().contains(ghost), qPrintable(failed.front().at(0).toString()));
    QCOMPARE(edited.size(), 1);
    QCOMPARE(edited.front().at(0).toStringList(), QStringList {real});
    auto store = openStore(root.string());
    QVERIFY(store.ok());
    QVERIFY(store.value()->run(real.toStdString())->tag("k"));
    QVERIFY(!store.value()->run(third.toStdString())->tag("k"));
    QVERIFY(!window.runEditor()->isBusy());
}

void TestRunPanels::readOnlyStoreDisablesEdits()
{
    QWidget parent;
    RunEditor editor(QThreadPool::globalInstance(), &parent);
    auto store = std::make_shared<FakeStore>();
    store->caps = static_cast<Capabilities>(Capability::Registry);
    editor.setStore(store, QStringLiteral("/mnt/ro/mlruns"));
    editor.setTargets({{QStringLiteral("abc"), QStringLiteral("run"), false, {}, {QStringLiteral("t")}}});
    QVERIFY(editor.readOnlyNote().contains(QStringLiteral("read-only")));
    QVERIFY(editor.readOnlyNote().contains(QStringLiteral("/mnt/ro/mlruns")));
    for (QAction* action : editor.actions()) {
        QVERIFY(!action->isEnabled());
        QCOMPARE(action->toolTip(), editor.readOnlyNote());
    }
    // Asked anyway (e.g. from a script), it refuses with the reason and writes nothing.
    QSignalSpy failed(&editor, &RunEditor::editFailed);
    editor.rename(QStringLiteral("abc"), QStringLiteral("x"));
    QCOMPARE(failed.size(), 1);
    QCOMPARE(store->writes, 0);

    // The same store able to write: the actions that fit one active run with a tag are on.
    store->caps |= static_cast<Capabilities>(Capability::WriteRuns);
    editor.setStore(store, QStringLiteral("/tmp/mlruns"));
    editor.setTargets({{QStringLiteral("abc"), QStringLiteral("run"), false, {}, {QStringLiteral("t")}}});
    QVERIFY(editor.readOnlyNote().isEmpty());
    QVERIFY(editor.renameAction()->isEnabled());
    QVERIFY(editor.deleteTagAction()->isEnabled());
    QVERIFY(editor.deleteAction()->isEnabled());
    QVERIFY(!editor.restoreAction()->isEnabled());
}

void TestRunPanels::deletedExperimentsToggle()
{
    MainWindow window;
    openImages(window, kFixture);
    QCOMPARE(window.experimentModel()->rowCount(), 5);

    // The fixture's "to-be-deleted" experiment (deleted by MLflow, in .trash) shows up in italics.
    QSignalSpy listed(window.session(), &StoreSession::experimentsLoaded);
    QSignalSpy counted(window.session(), &StoreSession::runCountsLoaded);
    window.setShowDeletedExperiments(true);
    QVERIFY(listed.wait());
    QCOMPARE(window.experimentModel()->rowCount(), 6);
    const int row = window.experimentModel()->rowOf(QStringLiteral("843118843192616787"));
    QVERIFY(row >= 0);
    const QModelIndex name = window.experimentModel()->index(row, ExperimentListModel::NameColumn);
    QVERIFY(name.data(ExperimentListModel::DeletedRole).toBool());
    QCOMPARE(name.data().toString(), QStringLiteral("to-be-deleted (deleted)"));
    QVERIFY(name.data(Qt::FontRole).value<QFont>().italic());
    // Its runs are counted like any other's, and the runs shown stay as they were.
    QVERIFY(counted.wait());
    auto store = openStore(kFixture.toStdString());
    QVERIFY(store.ok());
    RunQuery query;
    query.experimentIds = {"843118843192616787"};
    auto runs = store.value()->searchRuns(query);
    QVERIFY(runs.ok());
    QCOMPARE(window.experimentModel()
                 ->index(row, ExperimentListModel::RunCountColumn)
                 .data(ExperimentListModel::RunCountRole)
                 .toInt(),
        int(runs->runs.size()));
    QCOMPARE(window.experimentView()->selectedExperimentIds(), QStringList {kImages});

    window.setShowDeletedExperiments(false);
    QVERIFY(listed.wait());
    QCOMPARE(window.experimentModel()->rowCount(), 5);
    QCOMPARE(window.experimentModel()->rowOf(QStringLiteral("843118843192616787")), -1);
}

void TestRunPanels::parallelBrushFiltersTable()
{
    MainWindow window;
    window.show();
    openImages(window, kFixture);
    ParallelCoordinatesView* view = window.parallelPanel()->view();
    QTRY_VERIFY(!view->axes().isEmpty());

    // Brush the upper half of the first numeric axis: the table keeps exactly the runs inside.
    int axis = -1;
    for (int i = 0; i < view->axes().size() && axis < 0; ++i) {
        if (!view->model().axis(i).categorical)
            axis = i;
    }
    QVERIFY(axis >= 0);
    const ParallelAxisSpec spec = view->axes().at(axis);
    const double high = view->model().axis(axis).max;
    const double middle = (view->model().axis(axis).min + high) / 2;
    view->setBrush(axis, AxisBrush {middle, high, false});
    QSet<QString> expected;
    for (const Run& run : window.runModel()->runs()->runs) {
        const std::string key = spec.key.toStdString();
        std::optional<double> value;
        if (spec.kind == ParallelAxisSpec::Kind::Metric) {
            if (const Metric* m = run.metric(key))
                value = m->point.value;
        } else if (const std::string* p = run.param(key)) {
            value = std::stod(*p);
        }
        if (value && *value >= middle && *value <= high)
            expected.insert(QString::fromStdString(run.info.runId));
    }
    QVERIFY(!expected.isEmpty() && expected.size() < 14);
    QCOMPARE(window.runProxy()->rowCount(), int(expected.size()));
    for (int row = 0; row < window.runProxy()->rowCount(); ++row)
        QVERIFY(expected.contains(window.runProxy()->index(row, 0).data(RunTableModel::RunIdRole).toString()));
    QVERIFY(window.parallelPanel()->statusText().contains(QStringLiteral("%1 of 14").arg(expected.size())));

    view->clearBrushes();
    QCOMPARE(window.runProxy()->rowCount(), 14);
}

void TestRunPanels::detailsAndParallelFollowTheSelection()
{
    MainWindow window;
    window.show();
    openImages(window, kFixture);
    ParallelCoordinatesView* view = window.parallelPanel()->view();
    QTRY_COMPARE(view->model().runCount(), 14);
    QCOMPARE(view->model().highlightedCount(), 14); // nothing selected: every run in colour

    // Select all with no current row (Ctrl+A after the selection was cleared): the details follow,
    // showing the first selected run, and every run is drawn in colour.
    window.runView()->selectionModel()->clear();
    window.runView()->selectAll();
    const QString first = window.runProxy()->index(0, 0).data(RunTableModel::RunIdRole).toString();
    QTRY_COMPARE(QString::fromStdString(window.detailsPanel()->shownRunId()), first);
    QCOMPARE(view->model().highlightedCount(), 14);

    // Three selected: those three in their (distinct) run colours, the other eleven in grey.
    selectRows(window, {1, 4, 6});
    QSet<QString> selected;
    for (int row : {1, 4, 6})
        selected << window.runProxy()->index(row, 0).data(RunTableModel::RunIdRole).toString();
    QTRY_COMPARE(view->model().highlightedCount(), 3);
    for (int r = 0; r < view->model().runCount(); ++r) {
        const QString id = view->model().runId(r);
        QCOMPARE(view->model().highlighted(r), selected.contains(id));
        if (selected.contains(id))
            QCOMPARE(view->model().runRgb(r), runColor(id.toStdString()).rgb());
    }
    QVERIFY2(window.parallelPanel()->statusText().contains(QStringLiteral("3 selected of 14")),
        qPrintable(window.parallelPanel()->statusText()));

    // Nothing selected: the details say so instead of keeping a run, the plot colours every run.
    window.runView()->selectionModel()->clearSelection();
    QTRY_VERIFY(window.detailsPanel()->shownRunId().empty());
    QCOMPARE(view->model().highlightedCount(), 14);
}

void TestRunPanels::metricColumnModes()
{
    MainWindow window;
    openImages(window, kFixture);
    RunTableModel* model = window.runModel();
    QVERIFY(model->metricColumnCount() > 0);
    const int column = model->columnCount() - model->tagColumnCount() - model->metricColumnCount();
    QCOMPARE(model->columnAt(column).kind, RunTableModel::ColumnKind::Metric);
    const QString key = model->headerData(column, Qt::Horizontal, RunTableModel::ColumnKeyRole).toString();
    auto store = openStore(kFixture.toStdString());
    QVERIFY(store.ok());

    // Each mode against the statistic picked straight from the store's histories.
    int shown = 0;
    const auto check = [&](MetricStatistic statistic, qint64 step) {
        window.setMetricColumnMode(key, statistic, step);
        QTRY_VERIFY(!model->metricValuesPending(key));
        shown = 0;
        for (int row = 0; row < model->rowCount(); ++row) {
            const Run* run = model->runAt(row);
            const QVariant cell = model->index(row, column).data(RunTableModel::RawValueRole);
            std::optional<MetricPoint> expected;
            if (run->metric(key.toStdString())) {
                auto history = store.value()->metricHistory(run->info.runId, key.toStdString());
                QVERIFY(history.ok());
                expected = pickMetricPoint(*history, statistic, step);
            }
            QCOMPARE(cell.isValid(), expected.has_value());
            if (expected) {
                const double value = cell.toDouble();
                QVERIFY(value == expected->value || (std::isnan(value) && std::isnan(expected->value)));
                ++shown;
            }
        }
    };
    check(MetricStatistic::Min, 0);
    QVERIFY(!QTest::currentTestFailed() && shown > 0);
    QVERIFY(model->headerData(column, Qt::Horizontal).toString().endsWith(QStringLiteral(" min")));
    check(MetricStatistic::Max, 0);
    QVERIFY(!QTest::currentTestFailed() && shown > 0);
    check(MetricStatistic::AtStep, 0);
    QVERIFY(!QTest::currentTestFailed() && shown > 0);
    QCOMPARE(model->headerData(column, Qt::Horizontal).toString(), key + QStringLiteral(" @ step 0"));

    // Back to MLflow's latest value: the store's own, no history read.
    window.setMetricColumnMode(key, MetricStatistic::Latest);
    QVERIFY(!model->metricValuesPending(key));
    QCOMPARE(model->headerData(column, Qt::Horizontal).toString(), key);
    for (int row = 0; row < model->rowCount(); ++row) {
        const Metric* latest = model->runAt(row)->metric(key.toStdString());
        QCOMPARE(model->index(row, column).data(RunTableModel::RawValueRole).isValid(), latest != nullptr);
    }
}

void TestRunPanels::screenshot()
{
    // RUNLENS_SCREENSHOT=/path/file.png RUNLENS_SCREENSHOT_STORE=resources/demo/mlruns: the window
    // as a person sees it with a few runs selected.
    const QString path = qEnvironmentVariable("RUNLENS_SCREENSHOT");
    const QString storePath = qEnvironmentVariable("RUNLENS_SCREENSHOT_STORE");
    if (path.isEmpty() || storePath.isEmpty())
        QSKIP("RUNLENS_SCREENSHOT or RUNLENS_SCREENSHOT_STORE not set");
    MainWindow window;
    window.resize(1600, 1000);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QSignalSpy loaded(window.session(), &StoreSession::runsLoaded);
    window.openStore(storePath);
    QVERIFY(loaded.wait(20000));
    QTRY_VERIFY(window.runProxy()->rowCount() > 4);
    // RUNLENS_SCREENSHOT_EXPERIMENT=<id>: that experiment rather than the one the store opens on.
    if (const QString experiment = qEnvironmentVariable("RUNLENS_SCREENSHOT_EXPERIMENT"); !experiment.isEmpty()) {
        QSignalSpy listed(window.session(), &StoreSession::runsLoaded);
        QVERIFY(window.experimentView()->selectExperiments({experiment}));
        QVERIFY(listed.wait(20000));
        QVERIFY(window.runProxy()->rowCount() > 4);
    }
    window.runView()->sortByColumn(0, Qt::AscendingOrder);
    for (int row = 0; row < 4; ++row)
        window.runView()->selectionModel()->select(
            window.runProxy()->index(row, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
    window.runView()->selectionModel()->setCurrentIndex(window.runProxy()->index(0, 0), QItemSelectionModel::NoUpdate);
    QTRY_COMPARE(window.chartPanel()->runs().size(), 4);
    if (window.chartPanel()->pendingLoads() > 0) {
        QSignalSpy finished(window.chartPanel(), &MetricChartPanel::loadsFinished);
        QVERIFY(finished.wait(20000));
    }
    // Every chart holds every run's history and has drawn it.
    const auto drawn = [&window] {
        for (MetricChartView* chart : window.chartPanel()->charts()) {
            if (chart->isRedrawPending() || chart->redrawCount() == 0 || chart->runs().size() != 4)
                return false;
            for (const ChartRun& run : chart->runs()) {
                if (run.histories.isEmpty())
                    return false;
            }
        }
        return !window.chartPanel()->charts().isEmpty();
    };
    QTRY_VERIFY_WITH_TIMEOUT(drawn(), 20000);
    QVERIFY(window.grab().save(path));
}

QTEST_MAIN(TestRunPanels)
#include "tst_runpanels.moc"
