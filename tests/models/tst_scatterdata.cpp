// SPDX-License-Identifier: Apache-2.0
// Scatter data: which runs become points with which values, and why the others are left out, on the
// MLflow-written fixture store and on hand-made runs with NaN, infinities, text params and values a log
// scale cannot show; axis ticks; the CSV of the plotted points.
#include "fixtureruns.h"
#include "runcolors.h"
#include "scatterdata.h"
#include "storefactory.h"

#include <QBuffer>
#include <QDateTime>
#include <QStandardPaths>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <limits>

using namespace runlens;
using runlens::test::loadFixture;

namespace {

const std::string kImageClassification = "900844674041952973";
const std::string kNlp = "640513601518546733";
constexpr double kInf = std::numeric_limits<double>::infinity();
const double kNaN = std::nan("");

ScatterField metric(const char* key)
{
    return {ScatterFieldKind::Metric, QString::fromUtf8(key)};
}

ScatterField param(const char* key)
{
    return {ScatterFieldKind::Param, QString::fromUtf8(key)};
}

Run makeRun(const std::string& id, std::vector<Metric> metrics, std::vector<KeyValue> params = {})
{
    Run run;
    run.info.runId = id;
    run.info.runName = "run " + id;
    // Runs keep their metrics and params sorted by key, as stores hand them out.
    std::sort(metrics.begin(), metrics.end(), [](const Metric& a, const Metric& b) { return a.key < b.key; });
    std::sort(params.begin(), params.end(), [](const KeyValue& a, const KeyValue& b) { return a.key < b.key; });
    run.metrics = std::move(metrics);
    run.params = std::move(params);
    return run;
}

Metric m(const char* key, double value)
{
    return {key, {0, value, 0}};
}

const ScatterPoint* pointOf(const ScatterData& data, const QString& name)
{
    for (const ScatterPoint& p : data.points()) {
        if (p.runName == name)
            return &p;
    }
    return nullptr;
}

} // namespace

class TestScatterData : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void fixtureOffersNumericFieldsOnly();
    void fixtureLrAgainstLoss();
    void fixtureNonFiniteMetricsLeftOut();
    void fixtureAttributes();
    void handMadeReasonsCounted();
    void logScaleLeavesOutNonPositive();
    void colourByMetric();
    void colourByTextParam();
    void linearTicks_data();
    void linearTicks();
    void logTicks();
    void timeTicksOnRoundTimes();
    void axisAroundOneValue();
    void csvHasEveryDigit();
    void fieldStringRoundTrip();
};

void TestScatterData::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
}

void TestScatterData::fixtureOffersNumericFieldsOnly()
{
    const RunListSnapshot runs = loadFixture({kImageClassification, kNlp});
    QVERIFY(runs);
    const QList<ScatterField> fields = ScatterData::numericFields(*runs);
    // Metrics of the fixture, including the non-finite ones (a run may still have finite values).
    for (const char* key : {"loss", "val_accuracy", "f1", "inf_last", "train/loss", "\u51c6\u786e\u7387"})
        QVERIFY2(fields.contains(metric(key)), key);
    // Params that are numbers in every run that has them.
    for (const char* key : {"lr", "batch_size", "fold", "epochs", "float_value", "learning_rate", "n_trials"})
        QVERIFY2(fields.contains(param(key)), key);
    // Text params are no axes: words, JSON, booleans, empty strings, "None".
    for (const char* key : {"optimizer", "model", "bool_value", "json_value", "empty_value", "none_value", "emoji"})
        QVERIFY2(!fields.contains(param(key)), key);
    QVERIFY(fields.contains(ScatterField {ScatterFieldKind::Attribute, ScatterField::kStartTime}));
    QVERIFY(fields.contains(ScatterField {ScatterFieldKind::Attribute, ScatterField::kDuration}));
    // Metrics first, then params, then attributes (the combo-box order).
    QCOMPARE(fields.front().kind, ScatterFieldKind::Metric);
    QCOMPARE(fields.back().kind, ScatterFieldKind::Attribute);
}

