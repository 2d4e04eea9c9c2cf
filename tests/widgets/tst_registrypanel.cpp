// SPDX-License-Identifier: Apache-2.0
#include "aliasdialog.h"
#include "auditlog.h"
#include "auditlogview.h"
#include "fakestore.h"
#include "modelversionsmodel.h"
#include "registrymodel.h"
#include "registrypanel.h"
#include "stagetransitiondialog.h"
#include "storefactory.h"
#include "storesession.h"

#include <QDialog>
#include <QFile>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <filesystem>

using namespace runlens;

class TestRegistryPanel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void init();
    void showsFixtureStoreThroughSession();
    void clickOnSourceRunOpensIt();
    void readOnlyStoreDisablesActionsAndSaysWhy();
    void stageMoveArchivesAndLogsEveryChange();
    void aliasMoveAndDeleteAreLogged();
    void failedWriteShowsErrorChangesNothingLogsNothing();
    void descriptionsAndTagsAreWritten();
    void stageDialogListsWhatItWillArchive();
    void aliasDialogShowsWhereAnAliasPointed();
    void comparesSourceRunsSideBySide();
    void auditLogViewShowsAndExports();
    void searchFiltersModels();
    void actionsOnLocalStores_data();
    void actionsOnLocalStores();

private:
    void showFake(RegistryPanel& panel, std::shared_ptr<FakeStore> store);
    QList<AuditEntry> audit() const { return AuditLog(m_auditPath).read(); }

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_auditPath;
};

void TestRegistryPanel::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_auditPath = m_dir->filePath(QStringLiteral("audit.jsonl"));
}

void TestRegistryPanel::showFake(RegistryPanel& panel, std::shared_ptr<FakeStore> store)
{
    panel.setAuditLogPath(m_auditPath);
    QSignalSpy versions(&panel, &RegistryPanel::versionsLoaded);
    panel.setStore(store, QString::fromStdString(store->uri()));
    QVERIFY(versions.wait());
    QCOMPARE(panel.currentModel(), QStringLiteral("clf"));
    QCOMPARE(panel.versionsModel()->rowCount(), 4);
}

void TestRegistryPanel::showsFixtureStoreThroughSession()
{
    StoreSession session;
    RegistryPanel panel(&session);
    QSignalSpy models(&panel, &RegistryPanel::modelsLoaded);
    QSignalSpy versions(&panel, &RegistryPanel::versionsLoaded);
    session.open(QStringLiteral(RUNLENS_FIXTURE_DIR "/file/mlruns"));
    QVERIFY(models.wait());
    QCOMPARE(panel.registryModel()->rowCount(), 4);
    QCOMPARE(panel.messageText(), QString());

    versions.clear();
    QSignalSpy names(&panel, &RegistryPanel::runNamesLoaded);
    panel.selectModel(QStringLiteral("resnet-classifier"));
    QVERIFY(versions.wait());
    QCOMPARE(panel.currentModel(), QStringLiteral("resnet-classifier"));
    const ModelVersionsModel* v = panel.versionsModel();
    QCOMPARE(v->rowCount(), 4);
    QCOMPARE(v->index(v->rowOf(2), ModelVersionsModel::AliasesColumn).data().toString(), QStringLiteral("@champion"));

    // Source runs show by name, as the runs table shows them, with the id in the tooltip.
    QVERIFY(!names.isEmpty() || names.wait());
    auto store = openStore(RUNLENS_FIXTURE_DIR "/file/mlruns");
    QVERIFY(store.ok());
    int named = 0;
    for (int row = 0; row < v->rowCount(); ++row) {
        const QModelIndex cell = v->index(row, ModelVersionsModel::SourceRunColumn);
        const QString id = cell.data(ModelVersionsModel::RunIdRole).toString();
        if (id.isEmpty())
            continue;
        auto run = store.value()->run(id.toStdString());
        const QString expected = run ? QString::fromStdString(run.value().info.runName) : id;
        QCOMPARE(cell.data().toString(), expected);
        QVERIFY(cell.data(Qt::ToolTipRole).toString().contains(id));
        named += run && expected != id;
    }
    QVERIFY(named > 0);
    // Aliases come before the deprecated stage.
    QVERIFY(ModelVersionsModel::AliasesColumn < ModelVersionsModel::StageColumn);
}

