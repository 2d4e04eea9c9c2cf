// SPDX-License-Identifier: Apache-2.0
// Every write Runlens makes, on a copy of the mlflow.db written by MLflow 3.6 (schema head
// bf29a5ff90ea): the rows change only in the tables MLflow's own writes touch, the database stays
// whole, and the result reads back as MLflow 3.6 read back the same writes
// (tests/data/mlflow-3.6/writeback.json, made by tools/writeback.py from this test's database:
// RUNLENS_WRITTEN_DB=<path> keeps it).

#include "sqlitedump.h"
#include "stores/sqlite/sqlitestore.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

using namespace runlens;
using namespace runlens::test::sqlitedump;
using Json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

const fs::path kFixtureDb = fs::path(RUNLENS_FIXTURE_DIR) / "mlflow3" / "sqlite" / "mlflow.db";
const std::string kBaseline = "38e57bb1a23e49db9f05303dff2ad390";
const std::string kFinetune = "ff5938fa6d7b4bbb8b7d716bc61803fd";
const std::string kSweep = "9034332ed87c461fa4908f9bbdc48fc2";
const std::string kTrial0 = "843b498cc913458da050de7567c6052a";
const std::string kCrashed = "27d9fb21d1b74148ad93051331912a37";
const std::string kDeleted = "dcaff2c7df754cfd9840d2f0bdfd1ed6";
const std::string kResnet = "resnet-classifier";
const std::string kAgent = "support-agent";
const std::string kPrompt = "summarize-prompt";

Json loadWriteback()
{
    QFile file(QStringLiteral(RUNLENS_TEST_DATA_DIR "/mlflow-3.6/writeback.json"));
    if (!file.open(QIODevice::ReadOnly))
        return Json();
    const QByteArray bytes = file.readAll();
    return Json::parse(bytes.constData(), bytes.constData() + bytes.size(), nullptr, false);
}

std::map<std::string, std::string> toMap(const std::vector<KeyValue>& list)
{
    std::map<std::string, std::string> out;
    for (const KeyValue& kv : list)
        out[kv.key] = kv.value;
    return out;
}

std::map<std::string, std::string> jsonMap(const Json& object)
{
    std::map<std::string, std::string> out;
    for (auto it = object.begin(); it != object.end(); ++it)
        out[it.key()] = it.value().is_string() ? it.value().get<std::string>() : it.value().dump();
    return out;
}

std::optional<std::string> jsonText(const Json& v)
{
    return v.is_string() ? std::optional<std::string>(v.get<std::string>()) : std::nullopt;
}

#define QVERIFY_OK(expr)                                                                                               \
    do {                                                                                                               \
        const auto& result_ = (expr);                                                                                  \
        QVERIFY2(result_, result_ ? "" : result_.error().toString().c_str());                                          \
    } while (false)

} // namespace

class TestSqliteWrites3 : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    fs::path m_db;
    Dump m_before;

