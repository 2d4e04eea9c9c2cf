// SPDX-License-Identifier: Apache-2.0
#include "sqlitestore.h"

#include "runsearch.h"
#include "sqliteconnection.h"
#include "sqliteschema.h"
#include "sqlitethread.h"
#include "sqlrunfilter.h"
#include "uri.h"

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <tuple>
#include <unordered_map>
#include <variant>

#ifndef _WIN32
#include <unistd.h>
#endif

namespace fs = std::filesystem;

namespace runlens {

namespace {

constexpr std::string_view kRunNameTag = "mlflow.runName";
constexpr std::string_view kPromptTag = "mlflow.prompt.is_prompt";
constexpr std::string_view kDeletedInternal = "Deleted_Internal";

StoreError cancelledError()
{
    return StoreError {ErrorCode::Cancelled, "reading the SQLite store was cancelled"};
}

std::string_view stagesSql(ViewType view)
{
    switch (view) {
    case ViewType::ActiveOnly:
        return "('active')";
    case ViewType::DeletedOnly:
        return "('deleted')";
    case ViewType::All:
        break;
    }
    return "('active', 'deleted')";
}

// SQL ids are integers; anything else names no experiment (MLflow's query simply finds nothing).
std::optional<std::int64_t> parseInt64(std::string_view text)
{
    std::int64_t value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc() || ptr != end)
        return std::nullopt;
    return value;
}

LifecycleStage stageFromText(std::string_view text)
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

void sortByKey(std::vector<KeyValue>& values)
{
    std::sort(values.begin(), values.end(), [](const KeyValue& a, const KeyValue& b) { return a.key < b.key; });
}

std::string utf8(const fs::path& path)
{
    const std::u8string text = path.generic_u8string();
    return std::string(text.begin(), text.end());
}

fs::path pathFromUtf8(std::string_view text)
{
    return fs::path(std::u8string(text.begin(), text.end()));
}

bool isDirectory(const fs::path& path)
{
    std::error_code ec;
    return fs::is_directory(path, ec);
}

std::vector<std::string> splitPath(std::string_view path)
{
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (start <= path.size()) {
        std::size_t end = path.find_first_of("/\\", start);
        if (end == std::string_view::npos)
            end = path.size();
        const std::string_view part = path.substr(start, end - start);
        if (!part.empty() && part != ".")
            parts.emplace_back(part);
        start = end + 1;
    }
    return parts;
}

// A relative artifact path as MLflow accepts it: no absolute paths, no '..'. Returns it '/'-joined.
Result<std::string> normalizeArtifactPath(std::string_view path)
{
    const bool absolute = path.starts_with('/') || path.starts_with('\\') || uriScheme(path) == "file"
        || (path.size() > 1 && path[1] == ':');
    const auto parts = splitPath(path);
    const bool climbs = std::find(parts.begin(), parts.end(), "..") != parts.end();
    if (absolute || climbs) {
        return StoreError {ErrorCode::InvalidParameterValue,
            "invalid artifact path '" + std::string(path)
                + "': it must be relative to the run's artifact root and must not contain '..'"};
    }
    std::string joined;
    for (const auto& part : parts) {
        if (!joined.empty())
            joined += '/';
        joined += part;
    }
    return joined;
}

struct ArtifactLocation
{
    std::optional<fs::path> root; // the existing local folder, when one was found
    std::string recordedUri;
    bool local = true; // the recorded URI names the local disk (a missing folder lists as empty)
};

// The relocation rule documented in sqlitestore.h.
ArtifactLocation locateArtifacts(
    const std::string& recordedUri, const fs::path& dbDir, const std::string& runId, const std::string& experimentId)
{
    ArtifactLocation location;
    location.recordedUri = recordedUri;
    std::vector<fs::path> candidates;

    const std::string scheme = uriScheme(recordedUri);
    std::string recordedPath;
    fs::path tailBase = dbDir;
    if (auto local = localPathFromUri(recordedUri); local && !local->empty()) {
        recordedPath = *local;
        const fs::path recorded = pathFromUtf8(recordedPath);
        candidates.push_back(recorded.is_absolute() ? recorded : dbDir / recorded);
    } else if (scheme == "mlflow-artifacts") {
        location.local = false;
        std::string_view rest = std::string_view(recordedUri).substr(scheme.size() + 1);
        if (rest.starts_with("//")) { // mlflow-artifacts://host:port/path
            rest.remove_prefix(2);
            const auto slash = rest.find('/');
            rest = slash == std::string_view::npos ? std::string_view {} : rest.substr(slash);
        }
        recordedPath = percentDecode(rest);
        tailBase = dbDir / "mlartifacts";
    } else {
        location.local = recordedUri.empty();
    }

    const auto parts = splitPath(recordedPath);
    const auto lastRun = std::find(parts.rbegin(), parts.rend(), runId);
    if (!runId.empty() && lastRun != parts.rend()) {
        const auto runIndex = static_cast<std::size_t>(parts.rend() - lastRun - 1);
        for (std::size_t first = 0; first <= runIndex; ++first) {
            // A drive ("C:") or '..' cannot be re-rooted under the database folder.
            const bool usable = parts[first].find(':') == std::string::npos
                && std::find(parts.begin() + static_cast<std::ptrdiff_t>(first), parts.end(), "..") == parts.end();
            if (!usable)
                continue;
            fs::path candidate = tailBase;
            for (std::size_t i = first; i < parts.size(); ++i)
                candidate /= pathFromUtf8(parts[i]);
            candidates.push_back(std::move(candidate));
        }
    }
    if (!runId.empty() && !experimentId.empty())
        candidates.push_back(dbDir / "mlruns" / pathFromUtf8(experimentId) / pathFromUtf8(runId) / "artifacts");

    for (const auto& candidate : candidates) {
        if (isDirectory(candidate)) {
            location.root = candidate.lexically_normal();
            break;
        }
    }
    return location;
}

// --- write validation (MLflow's mlflow/utils/validation.py) --------------------------------------

// Revisions whose tables the writes touch (runs, tags, registry tables) were checked against; other
// revisions are read but not written, because MLflow itself refuses a database it does not know.
constexpr std::array<std::string_view, 12> kWriteTestedRevisions {"3500859a5d39", "7f2a7d5fae7d", "2d6e25af4d3e",
    "acf3f17fdcc7", "867495a8f9d4", "5b0e9adcef9c", "4465047574b1", "f5a4f2784254", "0584bdc529eb", "400f98739977",
    "6953534de441", "bda7b8c39065"};

constexpr std::array<std::string_view, 4> kStages {"None", "Staging", "Production", "Archived"};
constexpr std::size_t kMaxKeyLength = 250;
constexpr std::size_t kMaxRunTagValueLength = 8000;
constexpr std::size_t kMaxRegistryTagValueLength = 5000;
constexpr std::size_t kMaxAliasLength = 255;

std::int64_t nowMillis()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// MLflow's limits count Python characters (code points), not bytes.
std::size_t codePoints(std::string_view text)
{
    return static_cast<std::size_t>(
        std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

StoreError invalidValue(std::string message)
{
    return StoreError {ErrorCode::InvalidParameterValue, std::move(message)};
}

std::string inQuotes(std::string_view text)
{
    return "'" + std::string(text) + "'";
}

// Python's posixpath.normpath, which MLflow's path_not_unique() compares names against.
std::string posixNormpath(std::string_view path)
{
    if (path.empty())
        return ".";
    std::size_t slashes = path.starts_with('/') ? 1 : 0;
    if (path.starts_with("//") && !path.starts_with("///"))
        slashes = 2;
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (start <= path.size()) {
        std::size_t end = path.find('/', start);
        if (end == std::string_view::npos)
            end = path.size();
        const std::string_view part = path.substr(start, end - start);
        start = end + 1;
        if (part.empty() || part == ".")
            continue;
        if (part != ".." || (slashes == 0 && parts.empty()) || (!parts.empty() && parts.back() == ".."))
            parts.push_back(part);
        else if (!parts.empty())
            parts.pop_back();
    }
    std::string joined(slashes, '/');
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i > 0)
            joined += '/';
        joined += parts[i];
    }
    return joined.empty() ? "." : joined;
}

// \w in Python matches Unicode letters and digits; every non-ASCII byte is let through here, so a
// few non-word symbols MLflow would reject are accepted.
bool isWordByte(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

Status validateTagKey(std::string_view key)
{
    for (const char ch : key) {
        const auto c = static_cast<unsigned char>(ch);
        if (!isWordByte(c) && c != '/' && c != '.' && c != '-' && c != ' ' && c != ':') {
            return invalidValue("Invalid tag name " + inQuotes(key)
                + ": names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), "
                  "colon(:) and slashes (/)");
        }
    }
    const std::string norm = posixNormpath(key);
    if (norm != key || norm == "." || norm.starts_with("..") || norm.starts_with('/')) {
        return invalidValue("Invalid tag name " + inQuotes(key)
            + ": names may be treated as files in certain cases, and must not resolve to other names when treated "
              "as such. This name would resolve to "
            + inQuotes(norm));
    }
    if (codePoints(key) > kMaxKeyLength)
        return invalidValue("tag key " + inQuotes(key) + " exceeds the maximum length of 250 characters");
    return Done {};
}

Status validateLength(std::string_view what, std::string_view value, std::size_t limit)
{
    if (codePoints(value) > limit) {
        return invalidValue(std::string(what) + " exceeds the maximum length of " + std::to_string(limit)
            + " characters (it has " + std::to_string(codePoints(value)) + ")");
    }
    return Done {};
}

Status validateModelName(std::string_view name)
{
    if (name.empty())
        return invalidValue("Registered model name cannot be empty.");
    return Done {};
}

Status validateAlias(std::string_view alias)
{
    if (alias.empty())
        return invalidValue("Registered model alias name cannot be empty.");
    for (const char ch : alias) {
        const auto c = static_cast<unsigned char>(ch);
        if (!isWordByte(c) && c != '-') {
            return invalidValue("Invalid alias name: " + inQuotes(alias)
                + ". Names may only contain alphanumerics, underscores (_), and dashes (-).");
        }
    }
    if (codePoints(alias) > kMaxAliasLength)
        return invalidValue("Registered model alias name exceeds the maximum length of 255 characters");
    std::string lower(alias);
    std::transform(lower.begin(), lower.end(), lower.begin(),
        [](unsigned char c) { return static_cast<char>(c < 0x80 ? std::tolower(c) : c); });
    if (lower == "latest")
        return invalidValue("'latest' alias name (case insensitive) is reserved.");
    if (alias.size() > 1 && (alias[0] == 'v' || alias[0] == 'V')
        && std::all_of(alias.begin() + 1, alias.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return invalidValue("Version alias name " + inQuotes(alias) + " is reserved.");
    }
    return Done {};
}

// MLflow's get_canonical_stage: case-insensitive, canonical capitalization.
Result<std::string> canonicalStage(std::string_view stage)
{
    for (const auto known : kStages) {
        if (known.size() == stage.size() && std::equal(known.begin(), known.end(), stage.begin(), [](char a, char b) {
                return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
            }))
            return std::string(known);
    }
    return invalidValue("Invalid Model Version stage: " + std::string(stage)
        + ". Value must be one of None, Staging, Production, Archived.");
}

StoreError runNotFound(const std::string& runId)
{
    return StoreError {ErrorCode::ResourceDoesNotExist, "Run with id=" + runId + " not found"};
}

StoreError modelNotFound(const std::string& model)
{
    return StoreError {ErrorCode::ResourceDoesNotExist, "Registered Model with name=" + model + " not found"};
}

StoreError versionNotFound(const std::string& model, std::int64_t version)
{
    return StoreError {ErrorCode::ResourceDoesNotExist,
        "Model Version (name=" + model + ", version=" + std::to_string(version) + ") not found"};
}

bool isWritable(const fs::path& path)
{
#ifndef _WIN32
    // access() also reports a read-only mount (EROFS), even for root.
    return ::access(path.c_str(), W_OK) == 0;
#else
    std::error_code ec;
    const auto perms = fs::status(path, ec).permissions();
    return !ec && (perms & fs::perms::owner_write) != fs::perms::none;
#endif
}

void bindOne(SqliteStatement& statement, int index, const std::string& text)
{
    statement.bindText(index, text);
}

void bindOne(SqliteStatement& statement, int index, std::int64_t value)
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

// The experiments and run lifecycle stages a run read covers, as a boolean SQL expression over
// `runs r`. Filters pushed down to SQL later are ANDed onto it; every bulk query embeds it once.
struct RunSelection
{
    std::string sql;
    std::vector<SqlValue> binds;
    bool filtered = false; // a search filter is part of `sql`

    void bindTo(SqliteStatement& statement) const
    {
        int index = 1;
        for (const auto& value : binds) {
            if (const auto* number = std::get_if<std::int64_t>(&value))
                statement.bindInt64(index++, *number);
            else if (const auto* real = std::get_if<double>(&value))
                statement.bindDouble(index++, *real);
            else
                statement.bindText(index++, std::get<std::string>(value));
        }
    }
};

// The selected runs by id, for the child-row queries once the runs themselves are loaded: re-running
// a pushed-down filter inside every child query would cost more than the filter saves.
RunSelection selectionOfIds(const std::vector<Run>& runs)
{
    std::string json = "[";
    for (const auto& run : runs) {
        if (json.size() > 1)
            json += ',';
        json += '"';
        for (const char ch : run.info.runId) {
            if (ch == '"' || ch == '\\')
                json += '\\';
            json += ch;
        }
        json += '"';
    }
    json += ']';
    RunSelection selection;
    selection.sql = "r.run_uuid IN (SELECT value FROM json_each(?1))";
    selection.binds.emplace_back(std::move(json));
    return selection;
}

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

} // namespace

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
    StoreError writeError(std::string_view what, const StoreError& error) const
    {
        const int code = connection->lastErrorCode() & 0xff;
        if (error.code == ErrorCode::TemporarilyUnavailable && (code == SQLITE_BUSY || code == SQLITE_LOCKED)) {
            return StoreError {ErrorCode::TemporarilyUnavailable,
                "cannot " + std::string(what) + ": database is locked by another process: " + dbFile.string()
                    + " (waited " + std::to_string(connection->busyTimeout()) + " ms)"};
        }
        if (code == SQLITE_READONLY || code == SQLITE_PERM || code == SQLITE_CANTOPEN) {
            return StoreError {ErrorCode::PermissionDenied,
                "cannot " + std::string(what) + ": " + dbFile.string() + " cannot be written (" + error.message + ")"};
        }
        return StoreError {error.code, "cannot " + std::string(what) + ": " + error.message};
    }

    // Decides once, at open, whether writes are offered (see sqlitestore.h).
    void checkWritable(SqliteConnection& c)
    {
        std::string revision;
        if (auto statement = c.prepare("SELECT version_num FROM alembic_version")) {
            if (auto row = statement->step(); row && *row)
                revision = statement->text(0);
        }
        static constexpr std::array<std::pair<std::string_view, std::string_view>, 14> kNeeded {{{"runs", "name"},
            {"runs", "deleted_time"}, {"runs", "lifecycle_stage"}, {"tags", "value"}, {"registered_models", "name"},
            {"registered_models", "last_updated_time"}, {"model_versions", "current_stage"},
            {"model_versions", "last_updated_time"}, {"model_versions", "description"},
            {"registered_model_tags", "value"}, {"model_version_tags", "value"}, {"registered_model_aliases", "alias"},
            {"registered_models", "description"}, {"model_versions", "version"}}};
        const bool tested = std::find(kWriteTestedRevisions.begin(), kWriteTestedRevisions.end(), revision)
            != kWriteTestedRevisions.end();
        const auto missing = std::find_if(kNeeded.begin(), kNeeded.end(),
            [&](const auto& needed) { return !schema.hasColumn(needed.first, needed.second); });
        if (missing != kNeeded.end()) {
            writeBlocker = "the database has no " + std::string(missing->first) + "." + std::string(missing->second)
                + " column, so it is read-only here";
        } else if (schema.hasColumn("runs", "workspace") || schema.hasColumn("experiments", "workspace")) {
            writeBlocker = "the database uses MLflow workspaces, which Runlens reads but does not write";
        } else if (!tested) {
            writeBlocker = "its schema revision '" + (revision.empty() ? std::string("(none)") : revision)
                + "' is not one Runlens was tested with for writes, so it is read-only here";
        }
        if (!writeBlocker.empty()) {
            writeBlockedCode = ErrorCode::NotImplemented;
            c.exec("PRAGMA query_only = ON"); // opened for writing, but nothing may write through it
        }
    }

    // --- run writes ----------------------------------------------------------------------------

    // The run's lifecycle stage; RESOURCE_DOES_NOT_EXIST when there is no such run.
    Result<std::string> runStage(SqliteConnection& c, const std::string& runId)
    {
        auto statement = c.prepareCached("SELECT lifecycle_stage FROM runs WHERE run_uuid = ?1");
        if (!statement)
            return statement.error();
        (*statement)->bindText(1, runId);
        auto row = (*statement)->step();
        if (!row)
            return row.error();
        if (!*row)
            return runNotFound(runId);
        std::string stage = (*statement)->text(0);
        (*statement)->reset();
        return stage;
    }

    Status requireActiveRun(SqliteConnection& c, const std::string& runId)
    {
        auto stage = runStage(c, runId);
        if (!stage)
            return stage.error();
        if (*stage != "active") {
            return invalidValue(
                "The run " + runId + " must be in the 'active' state. Current state is " + *stage + ".");
        }
        return Done {};
    }

    Status upsertRunTag(SqliteConnection& c, const std::string& runId, const std::string& key, const std::string& value)
    {
        auto done = runStatement(c,
            "INSERT INTO tags (key, value, run_uuid) VALUES (?1, ?2, ?3) ON CONFLICT (key, run_uuid) DO UPDATE SET "
            "value = excluded.value",
            key, value, runId);
        if (!done)
            return done.error();
        return Done {};
    }

    // MLflow's update_run_info with a run name: runs.name and the mlflow.runName tag, together.
    Status setRunName(SqliteConnection& c, const std::string& runId, const std::string& name)
    {
        auto renamed = runStatement(c, "UPDATE runs SET name = ?1 WHERE run_uuid = ?2", name, runId);
        if (!renamed)
            return renamed.error();
        return upsertRunTag(c, runId, std::string(kRunNameTag), name);
    }

    // --- registry writes -----------------------------------------------------------------------

    Status requireModel(SqliteConnection& c, const std::string& model)
    {
        auto found = runStatement(c, "SELECT 1 FROM registered_models WHERE name = ?1", model);
        if (!found)
            return found.error();
        if (!*found)
            return modelNotFound(model);
        return Done {};
    }

    Status requireVersion(SqliteConnection& c, const std::string& model, std::int64_t version)
    {
        auto found = runStatement(c,
            "SELECT 1 FROM model_versions WHERE name = ?1 AND version = ?2 AND current_stage IS NOT "
            "'Deleted_Internal'",
            model, version);
        if (!found)
            return found.error();
        if (!*found)
            return versionNotFound(model, version);
        return Done {};
    }

    void prepareSql()
    {
        // SQLite's planner prefers the primary key (key, timestamp, step, run_uuid, ...) for
        // `run_uuid = ? AND key = ?`, which scans every point of that key across all runs (150 ms on
        // 4 M rows); the run_uuid index reads only this run's points (about 1 ms). MLflow's order
        // (timestamp, step, value, is_nan) is applied by metricHistory() in memory: the points mostly
        // arrive in it already, and SQLite's temporary sort B-tree cost as much as the read itself.
        const std::string index = schema.indexStartingWith("metrics", "run_uuid", "key");
        historySql = "SELECT timestamp, " + schema.columnOr("metrics", "step", "0") + ", value, "
            + schema.columnOr("metrics", "is_nan", "0") + " FROM metrics"
            + (index.empty() ? std::string() : " INDEXED BY \"" + index + "\"") + " WHERE run_uuid = ?1 AND key = ?2";
        const std::string inWorkspace = schema.hasColumn("experiments", "workspace")
            ? " AND r.experiment_id IN (SELECT experiment_id FROM experiments WHERE workspace = 'default')"
            : "";
        runExistsSql = "SELECT 1 FROM runs r WHERE r.run_uuid = ?1" + inWorkspace;
        runArtifactSql = "SELECT r.artifact_uri, r.experiment_id FROM runs r WHERE r.run_uuid = ?1" + inWorkspace;
    }

    // --- experiments ---------------------------------------------------------------------------

    Result<std::vector<Experiment>> loadExperiments(
        SqliteConnection& c, const std::string& condition, std::optional<std::int64_t> id)
    {
        const bool hasCreation = schema.hasColumn("experiments", "creation_time");
        std::string sql = "SELECT experiment_id, name, artifact_location, lifecycle_stage, "
            + schema.columnOr("experiments", "creation_time", "NULL") + ", "
            + schema.columnOr("experiments", "last_update_time", "NULL") + " FROM experiments WHERE " + condition
            + workspaceFilter("experiments") + " ORDER BY " + (hasCreation ? "creation_time DESC, " : "")
            + "experiment_id ASC";
        auto statement = c.prepareCached(sql);
        if (!statement)
            return statement.error();
        if (id)
            (*statement)->bindInt64(1, *id);
        std::vector<Experiment> experiments;
        std::map<std::string, std::size_t, std::less<>> byId;
        auto status = forEachRow(**statement, [&](SqliteStatement& row) {
            Experiment e;
            e.experimentId = row.text(0);
            e.name = row.text(1);
            e.artifactLocation = row.text(2);
            e.lifecycleStage = stageFromText(row.textView(3));
            e.creationTime = row.optionalInt64(4);
            e.lastUpdateTime = row.optionalInt64(5);
            byId.emplace(e.experimentId, experiments.size());
            experiments.push_back(std::move(e));
        });
        if (!status)
            return status.error();

        if (schema.hasTable("experiment_tags") && !experiments.empty()) {
            auto tags = c.prepareCached(std::string("SELECT experiment_id, key, value FROM experiment_tags")
                + (id ? " WHERE experiment_id = ?1" : ""));
            if (!tags)
                return tags.error();
            if (id)
                (*tags)->bindInt64(1, *id);
            status = forEachRow(**tags, [&](SqliteStatement& row) {
                const auto it = byId.find(row.textView(0));
                if (it != byId.end())
                    experiments[it->second].tags.push_back(KeyValue {row.text(1), row.text(2)});
            });
            if (!status)
                return status.error();
            for (auto& e : experiments)
                sortByKey(e.tags);
        }
        return experiments;
    }

    // --- runs ----------------------------------------------------------------------------------

    Result<RunSelection> selectionFor(SqliteConnection& c, const std::vector<std::string>& experimentIds, ViewType view)
    {
        RunSelection selection;
        const std::string stages(stagesSql(view));
        if (experimentIds.empty()) {
            // "Every experiment in the view": deleted runs also live in active experiments, so a view
            // that includes deleted runs covers every experiment, as the file store does.
            const std::string experimentStages(stagesSql(view == ViewType::ActiveOnly ? view : ViewType::All));
            selection.sql = "r.experiment_id IN (SELECT e.experiment_id FROM experiments e WHERE e.lifecycle_stage IN "
                + experimentStages + workspaceFilter("experiments", "e") + ")";
        } else {
            std::vector<std::int64_t> ids;
            for (const auto& text : experimentIds) {
                const auto id = parseInt64(text);
                if (!id) {
                    return StoreError {ErrorCode::ResourceDoesNotExist, "No Experiment with id=" + text + " exists"};
                }
                ids.push_back(*id);
            }
            std::sort(ids.begin(), ids.end());
            ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
            std::string list;
            for (const auto id : ids)
                list += (list.empty() ? "" : ", ") + std::to_string(id);
            // Every requested experiment must exist (in this workspace); the ids are validated
            // integers, so writing them into the SQL text is safe.
            auto found = c.prepare("SELECT experiment_id FROM experiments WHERE experiment_id IN (" + list + ")"
                + workspaceFilter("experiments"));
            if (!found)
                return found.error();
            std::vector<std::int64_t> existing;
            auto status = forEachRow(*found, [&](SqliteStatement& row) { existing.push_back(row.int64(0)); });
            if (!status)
                return status.error();
            for (const auto id : ids) {
                if (std::find(existing.begin(), existing.end(), id) == existing.end()) {
                    return StoreError {
                        ErrorCode::ResourceDoesNotExist, "No Experiment with id=" + std::to_string(id) + " exists"};
                }
            }
            selection.sql = "r.experiment_id IN (" + list + ")";
        }
        selection.sql += " AND r.lifecycle_stage IN " + stages;
        return selection;
    }

    RunSelection selectionForRun(const std::string& runId) const
    {
        RunSelection selection;
        selection.sql = "r.run_uuid = ?1";
        if (schema.hasColumn("experiments", "workspace"))
            selection.sql
                += " AND r.experiment_id IN (SELECT experiment_id FROM experiments WHERE workspace = 'default')";
        selection.binds.emplace_back(runId);
        return selection;
    }

    // Runs a query over the child rows of the selected runs; `sql` holds one {runs} placeholder for
    // the sub-select of run ids.
    Status forChildRows(SqliteConnection& c, const RunSelection& selection, std::string sql,
        const std::function<void(SqliteStatement&)>& row)
    {
        const std::string runs = "(SELECT r.run_uuid FROM runs r WHERE " + selection.sql + ")";
        sql.replace(sql.find("{runs}"), 6, runs);
        auto statement = c.prepare(sql);
        if (!statement)
            return statement.error();
        selection.bindTo(*statement);
        return forEachRow(*statement, row);
    }

    Result<RunList> loadRuns(SqliteConnection& c, const RunSelection& selection, RunFields fields, TaskControl* control)
    {
        constexpr std::int64_t kPhases = 6;
        std::int64_t phase = 0;
        auto progress = [&]() -> bool {
            if (control)
                control->report(++phase, kPhases);
            return !isCancelled(control);
        };

        RunList list;
        RunIndex index;
        const bool hasName = schema.hasColumn("runs", "name");
        {
            auto statement = c.prepare("SELECT r.run_uuid, " + std::string(hasName ? "r.name" : "NULL")
                + ", r.experiment_id, r.user_id, r.status, r.start_time, r.end_time, "
                + schema.columnOr("runs", "deleted_time", "NULL")
                + ", r.artifact_uri, r.lifecycle_stage FROM runs r WHERE " + selection.sql);
            if (!statement)
                return statement.error();
            selection.bindTo(*statement);
            auto status = forEachRow(*statement, [&](SqliteStatement& row) {
                Run run;
                RunInfo& info = run.info;
                info.runId = row.text(0);
                const auto runStatus = runStatusFromName(row.textView(4));
                if (!runStatus) {
                    list.problems.push_back(Problem {"runs/" + info.runId,
                        "unknown run status '" + row.text(4)
                            + "' (expected RUNNING, SCHEDULED, FINISHED, FAILED or "
                              "KILLED); the run is skipped"});
                    return;
                }
                info.status = *runStatus;
                info.runName = row.text(1);
                info.experimentId = row.text(2);
                info.userId = row.text(3);
                info.startTime = row.optionalInt64(5);
                info.endTime = row.optionalInt64(6);
                info.deletedTime = row.optionalInt64(7);
                info.artifactUri = row.text(8);
                info.lifecycleStage = stageFromText(row.textView(9));
                index.add(info.runId, list.runs.size());
                list.runs.push_back(std::move(run));
            });
            if (!status)
                return status.error();
        }
        if (!progress())
            return cancelledError();

        auto& runs = list.runs;
        if (runs.empty())
            return list;
        const RunSelection byIds = selection.filtered ? selectionOfIds(runs) : RunSelection {};
        const RunSelection& children = selection.filtered ? byIds : selection;

        if (has(fields, RunField::Params)) {
            auto status = forChildRows(c, children,
                "SELECT p.run_uuid, p.key, p.value FROM params p WHERE p.run_uuid IN {runs}",
                [&](SqliteStatement& row) {
                    if (const auto i = index.find(row.textView(0)))
                        runs[*i].params.push_back(KeyValue {row.text(1), row.text(2)});
                });
            if (!status)
                return status.error();
        }
        if (!progress())
            return cancelledError();

        const bool needNameTag
            = std::any_of(runs.begin(), runs.end(), [](const Run& r) { return r.info.runName.empty(); });
        if (has(fields, RunField::Tags)) {
            auto status = forChildRows(c, children,
                "SELECT t.run_uuid, t.key, t.value FROM tags t WHERE t.run_uuid IN {runs}", [&](SqliteStatement& row) {
                    if (const auto i = index.find(row.textView(0)))
                        runs[*i].tags.push_back(KeyValue {row.text(1), row.text(2)});
                });
            if (!status)
                return status.error();
            for (auto& run : runs) {
                sortByKey(run.tags);
                if (run.info.runName.empty()) {
                    if (const auto* name = run.tag(kRunNameTag))
                        run.info.runName = *name;
                }
            }
        } else if (needNameTag) {
            // Runs from before MLflow 1.30 (or renamed through the tag only) keep their name in the tag.
            auto status = forChildRows(c, children,
                "SELECT t.run_uuid, t.value FROM tags t WHERE t.key = 'mlflow.runName' AND t.run_uuid IN {runs}",
                [&](SqliteStatement& row) {
                    if (const auto i = index.find(row.textView(0)); i && runs[*i].info.runName.empty())
                        runs[*i].info.runName = row.text(1);
                });
            if (!status)
                return status.error();
        }
        if (!progress())
            return cancelledError();

        if (has(fields, RunField::Metrics)) {
            auto status = loadLatestMetrics(c, children, runs, index);
            if (!status)
                return status.error();
        }
        if (!progress())
            return cancelledError();

        if (has(fields, RunField::Inputs)) {
            auto status = loadInputs(c, children, runs, index);
            if (!status)
                return status.error();
        }
        if (!progress())
            return cancelledError();

        for (auto& run : runs)
            sortByKey(run.params);
        progress();
        return list;
    }

    Status loadLatestMetrics(
        SqliteConnection& c, const RunSelection& selection, std::vector<Run>& runs, RunIndex& index)
    {
        if (schema.hasTable("latest_metrics")) {
            auto status = forChildRows(c, selection,
                "SELECT m.run_uuid, m.key, m.value, m.timestamp, " + schema.columnOr("latest_metrics", "step", "0")
                    + ", " + schema.columnOr("latest_metrics", "is_nan", "0")
                    + " FROM latest_metrics m WHERE m.run_uuid IN {runs}",
                [&](SqliteStatement& row) {
                    const auto i = index.find(row.textView(0));
                    if (!i)
                        return;
                    Metric metric;
                    metric.key = row.text(1);
                    metric.point.value = row.int64(5) ? std::numeric_limits<double>::quiet_NaN() : row.real(2);
                    metric.point.timestamp = row.int64(3);
                    metric.point.step = row.int64(4);
                    runs[*i].metrics.push_back(std::move(metric));
                });
            if (!status)
                return status;
        } else {
            // Before MLflow 1.3 there was no latest_metrics table: take, per key, the point with the
            // largest (step, timestamp, stored value), as MLflow's own comparison does — on the
            // stored value, where NaN is 0 — keeping the first logged point on ties.
            struct Latest
            {
                MetricPoint point;
                double stored = 0.0;
            };
            std::vector<std::map<std::string, Latest, std::less<>>> latest(runs.size());
            auto status = forChildRows(c, selection,
                "SELECT m.run_uuid, m.key, m.value, m.timestamp, " + schema.columnOr("metrics", "step", "0") + ", "
                    + schema.columnOr("metrics", "is_nan", "0")
                    + " FROM metrics m WHERE m.run_uuid IN {runs} ORDER BY m.rowid",
                [&](SqliteStatement& row) {
                    const auto i = index.find(row.textView(0));
                    if (!i)
                        return;
                    Latest candidate;
                    candidate.stored = row.real(2);
                    candidate.point.value = row.int64(5) ? std::numeric_limits<double>::quiet_NaN() : candidate.stored;
                    candidate.point.timestamp = row.int64(3);
                    candidate.point.step = row.int64(4);
                    auto& perKey = latest[*i];
                    const auto key = row.textView(1);
                    auto it = perKey.find(key);
                    if (it == perKey.end()) {
                        perKey.emplace(std::string(key), candidate);
                        return;
                    }
                    const auto& current = it->second;
                    if (std::tuple(candidate.point.step, candidate.point.timestamp, candidate.stored)
                        > std::tuple(current.point.step, current.point.timestamp, current.stored))
                        it->second = candidate;
                });
            if (!status)
                return status;
            for (std::size_t i = 0; i < runs.size(); ++i) {
                for (auto& [key, value] : latest[i])
                    runs[i].metrics.push_back(Metric {key, value.point});
            }
        }
        for (auto& run : runs) {
            std::sort(
                run.metrics.begin(), run.metrics.end(), [](const Metric& a, const Metric& b) { return a.key < b.key; });
        }
        return Done {};
    }

    Status loadInputs(SqliteConnection& c, const RunSelection& selection, std::vector<Run>& runs, RunIndex& index)
    {
        if (!schema.hasTable("inputs") || !schema.hasTable("datasets"))
            return Done {};
        // MLflow reads dataset inputs as inputs(destination RUN) joined to datasets on source_id; within
        // a run they come in the order of the destination index, which is the order they were logged.
        std::map<std::string, std::pair<std::size_t, std::size_t>, std::less<>> byInput; // input -> (run, slot)
        auto status = forChildRows(c, selection,
            "SELECT i.destination_id, i.input_uuid, d.name, d.digest, d.dataset_source_type, d.dataset_source, "
            "d.dataset_schema, d.dataset_profile FROM inputs i JOIN datasets d ON d.dataset_uuid = i.source_id "
            "WHERE i.destination_type = 'RUN' AND i.destination_id IN {runs} ORDER BY i.destination_id, i.rowid",
            [&](SqliteStatement& row) {
                const auto i = index.find(row.textView(0));
                if (!i)
                    return;
                DatasetInput input;
                input.dataset.name = row.text(2);
                input.dataset.digest = row.text(3);
                input.dataset.sourceType = row.text(4);
                input.dataset.source = row.text(5);
                input.dataset.schema = row.text(6);
                input.dataset.profile = row.text(7);
                byInput.emplace(row.text(1), std::pair(*i, runs[*i].inputs.size()));
                runs[*i].inputs.push_back(std::move(input));
            });
        if (!status || byInput.empty() || !schema.hasTable("input_tags"))
            return status;
        status = forChildRows(c, selection,
            "SELECT t.input_uuid, t.name, t.value FROM input_tags t WHERE t.input_uuid IN (SELECT i.input_uuid FROM "
            "inputs i WHERE i.destination_type = 'RUN' AND i.destination_id IN {runs})",
            [&](SqliteStatement& row) {
                const auto it = byInput.find(row.textView(0));
                if (it != byInput.end())
                    runs[it->second.first].inputs[it->second.second].tags.push_back(
                        KeyValue {row.text(1), row.text(2)});
            });
        for (auto& run : runs) {
            for (auto& input : run.inputs)
                sortByKey(input.tags);
        }
        return status;
    }

    Result<ArtifactLocation> locateRunArtifacts(const std::string& runId)
    {
        using Row = Result<std::pair<std::string, std::string>>;
        auto row = read<Row>(nullptr, [&](SqliteConnection& c) -> Row {
            auto statement = c.prepareCached(runArtifactSql);
            if (!statement)
                return statement.error();
            (*statement)->bindText(1, runId);
            auto found = (*statement)->step();
            if (!found)
                return found.error();
            if (!*found)
                return StoreError {ErrorCode::ResourceDoesNotExist, "Run with id=" + runId + " not found"};
            std::pair<std::string, std::string> values {(*statement)->text(0), (*statement)->text(1)};
            (*statement)->reset();
            return values;
        });
        if (!row)
            return row.error();
        // The file system is looked at on the caller's thread, not on the connection's.
        return locateArtifacts(row->first, dbDir, runId, row->second);
    }

    // --- registry ------------------------------------------------------------------------------

    std::string modelVersionColumns() const
    {
        return "name, version, creation_time, last_updated_time, description, user_id, current_stage, source, "
            + schema.columnOr("model_versions", "storage_location", "NULL") + ", run_id, "
            + schema.columnOr("model_versions", "run_link", "NULL") + ", status, status_message";
    }

    static ModelVersion modelVersionFromRow(SqliteStatement& row)
    {
        ModelVersion v;
        v.name = row.text(0);
        v.version = row.int64(1);
        v.creationTimestamp = row.optionalInt64(2).value_or(0);
        v.lastUpdatedTimestamp = row.optionalInt64(3).value_or(0);
        v.description = row.optionalText(4);
        v.userId = row.optionalText(5);
        v.currentStage = row.isNull(6) ? std::string("None") : row.text(6);
        v.source = row.text(7);
        v.storageLocation = row.optionalText(8);
        v.runId = row.optionalText(9);
        v.runLink = row.optionalText(10);
        v.status = row.text(11);
        v.statusMessage = row.optionalText(12);
        return v;
    }

    // Versions (deleted ones excluded), tags and aliases of one model or of all; grouped by model
    // name and ordered by version.
    struct RegistryRows
    {
        std::map<std::string, std::vector<ModelVersion>, std::less<>> versions;
        std::map<std::string, std::vector<ModelAlias>, std::less<>> aliases;
    };

    Result<RegistryRows> loadVersions(SqliteConnection& c, const std::string* modelName)
    {
        RegistryRows rows;
        const std::string byName = modelName ? " AND name = ?1" : "";
        auto versions = c.prepareCached("SELECT " + modelVersionColumns()
            + " FROM model_versions WHERE current_stage IS NOT '" + std::string(kDeletedInternal) + "'" + byName
            + workspaceFilter("model_versions") + " ORDER BY name, version");
        if (!versions)
            return versions.error();
        if (modelName)
            (*versions)->bindText(1, *modelName);
        auto status = forEachRow(**versions, [&](SqliteStatement& row) {
            auto v = modelVersionFromRow(row);
            rows.versions[v.name].push_back(std::move(v));
        });
        if (!status)
            return status.error();

        auto findVersion = [&](std::string_view name, std::int64_t number) -> ModelVersion* {
            const auto it = rows.versions.find(name);
            if (it == rows.versions.end())
                return nullptr;
            const auto v = std::lower_bound(it->second.begin(), it->second.end(), number,
                [](const ModelVersion& mv, std::int64_t n) { return mv.version < n; });
            return v != it->second.end() && v->version == number ? &*v : nullptr;
        };

        const std::string where = modelName ? " WHERE name = ?1" : " WHERE 1";
        if (schema.hasTable("model_version_tags")) {
            auto tags = c.prepareCached("SELECT name, version, key, value FROM model_version_tags" + where
                + workspaceFilter("model_version_tags"));
            if (!tags)
                return tags.error();
            if (modelName)
                (*tags)->bindText(1, *modelName);
            status = forEachRow(**tags, [&](SqliteStatement& row) {
                if (auto* v = findVersion(row.textView(0), row.int64(1)))
                    v->tags.push_back(KeyValue {row.text(2), row.text(3)});
            });
            if (!status)
                return status.error();
        }
        if (schema.hasTable("registered_model_aliases")) {
            auto aliases = c.prepareCached("SELECT name, alias, version FROM registered_model_aliases" + where
                + workspaceFilter("registered_model_aliases"));
            if (!aliases)
                return aliases.error();
            if (modelName)
                (*aliases)->bindText(1, *modelName);
            status = forEachRow(**aliases, [&](SqliteStatement& row) {
                const ModelAlias alias {row.text(1), row.int64(2)};
                rows.aliases[row.text(0)].push_back(alias);
                if (auto* v = findVersion(row.textView(0), alias.version))
                    v->aliases.push_back(alias.alias);
            });
            if (!status)
                return status.error();
        }
        for (auto& [name, versions] : rows.versions) {
            for (auto& v : versions) {
                sortByKey(v.tags);
                std::sort(v.aliases.begin(), v.aliases.end());
            }
        }
        for (auto& [name, aliases] : rows.aliases) {
            std::sort(aliases.begin(), aliases.end(),
                [](const ModelAlias& a, const ModelAlias& b) { return a.alias < b.alias; });
        }
        return rows;
    }

    Result<std::vector<RegisteredModel>> loadRegisteredModels(SqliteConnection& c, const std::string* modelName)
    {
        std::vector<RegisteredModel> models;
        if (!schema.hasTable("registered_models"))
            return models;
        const std::string where = modelName ? " WHERE name = ?1" : " WHERE 1";
        auto statement = c.prepareCached("SELECT name, creation_time, last_updated_time, description FROM "
                                         "registered_models"
            + where + workspaceFilter("registered_models") + " ORDER BY name");
        if (!statement)
            return statement.error();
        if (modelName)
            (*statement)->bindText(1, *modelName);
        std::map<std::string, std::size_t, std::less<>> byName;
        auto status = forEachRow(**statement, [&](SqliteStatement& row) {
            RegisteredModel m;
            m.name = row.text(0);
            m.creationTimestamp = row.optionalInt64(1).value_or(0);
            m.lastUpdatedTimestamp = row.optionalInt64(2).value_or(0);
            m.description = row.optionalText(3);
            byName.emplace(m.name, models.size());
            models.push_back(std::move(m));
        });
        if (!status)
            return status.error();
        if (schema.hasTable("registered_model_tags")) {
            auto tags = c.prepareCached("SELECT name, key, value FROM registered_model_tags" + where
                + workspaceFilter("registered_model_tags"));
            if (!tags)
                return tags.error();
            if (modelName)
                (*tags)->bindText(1, *modelName);
            status = forEachRow(**tags, [&](SqliteStatement& row) {
                if (const auto it = byName.find(row.textView(0)); it != byName.end())
                    models[it->second].tags.push_back(KeyValue {row.text(1), row.text(2)});
            });
            if (!status)
                return status.error();
        }
        for (auto& m : models)
            sortByKey(m.tags);
        return models;
    }

    static bool isPrompt(const std::vector<KeyValue>& tags)
    {
        const auto* value = findValue(tags, kPromptTag);
        return value && *value == "true";
    }
};

// --- SqliteStore -------------------------------------------------------------------------------

SqliteStore::SqliteStore(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl))
{ }

