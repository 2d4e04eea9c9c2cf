// SPDX-License-Identifier: Apache-2.0
#include "stores/rest/mlflowjson.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
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

Json toJson(const std::string& key, const std::string& runId, const MetricPoint& point, const PointSource* source)
{
    Json out = toJson(key, point);
    if (source) {
        // MLflow leaves out the fields a point has not got; the three are independent.
        if (!source->datasetName.empty())
            out["dataset_name"] = source->datasetName;
        if (!source->datasetDigest.empty())
            out["dataset_digest"] = source->datasetDigest;
        if (!source->modelId.empty())
            out["model_id"] = source->modelId;
    }
    out["run_id"] = runId;
    return out;
}

Json toJson(const Run& run)
{
    Json data = Json::object();
    Json metrics = Json::array();
    for (const auto& m : run.metrics) {
        Json metric = toJson(m.key, m.point);
        if (const MetricDataset* d = run.metricDataset(m.key)) {
            metric["dataset_name"] = d->name;
            metric["dataset_digest"] = d->digest;
        }
        metrics.push_back(std::move(metric));
    }
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
    Json modelInputs = Json::array();
    for (const auto& input : run.modelInputs)
        modelInputs.push_back(Json {{"model_id", input.modelId}});
    putList(inputs, "model_inputs", std::move(modelInputs));

    Json out = Json {{"info", toJson(run.info)}, {"data", std::move(data)}, {"inputs", std::move(inputs)}};
    Json modelOutputs = Json::array();
    for (const auto& output : run.modelOutputs)
        modelOutputs.push_back(Json {{"model_id", output.modelId}, {"step", output.step}});
    if (!modelOutputs.empty())
        out["outputs"] = Json {{"model_outputs", std::move(modelOutputs)}};
    return out;
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
    putIfSet(out, "model_id", v.modelId);
    return out;
}

Json toJson(const ModelMetric& m, const std::string& modelId)
{
    Json out = toJson(m.key, m.point);
    putIfSet(out, "dataset_name", m.datasetName);
    putIfSet(out, "dataset_digest", m.datasetDigest);
    out["model_id"] = modelId;
    putIfSet(out, "run_id", m.runId);
    return out;
}

