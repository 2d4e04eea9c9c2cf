// SPDX-License-Identifier: Apache-2.0
#include "experimentlistmodel.h"
#include "experimentlistview.h"
#include "runnamedelegate.h"
#include "runsortproxymodel.h"
#include "runtableheaderview.h"
#include "runtablemodel.h"
#include "runtableview.h"
#include "storefactory.h"
#include "taskprogresswidget.h"

#include <QAction>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QToolButton>

using namespace runlens;

namespace {

RunListSnapshot loadRuns(Store& store, const std::string& experimentId)
{
    RunQuery query;
    query.experimentIds = {experimentId};
    auto result = store.searchRuns(query);
    return result ? std::make_shared<const RunList>(std::move(result.value())) : nullptr;
}

// A runs table as the window has it: the model, its sorting proxy (nested runs as a tree or not),
// and the view.
struct RunTable
{
    RunTableModel model;
    RunSortProxyModel proxy;
    RunTableView view;

    explicit RunTable(const RunListSnapshot& runs, bool nested = false)
    {
        proxy.setSourceModel(&model);
        if (nested)
            proxy.setNestedRuns(true);
        model.setRuns(runs);
        view.setModel(&proxy);
    }

    /** Shows the view at this size; false when it was never exposed. */
    bool show(int width, int height)
    {
        view.resize(width, height);
        view.show();
        return QTest::qWaitForWindowExposed(&view);
    }
};

} // namespace

class TestRunTableView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void headerShowsGroupBand();
    void sortIsKeptAcrossResetsByKey();
    void ascendingArrowPointsUp();
    void fittedColumnsStayReadable();
    void experimentViewSpeaksIds();
    void progressWidgetCancels();
    void branchArrowClickToggles();
    void leftRightKeysWalkTheTree();
    void expandAndCollapseAllActions();

private:
    std::unique_ptr<Store> m_store;
    RunListSnapshot m_images;
    RunListSnapshot m_nlp;
};

void TestRunTableView::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    auto store = openStore(RUNLENS_FIXTURE_DIR "/file/mlruns");
    QVERIFY(store.ok());
    m_store = std::move(store.value());
    m_images = loadRuns(*m_store, "900844674041952973");
    m_nlp = loadRuns(*m_store, "640513601518546733");
    QVERIFY(m_images && m_nlp);
}

void TestRunTableView::headerShowsGroupBand()
{
    RunTable table(m_images);
    QVERIFY(table.show(900, 400));
    RunSortProxyModel& proxy = table.proxy;
    RunTableView& view = table.view;

    QHeaderView plain(Qt::Horizontal);
    plain.setModel(&proxy);
    QVERIFY(view.runHeader()->bandHeight() > 0);
    QCOMPARE(view.runHeader()->sizeHint().height(), plain.sizeHint().height() + view.runHeader()->bandHeight());
    // Painting the band must not disturb the header's own painting; grab it to run paintEvent.
    const QPixmap shot = view.runHeader()->grab();
    QVERIFY(!shot.isNull());
}

void TestRunTableView::sortIsKeptAcrossResetsByKey()
{
    RunTable table(m_images);
    RunTableModel& model = table.model;
    RunSortProxyModel& proxy = table.proxy;
    RunTableView& view = table.view;

    // The first load is newest first, as MLflow lists runs.
    const int start = model.columnOf(RunTableModel::ColumnKind::Start);
    QCOMPARE(view.horizontalHeader()->sortIndicatorSection(), start);
    QCOMPARE(view.horizontalHeader()->sortIndicatorOrder(), Qt::DescendingOrder);
    QCOMPARE(proxy.index(0, 0).data().toString(), QStringLiteral("brawny-bass-628"));

    // Sort by the "lr" param, then load runs whose columns sit elsewhere: the sort follows the key.
    const int lrImages = model.columnOf(RunTableModel::ColumnKind::Param, QStringLiteral("lr"));
    view.sortByColumn(lrImages, Qt::AscendingOrder);
    model.setRuns(m_nlp);
    const int lrNlp = model.columnOf(RunTableModel::ColumnKind::Param, QStringLiteral("lr"));
    QVERIFY(lrNlp != lrImages);
    QCOMPARE(view.horizontalHeader()->sortIndicatorSection(), lrNlp);
    QCOMPARE(proxy.index(0, lrNlp).data().toString(), QStringLiteral("1e-06"));

    // A key the new runs lack falls back to the store's order.
    view.sortByColumn(model.columnOf(RunTableModel::ColumnKind::Metric, QStringLiteral("f1")), Qt::DescendingOrder);
    model.setRuns(m_images);
    QCOMPARE(view.horizontalHeader()->sortIndicatorSection(), -1);
    QCOMPARE(proxy.index(0, 0).data().toString(), QString::fromStdString(m_images->runs.front().info.runName));
}

