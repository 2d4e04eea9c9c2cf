// SPDX-License-Identifier: Apache-2.0
// The parallel-coordinates data: where values land on linear, log, quantile and categorical axes (by
// number), the missing lane, which axes vary on the fixture store's runs, brushes against a brute-force
// filter on random runs, the run-id restriction of the runs table's proxy, and runs placed on a worker:
// the same numbers as on the calling thread, the newest of several requests wins, and flips, scales,
// brushes and the order of the axes carry over to new runs.
#include "fixtureruns.h"
#include "parallelcoordinatesmodel.h"
#include "runcolors.h"
#include "runsortproxymodel.h"
#include "runtablemodel.h"
#include "storefactory.h"

#include <QAbstractItemModelTester>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTest>

#include <cmath>
#include <limits>

using namespace runlens;
using runlens::test::loadFixture;

namespace {

using Kind = ParallelAxisSpec::Kind;

const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();

// A run with an id, some metrics and some params; keys are sorted as the stores deliver them.
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

// Runs are placed on a worker: set them and wait until the model shows them (one runsApplied, no
// build left).
bool applyRuns(ParallelCoordinatesModel& model, RunListSnapshot runs,
    ParallelCoordinatesModel::AxisChoice axes = ParallelCoordinatesModel::AxisChoice::Keep)
{
    QSignalSpy applied(&model, &ParallelCoordinatesModel::runsApplied);
    model.setRuns(std::move(runs), axes);
    if (!model.runsPending())
        return false; // never applied before the event loop runs
    return applied.wait() && applied.count() == 1 && !model.runsPending();
}

// A sweep of `count` runs: lr spread over decades, an optimizer, a loss that one run in ten lacks.
RunListSnapshot sweep(int count, quint32 seed)
{
    QRandomGenerator random(seed);
    const char* optimizers[] = {"adam", "sgd", "lion"};
    std::vector<Run> runs;
    for (int i = 0; i < count; ++i) {
        std::vector<std::pair<std::string, double>> metrics;
        if (random.bounded(10) != 0)
            metrics.emplace_back("loss", random.generateDouble() * 2.0);
        metrics.emplace_back("acc", random.generateDouble());
        runs.push_back(makeRun("s" + std::to_string(seed) + "-" + std::to_string(i), metrics,
            {{"lr", std::to_string(std::pow(10.0, -5.0 + 4.0 * random.generateDouble()))},
                {"optimizer", optimizers[random.bounded(3)]}}));
    }
    return snapshot(runs);
}

// Positions as the model gives them, rounded for comparison.
QList<double> positions(const ParallelCoordinatesModel& model, int axis)
{
    QList<double> out;
    for (int r = 0; r < model.runCount(); ++r)
        out << std::round(model.position(axis, r) * 1e6) / 1e6;
    return out;
}

} // namespace

class TestParallelCoordinatesModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void linearAxis();
    void logAxis();
    void quantileAxis();
    void categoricalAxis();
    void numericParamsAndNaturalOrder();
    void flippedAxisAndInverse();
    void ticks();
    void varyingAxesOnFixture();
    void axesKeepStateWhenReordered();
    void brushMatchesBruteForce_data();
    void brushMatchesBruteForce();
    void brushOnlyMissingLane();
    void colourByMetric();
    void proxyRestrictsToRunIds();
    void workerBuildEqualsSynchronous();
    void newestRunsWinOverStaleBuild();
    void stateCarriesAcrossTheSwap();
    void defaultAxesKeepTheirOrder();
};

void TestParallelCoordinatesModel::linearAxis()
{
    ParallelCoordinatesModel model;
    QVERIFY(applyRuns(model,
        snapshot({makeRun("a", {{"m", 0.0}}), makeRun("b", {{"m", 2.5}}), makeRun("c", {{"m", 10.0}}), makeRun("d", {}),
            makeRun("e", {{"m", kNaN}}), makeRun("f", {{"m", kInf}})})));
    model.setAxes({{Kind::Metric, QStringLiteral("m")}});
    const double lane = ParallelCoordinatesModel::kMissingLane;
    // Missing, NaN and infinite values are kept, in the lane, not dropped.
    QCOMPARE(positions(model, 0), (QList<double> {0.0, 0.25, 1.0, lane, lane, lane}));
    QCOMPARE(model.axis(0).missingCount, 3);
    QCOMPARE(model.axis(0).min, 0.0);
    QCOMPARE(model.axis(0).max, 10.0);
    QCOMPARE(model.displayValue(0, 3), QStringLiteral("missing"));
    QCOMPARE(model.displayValue(0, 5), QStringLiteral("inf"));
}

