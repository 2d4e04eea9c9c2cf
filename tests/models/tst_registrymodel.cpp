// SPDX-License-Identifier: Apache-2.0
#include "modelversionsmodel.h"
#include "registrymodel.h"
#include "storefactory.h"

#include <QAbstractItemModelTester>
#include <QTest>

using namespace runlens;

class TestRegistryModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void listsModelsOfFixtureStores_data();
    void listsModelsOfFixtureStores();
    void versionsNewestFirstWithAliases_data();
    void versionsNewestFirstWithAliases();
    void emptyModelHasNoVersions();

private:
    std::unique_ptr<Store> open(const QString& where);
};

std::unique_ptr<Store> TestRegistryModel::open(const QString& where)
{
    auto store = openStore(where.toStdString());
    if (!store)
        qWarning("%s", store.error().toString().c_str());
    return store ? std::move(store).value() : nullptr;
}

static void fixtureStores()
{
    QTest::addColumn<QString>("where");
    QTest::newRow("file") << QStringLiteral(RUNLENS_FIXTURE_DIR "/file/mlruns");
    QTest::newRow("sqlite") << QStringLiteral("sqlite:///" RUNLENS_FIXTURE_DIR "/sqlite/mlflow.db");
}

void TestRegistryModel::listsModelsOfFixtureStores_data()
{
    fixtureStores();
}

void TestRegistryModel::listsModelsOfFixtureStores()
{
    QFETCH(QString, where);
    auto store = open(where);
    QVERIFY(store);
    auto models = store->registeredModels();
    QVERIFY(models);

    RegistryModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setModels(*models);
    QCOMPARE(model.rowCount(), 4);
    QCOMPARE(model.columnCount(), int(RegistryModel::ColumnCount));

    const int row = model.rowOf(QStringLiteral("resnet-classifier"));
    QVERIFY(row >= 0);
    const auto cell = [&](int column) { return model.index(row, column).data().toString(); };
    QCOMPARE(cell(RegistryModel::NameColumn), QStringLiteral("resnet-classifier"));
    QCOMPARE(cell(RegistryModel::AliasesColumn), QStringLiteral("challenger → v3, champion → v2"));
    QCOMPARE(cell(RegistryModel::LatestColumn), QStringLiteral("Production v2 · Staging v3 · None v4 · Archived v1"));
    QCOMPARE(cell(RegistryModel::TagsColumn), QStringLiteral("owner=vision, task=image-classification"));
    QVERIFY(model.index(row, 0).data(RegistryModel::SearchTextRole).toString().contains(QLatin1String("champion")));

    const int unicode = model.rowOf(QStringLiteral("Ünïcode model ✓"));
    QVERIFY(unicode >= 0);
    QCOMPARE(model.index(unicode, RegistryModel::LatestColumn).data().toString(), QStringLiteral("None v1"));
    const int empty = model.rowOf(QStringLiteral("empty-model"));
    QCOMPARE(model.index(empty, RegistryModel::AliasesColumn).data().toString(), QString());
    QCOMPARE(model.rowOf(QStringLiteral("absent")), -1);
}

void TestRegistryModel::versionsNewestFirstWithAliases_data()
{
    fixtureStores();
}

void TestRegistryModel::versionsNewestFirstWithAliases()
{
    QFETCH(QString, where);
    auto store = open(where);
    QVERIFY(store);
    auto versions = store->modelVersions("resnet-classifier");
    QVERIFY(versions);

    ModelVersionsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setVersions(*versions);
    QCOMPARE(model.rowCount(), 4);
    QCOMPARE(model.index(0, ModelVersionsModel::VersionColumn).data().toString(), QStringLiteral("v4"));
    QCOMPARE(model.index(3, ModelVersionsModel::VersionColumn).data().toString(), QStringLiteral("v1"));

    const int v2 = model.rowOf(2);
    QCOMPARE(model.index(v2, ModelVersionsModel::AliasesColumn).data().toString(), QStringLiteral("@champion"));
    QCOMPARE(model.index(v2, ModelVersionsModel::StageColumn).data().toString(), QStringLiteral("Production"));
    QCOMPARE(model.index(v2, 0).data(ModelVersionsModel::VersionRole).value<qint64>(), 2);
    const int v3 = model.rowOf(3);
    QCOMPARE(model.index(v3, ModelVersionsModel::AliasesColumn).data().toString(), QStringLiteral("@challenger"));
    QCOMPARE(model.index(v3, ModelVersionsModel::StageColumn).data().toString(), QStringLiteral("Staging"));
    QCOMPARE(
        model.index(model.rowOf(1), ModelVersionsModel::StageColumn).data().toString(), QStringLiteral("Archived"));
    QCOMPARE(model.index(model.rowOf(4), ModelVersionsModel::StageColumn).data().toString(), QStringLiteral("None"));

    // The source run is the version's run id, the same in the display and the role the panel opens.
    for (int row = 0; row < model.rowCount(); ++row) {
        const QString runId = model.index(row, 0).data(ModelVersionsModel::RunIdRole).toString();
        const ModelVersion* v = model.versionAt(row);
        QCOMPARE(runId, QString::fromStdString(v->runId.value_or(std::string())));
        QCOMPARE(model.index(row, ModelVersionsModel::SourceRunColumn).data().toString(), runId);
        QCOMPARE(model.index(row, ModelVersionsModel::StatusColumn).data().toString(), QStringLiteral("READY"));
    }
    QVERIFY(!model.index(v2, ModelVersionsModel::SourceRunColumn).data().toString().isEmpty());
}

void TestRegistryModel::emptyModelHasNoVersions()
{
    auto store = open(QStringLiteral(RUNLENS_FIXTURE_DIR "/file/mlruns"));
    QVERIFY(store);
    auto versions = store->modelVersions("empty-model");
    QVERIFY(versions);
    ModelVersionsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setVersions(*versions);
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(!model.versionAt(0));
}

QTEST_GUILESS_MAIN(TestRegistryModel)
#include "tst_registrymodel.moc"
