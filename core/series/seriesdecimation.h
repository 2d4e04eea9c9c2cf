// SPDX-License-Identifier: Apache-2.0
#pragma once

// Full-fidelity drawing of long metric series: a series sorted by x, and a decimation of its visible
// x-range that keeps, per pixel column, the first, last, smallest and largest point (the M4 scheme of
// Jugel et al., VLDB 2014). A line through those points covers exactly the pixels the full series
// would, so spikes never vanish, while the point count stays proportional to the width in pixels
// rather than to the history length. There is no fixed cap: zooming in re-decimates and reaches every
// logged point.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace runlens {

/** How an axis maps values to pixels; decimation buckets are equal in pixels, so in log10(x) on a log axis. */
enum class AxisScale
{
    Linear,
    Log
};

/** A half-open index range [first, last) of a series. */
struct IndexRange
{
    std::size_t first = 0;
    std::size_t last = 0;
    std::size_t size() const { return last - first; }
    bool empty() const { return last <= first; }
};

/**
 * A metric series as (x, y) sorted by x, ready to be drawn at any zoom.
 *
 * Build it once per history (off the GUI thread for long ones). Besides x and y it keeps the indices of
 * NaN and ±inf values and a min/max pyramid (index of the smallest and largest finite y per block of 16,
 * 256, ... points), so the extremes of any index range cost O(log n) instead of a scan. NaN values stay
 * in the series (they are data and the hover reports them) but are never drawn; infinities are drawn by
 * the view at the edge of the axis. The x vector is shared, so a smoothed copy of a series costs only
 * its y values. Immutable after construction, so it can cross threads freely.
 */
class MetricSeries
{
public:
    MetricSeries();
    /** x sorted ascending with no NaN, and as long as y (asserted). */
    MetricSeries(std::shared_ptr<const std::vector<double>> x, std::vector<double> y);

    /**
     * Sorts (x[i], y[i]) stably by x: points with equal x keep their logging order. Pairs whose x is
     * NaN are dropped. When `order` is given it receives, for every point of the result, its index in
     * the input.
     */
    static MetricSeries fromUnsorted(
        const std::vector<double>& x, const std::vector<double>& y, std::vector<std::uint32_t>* order = nullptr);

    /** The same x with other y values (e.g. smoothed); y must have size() elements. */
    MetricSeries withY(std::vector<double> y) const;

    std::size_t size() const { return m_y.size(); }
    bool empty() const { return m_y.empty(); }
    const std::vector<double>& xs() const { return *m_x; }
    const std::vector<double>& ys() const { return m_y; }
    double x(std::size_t i) const { return (*m_x)[i]; }
    double y(std::size_t i) const { return m_y[i]; }
    const std::shared_ptr<const std::vector<double>>& sharedX() const { return m_x; }

    /** Points with xMin <= x <= xMax (binary search). */
    IndexRange indexRange(double xMin, double xMax) const;

    /**
     * The point whose x is nearest to `x`, NaN values included (the hover reports them). Among points
     * with that same x the last logged one wins, as MLflow's "latest value" does. Empty series: nullopt.
     */
    std::optional<std::size_t> nearest(double x) const;

    /** Indices of the smallest and largest finite y in a range; nullopt when it holds no finite value. */
    struct Extremes
    {
        std::size_t min = 0;
        std::size_t max = 0;
    };
    std::optional<Extremes> finiteExtremes(IndexRange range) const;

    std::size_t nanCount(IndexRange range) const;
    std::size_t infCount(IndexRange range) const;
    std::size_t nanCount() const { return m_nan.size(); }
    std::size_t infCount() const { return m_posInf.size() + m_negInf.size(); }
    /** First +inf (or -inf) index in the range, if any. */
    std::optional<std::size_t> firstInf(IndexRange range, bool positive) const;
    /** First / last index in the range whose y is not NaN. */
    std::optional<std::size_t> firstDrawable(IndexRange range) const;
    std::optional<std::size_t> lastDrawable(IndexRange range) const;

