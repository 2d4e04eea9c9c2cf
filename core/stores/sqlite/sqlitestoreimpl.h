// SPDX-License-Identifier: Apache-2.0
#pragma once

// What the SqliteStore's files share: the connection and its thread, the schema, the read and write
// transactions, and the row helpers. Only the sqlite store's own .cpp files include this.

#include "stores/sqlite/sqliteconnection.h"
#include "stores/sqlite/sqliteschema.h"
#include "stores/sqlite/sqlitestore.h"
#include "stores/sqlite/sqlitethread.h"
#include "stores/sqlite/sqlrunfilter.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace runlens {

namespace sqlitedetail {

namespace fs = std::filesystem;

constexpr std::string_view kRunNameTag = "mlflow.runName";
constexpr std::string_view kDeletedInternal = "Deleted_Internal";

inline StoreError cancelledError()
{
    return StoreError {ErrorCode::Cancelled, "reading the SQLite store was cancelled"};
}

std::string_view stagesSql(ViewType view);

// SQL ids are integers; anything else names no experiment (MLflow's query simply finds nothing).
std::optional<std::int64_t> parseInt64(std::string_view text);

inline LifecycleStage stageFromText(std::string_view text)
{
    return text == "deleted" ? LifecycleStage::Deleted : LifecycleStage::Active;
}

// Runs a statement to completion, handing every row to `row`.
template<typename F>
Status forEachRow(SqliteStatement& statement, F&& row)
{
    for (;;) {
        auto next = statement.step();
        if (!next)
            return next.error();
        if (!*next)
            return Done {};
        row(statement);
    }
}

void sortByKey(std::vector<KeyValue>& values);

/** A path as UTF-8 text, '/'-separated. */
std::string utf8(const fs::path& path);

inline void bindOne(SqliteStatement& statement, int index, const std::string& text)
{
    statement.bindText(index, text);
}

inline void bindOne(SqliteStatement& statement, int index, std::int64_t value)
{
    statement.bindInt64(index, value);
}

// Runs one statement with its parameters; true when it produced a row (for existence checks).
template<typename... Args>
Result<bool> runStatement(SqliteConnection& c, const std::string& sql, const Args&... args)
{
    auto statement = c.prepareCached(sql);
    if (!statement)
        return statement.error();
    int index = 1;
    (bindOne(**statement, index++, args), ...);
    auto row = (*statement)->step();
    (*statement)->reset();
    return row;
}

// The same for a statement that only changes rows.
template<typename... Args>
Status execStatement(SqliteConnection& c, const std::string& sql, const Args&... args)
{
    auto done = runStatement(c, sql, args...);
    if (!done)
        return done.error();
    return Done {};
}

struct ArtifactLocation
{
    std::optional<fs::path> root; // the existing local folder, when one was found
    std::string recordedUri;
    bool local = true; // the recorded URI names the local disk (a missing folder lists as empty)
};

// The experiments and run lifecycle stages a run read covers, as a boolean SQL expression over
// `runs r`. Filters pushed down to SQL later are ANDed onto it; every bulk query embeds it once.
struct RunSelection
{
    std::string sql;
    std::vector<SqlValue> binds;
    bool filtered = false; // a search filter is part of `sql`
    void bindTo(SqliteStatement& statement) const;
};

// The selected runs by id, for the child-row queries once the runs themselves are loaded: re-running
// a pushed-down filter inside every child query would cost more than the filter saves.
RunSelection selectionOfIds(const std::vector<Run>& runs);

// Child rows arrive grouped by run most of the time; remembering the last run saves a hash lookup.
class RunIndex
{
public:
    void add(const std::string& runId, std::size_t index) { m_indexes.emplace(runId, index); }
    std::optional<std::size_t> find(std::string_view runId)
    {
        if (m_hasLast && runId == m_lastId)
            return m_lastIndex;
        const auto it = m_indexes.find(std::string(runId));
        if (it == m_indexes.end())
            return std::nullopt;
        m_hasLast = true;
        m_lastId = it->first;
        m_lastIndex = it->second;
        return m_lastIndex;
    }

private:
    std::unordered_map<std::string, std::size_t> m_indexes;
    bool m_hasLast = false;
    std::string m_lastId;
    std::size_t m_lastIndex = 0;
};

} // namespace sqlitedetail

using namespace sqlitedetail;

struct SqliteStore::Impl
{
    fs::path dbFile;
    fs::path dbDir;
    bool readOnly = true;
    bool immutable = false;
    std::string writeBlocker; // why writes are off; empty when they are on
    ErrorCode writeBlockedCode = ErrorCode::NotImplemented;
    SqliteSchema schema;
    std::string historySql;
    std::string runExistsSql;
    std::string runArtifactSql;
    SqliteThread thread;
    std::unique_ptr<SqliteConnection> connection; // only touched on `thread`

    ~Impl()
    {
        thread.call([this] { connection.reset(); });
    }

    std::string workspaceFilter(std::string_view table, std::string_view alias = {}) const
    {
        if (!schema.hasColumn(table, "workspace"))
            return {};
        return std::string(" AND ") + (alias.empty() ? "" : std::string(alias) + ".") + "workspace = 'default'";
    }

