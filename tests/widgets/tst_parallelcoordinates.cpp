// SPDX-License-Identifier: Apache-2.0
// The parallel-coordinates view offscreen: brushing with the mouse filters a runs table through its
// proxy (exactly the runs in range, several axes ANDed, a click outside clears), lines outside the
// brushes turn faint grey, the missing lane, hover and click, reordering by dragging a title, flipping
// by double-click, categorical labels shown in full without overlap, colour by metric, exports, the
// line image drawn off the GUI thread (placeholder first, bursts coalesced into one image), new runs
// placed off the GUI thread (the old lines stay until then, the newest runs win, brushes carry over),
// and the panel's PNG/SVG export written atomically.
#include "fixtureruns.h"
#include "parallelcoordinatespanel.h"
#include "parallelcoordinatesview.h"
#include "runcolors.h"
#include "runsortproxymodel.h"
#include "runtablemodel.h"
#include "storefactory.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QFile>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSvgRenderer>
#include <QTemporaryDir>
#include <QTest>
#include <QToolTip>

#include <cmath>
#include <limits>

using namespace runlens;
using runlens::test::loadFixture;

namespace {

using Kind = ParallelAxisSpec::Kind;

Run makeRun(const std::string& id, std::vector<std::pair<std::string, double>> metrics,
    std::vector<std::pair<std::string, std::string>> params = {})
{
    Run run;
    run.info.runId = id;
    run.info.runName = "run-" + id;
    std::sort(metrics.begin(), metrics.end());
    std::sort(params.begin(), params.end());
    for (const auto& [key, value] : metrics)
        run.metrics.push_back(Metric {key, MetricPoint {0, value, 0}});
    for (const auto& [key, value] : params)
        run.params.push_back(KeyValue {key, value});
    return run;
}

RunListSnapshot snapshot(std::vector<Run> runs)
{
    auto list = std::make_shared<RunList>();
    list->runs = std::move(runs);
    return list;
}

QSet<QString> proxyRunIds(const QAbstractItemModel& proxy)
{
    QSet<QString> ids;
    for (int row = 0; row < proxy.rowCount(); ++row)
        ids.insert(proxy.index(row, 0).data(RunTableModel::RunIdRole).toString());
    return ids;
}

// The display position (0 bottom, 1 top) of a pixel row on an axis of the view.
double positionOfY(const ParallelCoordinatesView& view, int axis, double y)
{
    const double bottom = view.pointAt(axis, 0.0).y();
    const double top = view.pointAt(axis, 1.0).y();
    return (bottom - y) / (bottom - top);
}

void drag(QWidget* widget, QPoint from, QPoint to)
{
    QTest::mousePress(widget, Qt::LeftButton, {}, from);
    QTest::mouseMove(widget, (from + to) / 2);
    QTest::mouseMove(widget, to);
    QTest::mouseRelease(widget, Qt::LeftButton, {}, to);
}

// The most strongly inked pixel within two rows of a point: lines are antialiased, so the row a
// fractional y rounds to may be only half covered.
QColor inkAt(const QImage& image, QPointF at)
{
    QColor best = image.pixelColor(at.toPoint());
    for (int dy = -2; dy <= 2; ++dy) {
        const QColor c = image.pixelColor(QPoint(qRound(at.x()), qRound(at.y()) + dy));
        if (c.hsvSaturation() + (255 - c.value()) > best.hsvSaturation() + (255 - best.value()))
            best = c;
    }
    return best;
}

// Runs are placed on a worker thread: set them and wait until the view shows them.
bool applyRuns(ParallelCoordinatesView& view, RunListSnapshot runs)
{
    QSignalSpy applied(&view, &ParallelCoordinatesView::runsApplied);
    view.setRuns(std::move(runs));
    return applied.wait() && applied.count() == 1 && !view.runsPending();
}

// The line image is drawn on a worker thread: wait until the one on screen shows the current state.
bool waitForLines(ParallelCoordinatesView& view)
{
    QSignalSpy ready(&view, &ParallelCoordinatesView::lineCacheReady);
    return !view.lineCachePending() || ready.wait();
}

bool near(QColor a, QColor b, int tolerance)
{
    return std::abs(a.red() - b.red()) <= tolerance && std::abs(a.green() - b.green()) <= tolerance
        && std::abs(a.blue() - b.blue()) <= tolerance;
}

// A sweep that looks like a real one: a few hundred runs, log-spread learning rates, optimizers,
// some runs that crashed before logging a metric.
RunListSnapshot sweep(int count)
{
    QRandomGenerator random(7);
    const char* optimizers[] = {"adam", "adamw", "sgd", "rmsprop"};
    std::vector<Run> runs;
    for (int i = 0; i < count; ++i) {
        const double lr = std::pow(10.0, -5.0 + 4.0 * random.generateDouble());
        const int opt = static_cast<int>(random.bounded(4));
        const int batch = 16 << random.bounded(5);
        const double dropout = std::round(random.generateDouble() * 5) / 10;
        const double quality = std::exp(-std::pow(std::log10(lr) + 3.0, 2)) * (opt == 2 ? 0.8 : 1.0);
        const double acc = 0.55 + 0.4 * quality - 0.05 * dropout + random.generateDouble() * 0.04;
        std::vector<std::pair<std::string, double>> metrics;
        if (random.bounded(15) != 0) {
            metrics = {{"val_accuracy", acc}, {"val_loss", 1.6 - 1.4 * acc + random.generateDouble() * 0.05}};
        }
        runs.push_back(makeRun(QStringLiteral("%1").arg(i, 4, 10, QLatin1Char('0')).toStdString(), metrics,
            {{"lr", QString::number(lr, 'g', 3).toStdString()}, {"optimizer", optimizers[opt]},
                {"batch_size", std::to_string(batch)}, {"dropout", QString::number(dropout).toStdString()}}));
    }
    return snapshot(runs);
}

// A view of `runs` on `axes` in a resizable scroll area (which owns it), shown at `size`; null when
// the runs never arrive or the window is not exposed.
ParallelCoordinatesView* showInScrollArea(
    QScrollArea& area, RunListSnapshot runs, const QList<ParallelAxisSpec>& axes, const QSize& size)
{
    auto* view = new ParallelCoordinatesView;
    area.setWidget(view);
    if (!applyRuns(*view, std::move(runs)))
        return nullptr;
    view->setAxes(axes);
    area.setWidgetResizable(true);
    area.resize(size);
    area.show();
    return QTest::qWaitForWindowExposed(&area) ? view : nullptr;
}

} // namespace

