// SPDX-License-Identifier: Apache-2.0
// SqlRunFilter / SqlRunOrder: the generated SQL, run directly on the fixture database MLflow wrote,
// must select exactly the runs RunSearch::matches selects with SearchDialect::Sql on the same runs read
// through SqliteStore, and order them exactly as RunSearch::sort does.
#include "search/runsearch.h"
#include "stores/sqlite/sqliteconnection.h"
#include "stores/sqlite/sqliteschema.h"
#include "stores/sqlite/sqlitestore.h"
#include "stores/sqlite/sqlrunfilter.h"

#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

using namespace runlens;
namespace fs = std::filesystem;

namespace {

const fs::path kFixtureDb = fs::path(RUNLENS_FIXTURE_DIR) / "sqlite" / "mlflow.db";

// Filters over every identifier kind and comparator; `{id:NAME}` stands for the id of the run NAME.
// clang-format off
const std::vector<std::string> kFilters = {
    "",
    // metrics: every comparator, NaN stored as 0, +-inf stored as +-DBL_MAX, missing never matches
    "metrics.loss < 1", "metrics.loss <= 1.1", "metrics.loss > 1.1", "metrics.loss >= 1.1",
    "metrics.loss = 0.9", "metrics.loss != 0.9", "metrics.loss > -1",
    "metrics.nan_only = 0", "metrics.nan_only != 0", "metrics.nan_only >= 0", "metrics.nan_only < 1",
    "metrics.inf_last > 1e308", "metrics.inf_last = 1.7976931348623157e308", "metrics.neg_inf_last < -1e308",
    "metrics.int_metric = 7", "metrics.`train/loss` < 1", "metrics.`准确率` > 0.9", "metrics.`epoch:loss` = 0.42",
    "metrics.f1 >= 0.82", "metrics.missing_metric != 1", "metrics.m = 1", "metrics.val_accuracy > 0.5",
    "metric.loss = 3.2", "metrics.weird_values < 0",
    // params: =, !=, LIKE (case-sensitive), ILIKE, odd values and keys
    "params.optimizer = 'sgd'", "params.optimizer != 'sgd'", "params.lr = '0.01'", "params.lr != '0.01'",
    "params.lr LIKE '1e-0%'", "params.lr LIKE '0._1'", "params.model LIKE 'BERT%'", "params.model ILIKE 'BERT%'",
    "params.`optimizer:name` ILIKE 'sgd'", "params.`optimizer:name` LIKE 'sgd'", "params.empty_value = ''",
    "params.empty_value != ''", "params.`spaces in key` = 'value with spaces'", "params.température = 'très chaud'",
    "params.température ILIKE 'TRÈS%'", "params.température ILIKE 'TRèS%'", "params.emoji LIKE '%🔥%'",
    "params.newline_value LIKE 'first%line'", "params.quotes LIKE '%\"quoted\"%'", "params.long_value LIKE '%END'",
    "params.batch_size = '32'", "parameter.fold != '0'", "params.missing = 'x'", "params.missing != 'x'",
    // tags, including NULL-free empty values and the run name tag
    "tags.dataset = 'sst2'", "tags.dataset != 'sst2'", "tags.trial_index != '1'", "tags.empty = ''",
    "tags.`mlflow.runName` LIKE 'trial-%'", "tags.mlflow.parentRunId = '{id:hpo-sweep}'",
    "tags.`unicode-tag` LIKE '%café%'", "tags.`mlflow.user` ILIKE 'ROOT'", "tags.framework LIKE '_ytorch'",
    // attributes
    "attributes.status = 'FAILED'", "attributes.status != 'FINISHED'", "attributes.status LIKE '%ING'",
    "attributes.status ILIKE 'killed'", "attributes.user_id = 'unknown'", "attributes.user_id != 'root'",
    "attributes.artifact_uri LIKE '%/dbproj/%'", "attributes.run_name = 'bert-1'", "attributes.run_name ILIKE 'TRIAL-%'",
    "attributes.run_name != 'bert-1'", "attributes.`Run name` LIKE 'Ü%'", "run.run_name = 'efficient-chimp-893'",
    "attributes.start_time > 1795663697000", "attributes.start_time <= 1735690000000", "attributes.created = 1735689900000",
    "attributes.end_time >= 1795663697000", "attributes.end_time != 1735689760000", "attributes.end_time < 1800000000000",
    "attributes.run_id = '{id:bert-0}'", "attributes.run_id != '{id:bert-0}'", "attributes.run_id LIKE '3f%'",
    "attributes.run_id IN ('{id:bert-0}', '{id:bert-3}')", "attributes.run_id NOT IN ('{id:bert-0}', '{id:bert-3}')",
    "attributes.run_id IN ('{id:bert-0}', 'ABC')",
    // datasets
    "dataset.name = 'cifar10-train'", "dataset.name != 'cifar10-train'", "dataset.digest LIKE 'b064%'",
    "dataset.context = 'training'", "dataset.context IN ('training', 'eval')", "dataset.context NOT IN ('eval')",
    "dataset.name IN ('other')", "datasets.digest NOT IN ('b064d295')",
    "dataset.name = 'cifar10-train' and dataset.context = 'training'",
    // conjunctions, OR, NOT, parentheses
    "params.optimizer = 'sgd' and metrics.loss < 2.3", "metrics.`train/loss` < 1 and params.`model/arch` = 'resnet50'",
    "attributes.run_name ILIKE 'trial-%' and tags.trial_index != '1'",
    "params.model = 'bert-base' or metrics.loss < 1", "not params.model = 'bert-base'", "not metrics.loss < 1",
    "not (metrics.loss < 1 or tags.dataset = 'imdb')", "(params.lr = '0.01' or params.lr = '0.1') and not attributes.status = 'FINISHED'",
    "not not metrics.nan_only = 0", "not dataset.context = 'training'", "not attributes.end_time > 0",
    "not attributes.start_time < 1795663697000", "not attributes.user_id = 'root'", "not tags.empty = ''",
    "metrics.f1 > 0.8 and (params.fold = '1' or params.fold = '3' or not params.model LIKE 'distil%')",
};
// clang-format on

const std::vector<std::vector<std::string>> kOrders = {
    {},
    {"metrics.loss ASC"},
    {"metrics.loss DESC"},
    {"metrics.nan_only DESC", "metrics.f1"},
    {"params.lr ASC"},
    {"params.lr DESC"},
    {"tags.dataset DESC", "attributes.status ASC"},
    {"attributes.start_time ASC"},
    {"attributes.end_time DESC"},
    {"attributes.user_id", "attributes.artifact_uri DESC"},
    {"attributes.run_id DESC"},
    {"metrics.inf_last", "metrics.neg_inf_last DESC", "params.model"},
};

struct Db
{
    sqlite3* handle = nullptr;
    ~Db() { sqlite3_close(handle); }
};

bool bindAll(sqlite3_stmt* statement, const std::vector<SqlValue>& values)
{
    int index = 1;
    for (const SqlValue& value : values) {
        int rc = SQLITE_OK;
        if (const auto* i = std::get_if<std::int64_t>(&value))
            rc = sqlite3_bind_int64(statement, index, *i);
        else if (const auto* d = std::get_if<double>(&value))
            rc = sqlite3_bind_double(statement, index, *d);
        else {
            const auto& s = std::get<std::string>(value);
            rc = sqlite3_bind_text(statement, index, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
        }
        if (rc != SQLITE_OK)
            return false;
        ++index;
    }
    return sqlite3_bind_parameter_count(statement) == static_cast<int>(values.size());
}

} // namespace

class TestSqlRunFilter : public QObject
{
    Q_OBJECT

