// SPDX-License-Identifier: Apache-2.0
// Series preparation and decimation: sorting, the min/max index, M4 decimation checked against a brute
// force on random and real (MLflow-written) histories, quantiles, alignment on an x axis and grouping.
#include "series/seriesalignment.h"
#include "series/seriesdecimation.h"
#include "series/seriesgrouping.h"

#include <nlohmann/json.hpp>

#include <QFile>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <set>

using namespace runlens;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
const double kNaN = std::nan("");

MetricSeries sorted(std::vector<double> x, std::vector<double> y)
{
    return MetricSeries(std::make_shared<const std::vector<double>>(std::move(x)), std::move(y));
}

// Metric histories MLflow itself read back from the file-store fixture, by run name and key.
std::map<std::string, std::vector<MetricPoint>> fixtureHistories(const std::string& runName)
{
    QFile file(QStringLiteral(RUNLENS_TEST_DATA_DIR "/mlflow-2.22/expected.json"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const auto doc = nlohmann::json::parse(file.readAll().toStdString());
    std::map<std::string, std::vector<MetricPoint>> out;
    for (const auto& experiment : doc["stores"]["file"]["experiments"]) {
        for (const auto& run : experiment["runs"]) {
            if (run["run_name"] != runName)
                continue;
            for (const auto& [key, points] : run["metric_histories"].items()) {
                auto& history = out[key];
                for (const auto& p : points) {
                    MetricPoint point;
                    point.step = p[0].get<std::int64_t>();
                    point.timestamp = p[1].get<std::int64_t>();
                    if (p[2].is_string()) {
                        const auto text = p[2].get<std::string>();
                        point.value = text == "NaN" ? kNaN : text == "Infinity" ? kInf : -kInf;
                    } else {
                        point.value = p[2].get<double>();
                    }
                    history.push_back(point);
                }
            }
        }
    }
    return out;
}

// The bucket of x as the definition says: the number of inner boundaries at or below x.
int bruteBucket(double x, double xMin, double xMax, int buckets, AxisScale scale)
{
    int k = 0;
    for (int b = 1; b < buckets; ++b) {
        if (bucketBoundary(xMin, xMax, buckets, scale, b) <= x)
            k = b;
    }
    return k;
}

// Checks every promise of decimate() against a brute-force pass over all points.
void checkDecimation(const MetricSeries& s, double xMin, double xMax, int buckets, AxisScale requestedScale)
{
    const AxisScale scale = requestedScale == AxisScale::Log && !(xMin > 0) ? AxisScale::Linear : requestedScale;
    DecimationOptions options;
    options.scale = requestedScale;
    options.minPositive = true;
    const Decimation d = decimate(s, xMin, xMax, buckets, options);

    // Output: strictly ascending indices.
    for (std::size_t i = 1; i < d.indices.size(); ++i)
        QVERIFY2(d.indices[i - 1] < d.indices[i], "indices must ascend");
    QCOMPARE(d.x.size(), d.indices.size());
    QCOMPARE(d.y.size(), d.indices.size());
    for (std::size_t k = 0; k < d.indices.size(); ++k) {
        const std::size_t i = d.indices[k];
        QVERIFY(i < s.size());
        QVERIFY2(!std::isnan(s.y(i)), "NaN is never drawn");
        QCOMPARE(d.x[k], s.x(i));
        QCOMPARE(d.y[k], s.y(i));
    }

    struct Bucket
    {
        std::optional<std::size_t> first, last;
        double min = kInf, max = -kInf;
        bool posInf = false, negInf = false;
        int kept = 0;
        double keptMin = kInf, keptMax = -kInf;
        std::set<std::size_t> keptSet;
    };
    std::vector<Bucket> bk(static_cast<std::size_t>(buckets));
    std::size_t visible = 0, nans = 0, infs = 0;
    double yMin = kInf, yMax = -kInf, yMinPositive = kInf;
    std::optional<std::size_t> before, after;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const double x = s.x(i), y = s.y(i);
        if (x < xMin) {
            if (!std::isnan(y))
                before = i;
            continue;
        }
        if (x > xMax) {
            if (!after && !std::isnan(y))
                after = i;
            continue;
        }
        ++visible;
        if (std::isnan(y)) {
            ++nans;
            continue;
        }
        auto& b = bk[std::size_t(bruteBucket(x, xMin, xMax, buckets, scale))];
        if (!b.first)
            b.first = i;
        b.last = i;
        if (std::isinf(y)) {
            ++infs;
            (y > 0 ? b.posInf : b.negInf) = true;
            continue;
        }
        b.min = std::min(b.min, y);
        b.max = std::max(b.max, y);
        yMin = std::min(yMin, y);
        yMax = std::max(yMax, y);
        if (y > 0)
            yMinPositive = std::min(yMinPositive, y);
    }
    QCOMPARE(d.visible.size(), visible);
    QCOMPARE(d.nanCount, nans);
    QCOMPARE(d.infCount, infs);
    if (yMin <= yMax) {
        QVERIFY(d.yMin && d.yMax);
        QCOMPARE(*d.yMin, yMin);
        QCOMPARE(*d.yMax, yMax);
    } else {
        QVERIFY(!d.yMin && !d.yMax);
    }
    if (std::isfinite(yMinPositive)) {
        QVERIFY(d.yMinPositive);
        QCOMPARE(*d.yMinPositive, yMinPositive);
    } else {
        QVERIFY(!d.yMinPositive);
    }

    std::size_t outsideBefore = 0, outsideAfter = 0;
    for (const std::size_t i : d.indices) {
        const double x = s.x(i), y = s.y(i);
        if (x < xMin) {
            ++outsideBefore;
            QCOMPARE(std::optional<std::size_t>(i), before); // the nearest drawable point before the range
            continue;
        }
        if (x > xMax) {
            ++outsideAfter;
            QCOMPARE(std::optional<std::size_t>(i), after);
            continue;
        }
        auto& b = bk[std::size_t(bruteBucket(x, xMin, xMax, buckets, scale))];
        ++b.kept;
        b.keptSet.insert(i);
        if (std::isfinite(y)) {
            b.keptMin = std::min(b.keptMin, y);
            b.keptMax = std::max(b.keptMax, y);
        }
    }
    QCOMPARE(outsideBefore, std::size_t(before ? 1 : 0));
    QCOMPARE(outsideAfter, std::size_t(after ? 1 : 0));

    for (const auto& b : bk) {
        if (!b.first) {
            QCOMPARE(b.kept, 0);
            continue;
        }
        QVERIFY2(b.keptSet.count(*b.first), "a bucket's first point is kept");
        QVERIFY2(b.keptSet.count(*b.last), "a bucket's last point is kept");
        QCOMPARE(b.keptMin, b.min); // its smallest finite value...
        QCOMPARE(b.keptMax, b.max); // ...and its largest
        bool keptPosInf = false, keptNegInf = false;
        for (const std::size_t i : b.keptSet) {
            keptPosInf |= s.y(i) == kInf;
            keptNegInf |= s.y(i) == -kInf;
        }
        QCOMPARE(keptPosInf, b.posInf);
        QCOMPARE(keptNegInf, b.negInf);
        QVERIFY(b.kept <= 6);
    }

    // Band edges keep exactly one point per bucket: its largest (or smallest) finite value.
    for (const auto mode : {DecimationMode::Upper, DecimationMode::Lower}) {
        DecimationOptions edge;
        edge.scale = requestedScale;
        edge.mode = mode;
        const Decimation e = decimate(s, xMin, xMax, buckets, edge);
        std::vector<double> expected;
        for (const auto& b : bk) {
            if (b.min <= b.max)
                expected.push_back(mode == DecimationMode::Upper ? b.max : b.min);
        }
        std::vector<double> got;
        for (const std::size_t i : e.indices)
            got.push_back(s.y(i));
        QCOMPARE(got, expected);
    }
}

// A random history: sorted x with repeats, plateaus, spikes, and some NaN and ±inf values.
MetricSeries randomSeries(std::mt19937& rng, std::size_t n)
{
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::vector<double> x(n), y(n);
    double at = std::floor(unit(rng) * 10) - 3; // some negative x too
    double level = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        const double r = unit(rng);
        if (r > 0.15) // 15 % repeat the previous x (re-logged steps)
            at += r < 0.9 ? 1.0 : std::floor(unit(rng) * 50) + 1;
        x[i] = at;
        level += unit(rng) - 0.5;
        const double kind = unit(rng);
        y[i] = kind < 0.03 ? kNaN
            : kind < 0.04  ? kInf
            : kind < 0.05  ? -kInf
            : kind < 0.08  ? level * 20 // spike
            : kind < 0.2   ? std::round(level) // plateaus and ties
                           : level;
    }
    return sorted(std::move(x), std::move(y));
}

} // namespace