SqliteStore::~SqliteStore() = default;

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const fs::path& dbFile, bool readOnly)
{
    std::error_code ec;
    fs::path file = fs::absolute(dbFile, ec).lexically_normal();
    if (ec)
        file = dbFile;
    auto impl = std::make_unique<Impl>();
    impl->dbFile = file;
    impl->dbDir = file.parent_path();
    impl->readOnly = readOnly;
    if (readOnly) {
        impl->writeBlocker = "the store was opened read-only";
    } else if (fs::exists(file, ec) && !isWritable(file)) {
        impl->writeBlocker = "'" + file.string() + "' is not writable (file permissions or a read-only mount)";
        impl->writeBlockedCode = ErrorCode::PermissionDenied;
    } else if (fs::exists(file, ec) && !isWritable(impl->dbDir)) {
        impl->writeBlocker = "the folder '" + impl->dbDir.string()
            + "' is not writable, and SQLite keeps its journal next to the database";
        impl->writeBlockedCode = ErrorCode::PermissionDenied;
    }
    Status opened = impl->thread.call([&]() -> Status {
        const bool write = impl->writeBlocker.empty();
        auto connection = SqliteConnection::open(
            file, write ? SqliteConnection::Access::ReadWrite : SqliteConnection::Access::ReadOnly);
        if (!connection && write && connection.error().code != ErrorCode::ResourceDoesNotExist
            && connection.error().code != ErrorCode::InvalidParameterValue) {
            // Writable by the permission bits but not to SQLite (e.g. a locked-down mount): read only.
            impl->writeBlocker = connection.error().message;
            impl->writeBlockedCode = ErrorCode::PermissionDenied;
            connection = SqliteConnection::open(file, SqliteConnection::Access::ReadOnly);
        }
        if (!connection)
            return connection.error();
        auto schema = SqliteSchema::read(**connection);
        if (!schema)
            return schema.error();
        if (!schema->hasTable("experiments") || !schema->hasTable("runs")) {
            return StoreError {ErrorCode::InvalidParameterValue,
                "'" + file.string()
                    + "' is an SQLite database but not an MLflow tracking store (it has no "
                      "experiments or runs table)"};
        }
        impl->immutable = (*connection)->isImmutable();
        impl->connection = std::move(connection.value());
        impl->schema = std::move(schema.value());
        impl->prepareSql();
        if (impl->writeBlocker.empty())
            impl->checkWritable(*impl->connection);
        return Done {};
    });
    if (!opened)
        return opened.error();
    return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(impl)));
}

