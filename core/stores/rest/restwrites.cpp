// SPDX-License-Identifier: Apache-2.0
#include "stores/rest/reststore.h"

#include "stores/rest/reststoreimpl.h"
#include "stores/writerules.h"

namespace runlens {

// --- writes (formats §C.2, §E) --------------------------------------------------------------------

Status RestStore::renameRun(const std::string& runId, const std::string& name)
{
    // As MLflow's client does (TrackingServiceClient.update_run): read the run and send its current
    // status and end time with the new name. Servers before the handler checked HasField() take an
    // absent status as RUNNING and an absent end_time as 0, so a bare run_name would reopen a
    // finished run there. The server sets the mlflow.runName tag with the name.
    auto current = run(runId);
    if (!current)
        return current.error();
    json body = {{"run_id", runId}, {"status", std::string(runStatusName(current->info.status))}, {"run_name", name}};
    if (current->info.endTime)
        body["end_time"] = *current->info.endTime;
    auto reply = m_impl->write(m_impl->jsonRequest("POST", "/runs/update", body), "rename run " + runId);
    if (!reply)
        return reply.error();
    return Done {};
}

Status RestStore::setRunTag(const std::string& runId, const std::string& key, const std::string& value)
{
    return m_impl->writeStatus(
        m_impl->jsonRequest("POST", "/runs/set-tag", {{"run_id", runId}, {"key", key}, {"value", value}}),
        "set tag '" + key + "' of run " + runId);
}

Status RestStore::deleteRunTag(const std::string& runId, const std::string& key)
{
    return m_impl->writeStatus(m_impl->jsonRequest("POST", "/runs/delete-tag", {{"run_id", runId}, {"key", key}}),
        "delete tag '" + key + "' of run " + runId);
}

Status RestStore::deleteRun(const std::string& runId)
{
    return m_impl->writeStatus(m_impl->jsonRequest("POST", "/runs/delete", {{"run_id", runId}}), "delete run " + runId);
}

Status RestStore::restoreRun(const std::string& runId)
{
    return m_impl->writeStatus(
        m_impl->jsonRequest("POST", "/runs/restore", {{"run_id", runId}}), "restore run " + runId);
}

Result<ModelVersion> RestStore::transitionModelVersionStage(
    const std::string& model, std::int64_t version, const std::string& stage, bool archiveExisting)
{
    // MLflow raises this one without an error code, so the server would answer a bare 500
    // INTERNAL_ERROR (formats §E); checked here to give the same INVALID_PARAMETER_VALUE as the local
    // stores. Unknown stages are left to the server, which words that error itself.
    if (auto valid = writerules::validateArchiveExisting(stage, archiveExisting); !valid)
        return valid.error();
    const std::string what = "move " + model + " version " + std::to_string(version) + " to " + stage;
    auto request = m_impl->jsonRequest("POST", "/model-versions/transition-stage",
        {{"name", model}, {"version", std::to_string(version)}, {"stage", stage},
            {"archive_existing_versions", archiveExisting}});
    auto reply = m_impl->write(request, what);
    if (!reply)
        return reply.error();
    auto object = m_impl->member(*reply, "model_version", request);
    if (!object)
        return object.error();
    auto updated = mlflowjson::modelVersionFromJson(**object);
    if (!updated) {
        return StoreError {ErrorCode::InternalError,
            "the reply to " + m_impl->where(request) + " has a broken model version: " + updated.error().message
                + " (the stage change was made)"};
    }
    std::sort(updated->aliases.begin(), updated->aliases.end());
    return updated;
}

Status RestStore::setModelAlias(const std::string& model, const std::string& alias, std::int64_t version)
{
    return m_impl->writeStatus(m_impl->jsonRequest("POST", "/registered-models/alias",
                                   {{"name", model}, {"alias", alias}, {"version", std::to_string(version)}}),
        "point alias '" + alias + "' of " + model + " at version " + std::to_string(version));
}

Status RestStore::deleteModelAlias(const std::string& model, const std::string& alias)
{
    // DELETE with a JSON body: MLflow reads DELETE parameters from the body and ignores the query
    // (formats §C.1; transcript exchange 121 shows the query form failing).
    return m_impl->writeStatus(
        m_impl->jsonRequest("DELETE", "/registered-models/alias", {{"name", model}, {"alias", alias}}),
        "delete alias '" + alias + "' of " + model);
}

Status RestStore::setRegisteredModelTag(const std::string& model, const std::string& key, const std::string& value)
{
    return m_impl->writeStatus(
        m_impl->jsonRequest("POST", "/registered-models/set-tag", {{"name", model}, {"key", key}, {"value", value}}),
        "set tag '" + key + "' of model " + model);
}

Status RestStore::deleteRegisteredModelTag(const std::string& model, const std::string& key)
{
    return m_impl->writeStatus(
        m_impl->jsonRequest("DELETE", "/registered-models/delete-tag", {{"name", model}, {"key", key}}),
        "delete tag '" + key + "' of model " + model);
}

Status RestStore::setModelVersionTag(
    const std::string& model, std::int64_t version, const std::string& key, const std::string& value)
{
    return m_impl->writeStatus(
        m_impl->jsonRequest("POST", "/model-versions/set-tag",
            {{"name", model}, {"version", std::to_string(version)}, {"key", key}, {"value", value}}),
        "set tag '" + key + "' of " + model + " version " + std::to_string(version));
}

Status RestStore::deleteModelVersionTag(const std::string& model, std::int64_t version, const std::string& key)
{
    return m_impl->writeStatus(m_impl->jsonRequest("DELETE", "/model-versions/delete-tag",
                                   {{"name", model}, {"version", std::to_string(version)}, {"key", key}}),
        "delete tag '" + key + "' of " + model + " version " + std::to_string(version));
}

Status RestStore::updateRegisteredModelDescription(const std::string& model, const std::string& description)
{
    return m_impl->writeStatus(
        m_impl->jsonRequest("PATCH", "/registered-models/update", {{"name", model}, {"description", description}}),
        "edit the description of model " + model);
}

Status RestStore::updateModelVersionDescription(
    const std::string& model, std::int64_t version, const std::string& description)
{
    return m_impl->writeStatus(
        m_impl->jsonRequest("PATCH", "/model-versions/update",
            {{"name", model}, {"version", std::to_string(version)}, {"description", description}}),
        "edit the description of " + model + " version " + std::to_string(version));
}

} // namespace runlens
