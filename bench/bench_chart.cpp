// SPDX-License-Identifier: Apache-2.0
// bench_chart: a metric chart of 20 runs × 1,000,000-point histories. Times, per zoom level, the
// decimation of all 20 series to the chart's pixel columns, and one full frame after a zoom
// (decimate, refill the QLineSeries, paint the whole ~1400×800 chart into an image offscreen).
// The reference is a plain scan of the same visible y values: what any per-frame pass over the
// raw points would cost at least.
//
//   bench_chart [--runs 20] [--points 1000000] [--repeat 9] [--width 1400] [--height 800]
//
// Figures are medians of --repeat passes after one untimed warm-up. Nothing asserts on time.

#include "metricchartview.h"
#include "series/seriesalignment.h"
#include "series/seriesdecimation.h"

#include <QApplication>
#include <QImage>
#include <QPainter>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

using namespace runlens;

namespace {

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

// A training-like curve: decaying loss, a slow drift, noise and rare spikes.
HistoryPtr makeHistory(std::size_t points, unsigned seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<double> noise(0.0, 1.0);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::vector<MetricPoint> h(points);
    const double rate = 2.0 + seed % 7;
    double drift = 0.0;
    for (std::size_t i = 0; i < points; ++i) {
        const double t = double(i) / double(points);
        drift += noise(rng) * 1e-3;
        double v = 2.5 * std::exp(-rate * t) + 0.1 + drift + 0.05 * noise(rng);
        if (unit(rng) < 1e-5)
            v += 3.0;
        h[i] = {std::int64_t(1735689600000 + 50 * i), v, std::int64_t(i)};
    }
    return std::make_shared<const std::vector<MetricPoint>>(std::move(h));
}

int argInt(int argc, char** argv, const char* name, int fallback)
{
    for (int i = 1; i + 1 < argc; ++i) {
        if (std::strcmp(argv[i], name) == 0)
            return std::atoi(argv[i + 1]);
    }
    return fallback;
}

} // namespace

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const int runs = argInt(argc, argv, "--runs", 20);
    const std::size_t points = std::size_t(argInt(argc, argv, "--points", 1000000));
    const int repeat = std::max(1, argInt(argc, argv, "--repeat", 9));
    const int width = argInt(argc, argv, "--width", 1400);
    const int height = argInt(argc, argv, "--height", 800);

    std::printf("bench_chart: %d runs x %zu points, %dx%d chart, median of %d\n", runs, points, width, height, repeat);

    auto start = Clock::now();
    QList<ChartRun> chartRuns;
    for (int r = 0; r < runs; ++r) {
        ChartRun run;
        run.runId = QStringLiteral("run%1").arg(r);
        run.name = run.runId;
        run.colour = QColor::fromHsv((r * 360 / runs) % 360, 200, 200);
        run.histories.insert(QStringLiteral("loss"), makeHistory(points, unsigned(r + 1)));
        run.metricKeys = {QStringLiteral("loss")};
        chartRuns.append(run);
    }
    std::printf("  generate histories:             %8.1f ms\n", msSince(start));

    // The series as the chart holds them (aligned on steps, with their min/max index).
    start = Clock::now();
    std::vector<AlignedSeries> aligned;
    for (const ChartRun& run : chartRuns)
        aligned.push_back(alignHistory(*run.histories.value(QStringLiteral("loss")), XAxisKind::Step));
    std::printf("  align + index all series:       %8.1f ms (once per history, off the zoom path)\n", msSince(start));

    MetricChartView view;
    view.resize(width, height);
    view.setMetricKeys({QStringLiteral("loss")});
    start = Clock::now();
    view.setRuns(chartRuns);
    std::printf("  chart setRuns (prepare lines):  %8.1f ms\n", msSince(start));
    view.show();
    QCoreApplication::processEvents();
    view.flush();
    const int columns = int(std::ceil(view.chart()->plotArea().width()));
    std::printf("  plot area: %d pixel columns\n\n", columns);

    std::printf("  %-12s %12s %14s %14s %16s %10s\n", "visible", "points/run", "decimate(ms)", "scan ref(ms)",
        "zoom frame(ms)", "drawn/run");
    QImage frame(view.size(), QImage::Format_ARGB32_Premultiplied);
    const double n = double(points);
    for (const double fraction : {1.0, 0.1, 0.01, 0.001, 0.0001}) {
        const double span = (n - 1) * fraction;
        std::vector<double> decimateMs, scanMs, frameMs;
        std::size_t drawn = 0;
        for (int pass = 0; pass <= repeat; ++pass) {
            // Each pass looks at a slightly different window, as a zoom or pan does.
            const double lo = (n - 1 - span) * (0.3 + 0.01 * pass);
            const double hi = lo + span;

            auto t = Clock::now();
            std::size_t kept = 0;
            for (const auto& a : aligned)
                kept += decimate(a.series, lo, hi, columns).indices.size();
            const double dMs = msSince(t);

            t = Clock::now();
            double sum = 0;
            for (const auto& a : aligned) {
                const IndexRange r = a.series.indexRange(lo, hi);
                const auto& ys = a.series.ys();
                for (std::size_t i = r.first; i < r.last; ++i)
                    sum += ys[i];
            }
            const double sMs = msSince(t);
            if (sum == 1.2345) // keeps the scan from being optimised away
                std::printf(" ");

            // One frame after a zoom: decimate + refill every series, then paint the whole chart.
            t = Clock::now();
            view.setXRange(lo, hi);
            view.flush();
            const double refillMs = msSince(t);
            {
                QPainter painter(&frame);
                view.render(&painter);
            }
            const double fMs = msSince(t);
            if (std::getenv("BENCH_CHART_DETAIL"))
                std::printf("    refill %.2f ms, paint %.2f ms\n", refillMs, fMs - refillMs);
            if (pass == 0)
                continue; // warm-up
            decimateMs.push_back(dMs);
            scanMs.push_back(sMs);
            frameMs.push_back(fMs);
            drawn = kept / aligned.size();
        }
        std::printf("  %-12s %12.0f %14.2f %14.2f %16.2f %10zu\n",
            (std::to_string(fraction * 100).substr(0, 6) + " %").c_str(), span + 1, median(decimateMs), median(scanMs),
            median(frameMs), drawn);
    }
    if (argc > 1 && std::strcmp(argv[argc - 1], "--save") == 0)
        frame.save(QStringLiteral("/tmp/bench_chart.png"));
    return 0;
}
