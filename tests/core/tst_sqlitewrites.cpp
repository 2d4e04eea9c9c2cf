// SPDX-License-Identifier: Apache-2.0
// SqliteStore writes on copies of the mlflow.db written by MLflow 2.22: every write read back through
// the store and checked row by row against the database (exactly the rows MLflow's SQL store would
// change, with its timestamps), plus errors, a locked database, read-only files and untested schemas.

#include "expectedjson.h"
#include "sqlitedump.h"
#include "stores/sqlite/sqliteconnection.h"
#include "stores/sqlite/sqlitestore.h"

#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <grp.h>
#include <map>
#include <set>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace runlens;
using namespace runlens::test::sqlitedump;
namespace fs = std::filesystem;

namespace {

const fs::path kFixtureDb = fs::path(RUNLENS_FIXTURE_DIR) / "sqlite" / "mlflow.db";
const std::string kResnetRun = "3f391c61d696479dbd9255bd742f94eb";
const std::string kDeletedRun = "6c4fcb39bfdf4addb09f5d3a9dd0501d";
const std::string kRenamedRun = "cee7e72ecdf84e94b456a2cacab3d623"; // MLflow renamed it from old-name
const std::string kRestoredRun = "5a0f242d429a4f54a1b397d7e390b893"; // MLflow deleted and restored it
const std::string kResnet = "resnet-classifier";

std::int64_t nowMillis()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

fs::path copyFixture(const QTemporaryDir& dir, const std::string& subfolder = "db")
{
    const fs::path folder = fs::path(dir.path().toStdString()) / subfolder;
    fs::create_directories(folder);
    const fs::path db = folder / "mlflow.db";
    fs::copy_file(kFixtureDb, db, fs::copy_options::overwrite_existing);
    return db;
}

std::unique_ptr<SqliteStore> openWritable(const fs::path& db)
{
    auto store = SqliteStore::open(db, /*readOnly=*/false);
    if (!store) {
        qWarning("%s", store.error().toString().c_str());
        return nullptr;
    }
    return std::move(store.value());
}

const ModelVersion* findVersion(const std::vector<ModelVersion>& versions, std::int64_t number)
{
    for (const auto& v : versions) {
        if (v.version == number)
            return &v;
    }
    return nullptr;
}

std::string tableChanges(const std::map<std::string, std::vector<std::string>>& changes)
{
    std::string tables;
    for (const auto& [table, rows] : changes)
        tables += (tables.empty() ? "" : ",") + table;
    return tables;
}

#define QVERIFY_OK(expr)                                                                                               \
    do {                                                                                                               \
        const auto& result_ = (expr);                                                                                  \
        QVERIFY2(result_, result_ ? "" : result_.error().toString().c_str());                                          \
    } while (false)

#define QVERIFY_ERROR(expr, errorCode)                                                                                 \
    do {                                                                                                               \
        const auto& result_ = (expr);                                                                                  \
        QVERIFY2(!result_, #expr " unexpectedly succeeded");                                                           \
        QVERIFY2(result_.error().code == (errorCode), result_.error().toString().c_str());                             \
    } while (false)

// Runs `fn` as uid 65534 when the tests run as root (root writes whatever the permissions); the
// child reports "OK" or a failure message through a pipe. Empty `skip` means it ran.
std::string runUnprivileged(const fs::path& folder, const std::function<std::string()>& fn, std::string& skip)
{
    if (::geteuid() != 0)
        return fn();
    for (fs::path dir = folder.parent_path(); !dir.empty() && dir != dir.root_path(); dir = dir.parent_path()) {
        struct stat st;
        if (::stat(dir.c_str(), &st) != 0 || !(st.st_mode & S_IXOTH)) {
            skip = "running as root, and " + dir.string() + " cannot be entered by uid 65534 (nobody)";
            return {};
        }
    }
    int fds[2];
    if (::pipe(fds) != 0) {
        skip = "pipe() failed";
        return {};
    }
    const pid_t pid = ::fork();
    if (pid < 0) {
        skip = "fork() failed";
        return {};
    }
    if (pid == 0) {
        ::close(fds[0]);
        std::string out;
        if (::setgroups(0, nullptr) != 0 || ::setgid(65534) != 0 || ::setuid(65534) != 0)
            out = "SKIP:cannot drop root privileges to uid/gid 65534";
        else
            out = fn();
        [[maybe_unused]] const auto n = ::write(fds[1], out.data(), out.size());
        ::close(fds[1]);
        ::_exit(0);
    }
    ::close(fds[1]);
    std::string text;
    char buffer[4096];
    for (;;) {
        const ssize_t n = ::read(fds[0], buffer, sizeof buffer);
        if (n <= 0)
            break;
        text.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (text.rfind("SKIP:", 0) == 0) {
        skip = text.substr(5);
        return {};
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return "child process failed: " + text;
    return text;
}

} // namespace

class TestSqliteWrites : public QObject
{
    Q_OBJECT

private slots:
    void readOnlyByDefault()
    {
        QTemporaryDir dir;
        const fs::path db = copyFixture(dir);
        const Dump before = dumpDb(db);
        auto store = SqliteStore::open(db);
        QVERIFY(store);
        QVERIFY(!has((*store)->capabilities(), Capability::WriteRuns));
        QVERIFY(!has((*store)->capabilities(), Capability::WriteRegistry));
        QVERIFY(has((*store)->capabilities(), Capability::Registry));
        QVERIFY(!(*store)->writeBlocker().empty());
        QVERIFY_ERROR((*store)->setRunTag(kResnetRun, "note", "x"), ErrorCode::NotImplemented);
        QVERIFY_ERROR((*store)->transitionModelVersionStage(kResnet, 4, "Staging", false), ErrorCode::NotImplemented);
        store = StoreError {};
        QVERIFY2(diff(before, dumpDb(db)).empty(), describe(diff(before, dumpDb(db))).c_str());
    }

    void writableCopy()
    {
        QTemporaryDir dir;
        auto store = openWritable(copyFixture(dir));
        QVERIFY(store);
        QVERIFY2(store->writeBlocker().empty(), store->writeBlocker().c_str());
        QVERIFY(has(store->capabilities(), Capability::WriteRuns));
        QVERIFY(has(store->capabilities(), Capability::WriteRegistry));
    }

    void setRunTag()
    {
        QTemporaryDir dir;
        const fs::path db = copyFixture(dir);
        auto store = openWritable(db);
        QVERIFY(store);
        const Dump before = dumpDb(db);
        QVERIFY_OK(store->setRunTag(kResnetRun, "note", "first ✓"));
        auto changes = diff(before, dumpDb(db));
        QCOMPARE(changes.size(), std::size_t(1));
        QCOMPARE(changes["tags"], std::vector<std::string> {"+note|first ✓|" + kResnetRun});

        QVERIFY_OK(store->setRunTag(kResnetRun, "note", "second"));
        changes = diff(before, dumpDb(db));
        QCOMPARE(changes["tags"], std::vector<std::string> {"+note|second|" + kResnetRun});
        auto run = store->run(kResnetRun);
        QVERIFY(run);
        QVERIFY(run->tag("note"));
        QCOMPARE(*run->tag("note"), std::string("second"));

        // An empty value is a value (MLflow stores it).
        QVERIFY_OK(store->setRunTag(kResnetRun, "note", ""));
        QCOMPARE(
            scalar(db, "SELECT value FROM tags WHERE key = 'note' AND run_uuid = '" + kResnetRun + "'"), std::string());
    }

    void setRunNameTagRenames()
    {
        QTemporaryDir dir;
        const fs::path db = copyFixture(dir);
        auto store = openWritable(db);
        QVERIFY(store);
        const Dump before = dumpDb(db);
        const std::string oldName = scalar(db, "SELECT name FROM runs WHERE run_uuid = '" + kResnetRun + "'");
        QVERIFY_OK(store->setRunTag(kResnetRun, "mlflow.runName", "tag-renamed"));
        const auto changes = diff(before, dumpDb(db));
        QCOMPARE(tableChanges(changes), std::string("runs,tags"));
        QCOMPARE(changes.at("tags"),
            (std::vector<std::string> {
                "-mlflow.runName|" + oldName + "|" + kResnetRun, "+mlflow.runName|tag-renamed|" + kResnetRun}));
        QCOMPARE(changes.at("runs").size(), std::size_t(2)); // the one row, old and new
        QCOMPARE(scalar(db, "SELECT name FROM runs WHERE run_uuid = '" + kResnetRun + "'"), std::string("tag-renamed"));
        auto run = store->run(kResnetRun);
        QVERIFY(run);
        QCOMPARE(run->info.runName, std::string("tag-renamed"));
        QVERIFY_ERROR(store->setRunTag(kResnetRun, "mlflow.runName", ""), ErrorCode::InvalidParameterValue);
    }

    void renameRun()
    {
        QTemporaryDir dir;
        const fs::path db = copyFixture(dir);
        auto store = openWritable(db);
        QVERIFY(store);
        const Dump before = dumpDb(db);
        QVERIFY_OK(store->renameRun(kResnetRun, "Ünïcode renamed ✓"));
        const auto changes = diff(before, dumpDb(db));
        QCOMPARE(tableChanges(changes), std::string("runs,tags"));
        // The shape MLflow left for the run it renamed: runs.name and the tag agree.
        for (const auto& runId : {kResnetRun, kRenamedRun}) {
            QCOMPARE(scalar(db, "SELECT name FROM runs WHERE run_uuid = '" + runId + "'"),
                scalar(db, "SELECT value FROM tags WHERE key = 'mlflow.runName' AND run_uuid = '" + runId + "'"));
        }
        auto run = store->run(kResnetRun);
        QVERIFY(run);
        QCOMPARE(run->info.runName, std::string("Ünïcode renamed ✓"));
        QCOMPARE(*run->tag("mlflow.runName"), std::string("Ünïcode renamed ✓"));
        QVERIFY_ERROR(store->renameRun(kResnetRun, ""), ErrorCode::InvalidParameterValue);
        QVERIFY_ERROR(store->renameRun("0123456789abcdef0123456789abcdef", "x"), ErrorCode::ResourceDoesNotExist);
    }

    void deleteRunTag()
    {
        QTemporaryDir dir;
        const fs::path db = copyFixture(dir);
        auto store = openWritable(db);
        QVERIFY(store);
        QVERIFY_OK(store->setRunTag(kResnetRun, "temp", "1"));
        const Dump before = dumpDb(db);
        QVERIFY_OK(store->deleteRunTag(kResnetRun, "temp"));
        const auto changes = diff(before, dumpDb(db));
        QCOMPARE(changes.size(), std::size_t(1));
        QCOMPARE(changes.at("tags"), std::vector<std::string> {"-temp|1|" + kResnetRun});
        QVERIFY_ERROR(store->deleteRunTag(kResnetRun, "temp"), ErrorCode::ResourceDoesNotExist);
        QVERIFY_ERROR(store->deleteRunTag("0123456789abcdef0123456789abcdef", "temp"), ErrorCode::ResourceDoesNotExist);
        auto run = store->run(kResnetRun);
        QVERIFY(run);
        QVERIFY(!run->tag("temp"));
    }

    void deleteAndRestoreRun()
    {
        QTemporaryDir dir;
        const fs::path db = copyFixture(dir);
        auto store = openWritable(db);
        QVERIFY(store);
        const Dump before = dumpDb(db);
        const std::int64_t t0 = nowMillis();
        QVERIFY_OK(store->deleteRun(kResnetRun));
        const std::int64_t t1 = nowMillis();
        auto changes = diff(before, dumpDb(db));
        QCOMPARE(tableChanges(changes), std::string("runs"));
        auto run = store->run(kResnetRun);
        QVERIFY(run);
        QCOMPARE(run->info.lifecycleStage, LifecycleStage::Deleted);
        QVERIFY(run->info.deletedTime);
        QVERIFY(*run->info.deletedTime >= t0 && *run->info.deletedTime <= t1);

        // A deleted run takes no tag changes (MLflow: INVALID_PARAMETER_VALUE).
        QVERIFY_ERROR(store->setRunTag(kResnetRun, "note", "x"), ErrorCode::InvalidParameterValue);
        QVERIFY_ERROR(store->renameRun(kResnetRun, "x"), ErrorCode::InvalidParameterValue);
        QVERIFY_ERROR(store->deleteRunTag(kResnetRun, "mlflow.user"), ErrorCode::InvalidParameterValue);

        QVERIFY_OK(store->restoreRun(kResnetRun));
        QVERIFY2(diff(before, dumpDb(db)).empty(), describe(diff(before, dumpDb(db))).c_str());
        // The same row shape MLflow left for the run it deleted and restored.
        QCOMPARE(scalar(db,
                     "SELECT lifecycle_stage || '|' || ifnull(deleted_time, '<null>') FROM runs WHERE run_uuid = '"
                         + kRestoredRun + "'"),
            std::string("active|<null>"));
        run = store->run(kResnetRun);
        QVERIFY(run);
        QCOMPARE(run->info.lifecycleStage, LifecycleStage::Active);
        QVERIFY(!run->info.deletedTime);

        // Restoring the fixture's deleted run.
        QVERIFY_OK(store->restoreRun(kDeletedRun));
        QCOMPARE(store->run(kDeletedRun)->info.lifecycleStage, LifecycleStage::Active);
        QVERIFY_ERROR(store->deleteRun("0123456789abcdef0123456789abcdef"), ErrorCode::ResourceDoesNotExist);
        QVERIFY_ERROR(store->restoreRun("0123456789abcdef0123456789abcdef"), ErrorCode::ResourceDoesNotExist);
    }

    void runTagValidation()
    {
        QTemporaryDir dir;
        const fs::path db = copyFixture(dir);
        auto store = openWritable(db);
        QVERIFY(store);
        const Dump before = dumpDb(db);
        for (const std::string key : {"", "a/../b", "/abs", "a//b", "bad*char", "./x", "x/"})
            QVERIFY_ERROR(store->setRunTag(kResnetRun, key, "v"), ErrorCode::InvalidParameterValue);
        QVERIFY_ERROR(store->setRunTag(kResnetRun, std::string(251, 'k'), "v"), ErrorCode::InvalidParameterValue);
        QVERIFY_ERROR(store->setRunTag(kResnetRun, "long", std::string(8001, 'v')), ErrorCode::InvalidParameterValue);
        QVERIFY_OK(store->setRunTag(kResnetRun, "ok key/with: spaces-and.dots_1", std::string(8000, 'v')));
        // Limits count characters, not bytes: 8000 two-byte characters fit.
        std::string wide;
        for (int i = 0; i < 8000; ++i)
            wide += "é";
        QVERIFY_OK(store->setRunTag(kResnetRun, "wide", wide));
        const auto changes = diff(before, dumpDb(db));
        QCOMPARE(changes.at("tags").size(), std::size_t(2));
    }

    void transitionStage()
    {
        QTemporaryDir dir;
        const fs::path db = copyFixture(dir);
        auto store = openWritable(db);
        QVERIFY(store);
        const Dump before = dumpDb(db);
        const std::int64_t t0 = nowMillis();
        auto moved = store->transitionModelVersionStage(kResnet, 4, "production", true);
        const std::int64_t t1 = nowMillis();
        QVERIFY_OK(moved);
        QCOMPARE(moved->currentStage, std::string("Production"));
        QCOMPARE(moved->version, std::int64_t(4));
        QVERIFY(moved->lastUpdatedTimestamp >= t0 && moved->lastUpdatedTimestamp <= t1);
        QCOMPARE(moved->tags.size(), std::size_t(1));

        auto versions = store->modelVersions(kResnet);
        QVERIFY(versions);
        const auto* v2 = findVersion(*versions, 2);
        const auto* v4 = findVersion(*versions, 4);
        QCOMPARE(v2->currentStage, std::string("Archived")); // it was in Production: archived
        QCOMPARE(v2->lastUpdatedTimestamp, v4->lastUpdatedTimestamp); // with the same time, as MLflow
        QCOMPARE(findVersion(*versions, 3)->currentStage, std::string("Staging"));
        QCOMPARE(findVersion(*versions, 1)->lastUpdatedTimestamp, std::int64_t(1795663698247));
        auto models = store->registeredModels();
        QVERIFY(models);
        for (const auto& m : *models) {
            if (m.name == kResnet)
                QCOMPARE(m.lastUpdatedTimestamp, v4->lastUpdatedTimestamp);
            else if (m.name == "sentiment-bert")
                QCOMPARE(m.lastUpdatedTimestamp, std::int64_t(1795663698354));
        }
        const auto changes = diff(before, dumpDb(db));
        QCOMPARE(tableChanges(changes), std::string("model_versions,registered_models"));
        QCOMPARE(changes.at("model_versions").size(), std::size_t(4)); // v2 and v4, old and new rows
        QCOMPARE(changes.at("registered_models").size(), std::size_t(2));

        // Without archiving, the others stay; same-stage moves are allowed.
        QVERIFY_OK(store->transitionModelVersionStage(kResnet, 3, "PRODUCTION", false));
        versions = store->modelVersions(kResnet);
        QCOMPARE(findVersion(*versions, 4)->currentStage, std::string("Production"));
        QCOMPARE(findVersion(*versions, 3)->currentStage, std::string("Production"));
        QVERIFY_OK(store->transitionModelVersionStage(kResnet, 3, "none", false));
        QCOMPARE(findVersion(*store->modelVersions(kResnet), 3)->currentStage, std::string("None"));
        QVERIFY_OK(store->transitionModelVersionStage(kResnet, 3, "Archived", false));
    }

    void transitionErrors()
    {
        QTemporaryDir dir;
        const fs::path db = copyFixture(dir);
        auto store = openWritable(db);
        QVERIFY(store);
        const Dump before = dumpDb(db);
        QVERIFY_ERROR(store->transitionModelVersionStage(kResnet, 4, "Prod", false), ErrorCode::InvalidParameterValue);
        QVERIFY_ERROR(store->transitionModelVersionStage(kResnet, 4, "Deleted_Internal", false),
            ErrorCode::InvalidParameterValue);
        QVERIFY_ERROR(
            store->transitionModelVersionStage(kResnet, 4, "Archived", true), ErrorCode::InvalidParameterValue);
        QVERIFY_ERROR(store->transitionModelVersionStage(kResnet, 4, "None", true), ErrorCode::InvalidParameterValue);
        QVERIFY_ERROR(store->transitionModelVersionStage(kResnet, 9, "Staging", true), ErrorCode::ResourceDoesNotExist);
        QVERIFY_ERROR(
            store->transitionModelVersionStage("sentiment-bert", 2, "Staging", false), ErrorCode::ResourceDoesNotExist);
        QVERIFY_ERROR(
            store->transitionModelVersionStage("no-such-model", 1, "Staging", false), ErrorCode::ResourceDoesNotExist);
        QVERIFY2(diff(before, dumpDb(db)).empty(), describe(diff(before, dumpDb(db))).c_str());
    }

    void aliases()
    {
        QTemporaryDir dir;
        const fs::path db = copyFixture(dir);
        auto store = openWritable(db);
        QVERIFY(store);
        const Dump before = dumpDb(db);
        // What MLflow did to build the fixture: alias 'temp' on version 4, then deleted it.
        QVERIFY_OK(store->setModelAlias(kResnet, "temp", 4));
        auto changes = diff(before, dumpDb(db));
        QCOMPARE(changes.size(), std::size_t(1)); // no last_updated_time moves for aliases in SQL
        QCOMPARE(changes.at("registered_model_aliases"), std::vector<std::string> {"+temp|4|" + kResnet});
        QCOMPARE(findVersion(*store->modelVersions(kResnet), 4)->aliases, std::vector<std::string> {"temp"});
        QVERIFY_OK(store->deleteModelAlias(kResnet, "temp"));
        QVERIFY2(diff(before, dumpDb(db)).empty(), describe(diff(before, dumpDb(db))).c_str());
        QVERIFY_OK(store->deleteModelAlias(kResnet, "temp")); // absent: no error

        // Expected.json's aliases are what MLflow reads back: champion -> 2, challenger -> 3.
        const auto& expected = test::expectedStore("sqlite")["registered_models"];
        for (const auto& model : expected) {
            if (model["name"] != kResnet)
                continue;
            QCOMPARE(model["aliases"]["champion"].get<std::string>(), std::string("2"));
        }
        // Setting an alias again moves it: one alias names one version.
        QVERIFY_OK(store->setModelAlias(kResnet, "champion", 3));
        changes = diff(before, dumpDb(db));
        QCOMPARE(changes.at("registered_model_aliases"),
            (std::vector<std::string> {"-champion|2|" + kResnet, "+champion|3|" + kResnet}));
        auto models = store->registeredModels();
        for (const auto& m : *models) {
            if (m.name != kResnet)
                continue;
            QCOMPARE(m.aliases.size(), std::size_t(2));
            for (const auto& a : m.aliases)
                QCOMPARE(a.version, std::int64_t(3));
        }
        QCOMPARE(findVersion(*store->modelVersions(kResnet), 3)->aliases,
            (std::vector<std::string> {"challenger", "champion"}));

        for (const std::string& bad : std::vector<std::string> {
                 "", "latest", "LaTeSt", "v3", "V12", "has space", "dot.ted", std::string(256, 'a')})
            QVERIFY_ERROR(store->setModelAlias(kResnet, bad, 4), ErrorCode::InvalidParameterValue);
        QVERIFY_OK(store->setModelAlias(kResnet, "v1x", 1)); // only v<digits> is reserved
        QVERIFY_OK(store->setModelAlias(kResnet, "Ünï-code_1", 1));
        QVERIFY_ERROR(store->setModelAlias(kResnet, "x", 9), ErrorCode::ResourceDoesNotExist);
        QVERIFY_ERROR(store->setModelAlias("sentiment-bert", "x", 2), ErrorCode::ResourceDoesNotExist); // deleted
        QVERIFY_ERROR(store->setModelAlias("no-such-model", "x", 1), ErrorCode::ResourceDoesNotExist);
        QVERIFY_ERROR(store->deleteModelAlias("no-such-model", "x"), ErrorCode::ResourceDoesNotExist);
        // Model and version times never moved.
        QVERIFY(!diff(before, dumpDb(db)).count("model_versions"));
        QVERIFY(!diff(before, dumpDb(db)).count("registered_models"));
    }

    void registeredModelTags()
    {
        QTemporaryDir dir;
        const fs::path db = copyFixture(dir);
        auto store = openWritable(db);
        QVERIFY(store);
        const Dump before = dumpDb(db);
        QVERIFY_OK(store->setRegisteredModelTag(kResnet, "owner", "platform"));
        QVERIFY_OK(store->setRegisteredModelTag("empty-model", "stage/2", "x"));
        auto changes = diff(before, dumpDb(db));
        QCOMPARE(tableChanges(changes), std::string("registered_model_tags"));
        QCOMPARE(changes.at("registered_model_tags"),
            (std::vector<std::string> {
                "-owner|vision|" + kResnet, "+owner|platform|" + kResnet, "+stage/2|x|empty-model"}));
        QVERIFY_OK(store->deleteRegisteredModelTag(kResnet, "task"));
        QVERIFY_OK(store->deleteRegisteredModelTag(kResnet, "task")); // absent: no error, as MLflow
        auto models = store->registeredModels();
        for (const auto& m : *models) {
            if (m.name == kResnet) {
                QCOMPARE(m.tags.size(), std::size_t(1));
                QCOMPARE(m.tags[0].value, std::string("platform"));
            }
        }
        QVERIFY_ERROR(store->setRegisteredModelTag("no-such-model", "k", "v"), ErrorCode::ResourceDoesNotExist);
        QVERIFY_ERROR(store->deleteRegisteredModelTag("no-such-model", "k"), ErrorCode::ResourceDoesNotExist);
        QVERIFY_ERROR(
            store->setRegisteredModelTag(kResnet, "k", std::string(5001, 'v')), ErrorCode::InvalidParameterValue);
        QVERIFY_ERROR(store->setRegisteredModelTag(kResnet, "../k", "v"), ErrorCode::InvalidParameterValue);
        QVERIFY_ERROR(store->setRegisteredModelTag("", "k", "v"), ErrorCode::InvalidParameterValue);
        QVERIFY(!diff(before, dumpDb(db)).count("registered_models")); // no time moves
    }

    void modelVersionTags()
    {
        QTemporaryDir dir;
        const fs::path db = copyFixture(dir);
        auto store = openWritable(db);
        QVERIFY(store);
        const Dump before = dumpDb(db);
        QVERIFY_OK(store->setModelVersionTag(kResnet, 4, "validated", "false"));
        QVERIFY_OK(store->setModelVersionTag(kResnet, 2, "validated", "again"));
        auto changes = diff(before, dumpDb(db));
        QCOMPARE(tableChanges(changes), std::string("model_version_tags"));
        QCOMPARE(changes.at("model_version_tags"),
            (std::vector<std::string> {"-validated|true|" + kResnet + "|2", "+validated|again|" + kResnet + "|2",
                "+validated|false|" + kResnet + "|4"}));
        QVERIFY_OK(store->deleteModelVersionTag(kResnet, 4, "validated"));
        QVERIFY_OK(store->deleteModelVersionTag(kResnet, 4, "validated")); // absent: no error
        const auto versions = store->modelVersions(kResnet);
        QVERIFY(versions);
        QCOMPARE(findVersion(*versions, 4)->tags.size(), std::size_t(1));
        QVERIFY_ERROR(store->setModelVersionTag(kResnet, 9, "k", "v"), ErrorCode::ResourceDoesNotExist);
        QVERIFY_ERROR(store->setModelVersionTag("sentiment-bert", 2, "k", "v"), ErrorCode::ResourceDoesNotExist);
        QVERIFY_ERROR(store->deleteModelVersionTag(kResnet, 9, "k"), ErrorCode::ResourceDoesNotExist);
        QVERIFY_ERROR(
            store->setModelVersionTag(kResnet, 4, "k", std::string(5001, 'v')), ErrorCode::InvalidParameterValue);
        QVERIFY(!diff(before, dumpDb(db)).count("model_versions"));
    }

    void descriptions()
    {
        QTemporaryDir dir;
        const fs::path db = copyFixture(dir);
        auto store = openWritable(db);
        QVERIFY(store);
        const Dump before = dumpDb(db);
        const std::int64_t t0 = nowMillis();
        QVERIFY_OK(store->updateModelVersionDescription(kResnet, 4, "line one\nline two — ✓"));
        const std::int64_t t1 = nowMillis();
        auto changes = diff(before, dumpDb(db));
        QCOMPARE(tableChanges(changes), std::string("model_versions")); // the model's time stays
        const auto versions = store->modelVersions(kResnet);
        QVERIFY(versions);
        const auto* v4 = findVersion(*versions, 4);
        QCOMPARE(*v4->description, std::string("line one\nline two — ✓"));
        QVERIFY(v4->lastUpdatedTimestamp >= t0 && v4->lastUpdatedTimestamp <= t1);

        QVERIFY_OK(store->updateRegisteredModelDescription("empty-model", ""));
        changes = diff(before, dumpDb(db));
        QCOMPARE(tableChanges(changes), std::string("model_versions,registered_models"));
        const auto models = store->registeredModels();
        QVERIFY(models);
        for (const auto& m : *models) {
            if (m.name == "empty-model") {
                QCOMPARE(m.description.value_or("<none>"), std::string());
                QVERIFY(m.lastUpdatedTimestamp >= t0);
                QCOMPARE(m.creationTimestamp, std::int64_t(1795663698364));
            }
        }
        QVERIFY_ERROR(store->updateRegisteredModelDescription("no-such-model", "x"), ErrorCode::ResourceDoesNotExist);
        QVERIFY_ERROR(store->updateModelVersionDescription("sentiment-bert", 2, "x"), ErrorCode::ResourceDoesNotExist);
    }

    void everythingElseUntouched()
    {
        // After a full round of writes and their undos, only timestamps MLflow moves differ.
        QTemporaryDir dir;
        const fs::path db = copyFixture(dir);
        auto store = openWritable(db);
        QVERIFY(store);
        const Dump before = dumpDb(db);
        QVERIFY_OK(store->setRunTag(kResnetRun, "k", "v"));
        QVERIFY_OK(store->deleteRunTag(kResnetRun, "k"));
        QVERIFY_OK(store->setModelAlias(kResnet, "a", 1));
        QVERIFY_OK(store->deleteModelAlias(kResnet, "a"));
        QVERIFY_OK(store->setRegisteredModelTag(kResnet, "k", "v"));
        QVERIFY_OK(store->deleteRegisteredModelTag(kResnet, "k"));
        QVERIFY_OK(store->setModelVersionTag(kResnet, 1, "k", "v"));
        QVERIFY_OK(store->deleteModelVersionTag(kResnet, 1, "k"));
        QVERIFY2(diff(before, dumpDb(db)).empty(), describe(diff(before, dumpDb(db))).c_str());
        QCOMPARE(scalar(db, "SELECT version_num FROM alembic_version"), std::string("0584bdc529eb"));
        QCOMPARE(scalar(db, "PRAGMA integrity_check"), std::string("ok"));
    }

    void lockedDatabase_data()
    {
        QTest::addColumn<QString>("journalMode");
        QTest::newRow("rollback journal") << QStringLiteral("DELETE");
        QTest::newRow("wal") << QStringLiteral("WAL");
    }

    void lockedDatabase()
    {
        QFETCH(QString, journalMode);
        QTemporaryDir dir;
        const fs::path db = copyFixture(dir);
        auto other = SqliteConnection::open(db, SqliteConnection::Access::ReadWrite);
        QVERIFY(other);
        QVERIFY((*other)->exec("PRAGMA journal_mode = " + journalMode.toStdString()));
        auto store = openWritable(db);
        QVERIFY(store);
        store->setBusyTimeout(150);
        const Dump before = dumpDb(db);
        QVERIFY((*other)->exec("BEGIN EXCLUSIVE"));
        auto tagged = store->setRunTag(kResnetRun, "note", "x");
        QVERIFY_ERROR(tagged, ErrorCode::TemporarilyUnavailable);
        QVERIFY2(
            tagged.error().message.find("database is locked by another process: " + db.string()) != std::string::npos,
            tagged.error().message.c_str());
        QVERIFY_ERROR(
            store->transitionModelVersionStage(kResnet, 4, "Staging", true), ErrorCode::TemporarilyUnavailable);
        QVERIFY_ERROR(store->setModelAlias(kResnet, "x", 4), ErrorCode::TemporarilyUnavailable);
        QVERIFY((*other)->exec("ROLLBACK"));
        QVERIFY2(diff(before, dumpDb(db)).empty(), describe(diff(before, dumpDb(db))).c_str());
        // The lock is gone: the same store writes again.
        QVERIFY_OK(store->setRunTag(kResnetRun, "note", "x"));
        QCOMPARE(*store->run(kResnetRun)->tag("note"), std::string("x"));
    }

    void readOnlyFile()
    {
        QTemporaryDir dir;
        fs::permissions(
            dir.path().toStdString(), fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
        const fs::path db = copyFixture(dir, "rofile");
        fs::permissions(db, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
        fs::permissions(db.parent_path(), fs::perms::all);
        const Dump before = dumpDb(db);
        std::string skip;
        const std::string outcome = runUnprivileged(
            db.parent_path(),
            [&]() -> std::string {
                auto store = SqliteStore::open(db, false);
                if (!store)
                    return "open failed: " + store.error().toString();
                if (has((*store)->capabilities(), Capability::WriteRuns)
                    || has((*store)->capabilities(), Capability::WriteRegistry))
                    return "capabilities claim writes";
                if ((*store)->writeBlocker().find(db.string()) == std::string::npos)
                    return "the reason does not name the file: " + (*store)->writeBlocker();
                auto written = (*store)->setRunTag(kResnetRun, "k", "v");
                if (written || written.error().code != ErrorCode::PermissionDenied
                    || written.error().message.find(db.string()) == std::string::npos)
                    return "write did not fail with PERMISSION_DENIED naming the file";
                auto moved = (*store)->transitionModelVersionStage(kResnet, 4, "Staging", false);
                if (moved || moved.error().code != ErrorCode::PermissionDenied)
                    return "stage change did not fail with PERMISSION_DENIED";
                if (!(*store)->run(kResnetRun))
                    return "reading failed";
                return "OK";
            },
            skip);
        if (!skip.empty())
            QSKIP(skip.c_str());
        QCOMPARE(outcome, std::string("OK"));
        QVERIFY(diff(before, dumpDb(db)).empty());
    }

    void readOnlyFolder()
    {
        QTemporaryDir dir;
        fs::permissions(
            dir.path().toStdString(), fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
        const fs::path db = copyFixture(dir, "rofolder");
        fs::permissions(db, fs::perms::all);
        const auto readOnly = fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read
            | fs::perms::group_exec | fs::perms::others_read | fs::perms::others_exec;
        fs::permissions(db.parent_path(), readOnly);
        std::string skip;
        const std::string outcome = runUnprivileged(
            db.parent_path(),
            [&]() -> std::string {
                auto store = SqliteStore::open(db, false);
                if (!store)
                    return "open failed: " + store.error().toString();
                if (has((*store)->capabilities(), Capability::WriteRuns))
                    return "capabilities claim writes";
                if ((*store)->writeBlocker().find(db.parent_path().string()) == std::string::npos)
                    return "the reason does not name the folder: " + (*store)->writeBlocker();
                auto written = (*store)->setModelAlias(kResnet, "x", 4);
                if (written || written.error().code != ErrorCode::PermissionDenied)
                    return "write did not fail with PERMISSION_DENIED";
                return "OK";
            },
            skip);
        fs::permissions(db.parent_path(), fs::perms::owner_all, fs::perm_options::add);
        if (!skip.empty())
            QSKIP(skip.c_str());
        QCOMPARE(outcome, std::string("OK"));
    }

    void untestedRevision()
    {
        QTemporaryDir dir;
        const fs::path db = copyFixture(dir);
        {
            auto c = SqliteConnection::open(db, SqliteConnection::Access::ReadWrite);
            QVERIFY(c);
            QVERIFY((*c)->exec("UPDATE alembic_version SET version_num = 'ffffffffffff'"));
        }
        const Dump before = dumpDb(db);
        auto store = openWritable(db);
        QVERIFY(store);
        QVERIFY(!has(store->capabilities(), Capability::WriteRuns));
        QVERIFY2(store->writeBlocker().find("ffffffffffff") != std::string::npos, store->writeBlocker().c_str());
        QVERIFY_ERROR(store->setRunTag(kResnetRun, "k", "v"), ErrorCode::NotImplemented);
        QVERIFY(store->run(kResnetRun));
        QVERIFY(store->metricHistory(kResnetRun, "train/loss"));
        QVERIFY(diff(before, dumpDb(db)).empty());
    }
};

QTEST_GUILESS_MAIN(TestSqliteWrites)
#include "tst_sqlitewrites.moc"
