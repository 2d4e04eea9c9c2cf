// SPDX-License-Identifier: Apache-2.0
#include "stores/sqlite/sqlitestoreimpl.h"

#include "stores/writerules.h"

namespace runlens {

using namespace writerules;

Result<std::string> SqliteStore::Impl::runStage(SqliteConnection& c, const std::string& runId)
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

Status SqliteStore::Impl::requireActiveRun(SqliteConnection& c, const std::string& runId)
{
    auto stage = runStage(c, runId);
    if (!stage)
        return stage.error();
    if (*stage != "active") {
        return invalidValue("The run " + runId + " must be in the 'active' state. Current state is " + *stage + ".");
    }
    return Done {};
}

Status SqliteStore::Impl::upsertRunTag(
    SqliteConnection& c, const std::string& runId, const std::string& key, const std::string& value)
{
    return execStatement(c,
        "INSERT INTO tags (key, value, run_uuid) VALUES (?1, ?2, ?3) ON CONFLICT (key, run_uuid) DO UPDATE SET "
        "value = excluded.value",
        key, value, runId);
}

Status SqliteStore::Impl::setRunName(SqliteConnection& c, const std::string& runId, const std::string& name)
{
    auto renamed = runStatement(c, "UPDATE runs SET name = ?1 WHERE run_uuid = ?2", name, runId);
    if (!renamed)
        return renamed.error();
    return upsertRunTag(c, runId, std::string(kRunNameTag), name);
}

Status SqliteStore::Impl::requireModel(SqliteConnection& c, const std::string& model)
{
    auto found = runStatement(c, "SELECT 1 FROM registered_models WHERE name = ?1", model);
    if (!found)
        return found.error();
    if (!*found)
        return modelNotFound(model);
    return Done {};
}

Status SqliteStore::Impl::requireModelOrVersion(
    SqliteConnection& c, const std::string& model, std::optional<std::int64_t> version)
{
    return version ? requireVersion(c, model, *version) : requireModel(c, model);
}

Status SqliteStore::Impl::requireVersion(SqliteConnection& c, const std::string& model, std::int64_t version)
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

namespace {

// The checks every registry tag write makes before it touches the database; `value` is null for a delete.
Status validateRegistryTag(const std::string& model, const std::string& key, const std::string* value)
{
    if (auto valid = validateModelName(model); !valid)
        return valid;
    if (auto valid = validateTagKey(key); !valid)
        return valid;
    if (value)
        return validateLength("the value of tag '" + key + "'", *value, kMaxRegistryTagValueLength);
    return Done {};
}

std::string versionText(const std::string& model, std::optional<std::int64_t> version)
{
    return version ? model + " version " + std::to_string(*version) : model;
}

} // namespace

// One statement on a registered model (version empty) or one of its versions, which must exist.
template<typename... Args>
Status SqliteStore::Impl::registryWrite(std::string_view what, const std::string& model,
    std::optional<std::int64_t> version, const std::string& sql, const Args&... args)
{
    return write<Status>(what, [&](SqliteConnection& c) -> Status {
        if (auto found = requireModelOrVersion(c, model, version); !found)
            return found;
        return execStatement(c, sql, args...);
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
        if (auto done = execStatement(c, "DELETE FROM tags WHERE run_uuid = ?1 AND key = ?2", runId, key); !done)
            return done;
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
        return execStatement(c, "UPDATE runs SET lifecycle_stage = 'deleted', deleted_time = ?1 WHERE run_uuid = ?2",
            nowMillis(), runId);
    });
}

Status SqliteStore::restoreRun(const std::string& runId)
{
    return m_impl->write<Status>("restore run " + runId, [&](SqliteConnection& c) -> Status {
        if (auto stage = m_impl->runStage(c, runId); !stage)
            return stage.error();
        return execStatement(
            c, "UPDATE runs SET lifecycle_stage = 'active', deleted_time = NULL WHERE run_uuid = ?1", runId);
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
    if (auto valid = validateArchiveExisting(stage, archiveExisting); !valid)
        return valid.error();
    const std::string what = "move " + model + " version " + std::to_string(version) + " to " + *canonical;
    return m_impl->write<Result<ModelVersion>>(what, [&](SqliteConnection& c) -> Result<ModelVersion> {
        if (auto found = m_impl->requireVersion(c, model, version); !found)
            return found.error();
        const std::int64_t now = nowMillis();
        if (archiveExisting) {
            // The other versions in the target stage are archived with the same time (MLflow does).
            auto archived = execStatement(c,
                "UPDATE model_versions SET current_stage = 'Archived', last_updated_time = ?1 WHERE name = ?2 AND "
                "version != ?3 AND current_stage = ?4",
                now, model, version, *canonical);
            if (!archived)
                return archived.error();
        }
        auto moved = execStatement(c,
            "UPDATE model_versions SET current_stage = ?1, last_updated_time = ?2 WHERE name = ?3 AND version = ?4",
            *canonical, now, model, version);
        if (!moved)
            return moved.error();
        auto touched
            = execStatement(c, "UPDATE registered_models SET last_updated_time = ?1 WHERE name = ?2", now, model);
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
        return execStatement(c,
            "INSERT INTO registered_model_aliases (name, alias, version) VALUES (?1, ?2, ?3) ON CONFLICT (name, "
            "alias) DO UPDATE SET version = excluded.version",
            model, alias, version);
    });
}

Status SqliteStore::deleteModelAlias(const std::string& model, const std::string& alias)
{
    if (auto valid = validateModelName(model); !valid)
        return valid;
    if (auto valid = validateAliasName(alias); !valid) // MLflow checks the form only here, not the reserved names
        return valid;
    return m_impl->registryWrite("delete alias '" + alias + "' of " + model, model, std::nullopt,
        "DELETE FROM registered_model_aliases WHERE name = ?1 AND alias = ?2", model, alias);
}

Status SqliteStore::setRegisteredModelTag(const std::string& model, const std::string& key, const std::string& value)
{
    if (auto valid = validateRegistryTag(model, key, &value); !valid)
        return valid;
    return m_impl->registryWrite("set tag '" + key + "' on " + model, model, std::nullopt,
        "INSERT INTO registered_model_tags (key, value, name) VALUES (?1, ?2, ?3) ON CONFLICT (key, name) DO "
        "UPDATE SET value = excluded.value",
        key, value, model);
}

Status SqliteStore::deleteRegisteredModelTag(const std::string& model, const std::string& key)
{
    if (auto valid = validateRegistryTag(model, key, nullptr); !valid)
        return valid;
    return m_impl->registryWrite("delete tag '" + key + "' of " + model, model, std::nullopt,
        "DELETE FROM registered_model_tags WHERE name = ?1 AND key = ?2", model, key);
}

Status SqliteStore::setModelVersionTag(
    const std::string& model, std::int64_t version, const std::string& key, const std::string& value)
{
    if (auto valid = validateRegistryTag(model, key, &value); !valid)
        return valid;
    return m_impl->registryWrite("set tag '" + key + "' on " + versionText(model, version), model, version,
        "INSERT INTO model_version_tags (key, value, name, version) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (key, "
        "name, version) DO UPDATE SET value = excluded.value",
        key, value, model, version);
}

Status SqliteStore::deleteModelVersionTag(const std::string& model, std::int64_t version, const std::string& key)
{
    if (auto valid = validateRegistryTag(model, key, nullptr); !valid)
        return valid;
    return m_impl->registryWrite("delete tag '" + key + "' of " + versionText(model, version), model, version,
        "DELETE FROM model_version_tags WHERE name = ?1 AND version = ?2 AND key = ?3", model, version, key);
}

Status SqliteStore::updateRegisteredModelDescription(const std::string& model, const std::string& description)
{
    if (auto valid = validateModelName(model); !valid)
        return valid;
    return m_impl->registryWrite("edit the description of " + model, model, std::nullopt,
        "UPDATE registered_models SET description = ?1, last_updated_time = ?2 WHERE name = ?3", description,
        nowMillis(), model);
}

Status SqliteStore::updateModelVersionDescription(
    const std::string& model, std::int64_t version, const std::string& description)
{
    if (auto valid = validateModelName(model); !valid)
        return valid;
    return m_impl->registryWrite("edit the description of " + versionText(model, version), model, version,
        "UPDATE model_versions SET description = ?1, last_updated_time = ?2 WHERE name = ?3 AND version = ?4",
        description, nowMillis(), model, version);
}

} // namespace runlens