void TestScatterData::fixtureLrAgainstLoss()
{
    const RunListSnapshot runs = loadFixture({kImageClassification});
    QVERIFY(runs);
    QCOMPARE(int(runs->runs.size()), 14); // active runs of image-classification
    const ScatterData data = ScatterData::build(runs, param("lr"), metric("loss"));
    QCOMPARE(data.runCount(), 14);
    // Only the three trials have both an lr param and a loss metric.
    QCOMPARE(int(data.points().size()), 3);
    QCOMPARE(data.leftOutCount(), 11);
    QCOMPARE(data.xOmissions().missing, 11);
    QCOMPARE(data.yOmissions().missing, 8);
    QCOMPARE(data.xOmissions().notNumber + data.xOmissions().nonFinite + data.xOmissions().nonPositive, 0);
    QCOMPARE(data.leftOutSummary(), QStringLiteral("11 runs lack lr (param); 8 runs lack loss"));

    const ScatterPoint* trial0 = pointOf(data, QStringLiteral("trial-0"));
    const ScatterPoint* trial2 = pointOf(data, QStringLiteral("trial-2"));
    QVERIFY(trial0 && trial2);
    QCOMPARE(trial0->x, 0.1);
    QCOMPARE(trial0->y, 0.13304193801212844);
    QCOMPARE(trial2->x, 0.001);
    QCOMPARE(trial2->y, 2.335375276536114);
    QCOMPARE(trial0->runColour, runColor(trial0->runId.toStdString()));
    QVERIFY(std::isnan(trial0->colour)); // colouring by run: no colour value
    QCOMPARE(runs->runs[std::size_t(trial0->runIndex)].info.runName, std::string("trial-0"));

    // The axes cover the points with a margin.
    const ScatterAxis x = data.xAxis();
    QVERIFY(x.lo < 0.001 && x.hi > 0.1);
    const ScatterAxis y = data.yAxis();
    QVERIFY(y.lo < 0.133 && y.hi > 2.34);
}

void TestScatterData::fixtureNonFiniteMetricsLeftOut()
{
    // nan-inf-values: inf_last = +inf, neg_inf_last = -inf, nan_only = NaN, int_metric = 7, weird_values = -1.5.
    const RunListSnapshot runs = loadFixture({kImageClassification});
    QVERIFY(runs);
    for (const char* key : {"inf_last", "neg_inf_last", "nan_only"}) {
        const ScatterData data = ScatterData::build(runs, metric("int_metric"), metric(key));
        QVERIFY2(data.points().empty(), key);
        QCOMPARE(data.yOmissions().nonFinite, 1);
        QCOMPARE(data.yOmissions().missing, 13);
        QVERIFY(
            data.leftOutSummary().contains(QStringLiteral("1 run has a NaN or infinite %1").arg(QLatin1String(key))));
    }
    const ScatterData finite = ScatterData::build(runs, metric("int_metric"), metric("weird_values"));
    QCOMPARE(int(finite.points().size()), 1);
    QCOMPARE(finite.points()[0].x, 7.0);
    QCOMPARE(finite.points()[0].y, -1.5);
    // On a log y axis the negative value cannot be placed: left out and counted, not clamped.
    const ScatterData logged = ScatterData::build(runs, metric("int_metric"), metric("weird_values"), {}, false, true);
    QVERIFY(logged.points().empty());
    QCOMPARE(logged.yOmissions().nonPositive, 1);
}

void TestScatterData::fixtureAttributes()
{
    const RunListSnapshot runs = loadFixture({kImageClassification});
    QVERIFY(runs);
    const ScatterField start {ScatterFieldKind::Attribute, ScatterField::kStartTime};
    const ScatterField duration {ScatterFieldKind::Attribute, ScatterField::kDuration};
    const ScatterData data = ScatterData::build(runs, start, duration);
    // still-running and scheduled-run have no end time, hence no duration.
    QCOMPARE(data.yOmissions().missing, 2);
    QCOMPARE(int(data.points().size()), 12);
    const ScatterPoint* trial0 = pointOf(data, QStringLiteral("trial-0"));
    QVERIFY(trial0);
    QCOMPARE(trial0->x, 1795663691694.0);
    QCOMPARE(trial0->y, 0.015);
    const ScatterPoint* oom = pointOf(data, QStringLiteral("crashed-oom"));
    QVERIFY(oom);
    QCOMPARE(oom->y, 60.0);
    QVERIFY(data.xAxis().time);
    // A log scale is not applied to times.
    QVERIFY(!ScatterData::build(runs, start, duration, {}, true, false).logX());
}