void TestParallelCoordinatesModel::logAxis()
{
    ParallelCoordinatesModel model;
    QVERIFY(applyRuns(model,
        snapshot({makeRun("a", {{"lr", 1e-4}}), makeRun("b", {{"lr", 1e-2}}), makeRun("c", {{"lr", 1.0}}),
            makeRun("d", {{"lr", 0.0}}), makeRun("e", {{"lr", -3.0}})})));
    model.setAxes({{Kind::Metric, QStringLiteral("lr")}});
    model.setScale(0, ParallelAxisScale::Linear);
    QCOMPARE(positions(model, 0), (QList<double> {0.750025, 0.7525, 1.0, 0.75, 0.0}));
    model.setScale(0, ParallelAxisScale::Log);
    const double lane = ParallelCoordinatesModel::kMissingLane;
    // Decades are evenly spaced; values a log scale cannot place go to the lane.
    QCOMPARE(positions(model, 0), (QList<double> {0.0, 0.5, 1.0, lane, lane}));
    QCOMPARE(model.axis(0).missingCount, 2);
    QCOMPARE(model.valueAt(0, 0.25), 1e-3);
}

void TestParallelCoordinatesModel::quantileAxis()
{
    ParallelCoordinatesModel model;
    QVERIFY(applyRuns(model,
        snapshot({makeRun("a", {{"x", 1.0}}), makeRun("b", {{"x", 2.0}}), makeRun("c", {{"x", 2.0}}),
            makeRun("d", {{"x", 1000.0}}), makeRun("e", {{"x", 3.0}}), makeRun("f", {})})));
    model.setAxes({{Kind::Metric, QStringLiteral("x")}});
    model.setScale(0, ParallelAxisScale::Quantile);
    // Ranks 0, 1.5 (tied 1 and 2), 4 and 3 of 0..4; the outlier no longer squashes the rest.
    QCOMPARE(positions(model, 0),
        (QList<double> {0.0, 0.375, 0.375, 1.0, 0.75, static_cast<double>(ParallelCoordinatesModel::kMissingLane)}));
    QCOMPARE(model.valueAt(0, 0.5), 2.0);
    QCOMPARE(model.positionOf(0, 2.5), 0.625); // between placed values: interpolated rank
}

void TestParallelCoordinatesModel::categoricalAxis()
{
    ParallelCoordinatesModel model;
    QVERIFY(applyRuns(model,
        snapshot({makeRun("a", {}, {{"opt", "sgd"}}), makeRun("b", {}, {{"opt", "adam"}}),
            makeRun("c", {}, {{"opt", "RMSprop"}}), makeRun("d", {}, {{"opt", "adam"}}), makeRun("e", {}, {})})));
    model.setAxes({{Kind::Param, QStringLiteral("opt")}});
    QVERIFY(model.axis(0).categorical);
    QCOMPARE(model.axis(0).categories,
        (QStringList {QStringLiteral("adam"), QStringLiteral("RMSprop"), QStringLiteral("sgd")}));
    // Three equal bands; each value at the middle of its band.
    QCOMPARE(positions(model, 0),
        (QList<double> {
            0.833333, 0.166667, 0.5, 0.166667, static_cast<double>(ParallelCoordinatesModel::kMissingLane)}));
    QCOMPARE(model.axis(0).missingCount, 1);
    // A scale means nothing for categories.
    model.setScale(0, ParallelAxisScale::Log);
    QCOMPARE(model.axis(0).scale, ParallelAxisScale::Linear);
}

void TestParallelCoordinatesModel::numericParamsAndNaturalOrder()
{
    ParallelCoordinatesModel model;
    QVERIFY(applyRuns(model,
        snapshot({makeRun("a", {}, {{"lr", "0.1"}, {"name", "trial-10"}, {"mixed", "1"}}),
            makeRun("b", {}, {{"lr", "0.3"}, {"name", "trial-2"}, {"mixed", "abc"}}),
            makeRun("c", {}, {{"lr", "0.2"}, {"name", "Trial-3"}, {"mixed", ""}})})));
    model.setAxes({{Kind::Param, QStringLiteral("lr")}, {Kind::Param, QStringLiteral("name")},
        {Kind::Param, QStringLiteral("mixed")}});
    QVERIFY(!model.axis(0).categorical);
    QCOMPARE(positions(model, 0), (QList<double> {0.0, 1.0, 0.5}));
    QVERIFY(model.axis(1).categorical);
    QCOMPARE(model.axis(1).categories,
        (QStringList {QStringLiteral("trial-2"), QStringLiteral("Trial-3"), QStringLiteral("trial-10")}));
    // One value that is not a number makes the whole axis categorical; the empty string is a value.
    QVERIFY(model.axis(2).categorical);
    QCOMPARE(model.axis(2).categories, (QStringList {QString(), QStringLiteral("1"), QStringLiteral("abc")}));
    QCOMPARE(model.axis(2).missingCount, 0);
}

