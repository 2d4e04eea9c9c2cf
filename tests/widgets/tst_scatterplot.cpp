// SPDX-License-Identifier: Apache-2.0
// The scatter plot offscreen: dots drawn in their colour where the data says, pixel <-> data mapping,
// clicks and hovers finding the run under the pointer (the grid index agrees with a full scan on
// 20,000 points), the table's selection drawn larger, log axes, colour by a metric, exports, and the
// panel's toolbar and left-out counts on the fixture store.
#include "fixtureruns.h"
#include "runcolors.h"
#include "scatterpanel.h"
#include "scatterplotview.h"
#include "storefactory.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QImage>
#include <QImageReader>
#include <QRandomGenerator>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QSvgRenderer>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>

using namespace runlens;
using runlens::test::loadFixture;

namespace {

const std::string kImageClassification = "900844674041952973";

ScatterField metric(const char* key)
{
    return {ScatterFieldKind::Metric, QString::fromUtf8(key)};
}

ScatterField param(const char* key)
{
    return {ScatterFieldKind::Param, QString::fromUtf8(key)};
}

Run makeRun(const std::string& id, const std::string& name, std::vector<Metric> metrics)
{
    Run run;
    run.info.runId = id;
    run.info.runName = name;
    std::sort(metrics.begin(), metrics.end(), [](const Metric& a, const Metric& b) { return a.key < b.key; });
    run.metrics = std::move(metrics);
    return run;
}

Metric m(const char* key, double value)
{
    return {key, {0, value, 0}};
}

// Four runs at the corners and middle of a square, plus one far off to stretch nothing.
RunListSnapshot squareRuns()
{
    auto list = std::make_shared<RunList>();
    list->runs.push_back(makeRun("r-low", "low", {m("x", 0.0), m("y", 0.0), m("c", 1.0)}));
    list->runs.push_back(makeRun("r-high", "high", {m("x", 10.0), m("y", 10.0), m("c", 3.0)}));
    list->runs.push_back(makeRun("r-mid", "mid", {m("x", 5.0), m("y", 5.0), m("c", 2.0)}));
    list->runs.push_back(makeRun("r-right", "right", {m("x", 10.0), m("y", 0.0)}));
    return list;
}

std::shared_ptr<const ScatterData> build(const RunListSnapshot& runs, const ScatterField& colour = {},
    bool logX = false, bool logY = false, const ScatterField& x = metric("x"), const ScatterField& y = metric("y"))
{
    return std::make_shared<const ScatterData>(ScatterData::build(runs, x, y, colour, logX, logY));
}

bool near(const QColor& a, const QColor& b, int tolerance)
{
    return std::abs(a.red() - b.red()) + std::abs(a.green() - b.green()) + std::abs(a.blue() - b.blue()) <= tolerance;
}

int colouredPixels(const QImage& image, QPointF at, const QColor& colour, int radius = 2, int tolerance = 40)
{
    int count = 0;
    for (int y = int(at.y()) - radius; y <= int(at.y()) + radius; ++y) {
        for (int x = int(at.x()) - radius; x <= int(at.x()) + radius; ++x) {
            if (image.rect().contains(x, y) && near(image.pixelColor(x, y), colour, tolerance))
                ++count;
        }
    }
    return count;
}

// Pixels near `at` much darker than the background, the grid or a dot's fill.
int darkPixels(const QImage& image, QPointF at, int radius = 2)
{
    int count = 0;
    for (int y = int(at.y()) - radius; y <= int(at.y()) + radius; ++y) {
        for (int x = int(at.x()) - radius; x <= int(at.x()) + radius; ++x) {
            const QColor c = image.pixelColor(x, y);
            count += image.rect().contains(x, y) && c.red() + c.green() + c.blue() < 330;
        }
    }
    return count;
}

} // namespace

