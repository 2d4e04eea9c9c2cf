// SPDX-License-Identifier: Apache-2.0
#include "entities.h"

#include <algorithm>
#include <cmath>
#include <tuple>

namespace runlens {

std::string_view lifecycleStageName(LifecycleStage stage)
{
    return stage == LifecycleStage::Deleted ? "deleted" : "active";
}

bool viewIncludes(ViewType view, LifecycleStage stage)
{
    switch (view) {
    case ViewType::ActiveOnly:
        return stage == LifecycleStage::Active;
    case ViewType::DeletedOnly:
        return stage == LifecycleStage::Deleted;
    case ViewType::All:
        return true;
    }
    return true;
}

std::string_view runStatusName(RunStatus status)
{
    switch (status) {
    case RunStatus::Running:
        return "RUNNING";
    case RunStatus::Scheduled:
        return "SCHEDULED";
    case RunStatus::Finished:
        return "FINISHED";
    case RunStatus::Failed:
        return "FAILED";
    case RunStatus::Killed:
        return "KILLED";
    }
    return "RUNNING";
}

std::optional<RunStatus> runStatusFromName(std::string_view name)
{
    for (int i = 1; i <= 5; ++i) {
        const auto s = static_cast<RunStatus>(i);
        if (runStatusName(s) == name)
            return s;
    }
    return std::nullopt;
}

std::optional<RunStatus> runStatusFromInt(std::int64_t value)
{
    if (value < 1 || value > 5)
        return std::nullopt;
    return static_cast<RunStatus>(value);
}

bool isTerminal(RunStatus status)
{
    return status == RunStatus::Finished || status == RunStatus::Failed || status == RunStatus::Killed;
}

const std::string* findValue(const std::vector<KeyValue>& sorted, std::string_view key)
{
    const auto it = std::lower_bound(
        sorted.begin(), sorted.end(), key, [](const KeyValue& kv, std::string_view k) { return kv.key < k; });
    return it != sorted.end() && it->key == key ? &it->value : nullptr;
}

bool isPrompt(const std::vector<KeyValue>& sortedTags)
{
    const std::string* flag = findValue(sortedTags, kPromptTag);
    return flag && *flag == "true";
}

const PointSource* MetricHistory::sourceOf(std::size_t index) const
{
    const auto it = std::upper_bound(sources.begin(), sources.end(), index,
        [](std::size_t i, const PointSource& source) { return i < source.first; });
    if (it == sources.begin())
        return nullptr;
    const PointSource& source = *std::prev(it);
    return index < source.first + source.count ? &source : nullptr;
}

void addPointSource(std::vector<PointSource>& sources, std::size_t index, std::string_view datasetName,
    std::string_view datasetDigest, std::string_view modelId)
{
    if (!sources.empty()) {
        PointSource& last = sources.back();
        if (last.first + last.count == index && last.datasetName == datasetName && last.datasetDigest == datasetDigest
            && last.modelId == modelId) {
            ++last.count;
            return;
        }
    }
    sources.push_back({index, 1, std::string(datasetName), std::string(datasetDigest), std::string(modelId)});
}

bool isLaterPoint(const MetricPoint& candidate, const MetricPoint& current)
{
    if (candidate.step != current.step)
        return candidate.step > current.step;
    if (candidate.timestamp != current.timestamp)
        return candidate.timestamp > current.timestamp;
    // MLflow takes Python's max() over (step, timestamp, value) tuples: only a strictly greater key
    // replaces the current one, and NaN compares neither greater nor smaller, so on a tie the first
    // point in file order stays. '>' on doubles behaves the same way.
    return candidate.value > current.value;
}

std::optional<std::string> sourceLoggedModelId(const ModelVersion& version)
{
    if (version.modelId && !version.modelId->empty())
        return version.modelId;
    constexpr std::string_view prefix = "models:/m-";
    if (!version.source.starts_with(prefix))
        return std::nullopt;
    std::string id = version.source.substr(prefix.size() - 2);
    if (const auto slash = id.find('/'); slash != std::string::npos)
        id.resize(slash);
    if (id.size() != 34)
        return std::nullopt;
    return id;
}

std::vector<ModelMetric> latestModelMetrics(const LoggedModel& model)
{
    std::vector<ModelMetric> out;
    for (const ModelMetric& m : model.metrics) {
        auto it = std::find_if(out.begin(), out.end(), [&](const ModelMetric& o) {
            return o.key == m.key && o.datasetName == m.datasetName && o.datasetDigest == m.datasetDigest;
        });
        if (it == out.end())
            out.push_back(m);
        else if (isLaterPoint(m.point, it->point))
            *it = m;
    }
    std::stable_sort(out.begin(), out.end(), [](const ModelMetric& a, const ModelMetric& b) {
        return std::tie(a.key, a.datasetName, a.datasetDigest) < std::tie(b.key, b.datasetName, b.datasetDigest);
    });
    return out;
}

std::string modelMetricLabel(const ModelMetric& metric)
{
    if (!metric.datasetName || metric.datasetName->empty())
        return metric.key;
    return metric.key + " (" + *metric.datasetName + ")";
}

std::string_view loggedModelStatusName(LoggedModelStatus status)
{
    switch (status) {
    case LoggedModelStatus::Unspecified:
        return "UNSPECIFIED";
    case LoggedModelStatus::Pending:
        return "PENDING";
    case LoggedModelStatus::Ready:
        return "READY";
    case LoggedModelStatus::Failed:
        return "FAILED";
    }
    return "UNSPECIFIED";
}

std::optional<LoggedModelStatus> loggedModelStatusFromInt(std::int64_t value)
{
    if (value < 0 || value > 3)
        return std::nullopt;
    return static_cast<LoggedModelStatus>(value);
}

std::string_view loggedModelStatusProtoName(LoggedModelStatus status)
{
    switch (status) {
    case LoggedModelStatus::Unspecified:
        return "LOGGED_MODEL_STATUS_UNSPECIFIED";
    case LoggedModelStatus::Pending:
        return "LOGGED_MODEL_PENDING";
    case LoggedModelStatus::Ready:
        return "LOGGED_MODEL_READY";
    case LoggedModelStatus::Failed:
        return "LOGGED_MODEL_UPLOAD_FAILED";
    }
    return "LOGGED_MODEL_STATUS_UNSPECIFIED";
}

std::optional<LoggedModelStatus> loggedModelStatusFromName(std::string_view name)
{
    for (int i = 0; i <= 3; ++i) {
        const auto status = static_cast<LoggedModelStatus>(i);
        if (name == loggedModelStatusName(status) || name == loggedModelStatusProtoName(status))
            return status;
    }
    return std::nullopt;
}

const Metric* Run::metric(std::string_view key) const
{
    const auto it = std::lower_bound(
        metrics.begin(), metrics.end(), key, [](const Metric& m, std::string_view k) { return m.key < k; });
    return it != metrics.end() && it->key == key ? &*it : nullptr;
}

const MetricDataset* Run::metricDataset(std::string_view key) const
{
    const auto it = std::lower_bound(metricDatasets.begin(), metricDatasets.end(), key,
        [](const MetricDataset& d, std::string_view k) { return d.key < k; });
    return it != metricDatasets.end() && it->key == key ? &*it : nullptr;
}

} // namespace runlens
