// SPDX-License-Identifier: Apache-2.0
#include "runsortproxymodel.h"
#include "runtablemodel.h"
#include "runtableview.h"
#include "storefactory.h"

#include <QAbstractItemModelTester>

#include <QHeaderView>
#include <QScrollBar>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

#include <algorithm>

using namespace runlens;

namespace {

RunListSnapshot loadRuns(Store& store, const std::string& experimentId)
{
    RunQuery query;
    query.experimentIds = {experimentId};
    auto result = store.searchRuns(query);
    return result ? std::make_shared<const RunList>(std::move(result.value())) : nullptr;
}

QString selectedRunId(const RunTableView& view)
{
    const QModelIndexList rows = view.selectionModel()->selectedRows();
    return rows.size() == 1 ? rows.front().data(RunTableModel::RunIdRole).toString() : QString();
}

} // namespace

class TestRunRefresh : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void refreshUpdatesInPlace();
    void newColumnsInsertInPlace();
    void scatteredRemovalsAreOneLayoutChange();
};

void TestRunRefresh::refreshUpdatesInPlace()
{
    QStandardPaths::setTestModeEnabled(true);
    auto store = openStore(RUNLENS_FIXTURE_DIR "/file/mlruns");
    QVERIFY(store.ok());
    const RunListSnapshot images = loadRuns(*store.value(), "900844674041952973");
    QVERIFY(images && images->runs.size() == 14);

    RunTableModel model;
    QAbstractItemModelTester tester(&model);
    RunSortProxyModel proxy;
    proxy.setSourceModel(&model);
    model.setRuns(images);
    RunTableView view;
    view.setModel(&proxy);
    view.resize(700, 200);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));

    const int loss = model.columnOf(RunTableModel::ColumnKind::Metric, QStringLiteral("loss"));
    QVERIFY(loss > 0);
    view.sortByColumn(loss, Qt::AscendingOrder);
    view.selectRow(3);
    const QString selected = selectedRunId(view);
    QVERIFY(!selected.isEmpty());
    view.verticalScrollBar()->setValue(view.verticalScrollBar()->maximum());
    const int scroll = view.verticalScrollBar()->value();

    // The next poll: one run logged a smaller loss, one run is gone, one is new.
    auto next = std::make_shared<RunList>(*images);
    Run* changed = nullptr;
    for (Run& run : next->runs) {
        for (Metric& m : run.metrics) {
            if (m.key == "loss" && !changed && QString::fromStdString(run.info.runId) != selected) {
                m.point.value = -1.0;
                m.point.step += 1;
                changed = &run;
            }
        }
    }
    QVERIFY(changed);
    const std::string changedId = changed->info.runId;
    std::string removedId;
    for (auto it = next->runs.begin(); it != next->runs.end(); ++it) {
        if (QString::fromStdString(it->info.runId) != selected && it->info.runId != changedId) {
            removedId = it->info.runId;
            next->runs.erase(it);
            break;
        }
    }
    Run added = next->runs.front();
    added.info.runId = "0000000000000000000000000000new1";
    added.info.runName = "fresh-run";
    next->runs.push_back(added);

    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QSignalSpy changedSpy(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    model.setRuns(next);
    QCOMPARE(reset.count(), 0);
    QCOMPARE(removed.count(), 1);
    QCOMPARE(inserted.count(), 1);
    QVERIFY(changedSpy.count() >= 1);
    QCOMPARE(model.rowCount(), 14);

    // Selection, sort and scroll survive; the changed run moved to the top of the ascending sort.
    QCOMPARE(selectedRunId(view), selected);
    QCOMPARE(view.horizontalHeader()->sortIndicatorSection(), loss);
    QCOMPARE(view.horizontalHeader()->sortIndicatorOrder(), Qt::AscendingOrder);
    QCOMPARE(proxy.index(0, 0).data(RunTableModel::RunIdRole).toString(), QString::fromStdString(changedId));
    QCOMPARE(view.verticalScrollBar()->value(), scroll);
    bool foundNew = false;
    for (int row = 0; row < proxy.rowCount(); ++row) {
        const QString id = proxy.index(row, 0).data(RunTableModel::RunIdRole).toString();
        QVERIFY(id != QString::fromStdString(removedId));
        foundNew = foundNew || id == QStringLiteral("0000000000000000000000000000new1");
    }
    QVERIFY(foundNew);
}

