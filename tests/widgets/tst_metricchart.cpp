// SPDX-License-Identifier: Apache-2.0
// The metric chart offscreen: grabs the widget and checks that the run's colour is drawn where the data
// says (and nowhere it is not), log axes, smoothing, legend hiding, zoom and re-decimation, hover,
// grouping, exports (CSV at full resolution, PNG and SVG that open), and the panel's on-demand loading.
#include "chartexport.h"
#include "metricchartpanel.h"
#include "metricchartview.h"

#include <nlohmann/json.hpp>

#include <QCheckBox>
#include <QFile>
#include <QImage>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QSvgRenderer>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QValueAxis>

#include <atomic>
#include <cmath>
#include <limits>
#include <map>

using namespace runlens;

namespace {

const QColor kRed(230, 25, 75);
const QColor kBlue(0, 90, 200);
const QColor kGreen(20, 160, 60);

// Metric histories MLflow itself read back from the file-store fixture, by run name and key.
std::map<std::string, std::vector<MetricPoint>> fixtureHistories(
    const std::string& runName, std::vector<KeyValue>* params = nullptr)
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
            if (params) {
                for (const auto& [k, v] : run["params"].items())
                    params->push_back({k, v.get<std::string>()});
            }
            for (const auto& [key, points] : run["metric_histories"].items()) {
                auto& history = out[key];
                for (const auto& p : points) {
                    MetricPoint point;
                    point.step = p[0].get<std::int64_t>();
                    point.timestamp = p[1].get<std::int64_t>();
                    if (p[2].is_string()) {
                        const auto text = p[2].get<std::string>();
                        point.value = text == "NaN" ? std::nan("")
                            : text == "Infinity"    ? std::numeric_limits<double>::infinity()
                                                    : -std::numeric_limits<double>::infinity();
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

HistoryPtr history(std::vector<MetricPoint> points)
{
    return std::make_shared<const std::vector<MetricPoint>>(std::move(points));
}

HistoryPtr generated(std::size_t n, const std::function<double(std::size_t)>& value)
{
    std::vector<MetricPoint> points(n);
    for (std::size_t i = 0; i < n; ++i)
        points[i] = {std::int64_t(1735689600000 + 1000 * i), value(i), std::int64_t(i)};
    return history(std::move(points));
}

ChartRun run(const QString& id, const QString& name, const QColor& colour, const QString& key, HistoryPtr h)
{
    ChartRun r;
    r.runId = id;
    r.name = name;
    r.colour = colour;
    r.histories.insert(key, std::move(h));
    r.metricKeys = {key};
    return r;
}

bool near(const QColor& a, const QColor& b, int tolerance)
{
    return std::abs(a.red() - b.red()) + std::abs(a.green() - b.green()) + std::abs(a.blue() - b.blue()) <= tolerance;
}

// Pixels of `colour` within `radius` of a point of the grabbed view.
int colouredPixels(const QImage& image, QPointF at, const QColor& colour, int radius = 3, int tolerance = 90)
{
    int count = 0;
    for (int y = int(at.y()) - radius; y <= int(at.y()) + radius; ++y) {
        for (int x = int(at.x()) - radius; x <= int(at.x()) + radius; ++x) {
            if (x >= 0 && y >= 0 && x < image.width() && y < image.height()
                && near(image.pixelColor(x, y), colour, tolerance))
                ++count;
        }
    }
    return count;
}

int colouredPixelsIn(const QImage& image, const QRect& rect, const QColor& colour, int tolerance = 90)
{
    int count = 0;
    const QRect r = rect.intersected(image.rect());
    for (int y = r.top(); y <= r.bottom(); ++y) {
        for (int x = r.left(); x <= r.right(); ++x)
            count += near(image.pixelColor(x, y), colour, tolerance);
    }
    return count;
}

// A grab in the coordinates plotAreaInView() and pointToView() use (the viewport's).
QImage grabViewport(MetricChartView& view)
{
    QImage image = view.grab().toImage();
    const QPoint offset = view.viewport()->pos();
    return image.copy(QRect(offset, view.viewport()->size()));
}

bool settle(MetricChartView& view, int after)
{
    return view.redrawCount() > after && !view.isRedrawPending();
}

} // namespace

class TestMetricChart : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void risingLineDrawnWhereDataSays();
    void logAxisStraightensExponential();
    void smoothingDrawsRawFaintly();
    void legendClickHidesRun();
    void zoomRedecimatesAtFullFidelity();
    void mouseZoomPanAndReset();
    void hoverListsEveryRun();
    void nanAndInfinityAtTheEdges();
    void ignoreOutliersClipsYRange();
    void groupsDrawMeanAndBand();
    void otherXAxes();
    void csvExportFullResolution();
    void imageExportsOpen();
    void panelGroupsByPrefixAndLoadsOffThread();
    void panelReportsFailedLoads();
    void panelSettingsPersist();
    void screenshot();
};

void TestMetricChart::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
}

void TestMetricChart::risingLineDrawnWhereDataSays()
{
    // val_accuracy of trial-0 rises from 0.08 to 0.95 over steps 0..19.
    const auto h = fixtureHistories("trial-0").at("val_accuracy");
    MetricChartView view;
    view.resize(800, 500);
    view.setMetricKeys({QStringLiteral("val_accuracy")});
    view.setRuns(
        {run(QStringLiteral("r0"), QStringLiteral("trial-0"), kRed, QStringLiteral("val_accuracy"), history(h))});
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QTRY_VERIFY(settle(view, 0));

    QCOMPARE(view.drawnPoints(QStringLiteral("r0"), QStringLiteral("val_accuracy")).size(), qsizetype(h.size()));
    const QImage image = grabViewport(view);
    const QRectF plot = view.plotAreaInView();
    QVERIFY(plot.width() > 500 && plot.height() > 250);
    const QPointF first = view.pointToView(0, h.front().value);
    const QPointF last = view.pointToView(19, h.back().value);
    QVERIFY(first.x() < plot.left() + plot.width() * 0.1 && first.y() > plot.bottom() - plot.height() * 0.1);
    QVERIFY(last.x() > plot.right() - plot.width() * 0.1 && last.y() < plot.top() + plot.height() * 0.1);
    QVERIFY(colouredPixels(image, first, kRed) > 0); // bottom-left
    QVERIFY(colouredPixels(image, last, kRed) > 0); // top-right
    for (std::size_t i = 0; i < h.size(); ++i) // every logged point is on the line
        QVERIFY2(colouredPixels(image, view.pointToView(double(h[i].step), h[i].value), kRed) > 0,
            qPrintable(QStringLiteral("step %1").arg(i)));
    // None where the line is not: top-left and bottom-right corners of the plot.
    QCOMPARE(colouredPixelsIn(image, QRectF(plot.topLeft(), plot.size() * 0.25).toRect(), kRed), 0);
    QCOMPARE(colouredPixelsIn(image,
                 QRectF(plot.bottomRight() - QPointF(plot.width() * 0.25, plot.height() * 0.25), plot.size() * 0.25)
                     .toRect(),
                 kRed),
        0);
}

void TestMetricChart::logAxisStraightensExponential()
{
    // y = 10^(step/100) for steps 0..300 is a straight line on a log y axis: its middle point
    // (150, 10^1.5) sits halfway between its ends, in pixels.
    const HistoryPtr h = generated(301, [](std::size_t i) { return std::pow(10.0, double(i) / 100.0); });
    MetricChartView view;
    view.resize(700, 450);
    view.setMetricKeys({QStringLiteral("growth")});
    view.setRuns({run(QStringLiteral("g"), QStringLiteral("growth"), kBlue, QStringLiteral("growth"), h)});
    ChartSettings settings;
    settings.logY = true;
    view.setSettings(settings);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QTRY_VERIFY(settle(view, 0));
    QVERIFY(qobject_cast<QLogValueAxis*>(view.chart()->axes(Qt::Vertical).value(0)));

    const QPointF a = view.pointToView(0, 1.0);
    const QPointF b = view.pointToView(300, 1000.0);
    const QPointF mid = view.pointToView(150, std::pow(10.0, 1.5));
    QVERIFY(std::abs(mid.y() - (a.y() + b.y()) / 2) < 1.0);
    const QImage image = grabViewport(view);
    QVERIFY(colouredPixels(image, mid, kBlue) > 0);
    // On a linear axis the same point would be near the bottom; nothing is drawn there.
    const QPointF linearMid((a.x() + b.x()) / 2, a.y() - (a.y() - b.y()) * (std::pow(10.0, 1.5) - 1) / 999.0);
    QCOMPARE(colouredPixels(image, linearMid, kBlue, 2), 0);

    // Log x too: steps 1..300 (step 0 has no place on a log axis and is left out).
    settings.logX = true;
    const int before = view.redrawCount();
    view.setSettings(settings);
    QTRY_VERIFY(settle(view, before));
    QVERIFY(view.xRange().first >= 1.0);
    QVERIFY(colouredPixels(grabViewport(view), view.pointToView(100, 10.0), kBlue) > 0);
}

void TestMetricChart::smoothingDrawsRawFaintly()
{
    // A zig-zag around a trend: EMA smooths it; the raw values stay visible, faintly.
    const HistoryPtr h = generated(200, [](std::size_t i) { return double(i) / 200.0 + (i % 2 ? 0.3 : -0.3); });
    MetricChartView view;
    view.resize(700, 450);
    view.setMetricKeys({QStringLiteral("loss")});
    view.setRuns({run(QStringLiteral("a"), QStringLiteral("run a"), kRed, QStringLiteral("loss"), h)});
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QTRY_VERIFY(settle(view, 0));
    QVERIFY(view.drawnLine(QStringLiteral("a"), QStringLiteral("loss")).raw.isEmpty());
    const auto raw = view.drawnPoints(QStringLiteral("a"), QStringLiteral("loss"));
    QCOMPARE(raw.size(), qsizetype(200));

    ChartSettings settings;
    settings.smoothing = {SmoothingKind::Ema, 0.9, 9};
    int before = view.redrawCount();
    view.setSettings(settings);
    QTRY_VERIFY(settle(view, before));
    QCOMPARE(view.drawnLine(QStringLiteral("a"), QStringLiteral("loss")).raw, raw); // the raw line, drawn faintly
    const auto smoothed = view.drawnPoints(QStringLiteral("a"), QStringLiteral("loss"));
    QCOMPARE(smoothed.size(), qsizetype(200));
    std::vector<double> values;
    for (const auto& p : *h)
        values.push_back(p.value);
    const auto expected = exponentialMovingAverage(values, 0.9);
    for (qsizetype i = 0; i < smoothed.size(); ++i)
        QCOMPARE(smoothed[i].y(), expected[std::size_t(i)]);
    // The smoothed line is drawn in the full colour mid-way; the raw zig-zag only faintly.
    const QImage image = grabViewport(view);
    QVERIFY(colouredPixels(image, view.pointToView(100, expected[100]), kRed, 2, 60) > 0);
    const QColor faint = QColor::fromRgbF(
        1 - (1 - kRed.redF()) * 70 / 255.0, 1 - (1 - kRed.greenF()) * 70 / 255.0, 1 - (1 - kRed.blueF()) * 70 / 255.0);
    QVERIFY(colouredPixels(image, view.pointToView(101, values[101]), faint, 2, 40) > 0);
    QCOMPARE(colouredPixels(image, view.pointToView(101, values[101]), kRed, 1, 60), 0);

    settings.smoothing = {SmoothingKind::None, 0.9, 9};
    before = view.redrawCount();
    view.setSettings(settings);
    QTRY_VERIFY(settle(view, before));
    QVERIFY(view.drawnLine(QStringLiteral("a"), QStringLiteral("loss")).raw.isEmpty());
    QCOMPARE(view.drawnPoints(QStringLiteral("a"), QStringLiteral("loss")), raw);
}

void TestMetricChart::legendClickHidesRun()
{
    const auto h0 = fixtureHistories("trial-0").at("loss");
    const auto h1 = fixtureHistories("trial-1").at("loss");
    MetricChartView view;
    view.resize(700, 450);
    view.setMetricKeys({QStringLiteral("loss")});
    view.setRuns({run(QStringLiteral("t0"), QStringLiteral("trial-0"), kRed, QStringLiteral("loss"), history(h0)),
        run(QStringLiteral("t1"), QStringLiteral("trial-1"), kBlue, QStringLiteral("loss"), history(h1))});
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QTRY_VERIFY(settle(view, 0));
    const QRect plot = view.plotAreaInView().toRect();
    QVERIFY(colouredPixelsIn(grabViewport(view), plot, kBlue) > 20);

    // The legend has one entry per run (raw copies and markers have none).
    const auto markers = view.chart()->legend()->markers();
    QList<QLegendMarker*> visibleMarkers;
    for (QLegendMarker* m : markers) {
        if (m->isVisible())
            visibleMarkers.append(m);
    }
    QCOMPARE(visibleMarkers.size(), qsizetype(2));
    QLegendMarker* blue = visibleMarkers[1];
    QCOMPARE(blue->label(), QStringLiteral("trial-1"));

    QSignalSpy toggled(&view, &MetricChartView::runHiddenToggled);
    int before = view.redrawCount();
    Q_EMIT blue->clicked(); // what a click on the entry emits
    QCOMPARE(toggled.size(), 1);
    QCOMPARE(toggled[0][0].toString(), QStringLiteral("t1"));
    QVERIFY(view.isRunHidden(QStringLiteral("t1")));
    QTRY_VERIFY(settle(view, before));
    QImage image = grabViewport(view);
    QCOMPARE(colouredPixelsIn(image, plot, kBlue), 0);
    QVERIFY(colouredPixelsIn(image, plot, kRed) > 20);
    QVERIFY(blue->isVisible()); // still there, to show the run again
    // The y-range now follows the visible run only.
    const double minRed
        = std::min_element(h0.begin(), h0.end(), [](auto& a, auto& b) { return a.value < b.value; })->value;
    QVERIFY(view.yRange().first > minRed - 0.2);

    before = view.redrawCount();
    Q_EMIT blue->clicked();
    QVERIFY(!view.isRunHidden(QStringLiteral("t1")));
    QTRY_VERIFY(settle(view, before));
    QVERIFY(colouredPixelsIn(grabViewport(view), plot, kBlue) > 20);
}

void TestMetricChart::zoomRedecimatesAtFullFidelity()
{
    // 200,000 noisy points with one spike: the full view draws a few points per pixel column yet keeps
    // the spike; zooming in re-decimates down to every single logged point.
    const std::size_t n = 200000;
    const HistoryPtr h = generated(n, [](std::size_t i) {
        return i == 123457 ? 40.0 : std::sin(double(i) / 3000.0) + 0.2 * std::sin(double(i) * 1.7);
    });
    MetricChartView view;
    view.resize(900, 500);
    view.setMetricKeys({QStringLiteral("signal")});
    view.setRuns({run(QStringLiteral("s"), QStringLiteral("signal"), kGreen, QStringLiteral("signal"), h)});
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QTRY_VERIFY(settle(view, 0));
    // (The plot may have narrowed by a few pixels since the decimation, as axis labels changed.)
    const int columns = int(std::ceil(view.chart()->plotArea().width()));
    auto points = view.drawnPoints(QStringLiteral("s"), QStringLiteral("signal"));
    QVERIFY(points.size() <= 4 * int(columns * 1.06) + 2);
    QVERIFY(points.size() > columns); // not a fixed small cap either
    QVERIFY(std::any_of(points.begin(), points.end(), [](const QPointF& p) { return p.y() == 40.0; }));
    QVERIFY(view.yRange().second >= 40.0);
    QVERIFY(colouredPixels(grabViewport(view), view.pointToView(123457, 40.0), kGreen, 2) > 0);

    QSignalSpy redrawn(&view, &MetricChartView::redrawn);
    view.setXRange(1000, 1100);
    QTRY_VERIFY(redrawn.size() >= 1 && !view.isRedrawPending());
    points = view.drawnPoints(QStringLiteral("s"), QStringLiteral("signal"));
    QCOMPARE(points.size(), qsizetype(101 + 2)); // every visible point, plus one neighbour on each side
    for (qsizetype i = 0; i < points.size(); ++i) {
        const std::size_t step = std::size_t(999 + i);
        QCOMPARE(points[i].x(), double(step));
        QCOMPARE(points[i].y(), (*h)[step].value);
    }
    // The automatic y-range fits the visible data only.
    double lo = 1e9, hi = -1e9;
    for (std::size_t i = 1000; i <= 1100; ++i) {
        lo = std::min(lo, (*h)[i].value);
        hi = std::max(hi, (*h)[i].value);
    }
    QVERIFY(view.yRange().first <= lo && view.yRange().first > lo - (hi - lo));
    QVERIFY(view.yRange().second >= hi && view.yRange().second < hi + (hi - lo));

    // Several range changes in a row are coalesced into one redraw.
    redrawn.clear();
    view.setXRange(0, 50000);
    view.setXRange(0, 60000);
    view.setXRange(0, 70000);
    QTRY_VERIFY(redrawn.size() >= 1 && !view.isRedrawPending());
    QVERIFY(redrawn.size() < 3);
    QCOMPARE(view.xRange(), std::make_pair(0.0, 70000.0));
}

void TestMetricChart::mouseZoomPanAndReset()
{
    const auto h = fixtureHistories("resnet50-baseline").at("train/loss"); // 3000 steps
    MetricChartView view;
    view.resize(800, 500);
    view.setMetricKeys({QStringLiteral("train/loss")});
    view.setRuns({run(QStringLiteral("r"), QStringLiteral("resnet"), kRed, QStringLiteral("train/loss"), history(h))});
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QTRY_VERIFY(settle(view, 0));
    QCOMPARE(view.xRange(), std::make_pair(0.0, 2999.0));
    const QRectF plot = view.plotAreaInView();
    QWidget* vp = view.viewport();

    // Rubber band: drag a box over the middle quarter.
    const QPoint from = QPointF(plot.left() + plot.width() * 0.25, plot.top() + plot.height() * 0.25).toPoint();
    const QPoint to = QPointF(plot.left() + plot.width() * 0.5, plot.top() + plot.height() * 0.75).toPoint();
    int before = view.redrawCount();
    QTest::mousePress(vp, Qt::LeftButton, {}, from);
    QTest::mouseMove(vp, to);
    QTest::mouseRelease(vp, Qt::LeftButton, {}, to);
    QTRY_VERIFY(settle(view, before));
    QVERIFY(std::abs(view.xRange().first - 750) < 15 && std::abs(view.xRange().second - 1500) < 15);
    QVERIFY(!view.isYAuto());

    // A click without a drag is not a zoom.
    const auto zoomed = view.xRange();
    QTest::mouseClick(vp, Qt::LeftButton, {}, plot.center().toPoint());
    QCOMPARE(view.xRange(), zoomed);

    // Wheel: zooms x around the pointer.
    before = view.redrawCount();
    const QPointF centre = plot.center();
    QWheelEvent wheel(centre, vp->mapToGlobal(centre), QPoint(), QPoint(0, 120), Qt::NoButton, Qt::NoModifier,
        Qt::NoScrollPhase, false);
    QCoreApplication::sendEvent(vp, &wheel);
    QTRY_VERIFY(settle(view, before));
    const double width = view.xRange().second - view.xRange().first;
    QVERIFY(std::abs(width - 0.8 * (zoomed.second - zoomed.first)) < 1.0);

    // Shift+drag pans: moving right by a tenth of the plot shows earlier steps.
    const auto beforePan = view.xRange();
    before = view.redrawCount();
    const QPoint start = plot.center().toPoint();
    const QPoint end = start + QPoint(int(plot.width() / 10), 0);
    QTest::mousePress(vp, Qt::LeftButton, Qt::ShiftModifier, start);
    QTest::mouseMove(vp, end);
    QTest::mouseRelease(vp, Qt::LeftButton, Qt::ShiftModifier, end);
    QTRY_VERIFY(settle(view, before));
    const double shift = beforePan.first - view.xRange().first;
    QVERIFY(std::abs(shift - width / 10) < width / 50);

    // Double-click resets to all the data, with y following it again.
    before = view.redrawCount();
    QTest::mouseDClick(vp, Qt::LeftButton, {}, plot.center().toPoint());
    QTRY_VERIFY(settle(view, before));
    QCOMPARE(view.xRange(), std::make_pair(0.0, 2999.0));
    QVERIFY(view.isYAuto());
}

void TestMetricChart::hoverListsEveryRun()
{
    const auto h0 = fixtureHistories("trial-0").at("loss");
    const auto h1 = fixtureHistories("trial-1").at("loss");
    MetricChartView view;
    view.resize(800, 500);
    view.setMetricKeys({QStringLiteral("loss")});
    view.setRuns({run(QStringLiteral("t0"), QStringLiteral("trial-0"), kRed, QStringLiteral("loss"), history(h0)),
        run(QStringLiteral("t1"), QStringLiteral("trial-1"), kBlue, QStringLiteral("loss"), history(h1))});
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QTRY_VERIFY(settle(view, 0));

    // The pointer a little right of step 7: the hover snaps to step 7 and lists both runs' values there.
    const QPointF at = view.pointToView(7.2, view.yRange().first) - QPointF(0, 20);
    // A real mouse move (QTest::mouseMove only moves the cursor, which the offscreen platform ignores).
    QMouseEvent move(
        QEvent::MouseMove, at, view.viewport()->mapToGlobal(at), Qt::NoButton, Qt::NoButton, Qt::NoModifier);
    QCoreApplication::sendEvent(view.viewport(), &move);
    QVERIFY(!view.hoverText().isEmpty());
    const QString text = view.hoverText();
    QVERIFY2(text.startsWith(QStringLiteral("step 7\n")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("trial-0: ") + QString::number(h0[7].value, 'g', 7)), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("trial-1: ") + QString::number(h1[7].value, 'g', 7)), qPrintable(text));
    // The vertical guide is drawn at step 7.
    const QImage image = grabViewport(view);
    const QRectF plot = view.plotAreaInView();
    const int gx = int(std::lround(view.pointToView(7, 0).x()));
    int guide = 0;
    for (int y = int(plot.top()) + 5; y < int(plot.bottom()) - 5; ++y) {
        const int darkest = std::min({image.pixelColor(gx - 1, y).lightness(), image.pixelColor(gx, y).lightness(),
            image.pixelColor(gx + 1, y).lightness()});
        guide += darkest < 200;
    }
    QVERIFY(guide > plot.height() * 0.5);