class TestSeriesDecimation : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sortsStablyByX();
    void extremesMatchBruteForce();
    void decimationMatchesBruteForce();
    void decimationOfFixtureHistories();
    void decimationIsBoundedByWidth();
    void nearestPoint();
    void quantiles();
    void quantileRangeSamples();
    void alignOnAxes();
    void alignOnAnotherMetric();
    void groupMinMaxAndSigma();
};

void TestSeriesDecimation::sortsStablyByX()
{
    // Logging order with repeated steps, an out-of-order step and a NaN x (e.g. an unmatched join).
    const std::vector<double> x {5, 1, 3, 1, kNaN, 3, 0};
    const std::vector<double> y {50, 10, 30, 11, 99, 31, 0};
    std::vector<std::uint32_t> order;
    const MetricSeries s = MetricSeries::fromUnsorted(x, y, &order);
    QCOMPARE(s.xs(), (std::vector<double> {0, 1, 1, 3, 3, 5}));
    QCOMPARE(s.ys(), (std::vector<double> {0, 10, 11, 30, 31, 50})); // equal x keep logging order
    QCOMPARE(order, (std::vector<std::uint32_t> {6, 1, 3, 2, 5, 0}));

    const MetricSeries smoothed = s.withY({1, 2, 3, 4, 5, 6});
    QCOMPARE(smoothed.sharedX().get(), s.sharedX().get()); // x is shared, not copied
    QCOMPARE(s.indexRange(1, 3).first, std::size_t(1));
    QCOMPARE(s.indexRange(1, 3).last, std::size_t(5));
    QVERIFY(s.indexRange(4, 2).empty());
}

