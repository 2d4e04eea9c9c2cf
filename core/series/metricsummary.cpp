// SPDX-License-Identifier: Apache-2.0
#include "series/metricsummary.h"

#include <cmath>

namespace runlens {

std::optional<MetricPoint> pickMetricPoint(
    const std::vector<MetricPoint>& history, MetricStatistic statistic, std::int64_t step)
{
    const MetricPoint* best = nullptr;
    switch (statistic) {
    case MetricStatistic::Latest:
        return std::nullopt;
    case MetricStatistic::Min:
    case MetricStatistic::Max:
        for (const MetricPoint& p : history) {
            if (!best) {
                best = &p;
                continue;
            }
            // A NaN says nothing about the range: any number replaces it, it replaces none.
            if (std::isnan(p.value))
                continue;
            if (std::isnan(best->value)
                || (statistic == MetricStatistic::Min ? p.value < best->value : p.value > best->value))
                best = &p;
        }
        break;
    case MetricStatistic::AtStep:
        for (const MetricPoint& p : history) {
            if (p.step != step)
                continue;
            // MLflow's latest rule, within one step: the last by timestamp, then the larger value.
            if (!best || isLaterPoint(p, *best))
                best = &p;
        }
        break;
    }
    return best ? std::optional<MetricPoint>(*best) : std::nullopt;
}

} // namespace runlens
