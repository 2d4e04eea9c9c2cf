// SPDX-License-Identifier: Apache-2.0
#include "store.h"

namespace runlens {

namespace {
StoreError readOnly(const char* what)
{
    return {ErrorCode::NotImplemented, std::string("this store cannot ") + what + " (it is read-only here)"};
}
} // namespace

Result<MetricHistory> Store::metricHistoryWithSources(const std::string& runId, const std::string& key)
{
    auto points = metricHistory(runId, key);
    if (!points)
        return points.error();
    return MetricHistory {std::move(*points), {}};
}

Result<LoggedModelList> Store::searchLoggedModels(const LoggedModelQuery&, TaskControl*)
{
    return StoreError {ErrorCode::NotImplemented, "this store does not read logged models"};
}

Result<LoggedModel> Store::loggedModel(const std::string& modelId)
{
    return StoreError {ErrorCode::NotImplemented, "this store does not read logged models (asked for " + modelId + ")"};
}

Result<std::vector<RegisteredModel>> Store::prompts()
{
    return StoreError {ErrorCode::NotImplemented, "this store does not read prompts"};
}

Result<RegisteredModelList> Store::registeredModelList(bool wantPrompts)
{
    auto models = wantPrompts ? prompts() : registeredModels();
    if (!models)
        return models.error();
    return RegisteredModelList {std::move(*models), {}};
}

Result<ModelVersionList> Store::modelVersionList(const std::string& modelName)
{
    auto versions = modelVersions(modelName);
    if (!versions)
        return versions.error();
    return ModelVersionList {std::move(*versions), {}};
}

Status Store::renameRun(const std::string&, const std::string&)
{
    return readOnly("rename runs");
}

Status Store::setRunTag(const std::string&, const std::string&, const std::string&)
{
    return readOnly("set run tags");
}

Status Store::deleteRunTag(const std::string&, const std::string&)
{
    return readOnly("delete run tags");
}

Status Store::deleteRun(const std::string&)
{
    return readOnly("delete runs");
}

Status Store::restoreRun(const std::string&)
{
    return readOnly("restore runs");
}

Result<ModelVersion> Store::transitionModelVersionStage(const std::string&, std::int64_t, const std::string&, bool)
{
    return readOnly("change model version stages");
}

Status Store::setModelAlias(const std::string&, const std::string&, std::int64_t)
{
    return readOnly("set model aliases");
}

Status Store::deleteModelAlias(const std::string&, const std::string&)
{
    return readOnly("delete model aliases");
}

Status Store::setRegisteredModelTag(const std::string&, const std::string&, const std::string&)
{
    return readOnly("set registered model tags");
}

Status Store::deleteRegisteredModelTag(const std::string&, const std::string&)
{
    return readOnly("delete registered model tags");
}

Status Store::setModelVersionTag(const std::string&, std::int64_t, const std::string&, const std::string&)
{
    return readOnly("set model version tags");
}

Status Store::deleteModelVersionTag(const std::string&, std::int64_t, const std::string&)
{
    return readOnly("delete model version tags");
}

Status Store::updateRegisteredModelDescription(const std::string&, const std::string&)
{
    return readOnly("edit registered model descriptions");
}

Status Store::updateModelVersionDescription(const std::string&, std::int64_t, const std::string&)
{
    return readOnly("edit model version descriptions");
}

} // namespace runlens
