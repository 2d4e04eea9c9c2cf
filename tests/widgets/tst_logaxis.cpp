// SPDX-License-Identifier: Apache-2.0
// A log axis carries numbers wherever it is zoomed: a loss from 0.3 to 0.9 is labelled at 0.3, 0.4, …
// rather than showing grid lines with no number (Qt labels only powers of ten).
#include "logaxislabels.h"
#include "metricchartview.h"

#include <QCategoryAxis>
#include <QStandardPaths>
#include <QTest>

#include <cmath>

using namespace runlens;

namespace {

QList<double> values(const QStringList& labels)
{
    QList<double> out;
    for (const QString& label : labels)
        out << label.toDouble();
    return out;
}

ChartRun lossRun(double from, double to)
{
    std::vector<MetricPoint> points;
    for (int i = 0; i < 100; ++i)
        points.push_back({1735689600000 + i, from + (to - from) * i / 99.0, i});
    ChartRun run;
    run.runId = QStringLiteral("r");
    run.name = QStringLiteral("run");
    run.colour = Qt::red;
    run.metricKeys = {QStringLiteral("loss")};
    run.histories.insert(QStringLiteral("loss"), std::make_shared<const std::vector<MetricPoint>>(std::move(points)));
    return run;
}

} // namespace

class TestLogAxis : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void ticksFitTheRange()
    {
        // Within a decade every digit; over a few decades 1-2-5; over many, powers of ten.
        QCOMPARE(LogAxisLabels::ticks(0.3, 0.9), (QList<double> {0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9}));
        QCOMPARE(LogAxisLabels::ticks(1, 30), (QList<double> {1, 2, 5, 10, 20}));
        QCOMPARE(LogAxisLabels::ticks(1e-3, 1e2), (QList<double> {1e-3, 1e-2, 1e-1, 1, 10, 100}));
        // A sliver of a decade still gets three numbers or more, evenly spaced.
        const QList<double> sliver = LogAxisLabels::ticks(0.31, 0.39);
        QVERIFY2(sliver.size() >= 3, qPrintable(QString::number(sliver.size())));
        for (const double v : sliver)
            QVERIFY(v >= 0.31 - 1e-12 && v <= 0.39 + 1e-12);
        QVERIFY(LogAxisLabels::ticks(0, 1).isEmpty()); // no log of zero
    }

    void viewLabelsFollowTheZoom()
    {
        MetricChartView view;
        view.resize(600, 400);
        view.setMetricKeys({QStringLiteral("loss")});
        ChartSettings settings;
        settings.logY = true;
        view.setSettings(settings);
        view.setRuns({lossRun(0.3, 0.9)});
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QTRY_VERIFY(view.redrawCount() > 0);
        QVERIFY(view.logAxisLabels(Qt::Horizontal).isEmpty()); // x stays linear
        const QList<double> shown = values(view.logAxisLabels(Qt::Vertical));
        QVERIFY2(shown.size() >= 5, qPrintable(view.logAxisLabels(Qt::Vertical).join(QLatin1Char(' '))));
        QVERIFY(shown.contains(0.5));

        // Each number sits where the line has that value.
        auto* labels = qobject_cast<QCategoryAxis*>(view.chart()->axes(Qt::Vertical).last());
        QVERIFY(labels);
        for (const QString& label : labels->categoriesLabels())
            QCOMPARE(labels->endValue(label), std::log10(label.toDouble()));

        // Zoomed in, the numbers are those of the new range.
        view.setYRange(0.45, 0.55);
        const QList<double> zoomed = values(view.logAxisLabels(Qt::Vertical));
        QVERIFY2(zoomed.size() >= 3, qPrintable(view.logAxisLabels(Qt::Vertical).join(QLatin1Char(' '))));
        for (const double v : zoomed)
            QVERIFY(v >= 0.45 - 1e-9 && v <= 0.55 + 1e-9);
    }
};

QTEST_MAIN(TestLogAxis)
#include "tst_logaxis.moc"
