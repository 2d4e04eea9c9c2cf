// SPDX-License-Identifier: Apache-2.0
#pragma once

// Turns a metric history (MetricPoint in logging order) into a series sorted by the chosen x.

#include "entities.h"
#include "series/seriesdecimation.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace runlens {

enum class XAxisKind
{
    Step, // x = step
    WallTime, // x = timestamp, epoch milliseconds
    RelativeTime, // x = (timestamp − origin) in seconds; origin = the run's first timestamp
    Metric, // x = another metric's value at the same step
};

/** A history as a series sorted by x, remembering where each point came from. */
struct AlignedSeries
{
    MetricSeries series;
    /** For each point of `series`, its index in the history (so step and timestamp can be found). */
    std::vector<std::uint32_t> source;
    /** History points left out: no x metric at their step, or a non-finite x. */
    std::size_t unmatched = 0;
};

/**
 * Aligns a history on an x axis. Points with equal x keep their logging order. For XAxisKind::Metric,
 * `xHistory` is the other metric's history and the join is on step; when it logged several values at
 * a step, the latest (by timestamp, then logging order) is used. For RelativeTime, `timeOrigin`
 * (epoch ms) overrides the default origin, the smallest timestamp of the history.
 */
AlignedSeries alignHistory(const std::vector<MetricPoint>& history, XAxisKind kind,
    const std::vector<MetricPoint>* xHistory = nullptr, std::optional<std::int64_t> timeOrigin = std::nullopt);

} // namespace runlens
