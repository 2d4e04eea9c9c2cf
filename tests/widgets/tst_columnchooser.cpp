// SPDX-License-Identifier: Apache-2.0
#include "columnchooser.h"
#include "columnlayout.h"
#include "runsortproxymodel.h"
#include "runtablemodel.h"
#include "runtableview.h"

#include <QCheckBox>
#include <QHeaderView>
#include <QLineEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QTreeWidget>

using namespace runlens;

namespace {

Run makeRun(const std::string& id, const std::string& b, double m)
{
    Run run;
    run.info.runId = id;
    run.info.runName = "run-" + id;
    run.info.experimentId = "1";
    run.info.status = RunStatus::Finished;
    run.params = {{"a", "same"}, {"b", b}};
    run.metrics = {{"m", {1, m, 0}}, {"z", {1, 2.0, 0}}};
    return run;
}

RunListSnapshot threeRuns()
{
    auto list = std::make_shared<RunList>();
    list->runs = {makeRun("r1", "x", 0.5), makeRun("r2", "y", 0.5), makeRun("r3", "x", 0.5)};
    list->runs[2].metrics[1].point.value = 3.0; // z differs
    return list;
}

} // namespace

class TestColumnChooser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void layoutIsRememberedPerStoreAndExperiments();
    void uniformColumnsAreThoseThatDoNotDiffer();
    void layoutHidesPinsAndOrders();
    void chooserChangesTheTable();
};

void TestColumnChooser::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("Runlens"));
    QCoreApplication::setApplicationName(QStringLiteral("Runlens-test-columns"));
    QSettings().clear();
}

void TestColumnChooser::layoutIsRememberedPerStoreAndExperiments()
{
    ColumnLayout layout;
    layout.hidden = {QStringLiteral("param:b")};
    layout.pinned = {QStringLiteral("metric:m"), QStringLiteral("run:name")};
    layout.order = {QStringLiteral("metric:m"), QStringLiteral("run:name"), QStringLiteral("param:a")};
    layout.differOnly = true;
    const QString uri = QStringLiteral("file:///tmp/some%20where/mlruns");
    layout.save(uri, {QStringLiteral("2"), QStringLiteral("1")});
    // The order of the selected experiments does not matter; another set or store has its own.
    QCOMPARE(ColumnLayout::load(uri, {QStringLiteral("1"), QStringLiteral("2")}), layout);
    QCOMPARE(ColumnLayout::load(uri, {QStringLiteral("1")}), ColumnLayout());
    QCOMPARE(ColumnLayout::load(QStringLiteral("sqlite:///x.db"), {QStringLiteral("1"), QStringLiteral("2")}),
        ColumnLayout());
}

void TestColumnChooser::uniformColumnsAreThoseThatDoNotDiffer()
{
    RunTableModel model;
    model.setRuns(threeRuns());
    const int a = model.columnOf(RunTableModel::ColumnKind::Param, QStringLiteral("a"));
    const int m = model.columnOf(RunTableModel::ColumnKind::Metric, QStringLiteral("m"));
    QCOMPARE(uniformColumns(model), (QList<int> {a, m}));

    // A run without the param makes it differ.
    auto list = std::make_shared<RunList>(*threeRuns());
    list->runs[1].params.erase(list->runs[1].params.begin());
    model.setRuns(list);
    QCOMPARE(uniformColumns(model), (QList<int> {m}));
}

void TestColumnChooser::layoutHidesPinsAndOrders()
{
    RunTableModel model;
    RunSortProxyModel proxy;
    proxy.setSourceModel(&model);
    RunTableView view;
    view.setModel(&proxy);
    model.setRuns(threeRuns());
    const int b = model.columnOf(RunTableModel::ColumnKind::Param, QStringLiteral("b"));
    const int z = model.columnOf(RunTableModel::ColumnKind::Metric, QStringLiteral("z"));
    const int a = model.columnOf(RunTableModel::ColumnKind::Param, QStringLiteral("a"));

    ColumnLayout layout;
    layout.pinned = {QStringLiteral("metric:z")};
    layout.hidden = {QStringLiteral("param:b"), QStringLiteral("run:name")};
    view.setColumnLayout(layout);
    QCOMPARE(view.horizontalHeader()->visualIndex(z), 0);
    QVERIFY(view.isColumnHidden(b));
    QVERIFY(!view.isColumnHidden(0)); // the run name always shows
    QVERIFY(!view.isColumnHidden(a));

    layout.differOnly = true;
    view.setColumnLayout(layout);
    QVERIFY(view.isColumnHidden(a)); // the same in every run
    QVERIFY(!view.isColumnHidden(z));

    // The layout survives a reload of the rows.
    model.setRuns(nullptr);
    model.setRuns(threeRuns());
    QCOMPARE(view.horizontalHeader()->visualIndex(z), 0);
    QVERIFY(view.isColumnHidden(b));
    QVERIFY(view.isColumnHidden(a));
}

void TestColumnChooser::chooserChangesTheTable()
{
    RunTableModel model;
    RunSortProxyModel proxy;
    proxy.setSourceModel(&model);
    RunTableView view;
    view.setModel(&proxy);
    model.setRuns(threeRuns());
    ColumnChooser chooser(&view);
    chooser.refresh();
    QSignalSpy changed(&view, &RunTableView::columnLayoutChanged);

    QTreeWidget* list = chooser.list();
    QCOMPARE(list->topLevelItemCount(), model.columnCount());
    QTreeWidgetItem* bItem = nullptr;
    for (int i = 0; i < list->topLevelItemCount(); ++i) {
        if (list->topLevelItem(i)->toolTip(0) == QLatin1String("param:b"))
            bItem = list->topLevelItem(i);
    }
    QVERIFY(bItem);
    bItem->setCheckState(ColumnChooser::NameColumn, Qt::Unchecked);
    const int b = model.columnOf(RunTableModel::ColumnKind::Param, QStringLiteral("b"));
    QVERIFY(view.isColumnHidden(b));
    QCOMPARE(changed.count(), 1);
    QCOMPARE(view.columnLayout().hidden, QStringList {QStringLiteral("param:b")});

    bItem->setCheckState(ColumnChooser::PinColumn, Qt::Checked);
    QCOMPARE(view.columnLayout().pinned, QStringList {QStringLiteral("param:b")});
    QCOMPARE(view.horizontalHeader()->visualIndex(b), 0);

    // Search narrows the list without changing the table.
    chooser.searchEdit()->setText(QStringLiteral("PARAM:"));
    int shown = 0;
    for (int i = 0; i < list->topLevelItemCount(); ++i)
        shown += list->topLevelItem(i)->isHidden() ? 0 : 1;
    QCOMPARE(shown, 2);

    chooser.differOnlyBox()->setChecked(true);
    QVERIFY(view.columnLayout().differOnly);
    QVERIFY(view.isColumnHidden(model.columnOf(RunTableModel::ColumnKind::Param, QStringLiteral("a"))));
}

QTEST_MAIN(TestColumnChooser)
#include "tst_columnchooser.moc"