class TestParallelCoordinates : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void brushingFiltersTheRunsTable();
    void linesOutsideBrushAreFaint();
    void missingLaneHoverAndClick();
    void infinitiesAreNamedNotPlaced();
    void dragTitleReordersAxes();
    void doubleClickTitleFlips();
    void categoricalLabelsShownInFull();
    void manyAxesKeepTitlesWhole();
    void colourByMetricAndExports();
    void manyRunsAreRasterizedWhereTheDataSays();
    void linesArriveFromAWorker();
    void newRunsArriveFromAWorker();
    void panelExportIsAtomic();
    void panelCsvHasExactValues();
    void screenshot();
};

void TestParallelCoordinates::brushingFiltersTheRunsTable()
{
    const RunListSnapshot runs = loadFixture({"900844674041952973"}); // image-classification
    QVERIFY(runs);
    RunTableModel table;
    table.setRuns(runs);
    RunSortProxyModel proxy;
    proxy.setSourceModel(&table);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(proxy.rowCount(), static_cast<int>(runs->runs.size()));

    ParallelCoordinatesView view;
    QVERIFY(applyRuns(view, runs));
    view.setAxes({{Kind::Param, QStringLiteral("batch_size")}, {Kind::Metric, QStringLiteral("loss")},
        {Kind::Param, QStringLiteral("optimizer")}, {Kind::Metric, QStringLiteral("val_accuracy")}});
    connect(&view, &ParallelCoordinatesView::brushChanged, &proxy,
        [&view, &proxy] { proxy.setRunIdFilter(view.brushedRunIds()); });
    QSignalSpy brushed(&view, &ParallelCoordinatesView::brushChanged);
    view.resize(900, 500);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));

    // Drag the loss axis from near its top down to a third of its height.
    const QPoint from = view.pointAt(1, 0.9).toPoint();
    const QPoint to = view.pointAt(1, 0.3).toPoint();
    drag(&view, from, to);
    QVERIFY(brushed.count() > 0);

    // Brute force: the runs whose loss is drawn between the two rows the mouse went through.
    const double low = positionOfY(view, 1, to.y());
    const double high = positionOfY(view, 1, from.y());
    double minLoss = INFINITY;
    double maxLoss = -INFINITY;
    for (const Run& run : runs->runs) {
        if (const Metric* m = run.metric("loss"); m && std::isfinite(m->point.value)) {
            minLoss = std::min(minLoss, m->point.value);
            maxLoss = std::max(maxLoss, m->point.value);
        }
    }
    auto lossInRange = [&](const Run& run) {
        const Metric* m = run.metric("loss");
        if (!m || !std::isfinite(m->point.value))
            return false;
        const double t = (m->point.value - minLoss) / (maxLoss - minLoss);
        return t >= low && t <= high;
    };
    QSet<QString> expected;
    for (const Run& run : runs->runs) {
        if (lossInRange(run))
            expected.insert(QString::fromStdString(run.info.runId));
    }
    QVERIFY(!expected.isEmpty());
    QVERIFY(expected.size() < static_cast<int>(runs->runs.size()));
    QCOMPARE(view.brushedRunIds(), std::optional<QSet<QString>>(expected));
    QCOMPARE(proxyRunIds(proxy), expected);

    // A second brush, over the "sgd" band of the optimizer axis, ANDs with the first.
    const auto labels = view.categoryLabels(2);
    QCOMPARE(labels.size(), 1);
    QCOMPARE(labels[0].second, QStringLiteral("sgd"));
    const QPoint sgdTop = view.pointAt(2, 0.9).toPoint();
    const QPoint sgdBottom = view.pointAt(2, 0.1).toPoint();
    drag(&view, sgdTop, sgdBottom);
    QSet<QString> both;
    QSet<QString> sgdOnly;
    for (const Run& run : runs->runs) {
        const std::string* opt = run.param("optimizer");
        if (opt && *opt == "sgd") {
            sgdOnly.insert(QString::fromStdString(run.info.runId));
            if (lossInRange(run))
                both.insert(QString::fromStdString(run.info.runId));
        }
    }
    QVERIFY(both.size() < expected.size());
    QCOMPARE(proxyRunIds(proxy), both);

    // A click on the loss axis outside its brush clears that brush only.
    QTest::mouseClick(&view, Qt::LeftButton, {}, view.pointAt(1, 0.02).toPoint());
    QVERIFY(!view.model().axis(1).brush);
    QCOMPARE(proxyRunIds(proxy), sgdOnly);
    // A click inside the remaining brush keeps it.
    QTest::mouseClick(&view, Qt::LeftButton, {}, view.pointAt(2, 0.5).toPoint());
    QCOMPARE(proxyRunIds(proxy), sgdOnly);

    // Dragging from low on the batch-size axis into the missing lane keeps the runs without one too.
    const QPoint lowBatch = view.pointAt(0, 0.05).toPoint();
    drag(&view, lowBatch, view.missingLanePoint(0).toPoint());
    const double batchTop = positionOfY(view, 0, lowBatch.y());
    QSet<QString> smallOrMissing;
    for (const Run& run : runs->runs) {
        const std::string* batch = run.param("batch_size");
        const std::string* opt = run.param("optimizer");
        const bool small = batch && (std::stod(*batch) - 32.0) / (1024.0 - 32.0) <= batchTop;
        if ((!batch || small) && opt && *opt == "sgd")
            smallOrMissing.insert(QString::fromStdString(run.info.runId));
    }
    QCOMPARE(smallOrMissing.size(), 2); // batch sizes 32 and 64 of the three trials
    QVERIFY(view.model().axis(0).brush->missing);
    QCOMPARE(proxyRunIds(proxy), smallOrMissing);

    view.clearBrushes();
    QVERIFY(!view.brushedRunIds());
    QCOMPARE(proxy.rowCount(), static_cast<int>(runs->runs.size()));
}

