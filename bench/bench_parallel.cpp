// SPDX-License-Identifier: Apache-2.0
// bench_parallel: a parallel-coordinates view of 10,000 runs x 20 axes (numeric, log and categorical
// params, metrics with missing values). Times a full render of the line cache, an overlay-only repaint
// (what a mouse move costs: cached image + hover line + brush bands; through the platform's repaint,
// and the widget's own paint into an image), the hover hit test, and a brush
// change (re-filtering every run). The reference is filling an image of the same size with one colour.
// The line cache is drawn on a worker thread: for a brush change it also prints the GUI thread's share
// (the call plus one event-loop pass, which hands the job over) and the time until the new image is on
// screen. New runs are placed on a worker too: for setRuns it prints what the call costs the GUI
// thread, the longest the GUI thread went without serving its event loop until the new image showed
// (a 1 ms timer measures the gaps), the pure build the worker runs, the swap on the GUI thread, and
// the times until the runs are applied and drawn. The reference is the synchronous path
// (setRunsNow: the build, the swap and the layout on the GUI thread, as setRuns did before).
//
//   bench_parallel [--runs 10000] [--axes 20] [--repeat 9] [--width 1600] [--height 900] [--save]
//
// Figures are medians of --repeat passes after one untimed warm-up. Nothing asserts on time.

#include "parallelcoordinatesview.h"

#include <QApplication>
#include <QEventLoop>
#include <QImage>
#include <QMouseEvent>
#include <QTimer>

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

int argInt(int argc, char** argv, const char* name, int fallback)
{
    for (int i = 1; i + 1 < argc; ++i) {
        if (std::strcmp(argv[i], name) == 0)
            return std::atoi(argv[i + 1]);
    }
    return fallback;
}

// A sweep: half the axes params (every fourth categorical), half metrics (one run in twenty without).
RunListSnapshot makeRuns(int runs, int axes)
{
    std::mt19937 rng(42);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    const char* choices[] = {"adam", "adamw", "sgd", "rmsprop", "lion", "adagrad"};
    auto list = std::make_shared<RunList>();
    list->runs.reserve(static_cast<std::size_t>(runs));
    const int params = axes / 2;
    for (int r = 0; r < runs; ++r) {
        Run run;
        run.info.runId = "run" + std::to_string(r);
        run.info.runName = run.info.runId;
        for (int p = 0; p < params; ++p) {
            std::string value
                = p % 4 == 0 ? std::string(choices[rng() % 6]) : std::to_string(std::pow(10.0, -6.0 + 6.0 * unit(rng)));
            run.params.push_back({"p" + std::to_string(10 + p), value});
        }
        for (int m = 0; m < axes - params; ++m) {
            if (unit(rng) < 0.05)
                continue;
            run.metrics.push_back({"m" + std::to_string(10 + m), {0, unit(rng) * (m + 1), 0}});
        }
        list->runs.push_back(std::move(run));
    }
    return list;
}

// Runs the event loop until the view's line image shows the current state.
void waitForLines(ParallelCoordinatesView& view)
{
    if (!view.lineCachePending())
        return;
    QEventLoop loop;
    QObject::connect(&view, &ParallelCoordinatesView::lineCacheReady, &loop, &QEventLoop::quit);
    loop.exec();
}

// Runs the event loop until the view has placed the runs given to setRuns().
void waitForRuns(ParallelCoordinatesView& view)
{
    if (!view.runsPending())
        return;
    QEventLoop loop;
    QObject::connect(&view, &ParallelCoordinatesView::runsApplied, &loop, &QEventLoop::quit);
    loop.exec();
}

// The longest stretch the GUI thread spent without serving its event loop, by a 1 ms timer.
class StallMeter
{
public:
    StallMeter()
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(1);
        QObject::connect(&m_timer, &QTimer::timeout, [this] {
            m_worst = std::max(m_worst, msSince(m_last));
            m_last = Clock::now();
        });
    }
    void start()
    {
        m_worst = 0;
        m_last = Clock::now();
        m_timer.start();
    }
    double stop()
    {
        m_worst = std::max(m_worst, msSince(m_last));
        m_timer.stop();
        return m_worst;
    }