const fs::path& SqliteStore::dbFile() const
{
    return m_impl->dbFile;
}

bool SqliteStore::isImmutable() const
{
    return m_impl->immutable;
}

const std::string& SqliteStore::metricHistorySql() const
{
    return m_impl->historySql;
}

std::string SqliteStore::uri() const
{
    // sqlite:/// + an absolute path gives MLflow's four-slash form.
    std::string path = utf8(m_impl->dbFile);
    if (!path.starts_with('/'))
        path.insert(path.begin(), '/');
    return "sqlite:///" + path;
}

Capabilities SqliteStore::capabilities() const
{
    Capabilities caps = static_cast<Capabilities>(Capability::Registry);
    if (m_impl->writeBlocker.empty())
        caps |= static_cast<Capabilities>(Capability::WriteRuns) | static_cast<Capabilities>(Capability::WriteRegistry);
    return caps;
}

const std::string& SqliteStore::writeBlocker() const
{
    return m_impl->writeBlocker;
}

void SqliteStore::setBusyTimeout(int milliseconds)
{
    m_impl->thread.call([&] { m_impl->connection->setBusyTimeout(milliseconds); });
}

Result<ExperimentList> SqliteStore::experiments(ViewType view)
{
    return m_impl->read<Result<ExperimentList>>(nullptr, [&](SqliteConnection& c) -> Result<ExperimentList> {
        auto experiments = m_impl->loadExperiments(c, "lifecycle_stage IN " + std::string(stagesSql(view)), {});
        if (!experiments)
            return experiments.error();
        return ExperimentList {std::move(experiments.value()), {}};
    });
}

