// SPDX-License-Identifier: Apache-2.0
#include "mlflowjson.h"

#include <cmath>
#include <nlohmann/json.hpp>

namespace runlens::mlflowjson {

namespace {

Json keyValues(const std::vector<KeyValue>& items)
{
    Json out = Json::array();
    for (const auto& kv : items)
        out.push_back(Json {{"key", kv.key}, {"value", kv.value}});
    return out;
}

void putIfSet(Json& obj, const char* name, const std::optional<std::string>& value)
{
    if (value)
        obj[name] = *value;
}

void putList(Json& obj, const char* name, Json list)
{
    if (!list.empty())
        obj[name] = std::move(list);
}

} // namespace

Json number(double value)
{
    if (std::isnan(value))
        return "NaN";
    if (std::isinf(value))
        return value > 0 ? "Infinity" : "-Infinity";
    return value;
}

Json toJson(const Experiment& e)
{
    Json out = Json::object();
    out["experiment_id"] = e.experimentId;
    out["name"] = e.name;
    out["artifact_location"] = e.artifactLocation;
    out["lifecycle_stage"] = lifecycleStageName(e.lifecycleStage);
    if (e.lastUpdateTime)
        out["last_update_time"] = *e.lastUpdateTime;
    if (e.creationTime)
        out["creation_time"] = *e.creationTime;
    putList(out, "tags", keyValues(e.tags));
    return out;
}

Json toJson(const RunInfo& info)
{
    Json out = Json::object();
    out["run_uuid"] = info.runId;
    out["experiment_id"] = info.experimentId;
    out["run_name"] = info.runName;
    out["user_id"] = info.userId;
    out["status"] = runStatusName(info.status);
    if (info.startTime)
        out["start_time"] = *info.startTime;
    if (info.endTime)
        out["end_time"] = *info.endTime;
    out["artifact_uri"] = info.artifactUri;
    out["lifecycle_stage"] = lifecycleStageName(info.lifecycleStage);
    out["run_id"] = info.runId;
    return out;
}

Json toJson(const std::string& key, const MetricPoint& point)
{
    return Json {{"key", key}, {"value", number(point.value)}, {"timestamp", point.timestamp}, {"step", point.step}};
}

Json toJson(const Run& run)
{
    Json data = Json::object();
    Json metrics = Json::array();
    for (const auto& m : run.metrics)
        metrics.push_back(toJson(m.key, m.point));
    putList(data, "metrics", std::move(metrics));
    putList(data, "params", keyValues(run.params));
    putList(data, "tags", keyValues(run.tags));

    Json inputs = Json::object();
    Json datasets = Json::array();
    for (const auto& input : run.inputs) {
        Json ds = Json::object();
        ds["name"] = input.dataset.name;
        ds["digest"] = input.dataset.digest;
        ds["source_type"] = input.dataset.sourceType;
        ds["source"] = input.dataset.source;
        if (!input.dataset.schema.empty())
            ds["schema"] = input.dataset.schema;
        if (!input.dataset.profile.empty())
            ds["profile"] = input.dataset.profile;
        Json entry = Json::object();
        putList(entry, "tags", keyValues(input.tags));
        entry["dataset"] = std::move(ds);
        datasets.push_back(std::move(entry));
    }
    putList(inputs, "dataset_inputs", std::move(datasets));

    return Json {{"info", toJson(run.info)}, {"data", std::move(data)}, {"inputs", std::move(inputs)}};
}

Json toJson(const FileInfo& file)
{
    Json out = Json::object();
    out["path"] = file.path;
    out["is_dir"] = file.isDir;
    if (file.fileSize && !file.isDir)
        out["file_size"] = *file.fileSize;
    return out;
}

Json toJson(const ModelVersion& v)
{
    Json out = Json::object();
    out["name"] = v.name;
    out["version"] = std::to_string(v.version);
    out["creation_timestamp"] = v.creationTimestamp;
    out["last_updated_timestamp"] = v.lastUpdatedTimestamp;
    putIfSet(out, "user_id", v.userId);
    out["current_stage"] = v.currentStage;
    putIfSet(out, "description", v.description);
    out["source"] = v.source;
    putIfSet(out, "run_id", v.runId);
    out["status"] = v.status;
    putIfSet(out, "status_message", v.statusMessage);
    putList(out, "tags", keyValues(v.tags));
    putIfSet(out, "run_link", v.runLink);
    Json aliases = Json::array();
    for (const auto& a : v.aliases)
        aliases.push_back(a);
    putList(out, "aliases", std::move(aliases));
    return out;
}

Json toJson(const RegisteredModel& m)
{
    Json out = Json::object();
    out["name"] = m.name;
    out["creation_timestamp"] = m.creationTimestamp;
    out["last_updated_timestamp"] = m.lastUpdatedTimestamp;
    putIfSet(out, "description", m.description);
    Json latest = Json::array();
    for (const auto& v : m.latestVersions)
        latest.push_back(toJson(v));
    putList(out, "latest_versions", std::move(latest));
    putList(out, "tags", keyValues(m.tags));
    Json aliases = Json::array();
    for (const auto& a : m.aliases)
        aliases.push_back(Json {{"alias", a.alias}, {"version", std::to_string(a.version)}});
    putList(out, "aliases", std::move(aliases));
    return out;
}

} // namespace runlens::mlflowjson