void TestSeriesDecimation::extremesMatchBruteForce()
{
    std::mt19937 rng(7);
    for (const std::size_t n : {std::size_t(1), std::size_t(15), std::size_t(16), std::size_t(17), std::size_t(300),
             std::size_t(4096), std::size_t(70001)}) {
        const MetricSeries s = randomSeries(rng, n);
        std::uniform_int_distribution<std::size_t> pick(0, n);
        for (int trial = 0; trial < 300; ++trial) {
            std::size_t a = pick(rng), b = pick(rng);
            if (a > b)
                std::swap(a, b);
            double lo = kInf, hi = -kInf;
            std::size_t nans = 0;
            for (std::size_t i = a; i < b; ++i) {
                nans += std::isnan(s.y(i));
                if (std::isfinite(s.y(i))) {
                    lo = std::min(lo, s.y(i));
                    hi = std::max(hi, s.y(i));
                }
            }
            const auto e = s.finiteExtremes({a, b});
            QCOMPARE(bool(e), lo <= hi);
            if (e) {
                QVERIFY(e->min >= a && e->min < b && e->max >= a && e->max < b);
                QCOMPARE(s.y(e->min), lo);
                QCOMPARE(s.y(e->max), hi);
            }
            QCOMPARE(s.nanCount({a, b}), nans);
        }
    }
}

void TestSeriesDecimation::decimationMatchesBruteForce()
{
    std::mt19937 rng(2024);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    for (int trial = 0; trial < 400; ++trial) {
        const std::size_t n = std::size_t(unit(rng) * unit(rng) * 6000);
        const MetricSeries s = randomSeries(rng, n);
        const double span = s.empty() ? 10 : s.xs().back() - s.xs().front() + 2;
        const double origin = s.empty() ? 0 : s.xs().front() - 1;
        double a = origin + unit(rng) * span;
        double b = origin + unit(rng) * span;
        if (trial % 5 == 0) { // the full range, as after a reset
            a = origin;
            b = origin + span;
        }
        if (a > b)
            std::swap(a, b);
        if (trial % 7 == 0) // a log axis needs a positive range
            a = std::max(a, 0.5);
        const int buckets = 1 + int(unit(rng) * (trial % 3 == 0 ? 20 : 400));
        const AxisScale scale = trial % 4 == 1 ? AxisScale::Log : AxisScale::Linear;
        checkDecimation(s, a, std::max(a, b), buckets, scale);
        if (QTest::currentTestFailed()) {
            qWarning("trial %d: n=%zu range=[%g, %g] buckets=%d", trial, n, a, b, buckets);
            return;
        }
    }
    // Degenerate inputs.
    checkDecimation(MetricSeries(), 0, 1, 10, AxisScale::Linear);
    checkDecimation(sorted({3, 3, 3}, {1, kNaN, 2}), 3, 3, 5, AxisScale::Linear); // a zero-width range
    checkDecimation(sorted({1, 2, 3}, {kNaN, kNaN, kNaN}), 0, 5, 2, AxisScale::Linear);
}