Result<Experiment> SqliteStore::experiment(const std::string& experimentId)
{
    const auto id = parseInt64(experimentId);
    if (!id)
        return StoreError {ErrorCode::ResourceDoesNotExist, "No Experiment with id=" + experimentId + " exists"};
    return m_impl->read<Result<Experiment>>(nullptr, [&](SqliteConnection& c) -> Result<Experiment> {
        auto experiments = m_impl->loadExperiments(c, "experiment_id = ?1", id);
        if (!experiments)
            return experiments.error();
        if (experiments->empty())
            return StoreError {ErrorCode::ResourceDoesNotExist, "No Experiment with id=" + experimentId + " exists"};
        return std::move(experiments->front());
    });
}

Result<RunList> SqliteStore::searchRuns(const RunQuery& query, TaskControl* control)
{
    auto search = RunSearch::parse(query.filter, query.orderBy);
    if (!search)
        return search.error();
    const RunFields fields = query.fields | search->requiredFields() | static_cast<RunFields>(RunField::Info);
    bool filteredInSql = false;
    auto loaded = m_impl->read<Result<RunList>>(control, [&](SqliteConnection& c) -> Result<RunList> {
        auto selection = m_impl->selectionFor(c, query.experimentIds, query.view);
        if (!selection)
            return selection.error();
        if (search->hasFilter()) {
            // The filter runs in SQL, so only matching runs are read; where SQL cannot express it
            // exactly, it selects a superset and the in-memory match below decides.
            SqlRunFilter pushed = SqlRunFilter::build(*search, m_impl->schema, "r");
            selection->sql = "(" + selection->sql + ") AND (" + pushed.where + ")";
            for (auto& value : pushed.bindings)
                selection->binds.push_back(std::move(value));
            selection->filtered = true;
            filteredInSql = pushed.complete;
        }
        return m_impl->loadRuns(c, *selection, fields, control);
    });
    if (!loaded)
        return loaded;
    // Ordering (and any filtering SQL could not do) runs here, off the connection's thread.
    auto& runs = loaded->runs;
    if (search->hasFilter() && !filteredInSql)
        std::erase_if(runs, [&](const Run& run) { return !search->matches(run, SearchDialect::Sql); });
    search->sort(runs, SearchDialect::Sql);
    if (query.maxResults && runs.size() > *query.maxResults)
        runs.resize(*query.maxResults);
    return loaded;
}