void TestParallelCoordinatesModel::flippedAxisAndInverse()
{
    ParallelCoordinatesModel model;
    QVERIFY(applyRuns(
        model, snapshot({makeRun("a", {{"m", 0.0}}), makeRun("b", {{"m", 2.5}}), makeRun("c", {{"m", 10.0}})})));
    model.setAxes({{Kind::Metric, QStringLiteral("m")}});
    model.setFlipped(0, true);
    QCOMPARE(positions(model, 0), (QList<double> {1.0, 0.75, 0.0}));
    QCOMPARE(model.valueAt(0, 0.75), 2.5);
    QCOMPARE(model.positionOf(0, 2.5), 0.75);
    // A brush drawn over the top quarter of the flipped axis keeps the low values.
    model.brushPositions(0, 0.7, 1.0, false);
    QCOMPARE(model.axis(0).brush->low, 0.0);
    QCOMPARE(model.axis(0).brush->high, 3.0);
    QCOMPARE(
        model.brushedRunIds(), std::optional<QSet<QString>>(QSet<QString> {QStringLiteral("a"), QStringLiteral("b")}));
    const auto extent = model.brushExtent(0);
    QVERIFY(extent);
    QCOMPARE(extent->first, 0.7);
    QCOMPARE(extent->second, 1.0);
}

void TestParallelCoordinatesModel::ticks()
{
    ParallelCoordinatesModel model;
    QVERIFY(applyRuns(
        model, snapshot({makeRun("a", {{"m", 0.3}, {"lr", 1e-5}}), makeRun("b", {{"m", 1.7}, {"lr", 0.1}})})));
    model.setAxes({{Kind::Metric, QStringLiteral("m")}, {Kind::Metric, QStringLiteral("lr")}});
    QStringList labels;
    for (const auto& tick : model.ticks(0))
        labels << tick.label;
    QCOMPARE(labels,
        (QStringList {QStringLiteral("0.4"), QStringLiteral("0.6"), QStringLiteral("0.8"), QStringLiteral("1"),
            QStringLiteral("1.2"), QStringLiteral("1.4"), QStringLiteral("1.6")}));
    model.setScale(1, ParallelAxisScale::Log);
    labels.clear();
    QList<double> where;
    for (const auto& tick : model.ticks(1)) {
        labels << tick.label;
        where << std::round(tick.position * 1e6) / 1e6;
    }
    QCOMPARE(labels,
        (QStringList {QStringLiteral("1e-05"), QStringLiteral("0.0001"), QStringLiteral("0.001"),
            QStringLiteral("0.01"), QStringLiteral("0.1")}));
    QCOMPARE(where, (QList<double> {0.0, 0.25, 0.5, 0.75, 1.0}));
}

void TestParallelCoordinatesModel::varyingAxesOnFixture()
{
    // nlp — sentiment: five folds, each with its own lr and model, and their own scores.
    const RunListSnapshot nlp = loadFixture({"640513601518546733"});
    QVERIFY(nlp);
    QCOMPARE(nlp->runs.size(), std::size_t(5));
    QCOMPARE(ParallelCoordinatesModel::defaultAxes(*nlp),
        (QList<ParallelAxisSpec> {{Kind::Param, QStringLiteral("fold")}, {Kind::Param, QStringLiteral("lr")},
            {Kind::Param, QStringLiteral("model")}, {Kind::Metric, QStringLiteral("f1")},
            {Kind::Metric, QStringLiteral("precision")}, {Kind::Metric, QStringLiteral("recall")}}));

    // image-classification's three grid trials share their optimizer: that axis is hidden.
    const RunListSnapshot images = loadFixture({"900844674041952973"});
    QVERIFY(images);
    RunList trials;
    for (const Run& run : images->runs) {
        if (run.info.runName.rfind("trial-", 0) == 0)
            trials.runs.push_back(run);
    }
    QCOMPARE(trials.runs.size(), std::size_t(3));
    const auto trialAxes = ParallelCoordinatesModel::defaultAxes(trials);
    QCOMPARE(trialAxes,
        (QList<ParallelAxisSpec> {{Kind::Param, QStringLiteral("batch_size")}, {Kind::Param, QStringLiteral("lr")},
            {Kind::Metric, QStringLiteral("loss")}, {Kind::Metric, QStringLiteral("val_accuracy")}}));
    QVERIFY(!ParallelCoordinatesModel::varies(trials, {Kind::Param, QStringLiteral("optimizer")}));

    // Having a value or not is no variation: an axis needs two values a line can sit on.
    const auto all = ParallelCoordinatesModel::defaultAxes(*images);
    QVERIFY(!all.contains(ParallelAxisSpec {Kind::Metric, QStringLiteral("nan_only")}));
    QVERIFY(all.size() < ParallelCoordinatesModel::availableAxes(*images).size());
    for (const ParallelAxisSpec& spec : ParallelCoordinatesModel::availableAxes(*images)) {
        QSet<QString> values; // the distinct values that are drawn on the axis, not in the lane
        for (const Run& run : images->runs) {
            if (spec.kind == Kind::Param) {
                if (const std::string* p = run.param(spec.key.toStdString()))
                    values.insert(QString::fromStdString(*p));
            } else if (const Metric* m = run.metric(spec.key.toStdString()); m && std::isfinite(m->point.value)) {
                values.insert(QString::number(m->point.value, 'g', 17));
            }
        }
        QCOMPARE(all.contains(spec), values.size() > 1 && !ParallelCoordinatesModel::tooManyCategories(*images, spec));
    }
    // One value and a few runs without it: nothing to compare.
    QVERIFY(!ParallelCoordinatesModel::varies(*snapshot({makeRun("a", {{"m", 1.0}}, {{"opt", "adam"}}),
                                                  makeRun("b", {}, {}), makeRun("c", {{"m", 1.0}}, {{"opt", "adam"}})}),
        {Kind::Param, QStringLiteral("opt")}));

    // Text params with a value per run (ids, paths) are not proposed: each value would need a label.
    std::vector<Run> many;
    for (int i = 0; i < 150; ++i)
        many.push_back(makeRun(std::to_string(i), {{"m", i * 0.5}},
            {{"checkpoint", "/ckpt/" + std::to_string(i)}, {"seed", std::to_string(i)}, {"opt", i % 2 ? "a" : "b"}}));
    QCOMPARE(ParallelCoordinatesModel::defaultAxes(*snapshot(many)),
        (QList<ParallelAxisSpec> {{Kind::Param, QStringLiteral("opt")}, {Kind::Param, QStringLiteral("seed")},
            {Kind::Metric, QStringLiteral("m")}}));

    // A single run varies in nothing.
    const RunListSnapshot single = loadFixture({"0"});
    QVERIFY(single);
    QVERIFY(ParallelCoordinatesModel::defaultAxes(*single).isEmpty());

    // The trials on their axes: batch_size is numeric, ordered by value not text.
    ParallelCoordinatesModel model;
    QVERIFY(applyRuns(model, std::make_shared<const RunList>(trials)));
    model.setAxes(trialAxes);
    QVERIFY(!model.axis(0).categorical);
    for (int r = 0; r < model.runCount(); ++r) {
        const double batch = std::stod(*trials.runs[static_cast<std::size_t>(r)].param("batch_size"));
        QCOMPARE(model.position(0, r), static_cast<float>((batch - 32.0) / (128.0 - 32.0)));
    }
}

