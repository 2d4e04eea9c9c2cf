// SPDX-License-Identifier: Apache-2.0
#pragma once

// Entities in the JSON shapes of MLflow's REST API (formats §C.3): snake_case names in MLflow's field
// order, unset fields and empty lists omitted, int64 as JSON numbers, NaN/±inf as "NaN"/"Infinity"/
// "-Infinity". Include <nlohmann/json.hpp> where the values are used.

#include "entities.h"

#include <nlohmann/json_fwd.hpp>

namespace runlens::mlflowjson {

using Json = nlohmann::ordered_json;

/** A double as MLflow's REST API writes it: a number, or one of the strings for non-finite values. */
Json number(double value);

Json toJson(const Experiment& experiment);
Json toJson(const RunInfo& info);
Json toJson(const Run& run);
Json toJson(const std::string& key, const MetricPoint& point);
Json toJson(const FileInfo& file);
Json toJson(const ModelVersion& version);
Json toJson(const RegisteredModel& model);

} // namespace runlens::mlflowjson