void TestRunRefresh::newColumnsInsertInPlace()
{
    auto store = openStore(RUNLENS_FIXTURE_DIR "/file/mlruns");
    QVERIFY(store.ok());
    const RunListSnapshot images = loadRuns(*store.value(), "900844674041952973");
    QVERIFY(images);
    RunTableModel model;
    QAbstractItemModelTester tester(&model);
    RunSortProxyModel proxy;
    proxy.setSourceModel(&model);
    model.setRuns(images);
    RunTableView view;
    view.setModel(&proxy);
    view.selectRow(2);
    const QString selected = selectedRunId(view);
    QVERIFY(!selected.isEmpty());
    const int columns = model.columnCount();

    // A running run logs its first value of a new metric and a new param: two columns appear in
    // their sorted places, nothing is reset and the selection stays.
    auto next = std::make_shared<RunList>(*images);
    Run& first = next->runs.front();
    first.params.push_back({"aaa_new_param", "1"});
    std::sort(
        first.params.begin(), first.params.end(), [](const KeyValue& a, const KeyValue& b) { return a.key < b.key; });
    Metric fresh;
    fresh.key = "zzz_new_metric";
    fresh.point.value = 0.5;
    first.metrics.push_back(fresh);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QSignalSpy inserted(&model, &QAbstractItemModel::columnsInserted);
    model.setRuns(next);
    QCOMPARE(reset.count(), 0);
    QCOMPARE(inserted.count(), 2);
    QCOMPARE(model.columnCount(), columns + 2);
    const int param = model.columnOf(RunTableModel::ColumnKind::Param, QStringLiteral("aaa_new_param"));
    const int metric = model.columnOf(RunTableModel::ColumnKind::Metric, QStringLiteral("zzz_new_metric"));
    QCOMPARE(
        param, model.columnCount() - model.tagColumnCount() - model.metricColumnCount() - model.paramColumnCount());
    QVERIFY(metric >= model.columnCount() - model.tagColumnCount() - model.metricColumnCount());
    QVERIFY(metric < model.columnCount() - model.tagColumnCount());
    // Every key still in the order a fresh load gives (the fixture has keys sorting after "zzz").
    for (int c = 1; c < model.columnCount(); ++c) {
        const auto& a = model.columnAt(c - 1);
        const auto& b = model.columnAt(c);
        QVERIFY(a.kind < b.kind || (a.kind == b.kind && a.key <= b.key));
    }
    QCOMPARE(model.index(0, param).data().toString(), QStringLiteral("1"));
    QCOMPARE(model.index(0, metric).data(RunTableModel::RawValueRole).toDouble(), 0.5);
    QCOMPARE(selectedRunId(view), selected);

    // The next poll no longer has them: the columns go the same way.
    QSignalSpy removed(&model, &QAbstractItemModel::columnsRemoved);
    model.setRuns(images);
    QCOMPARE(reset.count(), 0);
    QCOMPARE(removed.count(), 2);
    QCOMPARE(model.columnCount(), columns);
    QCOMPARE(model.columnOf(RunTableModel::ColumnKind::Param, QStringLiteral("aaa_new_param")), -1);
    QCOMPARE(selectedRunId(view), selected);
}

