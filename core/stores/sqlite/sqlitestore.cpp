// SPDX-License-Identifier: Apache-2.0
#include "stores/sqlite/sqlitestoreimpl.h"

#include "stores/writerules.h"
#include "uri.h"

#include <array>
#include <charconv>

#ifndef _WIN32
#include <unistd.h>
#endif

namespace runlens {

namespace sqlitedetail {

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

std::optional<std::int64_t> parseInt64(std::string_view text)
{
    std::int64_t value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc() || ptr != end)
        return std::nullopt;
    return value;
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

} // namespace sqlitedetail

namespace {

// Revisions whose tables the writes touch (runs, tags, registry tables) were checked against; other
// revisions are read but not written, because MLflow itself refuses a database it does not know.
// From 2.x's 0584bdc529eb to 3.6's head bf29a5ff90ea no migration changes those tables (3.x adds
// logged models, traces, assessments, spans, webhooks, scorers, evaluation datasets and jobs beside
// them); the writes are tested on a 3.6 database in tst_sqlitewrites3.
constexpr std::array<std::string_view, 21> kWriteTestedRevisions {"3500859a5d39", "7f2a7d5fae7d", "2d6e25af4d3e",
    "acf3f17fdcc7", "867495a8f9d4", "5b0e9adcef9c", "4465047574b1", "f5a4f2784254", "0584bdc529eb", "400f98739977",
    "6953534de441", "bda7b8c39065", "cbc13b556ace", "770bee3ae1dd", "a1b2c3d4e5f6", "de4033877273", "1a0cddfcaa16",
    "534353b11cbc", "71994744cf8e", "3da73c924c2f", "bf29a5ff90ea"};

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

} // namespace

StoreError SqliteStore::Impl::writeError(std::string_view what, const StoreError& error) const
{
    const int code = connection->lastErrorCode() & 0xff;
    if (error.code == ErrorCode::TemporarilyUnavailable && (code == SQLITE_BUSY || code == SQLITE_LOCKED)) {
        return StoreError {ErrorCode::TemporarilyUnavailable,
            "cannot " + std::string(what) + ": database is locked by another process: " + dbFile.string() + " (waited "
                + std::to_string(connection->busyTimeout()) + " ms)"};
    }
    if (code == SQLITE_READONLY || code == SQLITE_PERM || code == SQLITE_CANTOPEN) {
        return StoreError {ErrorCode::PermissionDenied,
            "cannot " + std::string(what) + ": " + dbFile.string() + " cannot be written (" + error.message + ")"};
    }
    return StoreError {error.code, "cannot " + std::string(what) + ": " + error.message};
}

void SqliteStore::Impl::checkWritable(SqliteConnection& c)
{
    std::string revision;
    if (auto statement = c.prepare("SELECT version_num FROM alembic_version")) {
        if (auto row = statement->step(); row && *row)
            revision = statement->text(0);
    }
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 14> kNeeded {{{"runs", "name"},
        {"runs", "deleted_time"}, {"runs", "lifecycle_stage"}, {"tags", "value"}, {"registered_models", "name"},
        {"registered_models", "last_updated_time"}, {"model_versions", "current_stage"},
        {"model_versions", "last_updated_time"}, {"model_versions", "description"}, {"registered_model_tags", "value"},
        {"model_version_tags", "value"}, {"registered_model_aliases", "alias"}, {"registered_models", "description"},
        {"model_versions", "version"}}};
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

void SqliteStore::Impl::prepareSql()
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

Result<std::vector<Experiment>> SqliteStore::Impl::loadExperiments(
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

    if (schema.hasColumn("trace_info", "experiment_id") && !experiments.empty()) {
        for (auto& e : experiments)
            e.traceCount = 0;
        auto traces = c.prepareCached(std::string("SELECT experiment_id, COUNT(*) FROM trace_info")
            + (id ? " WHERE experiment_id = ?1" : "") + " GROUP BY experiment_id");
        if (!traces)
            return traces.error();
        if (id)
            (*traces)->bindInt64(1, *id);
        status = forEachRow(**traces, [&](SqliteStatement& row) {
            const auto it = byId.find(row.textView(0));
            if (it != byId.end())
                experiments[it->second].traceCount = row.optionalInt64(1);
        });
        if (!status)
            return status.error();
    }
    return experiments;
}

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

} // namespace runlens