    std::vector<Run> m_runs; // every run of the fixture, read through SqliteStore
    std::map<std::string, std::string> m_idByName;

    static std::vector<Run> loadAll(const fs::path& dbFile)
    {
        auto store = SqliteStore::open(dbFile);
        if (!store)
            return {};
        RunQuery query;
        query.view = ViewType::All;
        auto list = (*store)->searchRuns(query, nullptr);
        if (!list)
            return {};
        return std::move(list->runs);
    }

    static SqliteSchema schemaOf(const fs::path& dbFile)
    {
        auto connection = SqliteConnection::open(dbFile, SqliteConnection::Access::ReadOnly);
        if (!connection)
            return {};
        auto schema = SqliteSchema::read(**connection);
        return schema ? *schema : SqliteSchema {};
    }

    static bool openDb(const fs::path& dbFile, Db& db)
    {
        if (sqlite3_open_v2(dbFile.string().c_str(), &db.handle, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
            return false;
        return sqlite3_exec(db.handle, "PRAGMA case_sensitive_like = true", nullptr, nullptr, nullptr) == SQLITE_OK
            && addSqlRunFilterFunctions(db.handle);
    }

    // Run ids the SQL selects, in the order it returns them; the error text on failure.
    static std::variant<std::vector<std::string>, std::string> select(
        Db& db, const std::string& sql, const std::vector<SqlValue>& bindings)
    {
        sqlite3_stmt* statement = nullptr;
        if (sqlite3_prepare_v2(db.handle, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK)
            return std::string(sqlite3_errmsg(db.handle)) + " in: " + sql;
        std::vector<std::string> ids;
        if (!bindAll(statement, bindings)) {
            sqlite3_finalize(statement);
            return "placeholders and bindings differ in: " + sql;
        }
        int rc = SQLITE_ROW;
        while ((rc = sqlite3_step(statement)) == SQLITE_ROW)
            ids.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)));
        sqlite3_finalize(statement);
        if (rc != SQLITE_DONE)
            return std::string(sqlite3_errmsg(db.handle)) + " in: " + sql;
        return ids;
    }