    view.setRunHidden(QStringLiteral("t1"), true);
    view.hoverAt(at);
    QVERIFY(!view.hoverText().contains(QStringLiteral("trial-1")));
    view.hoverAt(QPointF(2, 2)); // outside the plot
    QVERIFY(view.hoverText().isEmpty());
}

void TestMetricChart::nanAndInfinityAtTheEdges()
{
    // weird_values: 1, NaN, +inf, -inf, 0, ... as MLflow stored them.
    const auto h = fixtureHistories("nan-inf-values").at("weird_values");
    MetricChartView view;
    view.resize(700, 450);
    view.setMetricKeys({QStringLiteral("weird_values")});
    view.setRuns({run(QStringLiteral("w"), QStringLiteral("weird"), kRed, QStringLiteral("weird_values"), history(h))});
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QTRY_VERIFY(settle(view, 0));
    // The y-range comes from the finite values; NaN is not drawn; infinities sit on the axis edges, marked.
    const auto points = view.drawnPoints(QStringLiteral("w"), QStringLiteral("weird_values"));
    QCOMPARE(points.size(), qsizetype(h.size() - 1));
    QVERIFY(std::isfinite(view.yRange().first) && std::isfinite(view.yRange().second));
    QCOMPARE(points[1], QPointF(2, view.yRange().second));
    QCOMPARE(points[2], QPointF(3, view.yRange().first));
    const auto infinities = view.drawnLine(QStringLiteral("w"), QStringLiteral("weird_values")).infinities;
    QCOMPARE(infinities, (QList<QPointF> {points[1], points[2]}));
    // Marked with a triangle at the top and bottom edges, in the run's colour.
    const QImage image = grabViewport(view);
    QVERIFY(colouredPixels(image, view.pointToView(2, view.yRange().second) + QPointF(0, 3), kRed, 3, 40) > 0);
    QVERIFY(colouredPixels(image, view.pointToView(3, view.yRange().first) - QPointF(0, 3), kRed, 3, 40) > 0);

    view.hoverAt(view.pointToView(1, 0));
    QVERIFY2(view.hoverText().contains(QStringLiteral("weird: NaN")), qPrintable(view.hoverText()));
    view.hoverAt(view.pointToView(2, 0));
    QVERIFY2(view.hoverText().contains(QStringLiteral("weird: inf")), qPrintable(view.hoverText()));
}