class TestScatterPlot : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void dotsDrawnWhereDataSays();
    void pixelDataRoundTrip();
    void clickEmitsRunUnderPointer();
    void hoverShowsValuesWithoutRedrawingPlot();
    void highlightedRunsLargerAndOnTop();
    void gridIndexAgreesWithScan();
    void logAxesSpaceDecadesEvenly();
    void colourByMetricWithLegend();
    void colourByCategory();
    void emptyPlotSaysWhy();
    void exportsOpen();
    void panelOnFixture();
    void panelControlsDriveThePlot();
    void panelSettingsRoundTrip();
    void screenshot();
};

void TestScatterPlot::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
}

void TestScatterPlot::dotsDrawnWhereDataSays()
{
    ScatterPlotView view;
    view.resize(600, 400);
    view.setData(build(squareRuns()));
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    const QImage image = view.grab().toImage();
    const QRectF plot = view.plotRect();
    QVERIFY(plot.width() > 400 && plot.height() > 250);

    const QPointF low = view.dataToPixel(0, 0);
    const QPointF high = view.dataToPixel(10, 10);
    const QPointF right = view.dataToPixel(10, 0);
    // Bottom-left, top-right, bottom-right of the plot, inside its margins.
    QVERIFY(plot.contains(low) && plot.contains(high) && plot.contains(right));
    QVERIFY(low.x() < plot.left() + plot.width() * 0.1 && low.y() > plot.bottom() - plot.height() * 0.1);
    QVERIFY(high.x() > plot.right() - plot.width() * 0.1 && high.y() < plot.top() + plot.height() * 0.1);
    QCOMPARE(right.x(), high.x());
    QCOMPARE(right.y(), low.y());
    // Each dot in its run's colour at its place, and not in an empty corner.
    for (const auto& [id, at] : {std::pair {"r-low", low}, {"r-high", high}, {"r-right", right}})
        QVERIFY2(colouredPixels(image, at, runColor(id)) >= 5, id);
    QCOMPARE(colouredPixels(image, view.dataToPixel(0, 10), runColor("r-low"), 4), 0);
    // Ticks: nice numbers covering the data.
    QVERIFY(view.xTicks().contains(0.0) && view.xTicks().contains(10.0));
    QVERIFY(view.yTicks().contains(0.0) && view.yTicks().contains(10.0));
}

void TestScatterPlot::pixelDataRoundTrip()
{
    ScatterPlotView view;
    view.resize(500, 350);
    view.setData(build(squareRuns()));
    for (const auto& [x, y] : {std::pair {0.0, 0.0}, {3.3, 7.1}, {10.0, 10.0}, {-0.2, 10.4}}) {
        const QPointF back = view.pixelToData(view.dataToPixel(x, y));
        QVERIFY(std::abs(back.x() - x) < 1e-9);
        QVERIFY(std::abs(back.y() - y) < 1e-9);
    }
    // Bigger x is further right, bigger y further up.
    QVERIFY(view.dataToPixel(6, 0).x() > view.dataToPixel(5, 0).x());
    QVERIFY(view.dataToPixel(0, 6).y() < view.dataToPixel(0, 5).y());
    // After a resize the dots move with the plot.
    const QPointF before = view.dataToPixel(10, 10);
    view.resize(800, 600);
    QVERIFY(view.dataToPixel(10, 10).x() > before.x() + 200);
    QCOMPARE(view.runAt(view.dataToPixel(10, 10)), QStringLiteral("r-high"));
}

void TestScatterPlot::clickEmitsRunUnderPointer()
{
    ScatterPlotView view;
    view.resize(600, 400);
    view.setData(build(squareRuns()));
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QSignalSpy clicked(&view, &ScatterPlotView::runClicked);

    QTest::mouseClick(&view, Qt::LeftButton, {}, view.dataToPixel(5, 5).toPoint());
    QCOMPARE(clicked.size(), 1);
    QCOMPARE(clicked.takeFirst().at(0).toString(), QStringLiteral("r-mid"));

    // A few pixels off still hits; the nearest dot wins.
    QTest::mouseClick(&view, Qt::LeftButton, {}, (view.dataToPixel(10, 0) + QPointF(3, -3)).toPoint());
    QCOMPARE(clicked.size(), 1);
    QCOMPARE(clicked.takeFirst().at(0).toString(), QStringLiteral("r-right"));

    // Empty space: nothing.
    QTest::mouseClick(&view, Qt::LeftButton, {}, view.dataToPixel(2.5, 7.5).toPoint());
    QCOMPARE(clicked.size(), 0);
    // Right button: nothing.
    QTest::mouseClick(&view, Qt::RightButton, {}, view.dataToPixel(5, 5).toPoint());
    QCOMPARE(clicked.size(), 0);
}