namespace {

// The ink of a sort arrow in its upper and lower half: the arrow is where the header sorted one way
// differs from the same header sorted the other way (title and background are the same in both).
std::pair<int, int> arrowInk(const QImage& arrow, const QImage& otherWay)
{
    QRect box;
    for (int y = 0; y < arrow.height(); ++y) {
        for (int x = 0; x < arrow.width(); ++x) {
            if (arrow.pixel(x, y) != otherWay.pixel(x, y))
                box |= QRect(x, y, 1, 1);
        }
    }
    int upper = 0;
    int lower = 0;
    for (int y = box.top(); y <= box.bottom(); ++y) {
        for (int x = box.left(); x <= box.right(); ++x)
            (2 * (y - box.top()) < box.height() ? upper : lower) += 255 - qGray(arrow.pixel(x, y));
    }
    return {upper, lower};
}

} // namespace

void TestRunTableView::ascendingArrowPointsUp()
{
    RunTable table(m_nlp);
    QVERIFY(table.show(1000, 300));
    RunTableModel& model = table.model;
    RunTableView& view = table.view;
    RunTableHeaderView* header = view.runHeader();
    const int f1 = model.columnOf(RunTableModel::ColumnKind::Metric, QStringLiteral("f1"));
    header->resizeSection(f1, 200); // room for title and arrow, so nothing but the arrow changes
    const QRect section(header->sectionViewportPosition(f1), header->bandHeight(), header->sectionSize(f1),
        header->height() - header->bandHeight());
    const auto grab = [&] { return header->viewport()->grab(section).toImage(); };

    view.sortByColumn(f1, Qt::AscendingOrder);
    const QImage ascending = grab();
    view.sortByColumn(f1, Qt::DescendingOrder);
    const QImage descending = grab();
    const auto [ascUpper, ascLower] = arrowInk(ascending, descending);
    const auto [descUpper, descLower] = arrowInk(descending, ascending);
    // As in MLflow: ascending points up (the narrow tip, less ink, on top), descending down.
    QVERIFY2(ascUpper < ascLower, qPrintable(QStringLiteral("ink %1 above, %2 below").arg(ascUpper).arg(ascLower)));
    QVERIFY2(descUpper > descLower, qPrintable(QStringLiteral("ink %1 above, %2 below").arg(descUpper).arg(descLower)));
}

void TestRunTableView::fittedColumnsStayReadable()
{
    RunTable table(m_images);
    QVERIFY(table.show(1200, 500));
    RunTableModel& model = table.model;
    RunTableView& view = table.view;
    for (int c = 0; c < model.columnCount(); ++c) {
        QVERIFY2(view.columnWidth(c) <= RunTableView::kMaxFittedWidth, qPrintable(model.columnAt(c).title));
        QVERIFY2(
            view.columnWidth(c) >= view.horizontalHeader()->minimumSectionSize(), qPrintable(model.columnAt(c).title));
    }
    // The long param (a run of x's) is capped; the run name column fits "Überlauf-✓-测试 run".
    const int longValue = model.columnOf(RunTableModel::ColumnKind::Param, QStringLiteral("long_value"));
    QCOMPARE(view.columnWidth(longValue), RunTableView::kMaxFittedWidth);
    QVERIFY(view.columnWidth(0) >= view.fontMetrics().horizontalAdvance(QStringLiteral("Überlauf-✓-测试 run")));
}

void TestRunTableView::experimentViewSpeaksIds()
{
    auto experiments = m_store->experiments(ViewType::ActiveOnly);
    QVERIFY(experiments.ok());
    ExperimentListModel model;
    model.setExperiments(std::make_shared<const ExperimentList>(std::move(experiments.value())));
    ExperimentListView view;
    view.setIdRole(ExperimentListModel::ExperimentIdRole);
    view.setModel(&model);
    QSignalSpy changed(&view, &ExperimentListView::experimentSelectionChanged);

    QVERIFY(view.selectExperiments({QStringLiteral("0"), QStringLiteral("900844674041952973")}));
    QCOMPARE(changed.count(), 1);
    // Display order, whatever order they were asked in.
    QCOMPARE(view.selectedExperimentIds(), (QStringList {QStringLiteral("900844674041952973"), QStringLiteral("0")}));
    QVERIFY(view.selectExperiments({QStringLiteral("900844674041952973"), QStringLiteral("0")}));
    QCOMPARE(changed.count(), 1); // same set: no signal
    QVERIFY(!view.selectExperiments({QStringLiteral("nope")}));

    model.clear();
    QCOMPARE(changed.count(), 2);
    QVERIFY(changed.at(1).at(0).toStringList().isEmpty());
}

void TestRunTableView::progressWidgetCancels()
{
    TaskProgressWidget progress;
    QSignalSpy cancel(&progress, &TaskProgressWidget::cancelRequested);
    progress.start(QStringLiteral("Loading"));
    QVERIFY(!progress.isHidden());
    progress.setProgress(5, 10);
    QTest::mouseClick(progress.cancelButton(), Qt::LeftButton);
    QCOMPARE(cancel.count(), 1);
    progress.finish();
    QVERIFY(progress.isHidden());
}