Result<Run> SqliteStore::run(const std::string& runId)
{
    return m_impl->read<Result<Run>>(nullptr, [&](SqliteConnection& c) -> Result<Run> {
        auto list = m_impl->loadRuns(c, m_impl->selectionForRun(runId), kAllRunFields, nullptr);
        if (!list)
            return list.error();
        if (!list->problems.empty()) {
            const auto& problem = list->problems.front();
            return StoreError {ErrorCode::InternalError, "cannot read run " + runId + ": " + problem.reason};
        }
        if (list->runs.empty())
            return StoreError {ErrorCode::ResourceDoesNotExist, "Run with id=" + runId + " not found"};
        return std::move(list->runs.front());
    });
}

Result<std::vector<MetricPoint>> SqliteStore::metricHistory(const std::string& runId, const std::string& key)
{
    using History = Result<std::vector<MetricPoint>>;
    return m_impl->read<History>(nullptr, [&](SqliteConnection& c) -> History {
        auto exists = c.prepareCached(m_impl->runExistsSql);
        if (!exists)
            return exists.error();
        (*exists)->bindText(1, runId);
        auto found = (*exists)->step();
        (*exists)->reset();
        if (!found)
            return found.error();
        if (!*found)
            return StoreError {ErrorCode::ResourceDoesNotExist, "Run with id=" + runId + " not found"};

        auto statement = c.prepareCached(m_impl->historySql);
        if (!statement)
            return statement.error();
        (*statement)->bindText(1, runId);
        (*statement)->bindText(2, key);
        // The stored value (0 for NaN) and is_nan are part of MLflow's order, so they are kept for it.
        struct Row
        {
            std::int64_t timestamp;
            std::int64_t step;
            double stored;
            std::int64_t isNan;
            auto key() const { return std::tie(timestamp, step, stored, isNan); }
        };
        std::vector<Row> rows;
        auto status = forEachRow(**statement, [&](SqliteStatement& row) {
            rows.push_back(Row {row.int64(0), row.int64(1), row.real(2), row.int64(3)});
        });
        if (!status)
            return status.error();
        const auto less = [](const Row& a, const Row& b) { return a.key() < b.key(); };
        if (!std::is_sorted(rows.begin(), rows.end(), less))
            std::sort(rows.begin(), rows.end(), less);
        std::vector<MetricPoint> points;
        points.reserve(rows.size());
        for (const Row& r : rows) {
            MetricPoint point;
            point.timestamp = r.timestamp;
            point.step = r.step;
            point.value = r.isNan ? std::numeric_limits<double>::quiet_NaN() : r.stored;
            points.push_back(point);
        }
        return points;
    });
}