void TestRunRefresh::scatteredRemovalsAreOneLayoutChange()
{
    // 4,000 runs (the fixture's, with fresh ids), then a filter keeps every third: thousands of
    // scattered removals arrive as one layout change; the selected runs that remain stay selected,
    // the sort holds, and proxy and view agree with the model.
    auto store = openStore(RUNLENS_FIXTURE_DIR "/file/mlruns");
    QVERIFY(store.ok());
    const RunListSnapshot images = loadRuns(*store.value(), "900844674041952973");
    QVERIFY(images);
    auto many = std::make_shared<RunList>();
    for (int i = 0; i < 4000; ++i) {
        Run run = images->runs[std::size_t(i) % images->runs.size()];
        run.info.runId = QStringLiteral("%1").arg(i, 32, 10, QLatin1Char('0')).toStdString();
        run.info.runName = "run-" + std::to_string(i);
        many->runs.push_back(std::move(run));
    }
    RunTableModel model;
    QAbstractItemModelTester tester(&model);
    RunSortProxyModel proxy;
    QAbstractItemModelTester proxyTester(&proxy);
    proxy.setSourceModel(&model);
    model.setRuns(many);
    RunTableView view;
    view.setModel(&proxy);
    view.sortByColumn(0, Qt::DescendingOrder);
    // Select ten runs, some of which the filter keeps.
    for (int row = 0; row < 10; ++row)
        view.selectionModel()->select(proxy.index(row * 7, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
    QSet<QString> selected;
    for (const QModelIndex& index : view.selectionModel()->selectedRows())
        selected.insert(index.data(RunTableModel::RunIdRole).toString());
    QCOMPARE(selected.size(), 10);

    auto kept = std::make_shared<RunList>();
    QSet<QString> keptIds;
    for (std::size_t i = 0; i < many->runs.size(); i += 3) {
        kept->runs.push_back(many->runs[i]);
        keptIds.insert(QString::fromStdString(many->runs[i].info.runId));
    }
    QSignalSpy layout(&model, &QAbstractItemModel::layoutChanged);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    model.setRuns(kept);
    QCOMPARE(layout.count(), 1);
    QCOMPARE(removed.count(), 0);
    QCOMPARE(reset.count(), 0);
    QCOMPARE(model.rowCount(), int(kept->runs.size()));
    QCOMPARE(proxy.rowCount(), int(kept->runs.size()));
    QSet<QString> shown;
    for (int row = 0; row < proxy.rowCount(); ++row) {
        shown.insert(proxy.index(row, 0).data(RunTableModel::RunIdRole).toString());
        if (row > 0) // still sorted by name, descending
            QVERIFY(proxy.compareValues(proxy.index(row - 1, 0).data(RunTableModel::SortRole),
                        proxy.index(row, 0).data(RunTableModel::SortRole))
                >= 0);
    }
    QCOMPARE(shown, keptIds);
    QSet<QString> stillSelected;
    for (const QModelIndex& index : view.selectionModel()->selectedRows())
        stillSelected.insert(index.data(RunTableModel::RunIdRole).toString());
    QCOMPARE(stillSelected, selected & keptIds);
    QVERIFY(!stillSelected.isEmpty());

    // And back (the filter cleared): the runs return in one layout change too, sorted into place.
    layout.clear();
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    model.setRuns(many);
    QCOMPARE(layout.count(), 1);
    QCOMPARE(inserted.count(), 0);
    QCOMPARE(reset.count(), 0);
    QCOMPARE(proxy.rowCount(), 4000);
    stillSelected.clear();
    for (const QModelIndex& index : view.selectionModel()->selectedRows())
        stillSelected.insert(index.data(RunTableModel::RunIdRole).toString());
    QCOMPARE(stillSelected, selected & keptIds);
    for (int row = 1; row < proxy.rowCount(); ++row)
        QVERIFY(proxy.compareValues(proxy.index(row - 1, 0).data(RunTableModel::SortRole),
                    proxy.index(row, 0).data(RunTableModel::SortRole))
            >= 0);
}

QTEST_MAIN(TestRunRefresh)
#include "tst_runrefresh.moc"
