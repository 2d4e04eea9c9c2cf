// SPDX-License-Identifier: Apache-2.0
// The SQL store's schema reader and queries over a database that is not quite MLflow's: the input is
// a list of mutations of the MLflow 3.6 fixture's schema and rows (drop or rename a table or column,
// change a column's declared type, store odd values, duplicate or delete rows). The mutated database
// is written to a file and read as the app reads it: experiments, runs with a filter pushed down to
// SQL, a metric history, the registry, logged models. Every answer must be a value or an error.

#include "fuzzinput.h"
#include "stores/sqlite/sqlitestore.h"

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

using namespace runlens;

// The tables the store reads; mutations pick among those still present, so none is wasted on the
// tables of traces, scorers or jobs.
const std::array<const char*, 21> kTables = {"alembic_version", "datasets", "experiment_tags", "experiments",
    "input_tags", "inputs", "latest_metrics", "logged_model_metrics", "logged_model_params", "logged_model_tags",
    "logged_models", "metrics", "model_version_tags", "model_versions", "params", "registered_model_aliases",
    "registered_model_tags", "registered_models", "runs", "tags", "trace_info"};

const std::array<const char*, 6> kTypes = {"TEXT", "INTEGER", "REAL", "BLOB", "", "VARCHAR(3)"};

const std::array<const char*, 14> kOddValues
    = {"NULL", "''", "'soon'", "X'00FF'", "1e308", "-1e308", "-9223372036854775808", "9223372036854775807", "9.3e18",
        "'NaN'", "0.5", "-1", "'1e3'", "'a much longer text than any column expects, with a NUL-free ünïcode tail'"};

const std::array<const char*, 4> kFilters
    = {"", "metrics.loss > 0.1 and params.lr = '0.01' and tags.`mlflow.runName` LIKE 'res%'",
        "attributes.status != 'FAILED' or datasets.name IN ('cifar10-eval') or metrics.accuracy >= 0.5",
        "run_name ILIKE '%a%' and attributes.start_time >= 0 and not params.x = '1'"};

struct Cursor
{
    const std::uint8_t* data;
    std::size_t size;
    std::uint8_t next()
    {
        if (size == 0)
            return 0;
        --size;
        return *data++;
    }
};

std::vector<std::string> column(sqlite3* db, const std::string& sql)
{
    std::vector<std::string> out;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK)
        while (sqlite3_step(stmt) == SQLITE_ROW) {
            const auto* text = sqlite3_column_text(stmt, 0);
            out.emplace_back(text ? reinterpret_cast<const char*>(text) : "");
        }
    sqlite3_finalize(stmt);
    return out;
}

std::string sqlName(const std::string& name)
{
    std::string out = "\"";
    for (char c : name)
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

void exec(sqlite3* db, const std::string& sql)
{
    sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr); // a mutation SQLite refuses is simply skipped
}

// Rebuilds a table with one column's declared type changed; constraints and indexes go with it,
// which is a damage of its own (no primary key, duplicates allowed).
void retype(sqlite3* db, const std::string& table, std::size_t target, const char* type)
{
    std::vector<std::string> names = column(db, "SELECT name FROM pragma_table_info(" + sqlName(table) + ")");
    std::vector<std::string> types = column(db, "SELECT type FROM pragma_table_info(" + sqlName(table) + ")");
    if (names.empty())
        return;
    std::string columns;
    for (std::size_t i = 0; i < names.size(); ++i)
        columns
            += (i ? ", " : "") + sqlName(names[i]) + " " + (i == target % names.size() ? std::string(type) : types[i]);
    exec(db, "CREATE TABLE runlens_fuzz_new (" + columns + ")");
    exec(db, "INSERT INTO runlens_fuzz_new SELECT * FROM " + sqlName(table));
    exec(db, "DROP TABLE " + sqlName(table));
    exec(db, "ALTER TABLE runlens_fuzz_new RENAME TO " + sqlName(table));
}

