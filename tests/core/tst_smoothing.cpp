// SPDX-License-Identifier: Apache-2.0
// Smoothing against values computed by hand (and with TensorBoard's formula on paper).
#include "series/smoothing.h"

#include <QTest>

#include <cmath>
#include <limits>

using namespace runlens;

namespace {

const double kNaN = std::nan("");
constexpr double kInf = std::numeric_limits<double>::infinity();

void compareClose(const std::vector<double>& got, const std::vector<double>& want)
{
    QCOMPARE(got.size(), want.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
        if (std::isnan(want[i])) {
            QVERIFY2(std::isnan(got[i]), qPrintable(QStringLiteral("index %1").arg(i)));
            continue;
        }
        if (std::isinf(want[i])) {
            QCOMPARE(got[i], want[i]);
            continue;
        }
        QVERIFY2(std::abs(got[i] - want[i]) <= 1e-12 * std::max(1.0, std::abs(want[i])),
            qPrintable(
                QStringLiteral("index %1: got %2, want %3").arg(i).arg(got[i], 0, 'g', 17).arg(want[i], 0, 'g', 17)));
    }
}

} // namespace

class TestSmoothing : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void emaByHand();
    void emaSkipsNonFinite();
    void emaEdgeCases();
    void movingAverageByHand();
    void movingAverageNonFiniteAndWindows();
    void movingAverageLongSeriesStaysExact();
    void dispatch();
};

void TestSmoothing::emaByHand()
{
    // w = 0.5 on 1, 2, 3:
    //   last: 0.5, 1.25, 2.125; debias 1-w^k: 0.5, 0.75, 0.875  ->  1, 5/3, 17/7
    compareClose(exponentialMovingAverage({1, 2, 3}, 0.5), {1.0, 5.0 / 3.0, 17.0 / 7.0});
    // w = 0.6 on 10, 0, 10, 0:
    //   last: 4, 2.4, 5.44, 3.264; debias: 0.4, 0.64, 0.784, 0.8704
    compareClose(exponentialMovingAverage({10, 0, 10, 0}, 0.6), {10.0, 2.4 / 0.64, 5.44 / 0.784, 3.264 / 0.8704});
    // The first smoothed value is always the first raw one (that is what the debias is for).
    QCOMPARE(exponentialMovingAverage({42, 0, 0}, 0.99).front(), 42.0);
}

void TestSmoothing::emaSkipsNonFinite()
{
    // NaN and inf pass through and do not count: k only advances on finite values.
    // w = 0.5 on 1, NaN, 2, inf, 3 -> the finite ones smooth as 1, 2, 3 did above.
    compareClose(exponentialMovingAverage({1, kNaN, 2, kInf, 3}, 0.5), {1.0, kNaN, 5.0 / 3.0, kInf, 17.0 / 7.0});
    compareClose(exponentialMovingAverage({kNaN, 4, -kInf}, 0.5), {kNaN, 4.0, -kInf});
}

void TestSmoothing::emaEdgeCases()
{
    QVERIFY(exponentialMovingAverage({}, 0.6).empty());
    // A constant series stays exactly constant (no rounding drift from the debias division).
    const std::vector<double> constant(1000, 0.1);
    QCOMPARE(exponentialMovingAverage(constant, 0.9), constant);
    // Weight 0 is the identity; a weight >= 1 is clamped rather than dividing 0 by 0.
    compareClose(exponentialMovingAverage({3, 1, 2}, 0.0), {3, 1, 2});
    const auto heavy = exponentialMovingAverage({3, 1, 2}, 1.0);
    QCOMPARE(heavy.front(), 3.0);
    QVERIFY(std::isfinite(heavy.back()));
}

void TestSmoothing::movingAverageByHand()
{
    // Window 3 (one each side), shrinking at the ends: (1+2)/2, (1+2+6)/3, (2+6+4)/3, (6+4)/2.
    compareClose(centredMovingAverage({1, 2, 6, 4}, 3), {1.5, 3.0, 4.0, 5.0});
    // Window 5 on 0..6: interior points keep their value (linear data), the ends shrink the window.
    compareClose(centredMovingAverage({0, 1, 2, 3, 4, 5, 6}, 5), {1.0, 1.5, 2.0, 3.0, 4.0, 4.5, 5.0});
    // An even window is widened by one: 4 behaves as 5.
    compareClose(centredMovingAverage({0, 1, 2, 3, 4, 5, 6}, 4), centredMovingAverage({0, 1, 2, 3, 4, 5, 6}, 5));
    // Window 1 (or less) is the identity.
    compareClose(centredMovingAverage({5, 7, 9}, 1), {5, 7, 9});
    compareClose(centredMovingAverage({5, 7, 9}, 0), {5, 7, 9});
}

void TestSmoothing::movingAverageNonFiniteAndWindows()
{
    // Non-finite values pass through and are left out of their neighbours' means.
    compareClose(centredMovingAverage({1, kNaN, 3, kInf, 5}, 3), {1.0, kNaN, 3.0, kInf, 5.0});
    compareClose(centredMovingAverage({2, kNaN, 4, 10}, 3), {2.0, kNaN, 7.0, 7.0});
    // A window wider than the series averages everything finite.
    compareClose(centredMovingAverage({1, 2, 3}, 101), {2.0, 2.0, 2.0});
}

void TestSmoothing::movingAverageLongSeriesStaysExact()
{
    // A million points sliding through the running sum: no drift compared with a direct mean.
    const std::size_t n = 1000000;
    std::vector<double> v(n);
    for (std::size_t i = 0; i < n; ++i)
        v[i] = 1e6 + std::sin(double(i)) * 1e-3 + (i % 2 ? 0.1 : -0.1);
    const auto out = centredMovingAverage(v, 11);
    for (const std::size_t i : {std::size_t(5), std::size_t(500000), n - 6}) {
        double sum = 0;
        for (std::size_t j = i - 5; j <= i + 5; ++j)
            sum += v[j];
        QVERIFY(std::abs(out[i] - sum / 11) < 1e-9);
    }
}

void TestSmoothing::dispatch()
{
    const std::vector<double> v {1, 2, 3};
    QCOMPARE(smooth(v, {}), v);
    compareClose(smooth(v, {SmoothingKind::Ema, 0.5, 9}), {1.0, 5.0 / 3.0, 17.0 / 7.0});
    compareClose(smooth(v, {SmoothingKind::MovingAverage, 0.5, 3}), {1.5, 2.0, 2.5});
}

QTEST_GUILESS_MAIN(TestSmoothing)
#include "tst_smoothing.moc"