void TestParallelCoordinatesModel::axesKeepStateWhenReordered()
{
    ParallelCoordinatesModel model;
    QVERIFY(
        applyRuns(model, snapshot({makeRun("a", {{"m", 1.0}, {"n", 5.0}}), makeRun("b", {{"m", 2.0}, {"n", 6.0}})})));
    const ParallelAxisSpec m {Kind::Metric, QStringLiteral("m")};
    const ParallelAxisSpec n {Kind::Metric, QStringLiteral("n")};
    model.setAxes({m, n});
    model.setFlipped(0, true);
    model.setScale(1, ParallelAxisScale::Quantile);
    model.setBrush(1, AxisBrush {5.5, 7.0, false});
    model.setAxes({n, m});
    QCOMPARE(model.axes(), (QList<ParallelAxisSpec> {n, m}));
    QVERIFY(model.axis(1).flipped);
    QCOMPARE(model.axis(0).scale, ParallelAxisScale::Quantile);
    QCOMPARE(model.brushedRunIds(), std::optional<QSet<QString>>(QSet<QString> {QStringLiteral("b")}));
    model.moveAxis(0, 1);
    QCOMPARE(model.axes(), (QList<ParallelAxisSpec> {m, n}));
    // Hiding the brushed axis lifts its brush.
    model.setAxes({m});
    QVERIFY(!model.brushedRunIds());
}

void TestParallelCoordinatesModel::brushMatchesBruteForce_data()
{
    QTest::addColumn<quint32>("seed");
    QTest::addColumn<bool>("flip");
    for (quint32 seed = 1; seed <= 6; ++seed)
        QTest::addRow("seed %u", seed) << seed << (seed % 2 == 0);
}