void TestParallelCoordinates::linesOutsideBrushAreFaint()
{
    ParallelCoordinatesView view;
    QVERIFY(applyRuns(
        view, snapshot({makeRun("low", {{"m", 0.0}, {"n", 0.0}}), makeRun("high", {{"m", 1.0}, {"n", 1.0}})})));
    view.setAxes({{Kind::Metric, QStringLiteral("m")}, {Kind::Metric, QStringLiteral("n")}});
    view.resize(500, 320);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QVERIFY(waitForLines(view));

    // Sample each run's line halfway between the axes, a little off the other line.
    auto lineColour = [&view](double position) {
        const QImage image = view.grab().toImage();
        return inkAt(image, (view.pointAt(0, position) + view.pointAt(1, position)) / 2);
    };
    const QColor lowColour = runColor("low");
    const QColor highColour = runColor("high");
    QVERIFY(near(lineColour(0.0), lowColour, 40));
    QVERIFY(near(lineColour(1.0), highColour, 40));

    drag(&view, view.pointAt(0, 1.0).toPoint() + QPoint(0, -3), view.pointAt(0, 0.5).toPoint());
    QCOMPARE(view.brushedRunIds(), std::optional<QSet<QString>>(QSet<QString> {QStringLiteral("high")}));
    QVERIFY(waitForLines(view));
    const QColor faint = lineColour(0.0);
    QVERIFY2(!near(faint, lowColour, 40), qPrintable(faint.name()));
    // Grey: no hue, lighter than the ink.
    QVERIFY2(std::abs(faint.red() - faint.blue()) < 12 && faint.lightness() > 150, qPrintable(faint.name()));
    QVERIFY(near(lineColour(1.0), highColour, 40));
}

void TestParallelCoordinates::infinitiesAreNamedNotPlaced()
{
    constexpr double inf = std::numeric_limits<double>::infinity();
    ParallelCoordinatesView view;
    QVERIFY(applyRuns(view,
        snapshot({makeRun("low", {{"m", 1.0}}), makeRun("high", {{"m", 3.0}}), makeRun("up", {{"m", inf}}),
            makeRun("down", {{"m", -inf}}), makeRun("nan", {{"m", std::nan("")}}), makeRun("none", {{"n", 1.0}})})));
    view.setAxes({{Kind::Metric, QStringLiteral("m")}, {Kind::Metric, QStringLiteral("n")}});
    const ParallelCoordinatesModel& model = view.model();
    // The top of the axis is the largest finite value; +∞ is not drawn there as if it were 3.
    QCOMPARE(model.axis(0).max, 3.0);
    QCOMPARE(model.position(0, 1), 1.0f);
    for (const int run : {2, 3, 4, 5})
        QCOMPARE(model.position(0, run), ParallelCoordinatesModel::kMissingLane);
    // The lane says what it holds: an infinity is not a missing value.
    QCOMPARE(model.laneLabel(0), QStringLiteral("+\u221e 1 \u00b7 \u2212\u221e 1 \u00b7 NaN 1 \u00b7 missing 1"));
    QCOMPARE(model.laneLabel(1), QStringLiteral("missing (5)"));
    QVERIFY(model.displayValue(0, 2).contains(QStringLiteral("inf"), Qt::CaseInsensitive));

    // On a log axis zero and negative values join the lane, and say so.
    QVERIFY(applyRuns(
        view, snapshot({makeRun("a", {{"m", 10.0}}), makeRun("b", {{"m", 100.0}}), makeRun("zero", {{"m", 0.0}})})));
    view.setAxes({{Kind::Metric, QStringLiteral("m")}});
    view.setAxisScale(0, ParallelAxisScale::Log);
    QCOMPARE(view.model().laneLabel(0), QStringLiteral("\u2264 0 on log 1"));
}

