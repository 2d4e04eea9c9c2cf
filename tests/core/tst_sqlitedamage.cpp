// SPDX-License-Identifier: Apache-2.0
// SqliteStore on damaged copies of the fixture database: cells SQLite accepted but MLflow's columns do
// not mean (text in a REAL column, a REAL step beyond int64), and a WAL database another connection
// holds a write lock on. The damaged rows are reported; every other run still loads.

#include "stores/sqlite/sqlitestore.h"

#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

#include <filesystem>

using namespace runlens;
namespace fs = std::filesystem;

namespace {

const fs::path kFixtureDb = RUNLENS_FIXTURE_DIR "/sqlite/mlflow.db";
const std::string kRun = "8ea41d971a0e46f092916af018ea78fc";

fs::path copyDb(const QTemporaryDir& dir)
{
    const fs::path db = fs::path(dir.path().toStdString()) / "mlflow.db";
    fs::copy_file(kFixtureDb, db, fs::copy_options::overwrite_existing);
    return db;
}

bool exec(sqlite3* db, const std::string& sql)
{
    char* error = nullptr;
    const bool ok = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) == SQLITE_OK;
    if (!ok)
        qWarning("%s: %s", sql.c_str(), error ? error : "?");
    sqlite3_free(error);
    return ok;
}

bool edit(const fs::path& file, const std::string& sql)
{
    sqlite3* db = nullptr;
    const bool ok = sqlite3_open(file.c_str(), &db) == SQLITE_OK && exec(db, sql);
    sqlite3_close(db);
    return ok;
}

std::size_t runCount(const fs::path& file, std::vector<Problem>* problems = nullptr)
{
    auto store = SqliteStore::open(file);
    if (!store)
        return 0;
    RunQuery query;
    query.view = ViewType::All;
    auto runs = (*store)->searchRuns(query);
    if (!runs)
        return 0;
    if (problems)
        *problems = runs->problems;
    return runs->runs.size();
}

const Problem* findProblem(const std::vector<Problem>& problems, const std::string& part)
{
    for (const Problem& p : problems) {
        if (p.path.find(part) != std::string::npos)
            return &p;
    }
    return nullptr;
}

} // namespace

class TestSqliteDamage : public QObject
{
    Q_OBJECT

private slots:
    // SQLite keeps 'abc' in a REAL column and 1e30 in a BIGINT one; read as numbers they became 0.0
    // and 9223372036854775807 without a word.
    void cellsOfTheWrongType()
    {
        QTemporaryDir dir;
        const fs::path db = copyDb(dir);
        const std::size_t intact = runCount(db);
        QVERIFY(intact > 0);
        QVERIFY(edit(db,
            "UPDATE latest_metrics SET value = 'abc' WHERE run_uuid = '" + kRun
                + "' AND key = 'loss';"
                  "UPDATE latest_metrics SET step = 1e30 WHERE run_uuid = '"
                + kRun
                + "' AND key = 'val_accuracy';"
                  "UPDATE metrics SET value = 'abc' WHERE run_uuid = '"
                + kRun + "' AND key = 'loss' AND step = 3;"));
        std::vector<Problem> problems;
        QCOMPARE(runCount(db, &problems), intact);
        const Problem* text = findProblem(problems, kRun + "/loss");
        QVERIFY(text);
        QVERIFY2(text->reason.find("TEXT 'abc', not a number") != std::string::npos, text->reason.c_str());
        const Problem* step = findProblem(problems, kRun + "/val_accuracy");
        QVERIFY(step);
        QVERIFY2(step->reason.find("not a 64-bit integer") != std::string::npos, step->reason.c_str());

        auto store = SqliteStore::open(db);
        QVERIFY(store);
        auto run = (*store)->run(kRun);
        QVERIFY(run);
        QVERIFY(!run->metric("loss"));
        QVERIFY(!run->metric("val_accuracy"));
        QVERIFY(run->params.size() > 0);
        auto history = (*store)->metricHistory(kRun, "loss");
        QVERIFY(!history);
        QVERIFY2(history.error().message.find("TEXT 'abc'") != std::string::npos, history.error().message.c_str());
        QVERIFY(history.error().message.find(db.string()) != std::string::npos);
    }

    // A training process mid-transaction on a WAL database: reads go on and see the committed state.
    void writeLockedWalDatabase()
    {
        QTemporaryDir dir;
        const fs::path db = copyDb(dir);
        const std::size_t intact = runCount(db);
        sqlite3* writer = nullptr;
        QVERIFY(sqlite3_open(db.c_str(), &writer) == SQLITE_OK);
        QVERIFY(exec(writer, "PRAGMA journal_mode=WAL"));
        QVERIFY(exec(writer, "BEGIN EXCLUSIVE"));
        QVERIFY(exec(writer, "UPDATE runs SET name = 'uncommitted' WHERE run_uuid = '" + kRun + "'"));
        std::vector<Problem> problems;
        QCOMPARE(runCount(db, &problems), intact);
        QVERIFY(problems.empty());
        auto store = SqliteStore::open(db);
        QVERIFY(store);
        auto run = (*store)->run(kRun);
        QVERIFY2(run, run ? "" : run.error().message.c_str());
        QVERIFY(run->info.runName != "uncommitted");
        exec(writer, "ROLLBACK");
        sqlite3_close(writer);
    }
};

QTEST_GUILESS_MAIN(TestSqliteDamage)
#include "tst_sqlitedamage.moc"