void TestRegistryPanel::clickOnSourceRunOpensIt()
{
    RegistryPanel panel(nullptr);
    panel.resize(1200, 700);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    showFake(panel, FakeStore::sample());
    QSignalSpy activated(&panel, &RegistryPanel::runActivated);
    QTableView* view = panel.versionsView();
    const QModelIndex cell
        = panel.versionsModel()->index(panel.versionsModel()->rowOf(2), ModelVersionsModel::SourceRunColumn);
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->visualRect(cell).center());
    QCOMPARE(activated.count(), 1);
    QCOMPARE(activated.at(0).at(0).value<std::string>(), std::string("run2"));
}

void TestRegistryPanel::readOnlyStoreDisablesActionsAndSaysWhy()
{
    auto store = FakeStore::sample();
    store->caps = static_cast<Capabilities>(Capability::Registry);
    RegistryPanel panel(nullptr);
    showFake(panel, store);
    QVERIFY(!panel.canWrite());
    QVERIFY2(
        panel.readOnlyNote().startsWith(QLatin1String("This store is read-only: ")), qPrintable(panel.readOnlyNote()));
    for (const QString& text : {QStringLiteral("Move to stage…"), QStringLiteral("Set alias…"),
             QStringLiteral("Delete alias…"), QStringLiteral("Set tag…"), QStringLiteral("Edit description…")}) {
        for (QPushButton* b : panel.findChildren<QPushButton*>())
            if (b->text() == text) {
                QVERIFY2(!b->isEnabled(), qPrintable(text));
                QCOMPARE(b->toolTip(), panel.readOnlyNote());
            }
    }
    // Even called directly, an action refuses and the store stays as it was.
    QSignalSpy finished(&panel, &RegistryPanel::writeFinished);
    panel.transitionStage(4, QStringLiteral("Production"), true);
    QCOMPARE(finished.count(), 1);
    QCOMPARE(finished.at(0).at(0).toBool(), false);
    QCOMPARE(store->writes, 0);
    QVERIFY(!QFile::exists(m_auditPath));
}

void TestRegistryPanel::stageMoveArchivesAndLogsEveryChange()
{
    auto store = FakeStore::sample();
    RegistryPanel panel(nullptr);
    showFake(panel, store);
    QVERIFY(panel.canWrite());
    QSignalSpy finished(&panel, &RegistryPanel::writeFinished);
    QSignalSpy versions(&panel, &RegistryPanel::versionsLoaded);
    panel.transitionStage(3, QStringLiteral("Production"), true);
    QVERIFY(finished.wait());
    QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(finished.at(0).at(1).toString()));
    QCOMPARE(store->stageOf("clf", 3), std::string("Production"));
    QCOMPARE(store->stageOf("clf", 2), std::string("Archived"));
    QCOMPARE(store->stageOf("clf", 4), std::string("None"));
    QVERIFY2(panel.messageText().contains(QLatin1String("archived v2")), qPrintable(panel.messageText()));

    const QList<AuditEntry> log = audit();
    QCOMPARE(log.size(), 2);
    QCOMPARE(log[0].model, QStringLiteral("clf"));
    QCOMPARE(log[0].version, 3);
    QCOMPARE(log[0].action, QStringLiteral("stage"));
    QCOMPARE(log[0].from, QStringLiteral("Staging"));
    QCOMPARE(log[0].to, QStringLiteral("Production"));
    QCOMPARE(log[0].storeUri, QStringLiteral("fake:///registry"));
    QCOMPARE(log[0].user, AuditLog::currentUser());
    QCOMPARE(log[1].version, 2);
    QCOMPARE(log[1].from, QStringLiteral("Production"));
    QCOMPARE(log[1].to, QStringLiteral("Archived"));

    // The panel reloads after the write and shows the new stages.
    QTRY_COMPARE(panel.versionsModel()
                     ->index(panel.versionsModel()->rowOf(3), ModelVersionsModel::StageColumn)
                     .data()
                     .toString(),
        QStringLiteral("Production"));
}

void TestRegistryPanel::aliasMoveAndDeleteAreLogged()
{
    auto store = FakeStore::sample();
    RegistryPanel panel(nullptr);
    showFake(panel, store);
    QSignalSpy finished(&panel, &RegistryPanel::writeFinished);
    panel.setAlias(QStringLiteral("champion"), 4);
    QVERIFY(finished.wait());
    QVERIFY(finished.at(0).at(0).toBool());
    QCOMPARE(store->aliasOf("clf", "champion"), std::optional<std::int64_t>(4));
    QVERIFY2(panel.messageText().contains(QLatin1String("from v2 to v4")), qPrintable(panel.messageText()));

    panel.deleteAlias(QStringLiteral("challenger"));
    QVERIFY(finished.wait());
    QVERIFY(finished.at(1).at(0).toBool());
    QCOMPARE(store->aliasOf("clf", "challenger"), std::nullopt);

    const QList<AuditEntry> log = audit();
    QCOMPARE(log.size(), 2);
    QCOMPARE(log[0].action, QStringLiteral("alias @champion"));
    QCOMPARE(log[0].version, 4);
    QCOMPARE(log[0].from, QStringLiteral("v2"));
    QCOMPARE(log[0].to, QStringLiteral("v4"));
    QCOMPARE(log[1].action, QStringLiteral("alias @challenger"));
    QCOMPARE(log[1].from, QStringLiteral("v3"));
    QCOMPARE(log[1].to, QString());
}