    std::string substituteIds(std::string filter) const
    {
        for (std::size_t at; (at = filter.find("{id:")) != std::string::npos;) {
            const std::size_t end = filter.find('}', at);
            const auto it = m_idByName.find(filter.substr(at + 4, end - at - 4));
            filter.replace(at, end - at + 1, it == m_idByName.end() ? "unknown" : it->second);
        }
        return filter;
    }

    static std::vector<std::string> memoryIds(const RunSearch& search, std::vector<Run> runs)
    {
        std::erase_if(runs, [&](const Run& run) { return !search.matches(run, SearchDialect::Sql); });
        search.sort(runs, SearchDialect::Sql);
        std::vector<std::string> ids;
        for (const Run& run : runs)
            ids.push_back(run.info.runId);
        return ids;
    }

private slots:
    void initTestCase()
    {
        m_runs = loadAll(kFixtureDb);
        QCOMPARE(m_runs.size(), std::size_t {22});
        for (const Run& run : m_runs)
            m_idByName[run.info.runName] = run.info.runId;
    }

    void filtersSelectWhatRunSearchMatches_data()
    {
        QTest::addColumn<QString>("filter");
        for (const std::string& filter : kFilters)
            QTest::newRow(filter.c_str()) << QString::fromStdString(filter);
    }

    void filtersSelectWhatRunSearchMatches()
    {
        QFETCH(QString, filter);
        const std::string text = substituteIds(filter.toStdString());
        auto search = RunSearch::parse(text, {});
        QVERIFY2(search, search ? "" : search.error().toString().c_str());
        const SqliteSchema schema = schemaOf(kFixtureDb);
        const SqlRunFilter sql = SqlRunFilter::build(*search, schema);
        QVERIFY(sql.complete);

        Db db;
        QVERIFY(openDb(kFixtureDb, db));
        auto selected = select(db, "SELECT r.run_uuid FROM runs r WHERE " + sql.where, sql.bindings);
        QVERIFY2(selected.index() == 0, std::get_if<std::string>(&selected) ? std::get<1>(selected).c_str() : "");
        std::set<std::string> fromSql(std::get<0>(selected).begin(), std::get<0>(selected).end());
        const auto expected = memoryIds(*search, m_runs);
        const std::set<std::string> fromMemory(expected.begin(), expected.end());
        QCOMPARE(fromSql, fromMemory);
    }

    void filtersUseOnlyBoundValues()
    {
        // A value that would break the SQL text if it were spliced in is only ever bound.
        auto search = RunSearch::parse("params.quotes = 'it''s' or tags.x LIKE '%'') OR 1=1 --'", {});
        QVERIFY(search);
        const SqlRunFilter sql = SqlRunFilter::build(*search, schemaOf(kFixtureDb));
        QVERIFY(sql.where.find("it's") == std::string::npos);
        QVERIFY(sql.where.find("1=1") == std::string::npos);
        Db db;
        QVERIFY(openDb(kFixtureDb, db));
        auto selected = select(db, "SELECT r.run_uuid FROM runs r WHERE " + sql.where, sql.bindings);
        QVERIFY(selected.index() == 0);
        QVERIFY(std::get<0>(selected).empty());
    }

    void hugeInListFallsBackToMemory()
    {
        std::string filter = "attributes.run_id IN ('" + m_idByName["bert-0"] + "'";
        for (int i = 0; i < 40000; ++i)
            filter += ", 'r" + std::to_string(i) + "'";
        auto search = RunSearch::parse(filter + ")", {});
        QVERIFY(search);
        const SqlRunFilter sql = SqlRunFilter::build(*search, schemaOf(kFixtureDb));
        QVERIFY(!sql.complete);
        QVERIFY(sql.bindings.empty());
        QCOMPARE(sql.where, std::string("1"));
    }