void TestScatterPlot::hoverShowsValuesWithoutRedrawingPlot()
{
    ScatterPlotView view;
    view.resize(600, 400);
    view.setData(build(squareRuns(), metric("c")));
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QTRY_VERIFY(view.layerRenderCount() > 0);
    const int renders = view.layerRenderCount();
    const QImage plain = view.grab().toImage();

    const QPointF mid = view.dataToPixel(5, 5);
    QTest::mouseMove(&view, mid.toPoint());
    QTRY_COMPARE(view.hoveredPoint() >= 0, true);
    QCOMPARE(view.data()->points()[std::size_t(view.hoveredPoint())].runId, QStringLiteral("r-mid"));
    QCOMPARE(view.hoverText(), QStringLiteral("mid\nx: 5\ny: 5\nc: 2"));
    // The hovered dot gets a dark ring drawn over the cached plot, which is not redrawn for it.
    const QImage hovered = view.grab().toImage();
    QVERIFY(darkPixels(plain, mid + QPointF(8.5, 0)) == 0);
    QVERIFY(darkPixels(hovered, mid + QPointF(8.5, 0)) > 0);
    QCOMPARE(view.layerRenderCount(), renders);

    QTest::mouseMove(&view, view.dataToPixel(2.5, 7.5).toPoint());
    QTRY_COMPARE(view.hoveredPoint(), -1);
    QVERIFY(view.hoverText().isEmpty());
    QCOMPARE(view.layerRenderCount(), renders);
}

void TestScatterPlot::highlightedRunsLargerAndOnTop()
{
    // Two runs at the same place: the highlighted one is drawn on top and is the one a click finds.
    auto list = std::make_shared<RunList>();
    list->runs.push_back(makeRun("under", "under", {m("x", 1), m("y", 1)}));
    list->runs.push_back(makeRun("over", "over", {m("x", 1), m("y", 1)}));
    list->runs.push_back(makeRun("other", "other", {m("x", 2), m("y", 3)}));
    ScatterPlotView view;
    view.resize(500, 400);
    view.setData(build(list));
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    const QPointF at = view.dataToPixel(1, 1);
    QCOMPARE(view.runAt(at), QStringLiteral("over")); // drawn last
    const QImage plain = view.grab().toImage();
    // 5 px out from the centre is outside a plain dot.
    QCOMPARE(colouredPixels(plain, at + QPointF(5, 0), QColor(20, 20, 20), 0, 60), 0);

    view.hoverAt(at);
    QCOMPARE(view.hoverText(), QStringLiteral("over\nx: 1\ny: 1\nand 1 more run here"));
    view.clearHover();

    view.setHighlightedRuns({QStringLiteral("under")});
    QCOMPARE(view.runAt(at), QStringLiteral("under"));
    QSignalSpy clicked(&view, &ScatterPlotView::runClicked);
    QTest::mouseClick(&view, Qt::LeftButton, {}, at.toPoint());
    QCOMPARE(clicked.size(), 1);
    QCOMPARE(clicked.at(0).at(0).toString(), QStringLiteral("under"));
    const QImage highlighted = view.grab().toImage();
    // Larger (its colour reaches 4 px out) with a dark outline around it.
    QVERIFY(colouredPixels(highlighted, at + QPointF(4, 0), runColor("under"), 0, 60) > 0);
    QVERIFY(colouredPixels(highlighted, at + QPointF(6, 0), QColor(20, 20, 20), 1, 120) > 0);
}

