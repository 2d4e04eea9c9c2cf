// SPDX-License-Identifier: Apache-2.0
// SqliteStore writes against other processes on copies of the MLflow 2.22 mlflow.db: a training
// process inserting metric points while the store writes tags and stages (nothing is lost), and a
// writer killed at random points (the database always holds the old or the new state of each write).

#include "stores/sqlite/sqlitestore.h"

#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

using namespace runlens;
namespace fs = std::filesystem;

namespace {

const fs::path kFixtureDb = fs::path(RUNLENS_FIXTURE_DIR) / "sqlite" / "mlflow.db";
const std::string kResnetRun = "3f391c61d696479dbd9255bd742f94eb";
const std::string kLoggingRun = "ba920b5ae46b4547b29d31db576fb6cf"; // still-running
const std::string kResnet = "resnet-classifier";
const std::int64_t kVersion3FixtureTime = 1795663698236;

fs::path copyFixture(const QTemporaryDir& dir)
{
    const fs::path db = fs::path(dir.path().toStdString()) / "mlflow.db";
    fs::copy_file(kFixtureDb, db, fs::copy_options::overwrite_existing);
    return db;
}

bool setJournalMode(const fs::path& db, const std::string& mode)
{
    sqlite3* handle = nullptr;
    bool ok = sqlite3_open(db.c_str(), &handle) == SQLITE_OK
        && sqlite3_exec(handle, ("PRAGMA journal_mode = " + mode).c_str(), nullptr, nullptr, nullptr) == SQLITE_OK;
    sqlite3_close(handle);
    return ok;
}

// SQLite's rule (pager.c, hasHotJournal): a journal is hot, and replayed by the next reader, when
// it is non-empty and its first byte is not zero.
bool isHotJournal(const std::string& path)
{
    std::error_code error;
    if (!fs::exists(path, error) || fs::file_size(path, error) == 0)
        return false;
    std::ifstream in(path, std::ios::binary);
    char first = 0;
    return in.get(first) && first != 0;
}

std::string scalar(const fs::path& db, const std::string& sql)
{
    sqlite3* handle = nullptr;
    std::string value = "<none>";
    if (sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_busy_timeout(handle, 20000);
        sqlite3_stmt* statement = nullptr;
        if (sqlite3_prepare_v2(handle, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK
            && sqlite3_step(statement) == SQLITE_ROW) {
            const auto* text = sqlite3_column_text(statement, 0);
            value = text ? reinterpret_cast<const char*>(text) : "<null>";
        }
        sqlite3_finalize(statement);
    }
    sqlite3_close(handle);
    return value;
}

void writeAll(int fd, const std::string& text)
{
    std::size_t written = 0;
    while (written < text.size()) {
        const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
        if (n <= 0)
            return;
        written += static_cast<std::size_t>(n);
    }
}

std::string readAll(int fd)
{
    std::string text;
    char buffer[4096];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n <= 0)
            return text;
        text.append(buffer, static_cast<std::size_t>(n));
    }
}

