// SPDX-License-Identifier: Apache-2.0
// SqliteStore against the mlflow.db written by MLflow 2.22, compared with what MLflow itself read back
// (expected.json, stores.sqlite), plus damaged, old-schema, read-only and concurrently written copies.

#include "expectedjson.h"
#include "search/runsearch.h"
#include "storefactory.h"
#include "stores/sqlite/sqliteconnection.h"
#include "stores/sqlite/sqlitestore.h"

#include <nlohmann/json.hpp>

#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>
#include <unistd.h>

using namespace runlens;
namespace fs = std::filesystem;
using Json = nlohmann::json;
using namespace Qt::StringLiterals;

namespace {

const fs::path kFixtureDb = fs::path(RUNLENS_FIXTURE_DIR) / "sqlite" / "mlflow.db";
const fs::path kFixtureArtifacts = fs::path(RUNLENS_FIXTURE_DIR) / "sqlite" / "dbproj" / "mlruns";
const std::string kResnetRun = "3f391c61d696479dbd9255bd742f94eb";
const std::string kNanRun = "807f87e3fbaa45a1b2466b70189efe9a";
const std::string kDeletedRun = "6c4fcb39bfdf4addb09f5d3a9dd0501d";

QString qs(const std::string& text)
{
    return QString::fromStdString(text);
}

const Json& expectedSqlite()
{
    return test::expectedStore("sqlite");
}

std::map<std::string, Json> expectedRuns()
{
    std::map<std::string, Json> runs;
    for (const auto& experiment : expectedSqlite()["experiments"]) {
        for (const auto& run : experiment["runs"])
            runs[run["run_id"].get<std::string>()] = run;
    }
    return runs;
}

std::unique_ptr<SqliteStore> openOrFail(const fs::path& db)
{
    auto store = SqliteStore::open(db);
    if (!store) {
        qWarning("%s", store.error().toString().c_str());
        return nullptr;
    }
    return std::move(store.value());
}

// A scratch copy of the fixture database; the connection helper edits copies only.
fs::path copyFixture(const QTemporaryDir& dir, const std::string& subfolder = {})
{
    const fs::path folder
        = subfolder.empty() ? fs::path(dir.path().toStdString()) : fs::path(dir.path().toStdString()) / subfolder;
    fs::create_directories(folder);
    const fs::path db = folder / "mlflow.db";
    fs::copy_file(kFixtureDb, db, fs::copy_options::overwrite_existing);
    return db;
}

bool execOn(const fs::path& db, const std::string& sql)
{
    auto connection = SqliteConnection::open(db, SqliteConnection::Access::ReadWrite);
    if (!connection) {
        qWarning("%s", connection.error().toString().c_str());
        return false;
    }
    auto done = (*connection)->exec(sql);
    if (!done)
        qWarning("%s", done.error().toString().c_str());
    return done.ok();
}

std::set<std::string> folderEntries(const fs::path& dir)
{
    std::set<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir))
        names.insert(entry.path().filename().string());
    return names;
}

} // namespace

class TestSqliteStore : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<SqliteStore> m_store;