private:
    QTimer m_timer;
    Clock::time_point m_last;
    double m_worst = 0;
};

} // namespace

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const int runs = argInt(argc, argv, "--runs", 10000);
    const int axes = argInt(argc, argv, "--axes", 20);
    const int repeat = std::max(1, argInt(argc, argv, "--repeat", 9));
    const int width = argInt(argc, argv, "--width", 1600);
    const int height = argInt(argc, argv, "--height", 900);
    std::printf("bench_parallel: %d runs x %d axes, %dx%d view, median of %d\n", runs, axes, width, height, repeat);

    auto start = Clock::now();
    const RunListSnapshot list = makeRuns(runs, axes);
    std::printf("  generate runs:                     %8.2f ms\n", msSince(start));

    ParallelCoordinatesView view;
    view.resize(width, height);
    start = Clock::now();
    view.setRunsNow(list); // default axes: all of them vary
    const double setRunsMs = msSince(start);
    std::printf(
        "  setRunsNow (axes, positions, layout): %8.2f ms, %d axes shown\n", setRunsMs, view.model().axisCount());
    view.setAxisScale(1, ParallelAxisScale::Log);
    view.show();
    QCoreApplication::processEvents();

    std::vector<double> fillMs, cacheMs, overlayMs, frameMs, hoverMs, brushMs;
    QImage frame(view.size(), QImage::Format_ARGB32_Premultiplied);
    QImage reference(view.size() * view.devicePixelRatio(), QImage::Format_ARGB32_Premultiplied);
    std::mt19937 rng(1);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    for (int pass = 0; pass <= repeat; ++pass) {
        auto t = Clock::now();
        reference.fill(pass % 2 ? Qt::white : Qt::lightGray);
        const double fill = msSince(t);

        t = Clock::now();
        view.renderLineCache();
        const double cache = msSince(t);

        // A mouse move over the lines: hit test, then a repaint that only adds the overlay.
        const QPointF where(view.pointAt(3, 0.0).x() + 17.0, view.pointAt(3, 0.2 + 0.6 * unit(rng)).y());
        QMouseEvent move(QEvent::MouseMove, where, view.mapToGlobal(where), Qt::NoButton, Qt::NoButton, Qt::NoModifier);
        QCoreApplication::sendEvent(&view, &move);
        t = Clock::now();
        view.repaint();
        const double overlay = msSince(t);
        // The same paint into an image: the widget's own work, without the platform's flush.
        t = Clock::now();
        view.render(&frame);
        const double framePaint = msSince(t);

        t = Clock::now();
        QString hit;
        for (int i = 0; i < 100; ++i)
            hit = view.runAt(where + QPointF(i % 10, i / 10));
        const double hover = msSince(t) / 100;

        // A brush change: every run re-tested against every brush (the cache re-render is deferred).
        t = Clock::now();
        AxisBrush brush;
        brush.low = 0.2 * unit(rng);
        brush.high = brush.low + 0.5;
        view.setBrush(axes - 1, brush);
        const double brushChange = msSince(t);
        view.clearBrushes();

        if (pass == 0)
            continue;
        fillMs.push_back(fill);
        cacheMs.push_back(cache);
        overlayMs.push_back(overlay);
        frameMs.push_back(framePaint);
        hoverMs.push_back(hover);
        brushMs.push_back(brushChange);
    }
    const double ref = median(fillMs);
    std::printf("\n  %-44s %10s %12s\n", "", "median ms", "x fill ref");
    std::printf("  %-44s %10.3f %12.1f\n", "reference: fill the view-sized image", ref, 1.0);
    std::printf(
        "  %-44s %10.3f %12.1f\n", "full line-cache render (all runs, axes)", median(cacheMs), median(cacheMs) / ref);
    std::printf(
        "  %-44s %10.3f %12.1f\n", "overlay-only repaint (mouse move)", median(overlayMs), median(overlayMs) / ref);
    std::printf(
        "  %-44s %10.3f %12.1f\n", "  the same paint into an image (no flush)", median(frameMs), median(frameMs) / ref);
    std::printf("  %-44s %10.3f %12.1f\n", "hover hit test (one position)", median(hoverMs), median(hoverMs) / ref);
    std::printf("  %-44s %10.3f %12.1f\n", "brush change (filter all runs)", median(brushMs), median(brushMs) / ref);

    // Off the GUI thread: what a brush change costs the GUI thread, and how long until the new image
    // shows.
    std::vector<double> brushGuiMs, brushReadyMs;
    for (int pass = 0; pass <= repeat; ++pass) {
        waitForLines(view);
        auto t = Clock::now();
        AxisBrush brush;
        brush.low = 0.2 * unit(rng);
        brush.high = brush.low + 0.5;
        view.setBrush(axes - 1, brush);
        QCoreApplication::processEvents();
        const double brushGui = msSince(t);
        waitForLines(view);
        const double brushReady = msSince(t);
        view.clearBrushes();
        if (pass == 0)
            continue;
        brushGuiMs.push_back(brushGui);
        brushReadyMs.push_back(brushReady);
    }
    std::printf("\n  line cache drawn on a worker thread:\n");
    std::printf("  %-52s %10.3f\n", "brush change: GUI thread", median(brushGuiMs));
    std::printf("  %-52s %10.3f\n", "brush change: until the new image is ready", median(brushReadyMs));

    // New runs (the same 10,000 again, as a refresh delivers them), with a brush that carries over.
    // Reference: the synchronous path, everything on the GUI thread.
    std::vector<double> syncMs, syncStallMs, callMs, stallMs, appliedMs, readyMs, buildMs, swapMs;
    StallMeter meter;
    AxisBrush kept;
    kept.low = 0.1;
    kept.high = 0.6;
    view.setBrush(axes - 1, kept);
    for (int pass = 0; pass <= repeat; ++pass) {
        waitForLines(view);
        meter.start();
        auto t = Clock::now();
        view.setRunsNow(list);
        const double sync = msSince(t);
        waitForLines(view);
        const double syncStall = meter.stop();

        meter.start();
        t = Clock::now();
        view.setRuns(list);
        const double call = msSince(t);
        waitForRuns(view);
        const double applied = msSince(t);
        waitForLines(view);
        const double ready = msSince(t);
        const double stall = std::max(call, meter.stop());

        // The two halves on their own: the pure build (what the worker runs) and the swap.
        ParallelCoordinatesModel model;
        const auto input = model.buildInput(list, ParallelCoordinatesModel::AxisChoice::Default);
        t = Clock::now();
        ParallelCoordinatesModel::BuildResult built = ParallelCoordinatesModel::build(input);
        const double build = msSince(t);
        t = Clock::now();
        model.apply(std::move(built));
        const double swap = msSince(t);
        if (pass == 0)
            continue;
        syncMs.push_back(sync);
        syncStallMs.push_back(syncStall);
        callMs.push_back(call);
        stallMs.push_back(stall);
        appliedMs.push_back(applied);
        readyMs.push_back(ready);
        buildMs.push_back(build);
        swapMs.push_back(swap);
    }
    std::printf("\n  new runs (%d x %d axes, a brush kept):\n", runs, axes);
    std::printf("  %-52s %10.3f\n", "reference: setRunsNow, synchronous (GUI thread)", median(syncMs));
    std::printf("  %-52s %10.3f\n", "reference: longest GUI stall until drawn", median(syncStallMs));
    std::printf("  %-52s %10.3f\n", "setRuns: the call (GUI thread)", median(callMs));
    std::printf("  %-52s %10.3f\n", "setRuns: longest GUI stall until drawn", median(stallMs));
    std::printf("  %-52s %10.3f\n", "setRuns: until applied (runsApplied)", median(appliedMs));
    std::printf("  %-52s %10.3f\n", "setRuns: until the new image is ready", median(readyMs));
    std::printf("  %-52s %10.3f\n", "worker: ParallelCoordinatesModel::build", median(buildMs));
    std::printf("  %-52s %10.3f\n", "GUI: ParallelCoordinatesModel::apply (the swap)", median(swapMs));
    if (argc > 1 && std::strcmp(argv[argc - 1], "--save") == 0)
        view.grab().save(QStringLiteral("/tmp/bench_parallel.png"));
    return 0;
}
