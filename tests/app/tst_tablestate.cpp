// SPDX-License-Identifier: Apache-2.0
// The runs table keeps what the person arranged, per set of experiments: sort, pinned columns and
// dragged widths survive switching experiments and restarting, each experiment's columns are fitted
// to its own runs, and clearing a filter that narrowed the columns brings them back as they were.
#include "columnlayout.h"
#include "experimentlistview.h"
#include "mainwindow.h"
#include "runsortproxymodel.h"
#include "runtableclicks.h"
#include "runtableheaderview.h"
#include "runtableview.h"
#include "storesession.h"

#include <QApplication>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace runlens;
using runlens::test::clickHeader;

namespace {

const QString kFixture = QStringLiteral(RUNLENS_FIXTURE_DIR "/file/mlruns");
const QString kImages = QStringLiteral("900844674041952973");
const QString kNlp = QStringLiteral("640513601518546733");

QString sortedBy(const RunTableView* view)
{
    const int section = view->horizontalHeader()->sortIndicatorSection();
    return section < 0 ? QString() : ColumnLayout::columnId(*view->model(), section);
}

QString firstVisibleColumn(const RunTableView* view)
{
    const QList<int> visible = view->visibleColumns();
    return visible.isEmpty() ? QString() : ColumnLayout::columnId(*view->model(), visible.first());
}

} // namespace

class TestTableState : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void switchingKeepsSortPinsAndWidths();
    void clearingFilterBringsColumnsBack();

private:
    static void open(MainWindow& window);
    static void select(MainWindow& window, const QString& experimentId, int runs);
};

void TestTableState::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QApplication::setOrganizationName(QStringLiteral("Runlens"));
    QApplication::setApplicationName(QStringLiteral("Runlens-test-tablestate")); // own settings
    qunsetenv("MLFLOW_TRACKING_URI");
}

void TestTableState::init()
{
    QSettings().clear();
}

void TestTableState::open(MainWindow& window)
{
    window.resize(1400, 900);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QSignalSpy counts(window.session(), &StoreSession::runCountsLoaded);
    window.openStore(kFixture);
    QVERIFY(counts.wait());
}

void TestTableState::select(MainWindow& window, const QString& experimentId, int runs)
{
    QVERIFY(window.experimentView()->selectExperiments({experimentId}));
    QTRY_COMPARE(window.experimentView()->selectedExperimentIds(), QStringList {experimentId});
    QTRY_COMPARE(window.runProxy()->rowCount(), runs);
}