private slots:
    void initTestCase()
    {
        QVERIFY2(fs::exists(kFixtureDb), kFixtureDb.c_str());
        m_store = openOrFail(kFixtureDb);
        QVERIFY(m_store);
    }

    void identity()
    {
        QCOMPARE(m_store->kind(), StoreKind::Sqlite);
        QVERIFY(has(m_store->capabilities(), Capability::Registry));
        QVERIFY(!has(m_store->capabilities(), Capability::WriteRuns));
        QCOMPARE(qs(m_store->uri()), u"sqlite:///"_s + qs(fs::absolute(kFixtureDb).lexically_normal().string()));
        QVERIFY(m_store->uri().starts_with("sqlite:////"));
        QVERIFY(!m_store->isImmutable());
    }

    void matchesWhatMlflowRead()
    {
        // Every experiment (all views, MLflow's order with integer ids), every run through searchRuns
        // and run(id), full metric histories, artifact listings with sha256, and the registry.
        test::CompareOptions options;
        options.experimentIdsAsNumbers = true;
        const auto mismatches = test::compareStoreWithExpected(*m_store, expectedSqlite(), options);
        QVERIFY2(mismatches.empty(), test::joinMismatches(mismatches).c_str());
    }

    void openStoreResolvesSqlite()
    {
        const std::string absolute = fs::absolute(kFixtureDb).lexically_normal().string();
        for (const std::string& uri : {"sqlite:///" + absolute, absolute, kFixtureDb.parent_path().string()}) {
            auto store = openStore(uri);
            QVERIFY2(store, store ? "" : store.error().toString().c_str());
            QCOMPARE((*store)->kind(), StoreKind::Sqlite);
            QCOMPARE(qs((*store)->uri()), u"sqlite:///"_s + qs(absolute));
            auto experiments = (*store)->experiments(ViewType::ActiveOnly);
            QVERIFY(experiments);
            QCOMPARE(experiments->experiments.size(), std::size_t(5));
        }
    }

    void experimentViews()
    {
        auto active = m_store->experiments(ViewType::ActiveOnly);
        auto deleted = m_store->experiments(ViewType::DeletedOnly);
        QVERIFY(active && deleted);
        QCOMPARE(active->experiments.size(), std::size_t(5));
        QVERIFY(std::none_of(active->experiments.begin(), active->experiments.end(),
            [](const Experiment& e) { return e.lifecycleStage == LifecycleStage::Deleted; }));
        QCOMPARE(deleted->experiments.size(), std::size_t(1));
        QCOMPARE(qs(deleted->experiments[0].name), u"to-be-deleted"_s);
    }

    void experimentById()
    {
        auto nlp = m_store->experiment("2");
        QVERIFY(nlp);
        QCOMPARE(qs(nlp->name), QString::fromUtf8("/Users/alice@example.com/nlp — sentiment ✓ (v2)"));
        auto deleted = m_store->experiment("3");
        QVERIFY(deleted);
        QCOMPARE(deleted->lifecycleStage, LifecycleStage::Deleted);
        QCOMPARE(deleted->tags.size(), std::size_t(1));
        for (const char* missing : {"999", "abc", "", "1; DROP TABLE runs"}) {
            auto none = m_store->experiment(missing);
            QVERIFY(!none);
            QCOMPARE(none.error().code, ErrorCode::ResourceDoesNotExist);
        }
    }

    void allRunsInDefaultOrder()
    {
        RunQuery query;
        query.view = ViewType::All;
        auto list = m_store->searchRuns(query);
        QVERIFY2(list, list ? "" : list.error().toString().c_str());
        QVERIFY(list->problems.empty());
        const auto expected = expectedRuns();
        std::vector<const Json*> runs;
        for (const auto& [id, run] : expected)
            runs.push_back(&run);
        const auto order = test::expectedRunOrder(runs);
        QCOMPARE(list->runs.size(), order.size());
        for (std::size_t i = 0; i < order.size(); ++i)
            QCOMPARE(qs(list->runs[i].info.runId), qs(order[i]));
    }

    void nonFiniteMetricsAsMlflowReturnsThem()
    {
        auto run = m_store->run(kNanRun);
        QVERIFY(run);
        QVERIFY(std::isnan(run->metric("nan_only")->point.value));
        // SQL stores +-inf as +-DBL_MAX and MLflow hands back that finite number.
        QCOMPARE(run->metric("inf_last")->point.value, 1.7976931348623157e308);
        QCOMPARE(run->metric("neg_inf_last")->point.value, -1.7976931348623157e308);
        QCOMPARE(run->metric("weird_values")->point.value, -1.5);
    }

    void unknownRun()
    {
        auto missing = m_store->run("0123456789abcdef0123456789abcdef");
        QVERIFY(!missing);
        QCOMPARE(missing.error().code, ErrorCode::ResourceDoesNotExist);
    }

    void metricHistoryOrderAndErrors()
    {
        // MLflow orders by timestamp, not by step: the steps here are -5, 2^53 + 1, 3.
        auto weird = m_store->metricHistory(kResnetRun, "weird_steps");
        QVERIFY(weird);
        QCOMPARE(weird->size(), std::size_t(3));
        QCOMPARE((*weird)[1].step, std::int64_t(9007199254740993));
        auto unknownKey = m_store->metricHistory(kResnetRun, "no-such-metric");
        QVERIFY(unknownKey && unknownKey->empty());
        auto unknownRun = m_store->metricHistory("0123456789abcdef0123456789abcdef", "loss");
        QVERIFY(!unknownRun);
        QCOMPARE(unknownRun.error().code, ErrorCode::ResourceDoesNotExist);
    }

    void historyQueryUsesRunUuidIndex()
    {
        const std::string& sql = m_store->metricHistorySql();
        QVERIFY2(sql.find("index_metrics_run_uuid") != std::string::npos, sql.c_str());
        auto connection = SqliteConnection::open(kFixtureDb, SqliteConnection::Access::ReadOnly);
        QVERIFY(connection);
        auto plan = (*connection)->prepare("EXPLAIN QUERY PLAN " + sql);
        QVERIFY2(plan, plan ? "" : plan.error().toString().c_str());
        plan->bindText(1, kResnetRun);
        plan->bindText(2, "train/loss");
        std::string details;
        for (;;) {
            auto row = plan->step();
            QVERIFY(row);
            if (!*row)
                break;
            details += plan->text(3) + "\n";
        }
        QVERIFY2(details.find("USING INDEX index_metrics_run_uuid (run_uuid=?)") != std::string::npos, details.c_str());
        QVERIFY2(details.find("sqlite_autoindex_metrics") == std::string::npos, details.c_str());
        QVERIFY2(details.find("SCAN metrics") == std::string::npos, details.c_str());
    }

    void artifactPathsAreChecked()
    {
        auto root = m_store->artifactRoot(kResnetRun);
        QVERIFY(root);
        QCOMPARE(
            qs(root->string()), qs((kFixtureArtifacts / "1" / kResnetRun / "artifacts").lexically_normal().string()));

        auto part = m_store->readArtifact(kResnetRun, "config/params.json", 10);
        QVERIFY(part);
        QCOMPARE(part->size(), std::size_t(10));
        auto sub = m_store->listArtifacts(kResnetRun, "nested/a/");
        QVERIFY(sub);
        QCOMPARE(sub->size(), std::size_t(1));
        QCOMPARE(qs(sub->front().path), u"nested/a/b"_s);
        auto ofFile = m_store->listArtifacts(kResnetRun, "empty.bin");
        QVERIFY(ofFile && ofFile->empty());

        for (const char* bad : {"../x", "/etc/passwd", "a/../../b", "file:///etc/passwd"}) {
            auto listed = m_store->listArtifacts(kResnetRun, bad);
            QVERIFY2(!listed, bad);
            QCOMPARE(listed.error().code, ErrorCode::InvalidParameterValue);
            auto read = m_store->readArtifact(kResnetRun, bad, 100);
            QVERIFY2(!read, bad);
            QCOMPARE(read.error().code, ErrorCode::InvalidParameterValue);
        }
        auto folder = m_store->readArtifact(kResnetRun, "model", 100);
        QVERIFY(!folder);
        QCOMPARE(folder.error().code, ErrorCode::InvalidParameterValue);
        auto missing = m_store->readArtifact(kResnetRun, "no-such-file", 100);
        QVERIFY(!missing);
        QCOMPARE(missing.error().code, ErrorCode::ResourceDoesNotExist);
        // A run that logged nothing has no folder; MLflow lists that as empty.
        auto none = m_store->listArtifacts(kNanRun);
        QVERIFY(none && none->empty());
        auto unknown = m_store->listArtifacts("0123456789abcdef0123456789abcdef");
        QVERIFY(!unknown);
        QCOMPARE(unknown.error().code, ErrorCode::ResourceDoesNotExist);
    }

    void artifactRelocation()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const fs::path tmp = dir.path().toStdString();
        const fs::path source = kFixtureArtifacts / "1" / kResnetRun / "artifacts";

        // MLflow's local default layout: mlruns/<exp>/<run>/artifacts beside mlflow.db.
        const fs::path db = copyFixture(dir, "project");
        fs::create_directories(tmp / "project" / "mlruns" / "1" / kResnetRun);
        fs::copy(source, tmp / "project" / "mlruns" / "1" / kResnetRun / "artifacts", fs::copy_options::recursive);
        {
            auto store = openOrFail(db);
            QVERIFY(store);
            auto root = store->artifactRoot(kResnetRun);
            QVERIFY(root);
            QCOMPARE(qs(root->string()), qs((tmp / "project" / "mlruns" / "1" / kResnetRun / "artifacts").string()));
            auto files = store->listArtifacts(kResnetRun);
            QVERIFY(files && files->size() > 5);
        }

        // A recorded location that exists is used as it is, as a path or a file: URI.
        const fs::path elsewhere = tmp / "elsewhere dir";
        fs::copy(source, elsewhere, fs::copy_options::recursive);
        const std::string elsewhereText = fs::absolute(elsewhere).string();
        QVERIFY(
            execOn(db, "UPDATE runs SET artifact_uri = '" + elsewhereText + "' WHERE run_uuid = '" + kResnetRun + "'"));
        {
            auto store = openOrFail(db);
            QVERIFY(store);
            auto root = store->artifactRoot(kResnetRun);
            QVERIFY(root);
            QCOMPARE(qs(root->string()), qs(elsewhereText));
        }
        QVERIFY(execOn(db,
            "UPDATE runs SET artifact_uri = 'file://" + elsewhereText.substr(0, elsewhereText.size() - 4)
                + "%20dir' WHERE run_uuid = '" + kResnetRun + "'"));
        {
            auto store = openOrFail(db);
            QVERIFY(store);
            auto root = store->artifactRoot(kResnetRun);
            QVERIFY(root);
            QCOMPARE(qs(root->string()), qs(elsewhereText));
        }

        // Proxied artifacts of `mlflow server` live in mlartifacts/ beside the database.
        QVERIFY(execOn(db,
            "UPDATE runs SET artifact_uri = 'mlflow-artifacts:/1/" + kResnetRun + "/artifacts' WHERE run_uuid = '"
                + kResnetRun + "'"));
        fs::remove_all(tmp / "project" / "mlruns");
        fs::create_directories(tmp / "project" / "mlartifacts" / "1" / kResnetRun);
        fs::copy(source, tmp / "project" / "mlartifacts" / "1" / kResnetRun / "artifacts", fs::copy_options::recursive);
        {
            auto store = openOrFail(db);
            QVERIFY(store);
            auto files = store->listArtifacts(kResnetRun, "model");
            QVERIFY(files);
            QCOMPARE(files->size(), std::size_t(3));
        }

        // Remote locations without a local copy cannot be listed, and say so.
        QVERIFY(execOn(
            db, "UPDATE runs SET artifact_uri = 's3://bucket/x/artifacts' WHERE run_uuid = '" + kResnetRun + "'"));
        {
            auto store = openOrFail(db);
            QVERIFY(store);
            auto files = store->listArtifacts(kResnetRun);
            QVERIFY(!files);
            QCOMPARE(files.error().code, ErrorCode::NotImplemented);
            QVERIFY(files.error().message.find("s3://bucket/x/artifacts") != std::string::npos);
        }
    }

    void promptsAreNotModels()
    {
        QTemporaryDir dir;
        const fs::path db = copyFixture(dir);
        QVERIFY(execOn(db,
            "INSERT INTO registered_model_tags (key, value, name) VALUES ('mlflow.prompt.is_prompt', "
            "'true', 'empty-model')"));
        auto store = openOrFail(db);
        QVERIFY(store);
        auto models = store->registeredModels();
        QVERIFY(models);
        QCOMPARE(models->size(), std::size_t(3));
        QVERIFY(std::none_of(
            models->begin(), models->end(), [](const RegisteredModel& m) { return m.name == "empty-model"; }));
    }

    void searchScopes()
    {
        RunQuery query;
        query.experimentIds = {"1"};
        auto active = m_store->searchRuns(query);
        QVERIFY(active);
        QCOMPARE(active->runs.size(), std::size_t(14));

        query.view = ViewType::DeletedOnly;
        auto deleted = m_store->searchRuns(query);
        QVERIFY(deleted);
        QCOMPARE(deleted->runs.size(), std::size_t(1));
        QCOMPARE(qs(deleted->runs[0].info.runId), qs(kDeletedRun));

        // No experiments named: every experiment in the view.
        RunQuery everything;
        auto all = m_store->searchRuns(everything);
        QVERIFY(all);
        QCOMPARE(all->runs.size(), std::size_t(20));
        everything.view = ViewType::DeletedOnly;
        auto trash = m_store->searchRuns(everything);
        QVERIFY(trash);
        QCOMPARE(trash->runs.size(), std::size_t(2)); // the deleted run and the run of the deleted experiment

        for (const char* unknown : {"999", "abc"}) {
            RunQuery bad;
            bad.experimentIds = {"1", unknown};
            auto error = m_store->searchRuns(bad);
            QVERIFY(!error);
            QCOMPARE(error.error().code, ErrorCode::ResourceDoesNotExist);
            QVERIFY(error.error().message.find(unknown) != std::string::npos);
        }

        RunQuery limited;
        limited.experimentIds = {"1", "2"};
        limited.maxResults = 3;
        auto three = m_store->searchRuns(limited);
        QVERIFY(three);
        QCOMPARE(three->runs.size(), std::size_t(3));
        QCOMPARE(qs(three->runs[0].info.runId), qs(all->runs[0].info.runId));

        RunQuery infoOnly;
        infoOnly.fields = static_cast<RunFields>(RunField::Info);
        auto bare = m_store->searchRuns(infoOnly);
        QVERIFY(bare);
        QCOMPARE(bare->runs.size(), std::size_t(20));
        for (const Run& run : bare->runs) {
            QVERIFY(run.params.empty() && run.tags.empty() && run.metrics.empty() && run.inputs.empty());
            QVERIFY(!run.info.runName.empty());
        }
    }

    void cancelledSearchStops()
    {
        TaskControl control;
        control.cancel();
        auto result = m_store->searchRuns(RunQuery {}, &control);
        QVERIFY(!result);
        QCOMPARE(result.error().code, ErrorCode::Cancelled);

        std::vector<std::int64_t> phases;
        TaskControl progress([&](std::int64_t done, std::int64_t total) {
            phases.push_back(done);
            QCOMPARE(total, std::int64_t(6));
        });
        QVERIFY(m_store->searchRuns(RunQuery {}, &progress));
        QCOMPARE(phases.back(), std::int64_t(6));
    }

    void callsFromManyThreads()
    {
        RunQuery query;
        query.view = ViewType::All;
        auto reference = m_store->searchRuns(query);
        auto history = m_store->metricHistory(kResnetRun, "train/loss");
        QVERIFY(reference && history);
        std::atomic<int> mismatches {0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t) {
            threads.emplace_back([&] {
                for (int i = 0; i < 5; ++i) {
                    auto runs = m_store->searchRuns(query);
                    auto points = m_store->metricHistory(kResnetRun, "train/loss");
                    if (!runs || !points || runs->runs.size() != reference->runs.size()
                        || points->size() != history->size())
                        ++mismatches;
                    else if (runs->runs.back().info.runId != reference->runs.back().info.runId)
                        ++mismatches;
                }
            });
        }
        for (auto& thread : threads)
            thread.join();
        QCOMPARE(mismatches.load(), 0);
    }

    void notADatabase()
    {
        QTemporaryDir dir;
        const fs::path text = fs::path(dir.path().toStdString()) / "mlflow.db";
        std::ofstream(text) << "this is a text file, long enough to have a header of sixteen bytes\n";
        auto store = SqliteStore::open(text);
        QVERIFY(!store);
        QCOMPARE(store.error().code, ErrorCode::InvalidParameterValue);
        QVERIFY2(
            store.error().message.find("not an SQLite database") != std::string::npos, store.error().message.c_str());
        QVERIFY(store.error().message.find(text.string()) != std::string::npos);

        auto missing = SqliteStore::open(fs::path(dir.path().toStdString()) / "nothing.db");
        QVERIFY(!missing);
        QCOMPARE(missing.error().code, ErrorCode::ResourceDoesNotExist);

        auto folder = SqliteStore::open(dir.path().toStdString());
        QVERIFY(!folder);
        QCOMPARE(folder.error().code, ErrorCode::InvalidParameterValue);

        const fs::path other = fs::path(dir.path().toStdString()) / "other.db";
        std::ofstream(other).close();
        QVERIFY(execOn(other, "CREATE TABLE notes (body TEXT)"));
        auto foreign = SqliteStore::open(other);
        QVERIFY(!foreign);
        QCOMPARE(foreign.error().code, ErrorCode::InvalidParameterValue);
        QVERIFY2(foreign.error().message.find("not an MLflow tracking store") != std::string::npos,
            foreign.error().message.c_str());
    }

    void withoutLatestMetricsTable()
    {
        QTemporaryDir dir;
        const fs::path db = copyFixture(dir);
        QVERIFY(execOn(db, "DROP TABLE latest_metrics"));
        auto store = openOrFail(db);
        QVERIFY(store);
        test::CompareOptions options;
        options.artifacts = false;
        const auto mismatches = test::compareRuns(*store, expectedSqlite(), options);
        QVERIFY2(mismatches.empty(), test::joinMismatches(mismatches).c_str());
    }

    void runNameFromTagWithoutNameColumn()
    {
        QTemporaryDir dir;
        const fs::path db = copyFixture(dir);
        QVERIFY(execOn(db, "ALTER TABLE runs DROP COLUMN name"));
        auto store = openOrFail(db);
        QVERIFY(store);
        RunQuery query;
        query.view = ViewType::All;
        query.fields = static_cast<RunFields>(RunField::Info);
        auto list = store->searchRuns(query);
        QVERIFY(list);
        const auto expected = expectedRuns();
        for (const Run& run : list->runs)
            QCOMPARE(qs(run.info.runName), qs(expected.at(run.info.runId)["run_name"].get<std::string>()));
    }

    void workspaceColumnHidesOtherWorkspaces()
    {
        QTemporaryDir dir;
        const fs::path db = copyFixture(dir);
        QVERIFY(execOn(db,
            "ALTER TABLE experiments ADD COLUMN workspace VARCHAR(63) NOT NULL DEFAULT 'default';"
            "INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, "
            "  last_update_time, workspace) VALUES (99, 'team-b-experiment', '/x', 'active', 1, 1, 'team-b');"
            "INSERT INTO runs (run_uuid, name, source_type, user_id, status, start_time, lifecycle_stage, "
            "  artifact_uri, experiment_id) VALUES ('ffffffffffffffffffffffffffffffff', 'other', 'LOCAL', 'u', "
            "  'FINISHED', 1, 'active', '/x', 99);"
            "ALTER TABLE registered_models ADD COLUMN workspace VARCHAR(63) NOT NULL DEFAULT 'default';"
            "INSERT INTO registered_models (name, creation_time, last_updated_time, workspace) "
            "  VALUES ('team-b-model', 1, 1, 'team-b');"));
        auto store = openOrFail(db);
        QVERIFY(store);
        auto experiments = store->experiments(ViewType::All);
        QVERIFY(experiments);
        QCOMPARE(experiments->experiments.size(), std::size_t(6));
        QVERIFY(!store->experiment("99"));
        RunQuery query;
        query.experimentIds = {"99"};
        QVERIFY(!store->searchRuns(query));
        auto all = store->searchRuns(RunQuery {});
        QVERIFY(all);
        QCOMPARE(all->runs.size(), std::size_t(20));
        auto run = store->run("ffffffffffffffffffffffffffffffff");
        QVERIFY(!run);
        QCOMPARE(run.error().code, ErrorCode::ResourceDoesNotExist);
        auto models = store->registeredModels();
        QVERIFY(models);
        QCOMPARE(models->size(), std::size_t(4));
        QVERIFY(!store->modelVersions("team-b-model"));
    }

    void readOnlyFolder()
    {
        QTemporaryDir dir;
        const fs::path folder = fs::path(dir.path().toStdString()) / "ro";
        const fs::path db = copyFixture(dir, "ro");
        const fs::path walFolder = fs::path(dir.path().toStdString()) / "ro-wal";
        const fs::path walDb = copyFixture(dir, "ro-wal");
        // A WAL database closed cleanly: no -wal or -shm file is left, the header says WAL.
        QVERIFY(execOn(walDb, "PRAGMA journal_mode = WAL"));
        QVERIFY(!fs::exists(walFolder / "mlflow.db-wal"));

        const auto readOnly = fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read
            | fs::perms::group_exec | fs::perms::others_read | fs::perms::others_exec;
        for (const auto& f : {folder, walFolder}) {
            fs::permissions(f / "mlflow.db", fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
            fs::permissions(f, readOnly);
        }
        const auto before = folderEntries(folder);
        const auto bytesBefore = fs::file_size(db);
        {
            auto store = openOrFail(db);
            QVERIFY(store);
            auto runs = store->searchRuns(RunQuery {});
            QVERIFY(runs);
            QCOMPARE(runs->runs.size(), std::size_t(20));
            QVERIFY(store->metricHistory(kResnetRun, "train/loss"));
        }
        QVERIFY(folderEntries(folder) == before); // no journal left behind, nothing written
        QCOMPARE(fs::file_size(db), bytesBefore);
        {
            auto store = openOrFail(walDb);
            QVERIFY(store);
            auto runs = store->searchRuns(RunQuery {});
            QVERIFY(runs);
            QCOMPARE(runs->runs.size(), std::size_t(20));
            // Root ignores folder permissions; anyone else gets the immutable fallback here.
            if (geteuid() != 0)
                QVERIFY(store->isImmutable());
        }
        for (const auto& f : {folder, walFolder})
            fs::permissions(f, fs::perms::owner_all, fs::perm_options::add);
    }

    void readsWhileAnotherConnectionWrites_data()
    {
        QTest::addColumn<QString>("journalMode");
        QTest::newRow("wal") << u"WAL"_s;
        QTest::newRow("rollback journal") << u"DELETE"_s;
    }

    void readsWhileAnotherConnectionWrites()
    {
        QFETCH(QString, journalMode);
        QTemporaryDir dir;
        const fs::path db = copyFixture(dir);
        auto writer = SqliteConnection::open(db, SqliteConnection::Access::ReadWrite);
        QVERIFY(writer);
        QVERIFY((*writer)->exec("PRAGMA journal_mode = " + journalMode.toStdString()));
        auto store = openOrFail(db);
        QVERIFY(store);

        // The writer holds its write transaction open (as a training process between commits).
        QVERIFY((*writer)->exec("BEGIN IMMEDIATE"));
        QVERIFY((*writer)->exec("INSERT INTO tags (key, value, run_uuid) VALUES ('live', 'yes', '" + kResnetRun
            + "'); UPDATE runs SET status = 'RUNNING' WHERE run_uuid = '" + kResnetRun + "'"));
        auto during = store->run(kResnetRun);
        QVERIFY2(during, during ? "" : during.error().toString().c_str());
        QVERIFY(!during->tag("live"));
        QCOMPARE(during->info.status, RunStatus::Finished);
        auto search = store->searchRuns(RunQuery {});
        QVERIFY(search);
        QCOMPARE(search->runs.size(), std::size_t(20));

        QVERIFY((*writer)->exec("COMMIT"));
        auto after = store->run(kResnetRun);
        QVERIFY(after);
        QVERIFY(after->tag("live") && *after->tag("live") == "yes");
        QCOMPARE(after->info.status, RunStatus::Running);
    }
};

QTEST_GUILESS_MAIN(TestSqliteStore)
#include "tst_sqlitestore.moc"