void TestScatterData::handMadeReasonsCounted()
{
    auto list = std::make_shared<RunList>();
    list->runs.push_back(makeRun("a", {m("acc", 0.5), m("loss", 1.0)}, {{"lr", "0.1"}}));
    list->runs.push_back(makeRun("b", {m("acc", 0.6), m("loss", kNaN)}, {{"lr", "0.01"}}));
    list->runs.push_back(makeRun("c", {m("acc", 0.7), m("loss", kInf)}, {{"lr", "1e-3"}}));
    list->runs.push_back(makeRun("d", {m("acc", 0.8), m("loss", -kInf)}, {{"lr", "fast"}}));
    list->runs.push_back(makeRun("e", {m("acc", 0.9)}, {{"lr", "nan"}}));
    list->runs.push_back(makeRun("f", {m("loss", 2.0)}, {{"lr", " 0.5"}}));
    list->runs.push_back(makeRun("g", {m("acc", 1.0), m("loss", 3.0)}, {{"lr", "2"}}));
    const RunListSnapshot runs = list;

    const ScatterData data = ScatterData::build(runs, param("lr"), metric("loss"));
    QCOMPARE(data.runCount(), 7);
    QCOMPARE(int(data.points().size()), 2); // a and g
    QCOMPARE(data.points()[0].runId, QStringLiteral("a"));
    QCOMPARE(data.points()[1].runId, QStringLiteral("g"));
    QCOMPARE(data.points()[1].x, 2.0);
    QCOMPARE(data.leftOutCount(), 5);
    // x: "fast" and " 0.5" are not numbers, "nan" parses to NaN.
    QCOMPARE(data.xOmissions().notNumber, 2);
    QCOMPARE(data.xOmissions().nonFinite, 1);
    QCOMPARE(data.xOmissions().missing, 0);
    // y: NaN, +inf, -inf; e lacks loss.
    QCOMPARE(data.yOmissions().nonFinite, 3);
    QCOMPARE(data.yOmissions().missing, 1);
    QCOMPARE(data.leftOutSummary(),
        QStringLiteral("2 runs have a non-numeric lr (param); 1 run has a NaN or infinite lr (param); "
                       "1 run lacks loss; 3 runs have a NaN or infinite loss"));
    // The lr param is not offered as an axis, since some values are text.
    QVERIFY(!ScatterData::numericFields(*runs).contains(param("lr")));
    QVERIFY(ScatterData::numericFields(*runs).contains(metric("loss")));
}

void TestScatterData::logScaleLeavesOutNonPositive()
{
    auto list = std::make_shared<RunList>();
    list->runs.push_back(makeRun("a", {m("x", 1e-3), m("y", 10)}));
    list->runs.push_back(makeRun("b", {m("x", 0.0), m("y", 20)}));
    list->runs.push_back(makeRun("c", {m("x", -2.0), m("y", -1)}));
    list->runs.push_back(makeRun("d", {m("x", 100.0), m("y", 0)}));
    const ScatterData linear = ScatterData::build(list, metric("x"), metric("y"));
    QCOMPARE(int(linear.points().size()), 4);
    const ScatterData logX = ScatterData::build(list, metric("x"), metric("y"), {}, true, false);
    QCOMPARE(int(logX.points().size()), 2);
    QCOMPARE(logX.xOmissions().nonPositive, 2);
    QCOMPARE(logX.yOmissions().total(), 0);
    const ScatterData both = ScatterData::build(list, metric("x"), metric("y"), {}, true, true);
    QCOMPARE(int(both.points().size()), 1);
    QCOMPARE(both.points()[0].runId, QStringLiteral("a"));
    QCOMPARE(both.xOmissions().nonPositive, 2);
    QCOMPARE(both.yOmissions().nonPositive, 2);
    QCOMPARE(both.leftOutCount(), 3);
    QVERIFY(both.leftOutSummary().contains(QStringLiteral("2 runs have a x \u2264 0 (log scale)")));
    // The axis spans the positive points in log space.
    const ScatterAxis axis = logX.xAxis();
    QVERIFY(axis.log);
    QVERIFY(axis.lo > 0 && axis.lo < 1e-3 && axis.hi > 100);
    QCOMPARE(axis.fraction(std::sqrt(axis.lo * axis.hi)), 0.5);
}