void TestSeriesDecimation::decimationOfFixtureHistories()
{
    const auto resnet = fixtureHistories("resnet50-baseline");
    const auto weird = fixtureHistories("nan-inf-values");
    QVERIFY(resnet.count("train/loss") && weird.count("weird_values"));
    QCOMPARE(resnet.at("train/loss").size(), std::size_t(3000));
    for (const auto* history :
        {&resnet.at("train/loss"), &resnet.at("lr"), &resnet.at("weird_steps"), &weird.at("weird_values")}) {
        const AlignedSeries aligned = alignHistory(*history, XAxisKind::Step);
        const auto& s = aligned.series;
        QCOMPARE(s.size(), history->size());
        for (const int buckets : {1, 7, 100, 1400}) {
            checkDecimation(s, s.xs().front(), s.xs().back(), buckets, AxisScale::Linear);
            checkDecimation(s, s.xs().front() + 10, s.xs().front() + 500, buckets, AxisScale::Linear);
            checkDecimation(s, 1, s.xs().back(), buckets, AxisScale::Log);
        }
    }
    // weird_values: 1, NaN, +inf, -inf, 0, ... — the NaN is counted, the infinities kept for the axis edge.
    const AlignedSeries w = alignHistory(weird.at("weird_values"), XAxisKind::Step);
    const Decimation d = decimate(w.series, 0, 8, 1000);
    QCOMPARE(d.nanCount, std::size_t(1));
    QCOMPARE(d.infCount, std::size_t(2));
    QCOMPARE(d.indices.size(), w.series.size() - 1);
}

void TestSeriesDecimation::decimationIsBoundedByWidth()
{
    // A million noisy points over 1400 pixel columns keep at most 4 per column, whatever the zoom.
    std::mt19937 rng(1);
    std::normal_distribution<double> noise(0.0, 1.0);
    const std::size_t n = 1000000;
    std::vector<double> x(n), y(n);
    for (std::size_t i = 0; i < n; ++i) {
        x[i] = double(i);
        y[i] = std::sin(double(i) / 5000.0) + 0.1 * noise(rng);
    }
    y[123457] = 50; // a single spike must survive every zoom that shows it
    const MetricSeries s = sorted(std::move(x), std::move(y));
    for (const double width : {1e6, 1e5, 1e3, 50.0}) {
        const double a = 123457 - width / 3;
        const Decimation d = decimate(s, a, a + width, 1400);
        QVERIFY(d.indices.size() <= 4 * 1400 + 2);
        QVERIFY(std::find(d.indices.begin(), d.indices.end(), std::size_t(123457)) != d.indices.end());
        QCOMPARE(*d.yMax, 50.0);
        if (width <= 1400) // fewer points than columns: every one is drawn
            QCOMPARE(d.indices.size(), d.visible.size() + 2);
    }
}

void TestSeriesDecimation::nearestPoint()
{
    const MetricSeries s = sorted({0, 10, 10, 20, 30}, {1, 2, 3, kNaN, 5});
    QCOMPARE(s.nearest(-5), std::optional<std::size_t>(0));
    QCOMPARE(s.nearest(9), std::optional<std::size_t>(2)); // the last value logged at step 10
    QCOMPARE(s.nearest(10), std::optional<std::size_t>(2));
    QCOMPARE(s.nearest(14), std::optional<std::size_t>(2));
    QCOMPARE(s.nearest(16), std::optional<std::size_t>(3)); // NaN is reported, not skipped
    QCOMPARE(s.nearest(25), std::optional<std::size_t>(3)); // a tie goes to the earlier point
    QCOMPARE(s.nearest(99), std::optional<std::size_t>(4));
    QVERIFY(!MetricSeries().nearest(1));
}

