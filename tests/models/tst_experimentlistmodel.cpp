// SPDX-License-Identifier: Apache-2.0
#include "experimentlistmodel.h"
#include "storefactory.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTest>

using namespace runlens;

class TestExperimentListModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void listsActiveExperimentsInStoreOrder();
    void runCounts();
    void filterProxyPassesTester();
    void tooltipsAndRoles();

private:
    std::unique_ptr<Store> m_store;
    ExperimentListSnapshot m_experiments;
    QHash<QString, int> m_counts;
};

void TestExperimentListModel::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    auto store = openStore(RUNLENS_FIXTURE_DIR "/file/mlruns");
    QVERIFY2(store.ok(), store.ok() ? "" : store.error().toString().c_str());
    m_store = std::move(store.value());
    auto experiments = m_store->experiments(ViewType::ActiveOnly);
    QVERIFY(experiments.ok());
    m_experiments = std::make_shared<const ExperimentList>(std::move(experiments.value()));

    RunQuery query;
    query.fields = static_cast<RunFields>(RunField::Info);
    auto runs = m_store->searchRuns(query);
    QVERIFY(runs.ok());
    for (const Run& run : runs->runs)
        ++m_counts[QString::fromStdString(run.info.experimentId)];
}

void TestExperimentListModel::listsActiveExperimentsInStoreOrder()
{
    ExperimentListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);
    model.setExperiments(m_experiments);
    QCOMPARE(model.rowCount(), 5); // to-be-deleted is not listed
    QCOMPARE(model.columnCount(), 2);
    QStringList names;
    for (int row = 0; row < model.rowCount(); ++row)
        names << model.index(row, ExperimentListModel::NameColumn).data().toString();
    // MLflow's order: creation_time DESC, then id.
    QCOMPARE(names,
        (QStringList {QStringLiteral("renamed-experiment"), QStringLiteral("empty-experiment"),
            QStringLiteral("/Users/alice@example.com/nlp — sentiment ✓ (v2)"), QStringLiteral("image-classification"),
            QStringLiteral("Default")}));
    QCOMPARE(model.rowOf(QStringLiteral("900844674041952973")), 3);
    QCOMPARE(model.rowOf(QStringLiteral("843118843192616787")), -1);
    QCOMPARE(model.names().value(QStringLiteral("0")), QStringLiteral("Default"));
    model.clear();
    QCOMPARE(model.rowCount(), 0);
}

void TestExperimentListModel::runCounts()
{
    ExperimentListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setExperiments(m_experiments);
    const int images = model.rowOf(QStringLiteral("900844674041952973"));
    const QModelIndex count = model.index(images, ExperimentListModel::RunCountColumn);
    QVERIFY(!model.hasRunCounts());
    QVERIFY(!count.data(ExperimentListModel::RunCountRole).isValid()); // unknown, not zero
    QVERIFY(count.data().toString().isEmpty());

    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.setRunCounts(m_counts);
    QCOMPARE(changed.count(), 1);
    QVERIFY(model.hasRunCounts());
    QCOMPARE(count.data(ExperimentListModel::RunCountRole).toInt(), 14);
    QCOMPARE(count.data().toString(), QStringLiteral("14"));
    QCOMPARE(model.index(model.rowOf(QStringLiteral("640513601518546733")), 1).data().toString(), QStringLiteral("5"));
    QCOMPARE(model.index(model.rowOf(QStringLiteral("0")), 1).data().toString(), QStringLiteral("1"));
    QCOMPARE(model.index(model.rowOf(QStringLiteral("925532994348061214")), 1).data().toString(), QStringLiteral("0"));

    // A reload keeps the known counts until new ones arrive.
    model.setExperiments(m_experiments);
    QCOMPARE(model.index(images, 1).data(ExperimentListModel::RunCountRole).toInt(), 14);
}

void TestExperimentListModel::filterProxyPassesTester()
{
    ExperimentListModel model;
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.setFilterCaseSensitivity(Qt::CaseInsensitive);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setExperiments(m_experiments);
    model.setRunCounts(m_counts);
    proxy.setFilterFixedString(QStringLiteral("SENTIMENT"));
    QCOMPARE(proxy.rowCount(), 1);
    QCOMPARE(
        proxy.index(0, 0).data(ExperimentListModel::ExperimentIdRole).toString(), QStringLiteral("640513601518546733"));
    proxy.setFilterFixedString(QString());
    QCOMPARE(proxy.rowCount(), 5);
    model.clear();
    QCOMPARE(proxy.rowCount(), 0);
}

void TestExperimentListModel::tooltipsAndRoles()
{
    ExperimentListModel model;
    model.setExperiments(m_experiments);
    const QModelIndex images = model.index(model.rowOf(QStringLiteral("900844674041952973")), 0);
    const QString tip = images.data(Qt::ToolTipRole).toString();
    QVERIFY(tip.contains(QStringLiteral("900844674041952973")));
    QVERIFY(tip.contains(QStringLiteral("CIFAR-10"))); // the experiment's note
    QCOMPARE(images.data(ExperimentListModel::RawValueRole).toString(), QStringLiteral("image-classification"));
    QCOMPARE(model.headerData(1, Qt::Horizontal).toString(), QStringLiteral("Runs"));
    // MLflow traces are counted where they are, and only there (the nlp experiment has one).
    QVERIFY(!tip.contains(QStringLiteral("trace")));
    const QString nlp
        = model.index(model.rowOf(QStringLiteral("640513601518546733")), 0).data(Qt::ToolTipRole).toString();
    QVERIFY2(nlp.contains(QStringLiteral("1 trace (MLflow tracing")), qPrintable(nlp));
}

QTEST_GUILESS_MAIN(TestExperimentListModel)
#include "tst_experimentlistmodel.moc"