// A training process as MLflow's SQL store logs: each point its own transaction, inserting into
// metrics and keeping latest_metrics up to date. Signals "S" after the first commit. Returns an error
// message, empty on success.
std::string logMetrics(const fs::path& db, int points, int startedFd)
{
    sqlite3* handle = nullptr;
    if (sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK)
        return "cannot open the database";
    sqlite3_busy_timeout(handle, 20000);
    sqlite3_exec(handle, "PRAGMA foreign_keys = ON", nullptr, nullptr, nullptr);
    sqlite3_stmt* insert = nullptr;
    sqlite3_stmt* latest = nullptr;
    sqlite3_prepare_v2(handle,
        "INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES ('live/loss', ?1, ?2, ?3, ?4, 0)",
        -1, &insert, nullptr);
    sqlite3_prepare_v2(handle,
        "INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid) VALUES ('live/loss', ?1, ?2, ?3, "
        "0, "
        "?4) ON CONFLICT (key, run_uuid) DO UPDATE SET value = excluded.value, timestamp = excluded.timestamp, step "
        "= excluded.step",
        -1, &latest, nullptr);
    std::string error;
    for (int step = 0; step < points && error.empty(); ++step) {
        const double value = 1.0 / (step + 1);
        const std::int64_t timestamp = 1800000000000 + step;
        if (sqlite3_exec(handle, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) {
            error = std::string("BEGIN failed at step ") + std::to_string(step) + ": " + sqlite3_errmsg(handle);
            break;
        }
        sqlite3_bind_double(insert, 1, value);
        sqlite3_bind_int64(insert, 2, timestamp);
        sqlite3_bind_text(insert, 3, kLoggingRun.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(insert, 4, step);
        sqlite3_bind_double(latest, 1, value);
        sqlite3_bind_int64(latest, 2, timestamp);
        sqlite3_bind_int64(latest, 3, step);
        sqlite3_bind_text(latest, 4, kLoggingRun.c_str(), -1, SQLITE_TRANSIENT);
        if (sqlite3_step(insert) != SQLITE_DONE || sqlite3_step(latest) != SQLITE_DONE
            || sqlite3_exec(handle, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
            error = std::string("insert failed at step ") + std::to_string(step) + ": " + sqlite3_errmsg(handle);
            sqlite3_exec(handle, "ROLLBACK", nullptr, nullptr, nullptr);
        }
        sqlite3_reset(insert);
        sqlite3_reset(latest);
        if (step == 0)
            writeAll(startedFd, "S");
    }
    sqlite3_finalize(insert);
    sqlite3_finalize(latest);
    sqlite3_close(handle);
    return error;
}

// The writes the kill test repeats, numbered: op k of round i = start + k/kKillOps sets tag counter = i,
// moves version 3 to Production (even i) or Staging (odd) archiving the others, points alias 'moving'
// at a version, renames the run, describes version 4, then deletes and restores the run.
constexpr std::size_t kKillOps = 7;

struct KillState
{
    std::optional<std::int64_t> counter;
    std::string stage = "Staging";
    std::optional<std::int64_t> alias;
    std::optional<std::int64_t> name; // the run is named "name-<i>"
    std::optional<std::int64_t> description; // version 4 reads "d-<i>"
    bool deleted = false;

    // The state after `ops` writes starting at counter value `start`.
    KillState after(std::int64_t start, std::size_t ops) const
    {
        KillState s = *this;
        for (std::size_t k = 0; k < ops; ++k) {
            const std::int64_t i = start + static_cast<std::int64_t>(k / kKillOps);
            switch (k % kKillOps) {
            case 0:
                s.counter = i;
                break;
            case 1:
                s.stage = i % 2 == 0 ? "Production" : "Staging";
                break;
            case 2:
                s.alias = i % 4 + 1;
                break;
            case 3:
                s.name = i;
                break;
            case 4:
                s.description = i;
                break;
            default:
                s.deleted = k % kKillOps == 5;
            }
        }
        return s;
    }
};

Status killOp(SqliteStore& store, std::int64_t start, std::size_t k)
{
    const std::int64_t i = start + static_cast<std::int64_t>(k / kKillOps);
    switch (k % kKillOps) {
    case 0:
        return store.setRunTag(kResnetRun, "counter", std::to_string(i));
    case 1: {
        auto moved = store.transitionModelVersionStage(kResnet, 3, i % 2 == 0 ? "Production" : "Staging", true);
        if (!moved)
            return moved.error();
        return Done {};
    }
    case 2:
        return store.setModelAlias(kResnet, "moving", i % 4 + 1);
    case 3:
        return store.renameRun(kResnetRun, "name-" + std::to_string(i));
    case 4:
        return store.updateModelVersionDescription(kResnet, 4, "d-" + std::to_string(i));
    case 5:
        return store.deleteRun(kResnetRun);
    default:
        return store.restoreRun(kResnetRun);
    }
}

} // namespace

class TestSqliteConcurrency : public QObject
{
    Q_OBJECT

private slots:
    void concurrentWriter_data()
    {
        QTest::addColumn<QString>("journalMode");
        QTest::newRow("rollback journal") << QStringLiteral("DELETE");
        QTest::newRow("wal") << QStringLiteral("WAL");
    }

    void concurrentWriter()
    {
        QFETCH(QString, journalMode);
        constexpr int kPoints = 1500;
        constexpr int kWrites = 150;
        QTemporaryDir dir;
        const fs::path db = copyFixture(dir);
        QVERIFY(setJournalMode(db, journalMode.toStdString()));

        int started[2];
        int report[2];
        QVERIFY(::pipe(started) == 0 && ::pipe(report) == 0);
        const pid_t pid = ::fork();
        QVERIFY(pid >= 0);
        if (pid == 0) {
            ::close(started[0]);
            ::close(report[0]);
            const std::string error = logMetrics(db, kPoints, started[1]);
            writeAll(report[1], error);
            ::_exit(error.empty() ? 0 : 1);
        }
        ::close(started[1]);
        ::close(report[1]);
        char byte = 0;
        QCOMPARE(::read(started[0], &byte, 1), ssize_t(1)); // the logger has committed its first point

        auto store = SqliteStore::open(db, false);
        QVERIFY(store);
        int succeeded = 0;
        int busy = 0;
        std::optional<int> lastRound;
        for (int i = 0; i < kWrites; ++i) {
            Status status = Done {};
            switch (i % 4) {
            case 0:
                status = (*store)->setRunTag(kLoggingRun, "round", std::to_string(i));
                break;
            case 1: {
                auto moved
                    = (*store)->transitionModelVersionStage(kResnet, 3, i % 8 == 1 ? "Production" : "Staging", true);
                status = moved ? Status(Done {}) : Status(moved.error());
                break;
            }
            case 2:
                status = (*store)->setModelAlias(kResnet, "live", i % 3 + 2);
                break;
            default:
                status = (*store)->setModelVersionTag(kResnet, 4, "round", std::to_string(i));
                break;
            }
            if (status) {
                ++succeeded;
                if (i % 4 == 0)
                    lastRound = i;
            } else {
                // Under contention the only acceptable failure is a clear busy error.
                QVERIFY2(status.error().code == ErrorCode::TemporarilyUnavailable, status.error().toString().c_str());
                QVERIFY2(status.error().message.find("database is locked by another process") != std::string::npos,
                    status.error().message.c_str());
                ++busy;
            }
        }
        // How far the logger had got when the store's writes ended (shows the two overlapped).
        qInfo("points logged when the store finished writing: %s of %d",
            scalar(db, "SELECT count(*) FROM metrics WHERE key = 'live/loss'").c_str(), kPoints);
        const std::string childError = readAll(report[0]);
        ::close(started[0]);
        ::close(report[0]);
        int status = 0;
        QCOMPARE(::waitpid(pid, &status, 0), pid);
        QVERIFY2(WIFEXITED(status) && WEXITSTATUS(status) == 0, childError.c_str());
        qInfo("%d store writes succeeded, %d gave up on the lock", succeeded, busy);

        // Every point the logger committed is there, read through the store.
        auto history = (*store)->metricHistory(kLoggingRun, "live/loss");
        QVERIFY(history);
        QCOMPARE(history->size(), std::size_t(kPoints));
        for (int step = 0; step < kPoints; ++step) {
            QCOMPARE((*history)[static_cast<std::size_t>(step)].step, std::int64_t(step));
            QCOMPARE((*history)[static_cast<std::size_t>(step)].value, 1.0 / (step + 1));
        }
        auto run = (*store)->run(kLoggingRun);
        QVERIFY(run);
        if (lastRound) {
            QVERIFY(run->tag("round"));
            QCOMPARE(*run->tag("round"), std::to_string(*lastRound));
        }
        QCOMPARE(scalar(db, "PRAGMA integrity_check"), std::string("ok"));
    }

    void killDuringWrite_data()
    {
        QTest::addColumn<QString>("journalMode");
        QTest::newRow("rollback journal") << QStringLiteral("DELETE");
        QTest::newRow("wal") << QStringLiteral("WAL");
    }

    void killDuringWrite()
    {
        QFETCH(QString, journalMode);
        constexpr int kKills = 80;
        QTemporaryDir dir;
        const fs::path db = copyFixture(dir);
        QVERIFY(setJournalMode(db, journalMode.toStdString()));
        const quint32 seed = QRandomGenerator::global()->generate();
        qInfo("random seed %u", seed);
        QRandomGenerator random(seed);

        KillState state;
        for (int kill = 0; kill < kKills; ++kill) {
            const std::int64_t start = state.counter.value_or(-1) + 1;
            // A kill between delete and restore leaves the run deleted; the next child restores it first.
            if (state.deleted)
                QVERIFY((*SqliteStore::open(db, false))->restoreRun(kResnetRun));
            state.deleted = false;
            int progress[2];
            QVERIFY(::pipe(progress) == 0);
            const pid_t pid = ::fork();
            QVERIFY(pid >= 0);
            if (pid == 0) {
                ::close(progress[0]);
                auto store = SqliteStore::open(db, false);
                if (!store)
                    ::_exit(2);
                for (std::size_t k = 0;; ++k) {
                    if (!killOp(**store, start, k))
                        ::_exit(3);
                    writeAll(progress[1], "+");
                }
            }
            ::close(progress[1]);
            // Let it finish a random number of writes (0..14, two rounds), then kill it wherever it is.
            const auto wait = static_cast<std::size_t>(random.bounded(15));
            std::size_t acked = 0;
            char byte = 0;
            while (acked < wait && ::read(progress[0], &byte, 1) == 1)
                ++acked;
            ::kill(pid, SIGKILL);
            int status = 0;
            QCOMPARE(::waitpid(pid, &status, 0), pid);
            acked += readAll(progress[0]).size(); // writes it finished before the kill landed
            ::close(progress[0]);
            QVERIFY2(WIFSIGNALED(status), qPrintable(QStringLiteral("writer exited with %1").arg(WEXITSTATUS(status))));

            // The store opens (recovering any hot journal) and reads; each write is all or nothing.
            auto store = SqliteStore::open(db, false);
            QVERIFY2(store, store ? "" : store.error().toString().c_str());
            auto run = (*store)->run(kResnetRun);
            QVERIFY(run);
            auto versions = (*store)->modelVersions(kResnet);
            QVERIFY(versions);
            KillState seen;
            if (const auto* counter = run->tag("counter"))
                seen.counter = std::stoll(*counter);
            if (run->info.runName.starts_with("name-"))
                seen.name = std::stoll(run->info.runName.substr(5));
            seen.deleted = run->info.lifecycleStage == LifecycleStage::Deleted;
            std::int64_t modelUpdated = 0;
            const auto models = (*store)->registeredModels();
            QVERIFY(models);
            for (const auto& m : *models) {
                if (m.name != kResnet)
                    continue;
                modelUpdated = m.lastUpdatedTimestamp;
                for (const auto& a : m.aliases) {
                    if (a.alias == "moving")
                        seen.alias = a.version;
                }
            }
            int inProduction = 0;
            for (const auto& v : *versions) {
                if (v.version == 4 && v.description && v.description->starts_with("d-"))
                    seen.description = std::stoll(v.description->substr(2));
                if (v.version == 3) {
                    seen.stage = v.currentStage;
                    // Once moved, the stage and the model's time move in one transaction.
                    if (v.lastUpdatedTimestamp != kVersion3FixtureTime)
                        QCOMPARE(v.lastUpdatedTimestamp, modelUpdated);
                }
                if (v.currentStage == "Production")
                    ++inProduction;
            }
            QVERIFY(inProduction <= 1); // archiving and the move happen together or not at all

            const KillState done = state.after(start, acked);
            const KillState inFlight = state.after(start, acked + 1);
            QVERIFY2(seen.counter == done.counter || seen.counter == inFlight.counter,
                qPrintable(QStringLiteral("kill %1: counter %2 after %3 writes from %4")
                               .arg(kill)
                               .arg(seen.counter.value_or(-1))
                               .arg(acked)
                               .arg(start)));
            QVERIFY(seen.stage == done.stage || seen.stage == inFlight.stage);
            QVERIFY(seen.alias == done.alias || seen.alias == inFlight.alias);
            QVERIFY(seen.name == done.name || seen.name == inFlight.name);
            QVERIFY(seen.description == done.description || seen.description == inFlight.description);
            QVERIFY(seen.deleted == done.deleted || seen.deleted == inFlight.deleted);
            QCOMPARE(scalar(db, "PRAGMA integrity_check"), std::string("ok"));
            state = seen;
            store = StoreError {}; // closed before the next fork
        }
        // Nothing is left that a reader could take for data: no hot journal after recovery. SQLite
        // may leave a journal whose header was never written (a kill between creating and filling
        // it); with a zeroed header it is not hot, so no reader ever replays it.
        QVERIFY(!isHotJournal(db.string() + "-journal"));
        auto store = SqliteStore::open(db);
        QVERIFY(store);
        QVERIFY((*store)->run(kResnetRun));
    }
};

QTEST_GUILESS_MAIN(TestSqliteConcurrency)
#include "tst_sqliteconcurrency.moc"
