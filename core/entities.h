// SPDX-License-Identifier: Apache-2.0
#pragma once

// MLflow's tracking entities as plain values (formats §A–§C.3). Strings are UTF-8. Everything here is
// an immutable snapshot once a store hands it out, so it can cross threads freely.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runlens {

enum class LifecycleStage
{
    Active,
    Deleted
};
std::string_view lifecycleStageName(LifecycleStage stage);

/** Which experiments or runs a listing covers (MLflow's ViewType). */
enum class ViewType
{
    ActiveOnly = 1,
    DeletedOnly = 2,
    All = 3
};
bool viewIncludes(ViewType view, LifecycleStage stage);

/** Run status; the integers are what the file store writes. */
enum class RunStatus
{
    Running = 1,
    Scheduled = 2,
    Finished = 3,
    Failed = 4,
    Killed = 5
};
std::string_view runStatusName(RunStatus status);
std::optional<RunStatus> runStatusFromName(std::string_view name);
std::optional<RunStatus> runStatusFromInt(std::int64_t value);
bool isTerminal(RunStatus status);

struct KeyValue
{
    std::string key;
    std::string value;
    friend bool operator==(const KeyValue&, const KeyValue&) = default;
};

/** Finds a key in a list sorted by key; nullptr when absent. */
const std::string* findValue(const std::vector<KeyValue>& sorted, std::string_view key);

/** The tag by which MLflow (2.21+) marks a registered model and each of its versions as a prompt. */
inline constexpr std::string_view kPromptTag = "mlflow.prompt.is_prompt";
/** The tag holding a prompt version's template. */
inline constexpr std::string_view kPromptTextTag = "mlflow.prompt.text";
/** True when sorted tags mark a prompt (kPromptTag is "true"), the test every MLflow registry search makes. */
bool isPrompt(const std::vector<KeyValue>& sortedTags);

struct Experiment
{
    std::string experimentId;
    std::string name;
    std::string artifactLocation;
    LifecycleStage lifecycleStage = LifecycleStage::Active;
    std::optional<std::int64_t> creationTime;
    std::optional<std::int64_t> lastUpdateTime;
    std::vector<KeyValue> tags; // sorted by key
    /** MLflow traces logged to the experiment, where a store counts them cheaply (local stores). */
    std::optional<std::int64_t> traceCount;
};

/** One logged value of a metric. */
struct MetricPoint
{
    std::int64_t timestamp = 0;
    double value = 0.0;
    std::int64_t step = 0;
};

/** MLflow's "latest" order: (step, timestamp, value) compared lexicographically; NaN counts as largest. */
bool isLaterPoint(const MetricPoint& candidate, const MetricPoint& current);

/**
 * What a stretch of a metric's history was logged on (MLflow 3's log_metric(dataset=..., model_id=...)),
 * for stores that keep it per point: the file store and servers; the SQL store keeps none.
 */
struct PointSource
{
    std::size_t first = 0; // index of the stretch's first point
    std::size_t count = 0; // consecutive points logged on the same source
    std::string datasetName;
    std::string datasetDigest;
    std::string modelId;
    friend bool operator==(const PointSource&, const PointSource&) = default;
};

/** A metric's full history and, where the store keeps them, the sources of its points. */
struct MetricHistory
{
    std::vector<MetricPoint> points;
    std::vector<PointSource> sources; // in point order; points no source covers were logged on none

    /** The source of point `index`, or null. */
    const PointSource* sourceOf(std::size_t index) const;
};

/** Records that point `index` (the next after any recorded) was logged on a source; joins stretches. */
void addPointSource(std::vector<PointSource>& sources, std::size_t index, std::string_view datasetName,
    std::string_view datasetDigest, std::string_view modelId);

/** A metric as a run reports it: the latest point of its history. */
struct Metric
{
    std::string key;
    MetricPoint point;
};

struct Dataset
{
    std::string name;
    std::string digest;
    std::string sourceType;
    std::string source;
    std::string schema;
    std::string profile;
};

struct DatasetInput
{
    Dataset dataset;
    std::vector<KeyValue> tags; // sorted by key; mlflow.data.context is the usual one
};

struct RunInfo
{
    std::string runId;
    std::string runName;
    std::string experimentId;
    std::string userId;
    RunStatus status = RunStatus::Running;
    std::optional<std::int64_t> startTime;
    std::optional<std::int64_t> endTime;
    std::optional<std::int64_t> deletedTime;
    std::string artifactUri;
    LifecycleStage lifecycleStage = LifecycleStage::Active;
};

/**
 * The dataset a run's latest value of a metric was logged on (MLflow 3's log_metric(dataset=...);
 * the file store and its servers keep it, the SQL store does not).
 */
struct MetricDataset
{
    std::string key; // the metric
    std::string name;
    std::string digest;
    friend bool operator==(const MetricDataset&, const MetricDataset&) = default;
};

/** A logged model a run used (MLflow 3: inputs.model_inputs). */
struct ModelInput
{
    std::string modelId;
    friend bool operator==(const ModelInput&, const ModelInput&) = default;
};

/** A logged model a run produced, and the step it was logged at (MLflow 3: outputs.model_outputs). */
struct ModelOutput
{
    std::string modelId;
    std::int64_t step = 0;
    friend bool operator==(const ModelOutput&, const ModelOutput&) = default;
};

