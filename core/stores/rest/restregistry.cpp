// SPDX-License-Identifier: Apache-2.0
// RestStore's reads of the model registry: registered models and their versions, prompts set apart.
#include "stores/rest/reststore.h"

#include "stores/rest/reststoreimpl.h"

#include <algorithm>
#include <set>

namespace runlens {

namespace {

std::string quoteForFilter(const std::string& value)
{
    // MLflow's filter strings have no escapes: only the outer quotes are removed (formats §D.1).
    if (value.find('\'') == std::string::npos)
        return "'" + value + "'";
    return "\"" + value + "\"";
}

// MLflow's registry searches leave prompts out unless the filter names their tag.
const std::string kPromptFilter = "tags.`" + std::string(kPromptTag) + "` = 'true'";

Result<std::vector<RegisteredModel>> listRegistry(RestStore::Impl& impl, bool wantPrompts)
{
    std::vector<RegisteredModel> models;
    auto status = impl.forEachPage(
        [&](const std::string& token) {
            auto request = impl.api("GET", "/registered-models/search");
            if (wantPrompts)
                request.query.emplace_back("filter", kPromptFilter);
            if (impl.connection.registeredModelsPageSize > 0)
                request.query.emplace_back("max_results", std::to_string(impl.connection.registeredModelsPageSize));
            if (!token.empty())
                request.query.emplace_back("page_token", token);
            return request;
        },
        nullptr,
        [&](const json& page, const HttpRequest& request, bool&) {
            return impl.forEachItem(page, "registered_models", request, [&](const json& item, std::size_t i) -> Status {
                auto model = mlflowjson::registeredModelFromJson(item);
                if (!model) {
                    return StoreError {ErrorCode::InternalError,
                        "the reply to " + impl.where(request) + " has a broken model registered_models["
                            + std::to_string(i) + "]: " + model.error().message};
                }
                // Servers before prompts existed ignore the filter's intent; the tag decides.
                if (isPrompt(model->tags) == wantPrompts)
                    models.push_back(std::move(*model));
                return Done {};
            });
        });
    if (!status)
        return status.error();
    std::stable_sort(models.begin(), models.end(),
        [](const RegisteredModel& a, const RegisteredModel& b) { return a.name < b.name; });
    return models;
}

} // namespace

Result<std::vector<RegisteredModel>> RestStore::registeredModels()
{
    return listRegistry(*m_impl, false);
}

Result<std::vector<RegisteredModel>> RestStore::prompts()
{
    return listRegistry(*m_impl, true);
}

Result<std::vector<ModelVersion>> RestStore::modelVersions(const std::string& modelName)
{
    // registered-models/get first: it says whether the model exists, whether it is a prompt, and it
    // carries the aliases that model-versions/search leaves empty on SQL back ends.
    auto get = m_impl->api("GET", "/registered-models/get");
    get.query = {{"name", modelName}};
    auto reply = m_impl->call(get, nullptr);
    if (!reply)
        return reply.error();
    auto object = m_impl->member(*reply, "registered_model", get);
    if (!object)
        return object.error();
    auto model = mlflowjson::registeredModelFromJson(**object);
    if (!model) {
        return StoreError {ErrorCode::InternalError,
            "the reply to " + m_impl->where(get) + " has a broken model: " + model.error().message};
    }
    std::vector<ModelVersion> versions;
    const bool prompt = isPrompt(model->tags);

    // A name holding both quote kinds cannot be written in MLflow's filter language; then every
    // version is fetched and the name compared here.
    const bool quotable = modelName.find('\'') == std::string::npos || modelName.find('"') == std::string::npos;
    auto status = m_impl->forEachPage(
        [&](const std::string& token) {
            auto request = m_impl->api("GET", "/model-versions/search");
            if (quotable)
                request.query.emplace_back(
                    "filter", "name=" + quoteForFilter(modelName) + (prompt ? " AND " + kPromptFilter : std::string()));
            else if (prompt)
                request.query.emplace_back("filter", kPromptFilter);
            if (m_impl->connection.modelVersionsPageSize > 0)
                request.query.emplace_back("max_results", std::to_string(m_impl->connection.modelVersionsPageSize));
            if (!token.empty())
                request.query.emplace_back("page_token", token);
            return request;
        },
        nullptr,
        [&](const json& page, const HttpRequest& request, bool&) {
            return m_impl->forEachItem(page, "model_versions", request, [&](const json& item, std::size_t i) -> Status {
                auto version = mlflowjson::modelVersionFromJson(item);
                if (!version) {
                    return StoreError {ErrorCode::InternalError,
                        "the reply to " + m_impl->where(request) + " has a broken version model_versions["
                            + std::to_string(i) + "]: " + version.error().message};
                }
                if (version->name == modelName && version->currentStage != "Deleted_Internal")
                    versions.push_back(std::move(*version));
                return Done {};
            });
        });
    if (!status)
        return status.error();
    for (auto& version : versions) {
        for (const auto& alias : model->aliases) {
            if (alias.version == version.version
                && std::find(version.aliases.begin(), version.aliases.end(), alias.alias) == version.aliases.end())
                version.aliases.push_back(alias.alias);
        }
        std::sort(version.aliases.begin(), version.aliases.end());
    }
    std::stable_sort(versions.begin(), versions.end(),
        [](const ModelVersion& a, const ModelVersion& b) { return a.version < b.version; });
    return versions;
}

} // namespace runlens