void TestScatterData::colourByMetric()
{
    auto list = std::make_shared<RunList>();
    list->runs.push_back(makeRun("a", {m("x", 1), m("y", 1), m("c", 0.25)}));
    list->runs.push_back(makeRun("b", {m("x", 2), m("y", 2), m("c", kNaN)}));
    list->runs.push_back(makeRun("c", {m("x", 3), m("y", 3)}));
    list->runs.push_back(makeRun("d", {m("x", 4), m("y", 4), m("c", 0.75)}));
    list->runs.push_back(makeRun("e", {m("y", 5), m("c", 9.0)})); // not plotted: its colour is not in the range
    const ScatterData data = ScatterData::build(list, metric("x"), metric("y"), metric("c"));
    QCOMPARE(int(data.points().size()), 4);
    QCOMPARE(data.colourMin(), 0.25);
    QCOMPARE(data.colourMax(), 0.75);
    QCOMPARE(data.colourMissing(), 2);
    QCOMPARE(data.points()[0].colour, 0.25);
    QVERIFY(std::isnan(data.points()[1].colour));
    QVERIFY(data.leftOutSummary().endsWith(QStringLiteral("2 plotted runs lack c (grey)")));
}

void TestScatterData::colourByTextParam()
{
    // The nlp sweep: lr against f1, coloured by the model param (text: bert-base or distilbert).
    const RunListSnapshot runs = loadFixture({kNlp});
    QVERIFY(runs);
    QVERIFY(ScatterData::colourFields(*runs).contains(param("model")));
    QVERIFY(!ScatterData::numericFields(*runs).contains(param("model")));
    QVERIFY(ScatterData::isCategorical(*runs, param("model")));
    QVERIFY(!ScatterData::isCategorical(*runs, param("fold")));
    const ScatterData data = ScatterData::build(runs, param("lr"), metric("f1"), param("model"));
    QCOMPARE(int(data.points().size()), 5);
    QVERIFY(data.colourCategorical());
    QCOMPARE(data.colourCategories(), (QStringList {QStringLiteral("bert-base"), QStringLiteral("distilbert")}));
    QCOMPARE(pointOf(data, QStringLiteral("bert-0"))->colour, 0.0);
    QCOMPARE(pointOf(data, QStringLiteral("bert-1"))->colour, 1.0);
    QCOMPARE(data.colourText(1.0), QStringLiteral("distilbert"));
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    QVERIFY(data.writeCsv(buffer));
    QVERIFY(
        QString::fromUtf8(buffer.data()).contains(QStringLiteral(",bert-3,1e-05,0.8300000000000001,distilbert\r\n")));

    // Numbers first by value, then text; a run without the param is grey and counted.
    auto list = std::make_shared<RunList>();
    list->runs.push_back(makeRun("a", {m("x", 1), m("y", 1)}, {{"size", "10"}}));
    list->runs.push_back(makeRun("b", {m("x", 2), m("y", 2)}, {{"size", "2"}}));
    list->runs.push_back(makeRun("c", {m("x", 3), m("y", 3)}, {{"size", "large"}}));
    list->runs.push_back(makeRun("d", {m("x", 4), m("y", 4)}));
    const ScatterData sizes = ScatterData::build(list, metric("x"), metric("y"), param("size"));
    QCOMPARE(sizes.colourCategories().join(QLatin1Char(' ')), QStringLiteral("2 10 large"));
    QCOMPARE(sizes.points()[0].colour, 1.0);
    QCOMPARE(sizes.points()[2].colour, 2.0);
    QVERIFY(std::isnan(sizes.points()[3].colour));
    QCOMPARE(sizes.colourMissing(), 1);
}