void TestParallelCoordinatesModel::brushMatchesBruteForce()
{
    QFETCH(quint32, seed);
    QFETCH(bool, flip);
    QRandomGenerator random(seed);
    const QStringList optimizers
        = {QStringLiteral("adam"), QStringLiteral("sgd"), QStringLiteral("rmsprop"), QStringLiteral("lion")};
    std::vector<Run> runs;
    for (int i = 0; i < 600; ++i) {
        std::vector<std::pair<std::string, double>> metrics;
        std::vector<std::pair<std::string, std::string>> params;
        const int roll = random.bounded(20);
        if (roll != 0) // about one in twenty lacks the loss; one in twenty has NaN
            metrics.emplace_back("loss", roll == 1 ? kNaN : random.generateDouble() * 3.0);
        if (random.bounded(10) != 0)
            metrics.emplace_back("lr", std::pow(10.0, -6.0 + random.generateDouble() * 6.0) * (roll == 2 ? -1 : 1));
        metrics.emplace_back("acc", std::round(random.generateDouble() * 20.0) / 20.0); // many ties
        if (random.bounded(8) != 0)
            params.emplace_back("optimizer", optimizers[random.bounded(optimizers.size())].toStdString());
        runs.push_back(makeRun(std::to_string(i), metrics, params));
    }
    const RunListSnapshot list = snapshot(runs);
    ParallelCoordinatesModel model;
    QVERIFY(applyRuns(model, list));
    const QList<ParallelAxisSpec> specs = {{Kind::Metric, QStringLiteral("loss")}, {Kind::Metric, QStringLiteral("lr")},
        {Kind::Metric, QStringLiteral("acc")}, {Kind::Param, QStringLiteral("optimizer")}};
    model.setAxes(specs);
    model.setScale(1, ParallelAxisScale::Log);
    model.setScale(2, ParallelAxisScale::Quantile);
    for (int a = 0; a < 4; ++a)
        model.setFlipped(a, flip);

    struct Range
    {
        double from;
        double to;
        bool lane;
    };
    std::vector<Range> ranges;
    for (int a = 0; a < 4; ++a) {
        // Wide enough that a good share of runs passes all four; dragged either way.
        const double p = random.generateDouble() * 0.5;
        const double q = p + 0.4 + random.generateDouble() * 0.5;
        ranges.push_back(
            random.bounded(2) == 0 ? Range {p, q, random.bounded(3) == 0} : Range {q, p, random.bounded(3) == 0});
        model.brushPositions(a, ranges.back().from, ranges.back().to, ranges.back().lane);
    }

    // Brute force from the raw values, with the drawing rules written out again: where would each
    // run be drawn, and is that inside the dragged span (or in the lane when the lane was taken)?
    auto displayed = [flip](double t) { return flip ? 1.0 - t : t; };
    auto finiteValues = [&](const std::string& key, bool positiveOnly) {
        std::vector<double> values;
        for (const Run& run : runs) {
            const Metric* m = run.metric(key);
            if (m && std::isfinite(m->point.value) && (!positiveOnly || m->point.value > 0))
                values.push_back(m->point.value);
        }
        std::sort(values.begin(), values.end());
        return values;
    };
    const auto loss = finiteValues("loss", false);
    const auto lr = finiteValues("lr", true);
    const auto acc = finiteValues("acc", false);
    QSet<QString> expected;
    for (const Run& run : runs) {
        bool keep = true;
        for (int a = 0; a < 4 && keep; ++a) {
            const Range& range = ranges[static_cast<std::size_t>(a)];
            const double lo = std::min(range.from, range.to);
            const double hi = std::max(range.from, range.to);
            std::optional<double> t; // nullopt: in the lane
            if (a == 3) {
                if (const std::string* p = run.param("optimizer")) {
                    const QStringList sorted = {QStringLiteral("adam"), QStringLiteral("lion"),
                        QStringLiteral("rmsprop"), QStringLiteral("sgd")};
                    const int c = static_cast<int>(sorted.indexOf(QString::fromStdString(*p)));
                    // A category is kept when the span touches its band.
                    const double bandLow = displayed(c / 4.0);
                    const double bandHigh = displayed((c + 1) / 4.0);
                    keep = std::max(bandLow, bandHigh) > lo && std::min(bandLow, bandHigh) < hi;
                } else {
                    keep = range.lane;
                }
                continue;
            }
            const Metric* m = run.metric(a == 0 ? "loss" : a == 1 ? "lr" : "acc");
            const double v = m ? m->point.value : kNaN;
            if (a == 0 && std::isfinite(v))
                t = (v - loss.front()) / (loss.back() - loss.front());
            if (a == 1 && std::isfinite(v) && v > 0)
                t = (std::log10(v) - std::log10(lr.front())) / (std::log10(lr.back()) - std::log10(lr.front()));
            if (a == 2 && std::isfinite(v)) {
                const auto first = std::lower_bound(acc.begin(), acc.end(), v) - acc.begin();
                const auto last = std::upper_bound(acc.begin(), acc.end(), v) - acc.begin() - 1;
                t = (first + last) / 2.0 / static_cast<double>(acc.size() - 1);
            }
            keep = t ? (displayed(*t) >= lo && displayed(*t) <= hi) : range.lane;
        }
        if (keep)
            expected.insert(QString::fromStdString(run.info.runId));
    }
    QVERIFY2(expected.size() > 10 && expected.size() < 590, qPrintable(QString::number(expected.size())));
    const auto brushed = model.brushedRunIds();
    QVERIFY(brushed.has_value());
    QCOMPARE(brushed->size(), expected.size());
    QCOMPARE(*brushed, expected);
    QCOMPARE(model.passingCount(), static_cast<int>(expected.size()));
    for (int r = 0; r < model.runCount(); ++r)
        QCOMPARE(model.passes(r), expected.contains(model.runId(r)));

    model.clearBrushes();
    QVERIFY(!model.brushedRunIds());
    QCOMPARE(model.passingCount(), model.runCount());
}

