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

const Metric* Run::metric(std::string_view key) const
{
    const auto it = std::lower_bound(
        metrics.begin(), metrics.end(), key, [](const Metric& m, std::string_view k) { return m.key < k; });
    return it != metrics.end() && it->key == key ? &*it : nullptr;
}

} // namespace runlens