void TestParallelCoordinates::missingLaneHoverAndClick()
{
    ParallelCoordinatesView view;
    QVERIFY(applyRuns(view,
        snapshot({makeRun("full", {{"m", 1.0}, {"n", 2.0}}), makeRun("lacks-m", {{"n", 5.0}}),
            makeRun("other", {{"m", 3.0}, {"n", 4.0}})})));
    view.setAxes({{Kind::Metric, QStringLiteral("m")}, {Kind::Metric, QStringLiteral("n")}});
    view.resize(600, 360);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QCOMPARE(view.model().axis(0).missingCount, 1);
    QSignalSpy hovered(&view, &ParallelCoordinatesView::runHovered);
    QSignalSpy clicked(&view, &ParallelCoordinatesView::runClicked);

    // The run without m runs from the lane under axis m to its value on axis n.
    const QPointF lane = view.missingLanePoint(0);
    const QPointF onN = view.pointAt(1, view.model().position(1, 1));
    const QPoint quarter = (lane + (onN - lane) * 0.25).toPoint();
    QCOMPARE(view.runAt(quarter), QStringLiteral("lacks-m"));
    QTest::mouseMove(&view, quarter);
    QCOMPARE(hovered.count(), 1);
    QCOMPARE(hovered.last().at(0).toString(), QStringLiteral("lacks-m"));
    QCOMPARE(view.hoveredRunId(), QStringLiteral("lacks-m"));
    QTRY_VERIFY(QToolTip::isVisible());
    QVERIFY(QToolTip::text().contains(QStringLiteral("missing")));
    QVERIFY(QToolTip::text().contains(QStringLiteral("run-lacks-m")));

    // The hovered line is drawn thicker over the cache: more of its colour around the point.
    QTest::mouseClick(&view, Qt::LeftButton, {}, quarter);
    QCOMPARE(clicked.count(), 1);
    QCOMPARE(clicked.last().at(0).toString(), QStringLiteral("lacks-m"));

    // Away from every line: nothing hovered.
    const QPoint empty = (view.pointAt(0, 0.0) + view.pointAt(1, 0.0)).toPoint() / 2 + QPoint(0, 40);
    QVERIFY(view.runAt(empty).isEmpty());
    QTest::mouseMove(&view, empty);
    QCOMPARE(view.hoveredRunId(), QString());
    QCOMPARE(hovered.last().at(0).toString(), QString());
}

void TestParallelCoordinates::dragTitleReordersAxes()
{
    ParallelCoordinatesView view;
    QVERIFY(applyRuns(
        view, snapshot({makeRun("a", {{"x", 1}, {"y", 2}, {"z", 3}}), makeRun("b", {{"x", 2}, {"y", 1}, {"z", 0}})})));
    const ParallelAxisSpec x {Kind::Metric, QStringLiteral("x")};
    const ParallelAxisSpec y {Kind::Metric, QStringLiteral("y")};
    const ParallelAxisSpec z {Kind::Metric, QStringLiteral("z")};
    QCOMPARE(view.axes(), (QList<ParallelAxisSpec> {x, y, z})); // the default: all three vary
    view.resize(600, 360);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QSignalSpy changed(&view, &ParallelCoordinatesView::axesChanged);
    drag(&view, view.titleRect(0).center().toPoint(), view.titleRect(2).center().toPoint());
    QCOMPARE(view.axes(), (QList<ParallelAxisSpec> {y, z, x}));
    QCOMPARE(changed.count(), 1);
    // A click on a title without moving leaves the order alone.
    QTest::mouseClick(&view, Qt::LeftButton, {}, view.titleRect(1).center().toPoint());
    QCOMPARE(view.axes(), (QList<ParallelAxisSpec> {y, z, x}));
}

void TestParallelCoordinates::doubleClickTitleFlips()
{
    ParallelCoordinatesView view;
    QVERIFY(applyRuns(view, snapshot({makeRun("a", {{"x", 1}, {"y", 2}}), makeRun("b", {{"x", 2}, {"y", 1}})})));
    view.resize(500, 320);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QCOMPARE(view.runAt(view.pointAt(0, 1.0) + QPointF(2, 0)), QStringLiteral("b"));
    QTest::mouseDClick(&view, Qt::LeftButton, {}, view.titleRect(0).center().toPoint());
    QVERIFY(view.model().axis(0).flipped);
    QVERIFY(!view.model().axis(1).flipped);
    QCOMPARE(view.runAt(view.pointAt(0, 1.0) + QPointF(2, 0)), QStringLiteral("a"));
}

void TestParallelCoordinates::categoricalLabelsShownInFull()
{
    // Forty values, some long, one over two lines, one a thousand characters: all must show in full.
    std::vector<Run> runs;
    QStringList values;
    for (int i = 0; i < 40; ++i) {
        QString value = QStringLiteral("config-%1").arg(i);
        if (i % 7 == 3)
            value += QStringLiteral("-with-a-rather-long-suffix-that-needs-wrapping");
        if (i == 5)
            value = QStringLiteral("first line\nsecond line");
        if (i == 11)
            value = QString(1000, QLatin1Char('x')) + QStringLiteral("END");
        values << value;
        runs.push_back(makeRun(std::to_string(i), {{"m", i * 1.0}}, {{"config", value.toStdString()}}));
    }
    QScrollArea area;
    ParallelCoordinatesView* inArea = showInScrollArea(area, snapshot(runs),
        {{Kind::Param, QStringLiteral("config")}, {Kind::Metric, QStringLiteral("m")}}, {700, 320});
    QVERIFY(inArea);
    ParallelCoordinatesView& view = *inArea;
    // Forty labels do not fit in 320 pixels: the view grows taller and the area scrolls.
    QTRY_VERIFY(view.height() > 320);
    QTRY_COMPARE(view.height(), std::max(view.minimumHeight(), area.viewport()->height()));

    const auto labels = view.categoryLabels(0);
    QStringList shown;
    for (const auto& label : labels)
        shown << QString(label.second).remove(QChar(0x200B)); // break points are not text
    // Every value word for word, nothing merged; only the 1,003-character one is cut, to 80.
    QStringList expected;
    for (const QString& value : values)
        expected << (value.size() > 80 ? value.left(79) + QChar(0x2026) : value);
    std::sort(expected.begin(), expected.end());
    std::sort(shown.begin(), shown.end());
    QCOMPARE(shown, expected);

    const QFontMetricsF metrics(view.categoryLabelFont());
    for (int i = 0; i < labels.size(); ++i) {
        const QRectF rect = labels[i].first;
        const QRectF needed = metrics.boundingRect(
            QRectF(0, 0, rect.width(), 1e6), Qt::TextWrapAnywhere | Qt::AlignLeft, labels[i].second);
        QVERIFY2(needed.height() <= rect.height() + 0.5, qPrintable(labels[i].second.left(20)));
        QVERIFY(needed.width() <= rect.width() + 0.5);
        QVERIFY(rect.top() >= 0 && rect.bottom() <= view.height());
        for (int j = i + 1; j < labels.size(); ++j)
            QVERIFY2(!rect.intersects(labels[j].first), qPrintable(labels[i].second.left(20)));
    }
    QVERIFY(view.categoryLabelFont().pointSizeF() >= 6);
}