Result<fs::path> SqliteStore::artifactRoot(const std::string& runId)
{
    auto location = m_impl->locateRunArtifacts(runId);
    if (!location)
        return location.error();
    if (location->root)
        return *location->root;
    if (!location->local) {
        return StoreError {ErrorCode::NotImplemented,
            "the artifacts of run " + runId + " are stored at '" + location->recordedUri
                + "', which cannot be read from the local disk, and no copy was found next to '"
                + m_impl->dbFile.string() + "'"};
    }
    return StoreError {ErrorCode::ResourceDoesNotExist,
        "run " + runId + " has no artifact folder: '" + location->recordedUri
            + "' does not exist and no copy was found next to '" + m_impl->dbFile.string() + "'"};
}

Result<std::vector<FileInfo>> SqliteStore::listArtifacts(const std::string& runId, const std::string& path)
{
    auto relative = normalizeArtifactPath(path);
    if (!relative)
        return relative.error();
    std::vector<FileInfo> files;
    auto location = m_impl->locateRunArtifacts(runId);
    if (!location)
        return location.error();
    if (!location->root) {
        if (location->local)
            return files; // MLflow lists a local artifact folder that does not exist as empty
        return artifactRoot(runId).error();
    }
    const fs::path& root = *location->root;
    const fs::path dir = relative->empty() ? root : root / pathFromUtf8(*relative);
    if (!isDirectory(dir))
        return files; // a file or a missing path lists as empty, as in MLflow
    std::error_code ec;
    fs::directory_iterator it(dir, ec);
    if (ec) {
        return StoreError {ErrorCode::IoError, "cannot list artifacts in '" + dir.string() + "': " + ec.message()};
    }
    for (const auto& entry : it) {
        FileInfo info;
        const std::string name = utf8(entry.path().filename());
        info.path = relative->empty() ? name : *relative + "/" + name;
        std::error_code statError;
        info.isDir = entry.is_directory(statError);
        if (!info.isDir) {
            const auto size = entry.file_size(statError);
            if (!statError)
                info.fileSize = static_cast<std::int64_t>(size);
        }
        files.push_back(std::move(info));
    }
    std::sort(files.begin(), files.end(), [](const FileInfo& a, const FileInfo& b) { return a.path < b.path; });
    return files;
}