void TestParallelCoordinatesModel::brushOnlyMissingLane()
{
    ParallelCoordinatesModel model;
    QVERIFY(applyRuns(model, snapshot({makeRun("a", {{"m", 1.0}}), makeRun("b", {}), makeRun("c", {{"m", kNaN}})})));
    model.setAxes({{Kind::Metric, QStringLiteral("m")}});
    model.brushPositions(0, -1.0, -1.0, true);
    QCOMPARE(
        model.brushedRunIds(), std::optional<QSet<QString>>(QSet<QString> {QStringLiteral("b"), QStringLiteral("c")}));
    QVERIFY(!model.brushExtent(0));
}

void TestParallelCoordinatesModel::colourByMetric()
{
    ParallelCoordinatesModel model;
    QVERIFY(applyRuns(model,
        snapshot({makeRun("a", {{"m", 2.0}}), makeRun("b", {{"m", 4.0}}), makeRun("c", {{"m", 3.0}}),
            makeRun("d", {{"m", kInf}})})));
    QCOMPARE(model.colorValue(0), -1.0f);
    model.setColorMetric(QStringLiteral("m"));
    QCOMPARE(model.colorMin(), 2.0);
    QCOMPARE(model.colorMax(), 4.0);
    QCOMPARE(model.colorValue(0), 0.0f);
    QCOMPARE(model.colorValue(1), 1.0f);
    QCOMPARE(model.colorValue(2), 0.5f);
    QCOMPARE(model.colorValue(3), -1.0f);
}

void TestParallelCoordinatesModel::proxyRestrictsToRunIds()
{
    const RunListSnapshot runs = loadFixture({"640513601518546733"});
    QVERIFY(runs);
    RunTableModel table;
    table.setRuns(runs);
    RunSortProxyModel proxy;
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    proxy.setSourceModel(&table);
    proxy.setFilterCaseSensitivity(Qt::CaseInsensitive);
    proxy.setFilterKeyColumn(0);
    auto ids = [&proxy] {
        QSet<QString> out;
        for (int row = 0; row < proxy.rowCount(); ++row)
            out.insert(proxy.index(row, 0).data(RunTableModel::RunIdRole).toString());
        return out;
    };
    auto idOf = [&runs](const std::string& name) {
        for (const Run& run : runs->runs) {
            if (run.info.runName == name)
                return QString::fromStdString(run.info.runId);
        }
        return QString();
    };
    QCOMPARE(proxy.rowCount(), 5);
    const QSet<QString> chosen = {idOf("bert-1"), idOf("bert-3"), idOf("bert-4")};
    proxy.setRunIdFilter(chosen);
    QCOMPARE(ids(), chosen);
    // The quick search still applies on top.
    proxy.setFilterFixedString(QStringLiteral("bert-3"));
    QCOMPARE(ids(), QSet<QString> {idOf("bert-3")});
    proxy.setFilterFixedString(QString());
    proxy.setRunIdFilter(QSet<QString>());
    QCOMPARE(proxy.rowCount(), 0);
    proxy.setRunIdFilter(std::nullopt);
    QCOMPARE(proxy.rowCount(), 5);
}

void TestParallelCoordinatesModel::workerBuildEqualsSynchronous()
{
    // The same runs, axes and scales placed on a worker and on this thread: the same numbers.
    const RunListSnapshot runs = sweep(2000, 11);
    const QList<ParallelAxisSpec> specs
        = {{Kind::Param, QStringLiteral("optimizer")}, {Kind::Param, QStringLiteral("lr")},
            {Kind::Metric, QStringLiteral("loss")}, {Kind::Metric, QStringLiteral("acc")}};
    ParallelCoordinatesModel onWorker;
    ParallelCoordinatesModel here;
    for (ParallelCoordinatesModel* model : {&onWorker, &here}) {
        model->setAxes(specs);
        model->setScale(1, ParallelAxisScale::Log);
        model->setScale(3, ParallelAxisScale::Quantile);
        model->setColorMetric(QStringLiteral("acc"));
    }
    QSignalSpy appliedHere(&here, &ParallelCoordinatesModel::runsApplied);
    here.setRunsNow(runs);
    QCOMPARE(appliedHere.count(), 1); // before it returns
    QVERIFY(!here.runsPending());

    QSignalSpy applied(&onWorker, &ParallelCoordinatesModel::runsApplied);
    onWorker.setRuns(runs);
    // Nothing changes before the event loop runs: the model still describes no runs.
    QVERIFY(onWorker.runsPending());
    QCOMPARE(onWorker.runCount(), 0);
    QCOMPARE(onWorker.axis(1).values.size(), std::size_t(0));
    QVERIFY(applied.wait());
    QCOMPARE(applied.count(), 1);
    QVERIFY(!onWorker.runsPending());

    QCOMPARE(onWorker.runs(), runs);
    QCOMPARE(onWorker.runCount(), 2000);
    QCOMPARE(onWorker.axes(), specs);
    for (int a = 0; a < specs.size(); ++a) {
        QCOMPARE(onWorker.axis(a).scale, here.axis(a).scale);
        QCOMPARE(onWorker.axis(a).categories, here.axis(a).categories);
        QCOMPARE(onWorker.axis(a).missingCount, here.axis(a).missingCount);
        QCOMPARE(positions(onWorker, a), positions(here, a));
    }
    QCOMPARE(onWorker.axis(1).scale, ParallelAxisScale::Log);
    QVERIFY(onWorker.axis(2).missingCount > 100); // one run in ten lacks the loss
    QCOMPARE(onWorker.axis(0).categories.size(), 3);
    for (int r = 0; r < 2000; r += 97) {
        QCOMPARE(onWorker.colorValue(r), here.colorValue(r));
        QCOMPARE(onWorker.runRgb(r), runColor(onWorker.runId(r).toStdString()).rgb());
    }
    QCOMPARE(onWorker.availableAxes(), ParallelCoordinatesModel::availableAxes(*runs));
}

