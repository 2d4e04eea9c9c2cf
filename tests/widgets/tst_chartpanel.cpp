// SPDX-License-Identifier: Apache-2.0
// The chart grid as a whole: with many runs charted, each chart's own legend would cut the names
// short, so the panel lists every run once beside the grid, in full, with a search box, and a tick
// there hides a run in every chart; an x axis that leaves runs out says so.
#include "chartlegend.h"
#include "metricchartpanel.h"
#include "metricchartview.h"
#include "runcolors.h"

#include <QChart>
#include <QLegend>
#include <QLineEdit>
#include <QListWidget>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace runlens;

namespace {

HistoryPtr rising(int n, double slope)
{
    std::vector<MetricPoint> points(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i)
        points[static_cast<std::size_t>(i)] = {1735689600000 + 1000 * i, slope * i, i};
    return std::make_shared<const std::vector<MetricPoint>>(std::move(points));
}

QList<ChartRun> sweep(int count)
{
    QList<ChartRun> runs;
    for (int i = 0; i < count; ++i) {
        ChartRun r;
        r.runId = QStringLiteral("id%1").arg(i);
        r.name = QStringLiteral("resnet50-sweep-lr-%1-warmup-cosine").arg(i, 2, 10, QLatin1Char('0'));
        r.colour = runPaletteColor(i);
        for (const QString& key : {QStringLiteral("loss"), QStringLiteral("val/acc")})
            r.histories.insert(key, rising(50, 0.1 * (i + 1)));
        r.metricKeys = {QStringLiteral("loss"), QStringLiteral("val/acc")};
        runs.append(r);
    }
    return runs;
}

// Charts these runs in a panel on screen; false when it was never exposed.
bool showRuns(MetricChartPanel& panel, const QList<ChartRun>& runs)
{
    panel.resize(1000, 700);
    panel.setRuns(runs);
    panel.show();
    return QTest::qWaitForWindowExposed(&panel);
}

} // namespace

class TestChartPanel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void fewRunsKeepEachChartsLegend();
    void manyRunsShareOneLegendWithFullNames();
    void xMetricNoRunLoggedIsSaid();
    void hoverInLegendHighlightsARun();
};

void TestChartPanel::fewRunsKeepEachChartsLegend()
{
    MetricChartPanel panel;
    QVERIFY(showRuns(panel, sweep(3)));
    QTRY_VERIFY(
        panel.chart(QStringLiteral("loss")) && panel.chart(QStringLiteral("loss"))->legendEntries().size() == 3);
    QVERIFY(panel.legend()->isHidden());
    for (MetricChartView* chart : panel.charts())
        QVERIFY(chart->isLegendShown() && chart->chart()->legend()->isVisible());
}

void TestChartPanel::manyRunsShareOneLegendWithFullNames()
{
    const QList<ChartRun> runs = sweep(20);
    MetricChartPanel panel;
    QVERIFY(showRuns(panel, runs));
    ChartLegend* legend = panel.legend();
    QTRY_VERIFY(legend->isVisible());
    for (MetricChartView* chart : panel.charts())
        QVERIFY(!chart->isLegendShown() && !chart->chart()->legend()->isVisible());

    // Every run once, in the order given, and its whole name fits the list.
    QStringList names;
    for (const ChartRun& r : runs)
        names << r.name;
    QCOMPARE(legend->visibleLabels(), names);
    QListWidget* list = legend->list();
    const int textRoom = list->viewport()->width() - list->iconSize().width() - 3 * list->fontMetrics().height();
    QVERIFY2(list->fontMetrics().horizontalAdvance(names.first()) <= textRoom,
        qPrintable(QStringLiteral("%1 px of text, %2 px of room")
                       .arg(list->fontMetrics().horizontalAdvance(names.first()))
                       .arg(textRoom)));
    // 20 runs, 20 different colours, as in the table.
    QSet<QRgb> colours;
    for (const ChartLegend::Entry& e : legend->entries())
        colours.insert(e.colour.rgb());
    QCOMPARE(colours.size(), 20);

    // The search narrows the list; a tick hides the run in every chart, and the chart's hiding shows.
    QTest::keyClicks(legend->searchEdit(), QStringLiteral("lr-07"));
    QCOMPARE(legend->visibleLabels(), QStringList {names.at(7)});
    QListWidgetItem* item = list->item(7);
    QCOMPARE(item->checkState(), Qt::Checked);
    item->setCheckState(Qt::Unchecked);
    for (MetricChartView* chart : panel.charts())
        QVERIFY(chart->isRunHidden(QStringLiteral("id7")));
    item->setCheckState(Qt::Checked);
    for (MetricChartView* chart : panel.charts())
        QVERIFY(!chart->isRunHidden(QStringLiteral("id7")));
    legend->searchEdit()->clear();
    QCOMPARE(legend->visibleLabels().size(), 20);
}