void TestRegistryPanel::failedWriteShowsErrorChangesNothingLogsNothing()
{
    auto store = FakeStore::sample();
    // What the local stores answer until their registry writes land.
    store->failWrites = StoreError {ErrorCode::NotImplemented, "this store cannot change model version stages"};
    RegistryPanel panel(nullptr);
    showFake(panel, store);
    QSignalSpy finished(&panel, &RegistryPanel::writeFinished);
    panel.transitionStage(3, QStringLiteral("Production"), true);
    QVERIFY(finished.wait());
    QCOMPARE(finished.at(0).at(0).toBool(), false);
    QVERIFY2(panel.messageText().contains(QLatin1String("NOT_IMPLEMENTED")), qPrintable(panel.messageText()));
    QCOMPARE(store->stageOf("clf", 3), std::string("Staging"));
    QCOMPARE(store->stageOf("clf", 2), std::string("Production"));
    QVERIFY(!QFile::exists(m_auditPath));
    QTRY_VERIFY(panel.canWrite()); // the panel is usable again
}

void TestRegistryPanel::descriptionsAndTagsAreWritten()
{
    auto store = FakeStore::sample();
    RegistryPanel panel(nullptr);
    showFake(panel, store);
    QSignalSpy finished(&panel, &RegistryPanel::writeFinished);
    QSignalSpy models(&panel, &RegistryPanel::modelsLoaded);
    panel.setModelDescription(QStringLiteral("Classifies images.\nSecond line."));
    QVERIFY(finished.wait());
    QVERIFY(models.wait());
    const int row = panel.registryModel()->rowOf(QStringLiteral("clf"));
    QCOMPARE(panel.registryModel()->index(row, RegistryModel::DescriptionColumn).data().toString(),
        QStringLiteral("Classifies images."));

    panel.setVersionTag(2, QStringLiteral("validated"), QStringLiteral("yes"));
    QVERIFY(finished.wait());
    panel.setModelTag(QStringLiteral("team"), QStringLiteral("cv"));
    QVERIFY(finished.wait());
    panel.deleteModelTag(QStringLiteral("owner"));
    QVERIFY(finished.wait());
    panel.setVersionDescription(2, QStringLiteral("best so far"));
    QVERIFY(finished.wait());
    for (const QList<QVariant>& f : finished)
        QVERIFY2(f.at(0).toBool(), qPrintable(f.at(1).toString()));
    QCOMPARE(store->versions["clf"][1].tags, (std::vector<KeyValue> {{"validated", "yes"}}));
    QCOMPARE(store->versions["clf"][1].description, std::optional<std::string>("best so far"));
    QCOMPARE(store->models["clf"].tags, (std::vector<KeyValue> {{"team", "cv"}}));
    // Descriptions and tags are not stage or alias changes: the audit log stays empty.
    QVERIFY(audit().isEmpty());
}

void TestRegistryPanel::stageDialogListsWhatItWillArchive()
{
    auto store = FakeStore::sample();
    const std::vector<ModelVersion> versions = store->versions["clf"];
    QCOMPARE(
        StageTransitionDialog::versionsToArchive(versions, 3, QStringLiteral("Production")), std::vector<qint64> {2});
    QCOMPARE(
        StageTransitionDialog::versionsToArchive(versions, 2, QStringLiteral("production")), std::vector<qint64> {});
    QCOMPARE(StageTransitionDialog::versionsToArchive(versions, 4, QStringLiteral("Archived")), std::vector<qint64> {});

    StageTransitionDialog dialog(QStringLiteral("clf"), versions, 4);
    dialog.setStage(QStringLiteral("Production"));
    dialog.setArchiveExisting(true);
    QVERIFY(dialog.archiveExisting());
    QVERIFY2(dialog.archiveNote().contains(QLatin1String("Will also archive: v2")), qPrintable(dialog.archiveNote()));
    dialog.setStage(QStringLiteral("Staging"));
    QVERIFY2(dialog.archiveNote().contains(QLatin1String("v3")), qPrintable(dialog.archiveNote()));
    dialog.setStage(QStringLiteral("None"));
    QVERIFY(!dialog.archiveExisting()); // MLflow only archives for Staging and Production
}

