// SPDX-License-Identifier: Apache-2.0
#include "series/smoothing.h"

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace runlens {

std::vector<double> exponentialMovingAverage(const std::vector<double>& values, double weight)
{
    if (!(weight >= 0.0))
        weight = 0.0;
    // w = 1 would never move off zero, and its debias factor would be 0/0.
    weight = std::min(weight, 0.999999);
    std::vector<double> out(values.size());
    const bool constant = std::all_of(values.begin(), values.end(), [&](double v) { return v == values.front(); });
    if (constant || weight == 0.0) {
        out = values;
        return out;
    }
    double last = 0.0;
    double weightPower = 1.0; // w^k, kept incrementally instead of calling pow() per point
    for (std::size_t i = 0; i < values.size(); ++i) {
        const double v = values[i];
        if (!std::isfinite(v)) {
            out[i] = v;
            continue;
        }
        last = last * weight + (1.0 - weight) * v;
        weightPower *= weight;
        out[i] = last / (1.0 - weightPower);
    }
    return out;
}

std::vector<double> centredMovingAverage(const std::vector<double>& values, int window)
{
    const std::size_t n = values.size();
    std::vector<double> out(n);
    const std::size_t half = std::size_t(std::max(window, 1) / 2);
    // Running sum and count of the finite values in [lo, hi); compensated (Kahan) so a million-point
    // window that slides far does not accumulate rounding error.
    double sum = 0.0;
    double compensation = 0.0;
    std::size_t count = 0;
    std::size_t lo = 0;
    std::size_t hi = 0;
    const auto add = [&](double v) {
        const double y = v - compensation;
        const double t = sum + y;
        compensation = (t - sum) - y;
        sum = t;
    };
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t wantHi = std::min(n, i + half + 1);
        const std::size_t wantLo = i > half ? i - half : 0;
        for (; hi < wantHi; ++hi) {
            if (std::isfinite(values[hi])) {
                add(values[hi]);
                ++count;
            }
        }
        for (; lo < wantLo; ++lo) {
            if (std::isfinite(values[lo])) {
                add(-values[lo]);
                --count;
            }
        }
        if (count == 0) { // drop what rounding left behind
            sum = 0.0;
            compensation = 0.0;
        }
        if (!std::isfinite(values[i]))
            out[i] = values[i];
        else
            out[i] = sum / double(count);
    }
    return out;
}

std::vector<double> smooth(const std::vector<double>& values, const Smoothing& smoothing)
{
    switch (smoothing.kind) {
    case SmoothingKind::Ema:
        return exponentialMovingAverage(values, smoothing.weight);
    case SmoothingKind::MovingAverage:
        return centredMovingAverage(values, smoothing.window);
    case SmoothingKind::None:
        break;
    }
    return values;
}

} // namespace runlens
