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

struct Run
{
    RunInfo info;
    std::vector<Metric> metrics; // latest value per key, sorted by key
    std::vector<KeyValue> params; // sorted by key
    std::vector<KeyValue> tags; // sorted by key
    std::vector<DatasetInput> inputs;

    const Metric* metric(std::string_view key) const;
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
};

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

/** Something a store could not read, and why; the rest of the store still loads. */
struct Problem
{
    std::string path;
    std::string reason;
};

} // namespace runlens