private Q_SLOTS:
    // The writes, once, in the order the writeback tool's database saw them.
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_db = fs::path(m_dir.path().toStdString()) / "mlflow.db";
        fs::copy_file(kFixtureDb, m_db);
        m_before = dumpDb(m_db);
        auto opened = SqliteStore::open(m_db, /*readOnly=*/false);
        QVERIFY2(opened, opened ? "" : opened.error().toString().c_str());
        SqliteStore& store = **opened;
        QVERIFY2(store.writeBlocker().empty(), store.writeBlocker().c_str());
        QVERIFY(has(store.capabilities(), Capability::WriteRuns));
        QVERIFY(has(store.capabilities(), Capability::WriteRegistry));

        QVERIFY_OK(store.renameRun(kBaseline, "baseline-v2"));
        QVERIFY_OK(store.setRunTag(kFinetune, "reviewed", "yes ✓"));
        QVERIFY_OK(store.setRunTag(kTrial0, "mlflow.runName", "trial-zero"));
        QVERIFY_OK(store.deleteRunTag(kSweep, "mlflow.source.type"));
        QVERIFY_OK(store.deleteRun(kCrashed));
        QVERIFY_OK(store.restoreRun(kDeleted));
        QVERIFY_OK(store.transitionModelVersionStage(kResnet, 3, "production", /*archiveExisting=*/true));
        QVERIFY_OK(store.setModelAlias(kResnet, "champion", 3));
        QVERIFY_OK(store.deleteModelAlias(kResnet, "challenger"));
        QVERIFY_OK(store.setRegisteredModelTag(kResnet, "owner", "vision-team"));
        QVERIFY_OK(store.deleteRegisteredModelTag(kResnet, "task"));
        QVERIFY_OK(store.setModelVersionTag(kResnet, 1, "reviewed", "true"));
        QVERIFY_OK(store.deleteModelVersionTag(kResnet, 2, "validated"));
        QVERIFY_OK(store.updateRegisteredModelDescription(kAgent, "answers support questions"));
        QVERIFY_OK(store.updateModelVersionDescription(kAgent, 1, "first agent"));
        QVERIFY_OK(store.setModelAlias(kPrompt, "staging", 2));
        QVERIFY_OK(store.setModelVersionTag(kPrompt, 2, "reviewed", "yes"));

        if (const char* keep = std::getenv("RUNLENS_WRITTEN_DB"))
            fs::copy_file(m_db, keep, fs::copy_options::overwrite_existing);
    }

    // Exactly the tables MLflow's writes of the same kinds change; the 3.x tables (logged models,
    // traces, datasets, webhooks...) and every metric stay as they were.
    void onlyRegistryAndRunTablesChange()
    {
        const auto changes = diff(m_before, dumpDb(m_db));
        std::set<std::string> tables;
        for (const auto& [table, rows] : changes)
            tables.insert(table);
        const std::set<std::string> expected {"model_version_tags", "model_versions", "registered_model_aliases",
            "registered_model_tags", "registered_models", "runs", "tags"};
        QVERIFY2(tables == expected, describe(changes).c_str());
        // Nothing but the touched runs' rows moved in runs and tags.
        for (const char* table : {"runs", "tags"}) {
            for (const std::string& row : changes.at(table)) {
                const bool touched = row.find(kBaseline) != std::string::npos
                    || row.find(kFinetune) != std::string::npos || row.find(kTrial0) != std::string::npos
                    || row.find(kSweep) != std::string::npos || row.find(kCrashed) != std::string::npos
                    || row.find(kDeleted) != std::string::npos;
                QVERIFY2(touched, row.c_str());
            }
        }
        QCOMPARE(scalar(m_db, "PRAGMA integrity_check"), std::string("ok"));
        QCOMPARE(scalar(m_db, "PRAGMA foreign_key_check"), std::string("<none>"));
    }

    // What Runlens reads back is what MLflow 3.6 read back from the database after the same writes.
    void readsBackAsMlflow()
    {
        const Json writeback = loadWriteback();
        QVERIFY2(writeback.is_object(), "mlflow-3.6/writeback.json is missing or unreadable");
        auto opened = SqliteStore::open(m_db);
        QVERIFY(opened);
        SqliteStore& store = **opened;
        int runs = 0;
        for (const Json& want : writeback["runs"]) {
            const std::string id = want["run_id"].get<std::string>();
            auto run = store.run(id);
            QVERIFY2(run, run ? "" : run.error().toString().c_str());
            QCOMPARE(run->info.runName, want["run_name"].get<std::string>());
            QCOMPARE(
                std::string(lifecycleStageName(run->info.lifecycleStage)), want["lifecycle_stage"].get<std::string>());
            QCOMPARE(toMap(run->tags), jsonMap(want["tags"]));
            ++runs;
        }
        QCOMPARE(runs, 6);
        int versions = 0;
        for (const Json& want : writeback["registered_models"]) {
            const std::string name = want["name"].get<std::string>();
            auto all = name == kPrompt ? store.prompts() : store.registeredModels();
            QVERIFY(all);
            const auto model
                = std::find_if(all->begin(), all->end(), [&](const RegisteredModel& m) { return m.name == name; });
            QVERIFY2(model != all->end(), name.c_str());
            QCOMPARE(model->description, jsonText(want["description"]));
            // MLflow's RegisteredModel entity hides the prompt marker from .tags; it is in the
            // database and in the REST replies, and Runlens shows it.
            auto tags = toMap(model->tags);
            if (name == kPrompt)
                QCOMPARE(tags.erase(std::string(kPromptTag)), std::size_t(1));
            QCOMPARE(tags, jsonMap(want["tags"]));
            std::map<std::string, std::string> aliases;
            for (const ModelAlias& a : model->aliases)
                aliases[a.alias] = std::to_string(a.version);
            QCOMPARE(aliases, jsonMap(want["aliases"]));
            auto read = store.modelVersions(name);
            QVERIFY(read);
            QCOMPARE(read->size(), want["versions"].size());
            for (std::size_t i = 0; i < read->size(); ++i) {
                const ModelVersion& v = (*read)[i];
                const Json& w = want["versions"][i];
                QCOMPARE(v.version, w["version"].get<std::int64_t>());
                QCOMPARE(v.currentStage, w["current_stage"].get<std::string>());
                QCOMPARE(v.description, jsonText(w["description"]));
                QCOMPARE(toMap(v.tags), jsonMap(w["tags"]));
                QCOMPARE(v.aliases, w["aliases"].get<std::vector<std::string>>());
                ++versions;
            }
        }
        QCOMPARE(versions, 6); // 3 + 1 + the prompt's 2
    }
};

QTEST_GUILESS_MAIN(TestSqliteWrites3)
#include "tst_sqlitewrites3.moc"