void TestMetricChart::ignoreOutliersClipsYRange()
{
    // Values 0..1 with one huge spike: outlier clipping fits the axis to the 5–95 % range.
    const HistoryPtr h = generated(1000, [](std::size_t i) { return i == 500 ? 1e6 : double(i % 100) / 100.0; });
    MetricChartView view;
    view.resize(700, 450);
    view.setMetricKeys({QStringLiteral("m")});
    view.setRuns({run(QStringLiteral("m"), QStringLiteral("m"), kRed, QStringLiteral("m"), h)});
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QTRY_VERIFY(settle(view, 0));
    QVERIFY(view.yRange().second >= 1e6);
    ChartSettings settings;
    settings.ignoreOutliers = true;
    const int before = view.redrawCount();
    view.setSettings(settings);
    QTRY_VERIFY(settle(view, before));
    QVERIFY2(view.yRange().second < 1.1 && view.yRange().first > -0.1,
        qPrintable(QStringLiteral("%1 %2").arg(view.yRange().first).arg(view.yRange().second)));
}

void TestMetricChart::groupsDrawMeanAndBand()
{
    // The fixture sweep: three trials with params lr, batch_size, optimizer.
    QList<ChartRun> runs;
    const QColor colours[] = {kRed, kBlue, kGreen};
    for (int i = 0; i < 3; ++i) {
        const std::string name = "trial-" + std::to_string(i);
        std::vector<KeyValue> params;
        const auto h = fixtureHistories(name, &params);
        std::sort(params.begin(), params.end(), [](auto& a, auto& b) { return a.key < b.key; });
        ChartRun r = run(QString::number(i), QString::fromStdString(name), colours[i], QStringLiteral("loss"),
            history(h.at("loss")));
        r.params = params;
        runs.append(r);
    }
    MetricChartView view;
    view.resize(800, 500);
    view.setMetricKeys({QStringLiteral("loss")});
    view.setRuns(runs);
    ChartSettings settings;
    settings.groupSource = GroupSource::Param;
    settings.groupKey = QStringLiteral("optimizer"); // all "sgd": one group
    view.setSettings(settings);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QTRY_VERIFY(settle(view, 0));

    const QString id = QStringLiteral("optimizer=sgd");
    const auto mean = view.drawnPoints(id, QStringLiteral("loss"));
    QCOMPARE(mean.size(), qsizetype(20));
    const auto l0 = fixtureHistories("trial-0").at("loss");
    const auto l1 = fixtureHistories("trial-1").at("loss");
    const auto l2 = fixtureHistories("trial-2").at("loss");
    QCOMPARE(mean[10].y(), (l0[10].value + l1[10].value + l2[10].value) / 3);
    const auto band = view.drawnLine(id, QStringLiteral("loss"));
    QCOMPARE(band.upper.size(), qsizetype(20));
    QCOMPARE(band.upper[10].y(), std::max({l0[10].value, l1[10].value, l2[10].value}));
    QCOMPARE(band.lower[10].y(), std::min({l0[10].value, l1[10].value, l2[10].value}));
    // The band is filled between min and max in the group's (first run's) colour, faded.
    const QImage image = grabViewport(view);
    const double between = (std::max({l0[10].value, l1[10].value, l2[10].value}) + mean[10].y()) / 2;
    const QColor fill = image.pixelColor(view.pointToView(10, between).toPoint());
    QVERIFY2(fill.red() > fill.blue() + 10 && fill.lightness() > 150, qPrintable(fill.name()));

    // Grouping by lr: one group per trial; ±σ band of a single run has zero width.
    settings.groupKey = QStringLiteral("lr");
    settings.band = BandKind::StdDev;
    const int before = view.redrawCount();
    view.setSettings(settings);
    QTRY_VERIFY(settle(view, before));
    QCOMPARE(view.drawnPoints(QStringLiteral("lr=0.1"), QStringLiteral("loss")).size(), qsizetype(20));
    QCOMPARE(view.drawnPoints(QStringLiteral("lr=0.01"), QStringLiteral("loss")).size(), qsizetype(20));
}

