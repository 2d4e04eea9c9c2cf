// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "entities.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace runlens {

/** What a metric column shows for each run: MLflow's latest value, or one read off the history. */
enum class MetricStatistic
{
    Latest,
    Min,
    Max,
    AtStep,
};

/**
 * The point of a history that a statistic picks: the smallest or largest value (NaN only when every
 * value is NaN; ties go to the earliest logged), or the value at `step` by MLflow's latest rule
 * within that step (isLaterPoint: the max by timestamp, then value). Empty for an empty history or a step never
 * logged. Latest is not computed here: stores give it with every run.
 */
std::optional<MetricPoint> pickMetricPoint(
    const std::vector<MetricPoint>& history, MetricStatistic statistic, std::int64_t step = 0);

} // namespace runlens
