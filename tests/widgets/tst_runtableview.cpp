// SPDX-License-Identifier: Apache-2.0
#include "experimentlistmodel.h"
#include "experimentlistview.h"
#include "runsortproxymodel.h"
#include "runtableheaderview.h"
#include "runtablemodel.h"
#include "runtableview.h"
#include "storefactory.h"
#include "taskprogresswidget.h"

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

} // namespace

class TestRunTableView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void headerShowsGroupBand();
    void sortIsKeptAcrossResetsByKey();
    void fittedColumnsStayReadable();
    void experimentViewSpeaksIds();
    void progressWidgetCancels();

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
    RunTableModel model;
    RunSortProxyModel proxy;
    proxy.setSourceModel(&model);
    model.setRuns(m_images);
    RunTableView view;
    view.setModel(&proxy);
    view.resize(900, 400);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));

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
    RunTableModel model;
    RunSortProxyModel proxy;
    proxy.setSourceModel(&model);
    model.setRuns(m_images);
    RunTableView view;
    view.setModel(&proxy);

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

void TestRunTableView::fittedColumnsStayReadable()
{
    RunTableModel model;
    RunSortProxyModel proxy;
    proxy.setSourceModel(&model);
    model.setRuns(m_images);
    RunTableView view;
    view.setModel(&proxy);
    view.resize(1200, 500);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
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

QTEST_MAIN(TestRunTableView)
#include "tst_runtableview.moc"
