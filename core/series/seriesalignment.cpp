// SPDX-License-Identifier: Apache-2.0
#include "series/seriesalignment.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace runlens {

AlignedSeries alignHistory(const std::vector<MetricPoint>& history, XAxisKind kind,
    const std::vector<MetricPoint>* xHistory, std::optional<std::int64_t> timeOrigin)
{
    std::vector<double> x(history.size());
    std::vector<double> y(history.size());
    for (std::size_t i = 0; i < history.size(); ++i)
        y[i] = history[i].value;

    switch (kind) {
    case XAxisKind::Step:
        for (std::size_t i = 0; i < history.size(); ++i)
            x[i] = double(history[i].step);
        break;
    case XAxisKind::WallTime:
        for (std::size_t i = 0; i < history.size(); ++i)
            x[i] = double(history[i].timestamp);
        break;
    case XAxisKind::RelativeTime: {
        std::int64_t origin = 0;
        if (timeOrigin) {
            origin = *timeOrigin;
        } else if (!history.empty()) {
            origin = std::min_element(history.begin(), history.end(), [](const auto& a, const auto& b) {
                return a.timestamp < b.timestamp;
            })->timestamp;
        }
        for (std::size_t i = 0; i < history.size(); ++i)
            x[i] = double(history[i].timestamp - origin) / 1000.0;
        break;
    }
    case XAxisKind::Metric: {
        // The x metric's value per step: its latest point there (timestamp, then logging order).
        std::vector<std::uint32_t> order(xHistory ? xHistory->size() : 0);
        std::iota(order.begin(), order.end(), 0u);
        if (xHistory) {
            std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
                const auto& pa = (*xHistory)[a];
                const auto& pb = (*xHistory)[b];
                return pa.step != pb.step ? pa.step < pb.step : pa.timestamp < pb.timestamp;
            });
        }
        std::vector<std::int64_t> steps;
        std::vector<double> values;
        for (const std::uint32_t i : order) {
            const auto& p = (*xHistory)[i];
            if (!steps.empty() && steps.back() == p.step)
                values.back() = p.value;
            else {
                steps.push_back(p.step);
                values.push_back(p.value);
            }
        }
        for (std::size_t i = 0; i < history.size(); ++i) {
            const auto it = std::lower_bound(steps.begin(), steps.end(), history[i].step);
            const bool found = it != steps.end() && *it == history[i].step;
            const double v = found ? values[std::size_t(it - steps.begin())] : std::nan("");
            // A point with no place on the axis is left out and counted.
            x[i] = std::isfinite(v) ? v : std::nan("");
        }
        break;
    }
    }

    AlignedSeries aligned;
    aligned.series = MetricSeries::fromUnsorted(x, y, &aligned.source);
    aligned.unmatched = history.size() - aligned.series.size();
    return aligned;
}

} // namespace runlens