void mutate(sqlite3* db, Cursor& in)
{
    std::vector<std::string> present;
    const auto all = column(db, "SELECT name FROM sqlite_schema WHERE type = 'table'");
    for (const char* name : kTables)
        if (std::find(all.begin(), all.end(), name) != all.end())
            present.emplace_back(name);
    if (present.empty())
        return;
    const std::uint8_t op = in.next();
    const std::string table = present[in.next() % present.size()];
    const auto columns = column(db, "SELECT name FROM pragma_table_info(" + sqlName(table) + ")");
    const std::size_t columnIndex = in.next();
    const std::string col = columns.empty() ? std::string("x") : columns[columnIndex % columns.size()];
    const std::string row = std::to_string(in.next() % 8);
    const std::string t = sqlName(table);
    switch (op % 9) {
    case 0:
        exec(db, "DROP TABLE " + t);
        break;
    case 1:
        exec(db, "ALTER TABLE " + t + " RENAME TO " + sqlName(table + "_old"));
        break;
    case 2:
        exec(db, "ALTER TABLE " + t + " DROP COLUMN " + sqlName(col));
        break;
    case 3:
        exec(db, "ALTER TABLE " + t + " RENAME COLUMN " + sqlName(col) + " TO " + sqlName(col + "_old"));
        break;
    case 4:
        retype(db, table, columnIndex, kTypes[in.next() % kTypes.size()]);
        break;
    case 5:
    case 6:
        exec(db,
            "UPDATE " + t + " SET " + sqlName(col) + " = " + kOddValues[in.next() % kOddValues.size()]
                + " WHERE rowid IN (SELECT rowid FROM " + t + " LIMIT 1 OFFSET " + row + ")");
        break;
    case 7:
        exec(db, "INSERT INTO " + t + " SELECT * FROM " + t + " LIMIT 1 OFFSET " + row);
        break;
    case 8:
        exec(db, "DELETE FROM " + t + " WHERE rowid IN (SELECT rowid FROM " + t + " LIMIT 1 OFFSET " + row + ")");
        break;
    }
}

std::string fixtureBytes()
{
    std::ifstream in(RUNLENS_FUZZ_FIXTURE_DIR "/mlflow3/mlflow.db", std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.empty())
        std::abort();
    return bytes;
}

template<typename T>
void consume(const Result<T>& result)
{
    if (!result)
        (void)result.error().message.size();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static const std::string fixture = fixtureBytes();
    static const std::filesystem::path dbFile = fuzz::scratchDir() / "mlflow.db";

    sqlite3* db = nullptr;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK)
        std::abort();
    auto* copy = static_cast<unsigned char*>(sqlite3_malloc64(fixture.size()));
    std::memcpy(copy, fixture.data(), fixture.size());
    if (sqlite3_deserialize(db, "main", copy, static_cast<sqlite3_int64>(fixture.size()),
            static_cast<sqlite3_int64>(fixture.size()), SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE)
        != SQLITE_OK)
        std::abort();
    Cursor in {data, size};
    const std::size_t filter = in.next() % kFilters.size();
    for (int i = 0; i < 12 && in.size > 0; ++i)
        mutate(db, in);
    sqlite3_int64 length = 0;
    unsigned char* bytes = sqlite3_serialize(db, "main", &length, 0);
    sqlite3_close(db);
    if (!bytes)
        return 0;
    // A serialized database keeps its journal mode in the header; a rollback journal keeps the
    // read-only open from needing -wal/-shm files left by the previous input.
    if (length > 19)
        bytes[18] = bytes[19] = 1;
    fuzz::writeFile(dbFile, {reinterpret_cast<const char*>(bytes), static_cast<std::size_t>(length)});
    sqlite3_free(bytes);

    auto store = SqliteStore::open(dbFile);
    if (!store) {
        consume(store);
        return 0;
    }
    Store& s = **store;
    auto experiments = s.experiments(ViewType::All);
    consume(experiments);
    RunQuery query;
    query.view = ViewType::All;
    query.filter = kFilters[filter];
    query.orderBy = {"metrics.loss DESC", "params.lr"};
    query.maxResults = 20;
    if (experiments)
        for (const Experiment& experiment : experiments->experiments)
            query.experimentIds.push_back(experiment.experimentId);
    auto runs = s.searchRuns(query);
    consume(runs);
    if (runs && !runs->runs.empty()) {
        const Run& run = runs->runs.front();
        consume(s.run(run.info.runId));
        if (!run.metrics.empty())
            consume(s.metricHistoryWithSources(run.info.runId, run.metrics.front().key));
    }
    auto models = s.registeredModels();
    consume(models);
    if (models)
        for (const RegisteredModel& model : *models)
            consume(s.modelVersions(model.name));
    consume(s.prompts());
    LoggedModelQuery loggedQuery;
    loggedQuery.experimentIds = query.experimentIds;
    loggedQuery.filter = "metrics.answer_correctness > 0.5 or params.llm = 'tiny-llm'";
    auto logged = s.searchLoggedModels(loggedQuery);
    consume(logged);
    if (logged && !logged->models.empty())
        consume(s.loggedModel(logged->models.front().modelId));
    return 0;
}