void TestScatterPlot::gridIndexAgreesWithScan()
{
    // 20,000 runs in clusters (many overlaps) and a uniform spread.
    auto list = std::make_shared<RunList>();
    QRandomGenerator random(42);
    for (int i = 0; i < 20000; ++i) {
        const bool cluster = i % 3 == 0;
        const double x = cluster ? 0.3 + random.generateDouble() * 0.01 : random.generateDouble();
        const double y = cluster ? 0.6 + random.generateDouble() * 0.01 : random.generateDouble();
        list->runs.push_back(makeRun("run" + std::to_string(i), "run " + std::to_string(i), {m("x", x), m("y", y)}));
    }
    ScatterPlotView view;
    view.resize(900, 600);
    view.setData(build(list));
    QSet<QString> selected;
    for (int i = 0; i < 20000; i += 97)
        selected.insert(QStringLiteral("run%1").arg(i));
    view.setHighlightedRuns(selected);
    QCOMPARE(int(view.data()->points().size()), 20000);

    int hits = 0;
    const QRectF plot = view.plotRect();
    for (int k = 0; k < 3000; ++k) {
        const QPointF pos(plot.left() - 10 + random.generateDouble() * (plot.width() + 20),
            plot.top() - 10 + random.generateDouble() * (plot.height() + 20));
        const int byIndex = view.pointAt(pos);
        QCOMPARE(byIndex, view.pointAtByScan(pos));
        hits += byIndex >= 0;
    }
    QVERIFY(hits > 1000); // the comparison covered real hits, not just empty space
    // Exactly on a dot finds that dot (or one drawn over it at the same place).
    const ScatterPoint& p = view.data()->points()[12345];
    const int found = view.pointAt(view.dataToPixel(p.x, p.y));
    QVERIFY(found >= 0);
    const QPointF d
        = view.dataToPixel(view.data()->points()[std::size_t(found)].x, view.data()->points()[std::size_t(found)].y)
        - view.dataToPixel(p.x, p.y);
    QVERIFY(std::hypot(d.x(), d.y()) <= ScatterPlotView::kHitRadius);
}

void TestScatterPlot::logAxesSpaceDecadesEvenly()
{
    auto list = std::make_shared<RunList>();
    list->runs.push_back(makeRun("a", "a", {m("x", 1), m("y", 1e-4)}));
    list->runs.push_back(makeRun("b", "b", {m("x", 10), m("y", 1e-2)}));
    list->runs.push_back(makeRun("c", "c", {m("x", 100), m("y", 1)}));
    list->runs.push_back(makeRun("z", "zero", {m("x", 0), m("y", 1)}));
    ScatterPlotView view;
    view.resize(600, 400);
    view.setData(build(list, {}, true, true));
    QCOMPARE(int(view.data()->points().size()), 3); // x = 0 cannot go on a log axis
    const QPointF a = view.dataToPixel(1, 1e-4);
    const QPointF b = view.dataToPixel(10, 1e-2);
    const QPointF c = view.dataToPixel(100, 1);
    QVERIFY(std::abs((b.x() - a.x()) - (c.x() - b.x())) < 1e-6);
    QVERIFY(std::abs((a.y() - b.y()) - (b.y() - c.y())) < 1e-6);
    QVERIFY(view.xTicks().contains(1.0) && view.xTicks().contains(10.0) && view.xTicks().contains(100.0));
    QVERIFY(view.yTicks().contains(1e-4) && view.yTicks().contains(1e-2));
    QCOMPARE(view.runAt(b), QStringLiteral("b"));
}

