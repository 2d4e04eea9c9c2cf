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
    void newColumnsStillReset();
};

void TestRunRefresh::refreshUpdatesInPlace()
{
    QSKIP("Known failure, open in the run browser issue: this case has never passed yet");
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

void TestRunRefresh::newColumnsStillReset()
{
    auto store = openStore(RUNLENS_FIXTURE_DIR "/file/mlruns");
    QVERIFY(store.ok());
    const RunListSnapshot images = loadRuns(*store.value(), "900844674041952973");
    QVERIFY(images);
    RunTableModel model;
    QAbstractItemModelTester tester(&model);
    model.setRuns(images);
    auto next = std::make_shared<RunList>(*images);
    next->runs.front().params.push_back({"zzz_new_param", "1"});
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    model.setRuns(next);
    QCOMPARE(reset.count(), 1);
    QVERIFY(model.columnOf(RunTableModel::ColumnKind::Param, QStringLiteral("zzz_new_param")) > 0);
}

QTEST_MAIN(TestRunRefresh)
#include "tst_runrefresh.moc"