void TestParallelCoordinates::manyAxesKeepTitlesWhole()
{
    // 37 axes with long, realistic names in a 1,000-pixel area: each axis keeps a column its title's
    // parts fit in (the area scrolls sideways), so titles wrap between words, never inside one.
    std::vector<std::pair<std::string, double>> metrics;
    QList<ParallelAxisSpec> axes;
    for (int i = 0; i < 37; ++i) {
        const std::string key = "val/accuracy_top" + std::to_string(i) + "_epoch-end";
        metrics.emplace_back(key, i * 0.5);
        axes.push_back({Kind::Metric, QString::fromStdString(key)});
    }
    std::vector<Run> runs;
    for (int r = 0; r < 5; ++r)
        runs.push_back(makeRun(std::to_string(r), metrics, {{"note", std::string(1000, 'n')}}));
    axes.push_back({Kind::Param, QStringLiteral("note")});
    QScrollArea area;
    ParallelCoordinatesView* inArea = showInScrollArea(area, snapshot(runs), axes, {1000, 500});
    QVERIFY(inArea);
    ParallelCoordinatesView& view = *inArea;
    QTRY_VERIFY(view.width() > 1000);
    QVERIFY(area.horizontalScrollBar()->maximum() > 0);

    QFont titleFont = view.font();
    titleFont.setBold(true); // as titles are drawn
    const QFontMetricsF titleMetrics(titleFont);
    static const QRegularExpression parts(QStringLiteral("[_./: -]"));
    for (int i = 0; i < view.model().axisCount(); ++i) {
        const QRectF title = view.titleRect(i);
        QVERIFY(i == 0 || title.left() >= view.titleRect(i - 1).right());
        for (const QString& part : view.model().axis(i).spec.key.split(parts, Qt::SkipEmptyParts))
            QVERIFY2(titleMetrics.horizontalAdvance(part) <= title.width(), qPrintable(part));
    }
    // The 1,000-character value is cut to one bounded label, not a wall of text down the axis.
    const auto labels = view.categoryLabels(view.model().axisCount() - 1);
    QCOMPARE(labels.size(), 1);
    QCOMPARE(QString(labels[0].second).remove(QChar(0x200B)).size(), 80);
    QVERIFY(labels[0].first.height() < 10 * QFontMetricsF(view.categoryLabelFont()).height());

    // An export asked for at a size too narrow for 38 axes is drawn wider instead of squeezing.
    const QImage image = view.render(QSize(800, 400));
    QVERIFY(image.width() >= 38 * 96);
    QCOMPARE(image.height(), 400);
}

void TestParallelCoordinates::colourByMetricAndExports()
{
    ParallelCoordinatesView view;
    QVERIFY(applyRuns(
        view, snapshot({makeRun("worst", {{"acc", 0.1}, {"x", 0.0}}), makeRun("best", {{"acc", 0.9}, {"x", 1.0}})})));
    view.setAxes({{Kind::Metric, QStringLiteral("x")}, {Kind::Metric, QStringLiteral("acc")}});
    view.setColorMetric(QStringLiteral("acc"));
    view.resize(500, 340);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QVERIFY(waitForLines(view));
    const QImage image = view.grab().toImage();
    auto at
        = [&](double position) { return inkAt(image, (view.pointAt(0, position) + view.pointAt(1, position)) / 2); };
    // Ends of the viridis scale: dark purple for the lowest, yellow for the highest.
    QVERIFY2(near(at(0.0), QColor(0x44, 0x01, 0x54), 45), qPrintable(at(0.0).name()));
    QVERIFY2(near(at(1.0), QColor(0xfd, 0xe7, 0x25), 45), qPrintable(at(1.0).name()));

    const QImage rendered = view.render(QSize(800, 400));
    QCOMPARE(rendered.size(), QSize(800, 400));
    QTemporaryDir dir;
    const QString svg = dir.filePath(QStringLiteral("plot.svg"));
    QVERIFY(view.saveSvg(svg, QSize(800, 400)));
    QSvgRenderer renderer(svg);
    QVERIFY(renderer.isValid());
    QCOMPARE(renderer.viewBoxF(), QRectF(0, 0, 800, 400));
    QString error;
    QVERIFY(!view.saveSvg(QStringLiteral("/nonexistent-dir/plot.svg"), QSize(800, 400), &error));
    QVERIFY(error.contains(QStringLiteral("plot.svg")));
}