void TestScatterPlot::colourByMetricWithLegend()
{
    ScatterPlotView view;
    view.resize(600, 400);
    view.setData(build(squareRuns()));
    const double fullWidth = view.plotRect().width();
    view.setData(build(squareRuns(), metric("c")));
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    // The legend takes room on the right.
    QVERIFY(view.plotRect().width() < fullWidth - 40);
    const QImage image = view.grab().toImage();
    // Lowest c at the dark end of the scale, highest at the bright end, a run without c grey.
    QVERIFY(colouredPixels(image, view.dataToPixel(0, 0), ScatterPlotView::scaleColour(0.0)) >= 5);
    QVERIFY(colouredPixels(image, view.dataToPixel(10, 10), ScatterPlotView::scaleColour(1.0)) >= 5);
    QVERIFY(colouredPixels(image, view.dataToPixel(5, 5), ScatterPlotView::scaleColour(0.5)) >= 5);
    QVERIFY(colouredPixels(image, view.dataToPixel(10, 0), QColor(175, 175, 175)) >= 5);
    // The scale bar: bright at the top, dark at the bottom, right of the plot.
    const QRectF plot = view.plotRect();
    bool bright = false;
    bool dark = false;
    for (int x = int(plot.right()) + 5; x < view.width(); ++x) {
        bright = bright || near(image.pixelColor(x, int(plot.top() + 12)), ScatterPlotView::scaleColour(1.0), 60);
        dark = dark || near(image.pixelColor(x, int(plot.bottom() - 12)), ScatterPlotView::scaleColour(0.0), 60);
    }
    QVERIFY(bright && dark);
}

void TestScatterPlot::colourByCategory()
{
    auto list = std::make_shared<RunList>();
    for (int i = 0; i < 6; ++i) {
        Run run = makeRun("r" + std::to_string(i), "run" + std::to_string(i), {m("x", i), m("y", i * i)});
        run.params = {{"optimizer", i % 2 ? "sgd" : "adam"}};
        list->runs.push_back(run);
    }
    ScatterPlotView view;
    view.resize(600, 400);
    view.setData(build(list, param("optimizer")));
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QVERIFY(view.data()->colourCategorical());
    const QImage image = view.grab().toImage();
    // adam (index 0) and sgd (index 1) in their category colours.
    QVERIFY(colouredPixels(image, view.dataToPixel(2, 4), ScatterPlotView::categoryColour(0)) >= 5);
    QVERIFY(colouredPixels(image, view.dataToPixel(3, 9), ScatterPlotView::categoryColour(1)) >= 5);
    QVERIFY(colouredPixels(image, view.dataToPixel(3, 9), ScatterPlotView::categoryColour(0)) == 0);
    // The legend lists both, each with a dot of its colour right of the plot.
    int legendDots = 0;
    for (int x = int(view.plotRect().right()) + 5; x < view.width(); ++x) {
        for (int y = int(view.plotRect().top()); y < int(view.plotRect().top()) + 60; ++y)
            legendDots += near(image.pixelColor(x, y), ScatterPlotView::categoryColour(1), 30);
    }
    QVERIFY(legendDots > 5);
    view.hoverAt(view.dataToPixel(3, 9));
    QCOMPARE(view.hoverText(), QStringLiteral("run3\nx: 3\ny: 9\noptimizer (param): sgd"));

    ScatterPanel panel;
    panel.setRuns(list);
    QVERIFY(panel.colourFields().contains(param("optimizer")));
    QVERIFY(!panel.fields().contains(param("optimizer")));
}

void TestScatterPlot::emptyPlotSaysWhy()
{
    ScatterPlotView view;
    view.resize(400, 300);
    auto list = std::make_shared<RunList>();
    list->runs.push_back(makeRun("a", "a", {m("x", 1)}));
    view.setData(build(list));
    QVERIFY(view.data()->points().empty());
    QCOMPARE(view.runAt(view.plotRect().center()), QString());
    // Drawing without points (or data) must not fail.
    QVERIFY(!view.grab().isNull());
    view.setData(nullptr);
    QVERIFY(!view.grab().isNull());
}

void TestScatterPlot::exportsOpen()
{
    QTemporaryDir dir;
    ScatterPlotView view;
    view.resize(640, 420);
    view.setData(build(squareRuns(), metric("c")));
    const QString png = dir.filePath(QStringLiteral("scatter.png"));
    QString error;
    QVERIFY2(view.savePng(png, &error), qPrintable(error));
    QImageReader reader(png);
    QCOMPARE(reader.size(), QSize(1280, 840)); // twice the widget size
    const QImage image = reader.read();
    const QPointF high = view.dataToPixel(10, 10) * 2;
    QVERIFY(colouredPixels(image, high, ScatterPlotView::scaleColour(1.0), 3) >= 10);

    const QString svg = dir.filePath(QStringLiteral("scatter.svg"));
    QVERIFY2(view.saveSvg(svg, &error), qPrintable(error));
    QSvgRenderer renderer(svg);
    QVERIFY(renderer.isValid());
    QFile file(svg);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray text = file.readAll();
    QCOMPARE(text.count("<circle"), 4); // each dot a shape, not an embedded image
    QVERIFY(!text.contains("<image"));

    QVERIFY(!view.savePng(dir.filePath(QStringLiteral("missing/dir/x.png")), &error));
    QVERIFY(error.contains(QStringLiteral("missing/dir")));
}