    // Runs `job` on the connection's thread inside one read transaction, so a read made of several
    // queries sees one snapshot even while another process writes.
    template<typename R, typename F>
    R read(TaskControl* control, F&& job)
    {
        return thread.call([&]() -> R {
            if (isCancelled(control))
                return cancelledError();
            if (control)
                connection->setCancelCheck([control] { return control->cancelled(); });
            R result = [&]() -> R {
                if (auto begun = connection->exec("BEGIN"); !begun)
                    return begun.error();
                R value = job(*connection);
                connection->exec("COMMIT"); // a read transaction: ending it cannot lose anything
                return value;
            }();
            if (control)
                connection->setCancelCheck({});
            if (!result && result.error().code == ErrorCode::Cancelled)
                return cancelledError();
            return result;
        });
    }

    // Runs `job` on the connection's thread inside one BEGIN IMMEDIATE transaction: it commits when
    // the job succeeds and rolls back otherwise, so the database holds the old or the new state.
    template<typename R, typename F>
    R write(std::string_view what, F&& job)
    {
        if (!writeBlocker.empty())
            return StoreError {writeBlockedCode, "cannot " + std::string(what) + ": " + writeBlocker};
        return thread.call([&]() -> R {
            SqliteConnection& c = *connection;
            R result = [&]() -> R {
                if (auto begun = c.exec("BEGIN IMMEDIATE"); !begun)
                    return writeError(what, begun.error());
                R value = job(c);
                if (!value) {
                    const ErrorCode code = value.error().code;
                    if (code == ErrorCode::TemporarilyUnavailable || code == ErrorCode::IoError)
                        return writeError(what, value.error());
                    return value;
                }
                if (auto committed = c.exec("COMMIT"); !committed)
                    return writeError(what, committed.error());
                return value;
            }();
            if (!sqlite3_get_autocommit(c.handle()))
                c.exec("ROLLBACK");
            return result;
        });
    }

    // Says what a failed write ran into, in terms a person can act on.
    StoreError writeError(std::string_view what, const StoreError& error) const;

    // Decides once, at open, whether writes are offered (see sqlitestore.h).
    void checkWritable(SqliteConnection& c);

    // The run's lifecycle stage; RESOURCE_DOES_NOT_EXIST when there is no such run.
    Result<std::string> runStage(SqliteConnection& c, const std::string& runId);

    Status requireActiveRun(SqliteConnection& c, const std::string& runId);

    Status upsertRunTag(
        SqliteConnection& c, const std::string& runId, const std::string& key, const std::string& value);

    // MLflow's update_run_info with a run name: runs.name and the mlflow.runName tag, together.
    Status setRunName(SqliteConnection& c, const std::string& runId, const std::string& name);

    Status requireModel(SqliteConnection& c, const std::string& model);

    Status requireVersion(SqliteConnection& c, const std::string& model, std::int64_t version);
    Status requireModelOrVersion(SqliteConnection& c, const std::string& model, std::optional<std::int64_t> version);
    template<typename... Args>
    Status registryWrite(std::string_view what, const std::string& model, std::optional<std::int64_t> version,
        const std::string& sql, const Args&... args);

    void prepareSql();

    Result<std::vector<Experiment>> loadExperiments(
        SqliteConnection& c, const std::string& condition, std::optional<std::int64_t> id);

    Result<RunSelection> selectionFor(
        SqliteConnection& c, const std::vector<std::string>& experimentIds, ViewType view);

    RunSelection selectionForRun(const std::string& runId) const;

    // Runs a query over the child rows of the selected runs; `sql` holds one {runs} placeholder for
    // the sub-select of run ids.
    Status forChildRows(SqliteConnection& c, const RunSelection& selection, std::string sql,
        const std::function<void(SqliteStatement&)>& row);

    Result<RunList> loadRuns(
        SqliteConnection& c, const RunSelection& selection, RunFields fields, TaskControl* control);

    // A metric row whose value or step is not what MLflow's columns hold is skipped and reported.
    Status loadLatestMetrics(SqliteConnection& c, const RunSelection& selection, std::vector<Run>& runs,
        RunIndex& index, std::vector<Problem>& problems);

    Status loadInputs(SqliteConnection& c, const RunSelection& selection, std::vector<Run>& runs, RunIndex& index);

    // The runs' model inputs and outputs (MLflow 3), from `inputs`.
    Status loadModelIo(SqliteConnection& c, const RunSelection& selection, std::vector<Run>& runs, RunIndex& index);

    // Logged models matching `condition` (SQL over logged_models, ?1.. bound to `binds`) in table order,
    // with their params, tags and metrics.
    Result<std::vector<LoggedModel>> loadLoggedModels(
        SqliteConnection& c, const std::string& condition, const std::vector<std::string>& binds);

    Result<ArtifactLocation> locateRunArtifacts(const std::string& runId);

    std::string modelVersionColumns() const;

    static ModelVersion modelVersionFromRow(SqliteStatement& row);

    // Versions (deleted ones excluded), tags and aliases of one model or of all; grouped by model
    // name and ordered by version.
    struct RegistryRows
    {
        std::map<std::string, std::vector<ModelVersion>, std::less<>> versions;
        std::map<std::string, std::vector<ModelAlias>, std::less<>> aliases;
    };

    Result<RegistryRows> loadVersions(SqliteConnection& c, const std::string* modelName);

    Result<std::vector<RegisteredModel>> loadRegisteredModels(SqliteConnection& c, const std::string* modelName);

    // Registered models with their aliases and latest versions: the prompts, or everything else.
    Result<std::vector<RegisteredModel>> listRegistry(bool wantPrompts);
};

} // namespace runlens