void TestScatterData::linearTicks_data()
{
    QTest::addColumn<double>("lo");
    QTest::addColumn<double>("hi");
    QTest::addColumn<int>("maxTicks");
    QTest::addColumn<QString>("labels"); // space-separated
    QTest::newRow("unit") << 0.03 << 0.97 << 6 << QStringLiteral("0.2 0.4 0.6 0.8");
    QTest::newRow("across zero") << -1.3 << 2.1 << 8 << QStringLiteral("-1.0 -0.5 0.0 0.5 1.0 1.5 2.0");
    QTest::newRow("hundreds") << 12.0 << 1090.0 << 5 << QStringLiteral("200 400 600 800 1000");
    QTest::newRow("tiny") << 1.2e-6 << 4.9e-6 << 4 << QStringLiteral("2e-06 3e-06 4e-06");
    QTest::newRow("large") << 1.2e9 << 4.9e9 << 4 << QStringLiteral("2e+09 3e+09 4e+09");
}

void TestScatterData::linearTicks()
{
    QFETCH(double, lo);
    QFETCH(double, hi);
    QFETCH(int, maxTicks);
    QFETCH(QString, labels);
    const ScatterAxis axis {lo, hi, false, false};
    const QList<double> ticks = axis.ticks(maxTicks);
    QStringList actual;
    for (const double v : ticks) {
        QVERIFY(v >= lo && v <= hi);
        actual << axis.tickLabel(v, ticks);
    }
    QCOMPARE(actual.join(QLatin1Char(' ')), labels);
}

void TestScatterData::logTicks()
{
    // Six decades: one tick per power of ten.
    const ScatterAxis wide {8e-7, 0.3, true, false};
    const QList<double> ticks = wide.ticks(8);
    QCOMPARE(ticks, (QList<double> {1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1}));
    QCOMPARE(wide.tickLabel(1e-5, ticks), QStringLiteral("1e-05"));
    QCOMPARE(wide.tickLabel(0.1, ticks), QStringLiteral("0.1"));
    // Two decades: 2 and 5 in between.
    const ScatterAxis narrow {0.9, 120, true, false};
    QCOMPARE(narrow.ticks(10), (QList<double> {1, 2, 5, 10, 20, 50, 100}));
    // Within one decade: linear steps.
    const ScatterAxis inside {2.1, 7.9, true, false};
    const QList<double> linear = inside.ticks(6);
    QCOMPARE(linear.front(), 3.0);
    QCOMPARE(linear.back(), 7.0);
    // Evenly spaced decades on the axis.
    QCOMPARE(wide.fraction(wide.valueAt(0.25)), 0.25);
    QVERIFY(
        std::abs((wide.fraction(1e-3) - wide.fraction(1e-4)) - (wide.fraction(1e-2) - wide.fraction(1e-3))) < 1e-12);
}

void TestScatterData::timeTicksOnRoundTimes()
{
    // Two hours and a bit: ticks on round local times, labelled as times.
    const qint64 start = QDateTime(QDate(2026, 3, 4), QTime(9, 7, 31)).toMSecsSinceEpoch();
    const ScatterAxis axis {double(start), double(start + 130 * 60 * 1000), false, true};
    const QList<double> ticks = axis.ticks(6);
    QVERIFY(ticks.size() >= 3 && ticks.size() <= 6);
    for (const double v : ticks) {
        const QDateTime at = QDateTime::fromMSecsSinceEpoch(qint64(v));
        QCOMPARE(at.time().second(), 0);
        QCOMPARE(at.time().minute() % 30, 0);
    }
    QCOMPARE(axis.tickLabel(ticks.front(), ticks), QStringLiteral("03-04 09:30"));

    // Two years: calendar quarters or half-years, labelled by month.
    const qint64 jan = QDateTime(QDate(2025, 1, 10), QTime(0, 0)).toMSecsSinceEpoch();
    const qint64 nov = QDateTime(QDate(2026, 11, 20), QTime(0, 0)).toMSecsSinceEpoch();
    const ScatterAxis years {double(jan), double(nov), false, true};
    const QList<double> quarters = years.ticks(8);
    QStringList labels;
    for (const double v : quarters)
        labels << years.tickLabel(v, quarters);
    QCOMPARE(labels.join(QLatin1Char(' ')), QStringLiteral("2025-04 2025-07 2025-10 2026-01 2026-04 2026-07 2026-10"));
    const QList<double> halves = years.ticks(3);
    QCOMPARE(halves.size(), 3);
    QCOMPARE(years.tickLabel(halves.front(), halves), QStringLiteral("2025-07"));
    // Six years: whole years.
    const ScatterAxis decade {double(jan), double(jan + 6 * 365 * 86400000LL), false, true};
    const QList<double> yearTicks = decade.ticks(8);
    QCOMPARE(yearTicks.size(), 6);
    QCOMPARE(decade.tickLabel(yearTicks.front(), yearTicks), QStringLiteral("2026"));
}