void TestSeriesDecimation::quantiles()
{
    // numpy.percentile([1, 2, 3, 4], [5, 50, 95]) == [1.15, 2.5, 3.85]; non-finite values are ignored.
    std::vector<double> v {4, kNaN, 2, kInf, 1, 3, -kInf};
    QCOMPARE(*quantile(v, 0.05), 1.15);
    QCOMPARE(*quantile(v, 0.5), 2.5);
    QCOMPARE(*quantile(v, 0.95), 3.85);
    QCOMPARE(*quantile(v, 0.0), 1.0);
    QCOMPARE(*quantile(v, 1.0), 4.0);
    std::vector<double> one {7};
    QCOMPARE(*quantile(one, 0.3), 7.0);
    std::vector<double> none {kNaN};
    QVERIFY(!quantile(none, 0.5));
}

void TestSeriesDecimation::quantileRangeSamples()
{
    // 0..100 with 50 replaced by a huge outlier: sorted, index 5 is 5 and index 95 is 96 (50 moved to
    // the end); the 5–95 % range ignores the outlier. Only the visible part counts.
    std::vector<double> x(101), y(101);
    for (int i = 0; i <= 100; ++i) {
        x[std::size_t(i)] = i;
        y[std::size_t(i)] = i;
    }
    y[50] = 1e9;
    const MetricSeries s = sorted(x, y);
    const auto r = quantileRange({{&s, s.indexRange(0, 100)}}, 0.05, 0.95);
    QVERIFY(r);
    QCOMPARE(r->first, 5.0);
    QCOMPARE(r->second, 96.0);
    const auto part = quantileRange({{&s, s.indexRange(0, 10)}}, 0.0, 1.0);
    QCOMPARE(part->second, 10.0);
    // Beyond maxSamples a stride keeps the estimate close.
    const auto sampled = quantileRange({{&s, s.indexRange(0, 100)}}, 0.05, 0.95, 20);
    QVERIFY(std::abs(sampled->first - 5.0) <= 5.0 && std::abs(sampled->second - 96.0) <= 5.0);
}

void TestSeriesDecimation::alignOnAxes()
{
    // lr was logged at steps 0, 1000, 1000, 2000 (two values at step 1000, one ms apart).
    const auto lr = fixtureHistories("resnet50-baseline").at("lr");
    QCOMPARE(lr.size(), std::size_t(4));
    const AlignedSeries bySteps = alignHistory(lr, XAxisKind::Step);
    QCOMPARE(bySteps.series.xs(), (std::vector<double> {0, 1000, 1000, 2000}));
    QCOMPARE(bySteps.series.ys(), (std::vector<double> {0.1, 0.1, 0.05, 0.01}));
    QCOMPARE(bySteps.source, (std::vector<std::uint32_t> {0, 1, 2, 3}));

    const AlignedSeries wall = alignHistory(lr, XAxisKind::WallTime);
    QCOMPARE(wall.series.x(0), double(lr[0].timestamp));
    const AlignedSeries relative = alignHistory(lr, XAxisKind::RelativeTime);
    QCOMPARE(relative.series.xs(), (std::vector<double> {0.0, 1.0, 1.001, 2.0}));
    const AlignedSeries fromOrigin = alignHistory(lr, XAxisKind::RelativeTime, nullptr, lr[0].timestamp - 500);
    QCOMPARE(fromOrigin.series.x(0), 0.5);

    // Steps beyond 2^53 (weird_steps logs 9007199254740993) still sort; x is the nearest double.
    const AlignedSeries weird = alignHistory(fixtureHistories("resnet50-baseline").at("weird_steps"), XAxisKind::Step);
    QCOMPARE(weird.series.xs(), (std::vector<double> {-5, 3, 9007199254740992.0}));
    QCOMPARE(weird.source, (std::vector<std::uint32_t> {0, 2, 1}));
}