void TestChartPanel::xMetricNoRunLoggedIsSaid()
{
    QList<ChartRun> runs = sweep(3);
    runs[0].metricKeys << QStringLiteral("epoch");
    runs[0].histories.insert(QStringLiteral("epoch"), rising(50, 1.0));
    MetricChartPanel panel;
    QVERIFY(showRuns(panel, runs));
    QCOMPARE(panel.note(), QString()); // by step every run has an x

    ChartSettings settings = panel.settings();
    settings.xAxis = XAxisKind::Metric;
    settings.xMetric = QStringLiteral("epoch");
    panel.setSettings(settings);
    QCOMPARE(
        panel.note(), QStringLiteral("2 of the 3 selected runs did not log epoch and are left out of these charts."));
    settings.xMetric = QStringLiteral("wall_clock");
    panel.setSettings(settings);
    QVERIFY2(panel.note().startsWith(QStringLiteral("None of the selected runs logged wall_clock")),
        qPrintable(panel.note()));
    settings.xAxis = XAxisKind::Step;
    panel.setSettings(settings);
    QCOMPARE(panel.note(), QString());
}

namespace {

// Pixels of the plot within a small distance of `colour`.
int pixelsOf(MetricChartView* chart, const QColor& colour)
{
    const QImage image = chart->grab().toImage();
    const QRect plot = chart->plotAreaInView().toRect() & image.rect();
    int n = 0;
    for (int y = plot.top(); y <= plot.bottom(); ++y) {
        for (int x = plot.left(); x <= plot.right(); ++x) {
            const QColor c = image.pixelColor(x, y);
            n += std::abs(c.red() - colour.red()) + std::abs(c.green() - colour.green())
                    + std::abs(c.blue() - colour.blue())
                < 60;
        }
    }
    return n;
}

} // namespace

void TestChartPanel::hoverInLegendHighlightsARun()
{
    const QList<ChartRun> runs = sweep(12);
    MetricChartPanel panel;
    QVERIFY(showRuns(panel, runs));
    ChartLegend* legend = panel.legend();
    QTRY_VERIFY(legend->isVisible());
    MetricChartView* chart = panel.chart(QStringLiteral("loss"));
    QVERIFY(chart);
    QTRY_VERIFY(!chart->drawnPoints(QStringLiteral("id5"), QStringLiteral("loss")).isEmpty());
    const int before = pixelsOf(chart, runs[5].colour);
    QVERIFY2(before > 20, qPrintable(QString::number(before)));

    // The pointer over run 3's entry: run 3 stands out in every chart, the others fade.
    QListWidget* list = legend->list();
    QTest::mouseMove(list->viewport(), list->visualItemRect(list->item(3)).center());
    for (MetricChartView* c : panel.charts())
        QTRY_COMPARE(c->highlightedRun(), QStringLiteral("id3"));
    const int faded = pixelsOf(chart, runs[5].colour);
    QVERIFY2(faded < before / 4, qPrintable(QStringLiteral("%1 px, %2 before").arg(faded).arg(before)));
    QVERIFY(pixelsOf(chart, runs[3].colour) > 20);

    // Leaving the list shows every run alike again.
    QEvent leave(QEvent::Leave);
    QCoreApplication::sendEvent(list->viewport(), &leave);
    QCOMPARE(chart->highlightedRun(), QString());
    QCOMPARE(pixelsOf(chart, runs[5].colour), before);
}

QTEST_MAIN(TestChartPanel)
#include "tst_chartpanel.moc"