    /** Asks the CPU to fetch the x and y memory a query near index i touches, ahead of use. */
    void prefetch(std::size_t i) const;

private:
    void buildIndex();

    std::shared_ptr<const std::vector<double>> m_x;
    std::vector<double> m_y;
    std::vector<std::uint32_t> m_nan; // sorted indices of NaN y
    std::vector<std::uint32_t> m_posInf;
    std::vector<std::uint32_t> m_negInf;
    // m_levels[l][j]: the smallest and largest finite y of block j of 16^(l+1) points, values kept next
    // to their indices so a query reads the pyramid contiguously instead of jumping around in y.
    struct Block
    {
        double minValue;
        double maxValue;
        std::uint32_t minIndex; // kNone when the block holds no finite value
        std::uint32_t maxIndex;
    };
    std::vector<std::vector<Block>> m_levels;
};

/** What decimate() keeps of each bucket. */
enum class DecimationMode
{
    Line, // first, last, min, max (and the first +inf / -inf): a line through them looks like the full series
    Upper, // the largest finite value only: the top edge of a band
    Lower, // the smallest finite value only: the bottom edge of a band
};

/** The points of a series to draw for one x-range, plus what the range holds. */
struct Decimation
{
    /** Indices into the series in ascending order (so by x). May include one point just outside the range
     *  on each side, so the line enters and leaves the plot at its edges. */
    std::vector<std::size_t> indices;
    /** x and y of those points, in the same order. */
    std::vector<double> x;
    std::vector<double> y;
    IndexRange visible; // the points with xMin <= x <= xMax
    std::size_t nanCount = 0; // visible NaN values (counted, never drawn)
    std::size_t infCount = 0; // visible ±inf values (drawn at the axis edge)
    /** Extremes of the visible finite values; nullopt when there is none. */
    std::optional<double> yMin;
    std::optional<double> yMax;
    /** Smallest visible value > 0 (for a log y axis); nullopt when there is none. */
    std::optional<double> yMinPositive;
};

/**
 * The x where bucket k (0 <= k <= buckets) of [xMin, xMax] starts; k == buckets gives xMax. Buckets are
 * equal in pixel space: equal in x on a linear axis, in log10(x) on a log one (which needs xMin > 0).
 */
double bucketBoundary(double xMin, double xMax, int buckets, AxisScale scale, int k);

struct DecimationOptions
{
    AxisScale scale = AxisScale::Linear;
    DecimationMode mode = DecimationMode::Line;
    /** Also find Decimation::yMinPositive; costs a scan of the buckets whose values straddle zero. */
    bool minPositive = false;
};

/**
 * Decimates the points with xMin <= x <= xMax into `buckets` equal pixel columns (see bucketBoundary):
 * per bucket the first and last drawable point, the smallest and largest finite one and the first +inf
 * and -inf, output in x order without duplicates. Costs O(buckets · log n) thanks to the series' index,
 * and never more than O(visible points). A log scale with xMin <= 0 falls back to linear buckets.
 */
Decimation decimate(
    const MetricSeries& series, double xMin, double xMax, int buckets, const DecimationOptions& options = {});

/**
 * The q-th quantile (0 <= q <= 1) of the finite values of `values`, interpolated linearly between order
 * statistics as numpy.percentile does by default; nullopt when there is no finite value. Reorders values.
 */
std::optional<double> quantile(std::vector<double>& values, double q);

/**
 * A y-range that ignores outliers: the [low, high] quantiles (e.g. 0.05, 0.95) of the finite values
 * of the visible points of several series. Beyond `maxSamples` visible points it uses an evenly strided
 * sample of them, so the cost stays bounded for million-point series.
 */
std::optional<std::pair<double, double>> quantileRange(
    const std::vector<std::pair<const MetricSeries*, IndexRange>>& parts, double low, double high,
    std::size_t maxSamples = 200000);

} // namespace runlens