Result<std::string> SqliteStore::readArtifact(const std::string& runId, const std::string& path, std::int64_t maxBytes)
{
    auto relative = normalizeArtifactPath(path);
    if (!relative)
        return relative.error();
    if (relative->empty())
        return StoreError {ErrorCode::InvalidParameterValue, "no artifact path given for run " + runId};
    if (maxBytes < 0) {
        return StoreError {
            ErrorCode::InvalidParameterValue, "maxBytes must not be negative (got " + std::to_string(maxBytes) + ")"};
    }
    auto root = artifactRoot(runId);
    if (!root)
        return root.error();
    const fs::path file = *root / pathFromUtf8(*relative);
    std::error_code ec;
    if (fs::is_directory(file, ec)) {
        return StoreError {ErrorCode::InvalidParameterValue,
            "artifact '" + *relative + "' of run " + runId + " is a folder, not a file"};
    }
    if (!fs::is_regular_file(file, ec)) {
        return StoreError {ErrorCode::ResourceDoesNotExist, "run " + runId + " has no artifact '" + *relative + "'"};
    }
    std::ifstream in(file, std::ios::binary);
    if (!in)
        return StoreError {ErrorCode::IoError, "cannot open '" + file.string() + "'"};
    const auto size = fs::file_size(file, ec);
    const auto wanted
        = static_cast<std::size_t>(std::min<std::uintmax_t>(ec ? 0 : size, static_cast<std::uintmax_t>(maxBytes)));
    std::string bytes(wanted, '\0');
    in.read(bytes.data(), static_cast<std::streamsize>(wanted));
    bytes.resize(static_cast<std::size_t>(in.gcount()));
    if (in.bad())
        return StoreError {ErrorCode::IoError, "cannot read '" + file.string() + "'"};
    return bytes;
}

Result<std::vector<RegisteredModel>> SqliteStore::registeredModels()
{
    using Models = Result<std::vector<RegisteredModel>>;
    return m_impl->read<Models>(nullptr, [&](SqliteConnection& c) -> Models {
        auto models = m_impl->loadRegisteredModels(c, nullptr);
        if (!models || models->empty())
            return models;
        auto rows = m_impl->loadVersions(c, nullptr);
        if (!rows)
            return rows.error();
        std::erase_if(*models, [](const RegisteredModel& m) { return Impl::isPrompt(m.tags); });
        for (auto& model : *models) {
            if (auto it = rows->aliases.find(model.name); it != rows->aliases.end())
                model.aliases = it->second;
            const auto versions = rows->versions.find(model.name);
            if (versions == rows->versions.end())
                continue;
            // latest_versions: per stage, the highest version (versions are ordered by number).
            std::map<std::string, const ModelVersion*> latest;
            for (const auto& v : versions->second)
                latest[v.currentStage] = &v;
            for (const auto& [stage, v] : latest)
                model.latestVersions.push_back(*v);
            std::sort(model.latestVersions.begin(), model.latestVersions.end(),
                [](const ModelVersion& a, const ModelVersion& b) { return a.version < b.version; });
        }
        return models;
    });
}

Result<std::vector<ModelVersion>> SqliteStore::modelVersions(const std::string& modelName)
{
    using Versions = Result<std::vector<ModelVersion>>;
    return m_impl->read<Versions>(nullptr, [&](SqliteConnection& c) -> Versions {
        auto models = m_impl->loadRegisteredModels(c, &modelName);
        if (!models)
            return models.error();
        if (models->empty()) {
            return StoreError {
                ErrorCode::ResourceDoesNotExist, "Registered Model with name=" + modelName + " not found"};
        }
        std::vector<ModelVersion> versions;
        if (Impl::isPrompt(models->front().tags))
            return versions; // prompts are not models (formats §B.3)
        auto rows = m_impl->loadVersions(c, &modelName);
        if (!rows)
            return rows.error();
        if (auto it = rows->versions.find(modelName); it != rows->versions.end())
            versions = std::move(it->second);
        std::erase_if(versions, [](const ModelVersion& v) { return Impl::isPrompt(v.tags); });
        return versions;
    });
}

// --- writes (formats §B.5; MLflow's SqlAlchemyStore and SqlAlchemyStore for the registry) ----------

Status SqliteStore::renameRun(const std::string& runId, const std::string& name)
{
    if (name.empty())
        return invalidValue("a run name cannot be empty (run " + runId + ")");
    if (auto valid = validateLength("run name", name, kMaxRunTagValueLength); !valid)
        return valid;
    return m_impl->write<Status>("rename run " + runId, [&](SqliteConnection& c) -> Status {
        if (auto active = m_impl->requireActiveRun(c, runId); !active)
            return active;
        return m_impl->setRunName(c, runId, name);
    });
}

Status SqliteStore::setRunTag(const std::string& runId, const std::string& key, const std::string& value)
{
    if (auto valid = validateTagKey(key); !valid)
        return valid;
    if (auto valid = validateLength("the value of tag '" + key + "'", value, kMaxRunTagValueLength); !valid)
        return valid;
    // MLflow ignores an empty mlflow.runName (update_run_info skips a falsy name); say so instead.
    if (key == kRunNameTag && value.empty())
        return invalidValue("a run name cannot be empty (run " + runId + ")");
    return m_impl->write<Status>("set tag '" + key + "' on run " + runId, [&](SqliteConnection& c) -> Status {
        if (auto active = m_impl->requireActiveRun(c, runId); !active)
            return active;
        if (key == kRunNameTag)
            return m_impl->setRunName(c, runId, value);
        return m_impl->upsertRunTag(c, runId, key, value);
    });
}

Status SqliteStore::deleteRunTag(const std::string& runId, const std::string& key)
{
    return m_impl->write<Status>("delete tag '" + key + "' of run " + runId, [&](SqliteConnection& c) -> Status {
        if (auto active = m_impl->requireActiveRun(c, runId); !active)
            return active;
        auto done = runStatement(c, "DELETE FROM tags WHERE run_uuid = ?1 AND key = ?2", runId, key);
        if (!done)
            return done.error();
        if (sqlite3_changes(c.handle()) == 0) {
            return StoreError {
                ErrorCode::ResourceDoesNotExist, "No tag with name: " + key + " in run with id " + runId};
        }
        return Done {};
    });
}