void TestParallelCoordinates::manyRunsAreRasterizedWhereTheDataSays()
{
    // 400 runs (beyond QPainter's share: drawn by our own rasterizer) on four levels, 100 per level.
    std::vector<Run> runs;
    for (int i = 0; i < 400; ++i)
        runs.push_back(makeRun(std::to_string(i), {{"m", i % 4}, {"n", i % 4}}));
    ParallelCoordinatesView view;
    QVERIFY(applyRuns(view, snapshot(runs)));
    view.setColorMetric(QStringLiteral("m"));
    view.resize(600, 400);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QVERIFY(waitForLines(view));
    const QColor background = view.palette().color(QPalette::Base);
    auto inkAtLevel = [&view](double position) {
        return inkAt(view.grab().toImage(), (view.pointAt(0, position) + view.pointAt(1, position)) / 2);
    };
    const QColor viridis[]
        = {QColor(0x44, 0x01, 0x54), QColor(0x32, 0x65, 0x8d), QColor(0x44, 0xb2, 0x73), QColor(0xfd, 0xe7, 0x25)};
    for (int level = 0; level < 4; ++level) {
        const QColor ink = inkAtLevel(level / 3.0);
        QVERIFY2(near(ink, viridis[level], 50), qPrintable(QStringLiteral("%1: %2").arg(level).arg(ink.name())));
    }
    // Nothing between the levels.
    QVERIFY(near(inkAtLevel(1.0 / 6.0), background, 3));
    QVERIFY(near(inkAtLevel(0.5), background, 3));

    // Brush the top level: the three others turn grey, the top keeps its colour.
    drag(&view, view.pointAt(0, 1.0).toPoint() + QPoint(0, -3), view.pointAt(0, 0.8).toPoint());
    QCOMPARE(view.model().passingCount(), 100);
    QVERIFY(waitForLines(view));
    const QColor grey = inkAtLevel(1.0 / 3.0);
    QVERIFY2(
        std::abs(grey.red() - grey.blue()) < 12 && std::abs(grey.red() - grey.green()) < 12, qPrintable(grey.name()));
    QVERIFY(near(inkAtLevel(1.0), viridis[3], 50));

    // The exported image is drawn the same way.
    const QImage exported = view.render(view.size());
    QVERIFY(near(inkAt(exported, (view.pointAt(0, 1.0) + view.pointAt(1, 1.0)) / 2), viridis[3], 50));
}

void TestParallelCoordinates::linesArriveFromAWorker()
{
    // 400 runs on two levels: the top half "high", the bottom half "low".
    std::vector<Run> runs;
    for (int i = 0; i < 400; ++i)
        runs.push_back(makeRun(std::to_string(i), {{"m", i % 2}, {"n", i % 2}}));
    ParallelCoordinatesView view;
    QVERIFY(applyRuns(view, snapshot(runs)));
    view.resize(600, 400);
    const QColor background = view.palette().color(QPalette::Base);
    auto inkAtLevel = [&view](double position) {
        return inkAt(view.grab().toImage(), (view.pointAt(0, position) + view.pointAt(1, position)) / 2);
    };
    // Shown, but the event loop has not run: nothing is drawn yet and painting does not wait for it.
    view.show();
    QVERIFY(view.lineCachePending());
    QVERIFY(near(inkAtLevel(1.0), background, 3));
    QVERIFY(waitForLines(view));
    QVERIFY(!near(inkAtLevel(1.0), background, 40));
    const QColor topColour = inkAtLevel(1.0);

    // A burst of brush changes (a drag) before the event loop runs again: until the new image
    // arrives the previous one stays; then exactly one image arrives, for the last brush.
    QSignalSpy ready(&view, &ParallelCoordinatesView::lineCacheReady);
    for (int i = 0; i < 5; ++i)
        view.setBrush(0, AxisBrush {i % 2 == 0 ? 1.0 : 0.0, i % 2 == 0 ? 1.0 : 0.0, false});
    QCOMPARE(view.model().passingCount(), 200);
    QVERIFY(view.lineCachePending());
    QVERIFY(near(inkAtLevel(1.0), topColour, 3)); // the old image: the top lines still coloured
    QVERIFY(ready.wait());
    QVERIFY(!view.lineCachePending());
    QCOMPARE(ready.count(), 1);
    // The last brush kept the top level: the bottom is grey now, the top keeps its colour.
    const QColor grey = inkAtLevel(0.0);
    QVERIFY2(
        std::abs(grey.red() - grey.blue()) < 12 && std::abs(grey.red() - grey.green()) < 12, qPrintable(grey.name()));
    QVERIFY(near(inkAtLevel(1.0), topColour, 40));

    // The synchronous path (exports) draws at once, on this thread.
    view.clearBrushes();
    QVERIFY(view.lineCachePending());
    view.renderLineCache();
    QVERIFY(!view.lineCachePending());
    QVERIFY(!near(inkAtLevel(0.0), grey, 12));
}