namespace {

const QString kSweep = QStringLiteral("ffdcfc59b6b64c2b8659aed1362b3cab"); // hpo-sweep, parent of trial-0..2

int rowOf(const QAbstractItemModel& model, const QString& runId)
{
    for (int row = 0; row < model.rowCount(); ++row) {
        if (model.index(row, 0).data(RunTableModel::RunIdRole).toString() == runId)
            return row;
    }
    return -1;
}

} // namespace

void TestRunTableView::branchArrowClickToggles()
{
    RunTable table(m_images);
    QVERIFY(table.show(900, 500));
    RunSortProxyModel& proxy = table.proxy;
    RunTableView& view = table.view;

    // Flat: no arrow anywhere.
    int sweep = rowOf(proxy, kSweep);
    QVERIFY(sweep >= 0);
    QModelIndex index = proxy.index(sweep, 0);
    QVERIFY(view.nameDelegate()->branchRect(view.visualRect(index), index, &view).isEmpty());

    proxy.setNestedRuns(true);
    sweep = rowOf(proxy, kSweep);
    index = proxy.index(sweep, 0);
    const QRect arrow = view.nameDelegate()->branchRect(view.visualRect(index), index, &view);
    QVERIFY(!arrow.isEmpty());
    QVERIFY(view.visualRect(index).contains(arrow));
    // A child's name starts one level further right than its parent's.
    const QModelIndex child = proxy.index(sweep + 1, 0);
    QCOMPARE(child.data(RunTableModel::DepthRole).toInt(), 1);
    const QRect childSlot = view.nameDelegate()->branchRect(view.visualRect(child), child, &view);
    QCOMPARE(childSlot.left() - arrow.left(), RunNameDelegate::indentation(&view));

    QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, arrow.center());
    QVERIFY(!proxy.isExpanded(kSweep));
    QCOMPARE(proxy.rowCount(), 11);
    QVERIFY(view.selectedRows().isEmpty()); // the arrow toggles; it does not select

    sweep = rowOf(proxy, kSweep);
    index = proxy.index(sweep, 0);
    QTest::mouseClick(view.viewport(), Qt::LeftButton, {},
        view.nameDelegate()->branchRect(view.visualRect(index), index, &view).center());
    QVERIFY(proxy.isExpanded(kSweep));
    QCOMPARE(proxy.rowCount(), 14);

    // A click on the name selects the run and toggles nothing.
    sweep = rowOf(proxy, kSweep);
    QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, view.visualRect(proxy.index(sweep, 0)).center());
    QCOMPARE(view.selectedRows(), QList<int> {sweep});
    QCOMPARE(proxy.rowCount(), 14);
}

void TestRunTableView::leftRightKeysWalkTheTree()
{
    RunTable table(m_images, true);
    QVERIFY(table.show(900, 500));
    RunSortProxyModel& proxy = table.proxy;
    RunTableView& view = table.view;
    view.setFocus();

    int sweep = rowOf(proxy, kSweep);
    view.selectionModel()->setCurrentIndex(
        proxy.index(sweep, 0), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    QTest::keyClick(&view, Qt::Key_Left);
    QVERIFY(!proxy.isExpanded(kSweep));
    QCOMPARE(proxy.rowCount(), 11);
    QCOMPARE(view.currentIndex().data(RunTableModel::RunIdRole).toString(), kSweep); // stays on the parent
    QTest::keyClick(&view, Qt::Key_Right);
    QVERIFY(proxy.isExpanded(kSweep));
    QCOMPARE(proxy.rowCount(), 14);

    // Right on an open parent goes to its first child; Left there goes back up to the parent.
    QTest::keyClick(&view, Qt::Key_Right);
    sweep = rowOf(proxy, kSweep);
    QCOMPARE(view.currentIndex().row(), sweep + 1);
    QCOMPARE(view.currentIndex().data(RunTableModel::ParentRunIdRole).toString(), kSweep);
    QCOMPARE(view.selectedRows(), QList<int> {sweep + 1});
    QTest::keyClick(&view, Qt::Key_Left);
    QCOMPARE(view.currentIndex().data(RunTableModel::RunIdRole).toString(), kSweep);
    QVERIFY(proxy.isExpanded(kSweep)); // moving up closes nothing
}

void TestRunTableView::expandAndCollapseAllActions()
{
    RunTable table(m_images);
    RunSortProxyModel& proxy = table.proxy;
    RunTableView& view = table.view;
    QVERIFY(!view.collapseAllAction()->isEnabled());
    proxy.setNestedRuns(true);
    QVERIFY(view.collapseAllAction()->isEnabled());
    QVERIFY(view.expandAllAction()->isEnabled());
    QVERIFY(view.actions().contains(view.collapseAllAction()));
    QCOMPARE(view.collapseAllAction()->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Left));

    view.collapseAllAction()->trigger();
    QCOMPARE(proxy.rowCount(), 11);
    QVERIFY(!proxy.isExpanded(kSweep));
    view.expandAllAction()->trigger();
    QCOMPARE(proxy.rowCount(), 14);
    proxy.setNestedRuns(false);
    QVERIFY(!view.expandAllAction()->isEnabled());
}

QTEST_MAIN(TestRunTableView)
#include "tst_runtableview.moc"
