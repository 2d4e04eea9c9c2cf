// SPDX-License-Identifier: Apache-2.0
#pragma once

// Smoothing of metric values in x order. The raw values are never replaced: a chart draws the smoothed
// line over a faint copy of the raw one, and exports both.

#include <vector>

namespace runlens {

enum class SmoothingKind
{
    None,
    Ema, // exponential moving average with debias (TensorBoard, W&B, MLflow UI)
    MovingAverage, // centred moving average over a window of points
};

struct Smoothing
{
    SmoothingKind kind = SmoothingKind::None;
    /** EMA weight in [0, 1): 0 leaves values as they are, 0.99 is very smooth. */
    double weight = 0.6;
    /** Moving-average window in points; an even window is widened by one so it stays centred. */
    int window = 9;

    friend bool operator==(const Smoothing&, const Smoothing&) = default;
};

/**
 * Exponential moving average with debias, as TensorBoard's scalar dashboard computes it:
 *
 *     last_0 = 0,  last_k = w·last_{k-1} + (1 − w)·y_k,  smoothed_k = last_k / (1 − w^k)
 *
 * where k counts the finite values seen so far. Dividing by 1 − w^k removes the pull towards the zero
 * start, so the first smoothed value equals the first raw one. Non-finite values (NaN, ±inf) pass
 * through unchanged and do not enter the average; a constant series is returned as is (no rounding
 * drift). A weight outside [0, 1) is clamped.
 */
std::vector<double> exponentialMovingAverage(const std::vector<double>& values, double weight);

/**
 * Centred moving average: each value becomes the mean of the finite values among the `window` points
 * centred on it (window/2 on each side), the window shrinking at the ends of the series. Non-finite
 * values pass through unchanged and are left out of their neighbours' means. O(n) with running sums.
 */
std::vector<double> centredMovingAverage(const std::vector<double>& values, int window);

/** Applies a smoothing; SmoothingKind::None returns the values unchanged. */
std::vector<double> smooth(const std::vector<double>& values, const Smoothing& smoothing);

} // namespace runlens