void TestMetricChart::otherXAxes()
{
    const auto h = fixtureHistories("resnet50-baseline");
    ChartRun r = run(
        QStringLiteral("r"), QStringLiteral("resnet"), kRed, QStringLiteral("train/loss"), history(h.at("train/loss")));
    r.histories.insert(QStringLiteral("train/accuracy"), history(h.at("train/accuracy")));
    MetricChartView view;
    view.resize(800, 500);
    view.setMetricKeys({QStringLiteral("train/loss")});
    view.setRuns({r});
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));

    ChartSettings settings;
    settings.xAxis = XAxisKind::RelativeTime; // logged every 2 s: steps 0..2999 span 5998 s
    int before = view.redrawCount();
    view.setSettings(settings);
    QTRY_VERIFY(settle(view, before));
    QCOMPARE(view.xRange(), std::make_pair(0.0, 5998.0));

    settings.xAxis = XAxisKind::WallTime;
    before = view.redrawCount();
    view.setSettings(settings);
    QTRY_VERIFY(settle(view, before));
    QCOMPARE(view.xRange().first, double(h.at("train/loss").front().timestamp));
    QVERIFY(view.chart()->axes(Qt::Horizontal).value(0)->inherits("QDateTimeAxis"));

    // Loss against accuracy (joined on step): accuracy rises as loss falls, so the line runs from the
    // top-left to the bottom-right.
    settings.xAxis = XAxisKind::Metric;
    settings.xMetric = QStringLiteral("train/accuracy");
    before = view.redrawCount();
    view.setSettings(settings);
    QTRY_VERIFY(settle(view, before));
    const auto points = view.drawnPoints(QStringLiteral("r"), QStringLiteral("train/loss"));
    QVERIFY(!points.isEmpty());
    QVERIFY(points.front().x() < points.back().x() && points.front().y() > points.back().y());
    QCOMPARE(view.chart()->axes(Qt::Horizontal).value(0)->titleText(), QStringLiteral("train/accuracy"));
}

