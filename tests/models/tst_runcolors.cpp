// SPDX-License-Identifier: Apache-2.0
// Run colours: runs listed or selected together differ, a run keeps its colour, and the palette's
// colours are far apart. The ids are the fixture's: the five bert runs of its nlp experiment took
// two pairs of equal colours when a colour was a hash of the id.
#include "runcolors.h"

#include <QTest>

#include <algorithm>
#include <array>
#include <cmath>
#include <set>
#include <string>
#include <vector>

using namespace runlens;

namespace {

// CIELAB distance (CIE76) between two colours.
double deltaE(const QColor& a, const QColor& b)
{
    const auto lab = [](const QColor& c) {
        const auto linear = [](double v) { return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
        const double r = linear(c.redF()), g = linear(c.greenF()), bl = linear(c.blueF());
        const double x = (0.4124 * r + 0.3576 * g + 0.1805 * bl) / 0.95047;
        const double y = 0.2126 * r + 0.7152 * g + 0.0722 * bl;
        const double z = (0.0193 * r + 0.1192 * g + 0.9505 * bl) / 1.08883;
        const auto f = [](double t) { return t > 0.008856 ? std::cbrt(t) : 7.787 * t + 16.0 / 116.0; };
        return std::array<double, 3> {116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))};
    };
    const auto p = lab(a), q = lab(b);
    return std::hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
}

std::vector<std::string> ids(const char* prefix, int count)
{
    std::vector<std::string> out;
    for (int i = 0; i < count; ++i)
        out.push_back(prefix + std::to_string(i));
    return out;
}

double closest(const std::vector<std::string>& runs)
{
    double least = 1e9;
    for (std::size_t i = 0; i < runs.size(); ++i) {
        for (std::size_t j = i + 1; j < runs.size(); ++j)
            least = std::min(least, deltaE(runColor(runs[i]), runColor(runs[j])));
    }
    return least;
}

} // namespace

class TestRunColors : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void paletteColoursAreFarApart()
    {
        std::vector<QColor> palette;
        for (int i = 0; i < runColorCount(); ++i)
            palette.push_back(runPaletteColor(i));
        double least = 1e9;
        for (std::size_t i = 0; i < palette.size(); ++i) {
            for (std::size_t j = i + 1; j < palette.size(); ++j)
                least = std::min(least, deltaE(palette[i], palette[j]));
        }
        QVERIFY2(least >= 25, qPrintable(QString::number(least)));
    }

    void runsListedTogetherDiffer()
    {
        // bert-0 and bert-2 were both red, bert-3 and bert-4 two near-identical blues.
        const std::vector<std::string> bert {"9e0ab092d9db405d8f2e778e2881ac82", "6a9662b3fc26475f836cae37ccdf03ce",
            "1af6d50c9f6c4fda821b73b92d5dd6d7", "7086379b11854532995167fe47bfb3b3", "fc78bda9ca804ce68bad3b698f676487"};
        assignRunColors(bert);
        QVERIFY2(closest(bert) >= 25, qPrintable(QString::number(closest(bert))));
        // Twenty runs listed together: twenty colours.
        const auto twenty = ids("listing-", 20);
        assignRunColors(twenty);
        std::set<QRgb> seen;
        for (const auto& id : twenty)
            seen.insert(runColor(id).rgb());
        QCOMPARE(seen.size(), std::size_t(20));
    }

    void aRunKeepsItsColour()
    {
        auto runs = ids("keep-", 8);
        assignRunColors(runs);
        std::vector<QRgb> before;
        for (const auto& id : runs)
            before.push_back(runColor(id).rgb());
        std::reverse(runs.begin(), runs.end()); // sorted the other way, or refreshed
        assignRunColors(runs);
        std::reverse(runs.begin(), runs.end());
        for (std::size_t i = 0; i < runs.size(); ++i)
            QCOMPARE(runColor(runs[i]).rgb(), before[i]);
        QVERIFY(!distinguishRunColors(runs)); // already distinct: nothing moves
    }

    void selectedRunsDiffer()
    {
        // 200 runs share 20 colours; ten of one colour selected get ten distinguishable ones, 30 get 30.
        const auto listing = ids("big-", 200);
        assignRunColors(listing);
        std::vector<std::string> selected;
        for (int i = 0; i < 200; i += 20)
            selected.push_back(listing[static_cast<std::size_t>(i)]); // all of the same colour before
        QCOMPARE(runColor(selected[0]).rgb(), runColor(selected[1]).rgb());
        QVERIFY(distinguishRunColors(selected));
        QVERIFY2(closest(selected) >= 25, qPrintable(QString::number(closest(selected))));
        std::vector<std::string> thirty(listing.begin(), listing.begin() + 30);
        distinguishRunColors(thirty);
        std::set<QRgb> seen;
        for (const auto& id : thirty)
            seen.insert(runColor(id).rgb());
        QCOMPARE(seen.size(), std::size_t(30));
    }
};

QTEST_GUILESS_MAIN(TestRunColors)
#include "tst_runcolors.moc"
