// SPDX-License-Identifier: Apache-2.0
// The points a metric column's statistic picks from a history, against hand-worked cases and a
// brute-force reference on the fixture store's real histories.
#include "series/metricsummary.h"
#include "storefactory.h"

#include <QTest>

#include <cmath>
#include <limits>

using namespace runlens;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

MetricPoint point(std::int64_t timestamp, double value, std::int64_t step)
{
    return MetricPoint {timestamp, value, step};
}

bool samePoint(const std::optional<MetricPoint>& a, const MetricPoint& b)
{
    return a && a->timestamp == b.timestamp && a->step == b.step
        && (a->value == b.value || (std::isnan(a->value) && std::isnan(b.value)));
}

} // namespace

class TestMetricSummary : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void minAndMax();
    void nanAndInfinities();
    void atStepUsesTheLatestRule();
    void emptyAndLatest();
    void fixtureHistories();
};

void TestMetricSummary::minAndMax()
{
    const std::vector<MetricPoint> h {point(10, 0.5, 0), point(20, 0.2, 1), point(30, 0.9, 2), point(40, 0.2, 3)};
    // Ties go to the first logged: the step-1 point, not the step-3 one.
    QVERIFY(samePoint(pickMetricPoint(h, MetricStatistic::Min), h[1]));
    QVERIFY(samePoint(pickMetricPoint(h, MetricStatistic::Max), h[2]));
}

void TestMetricSummary::nanAndInfinities()
{
    const std::vector<MetricPoint> h {point(1, kNaN, 0), point(2, 3.0, 1), point(3, -kInf, 2), point(4, kNaN, 3)};
    QVERIFY(samePoint(pickMetricPoint(h, MetricStatistic::Min), h[2])); // -inf is a value
    QVERIFY(samePoint(pickMetricPoint(h, MetricStatistic::Max), h[1])); // NaN never wins
    const std::vector<MetricPoint> nans {point(1, kNaN, 0), point(2, kNaN, 1)};
    QVERIFY(samePoint(pickMetricPoint(nans, MetricStatistic::Min), nans[0]));
    QVERIFY(std::isnan(pickMetricPoint(nans, MetricStatistic::Max)->value));
}

void TestMetricSummary::atStepUsesTheLatestRule()
{
    // Step 5 logged three times: the latest timestamp wins; on a tied timestamp the larger value.
    const std::vector<MetricPoint> h {
        point(100, 1.0, 5), point(300, 2.0, 5), point(300, 1.5, 5), point(200, 9.0, 5), point(400, 7.0, 6)};
    QVERIFY(samePoint(pickMetricPoint(h, MetricStatistic::AtStep, 5), h[1]));
    QVERIFY(samePoint(pickMetricPoint(h, MetricStatistic::AtStep, 6), h[4]));
    QVERIFY(!pickMetricPoint(h, MetricStatistic::AtStep, 7)); // never logged
    const std::vector<MetricPoint> big {point(1, 1.0, 9007199254740993LL), point(2, 2.0, 9007199254740992LL)};
    QCOMPARE(pickMetricPoint(big, MetricStatistic::AtStep, 9007199254740993LL)->value, 1.0); // int64 exact
}

void TestMetricSummary::emptyAndLatest()
{
    QVERIFY(!pickMetricPoint({}, MetricStatistic::Min));
    QVERIFY(!pickMetricPoint({}, MetricStatistic::AtStep, 0));
    QVERIFY(!pickMetricPoint({point(1, 1.0, 0)}, MetricStatistic::Latest)); // the store gives latest
}

void TestMetricSummary::fixtureHistories()
{
    auto store = openStore(RUNLENS_FIXTURE_DIR "/file/mlruns");
    QVERIFY(store.ok());
    RunQuery query;
    query.view = ViewType::All;
    auto runs = store.value()->searchRuns(query);
    QVERIFY(runs.ok());
    int checked = 0;
    for (const Run& run : runs->runs) {
        for (const Metric& metric : run.metrics) {
            auto history = store.value()->metricHistory(run.info.runId, metric.key);
            QVERIFY(history.ok());
            if (history->empty())
                continue;
            // Brute force: the extreme non-NaN value, first logged among ties.
            std::optional<std::size_t> lo;
            std::optional<std::size_t> hi;
            for (std::size_t i = 0; i < history->size(); ++i) {
                const double v = (*history)[i].value;
                if (std::isnan(v))
                    continue;
                if (!lo || v < (*history)[*lo].value)
                    lo = i;
                if (!hi || v > (*history)[*hi].value)
                    hi = i;
            }
            const auto min = pickMetricPoint(*history, MetricStatistic::Min);
            const auto max = pickMetricPoint(*history, MetricStatistic::Max);
            if (lo) {
                QVERIFY(samePoint(min, (*history)[*lo]));
                QVERIFY(samePoint(max, (*history)[*hi]));
            } else {
                QVERIFY(min && std::isnan(min->value));
            }
            // At the latest point's step, the pick is the store's latest value (same rule).
            QVERIFY(samePoint(pickMetricPoint(*history, MetricStatistic::AtStep, metric.point.step), metric.point));
            ++checked;
        }
    }
    QVERIFY(checked > 20);
}

QTEST_GUILESS_MAIN(TestMetricSummary)
#include "tst_metricsummary.moc"