    void ordersReproduceRunSearchSort_data()
    {
        QTest::addColumn<QString>("filter");
        QTest::addColumn<QStringList>("orderBy");
        const std::vector<std::string> filters = {"", "metrics.loss > 0", "attributes.status != 'FINISHED'"};
        for (const auto& filter : filters) {
            for (const auto& order : kOrders) {
                QStringList list;
                std::string name = filter + " | ";
                for (const auto& o : order) {
                    list << QString::fromStdString(o);
                    name += o + "; ";
                }
                QTest::newRow(name.c_str()) << QString::fromStdString(filter) << list;
            }
        }
    }

    void ordersReproduceRunSearchSort()
    {
        QFETCH(QString, filter);
        QFETCH(QStringList, orderBy);
        std::vector<std::string> orders;
        for (const QString& o : orderBy)
            orders.push_back(o.toStdString());
        auto search = RunSearch::parse(filter.toStdString(), orders);
        QVERIFY(search);
        const SqliteSchema schema = schemaOf(kFixtureDb);
        const SqlRunFilter where = SqlRunFilter::build(*search, schema);
        const auto order = SqlRunOrder::build(*search, schema);
        QVERIFY(where.complete);
        QVERIFY(order);
        auto bindings = where.bindings;
        bindings.insert(bindings.end(), order->bindings.begin(), order->bindings.end());
        Db db;
        QVERIFY(openDb(kFixtureDb, db));
        auto selected = select(
            db, "SELECT r.run_uuid FROM runs r WHERE " + where.where + " ORDER BY " + order->orderBy, bindings);
        QVERIFY2(selected.index() == 0, std::get_if<std::string>(&selected) ? std::get<1>(selected).c_str() : "");
        QCOMPARE(std::get<0>(selected), memoryIds(*search, m_runs));
    }

    void runNameOrderStaysInMemory()
    {
        auto search = RunSearch::parse("", {"attributes.run_name"});
        QVERIFY(search);
        QVERIFY(!SqlRunOrder::build(*search, schemaOf(kFixtureDb)));
    }

    void oldSchemaGivesSupersetAndIncomplete()
    {
        // Before MLflow 1.3 there is no latest_metrics table: metric comparisons stay in memory, and
        // the SQL must still select every matching run, also under NOT.
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const fs::path db = fs::path(dir.path().toStdString()) / "mlflow.db";
        fs::copy_file(kFixtureDb, db);
        {
            Db writable;
            QVERIFY(sqlite3_open(db.string().c_str(), &writable.handle) == SQLITE_OK);
            QVERIFY(sqlite3_exec(writable.handle, "DROP TABLE latest_metrics", nullptr, nullptr, nullptr) == SQLITE_OK);
        }
        const std::vector<Run> runs = loadAll(db);
        QCOMPARE(runs.size(), std::size_t {22});
        const SqliteSchema schema = schemaOf(db);
        Db readable;
        QVERIFY(openDb(db, readable));
        for (const std::string filter : {"metrics.loss < 1", "not metrics.loss < 1",
                 "params.optimizer = 'sgd' and not (metrics.loss < 1 or params.lr = '0.01')",
                 "not (params.model = 'bert-base' and not metrics.f1 > 0.8)"}) {
            auto search = RunSearch::parse(filter, {});
            QVERIFY(search);
            const SqlRunFilter sql = SqlRunFilter::build(*search, schema);
            QVERIFY(!sql.complete);
            auto selected = select(readable, "SELECT r.run_uuid FROM runs r WHERE " + sql.where, sql.bindings);
            QVERIFY(selected.index() == 0);
            const std::set<std::string> fromSql(std::get<0>(selected).begin(), std::get<0>(selected).end());
            const auto expected = memoryIds(*search, runs);
            QVERIFY(!expected.empty() || filter == std::string("metrics.loss < 1"));
            for (const auto& id : expected)
                QVERIFY2(fromSql.count(id), (filter + ": misses " + id).c_str());
            // The part SQL can say still narrows the read: the sgd trials but the one with lr 0.01.
            if (filter.starts_with("params.optimizer"))
                QCOMPARE(fromSql.size(), std::size_t {2});
        }
        auto order = RunSearch::parse("", {"metrics.loss"});
        QVERIFY(order);
        QVERIFY(!SqlRunOrder::build(*order, schema));
    }
};

QTEST_GUILESS_MAIN(TestSqlRunFilter)
#include "tst_sqlrunfilter.moc"