void TestRegistryPanel::aliasDialogShowsWhereAnAliasPointed()
{
    const std::vector<ModelAlias> aliases {{"challenger", 3}, {"champion", 2}};
    QCOMPARE(AliasDialog::describe(aliases, QStringLiteral("champion"), 4),
        QStringLiteral("@champion now points to v2; it will move to v4."));
    QCOMPARE(AliasDialog::describe(aliases, QStringLiteral("shadow"), 4),
        QStringLiteral("New alias @shadow will point to v4."));
    QVERIFY(AliasDialog::aliasProblem(QStringLiteral("champion-2")).isEmpty());
    QVERIFY(!AliasDialog::aliasProblem(QStringLiteral("Latest")).isEmpty());
    QVERIFY(!AliasDialog::aliasProblem(QStringLiteral("V12")).isEmpty());
    QVERIFY(!AliasDialog::aliasProblem(QStringLiteral("a/b")).isEmpty());
    QVERIFY(!AliasDialog::aliasProblem(QString()).isEmpty());

    AliasDialog dialog(QStringLiteral("clf"), aliases, {1, 2, 3, 4}, 4);
    dialog.setAlias(QStringLiteral("champion"));
    QCOMPARE(dialog.version(), 4);
    QCOMPARE(dialog.note(), QStringLiteral("@champion now points to v2; it will move to v4."));
}

void TestRegistryPanel::comparesSourceRunsSideBySide()
{
    auto store = FakeStore::sample();
    RegistryPanel panel(nullptr);
    showFake(panel, store);
    QSignalSpy ready(&panel, &RegistryPanel::comparisonReady);
    panel.compareVersions(2, 3);
    QVERIFY(ready.wait());
    QCOMPARE(ready.at(0).at(0).toInt(), 3);
    QVERIFY(panel.comparisonDialog());
    auto* table = panel.comparisonDialog()->findChild<QTableWidget*>();
    QVERIFY(table);
    QCOMPARE(table->rowCount(), 3);
    QCOMPARE(table->item(0, 1)->text(), QStringLiteral("lr"));
    QCOMPARE(table->item(0, 2)->text(), QStringLiteral("0.1"));
    QCOMPARE(table->item(0, 3)->text(), QStringLiteral("0.01"));
    QVERIFY(table->item(0, 2)->font().bold()); // differs
    QVERIFY(!table->item(1, 2)->font().bold()); // optimizer: same
    QCOMPARE(table->item(2, 0)->text(), QStringLiteral("metric"));
    QCOMPARE(table->item(2, 2)->text(), QStringLiteral("0.82"));
    QCOMPARE(table->item(2, 3)->text(), QStringLiteral("0.83"));
    panel.comparisonDialog()->close();
}

void TestRegistryPanel::auditLogViewShowsAndExports()
{
    auto store = FakeStore::sample();
    RegistryPanel panel(nullptr);
    showFake(panel, store);
    QSignalSpy finished(&panel, &RegistryPanel::writeFinished);
    panel.transitionStage(4, QStringLiteral("Staging"), false);
    QVERIFY(finished.wait());
    panel.setAlias(QStringLiteral("shadow"), 4);
    QVERIFY(finished.wait());

    AuditLogView* view = panel.auditLogView();
    QSignalSpy loaded(view, &AuditLogView::loaded);
    view->setLogPath(m_auditPath);
    QVERIFY(loaded.wait());
    QCOMPARE(loaded.at(0).at(0).toInt(), 2);
    QCOMPARE(view->table()->rowCount(), 2);
    QCOMPARE(view->table()->item(0, 5)->text(), QStringLiteral("alias @shadow")); // newest first
    QCOMPARE(view->table()->item(1, 6)->text(), QStringLiteral("None"));
    QCOMPARE(view->table()->item(1, 7)->text(), QStringLiteral("Staging"));

    QSignalSpy exported(view, &AuditLogView::exported);
    const QString csv = m_dir->filePath(QStringLiteral("audit.csv"));
    view->exportTo(csv);
    QVERIFY(exported.wait());
    QVERIFY(exported.at(0).at(0).toBool());
    QFile file(csv);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll().count("\r\n"), 3);
}

void TestRegistryPanel::searchFiltersModels()
{
    RegistryPanel panel(nullptr);
    showFake(panel, FakeStore::sample());
    QCOMPARE(panel.modelsView()->model()->rowCount(), 2);
    panel.setSearchText(QStringLiteral("VISION")); // a tag value, any case
    QCOMPARE(panel.modelsView()->model()->rowCount(), 1);
    QCOMPARE(panel.modelsView()->model()->index(0, 0).data().toString(), QStringLiteral("clf"));
    panel.setSearchText(QStringLiteral("nothing like this"));
    QCOMPARE(panel.modelsView()->model()->rowCount(), 0);
}

