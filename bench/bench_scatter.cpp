// SPDX-License-Identifier: Apache-2.0
// bench_scatter: a scatter plot of a sweep of N runs (default 20,000; half the dots in one dense
// cluster). Times turning the runs into points (ScatterData::build), listing the numeric fields, the
// view's layout with its hit-test grid (setData), one full paint of the plot into an image, and
// finding the dot under the pointer: through the grid (what a mouse move costs) against a scan of
// every point (the reference).
//
//   bench_scatter [--runs 20000] [--repeat 9] [--width 1200] [--height 800]
//
// Figures are medians of --repeat passes after one untimed warm-up. Nothing asserts on time.

#include "scatterdata.h"
#include "scatterplotview.h"

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

// A sweep: lr and depth params, three metrics; one in twenty runs still lacks val_loss.
RunListSnapshot makeSweep(int runs)
{
    std::mt19937 rng(1234);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    auto list = std::make_shared<RunList>();
    list->runs.reserve(std::size_t(runs));
    for (int i = 0; i < runs; ++i) {
        Run run;
        run.info.runId = "run" + std::to_string(i);
        run.info.runName = "sweep-" + std::to_string(i);
        run.info.startTime = 1735689600000 + std::int64_t(i) * 60000;
        run.info.endTime = *run.info.startTime + std::int64_t(unit(rng) * 3.6e6);
        const bool cluster = i % 2 == 0;
        const double lr = cluster ? 1e-3 * (1.0 + 0.05 * unit(rng)) : std::pow(10.0, -5.0 + 4.0 * unit(rng));
        const double loss
            = cluster ? 0.3 + 0.01 * unit(rng) : 0.2 + std::abs(std::log10(lr) + 3) * 0.2 + unit(rng) * 0.1;
        char lrText[32];
        std::snprintf(lrText, sizeof lrText, "%.6g", lr);
        run.params = {{"depth", std::to_string(2 + i % 10)}, {"lr", lrText}};
        run.metrics = {{"train_loss", {0, loss * 0.8, 10}}, {"val_acc", {0, 1.0 - loss, 10}}};
        if (i % 20 != 0)
            run.metrics.push_back({"val_loss", {0, loss, 10}});
        list->runs.push_back(std::move(run));
    }
    return list;
}

int intArg(int argc, char** argv, const char* name, int fallback)
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
    qputenv(
        "QT_QPA_PLATFORM", qgetenv("QT_QPA_PLATFORM").isEmpty() ? QByteArray("offscreen") : qgetenv("QT_QPA_PLATFORM"));
    QApplication app(argc, argv);
    const int runs = intArg(argc, argv, "--runs", 20000);
    const int repeat = std::max(1, intArg(argc, argv, "--repeat", 9));
    const int width = intArg(argc, argv, "--width", 1200);
    const int height = intArg(argc, argv, "--height", 800);
    std::printf("bench_scatter: %d runs, %dx%d plot, median of %d\n", runs, width, height, repeat);

    const RunListSnapshot sweep = makeSweep(runs);
    const ScatterField x {ScatterFieldKind::Param, QStringLiteral("lr")};
    const ScatterField y {ScatterFieldKind::Metric, QStringLiteral("val_loss")};
    const ScatterField colour {ScatterFieldKind::Param, QStringLiteral("depth")};

    std::vector<double> buildMs, fieldsMs, layoutMs, paintMs, highlightMs, repaintMs;
    std::shared_ptr<const ScatterData> data;
    ScatterPlotView view;
    view.resize(width, height);
    QImage frame(view.size(), QImage::Format_ARGB32_Premultiplied);
    QSet<QString> selected;
    for (int i = 0; i < runs; i += 50)
        selected.insert(QStringLiteral("run%1").arg(i));
    for (int pass = 0; pass <= repeat; ++pass) {
        auto start = Clock::now();
        data = std::make_shared<const ScatterData>(ScatterData::build(sweep, x, y, colour, true, false));
        const double build = msSince(start);

        start = Clock::now();
        const QList<ScatterField> fields = ScatterData::numericFields(*sweep);
        const double listFields = msSince(start);

        start = Clock::now();
        view.setData(data);
        const double layout = msSince(start);

        start = Clock::now();
        {
            QPainter painter(&frame);
            view.render(painter, false);
        }
        const double paint = msSince(start);

        // A repaint while the pointer moves: the layer is drawn once, then each repaint is the
        // cached layer plus the hover ring.
        const ScatterPoint& middle = data->points()[data->points().size() / 2];
        view.hoverAt(view.dataToPixel(middle.x, middle.y));
        static_cast<QWidget&>(view).render(&frame);
        view.hoverAt(view.dataToPixel(middle.x, middle.y) + QPointF(1, 0));
        start = Clock::now();
        static_cast<QWidget&>(view).render(&frame);
        const double repaint = msSince(start);

        start = Clock::now();
        view.setHighlightedRuns(pass % 2 ? selected : QSet<QString> {});
        const double highlight = msSince(start);

        if (pass > 0) { // the first pass warms caches (sprites, fonts)
            buildMs.push_back(build);
            fieldsMs.push_back(listFields);
            layoutMs.push_back(layout);
            paintMs.push_back(paint);
            repaintMs.push_back(repaint);
            highlightMs.push_back(highlight);
        }
        if (fields.isEmpty())
            return 1;
    }
    std::printf("  points plotted %zu of %d (%d left out)\n", data->points().size(), runs, data->leftOutCount());
    std::printf("  ScatterData::build          %8.2f ms\n", median(buildMs));
    std::printf("  numericFields               %8.2f ms\n", median(fieldsMs));
    std::printf("  view layout + grid index    %8.2f ms\n", median(layoutMs));
    std::printf("  full paint (sprites)        %8.2f ms\n", median(paintMs));
    std::printf("  repaint, hover moving       %8.2f ms  (the drawn plot cached)\n", median(repaintMs));
    std::printf("  set highlighted runs        %8.2f ms\n", median(highlightMs));

    // The cost of a vector (SVG-style) paint, for comparison with the sprites.
    std::vector<double> vectorMs;
    for (int pass = 0; pass < std::max(1, repeat / 3); ++pass) {
        const auto start = Clock::now();
        QPainter painter(&frame);
        view.render(painter, true);
        vectorMs.push_back(msSince(start));
    }
    std::printf("  full paint (ellipses)       %8.2f ms\n", median(vectorMs));

    // Hit tests at random positions over the plot, many landing in the dense cluster.
    std::mt19937 rng(99);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    const QRectF plot = view.plotRect();
    std::vector<QPointF> positions(5000);
    for (QPointF& p : positions)
        p = QPointF(plot.left() + unit(rng) * plot.width(), plot.top() + unit(rng) * plot.height());
    std::vector<double> gridUs, scanUs;
    long agree = 0;
    for (int pass = 0; pass < repeat; ++pass) {
        auto start = Clock::now();
        long sum = 0;
        for (const QPointF& p : positions)
            sum += view.pointAt(p);
        gridUs.push_back(msSince(start) * 1000.0 / double(positions.size()));
        start = Clock::now();
        long reference = 0;
        for (const QPointF& p : positions)
            reference += view.pointAtByScan(p);
        scanUs.push_back(msSince(start) * 1000.0 / double(positions.size()));
        agree += sum == reference;
    }
    std::printf("  hit test, grid index        %8.2f us per mouse move\n", median(gridUs));
    std::printf("  hit test, scan (reference)  %8.2f us per mouse move\n", median(scanUs));
    std::printf("  grid and scan agree in %ld of %d passes\n", agree, repeat);
    return 0;
}