void TestSeriesDecimation::alignOnAnotherMetric()
{
    // train/loss against train/accuracy, joined on step (3000 points each in the fixture).
    const auto h = fixtureHistories("resnet50-baseline");
    const auto& loss = h.at("train/loss");
    const auto& accuracy = h.at("train/accuracy");
    const AlignedSeries a = alignHistory(loss, XAxisKind::Metric, &accuracy);
    QCOMPARE(a.series.size(), loss.size());
    QCOMPARE(a.unmatched, std::size_t(0));
    for (std::size_t i = 0; i < a.series.size(); i += 97) {
        const auto& p = loss[a.source[i]];
        QCOMPARE(a.series.y(i), p.value);
        QCOMPARE(a.series.x(i), accuracy[std::size_t(p.step)].value); // accuracy logged once per step 0..2999
    }
    // Several x values at a step: the latest by timestamp wins; steps without one are left out.
    const std::vector<MetricPoint> y {{100, 1.0, 0}, {101, 2.0, 1}, {102, 3.0, 2}};
    const std::vector<MetricPoint> x {{200, 0.7, 1}, {100, 0.5, 1}, {300, kNaN, 2}, {50, 0.25, 0}};
    const AlignedSeries j = alignHistory(y, XAxisKind::Metric, &x);
    QCOMPARE(j.series.xs(), (std::vector<double> {0.25, 0.7}));
    QCOMPARE(j.series.ys(), (std::vector<double> {1.0, 2.0}));
    QCOMPARE(j.unmatched, std::size_t(1));
    QCOMPARE(alignHistory(y, XAxisKind::Metric, nullptr).unmatched, std::size_t(3));
}

void TestSeriesDecimation::groupMinMaxAndSigma()
{
    // Three trials of the fixture sweep, logged at the same steps: aggregation is exact there.
    const std::vector<std::string> names {"trial-0", "trial-1", "trial-2"};
    std::vector<AlignedSeries> aligned;
    for (const auto& name : names)
        aligned.push_back(alignHistory(fixtureHistories(name).at("loss"), XAxisKind::Step));
    std::vector<const MetricSeries*> members;
    for (const auto& a : aligned)
        members.push_back(&a.series);
    const SeriesBand minMax = aggregateSeries(members, BandKind::MinMax);
    const SeriesBand sigma = aggregateSeries(members, BandKind::StdDev);
    QCOMPARE(minMax.mean.size(), std::size_t(20));
    for (std::size_t i = 0; i < 20; ++i) {
        const double v0 = aligned[0].series.y(i), v1 = aligned[1].series.y(i), v2 = aligned[2].series.y(i);
        const double mean = (v0 + v1 + v2) / 3;
        QCOMPARE(minMax.mean.y(i), mean);
        QCOMPARE(minMax.lower.y(i), std::min({v0, v1, v2}));
        QCOMPARE(minMax.upper.y(i), std::max({v0, v1, v2}));
        const double sd
            = std::sqrt(((v0 - mean) * (v0 - mean) + (v1 - mean) * (v1 - mean) + (v2 - mean) * (v2 - mean)) / 3);
        QVERIFY(std::abs(sigma.upper.y(i) - (mean + sd)) < 1e-12);
        QVERIFY(std::abs(sigma.lower.y(i) - (mean - sd)) < 1e-12);
        QCOMPARE(minMax.counts[i], 3u);
    }
    // Different steps: interpolation inside a member's range, nothing outside it; NaN is skipped.
    const MetricSeries a = sorted({0, 10}, {0, 10});
    const MetricSeries b = sorted({5, 6, 20}, {1, kNaN, 3});
    const SeriesBand g = aggregateSeries({&a, &b}, BandKind::MinMax);
    QCOMPARE(g.mean.xs(), (std::vector<double> {0, 5, 10, 20}));
    QCOMPARE(g.counts, (std::vector<std::uint32_t> {1, 2, 2, 1}));
    const double bAt10 = 1 + (3 - 1) * (10 - 5) / 15.0;
    QCOMPARE(g.mean.ys(), (std::vector<double> {0, 3, (10 + bAt10) / 2, 3}));
    QCOMPARE(g.lower.ys(), (std::vector<double> {0, 1, bAt10, 3}));
    QCOMPARE(g.upper.ys(), (std::vector<double> {0, 5, 10, 3}));
}

QTEST_GUILESS_MAIN(TestSeriesDecimation)
#include "tst_seriesdecimation.moc"