void TestScatterPlot::panelOnFixture()
{
    const RunListSnapshot runs = loadFixture({kImageClassification});
    QVERIFY(runs);
    ScatterPanel panel;
    panel.resize(900, 600);
    panel.setRuns(runs);
    // Default: the first metric against the first numeric param.
    QCOMPARE(panel.yField(), metric("acc"));
    QCOMPARE(panel.xField(), param("batch_size"));

    panel.setXField(param("lr"));
    panel.setYField(metric("loss"));
    QCOMPARE(panel.statusText(), QStringLiteral("3 of 14 runs plotted. 11 runs lack lr (param); 8 runs lack loss."));
    QCOMPARE(int(panel.view()->data()->points().size()), 3);

    QSignalSpy clicked(&panel, &ScatterPanel::runClicked);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    const ScatterPoint* trial1 = nullptr;
    for (const ScatterPoint& p : panel.view()->data()->points()) {
        if (p.runName == QStringLiteral("trial-1"))
            trial1 = &p;
    }
    QVERIFY(trial1);
    const QString trial1Id = trial1->runId;
    QTest::mouseClick(panel.view(), Qt::LeftButton, {}, panel.view()->dataToPixel(trial1->x, trial1->y).toPoint());
    QCOMPARE(clicked.size(), 1);
    QCOMPARE(clicked.at(0).at(0).toString(), trial1Id);

    // CSV of what is plotted, with every digit.
    QTemporaryDir dir;
    const QString csv = dir.filePath(QStringLiteral("points.csv"));
    QString error;
    QVERIFY2(panel.exportCsv(csv, &error), qPrintable(error));
    QFile file(csv);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QStringList lines = QString::fromUtf8(file.readAll()).split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 4);
    QCOMPARE(lines[0], QStringLiteral("run_id,run_name,x:param:lr,y:metric:loss,colour:run"));
    QVERIFY(lines.contains(
        trial1Id + QStringLiteral(",trial-1,0.01,1.7796327849345799,") + runColor(trial1Id.toStdString()).name()));

    // Non-finite values are counted, not plotted.
    panel.setXField(metric("int_metric"));
    panel.setYField(metric("inf_last"));
    QVERIFY(panel.statusText().contains(QStringLiteral("1 run has a NaN or infinite inf_last")));
    QVERIFY(panel.view()->data()->points().empty());

    // New runs keep the choice while they still have the fields.
    panel.setXField(param("lr"));
    panel.setYField(metric("loss"));
    panel.setRuns(loadFixture({kImageClassification}));
    QCOMPARE(panel.xField(), param("lr"));
    QCOMPARE(panel.yField(), metric("loss"));
}