Status SqliteStore::deleteRun(const std::string& runId)
{
    return m_impl->write<Status>("delete run " + runId, [&](SqliteConnection& c) -> Status {
        if (auto stage = m_impl->runStage(c, runId); !stage)
            return stage.error();
        auto done = runStatement(c,
            "UPDATE runs SET lifecycle_stage = 'deleted', deleted_time = ?1 WHERE run_uuid = ?2", nowMillis(), runId);
        if (!done)
            return done.error();
        return Done {};
    });
}

Status SqliteStore::restoreRun(const std::string& runId)
{
    return m_impl->write<Status>("restore run " + runId, [&](SqliteConnection& c) -> Status {
        if (auto stage = m_impl->runStage(c, runId); !stage)
            return stage.error();
        auto done = runStatement(
            c, "UPDATE runs SET lifecycle_stage = 'active', deleted_time = NULL WHERE run_uuid = ?1", runId);
        if (!done)
            return done.error();
        return Done {};
    });
}

Result<ModelVersion> SqliteStore::transitionModelVersionStage(
    const std::string& model, std::int64_t version, const std::string& stage, bool archiveExisting)
{
    if (auto valid = validateModelName(model); !valid)
        return valid.error();
    auto canonical = canonicalStage(stage);
    if (!canonical)
        return canonical.error();
    if (archiveExisting && *canonical != "Staging" && *canonical != "Production") {
        return invalidValue("Model version transition cannot archive existing model versions because '" + stage
            + "' is not an Active stage. Valid stages are Staging and Production.");
    }
    const std::string what = "move " + model + " version " + std::to_string(version) + " to " + *canonical;
    return m_impl->write<Result<ModelVersion>>(what, [&](SqliteConnection& c) -> Result<ModelVersion> {
        if (auto found = m_impl->requireVersion(c, model, version); !found)
            return found.error();
        const std::int64_t now = nowMillis();
        if (archiveExisting) {
            // The other versions in the target stage are archived with the same time (MLflow does).
            auto archived = runStatement(c,
                "UPDATE model_versions SET current_stage = 'Archived', last_updated_time = ?1 WHERE name = ?2 AND "
                "version != ?3 AND current_stage = ?4",
                now, model, version, *canonical);
            if (!archived)
                return archived.error();
        }
        auto moved = runStatement(c,
            "UPDATE model_versions SET current_stage = ?1, last_updated_time = ?2 WHERE name = ?3 AND version = ?4",
            *canonical, now, model, version);
        if (!moved)
            return moved.error();
        auto touched
            = runStatement(c, "UPDATE registered_models SET last_updated_time = ?1 WHERE name = ?2", now, model);
        if (!touched)
            return touched.error();
        auto rows = m_impl->loadVersions(c, &model);
        if (!rows)
            return rows.error();
        for (auto& v : rows->versions[model]) {
            if (v.version == version)
                return std::move(v);
        }
        return versionNotFound(model, version);
    });
}

Status SqliteStore::setModelAlias(const std::string& model, const std::string& alias, std::int64_t version)
{
    if (auto valid = validateModelName(model); !valid)
        return valid;
    if (auto valid = validateAlias(alias); !valid)
        return valid;
    return m_impl->write<Status>("set alias '" + alias + "' of " + model, [&](SqliteConnection& c) -> Status {
        if (auto found = m_impl->requireModel(c, model); !found)
            return found;
        if (auto found = m_impl->requireVersion(c, model, version); !found)
            return found;
        // One alias names one version: setting it again moves it. No last_updated_time change (MLflow's
        // SQL store leaves it alone for aliases).
        auto done = runStatement(c,
            "INSERT INTO registered_model_aliases (name, alias, version) VALUES (?1, ?2, ?3) ON CONFLICT (name, "
            "alias) DO UPDATE SET version = excluded.version",
            model, alias, version);
        if (!done)
            return done.error();
        return Done {};
    });
}

Status SqliteStore::deleteModelAlias(const std::string& model, const std::string& alias)
{
    if (auto valid = validateModelName(model); !valid)
        return valid;
    if (auto valid = validateAlias(alias); !valid)
        return valid;
    return m_impl->write<Status>("delete alias '" + alias + "' of " + model, [&](SqliteConnection& c) -> Status {
        if (auto found = m_impl->requireModel(c, model); !found)
            return found;
        auto done
            = runStatement(c, "DELETE FROM registered_model_aliases WHERE name = ?1 AND alias = ?2", model, alias);
        if (!done)
            return done.error();
        return Done {};
    });
}

Status SqliteStore::setRegisteredModelTag(const std::string& model, const std::string& key, const std::string& value)
{
    if (auto valid = validateModelName(model); !valid)
        return valid;
    if (auto valid = validateTagKey(key); !valid)
        return valid;
    if (auto valid = validateLength("the value of tag '" + key + "'", value, kMaxRegistryTagValueLength); !valid)
        return valid;
    return m_impl->write<Status>("set tag '" + key + "' on " + model, [&](SqliteConnection& c) -> Status {
        if (auto found = m_impl->requireModel(c, model); !found)
            return found;
        auto done = runStatement(c,
            "INSERT INTO registered_model_tags (key, value, name) VALUES (?1, ?2, ?3) ON CONFLICT (key, name) DO "
            "UPDATE SET value = excluded.value",
            key, value, model);
        if (!done)
            return done.error();
        return Done {};
    });
}

Status SqliteStore::deleteRegisteredModelTag(const std::string& model, const std::string& key)
{
    if (auto valid = validateModelName(model); !valid)
        return valid;
    if (auto valid = validateTagKey(key); !valid)
        return valid;
    return m_impl->write<Status>("delete tag '" + key + "' of " + model, [&](SqliteConnection& c) -> Status {
        if (auto found = m_impl->requireModel(c, model); !found)
            return found;
        auto done = runStatement(c, "DELETE FROM registered_model_tags WHERE name = ?1 AND key = ?2", model, key);
        if (!done)
            return done.error();
        return Done {};
    });
}

Status SqliteStore::setModelVersionTag(
    const std::string& model, std::int64_t version, const std::string& key, const std::string& value)
{
    if (auto valid = validateModelName(model); !valid)
        return valid;
    if (auto valid = validateTagKey(key); !valid)
        return valid;
    if (auto valid = validateLength("the value of tag '" + key + "'", value, kMaxRegistryTagValueLength); !valid)
        return valid;
    const std::string what = "set tag '" + key + "' on " + model + " version " + std::to_string(version);
    return m_impl->write<Status>(what, [&](SqliteConnection& c) -> Status {
        if (auto found = m_impl->requireVersion(c, model, version); !found)
            return found;
        auto done = runStatement(c,
            "INSERT INTO model_version_tags (key, value, name, version) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (key, "
            "name, version) DO UPDATE SET value = excluded.value",
            key, value, model, version);
        if (!done)
            return done.error();
        return Done {};
    });
}

Status SqliteStore::deleteModelVersionTag(const std::string& model, std::int64_t version, const std::string& key)
{
    if (auto valid = validateModelName(model); !valid)
        return valid;
    if (auto valid = validateTagKey(key); !valid)
        return valid;
    const std::string what = "delete tag '" + key + "' of " + model + " version " + std::to_string(version);
    return m_impl->write<Status>(what, [&](SqliteConnection& c) -> Status {
        if (auto found = m_impl->requireVersion(c, model, version); !found)
            return found;
        auto done = runStatement(
            c, "DELETE FROM model_version_tags WHERE name = ?1 AND version = ?2 AND key = ?3", model, version, key);
        if (!done)
            return done.error();
        return Done {};
    });
}

Status SqliteStore::updateRegisteredModelDescription(const std::string& model, const std::string& description)
{
    if (auto valid = validateModelName(model); !valid)
        return valid;
    return m_impl->write<Status>("edit the description of " + model, [&](SqliteConnection& c) -> Status {
        if (auto found = m_impl->requireModel(c, model); !found)
            return found;
        auto done
            = runStatement(c, "UPDATE registered_models SET description = ?1, last_updated_time = ?2 WHERE name = ?3",
                description, nowMillis(), model);
        if (!done)
            return done.error();
        return Done {};
    });
}

Status SqliteStore::updateModelVersionDescription(
    const std::string& model, std::int64_t version, const std::string& description)
{
    if (auto valid = validateModelName(model); !valid)
        return valid;
    const std::string what = "edit the description of " + model + " version " + std::to_string(version);
    return m_impl->write<Status>(what, [&](SqliteConnection& c) -> Status {
        if (auto found = m_impl->requireVersion(c, model, version); !found)
            return found;
        auto done = runStatement(c,
            "UPDATE model_versions SET description = ?1, last_updated_time = ?2 WHERE name = ?3 AND version = ?4",
            description, nowMillis(), model, version);
        if (!done)
            return done.error();
        return Done {};
    });
}

} // namespace runlens
