// SPDX-License-Identifier: Apache-2.0
#pragma once

// Several runs drawn as one line with a band: their mean, with min–max or ±σ around it.

#include "series/seriesdecimation.h"

#include <cstdint>
#include <vector>

namespace runlens {

enum class BandKind
{
    MinMax,
    StdDev, // mean ± population standard deviation
};

struct SeriesBand
{
    MetricSeries mean;
    MetricSeries lower;
    MetricSeries upper;
    /** How many members had a value at each x. */
    std::vector<std::uint32_t> counts;
};

/**
 * Aggregates member series over the union of their x values. At each x a member contributes its value
 * there, linearly interpolated between its neighbouring points when it logged none at that exact x
 * (the last one logged when it logged several), and nothing outside its own x-range. Only finite values
 * take part; an x where no member has one is left out. Members logged at the same steps (a sweep) thus
 * aggregate exactly. The three series share one x vector.
 */
SeriesBand aggregateSeries(const std::vector<const MetricSeries*>& members, BandKind kind);

} // namespace runlens
