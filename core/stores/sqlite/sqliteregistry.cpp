// SPDX-License-Identifier: Apache-2.0
#include "stores/sqlite/sqlitestoreimpl.h"

namespace runlens {

std::string SqliteStore::Impl::modelVersionColumns() const
{
    return "name, version, creation_time, last_updated_time, description, user_id, current_stage, source, "
        + schema.columnOr("model_versions", "storage_location", "NULL") + ", run_id, "
        + schema.columnOr("model_versions", "run_link", "NULL") + ", status, status_message";
}

ModelVersion SqliteStore::Impl::modelVersionFromRow(SqliteStatement& row)
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

Result<SqliteStore::Impl::RegistryRows> SqliteStore::Impl::loadVersions(
    SqliteConnection& c, const std::string* modelName)
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
        auto tags = c.prepareCached(
            "SELECT name, version, key, value FROM model_version_tags" + where + workspaceFilter("model_version_tags"));
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
        std::sort(
            aliases.begin(), aliases.end(), [](const ModelAlias& a, const ModelAlias& b) { return a.alias < b.alias; });
    }
    return rows;
}

Result<std::vector<RegisteredModel>> SqliteStore::Impl::loadRegisteredModels(
    SqliteConnection& c, const std::string* modelName)
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
        auto tags = c.prepareCached(
            "SELECT name, key, value FROM registered_model_tags" + where + workspaceFilter("registered_model_tags"));
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

Result<std::vector<RegisteredModel>> SqliteStore::Impl::listRegistry(bool wantPrompts)
{
    using Models = Result<std::vector<RegisteredModel>>;
    return read<Models>(nullptr, [&](SqliteConnection& c) -> Models {
        auto models = loadRegisteredModels(c, nullptr);
        if (!models || models->empty())
            return models;
        auto rows = loadVersions(c, nullptr);
        if (!rows)
            return rows.error();
        std::erase_if(*models, [&](const RegisteredModel& m) { return isPrompt(m.tags) != wantPrompts; });
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

Result<std::vector<RegisteredModel>> SqliteStore::registeredModels()
{
    return m_impl->listRegistry(false);
}

Result<std::vector<RegisteredModel>> SqliteStore::prompts()
{
    return m_impl->listRegistry(true);
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
        // A prompt's versions are listed like a model's: the caller asked for this name.
        std::vector<ModelVersion> versions;
        auto rows = m_impl->loadVersions(c, &modelName);
        if (!rows)
            return rows.error();
        if (auto it = rows->versions.find(modelName); it != rows->versions.end())
            versions = std::move(it->second);
        return versions;
    });
}

} // namespace runlens