void TestMetricChart::csvExportFullResolution()
{
    const std::size_t n = 50000;
    const HistoryPtr h = generated(n, [](std::size_t i) { return i == 7 ? std::nan("") : double(i) * 0.5; });
    MetricChartView view;
    view.resize(600, 400);
    view.setMetricKeys({QStringLiteral("val/loss")});
    view.setRuns({run(QStringLiteral("id,1"), QStringLiteral("run \"one\""), kRed, QStringLiteral("val/loss"), h)});
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QTRY_VERIFY(settle(view, 0));
    QVERIFY(view.drawnPoints(QStringLiteral("id,1"), QStringLiteral("val/loss")).size() < qsizetype(n) / 10);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("chart.csv"));
    QString error;
    QVERIFY2(ChartExport::saveCsv(view, path, &error), qPrintable(error));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = file.readAll().split('\n');
    file.close();
    QCOMPARE(lines.size(), qsizetype(n + 2)); // header, n rows, and the empty tail after the last newline
    QCOMPARE(lines[0], QByteArray("run_id,run_name,metric,step,timestamp,value,x,smoothed"));
    QCOMPARE(lines[1], QByteArray("\"id,1\",\"run \"\"one\"\"\",val/loss,0,1735689600000,0.0,0.0,"));
    QCOMPARE(lines[8], QByteArray("\"id,1\",\"run \"\"one\"\"\",val/loss,7,1735689607000,nan,7.0,"));
    QCOMPARE(
        lines[qsizetype(n)], QByteArray("\"id,1\",\"run \"\"one\"\"\",val/loss,49999,1735739599000,24999.5,49999.0,"));

    // With smoothing the smoothed values are written next to the raw ones.
    ChartSettings settings;
    settings.smoothing = {SmoothingKind::MovingAverage, 0.6, 3};
    view.setSettings(settings);
    QVERIFY(ChartExport::saveCsv(view, path, &error));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QList<QByteArray> smoothedLines = file.readAll().split('\n');
    file.close();
    QCOMPARE(smoothedLines.size(), qsizetype(n + 2));
    QVERIFY2(smoothedLines[3].endsWith(",1.0,2.0,1.0"), smoothedLines[3].constData()); // mean of 0.5, 1.0, 1.5

    // A folder that does not exist: a clear error naming the path, nothing written.
    const QString bad = dir.filePath(QStringLiteral("missing/chart.csv"));
    QVERIFY(!ChartExport::saveCsv(view, bad, &error));
    QVERIFY2(error.contains(bad), qPrintable(error));
}