void TestScatterPlot::panelControlsDriveThePlot()
{
    ScatterPanel panel;
    panel.setRuns(squareRuns());
    const QList<QComboBox*> combos = panel.findChildren<QComboBox*>();
    QCOMPARE(combos.size(), 3);
    QComboBox* xBox = combos.at(0);
    QComboBox* yBox = combos.at(1);
    QComboBox* colourBox = combos.at(2);
    // Every numeric field is offered on the axes; the colour box also offers the run colour.
    QCOMPARE(xBox->findData(QStringLiteral("metric:c")) >= 0, true);
    QCOMPARE(colourBox->itemText(0), QStringLiteral("Run colour"));

    xBox->setCurrentIndex(xBox->findData(QStringLiteral("metric:y")));
    yBox->setCurrentIndex(yBox->findData(QStringLiteral("metric:x")));
    colourBox->setCurrentIndex(colourBox->findData(QStringLiteral("metric:c")));
    QCOMPARE(panel.xField(), metric("y"));
    QCOMPARE(panel.yField(), metric("x"));
    QCOMPARE(panel.colourField(), metric("c"));
    QCOMPARE(panel.view()->data()->xField(), metric("y"));
    QCOMPARE(panel.view()->data()->colourField(), metric("c"));
    QVERIFY(panel.statusText().contains(QStringLiteral("1 plotted run lacks c (grey)")));

    const QList<QCheckBox*> checks = panel.findChildren<QCheckBox*>();
    QCOMPARE(checks.size(), 2);
    checks.at(0)->setChecked(true); // log X: the runs at y = 0 cannot be placed
    QVERIFY(panel.logX());
    QVERIFY(panel.view()->data()->logX());
    QCOMPARE(int(panel.view()->data()->points().size()), 2);
    QVERIFY(panel.statusText().startsWith(QStringLiteral("2 of 4 runs plotted. 2 runs have a y \u2264 0 (log scale)")));

    panel.setHighlightedRuns({QStringLiteral("r-high")});
    QCOMPARE(panel.view()->highlightedRuns(), QSet<QString> {QStringLiteral("r-high")});
}

void TestScatterPlot::panelSettingsRoundTrip()
{
    QTemporaryDir dir;
    QSettings settings(dir.filePath(QStringLiteral("s.ini")), QSettings::IniFormat);
    {
        ScatterPanel panel;
        panel.setRuns(squareRuns());
        panel.setXField(metric("c"));
        panel.setColourField(metric("x"));
        panel.setLogY(true);
        panel.saveSettings(settings);
    }
    ScatterPanel restored;
    restored.restoreSettings(settings);
    restored.setRuns(squareRuns());
    QCOMPARE(restored.xField(), metric("c"));
    QCOMPARE(restored.colourField(), metric("x"));
    QVERIFY(restored.logY());
}

void TestScatterPlot::screenshot()
{
    // Set RUNLENS_SCREENSHOT=/path/file.png to look at the panel on a 3,000-run sweep.
    const QString path = qEnvironmentVariable("RUNLENS_SCREENSHOT");
    if (path.isEmpty())
        QSKIP("RUNLENS_SCREENSHOT not set");
    auto list = std::make_shared<RunList>();
    QRandomGenerator random(7);
    QSet<QString> selected;
    for (int i = 0; i < 3000; ++i) {
        const double lr = std::pow(10.0, -5.0 + 4.0 * random.generateDouble());
        const double depth = 2 + random.bounded(10);
        const double best = std::abs(std::log10(lr) + 2.7);
        const double loss = 0.25 + 0.12 * best * best + 0.02 * (12 - depth) + 0.08 * random.generateDouble();
        const std::string id = "sweep" + std::to_string(i);
        Run run = makeRun(id, "sweep-" + std::to_string(i), {m("val/loss", loss), m("train/epochs", depth * 10)});
        char lrText[32];
        std::snprintf(lrText, sizeof lrText, "%.6g", lr);
        run.params = {{"depth", std::to_string(int(depth))}, {"lr", lrText}};
        list->runs.push_back(run);
        if (i % 400 == 0)
            selected.insert(QString::fromStdString(id));
    }
    list->runs.push_back(makeRun("nolr", "baseline", {m("val/loss", 1.0)}));
    ScatterPanel panel;
    panel.resize(1000, 620);
    panel.setRuns(list);
    panel.setXField(param("lr"));
    panel.setYField(metric("val/loss"));
    panel.setColourField(param("depth"));
    panel.setLogX(true);
    panel.setHighlightedRuns(selected);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    const ScatterPoint& p = panel.view()->data()->points()[800];
    panel.view()->hoverAt(panel.view()->dataToPixel(p.x, p.y));
    QVERIFY(panel.grab().save(path));
}

QTEST_MAIN(TestScatterPlot)
#include "tst_scatterplot.moc"