void TestParallelCoordinatesModel::newestRunsWinOverStaleBuild()
{
    // Three requests before the event loop runs: the first is building, the second is replaced by
    // the third. Only the third is ever shown, and runsApplied() comes once.
    const RunListSnapshot first = sweep(20000, 1); // large: still building when the others come
    const RunListSnapshot second = sweep(300, 2);
    const RunListSnapshot third = sweep(500, 3);
    ParallelCoordinatesModel model;
    model.setAxes({{Kind::Metric, QStringLiteral("loss")}});
    QSignalSpy applied(&model, &ParallelCoordinatesModel::runsApplied);
    model.setRuns(first);
    model.setRuns(second);
    model.setRuns(third);
    QVERIFY(model.runsPending());
    QVERIFY(applied.wait());
    QCOMPARE(applied.count(), 1);
    QCOMPARE(model.runs(), third);
    QCOMPARE(model.runCount(), 500);
    QCOMPARE(model.runId(0), QStringLiteral("s3-0"));
    // Nothing is left building, so no stale result can arrive later.
    QVERIFY(!model.runsPending());
    QCOMPARE(model.axis(0).values.size(), std::size_t(500));
    for (int r = 0; r < 500; ++r) {
        const Metric* loss = third->runs[static_cast<std::size_t>(r)].metric("loss");
        const double value = model.axis(0).values[static_cast<std::size_t>(r)];
        QVERIFY(loss ? value == loss->point.value : std::isnan(value));
    }

    // A synchronous set while a build runs makes that build stale as well.
    model.setRuns(first);
    model.setRunsNow(second);
    QCOMPARE(model.runs(), second);
    QCOMPARE(applied.count(), 2);
    QTRY_VERIFY(!model.runsPending());
    QCOMPARE(model.runs(), second); // the worker's result for `first` was dropped
    QCOMPARE(applied.count(), 2);
}