void TestMetricChart::imageExportsOpen()
{
    const auto h = fixtureHistories("trial-0").at("val_accuracy");
    MetricChartView view;
    view.resize(640, 400);
    view.setMetricKeys({QStringLiteral("val_accuracy")});
    view.setRuns(
        {run(QStringLiteral("r0"), QStringLiteral("trial-0"), kRed, QStringLiteral("val_accuracy"), history(h))});
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QTRY_VERIFY(settle(view, 0));

    QTemporaryDir dir;
    QString error;
    const QString png = dir.filePath(QStringLiteral("chart.png"));
    QVERIFY2(ChartExport::savePng(&view, png, &error), qPrintable(error));
    QImage image;
    QVERIFY(image.load(png));
    QCOMPARE(image.size(), view.viewport()->size() * 2);
    // The line is in the picture where the data says, at twice the scale.
    QVERIFY(colouredPixels(image, view.pointToView(10, h[10].value) * 2, kRed, 4) > 0);

    const QString svg = dir.filePath(QStringLiteral("chart.svg"));
    QVERIFY2(ChartExport::saveSvg(&view, svg, &error), qPrintable(error));
    QSvgRenderer renderer(svg);
    QVERIFY(renderer.isValid());
    QCOMPARE(renderer.viewBoxF().size(), QSizeF(view.viewport()->size()));
    QFile file(svg);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray text = file.readAll();
    QVERIFY(text.contains("<svg"));
    QVERIFY(text.contains(kRed.name().toLatin1())); // the run's line is drawn as vector paths in its colour
    QImage rendered(view.viewport()->size(), QImage::Format_ARGB32);
    rendered.fill(Qt::white);
    {
        QPainter painter(&rendered);
        renderer.render(&painter);
    }
    QVERIFY(colouredPixels(rendered, view.pointToView(10, h[10].value), kRed, 3) > 0);
}