void TestParallelCoordinates::newRunsArriveFromAWorker()
{
    // 400 runs on two levels, the top level brushed.
    std::vector<Run> two;
    for (int i = 0; i < 400; ++i)
        two.push_back(makeRun("a" + std::to_string(i), {{"m", i % 2}, {"n", i % 2}}));
    ParallelCoordinatesView view;
    QVERIFY(applyRuns(view, snapshot(two)));
    view.setBrush(0, AxisBrush {1.0, 1.0, false});
    view.resize(600, 400);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QVERIFY(waitForLines(view));
    auto inkAtLevel = [&view](double position) {
        return inkAt(view.grab().toImage(), (view.pointAt(0, position) + view.pointAt(1, position)) / 2);
    };
    const QColor before = inkAtLevel(1.0);

    // Then new runs twice before the event loop runs: many (still being placed when the second
    // set comes), then 600 on three levels. Only the last set is ever shown.
    std::vector<Run> many;
    for (int i = 0; i < 30000; ++i)
        many.push_back(makeRun("b" + std::to_string(i), {{"m", i % 7}, {"n", i % 5}}));
    std::vector<Run> three;
    for (int i = 0; i < 600; ++i)
        three.push_back(makeRun("c" + std::to_string(i), {{"m", i % 3}, {"n", i % 3}}));
    const RunListSnapshot last = snapshot(three);
    QSignalSpy applied(&view, &ParallelCoordinatesView::runsApplied);
    QSignalSpy brushed(&view, &ParallelCoordinatesView::brushChanged);
    view.setRuns(snapshot(many));
    view.setRuns(last);
    QVERIFY(view.runsPending());
    QVERIFY(view.lineCachePending());
    // Meanwhile the previous runs stay on screen, and hovering still finds them.
    QCOMPARE(view.model().runCount(), 400);
    QVERIFY(near(inkAtLevel(1.0), before, 3));
    QVERIFY(view.runAt((view.pointAt(0, 1.0) + view.pointAt(1, 1.0)) / 2).startsWith(QLatin1Char('a')));

    QVERIFY(applied.wait());
    QCOMPARE(applied.count(), 1);
    QCOMPARE(view.model().runs(), last);
    // The brush (m = 1) carried over: it keeps the 200 runs of the middle level of the new runs.
    QCOMPARE(brushed.count(), 1);
    QSet<QString> middle;
    for (int i = 1; i < 600; i += 3)
        middle.insert(QStringLiteral("c%1").arg(i));
    QCOMPARE(view.brushedRunIds(), std::optional<QSet<QString>>(middle));
    QVERIFY(waitForLines(view));
    QVERIFY(!view.runsPending());
    QCOMPARE(applied.count(), 1); // the stale result for the 30,000 runs never arrived
    // The middle level is drawn in colour; the top one, outside the brush, is grey.
    const QColor kept = inkAtLevel(0.5);
    QVERIFY2(kept.hsvSaturation() > 60, qPrintable(kept.name()));
    const QColor grey = inkAtLevel(1.0);
    QVERIFY2(
        std::abs(grey.red() - grey.blue()) < 12 && std::abs(grey.red() - grey.green()) < 12, qPrintable(grey.name()));
}

void TestParallelCoordinates::panelExportIsAtomic()
{
    auto colouredPixels = [](const QImage& image) {
        int coloured = 0;
        for (int y = 0; y < image.height(); y += 2) {
            for (int x = 0; x < image.width(); x += 2)
                coloured += image.pixelColor(x, y).hsvSaturation() > 80 ? 1 : 0;
        }
        return coloured;
    };
    ParallelCoordinatesPanel panel;
    panel.resize(900, 520);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QSignalSpy applied(panel.view(), &ParallelCoordinatesView::runsApplied);
    panel.setRuns(sweep(200));
    // While the first runs are placed: "Loading…" and no lines, and the status says so.
    QVERIFY2(panel.statusText().contains(QStringLiteral("Placing 200 runs")), qPrintable(panel.statusText()));
    const QImage loading = panel.grab().toImage();
    QCOMPARE(colouredPixels(loading), 0);
    const QString shots = qEnvironmentVariable("RUNLENS_SCREENSHOT_DIR");
    if (!shots.isEmpty())
        QVERIFY(loading.save(QDir(shots).filePath(QStringLiteral("parallel-coordinates-loading.png"))));
    QVERIFY(applied.wait());
    QVERIFY2(panel.statusText().contains(QStringLiteral("200 runs on")), qPrintable(panel.statusText()));

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString png = dir.filePath(QStringLiteral("plot.png"));
    QString error;
    QVERIFY2(panel.exportImage(png, &error), qPrintable(error));
    const QImage image(png);
    QVERIFY(!image.isNull());
    QVERIFY(image.width() >= 800 && image.height() >= 500);
    // The lines are in it: plenty of coloured pixels, not only the background and the axes.
    const int coloured = colouredPixels(image);
    QVERIFY2(coloured > 2000, qPrintable(QString::number(coloured)));
    if (!shots.isEmpty())
        QVERIFY(QFile::copy(png, QDir(shots).filePath(QStringLiteral("parallel-coordinates-export.png"))));
    const QString svg = dir.filePath(QStringLiteral("plot.svg"));
    QVERIFY2(panel.exportImage(svg, &error), qPrintable(error));
    QVERIFY(QSvgRenderer(svg).isValid());

    // A folder where no new file can be created: an export fails and the file already there stays
    // as it was (the old export wrote straight into it). Permissions do not stop root, so there a
    // name so long that the temporary file beside it cannot be named does the same.
    QTemporaryDir locked;
    QVERIFY(locked.isValid());
    const QFileDevice::Permissions writable = QFile::permissions(locked.path());
    QVERIFY(QFile::setPermissions(locked.path(), QFileDevice::ReadOwner | QFileDevice::ExeOwner));
    QFile probe(QDir(locked.path()).filePath(QStringLiteral("probe")));
    const bool permissionsIgnored = probe.open(QIODevice::WriteOnly);
    if (permissionsIgnored)
        probe.remove();
    const QString stem = permissionsIgnored ? QString(245, QLatin1Char('p')) : QStringLiteral("plot");
    const QByteArray previous("an earlier export, not to be damaged\n");
    for (const QString& suffix : {QStringLiteral(".png"), QStringLiteral(".svg")}) {
        const QString path = QDir(locked.path()).filePath(stem + suffix);
        QVERIFY(QFile::setPermissions(locked.path(), writable));
        {
            QFile existing(path);
            QVERIFY(existing.open(QIODevice::WriteOnly));
            existing.write(previous);
        }
        QVERIFY(QFile::setPermissions(locked.path(), QFileDevice::ReadOwner | QFileDevice::ExeOwner));
        error.clear();
        QVERIFY(!panel.exportImage(path, &error));
        QVERIFY2(error.contains(stem + suffix), qPrintable(error));
        QFile kept(path);
        QVERIFY(kept.open(QIODevice::ReadOnly));
        QCOMPARE(kept.readAll(), previous);
    }
    QVERIFY(QFile::setPermissions(locked.path(), writable));
    // Nothing half-written is left beside them.
    QCOMPARE(QDir(locked.path()).entryList(QDir::Files | QDir::Hidden).size(), 2);
}