void TestParallelCoordinatesModel::stateCarriesAcrossTheSwap()
{
    const ParallelAxisSpec lr {Kind::Param, QStringLiteral("lr")};
    const ParallelAxisSpec opt {Kind::Param, QStringLiteral("optimizer")};
    const ParallelAxisSpec loss {Kind::Metric, QStringLiteral("loss")};
    const ParallelAxisSpec acc {Kind::Metric, QStringLiteral("acc")};
    ParallelCoordinatesModel model;
    QVERIFY(applyRuns(model, sweep(400, 5)));
    model.setAxes({lr, opt, loss});
    model.setScale(0, ParallelAxisScale::Log);
    model.setFlipped(2, true);
    model.setBrush(2, AxisBrush {0.5, 1.5, false});
    model.setBrush(1, AxisBrush {0.0, 0.0, false}); // a category: its index may mean another one later
    model.setColorMetric(QStringLiteral("acc"));

    // New runs are placed; meanwhile the person reorders, flips and rescales, still on the old runs.
    const RunListSnapshot next = sweep(3000, 6);
    QSignalSpy applied(&model, &ParallelCoordinatesModel::runsApplied);
    model.setRuns(next);
    model.moveAxis(2, 0); // loss, lr, optimizer
    model.setFlipped(1, true); // lr
    model.setScale(0, ParallelAxisScale::Quantile); // loss
    QCOMPARE(model.runCount(), 400);
    QVERIFY(applied.wait());
    QCOMPARE(model.runCount(), 3000);
    QCOMPARE(model.axes(), (QList<ParallelAxisSpec> {loss, lr, opt}));
    QVERIFY(model.axis(0).flipped);
    QCOMPARE(model.axis(0).scale, ParallelAxisScale::Quantile);
    QVERIFY(model.axis(1).flipped);
    QCOMPARE(model.axis(1).scale, ParallelAxisScale::Log);
    QVERIFY(!model.axis(2).brush); // the categorical brush is lifted
    QVERIFY(model.axis(0).brush);
    // The numeric brush filters the new runs: exactly those with 0.5 <= loss <= 1.5.
    QSet<QString> expected;
    for (const Run& run : next->runs) {
        const Metric* m = run.metric("loss");
        if (m && m->point.value >= 0.5 && m->point.value <= 1.5)
            expected.insert(QString::fromStdString(run.info.runId));
    }
    QVERIFY(expected.size() > 1000 && expected.size() < 2000);
    QCOMPARE(model.brushedRunIds(), std::optional<QSet<QString>>(expected));
    // Quantile positions of the new values: the highest loss at the top, so at 0 when flipped.
    const auto highest = std::max_element(next->runs.begin(), next->runs.end(), [](const Run& a, const Run& b) {
        const Metric* ma = a.metric("loss");
        const Metric* mb = b.metric("loss");
        return (ma ? ma->point.value : -1.0) < (mb ? mb->point.value : -1.0);
    });
    QCOMPARE(model.position(0, static_cast<int>(highest - next->runs.begin())), 0.0f);
    QCOMPARE(model.colorMetric(), QStringLiteral("acc"));
    QVERIFY(model.colorValue(0) >= 0.0f);

    // Axes chosen while a build runs are built for the new runs, on the worker.
    model.setRuns(sweep(700, 7));
    model.setAxes({acc, loss});
    QVERIFY(model.runsPending());
    QVERIFY(applied.wait());
    QVERIFY(!model.runsPending());
    QCOMPARE(model.runCount(), 700);
    QCOMPARE(model.axes(), (QList<ParallelAxisSpec> {acc, loss}));
    QCOMPARE(model.axis(0).values.size(), std::size_t(700));
    QCOMPARE(model.axis(0).values[3], model.runs()->runs[3].metric("acc")->point.value);
    QVERIFY(model.axis(1).flipped);
}

void TestParallelCoordinatesModel::defaultAxesKeepTheirOrder()
{
    // The default axes of the new runs, built on the worker, are exactly defaultAxes().
    const RunListSnapshot nlp = loadFixture({"640513601518546733"});
    QVERIFY(nlp);
    ParallelCoordinatesModel model;
    QVERIFY(applyRuns(model, nlp, ParallelCoordinatesModel::AxisChoice::Default));
    const QList<ParallelAxisSpec> defaults = ParallelCoordinatesModel::defaultAxes(*nlp);
    QCOMPARE(model.axes(), defaults);
    QCOMPARE(defaults.size(), 6);

    // Text params with a value per run are left out, as defaultAxes() does.
    std::vector<Run> many;
    for (int i = 0; i < 150; ++i)
        many.push_back(makeRun(std::to_string(i), {{"m", i * 0.5}},
            {{"checkpoint", "/ckpt/" + std::to_string(i)}, {"seed", std::to_string(i)}, {"opt", i % 2 ? "a" : "b"}}));
    const RunListSnapshot manyRuns = snapshot(many);
    ParallelCoordinatesModel other;
    QVERIFY(applyRuns(other, manyRuns, ParallelCoordinatesModel::AxisChoice::Default));
    QCOMPARE(other.axes(), ParallelCoordinatesModel::defaultAxes(*manyRuns));
    QCOMPARE(other.axes().size(), 3);

    // Reordered by the person, then new runs with one axis more: the shown axes keep their order,
    // the new one takes its default place.
    model.moveAxis(0, 5); // fold to the end
    const QList<ParallelAxisSpec> reordered = model.axes();
    QVERIFY(reordered != defaults);
    auto withSeed = std::make_shared<RunList>(*nlp);
    for (std::size_t i = 0; i < withSeed->runs.size(); ++i) {
        auto& params = withSeed->runs[i].params;
        params.push_back(KeyValue {"seed", std::to_string(i)});
        std::sort(params.begin(), params.end(), [](const KeyValue& a, const KeyValue& b) { return a.key < b.key; });
    }
    QVERIFY(applyRuns(model, withSeed, ParallelCoordinatesModel::AxisChoice::Default));
    const ParallelAxisSpec seed {Kind::Param, QStringLiteral("seed")};
    const qsizetype seedAt = ParallelCoordinatesModel::defaultAxes(*withSeed).indexOf(seed);
    QVERIFY(seedAt >= 0);
    QList<ParallelAxisSpec> expected = reordered;
    expected.insert(seedAt, seed);
    QCOMPARE(model.axes(), expected);
}

QTEST_GUILESS_MAIN(TestParallelCoordinatesModel)
#include "tst_parallelcoordinatesmodel.moc"