void TestTableState::switchingKeepsSortPinsAndWidths()
{
    const QString fold = QStringLiteral("param:fold");
    Qt::SortOrder f1Order {};
    {
        MainWindow window;
        open(window);
        select(window, kNlp, 5);
        RunTableView* view = window.runView();
        QCOMPARE(sortedBy(view), QStringLiteral("run:start")); // newest first, as MLflow lists runs

        // The person sorts by f1 with a click, pins the model param and drags the fold column wider.
        clickHeader(view, ColumnLayout::columnOf(*view->model(), QStringLiteral("metric:f1")));
        QCOMPARE(sortedBy(view), QStringLiteral("metric:f1"));
        f1Order = view->horizontalHeader()->sortIndicatorOrder();
        ColumnLayout layout = view->columnLayout();
        layout.pinned = {QStringLiteral("param:model")};
        view->changeColumnLayout(layout);
        view->horizontalHeader()->resizeSection(ColumnLayout::columnOf(*view->model(), fold), 211);
        QCOMPARE(firstVisibleColumn(view), QStringLiteral("param:model"));

        // Another experiment has its own arrangement (none yet), and its names are not cut short to
        // the width the first experiment's short names needed.
        select(window, kImages, 14);
        QCOMPARE(sortedBy(view), QStringLiteral("run:start"));
        QCOMPARE(view->horizontalHeader()->sortIndicatorOrder(), Qt::DescendingOrder);
        QCOMPARE(firstVisibleColumn(view), QStringLiteral("run:name"));
        QVERIFY2(view->columnWidth(0) >= view->fontMetrics().horizontalAdvance(QStringLiteral("resnet50-baseline")),
            qPrintable(QString::number(view->columnWidth(0))));
        clickHeader(view, ColumnLayout::columnOf(*view->model(), QStringLiteral("param:lr")));
        QCOMPARE(sortedBy(view), QStringLiteral("param:lr"));

        // Back to the first: as the person left it.
        select(window, kNlp, 5);
        QCOMPARE(sortedBy(view), QStringLiteral("metric:f1"));
        QCOMPARE(view->horizontalHeader()->sortIndicatorOrder(), f1Order);
        QCOMPARE(firstVisibleColumn(view), QStringLiteral("param:model"));
        QCOMPARE(view->columnWidth(ColumnLayout::columnOf(*view->model(), fold)), 211);
        window.close();
    }

    // And after a restart, which reopens the experiment last looked at.
    MainWindow again;
    open(again);
    QTRY_COMPARE(again.runProxy()->rowCount(), 5);
    RunTableView* view = again.runView();
    QCOMPARE(sortedBy(view), QStringLiteral("metric:f1"));
    QCOMPARE(view->horizontalHeader()->sortIndicatorOrder(), f1Order);
    QCOMPARE(firstVisibleColumn(view), QStringLiteral("param:model"));
    QCOMPARE(view->columnWidth(ColumnLayout::columnOf(*view->model(), fold)), 211);
    select(again, kImages, 14);
    QCOMPARE(sortedBy(view), QStringLiteral("param:lr"));
}

void TestTableState::clearingFilterBringsColumnsBack()
{
    MainWindow window;
    open(window);
    select(window, kImages, 14);
    RunTableView* view = window.runView();
    ColumnLayout layout = view->columnLayout();
    layout.hidden = {QStringLiteral("param:optimizer"), QStringLiteral("metric:lr")};
    view->changeColumnLayout(layout);
    const QAbstractItemModel* model = view->model();
    QHash<QString, int> widths;
    QStringList hidden;
    QStringList shown;
    for (int c = 0; c < model->columnCount(); ++c) {
        const QString id = ColumnLayout::columnId(*model, c);
        (view->isColumnHidden(c) ? hidden : shown) << id;
        widths.insert(id, view->columnWidth(c));
    }
    QCOMPARE(hidden, layout.hidden);

    // A filter leaves one run, so most columns go; clearing it brings all of them back.
    QSignalSpy loaded(window.session(), &StoreSession::runsLoaded);
    QVERIFY(window.setRunFilter(QStringLiteral("attributes.run_name = 'trial-0'")));
    QVERIFY(loaded.wait());
    QCOMPARE(window.runProxy()->rowCount(), 1);
    QVERIFY(model->columnCount() < widths.size());
    loaded.clear();
    QVERIFY(window.setRunFilter(QString()));
    QVERIFY(loaded.wait());
    QCOMPARE(window.runProxy()->rowCount(), 14);
    QCOMPARE(model->columnCount(), widths.size());
    QStringList hiddenAfter;
    QStringList shownAfter;
    for (int c = 0; c < model->columnCount(); ++c) {
        const QString id = ColumnLayout::columnId(*model, c);
        (view->isColumnHidden(c) ? hiddenAfter : shownAfter) << id;
        QVERIFY2(view->isColumnHidden(c) || view->columnWidth(c) == widths.value(id),
            qPrintable(QStringLiteral("%1: %2 px, was %3 px").arg(id).arg(view->columnWidth(c)).arg(widths.value(id))));
    }
    QCOMPARE(hiddenAfter, hidden);
    QCOMPARE(shownAfter, shown);
}

QTEST_MAIN(TestTableState)
#include "tst_tablestate.moc"