struct Run
{
    RunInfo info;
    std::vector<Metric> metrics; // latest value per key, sorted by key
    std::vector<KeyValue> params; // sorted by key
    std::vector<KeyValue> tags; // sorted by key
    std::vector<DatasetInput> inputs;
    std::vector<ModelInput> modelInputs; // in the store's order
    std::vector<ModelOutput> modelOutputs; // in the store's order
    std::vector<MetricDataset> metricDatasets; // sorted by key; only metrics whose latest value has one

    const Metric* metric(std::string_view key) const;
    const MetricDataset* metricDataset(std::string_view key) const;
    const std::string* param(std::string_view key) const { return findValue(params, key); }
    const std::string* tag(std::string_view key) const { return findValue(tags, key); }
};

/** An entry of an artifact listing; path is relative to the run's artifact root, '/'-separated. */
struct FileInfo
{
    std::string path;
    bool isDir = false;
    std::optional<std::int64_t> fileSize; // files only
};

struct ModelVersion
{
    std::string name;
    std::int64_t version = 0;
    std::int64_t creationTimestamp = 0;
    std::int64_t lastUpdatedTimestamp = 0;
    std::optional<std::string> userId;
    std::string currentStage = "None";
    std::optional<std::string> description;
    std::string source;
    std::optional<std::string> storageLocation;
    std::optional<std::string> runId;
    std::optional<std::string> runLink;
    std::string status = "READY";
    std::optional<std::string> statusMessage;
    std::vector<KeyValue> tags; // sorted by key
    std::vector<std::string> aliases; // sorted
    /** The logged model the version was made from (MLflow 3; the file store and servers record it). */
    std::optional<std::string> modelId;
};

/**
 * The logged model a version was made from: its recorded model_id, else the id in a `models:/m-…`
 * source (the SQL store keeps no model_id column); nullopt for versions made from runs or paths.
 */
std::optional<std::string> sourceLoggedModelId(const ModelVersion& version);

struct ModelAlias
{
    std::string alias;
    std::int64_t version = 0;
};

struct RegisteredModel
{
    std::string name;
    std::int64_t creationTimestamp = 0;
    std::int64_t lastUpdatedTimestamp = 0;
    std::optional<std::string> description;
    std::vector<KeyValue> tags; // sorted by key
    std::vector<ModelAlias> aliases; // sorted by alias
    std::vector<ModelVersion> latestVersions; // per stage, the highest version; ordered by version
};

/** A logged model's status (MLflow 3); the integers are what the stores write. */
enum class LoggedModelStatus
{
    Unspecified = 0,
    Pending = 1,
    Ready = 2,
    Failed = 3
};
/** MLflow's Python names: UNSPECIFIED, PENDING, READY, FAILED. */
std::string_view loggedModelStatusName(LoggedModelStatus status);
std::optional<LoggedModelStatus> loggedModelStatusFromInt(std::int64_t value);
/** The REST names: LOGGED_MODEL_STATUS_UNSPECIFIED, LOGGED_MODEL_PENDING, LOGGED_MODEL_READY,
 * LOGGED_MODEL_UPLOAD_FAILED. */
std::string_view loggedModelStatusProtoName(LoggedModelStatus status);
/** Either spelling (REST or Python), as servers and files write it. */
std::optional<LoggedModelStatus> loggedModelStatusFromName(std::string_view name);

/** A metric value recorded against a logged model, possibly on one dataset (MLflow 3). */
struct ModelMetric
{
    std::string key;
    MetricPoint point;
    std::optional<std::string> runId; // the run that logged it
    std::optional<std::string> datasetName;
    std::optional<std::string> datasetDigest;
};

/**
 * A logged model (MLflow 3, `m-` + 32 hex): made by log_model inside a run or on its own, with its
 * own params, tags and metrics. Metrics are what the store reports: the file store the latest per
 * (key, dataset), the SQL store every logged value.
 */
struct LoggedModel
{
    std::string modelId;
    std::string experimentId;
    std::string name;
    std::string artifactLocation;
    std::int64_t creationTimestamp = 0;
    std::int64_t lastUpdatedTimestamp = 0;
    LoggedModelStatus status = LoggedModelStatus::Unspecified;
    std::optional<std::string> statusMessage;
    std::optional<std::string> modelType;
    std::optional<std::string> sourceRunId;
    LifecycleStage lifecycleStage = LifecycleStage::Active;
    std::vector<KeyValue> params; // sorted by key
    std::vector<KeyValue> tags; // sorted by key
    std::vector<ModelMetric> metrics; // in the store's order

    const std::string* param(std::string_view key) const { return findValue(params, key); }
    const std::string* tag(std::string_view key) const { return findValue(tags, key); }
};

/**
 * The latest value per (key, dataset name, dataset digest), sorted by key then dataset: what a table
 * shows for a model whichever store it came from (the SQL store reports every logged value).
 */
std::vector<ModelMetric> latestModelMetrics(const LoggedModel& model);
/** `key` or `key (dataset)`: the column a model metric is shown in. */
std::string modelMetricLabel(const ModelMetric& metric);

/** Something a store could not read, and why; the rest of the store still loads. */
struct Problem
{
    std::string path;
    std::string reason;
};

} // namespace runlens
