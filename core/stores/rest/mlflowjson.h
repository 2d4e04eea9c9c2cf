// SPDX-License-Identifier: Apache-2.0
#pragma once

// Entities in the JSON shapes of MLflow's REST API (formats §C.3): snake_case names in MLflow's field
// order, unset fields and empty lists omitted, int64 as JSON numbers, NaN/±inf as "NaN"/"Infinity"/
// "-Infinity". Include <nlohmann/json.hpp> where the values are used.

#include "entities.h"
#include "result.h"

#include <cstdint>

#include <nlohmann/json_fwd.hpp>

namespace runlens::mlflowjson {

using Json = nlohmann::ordered_json;

/** A double as MLflow's REST API writes it: a number, or one of the strings for non-finite values. */
Json number(double value);

Json toJson(const Experiment& experiment);
Json toJson(const RunInfo& info);
Json toJson(const Run& run);
Json toJson(const std::string& key, const MetricPoint& point);
/** A point of a metric history as MLflow 3's get-history gives it: with run_id and its source's fields. */
Json toJson(const std::string& key, const std::string& runId, const MetricPoint& point, const PointSource* source);
Json toJson(const FileInfo& file);
Json toJson(const ModelVersion& version);
Json toJson(const RegisteredModel& model);
Json toJson(const ModelMetric& metric, const std::string& modelId);
Json toJson(const LoggedModel& model);

// Reading the same shapes back, as a server sends them: int64 fields as JSON numbers or strings
// (older servers, Databricks), doubles as numbers or "NaN"/"Infinity"/"-Infinity", missing fields as
// proto3 leaves them out (empty strings and lists, zero sizes), unknown fields ignored. Integers keep
// their exact value (9007199254740993 stays odd). A wrong type gives INTERNAL_ERROR naming the field,
// e.g. "info.start_time: expected an integer, got the string 'soon'". Lists come back sorted as the
// entities promise (tags by key, metrics by key, latest versions by number).

Result<std::int64_t> int64FromJson(const nlohmann::json& value);
Result<double> doubleFromJson(const nlohmann::json& value);

Result<Experiment> experimentFromJson(const nlohmann::json& experiment);
/** A RunInfo; run_name falls back to nothing here (runFromJson uses the mlflow.runName tag). */
Result<RunInfo> runInfoFromJson(const nlohmann::json& info);
Result<Run> runFromJson(const nlohmann::json& run);
/** A Metric (latest value of a run) or one point of a history (key ignored by the caller). */
Result<Metric> metricFromJson(const nlohmann::json& metric);
/** One point of a get-history reply, with what MLflow 3 says it was logged on (empty when nothing). */
struct HistoryPoint
{
    MetricPoint point;
    std::string datasetName;
    std::string datasetDigest;
    std::string modelId;
};
Result<HistoryPoint> historyPointFromJson(const nlohmann::json& metric);
Result<FileInfo> fileInfoFromJson(const nlohmann::json& file);
Result<ModelVersion> modelVersionFromJson(const nlohmann::json& version);
Result<RegisteredModel> registeredModelFromJson(const nlohmann::json& model);
/** A LoggedModel ({info, data}); the status in its REST (LOGGED_MODEL_READY) or Python (READY) name. */
Result<LoggedModel> loggedModelFromJson(const nlohmann::json& model);

} // namespace runlens::mlflowjson