void TestParallelCoordinates::panelCsvHasExactValues()
{
    // The fixture's image runs (NaN and infinite metrics, runs lacking values), a brush on: every
    // run is a row with its exact values, read back to the same doubles and strings.
    const RunListSnapshot runs = loadFixture({"900844674041952973"});
    QVERIFY(runs);
    ParallelCoordinatesPanel panel;
    QSignalSpy applied(panel.view(), &ParallelCoordinatesView::runsApplied);
    panel.setRuns(runs);
    QVERIFY(applied.wait());
    const ParallelCoordinatesModel& model = panel.view()->model();
    QVERIFY(model.axisCount() > 2);
    int numeric = -1;
    for (int a = 0; a < model.axisCount() && numeric < 0; ++a) {
        if (!model.axis(a).categorical)
            numeric = a;
    }
    QVERIFY(numeric >= 0);
    panel.view()->setBrush(numeric, AxisBrush {model.axis(numeric).min, model.axis(numeric).min, false});
    QVERIFY(model.passingCount() > 0 && model.passingCount() < model.runCount());

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("plot.csv"));
    QString error;
    QVERIFY2(panel.exportCsv(path, &error), qPrintable(error));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    // RFC 4180: quoted fields may hold commas, quotes (doubled) and line breaks (one param has one).
    QList<QList<QByteArray>> rows {{}};
    QByteArray field;
    bool quoted = false;
    const QByteArray text = file.readAll();
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char c = text.at(i);
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text.at(i + 1) == '"')
                field += text.at(++i);
            else if (c == '"')
                quoted = false;
            else
                field += c;
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',' || c == '\n') {
            rows.back().push_back(std::exchange(field, {}));
            if (c == '\n')
                rows.push_back({});
        } else {
            field += c;
        }
    }
    QVERIFY(rows.back().isEmpty() && field.isEmpty());
    rows.pop_back();
    QCOMPARE(rows.size(), model.runCount() + 1);
    const QList<QByteArray>& header = rows.front();
    QCOMPARE(header.size(), model.axisCount() + 3);
    int checked = 0;
    for (int run = 0; run < model.runCount(); ++run) {
        const QList<QByteArray>& fields = rows.at(run + 1);
        QCOMPARE(fields.size(), header.size());
        QCOMPARE(QString::fromUtf8(fields.at(0)), model.runId(run));
        QCOMPARE(fields.at(2), QByteArray(model.passes(run) ? "true" : "false"));
        const Run& r = runs->runs.at(static_cast<std::size_t>(model.indexOfRun(model.runId(run))));
        for (int a = 0; a < model.axisCount(); ++a) {
            const ParallelAxisSpec& spec = model.axis(a).spec;
            const QByteArray& field = fields.at(a + 3);
            const std::string key = spec.key.toStdString();
            if (spec.kind == ParallelAxisSpec::Kind::Metric) {
                QCOMPARE(header.at(a + 3), (QStringLiteral("metrics.") + spec.key).toUtf8());
                const Metric* m = r.metric(key);
                QCOMPARE(field.isEmpty(), m == nullptr);
                if (m) {
                    const double back = std::stod(field.toStdString());
                    QVERIFY2(
                        back == m->point.value || (std::isnan(back) && std::isnan(m->point.value)), field.constData());
                    ++checked;
                }
            } else {
                const std::string* p = r.param(key);
                QCOMPARE(field.toStdString(), p ? *p : std::string());
            }
        }
    }
    QVERIFY(checked > 0);
}

void TestParallelCoordinates::screenshot()
{
    // A sweep of 400 runs, coloured by accuracy, with a brush on the learning rate.
    ParallelCoordinatesView view;
    const RunListSnapshot runs = sweep(400);
    QVERIFY(applyRuns(view, runs));
    view.setAxes({{Kind::Param, QStringLiteral("optimizer")}, {Kind::Param, QStringLiteral("lr")},
        {Kind::Param, QStringLiteral("batch_size")}, {Kind::Param, QStringLiteral("dropout")},
        {Kind::Metric, QStringLiteral("val_loss")}, {Kind::Metric, QStringLiteral("val_accuracy")}});
    view.setAxisScale(1, ParallelAxisScale::Log);
    view.setColorMetric(QStringLiteral("val_accuracy"));
    view.resize(1000, 480);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QVERIFY(waitForLines(view));
    drag(&view, view.pointAt(1, 0.7).toPoint(), view.pointAt(1, 0.35).toPoint());
    QVERIFY(view.brushedRunIds());
    QVERIFY(waitForLines(view));
    QTest::mouseMove(&view,
        ((view.pointAt(4, view.model().position(4, 3)) + view.pointAt(5, view.model().position(5, 3))) / 2).toPoint());
    const QImage image = view.grab().toImage();
    QVERIFY(!image.isNull());
    const QString dir = qEnvironmentVariable("RUNLENS_SCREENSHOT_DIR");
    if (!dir.isEmpty())
        QVERIFY(image.save(QDir(dir).filePath(QStringLiteral("parallel-coordinates.png"))));
}

QTEST_MAIN(TestParallelCoordinates)
#include "tst_parallelcoordinates.moc"