void TestRegistryPanel::actionsOnLocalStores_data()
{
    QTest::addColumn<QString>("fixture");
    QTest::newRow("mlruns") << QStringLiteral("file/mlruns");
    QTest::newRow("mlflow.db") << QStringLiteral("sqlite/mlflow.db");
}

void TestRegistryPanel::actionsOnLocalStores()
{
    // The panel's actions on a copy of each store MLflow 2.22 wrote, read back through a fresh store.
    QFETCH(QString, fixture);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::filesystem::path source = std::filesystem::path(RUNLENS_FIXTURE_DIR) / fixture.toStdString();
    const std::filesystem::path copy = std::filesystem::path(dir.path().toStdString()) / source.filename();
    std::filesystem::copy(source, copy, std::filesystem::copy_options::recursive);
    const QString path = QString::fromStdString(copy.string());

    StoreSession session;
    RegistryPanel panel(&session);
    panel.setAuditLogPath(m_auditPath);
    QSignalSpy models(&panel, &RegistryPanel::modelsLoaded);
    QSignalSpy versions(&panel, &RegistryPanel::versionsLoaded);
    session.open(path);
    QVERIFY(models.wait());
    QVERIFY2(panel.canWrite(), qPrintable(panel.readOnlyNote()));
    versions.clear();
    panel.selectModel(QStringLiteral("resnet-classifier"));
    QTRY_VERIFY(!versions.isEmpty());
    QCOMPARE(panel.currentModel(), QStringLiteral("resnet-classifier"));

    QSignalSpy finished(&panel, &RegistryPanel::writeFinished);
    const auto write = [&](const std::function<void()>& action) {
        finished.clear();
        action();
        QTRY_COMPARE(finished.count(), 1);
        QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(finished.at(0).at(1).toString()));
    };
    // v4 to Production, archiving v2 (the fixture's Production version); then the aliases.
    write([&] { panel.transitionStage(4, QStringLiteral("Production"), true); });
    write([&] { panel.setAlias(QStringLiteral("champion"), 4); });
    write([&] { panel.deleteAlias(QStringLiteral("challenger")); });
    write([&] { panel.setModelDescription(QStringLiteral("Promoted by a test.")); });
    write([&] { panel.setVersionDescription(4, QStringLiteral("the new champion")); });
    write([&] { panel.setVersionTag(4, QStringLiteral("validated"), QStringLiteral("yes")); });

    auto store = openStore(copy.string());
    QVERIFY(store.ok());
    auto list = store.value()->modelVersions("resnet-classifier");
    QVERIFY(list.ok());
    std::map<std::int64_t, ModelVersion> byNumber;
    for (const ModelVersion& v : *list)
        byNumber[v.version] = v;
    QCOMPARE(byNumber.at(4).currentStage, std::string("Production"));
    QCOMPARE(byNumber.at(2).currentStage, std::string("Archived"));
    QCOMPARE(byNumber.at(3).currentStage, std::string("Staging"));
    QCOMPARE(byNumber.at(1).currentStage, std::string("Archived"));
    QCOMPARE(byNumber.at(4).aliases, std::vector<std::string> {"champion"});
    QVERIFY(byNumber.at(3).aliases.empty());
    QCOMPARE(byNumber.at(4).description.value_or(""), std::string("the new champion"));
    const auto& tags = byNumber.at(4).tags;
    const auto tag = std::find_if(tags.begin(), tags.end(), [](const KeyValue& t) { return t.key == "validated"; });
    QVERIFY(tag != tags.end());
    QCOMPARE(tag->value, std::string("yes"));
    auto registered = store.value()->registeredModels();
    QVERIFY(registered.ok());
    bool found = false;
    for (const RegisteredModel& m : *registered) {
        if (m.name != "resnet-classifier")
            continue;
        found = true;
        QCOMPARE(m.description.value_or(""), std::string("Promoted by a test."));
    }
    QVERIFY(found);

    // Every stage and alias change is in the audit log: two stage moves (v4 and the archived v2) and
    // two alias changes, at least.
    QFile log(m_auditPath);
    QVERIFY(log.open(QIODevice::ReadOnly));
    QVERIFY(log.readAll().count('\n') >= 3);
}

QTEST_MAIN(TestRegistryPanel)
#include "tst_registrypanel.moc"