void TestScatterData::axisAroundOneValue()
{
    const ScatterAxis one = ScatterAxis::around(5.0, 5.0, false, false);
    QVERIFY(one.lo < 5.0 && one.hi > 5.0);
    QCOMPARE(one.fraction(5.0), 0.5);
    const ScatterAxis logOne = ScatterAxis::around(0.01, 0.01, true, false);
    QVERIFY(std::abs(logOne.fraction(0.01) - 0.5) < 1e-12);
    const ScatterAxis zero = ScatterAxis::around(0.0, 0.0, false, false);
    QVERIFY(zero.lo < 0.0 && zero.hi > 0.0);
    const ScatterAxis none = ScatterAxis::around(kInf, -kInf, false, false);
    QVERIFY(none.hi > none.lo);
}

void TestScatterData::csvHasEveryDigit()
{
    const RunListSnapshot runs = loadFixture({kImageClassification});
    QVERIFY(runs);
    const ScatterData data = ScatterData::build(runs, param("lr"), metric("loss"), metric("val_accuracy"));
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    QVERIFY(data.writeCsv(buffer));
    const QStringList lines = QString::fromUtf8(buffer.data()).split(QStringLiteral("\r\n"));
    QCOMPARE(lines.size(), 5); // header, three runs, and the empty piece after the last line end
    QCOMPARE(lines[0], QStringLiteral("run_id,run_name,x:param:lr,y:metric:loss,colour:metric:val_accuracy"));
    const ScatterPoint* trial0 = pointOf(data, QStringLiteral("trial-0"));
    QVERIFY(trial0);
    QVERIFY(lines.contains(trial0->runId + QStringLiteral(",trial-0,0.1,0.13304193801212844,0.9467832247951486")));
    QVERIFY(std::any_of(lines.begin(), lines.end(), [](const QString& line) {
        return line.endsWith(QStringLiteral(",trial-2,0.001,2.335375276536114,0.06584988938555436"));
    }));
    QCOMPARE(lines[4], QString());

    // Coloured by run: the run colour; names with commas are quoted.
    auto list = std::make_shared<RunList>();
    Run run = makeRun("id1", {m("x", 1.0 / 3.0), m("y", 1e-300)});
    run.info.runName = "a, \"b\"";
    list->runs.push_back(run);
    const ScatterData own = ScatterData::build(list, metric("x"), metric("y"));
    QBuffer second;
    second.open(QIODevice::WriteOnly);
    QVERIFY(own.writeCsv(second));
    QCOMPARE(QString::fromUtf8(second.data()),
        QStringLiteral(
            "run_id,run_name,x:metric:x,y:metric:y,colour:run\r\nid1,\"a, \"\"b\"\"\",0.3333333333333333,1e-300,")
            + runColor("id1").name() + QStringLiteral("\r\n"));
}

void TestScatterData::fieldStringRoundTrip()
{
    for (const ScatterField& f :
        {metric("val/loss"), param("model:lr"), ScatterField {ScatterFieldKind::Attribute, ScatterField::kDuration}}) {
        QCOMPARE(ScatterField::fromString(f.toString()), f);
    }
    QVERIFY(!ScatterField::fromString(QStringLiteral("nonsense")).isValid());
    QCOMPARE(param("lr").label(), QStringLiteral("lr (param)"));
    QCOMPARE(metric("val/loss").label(), QStringLiteral("val/loss"));
}

QTEST_GUILESS_MAIN(TestScatterData)
#include "tst_scatterdata.moc"
