// SPDX-License-Identifier: Apache-2.0
#include "series/seriesdecimation.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <numeric>

namespace runlens {

namespace {

constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
constexpr std::size_t kFanShift = 4; // pyramid blocks grow 16-fold per level
constexpr std::size_t kFan = std::size_t(1) << kFanShift;

std::size_t countIn(const std::vector<std::uint32_t>& sorted, IndexRange range)
{
    const auto lo = std::lower_bound(sorted.begin(), sorted.end(), range.first);
    const auto hi = std::lower_bound(lo, sorted.end(), range.last);
    return std::size_t(hi - lo);
}

// Running extremes; the earliest index wins a tie so results do not depend on how a range is split.
struct ExtremesAcc
{
    std::size_t minIndex = std::numeric_limits<std::size_t>::max();
    std::size_t maxIndex = std::numeric_limits<std::size_t>::max();
    double minValue = std::numeric_limits<double>::infinity();
    double maxValue = -std::numeric_limits<double>::infinity();

    void addMin(std::size_t i, double v)
    {
        if (v < minValue || (v == minValue && i < minIndex)) {
            minValue = v;
            minIndex = i;
        }
    }
    void addMax(std::size_t i, double v)
    {
        if (v > maxValue || (v == maxValue && i < maxIndex)) {
            maxValue = v;
            maxIndex = i;
        }
    }
    bool found() const { return minIndex != std::numeric_limits<std::size_t>::max(); }
};

// lower_bound in [first, last) starting from a guess: steps are usually evenly spaced, so the guess
// is right or close, and galloping from it touches a few neighbouring cache lines instead of the ~20
// scattered ones a binary search over a million points does.
std::size_t firstAtOrAbove(
    const std::vector<double>& xs, std::size_t first, std::size_t last, double value, std::size_t guess)
{
    guess = std::clamp(guess, first, last);
    std::size_t lo = first;
    std::size_t hi = last;
    if (guess < last && xs[guess] < value) {
        // The answer is after the guess: gallop right.
        std::size_t step = 1;
        lo = guess + 1;
        while (lo + step < last && xs[lo + step - 1] < value) {
            lo += step;
            step *= 2;
        }
        hi = std::min(last, lo + step);
    } else {
        // The answer is at or before the guess: gallop left.
        std::size_t step = 1;
        hi = guess;
        while (hi > first + step && !(xs[hi - step] < value)) {
            hi -= step;
            step *= 2;
        }
        lo = hi > first + step ? hi - step : first;
    }
    return std::size_t(
        std::lower_bound(xs.begin() + std::ptrdiff_t(lo), xs.begin() + std::ptrdiff_t(hi), value) - xs.begin());
}

} // namespace

MetricSeries::MetricSeries()
    : m_x(std::make_shared<const std::vector<double>>())
{ }

MetricSeries::MetricSeries(std::shared_ptr<const std::vector<double>> x, std::vector<double> y)
    : m_x(x ? std::move(x) : std::make_shared<const std::vector<double>>())
    , m_y(std::move(y))
{
    assert(m_x->size() == m_y.size());
    assert(m_y.size() < kNone);
    buildIndex();
}

MetricSeries MetricSeries::fromUnsorted(
    const std::vector<double>& x, const std::vector<double>& y, std::vector<std::uint32_t>* order)
{
    assert(x.size() == y.size());
    std::vector<std::uint32_t> keep;
    keep.reserve(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
        if (!std::isnan(x[i]))
            keep.push_back(std::uint32_t(i));
    }
    const auto byX = [&x](std::uint32_t a, std::uint32_t b) { return x[a] < x[b]; };
    // Histories are nearly always logged in step order already; skip the sort then.
    if (!std::is_sorted(keep.begin(), keep.end(), byX))
        std::stable_sort(keep.begin(), keep.end(), byX);

    auto xs = std::make_shared<std::vector<double>>();
    xs->reserve(keep.size());
    std::vector<double> ys;
    ys.reserve(keep.size());
    for (const std::uint32_t i : keep) {
        xs->push_back(x[i]);
        ys.push_back(y[i]);
    }
    if (order)
        *order = std::move(keep);
    return MetricSeries(std::move(xs), std::move(ys));
}

MetricSeries MetricSeries::withY(std::vector<double> y) const
{
    return MetricSeries(m_x, std::move(y));
}

void MetricSeries::buildIndex()
{
    const std::size_t n = m_y.size();
    for (std::size_t i = 0; i < n; ++i) {
        const double v = m_y[i];
        if (std::isnan(v))
            m_nan.push_back(std::uint32_t(i));
        else if (std::isinf(v))
            (v > 0 ? m_posInf : m_negInf).push_back(std::uint32_t(i));
    }
    if (n <= kFan)
        return; // a scan is as cheap as the pyramid

    // Level 0 summarises blocks of raw points; each further level summarises blocks of the one below.
    const auto toBlock = [](const ExtremesAcc& acc) {
        if (!acc.found())
            return Block {0.0, 0.0, kNone, kNone};
        return Block {acc.minValue, acc.maxValue, std::uint32_t(acc.minIndex), std::uint32_t(acc.maxIndex)};
    };
    std::vector<Block> level((n + kFan - 1) / kFan);
    for (std::size_t b = 0; b < level.size(); ++b) {
        const std::size_t end = std::min(n, (b + 1) * kFan);
        ExtremesAcc acc;
        for (std::size_t i = b * kFan; i < end; ++i) {
            const double v = m_y[i];
            if (std::isfinite(v)) {
                acc.addMin(i, v);
                acc.addMax(i, v);
            }
        }
        level[b] = toBlock(acc);
    }
    m_levels.push_back(std::move(level));
    while (m_levels.back().size() > 1) {
        const auto& lower = m_levels.back();
        std::vector<Block> upper((lower.size() + kFan - 1) / kFan);
        for (std::size_t b = 0; b < upper.size(); ++b) {
            const std::size_t end = std::min(lower.size(), (b + 1) * kFan);
            ExtremesAcc acc;
            for (std::size_t j = b * kFan; j < end; ++j) {
                if (lower[j].minIndex != kNone) {
                    acc.addMin(lower[j].minIndex, lower[j].minValue);
                    acc.addMax(lower[j].maxIndex, lower[j].maxValue);
                }
            }
            upper[b] = toBlock(acc);
        }
        m_levels.push_back(std::move(upper));
    }
}

void MetricSeries::prefetch(std::size_t i) const
{
#if defined(__GNUC__) || defined(__clang__)
    if (i >= m_y.size())
        return;
    __builtin_prefetch(&(*m_x)[i]);
    __builtin_prefetch(&m_y[i]);
    __builtin_prefetch(&m_y[i < 8 ? 0 : i - 8]);
#else
    (void)i;
#endif
}

IndexRange MetricSeries::indexRange(double xMin, double xMax) const
{
    const auto& x = *m_x;
    if (!(xMin <= xMax))
        return {};
    const auto first = std::lower_bound(x.begin(), x.end(), xMin);
    const auto last = std::upper_bound(first, x.end(), xMax);
    return {std::size_t(first - x.begin()), std::size_t(last - x.begin())};
}

std::optional<std::size_t> MetricSeries::nearest(double at) const
{
    const auto& x = *m_x;
    if (x.empty() || std::isnan(at))
        return std::nullopt;
    const auto it = std::lower_bound(x.begin(), x.end(), at);
    std::optional<std::size_t> best;
    if (it != x.end()) // the last point logged at that x
        best = std::size_t(std::upper_bound(it, x.end(), *it) - x.begin()) - 1;
    if (it != x.begin()) {
        const std::size_t before = std::size_t(it - x.begin()) - 1;
        if (!best || std::abs(at - x[before]) <= std::abs(x[*best] - at))
            best = before;
    }
    return best;
}

std::optional<MetricSeries::Extremes> MetricSeries::finiteExtremes(IndexRange range) const
{
    ExtremesAcc acc;
    const auto scanRaw = [&](std::size_t a, std::size_t b) {
        for (std::size_t i = a; i < b; ++i) {
            const double v = m_y[i];
            if (std::isfinite(v)) {
                acc.addMin(i, v);
                acc.addMax(i, v);
            }
        }
    };
    const auto scanLevel = [&](std::size_t level, std::size_t a, std::size_t b) {
        const Block* blocks = m_levels[level].data();
        for (std::size_t j = a; j < b; ++j) {
            if (blocks[j].minIndex != kNone) {
                acc.addMin(blocks[j].minIndex, blocks[j].minValue);
                acc.addMax(blocks[j].maxIndex, blocks[j].maxValue);
            }
        }
    };

    std::size_t a = range.first;
    std::size_t b = std::min(range.last, m_y.size());
    // Climb the pyramid: scan the unaligned head and tail at each level, hand the aligned middle up.
    std::size_t level = 0; // 0 = raw points, l = m_levels[l - 1]
    while (a < b) {
        const bool top = level >= m_levels.size();
        const std::size_t alignedA = (a + kFan - 1) >> kFanShift << kFanShift;
        const std::size_t alignedB = b >> kFanShift << kFanShift;
        if (top || alignedA >= alignedB) {
            if (level == 0)
                scanRaw(a, b);
            else
                scanLevel(level - 1, a, b);
            break;
        }
        if (level == 0) {
            scanRaw(a, alignedA);
            scanRaw(alignedB, b);
        } else {
            scanLevel(level - 1, a, alignedA);
            scanLevel(level - 1, alignedB, b);
        }
        a = alignedA >> kFanShift;
        b = alignedB >> kFanShift;
        ++level;
    }
    if (!acc.found())
        return std::nullopt;
    return Extremes {acc.minIndex, acc.maxIndex};
}

std::size_t MetricSeries::nanCount(IndexRange range) const
{
    return countIn(m_nan, range);
}

std::size_t MetricSeries::infCount(IndexRange range) const
{
    return countIn(m_posInf, range) + countIn(m_negInf, range);
}

std::optional<std::size_t> MetricSeries::firstInf(IndexRange range, bool positive) const
{
    const auto& list = positive ? m_posInf : m_negInf;
    const auto it = std::lower_bound(list.begin(), list.end(), range.first);
    if (it != list.end() && *it < range.last)
        return *it;
    return std::nullopt;
}

std::optional<std::size_t> MetricSeries::firstDrawable(IndexRange range) const
{
    std::size_t i = range.first;
    auto it = std::lower_bound(m_nan.begin(), m_nan.end(), i);
    while (i < range.last && it != m_nan.end() && *it == i) {
        ++i;
        ++it;
    }
    if (i < range.last)
        return i;
    return std::nullopt;
}

std::optional<std::size_t> MetricSeries::lastDrawable(IndexRange range) const
{
    if (range.empty())
        return std::nullopt;
    std::size_t i = range.last; // one past the candidate
    auto it = std::lower_bound(m_nan.begin(), m_nan.end(), range.last);
    while (i > range.first && it != m_nan.begin() && *(it - 1) == i - 1) {
        --i;
        --it;
    }
    if (i > range.first)
        return i - 1;
    return std::nullopt;
}

double bucketBoundary(double xMin, double xMax, int buckets, AxisScale scale, int k)
{
    if (k <= 0)
        return xMin;
    if (k >= buckets)
        return xMax;
    const double t = double(k) / double(buckets);
    if (scale == AxisScale::Log && xMin > 0) {
        const double l0 = std::log10(xMin);
        const double l1 = std::log10(xMax);
        return std::pow(10.0, l0 + (l1 - l0) * t);
    }
    return xMin + (xMax - xMin) * t;
}

Decimation decimate(const MetricSeries& series, double xMin, double xMax, int buckets, const DecimationOptions& options)
{
    Decimation out;
    if (series.empty() || !(xMin <= xMax) || buckets < 1)
        return out;
    const AxisScale scale = options.scale == AxisScale::Log && !(xMin > 0) ? AxisScale::Linear : options.scale;
    const auto& xs = series.xs();
    const auto& ys = series.ys();
    out.visible = series.indexRange(xMin, xMax);
    out.nanCount = series.nanCount(out.visible);
    out.infCount = series.infCount(out.visible);
    const std::size_t expected = std::min<std::size_t>(out.visible.size(), std::size_t(buckets) * 4) + 2;
    out.indices.reserve(expected);
    out.x.reserve(expected);
    out.y.reserve(expected);
    // The values are copied out while their memory is fresh in the cache: gathering them later from
    // the indices costs two cache misses per point.
    const auto keepPoint = [&](std::size_t i) {
        out.indices.push_back(i);
        out.x.push_back(xs[i]);
        out.y.push_back(ys[i]);
    };

    if (options.mode == DecimationMode::Line && out.visible.first > 0) {
        if (const auto before = series.lastDrawable({0, out.visible.first}))
            keepPoint(*before);
    }

    double yMin = std::numeric_limits<double>::infinity();
    double yMax = -std::numeric_limits<double>::infinity();
    double yMinPositive = std::numeric_limits<double>::infinity();
    std::size_t start = out.visible.first;
    for (int k = 0; k < buckets && start < out.visible.last; ++k) {
        std::size_t end = out.visible.last;
        // Buckets lie thousands of points apart at full view: fetch the memory of one two buckets ahead
        // now, so the cache misses overlap instead of stalling one after another.
        if (k + 2 < buckets)
            series.prefetch(
                std::min(out.visible.last - 1, start + 2 * (out.visible.last - start) / std::size_t(buckets - k)));
        if (k + 1 < buckets)
            end = firstAtOrAbove(xs, start, out.visible.last, bucketBoundary(xMin, xMax, buckets, scale, k + 1),
                start + (out.visible.last - start) / std::size_t(buckets - k));
        if (end == start)
            continue;
        const IndexRange bucket {start, end};
        start = end;

        const auto extremes = series.finiteExtremes(bucket);
        if (extremes) {
            yMin = std::min(yMin, ys[extremes->min]);
            yMax = std::max(yMax, ys[extremes->max]);
            if (options.minPositive) {
                if (ys[extremes->min] > 0) {
                    yMinPositive = std::min(yMinPositive, ys[extremes->min]);
                } else if (ys[extremes->max] > 0) {
                    for (std::size_t i = bucket.first; i < bucket.last; ++i) {
                        if (ys[i] > 0 && ys[i] < yMinPositive)
                            yMinPositive = ys[i];
                    }
                }
            }
        }

        if (options.mode == DecimationMode::Upper || options.mode == DecimationMode::Lower) {
            if (extremes)
                keepPoint(options.mode == DecimationMode::Upper ? extremes->max : extremes->min);
            continue;
        }
        const auto first = series.firstDrawable(bucket);
        if (!first)
            continue; // only NaN here
        std::size_t keep[6];
        std::size_t count = 0;
        keep[count++] = *first;
        keep[count++] = *series.lastDrawable(bucket);
        if (extremes) {
            keep[count++] = extremes->min;
            keep[count++] = extremes->max;
        }
        if (const auto inf = series.firstInf(bucket, true))
            keep[count++] = *inf;
        if (const auto inf = series.firstInf(bucket, false))
            keep[count++] = *inf;
        std::sort(keep, keep + count);
        const std::size_t unique = std::size_t(std::unique(keep, keep + count) - keep);
        for (std::size_t j = 0; j < unique; ++j)
            keepPoint(keep[j]);
    }

    if (options.mode == DecimationMode::Line && out.visible.last < series.size()) {
        if (const auto after = series.firstDrawable({out.visible.last, series.size()}))
            keepPoint(*after);
    }
    if (yMin <= yMax) {
        out.yMin = yMin;
        out.yMax = yMax;
    }
    if (std::isfinite(yMinPositive))
        out.yMinPositive = yMinPositive;
    return out;
}

std::optional<double> quantile(std::vector<double>& values, double q)
{
    const auto finiteEnd = std::partition(values.begin(), values.end(), [](double v) { return std::isfinite(v); });
    const std::size_t n = std::size_t(finiteEnd - values.begin());
    if (n == 0)
        return std::nullopt;
    q = std::clamp(q, 0.0, 1.0);
    const double position = q * double(n - 1);
    const std::size_t lower = std::size_t(std::floor(position));
    const double fraction = position - double(lower);
    std::nth_element(values.begin(), values.begin() + std::ptrdiff_t(lower), finiteEnd);
    const double low = values[lower];
    if (fraction == 0.0 || lower + 1 >= n)
        return low;
    // After nth_element everything past `lower` is >= it; the next order statistic is their minimum.
    const double high = *std::min_element(values.begin() + std::ptrdiff_t(lower) + 1, finiteEnd);
    return low + (high - low) * fraction;
}

std::optional<std::pair<double, double>> quantileRange(
    const std::vector<std::pair<const MetricSeries*, IndexRange>>& parts, double low, double high,
    std::size_t maxSamples)
{
    std::size_t total = 0;
    for (const auto& [series, range] : parts)
        total += range.size();
    const std::size_t stride
        = std::max<std::size_t>(1, (total + maxSamples - 1) / std::max<std::size_t>(1, maxSamples));
    std::vector<double> values;
    values.reserve(total / stride + parts.size());
    for (const auto& [series, range] : parts) {
        const auto& ys = series->ys();
        for (std::size_t i = range.first; i < range.last && i < ys.size(); i += stride) {
            if (std::isfinite(ys[i]))
                values.push_back(ys[i]);
        }
    }
    const auto lo = quantile(values, low);
    const auto hi = quantile(values, high);
    if (!lo || !hi)
        return std::nullopt;
    return std::make_pair(*lo, *hi);
}

} // namespace runlens