Json toJson(const LoggedModel& m)
{
    Json info = Json::object();
    info["model_id"] = m.modelId;
    info["experiment_id"] = m.experimentId;
    info["name"] = m.name;
    info["creation_timestamp_ms"] = m.creationTimestamp;
    info["last_updated_timestamp_ms"] = m.lastUpdatedTimestamp;
    info["artifact_uri"] = m.artifactLocation;
    info["status"] = loggedModelStatusProtoName(m.status);
    putIfSet(info, "model_type", m.modelType);
    putIfSet(info, "source_run_id", m.sourceRunId);
    putIfSet(info, "status_message", m.statusMessage);
    putList(info, "tags", keyValues(m.tags));
    Json data = Json::object();
    putList(data, "params", keyValues(m.params));
    Json metrics = Json::array();
    for (const auto& metric : m.metrics)
        metrics.push_back(toJson(metric, m.modelId));
    putList(data, "metrics", std::move(metrics));
    return Json {{"info", std::move(info)}, {"data", std::move(data)}};
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

// --- reading -----------------------------------------------------------------------------------

namespace {

using In = nlohmann::json;

// Thrown inside this file only; every public reader catches it and returns a StoreError. The path
// is assembled while unwinding, so the happy path pays nothing for it.
struct FieldError
{
    std::string path;
    std::string what;
};

[[noreturn]] void fail(std::string what)
{
    throw FieldError {{}, std::move(what)};
}

void prefix(FieldError& e, const std::string& segment)
{
    if (e.path.empty())
        e.path = segment;
    else if (e.path.front() == '[')
        e.path = segment + e.path;
    else
        e.path = segment + "." + e.path;
}

template<typename F>
auto inField(const char* name, F&& f) -> decltype(f())
{
    try {
        return f();
    } catch (FieldError& e) {
        prefix(e, name);
        throw;
    }
}

std::string describe(const In& v)
{
    switch (v.type()) {
    case In::value_t::null:
        return "null";
    case In::value_t::boolean:
        return v.get<bool>() ? "true" : "false";
    case In::value_t::string: {
        const auto& s = v.get_ref<const std::string&>();
        return "the string '" + (s.size() > 40 ? s.substr(0, 40) + "..." : s) + "'";
    }
    case In::value_t::object:
        return "an object";
    case In::value_t::array:
        return "a list";
    default:
        return "the number " + v.dump();
    }
}

const In* find(const In& obj, const char* name)
{
    const auto it = obj.find(name);
    if (it == obj.end() || it->is_null())
        return nullptr;
    return &*it;
}

void expectObject(const In& v)
{
    if (!v.is_object())
        fail("expected an object, got " + describe(v));
}

std::int64_t toInt64(const In& v)
{
    switch (v.type()) {
    case In::value_t::number_integer:
        return v.get<std::int64_t>();
    case In::value_t::number_unsigned: {
        const auto u = v.get<std::uint64_t>();
        if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
            fail("the integer " + v.dump() + " is out of the int64 range");
        return static_cast<std::int64_t>(u);
    }
    case In::value_t::number_float: {
        // Some JSON writers print integral values as floats; accept them while exact.
        const double d = v.get<double>();
        if (std::trunc(d) == d && std::fabs(d) <= 9007199254740992.0)
            return static_cast<std::int64_t>(d);
        break;
    }
    case In::value_t::string: {
        // int64 as a string: protobuf's JSON mapping, used by older servers and Databricks.
        const auto& s = v.get_ref<const std::string&>();
        std::int64_t out = 0;
        const char* begin = s.data();
        const char* end = s.data() + s.size();
        const auto [ptr, ec] = std::from_chars(begin, end, out);
        if (!s.empty() && ec == std::errc() && ptr == end)
            return out;
        break;
    }
    default:
        break;
    }
    fail("expected an integer, got " + describe(v));
}

double toDouble(const In& v)
{
    if (v.is_number())
        return v.get<double>();
    if (v.is_string()) {
        const auto& s = v.get_ref<const std::string&>();
        if (s == "NaN")
            return std::numeric_limits<double>::quiet_NaN();
        if (s == "Infinity")
            return std::numeric_limits<double>::infinity();
        if (s == "-Infinity")
            return -std::numeric_limits<double>::infinity();
        // protobuf's JSON parser also takes numbers in strings.
        double out = 0;
        const char* end = s.data() + s.size();
        const auto [ptr, ec] = std::from_chars(s.data(), end, out);
        if (!s.empty() && ec == std::errc() && ptr == end)
            return out;
    }
    fail("expected a number, got " + describe(v));
}

std::string toString(const In& v)
{
    if (v.is_string())
        return v.get<std::string>();
    fail("expected a string, got " + describe(v));
}

bool toBool(const In& v)
{
    if (v.is_boolean())
        return v.get<bool>();
    if (v.is_string()) {
        const auto& s = v.get_ref<const std::string&>();
        if (s == "true")
            return true;
        if (s == "false")
            return false;
    }
    fail("expected true or false, got " + describe(v));
}

std::string stringField(const In& obj, const char* name)
{
    const In* v = find(obj, name);
    return v ? inField(name, [&] { return toString(*v); }) : std::string();
}

std::string requiredString(const In& obj, const char* name)
{
    const In* v = find(obj, name);
    if (!v)
        fail(std::string("the field '") + name + "' is missing");
    return inField(name, [&] { return toString(*v); });
}

std::optional<std::string> optionalString(const In& obj, const char* name)
{
    const In* v = find(obj, name);
    if (!v)
        return std::nullopt;
    return inField(name, [&] { return toString(*v); });
}

std::optional<std::int64_t> optionalInt64(const In& obj, const char* name)
{
    const In* v = find(obj, name);
    if (!v)
        return std::nullopt;
    return inField(name, [&] { return toInt64(*v); });
}

// An id that MLflow sends as a string; a number is taken as its decimal text.
std::string idField(const In& obj, const char* name)
{
    const In* v = find(obj, name);
    if (!v)
        return {};
    if (v->is_number_integer())
        return v->dump();
    return inField(name, [&] { return toString(*v); });
}

template<typename F>
void forEachItem(const In& obj, const char* name, F&& f)
{
    const In* list = find(obj, name);
    if (!list)
        return;
    inField(name, [&] {
        if (!list->is_array())
            fail("expected a list, got " + describe(*list));
        std::size_t i = 0;
        for (const auto& item : *list) {
            try {
                f(item);
            } catch (FieldError& e) {
                prefix(e, "[" + std::to_string(i) + "]");
                throw;
            }
            ++i;
        }
        return 0;
    });
}

void sortByKey(std::vector<KeyValue>& items)
{
    std::stable_sort(items.begin(), items.end(), [](const KeyValue& a, const KeyValue& b) { return a.key < b.key; });
}

std::vector<KeyValue> keyValues(const In& obj, const char* name)
{
    std::vector<KeyValue> out;
    forEachItem(obj, name, [&](const In& item) {
        expectObject(item);
        out.push_back(KeyValue {requiredString(item, "key"), stringField(item, "value")});
    });
    sortByKey(out);
    return out;
}

LifecycleStage lifecycle(const In& obj)
{
    const std::string stage = stringField(obj, "lifecycle_stage");
    if (stage.empty() || stage == "active")
        return LifecycleStage::Active;
    if (stage == "deleted")
        return LifecycleStage::Deleted;
    fail("lifecycle_stage: expected 'active' or 'deleted', got '" + stage + "'");
}

Experiment readExperiment(const In& j)
{
    expectObject(j);
    Experiment e;
    e.experimentId = idField(j, "experiment_id");
    if (e.experimentId.empty())
        fail("the field 'experiment_id' is missing");
    e.name = stringField(j, "name");
    e.artifactLocation = stringField(j, "artifact_location");
    e.lifecycleStage = lifecycle(j);
    e.lastUpdateTime = optionalInt64(j, "last_update_time");
    e.creationTime = optionalInt64(j, "creation_time");
    e.tags = keyValues(j, "tags");
    return e;
}

RunInfo readRunInfo(const In& j)
{
    expectObject(j);
    RunInfo info;
    info.runId = stringField(j, "run_id");
    if (info.runId.empty())
        info.runId = stringField(j, "run_uuid"); // servers before 1.0 send only this
    if (info.runId.empty())
        fail("the fields 'run_id' and 'run_uuid' are both missing");
    info.runName = stringField(j, "run_name");
    info.experimentId = idField(j, "experiment_id");
    info.userId = stringField(j, "user_id");
    if (const In* status = find(j, "status")) {
        const std::string name = inField("status", [&] { return toString(*status); });
        const auto parsed = runStatusFromName(name);
        if (!parsed)
            fail("status: unknown run status '" + name + "'");
        info.status = *parsed;
    }
    info.startTime = optionalInt64(j, "start_time");
    info.endTime = optionalInt64(j, "end_time");
    info.artifactUri = stringField(j, "artifact_uri");
    info.lifecycleStage = lifecycle(j);
    return info;
}

Metric readMetric(const In& j)
{
    expectObject(j);
    Metric m;
    m.key = requiredString(j, "key");
    if (const In* v = find(j, "value"))
        m.point.value = inField("value", [&] { return toDouble(*v); });
    m.point.timestamp = optionalInt64(j, "timestamp").value_or(0);
    m.point.step = optionalInt64(j, "step").value_or(0);
    return m;
}

HistoryPoint readHistoryPoint(const In& j)
{
    HistoryPoint p;
    p.point = readMetric(j).point;
    p.datasetName = optionalString(j, "dataset_name").value_or(std::string());
    p.datasetDigest = optionalString(j, "dataset_digest").value_or(std::string());
    p.modelId = optionalString(j, "model_id").value_or(std::string());
    return p;
}

DatasetInput readDatasetInput(const In& j)
{
    expectObject(j);
    DatasetInput input;
    input.tags = keyValues(j, "tags");
    if (const In* ds = find(j, "dataset")) {
        inField("dataset", [&] {
            expectObject(*ds);
            input.dataset.name = stringField(*ds, "name");
            input.dataset.digest = stringField(*ds, "digest");
            input.dataset.sourceType = stringField(*ds, "source_type");
            input.dataset.source = stringField(*ds, "source");
            input.dataset.schema = stringField(*ds, "schema");
            input.dataset.profile = stringField(*ds, "profile");
            return 0;
        });
    }
    return input;
}

Run readRun(const In& j)
{
    expectObject(j);
    Run run;
    const In* info = find(j, "info");
    if (!info)
        fail("the field 'info' is missing");
    run.info = inField("info", [&] { return readRunInfo(*info); });
    if (const In* data = find(j, "data")) {
        inField("data", [&] {
            expectObject(*data);
            forEachItem(*data, "metrics", [&](const In& m) {
                run.metrics.push_back(readMetric(m));
                if (auto dataset = optionalString(m, "dataset_name"); dataset && !dataset->empty())
                    run.metricDatasets.push_back({run.metrics.back().key, *dataset,
                        optionalString(m, "dataset_digest").value_or(std::string())});
            });
            run.params = keyValues(*data, "params");
            run.tags = keyValues(*data, "tags");
            return 0;
        });
        std::stable_sort(
            run.metrics.begin(), run.metrics.end(), [](const Metric& a, const Metric& b) { return a.key < b.key; });
        std::stable_sort(run.metricDatasets.begin(), run.metricDatasets.end(),
            [](const MetricDataset& a, const MetricDataset& b) { return a.key < b.key; });
    }
    if (const In* inputs = find(j, "inputs")) {
        inField("inputs", [&] {
            expectObject(*inputs);
            forEachItem(*inputs, "dataset_inputs", [&](const In& d) { run.inputs.push_back(readDatasetInput(d)); });
            forEachItem(*inputs, "model_inputs", [&](const In& m) {
                expectObject(m);
                run.modelInputs.push_back({requiredString(m, "model_id")});
            });
            return 0;
        });
    }
    if (const In* outputs = find(j, "outputs")) {
        inField("outputs", [&] {
            expectObject(*outputs);
            forEachItem(*outputs, "model_outputs", [&](const In& m) {
                expectObject(m);
                run.modelOutputs.push_back({requiredString(m, "model_id"), optionalInt64(m, "step").value_or(0)});
            });
            return 0;
        });
    }
    if (run.info.runName.empty()) {
        // Servers before 1.30 keep the name only in this tag.
        if (const std::string* name = run.tag("mlflow.runName"))
            run.info.runName = *name;
    }
    return run;
}

FileInfo readFileInfo(const In& j)
{
    expectObject(j);
    FileInfo f;
    f.path = requiredString(j, "path");
    if (const In* dir = find(j, "is_dir"))
        f.isDir = inField("is_dir", [&] { return toBool(*dir); });
    if (!f.isDir)
        f.fileSize = optionalInt64(j, "file_size").value_or(0); // proto3 leaves out a size of 0
    return f;
}

std::int64_t versionNumber(const In& j, const char* name)
{
    const In* v = find(j, name);
    if (!v)
        fail(std::string("the field '") + name + "' is missing");
    return inField(name, [&] { return toInt64(*v); });
}

ModelVersion readModelVersion(const In& j)
{
    expectObject(j);
    ModelVersion v;
    v.name = requiredString(j, "name");
    v.version = versionNumber(j, "version");
    v.creationTimestamp = optionalInt64(j, "creation_timestamp").value_or(0);
    v.lastUpdatedTimestamp = optionalInt64(j, "last_updated_timestamp").value_or(0);
    v.userId = optionalString(j, "user_id");
    if (auto stage = optionalString(j, "current_stage"); stage && !stage->empty())
        v.currentStage = *stage;
    v.description = optionalString(j, "description");
    v.source = stringField(j, "source");
    v.storageLocation = optionalString(j, "storage_location");
    v.runId = optionalString(j, "run_id");
    v.runLink = optionalString(j, "run_link");
    if (auto status = optionalString(j, "status"); status && !status->empty())
        v.status = *status;
    v.statusMessage = optionalString(j, "status_message");
    v.tags = keyValues(j, "tags");
    forEachItem(j, "aliases", [&](const In& a) { v.aliases.push_back(toString(a)); });
    std::sort(v.aliases.begin(), v.aliases.end());
    if (auto modelId = optionalString(j, "model_id"); modelId && !modelId->empty())
        v.modelId = std::move(modelId);
    return v;
}

ModelMetric readModelMetric(const In& j)
{
    const Metric plain = readMetric(j);
    ModelMetric m;
    m.key = plain.key;
    m.point = plain.point;
    m.runId = optionalString(j, "run_id");
    m.datasetName = optionalString(j, "dataset_name");
    m.datasetDigest = optionalString(j, "dataset_digest");
    return m;
}

LoggedModel readLoggedModel(const In& j)
{
    expectObject(j);
    LoggedModel m;
    const In* info = find(j, "info");
    if (!info)
        fail("the field 'info' is missing");
    inField("info", [&] {
        expectObject(*info);
        m.modelId = requiredString(*info, "model_id");
        m.experimentId = idField(*info, "experiment_id");
        m.name = stringField(*info, "name");
        m.creationTimestamp = optionalInt64(*info, "creation_timestamp_ms").value_or(0);
        m.lastUpdatedTimestamp = optionalInt64(*info, "last_updated_timestamp_ms").value_or(0);
        m.artifactLocation = stringField(*info, "artifact_uri");
        if (auto status = optionalString(*info, "status"); status && !status->empty()) {
            const auto parsed = loggedModelStatusFromName(*status);
            if (!parsed)
                fail("status: unknown logged model status '" + *status + "'");
            m.status = *parsed;
        }
        m.modelType = optionalString(*info, "model_type");
        m.sourceRunId = optionalString(*info, "source_run_id");
        m.statusMessage = optionalString(*info, "status_message");
        m.tags = keyValues(*info, "tags");
        return 0;
    });
    if (const In* data = find(j, "data")) {
        inField("data", [&] {
            expectObject(*data);
            m.params = keyValues(*data, "params");
            forEachItem(*data, "metrics", [&](const In& metric) { m.metrics.push_back(readModelMetric(metric)); });
            return 0;
        });
    }
    return m;
}

RegisteredModel readRegisteredModel(const In& j)
{
    expectObject(j);
    RegisteredModel m;
    m.name = requiredString(j, "name");
    m.creationTimestamp = optionalInt64(j, "creation_timestamp").value_or(0);
    m.lastUpdatedTimestamp = optionalInt64(j, "last_updated_timestamp").value_or(0);
    m.description = optionalString(j, "description");
    m.tags = keyValues(j, "tags");
    forEachItem(j, "aliases", [&](const In& a) {
        expectObject(a);
        m.aliases.push_back(ModelAlias {requiredString(a, "alias"), versionNumber(a, "version")});
    });
    std::sort(
        m.aliases.begin(), m.aliases.end(), [](const ModelAlias& a, const ModelAlias& b) { return a.alias < b.alias; });
    forEachItem(j, "latest_versions", [&](const In& v) { m.latestVersions.push_back(readModelVersion(v)); });
    std::stable_sort(m.latestVersions.begin(), m.latestVersions.end(),
        [](const ModelVersion& a, const ModelVersion& b) { return a.version < b.version; });
    return m;
}

template<typename T, typename F>
Result<T> guarded(F&& f, const In& j)
{
    try {
        return f(j);
    } catch (FieldError& e) {
        return StoreError {ErrorCode::InternalError, e.path.empty() ? e.what : e.path + ": " + e.what};
    }
}

} // namespace

Result<std::int64_t> int64FromJson(const nlohmann::json& value)
{
    return guarded<std::int64_t>(toInt64, value);
}

Result<double> doubleFromJson(const nlohmann::json& value)
{
    return guarded<double>(toDouble, value);
}

Result<Experiment> experimentFromJson(const nlohmann::json& experiment)
{
    return guarded<Experiment>(readExperiment, experiment);
}

Result<RunInfo> runInfoFromJson(const nlohmann::json& info)
{
    return guarded<RunInfo>(readRunInfo, info);
}

Result<Run> runFromJson(const nlohmann::json& run)
{
    return guarded<Run>(readRun, run);
}

Result<Metric> metricFromJson(const nlohmann::json& metric)
{
    return guarded<Metric>(readMetric, metric);
}

Result<HistoryPoint> historyPointFromJson(const nlohmann::json& metric)
{
    return guarded<HistoryPoint>(readHistoryPoint, metric);
}

Result<FileInfo> fileInfoFromJson(const nlohmann::json& file)
{
    return guarded<FileInfo>(readFileInfo, file);
}

Result<ModelVersion> modelVersionFromJson(const nlohmann::json& version)
{
    return guarded<ModelVersion>(readModelVersion, version);
}

Result<RegisteredModel> registeredModelFromJson(const nlohmann::json& model)
{
    return guarded<RegisteredModel>(readRegisteredModel, model);
}

Result<LoggedModel> loggedModelFromJson(const nlohmann::json& model)
{
    return guarded<LoggedModel>(readLoggedModel, model);
}

} // namespace runlens::mlflowjson
