// SPDX-License-Identifier: Apache-2.0
// On the Models tab, the selected logged models feed the panels made for runs: charts (each
// model metric and dataset, every logged point), compare, the scatter highlight, and parallel
// coordinates, whose brushes narrow the Models table. Back on Runs, the panels show runs again.
// On the sqlite store MLflow 3.6 wrote (tests/data/mlflow-3.6).
#include "experimentlistview.h"
#include "loggedmodelspanel.h"
#include "loggedmodeltablemodel.h"
#include "mainwindow.h"
#include "metricchartpanel.h"
#include "parallelcoordinatespanel.h"
#include "parallelcoordinatesview.h"
#include "rundiffmodel.h"
#include "rundiffview.h"
#include "runsortproxymodel.h"
#include "scatterpanel.h"
#include "scatterplotview.h"
#include "storesession.h"

#include <QApplication>
#include <QItemSelectionModel>
#include <QSettings>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTest>

using namespace runlens;

namespace {

const QString kStore = QStringLiteral(RUNLENS_FIXTURE_DIR "/mlflow3/sqlite/mlflow.db");
const QString kImages = QStringLiteral("1"); // image-classification: resnet-ft and resnet-pyfunc
const QString kResnetFt = QStringLiteral("m-589cf8e489b4479e8668ae729b36a54e");
const QString kResnetPyfunc = QStringLiteral("m-e7327c509fbc40e8a37216ab4c28786d");
const QString kEvalAccuracy = QStringLiteral("accuracy (cifar10-eval)");

} // namespace

class TestModelPanels : public QObject
{
    Q_OBJECT

    void openOnModels(MainWindow& window)
    {
        QSignalSpy counts(window.session(), &StoreSession::runCountsLoaded);
        window.openStore(kStore);
        QVERIFY(counts.wait());
        QVERIFY(window.experimentView()->selectExperiments({kImages}));
        QTRY_COMPARE(window.runProxy()->rowCount(), 6);
        window.mainTabs()->setCurrentWidget(window.loggedModelsPanel());
        QTRY_COMPARE(window.loggedModelsPanel()->proxy()->rowCount(), 2);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QApplication::setOrganizationName(QStringLiteral("Runlens"));
        QApplication::setApplicationName(QStringLiteral("Runlens-test-models")); // own settings
        qunsetenv("MLFLOW_TRACKING_URI");
    }

    void init() { QSettings().clear(); }

    void selectedModelsFeedThePanels()
    {
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        openOnModels(window);
        LoggedModelsPanel* models = window.loggedModelsPanel();
        models->table()->selectAll();

        const QList<ChartRun>& charted = window.chartPanel()->runs();
        QCOMPARE(charted.size(), 2);
        const auto ft
            = std::find_if(charted.begin(), charted.end(), [](const ChartRun& r) { return r.runId == kResnetFt; });
        QVERIFY(ft != charted.end());
        QCOMPARE(ft->name, QStringLiteral("resnet-ft"));
        QVERIFY(ft->metricKeys.contains(kEvalAccuracy));
        // Every value the sqlite store logged for it, not only the latest.
        const HistoryPtr history = ft->histories.value(kEvalAccuracy);
        QVERIFY(history);
        QCOMPARE(history->size(), std::size_t(2));
        QCOMPARE((*history)[0].value, 0.88);
        QCOMPARE((*history)[1].value, 0.91);
        QCOMPARE((*history)[1].step, std::int64_t(1));

        QCOMPARE(window.diffView()->model()->columnCount(), 2);
        QCOMPARE(window.scatterPanel()->view()->highlightedRuns(), (QSet<QString> {kResnetFt, kResnetPyfunc}));

        // Parallel coordinates place the two models, with an axis per model metric and dataset.
        ParallelCoordinatesView* parallel = window.parallelPanel()->view();
        QTRY_COMPARE(parallel->model().runCount(), 2);
        QTRY_VERIFY(!parallel->runsPending());

        // Back on Runs, the panels show runs: none selected, six placed.
        window.mainTabs()->setCurrentIndex(0);
        QCOMPARE(window.chartPanel()->runs().size(), 0);
        QTRY_COMPARE(parallel->model().runCount(), 6);
        window.mainTabs()->setCurrentWidget(models);
        QCOMPARE(window.chartPanel()->runs().size(), 2);
    }

    void parallelBrushNarrowsTheModels()
    {
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        openOnModels(window);
        ParallelCoordinatesView* view = window.parallelPanel()->view();
        QTRY_COMPARE(view->model().runCount(), 2);
        QTRY_VERIFY(!view->runsPending());
        view->setAxes({ParallelAxisSpec {ParallelAxisSpec::Kind::Metric, kEvalAccuracy}});
        QCOMPARE(view->axes().size(), 1);
        // resnet-ft's latest eval accuracy is 0.91, resnet-pyfunc's 0.81.
        view->setBrush(0, AxisBrush {0.9, 1.0, false});
        QSortFilterProxyModel* rows = window.loggedModelsPanel()->proxy();
        QCOMPARE(rows->rowCount(), 1);
        QCOMPARE(rows->index(0, LoggedModelTableModel::NameColumn).data().toString(), QStringLiteral("resnet-ft"));
        QCOMPARE(window.runProxy()->rowCount(), 6); // the runs table is not narrowed
        view->clearBrushes();
        QCOMPARE(rows->rowCount(), 2);
    }
};

QTEST_MAIN(TestModelPanels)
#include "tst_modelpanels.moc"