void TestMetricChart::panelGroupsByPrefixAndLoadsOffThread()
{
    // Histories come from a loader, as from a store: it must run off the GUI thread.
    const auto resnet = fixtureHistories("resnet50-baseline");
    std::atomic<int> calls {0};
    std::atomic<bool> onGuiThread {false};
    QThread* gui = QThread::currentThread();
    MetricChartPanel panel;
    panel.resize(1100, 800);
    panel.setHistoryLoader([&](const std::string& runId, const std::string& key) -> Result<std::vector<MetricPoint>> {
        ++calls;
        if (QThread::currentThread() == gui)
            onGuiThread = true;
        Q_UNUSED(runId);
        return resnet.at(key);
    });
    ChartRun r;
    r.runId = QStringLiteral("resnet");
    r.name = QStringLiteral("resnet50-baseline");
    r.colour = kRed;
    r.metricKeys = {QStringLiteral("train/loss"), QStringLiteral("train/accuracy"), QStringLiteral("lr"),
        QStringLiteral("weird_steps")};
    QSignalSpy finished(&panel, &MetricChartPanel::loadsFinished);
    panel.setRuns({r});
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QCOMPARE(panel.sections(), (QStringList {QString(), QStringLiteral("train")}));
    QCOMPARE(panel.sectionKeys(QStringLiteral("train")),
        (QStringList {QStringLiteral("train/accuracy"), QStringLiteral("train/loss")}));
    QTRY_COMPARE(finished.size(), 1);
    QCOMPARE(calls.load(), 4);
    QVERIFY(!onGuiThread);
    QCOMPARE(panel.pendingLoads(), 0);

    MetricChartView* loss = panel.chart(QStringLiteral("train/loss"));
    QVERIFY(loss);
    QTRY_COMPARE(loss->drawnPoints(QStringLiteral("resnet"), QStringLiteral("train/loss")).isEmpty(), false);
    QTRY_VERIFY(!loss->isRedrawPending());
    const auto& h = resnet.at("train/loss");
    QVERIFY(colouredPixels(grabViewport(*loss), loss->pointToView(1500, h[1500].value), kRed) > 0);

    // Settings from the toolbar reach every chart; a legend click hides the run in all of them.
    QCheckBox* logY = nullptr;
    for (QCheckBox* box : panel.findChildren<QCheckBox*>()) {
        if (box->text() == QStringLiteral("Log y"))
            logY = box;
    }
    QVERIFY(logY);
    QTest::mouseClick(logY, Qt::LeftButton);
    QVERIFY(panel.settings().logY);
    for (MetricChartView* chart : panel.charts())
        QVERIFY(chart->settings().logY);
    MetricChartView* accuracy = panel.chart(QStringLiteral("train/accuracy"));
    QCOMPARE(loss->chart()->series().size(), qsizetype(1));
    const auto lossMarkers = loss->chart()->legend()->markers(loss->chart()->series().front());
    QCOMPARE(lossMarkers.size(), qsizetype(1));
    Q_EMIT lossMarkers.front()->clicked();
    QVERIFY(accuracy->isRunHidden(QStringLiteral("resnet")));

    // Already loaded histories are not loaded again when the runs are set again.
    panel.setRuns({r});
    QCOMPARE(panel.pendingLoads(), 0);
    QCOMPARE(calls.load(), 4);
}

void TestMetricChart::panelReportsFailedLoads()
{
    const auto trial = fixtureHistories("trial-0");
    MetricChartPanel panel;
    panel.setHistoryLoader([&](const std::string&, const std::string& key) -> Result<std::vector<MetricPoint>> {
        if (key == "val_accuracy")
            return StoreError {ErrorCode::IoError, "metrics/val_accuracy: truncated line 3"};
        return trial.at(key);
    });
    ChartRun r;
    r.runId = QStringLiteral("t0");
    r.name = QStringLiteral("trial-0");
    r.colour = kBlue;
    r.metricKeys = {QStringLiteral("loss"), QStringLiteral("val_accuracy")};
    QSignalSpy failed(&panel, &MetricChartPanel::historyFailed);
    QSignalSpy finished(&panel, &MetricChartPanel::loadsFinished);
    panel.setRuns({r});
    QTRY_COMPARE(finished.size(), 1);
    QCOMPARE(failed.size(), 1);
    QCOMPARE(failed[0][1].toString(), QStringLiteral("val_accuracy"));
    QVERIFY(panel.failures().value(0).contains(QStringLiteral("truncated line 3")));
    // The broken history does not hide the good one.
    QTRY_COMPARE(panel.chart(QStringLiteral("loss"))->drawnPoints(QStringLiteral("t0"), QStringLiteral("loss")).size(),
        qsizetype(20));
}

void TestMetricChart::panelSettingsPersist()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("settings.ini"));
    ChartSettings s;
    s.xAxis = XAxisKind::Metric;
    s.xMetric = QStringLiteral("train/accuracy");
    s.logY = true;
    s.smoothing = {SmoothingKind::MovingAverage, 0.8, 21};
    s.ignoreOutliers = true;
    s.groupSource = GroupSource::Tag;
    s.groupKey = QStringLiteral("team");
    s.band = BandKind::StdDev;
    {
        MetricChartPanel panel;
        panel.setSettings(s);
        panel.setColumnCount(3);
        QSettings settings(path, QSettings::IniFormat);
        panel.saveSettings(settings);
    }
    MetricChartPanel restored;
    QSettings settings(path, QSettings::IniFormat);
    restored.restoreSettings(settings);
    QVERIFY(restored.settings() == s);
    QCOMPARE(restored.columnCount(), 3);
}

void TestMetricChart::screenshot()
{
    // Set RUNLENS_SCREENSHOT=/path/file.png to look at a typical chart: three runs, smoothed.
    const QString path = qEnvironmentVariable("RUNLENS_SCREENSHOT");
    if (path.isEmpty())
        QSKIP("RUNLENS_SCREENSHOT not set");
    MetricChartView view;
    view.resize(1000, 560);
    view.setMetricKeys({QStringLiteral("train/loss")});
    QList<ChartRun> runs;
    const QColor colours[] = {kRed, kBlue, kGreen};
    for (int k = 0; k < 3; ++k) {
        const double rate = 1.0 + k * 0.6;
        runs.append(run(QStringLiteral("r%1").arg(k), QStringLiteral("lr=%1").arg(0.1 / (k + 1)), colours[k],
            QStringLiteral("train/loss"), generated(20000, [rate, k](std::size_t i) {
                const double t = double(i) / 20000.0;
                return 2.5 * std::exp(-rate * 4 * t) + 0.1 + 0.08 * std::sin(double(i) * (1.3 + k))
                    + (i % 4999 == 0 ? 0.6 : 0.0);
            })));
    }
    view.setRuns(runs);
    ChartSettings settings;
    settings.smoothing = {SmoothingKind::Ema, 0.95, 9};
    view.setSettings(settings);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QTRY_VERIFY(settle(view, 0));
    QCoreApplication::processEvents(); // let the axes lay out their ticks
    view.hoverAt(view.pointToView(8000, 1.0));
    QVERIFY(view.grab().save(path));

    // Zoomed in to 60 steps: every point drawn, antialiased.
    const int before = view.redrawCount();
    view.setXRange(8000, 8060);
    QTRY_VERIFY(settle(view, before));
    QCoreApplication::processEvents();
    QString zoomPath = path;
    zoomPath.replace(QStringLiteral(".png"), QStringLiteral("-zoom.png"));
    QVERIFY(view.grab().save(zoomPath));

    // The panel: the fixture sweep, grouped by optimizer with a ±σ band, in sections by prefix.
    MetricChartPanel panel;
    panel.resize(1200, 900);
    QList<ChartRun> sweep;
    for (int i = 0; i < 3; ++i) {
        const std::string name = "trial-" + std::to_string(i);
        std::vector<KeyValue> params;
        const auto h = fixtureHistories(name, &params);
        std::sort(params.begin(), params.end(), [](auto& a, auto& b) { return a.key < b.key; });
        ChartRun r;
        r.runId = QString::fromStdString(name);
        r.name = r.runId;
        r.colour = colours[i];
        r.params = params;
        for (const auto& [key, points] : h) {
            r.histories.insert(QString::fromStdString(key), history(points));
            r.histories.insert(QStringLiteral("val/") + QString::fromStdString(key), history(points));
            r.metricKeys << QString::fromStdString(key) << QStringLiteral("val/") + QString::fromStdString(key);
        }
        sweep.append(r);
    }
    panel.setRuns(sweep);
    ChartSettings grouped;
    grouped.groupSource = GroupSource::Param;
    grouped.groupKey = QStringLiteral("optimizer");
    grouped.band = BandKind::StdDev;
    panel.setSettings(grouped);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    for (MetricChartView* chart : panel.charts())
        QTRY_VERIFY(!chart->isRedrawPending() && chart->redrawCount() > 0);
    QCoreApplication::processEvents();
    QString panelPath = path;
    panelPath.replace(QStringLiteral(".png"), QStringLiteral("-panel.png"));
    QVERIFY(panel.grab().save(panelPath));
}

QTEST_MAIN(TestMetricChart)
#include "tst_metricchart.moc"
