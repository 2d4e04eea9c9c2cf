// SPDX-License-Identifier: Apache-2.0
#include "runsortproxymodel.h"
#include "runtablemodel.h"
#include "storefactory.h"

#include <QAbstractItemModelTester>
#include <QStandardPaths>
#include <QTest>

#include <cmath>
#include <set>

using namespace runlens;

namespace {

const std::string kImageClassification = "900844674041952973";
const std::string kNlp = "640513601518546733";

std::unique_ptr<Store> openFixture()
{
    auto store = openStore(RUNLENS_FIXTURE_DIR "/file/mlruns");
    if (!store) {
        qWarning("%s", store.error().toString().c_str());
        return nullptr;
    }
    return std::move(store.value());
}

RunListSnapshot loadRuns(Store& store, std::vector<std::string> experimentIds)
{
    RunQuery query;
    query.experimentIds = std::move(experimentIds);
    auto result = store.searchRuns(query);
    if (!result)
        return nullptr;
    return std::make_shared<const RunList>(std::move(result.value()));
}

// 0: a value, 1: NaN, 2: missing, which is the order a sorted column must keep in both directions.
int rank(const QVariant& v)
{
    if (!v.isValid())
        return 2;
    if (v.typeId() == QMetaType::Double && std::isnan(v.toDouble()))
        return 1;
    return 0;
}

QStringList columnValues(const QAbstractItemModel& model, int column, int role = Qt::DisplayRole)
{
    QStringList values;
    for (int row = 0; row < model.rowCount(); ++row)
        values << model.index(row, column).data(role).toString();
    return values;
}

} // namespace

class TestRunTableModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void modelAndProxyPassTester();
    void columnsAreUnionOfParamAndMetricKeys();
    void experimentColumnOnlyForSeveralExperiments();
    void fixedColumnsFormatAndRawValues();
    void nonFiniteMetrics();
    void sortingKeepsNanAndMissingLast_data();
    void sortingKeepsNanAndMissingLast();
    void sortsInfinitiesAsNumbers();
    void numericParamsSortNumerically();
    void textSortsNaturally();
    void formatDuration_data();
    void formatDuration();

private:
    std::unique_ptr<Store> m_store;
    RunListSnapshot m_all;
    RunListSnapshot m_images;
};

void TestRunTableModel::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    m_store = openFixture();
    QVERIFY(m_store);
    m_all = loadRuns(*m_store, {});
    QVERIFY(m_all);
    QCOMPARE(m_all->runs.size(), std::size_t(20)); // active runs of the active experiments
    m_images = loadRuns(*m_store, {kImageClassification});
    QVERIFY(m_images);
    QCOMPARE(m_images->runs.size(), std::size_t(14));
}

void TestRunTableModel::modelAndProxyPassTester()
{
    RunTableModel model;
    RunSortProxyModel proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester modelTester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);

    model.setRuns(m_images);
    QCOMPARE(proxy.rowCount(), 14);
    for (int column = 0; column < model.columnCount(); ++column) {
        proxy.sort(column, Qt::AscendingOrder);
        proxy.sort(column, Qt::DescendingOrder);
    }
    model.setRuns(m_all, {{QString::fromStdString(kImageClassification), QStringLiteral("image-classification")}});
    QCOMPARE(proxy.rowCount(), 20);
    model.clear();
    QCOMPARE(proxy.rowCount(), 0);
    QCOMPARE(model.columnCount(), 5); // the fixed columns stay, so the header keeps its shape
    model.setRuns(std::make_shared<const RunList>());
    QCOMPARE(model.rowCount(), 0);
}

void TestRunTableModel::columnsAreUnionOfParamAndMetricKeys()
{
    RunTableModel model;
    model.setRuns(m_all);

    std::set<std::string> params;
    std::set<std::string> metrics;
    std::set<std::string> tags; // user tags only: MLflow's mlflow.* tags are shown in the details
    for (const Run& run : m_all->runs) {
        for (const KeyValue& p : run.params)
            params.insert(p.key);
        for (const Metric& m : run.metrics)
            metrics.insert(m.key);
        for (const KeyValue& t : run.tags) {
            if (t.key.rfind("mlflow.", 0) != 0)
                tags.insert(t.key);
        }
    }
    QVERIFY(!tags.empty());
    // Spot-check against the fixture, so the union above is not only compared with itself.
    for (const char* key : {"lr", "batch_size", "seed", "fold", "model", "optimizer", "emoji", "empty_value"})
        QVERIFY2(params.count(key), key);
    for (const char* key : {"loss", "val_accuracy", "f1", "nan_only", "inf_last", "weird_values", "score"})
        QVERIFY2(metrics.count(key), key);

    QStringList expected {QStringLiteral("Run"), QStringLiteral("Experiment"), QStringLiteral("Status"),
        QStringLiteral("Started"), QStringLiteral("Duration"), QStringLiteral("User")};
    const int fixed = static_cast<int>(expected.size());
    for (const std::string& key : params)
        expected << QString::fromStdString(key);
    for (const std::string& key : metrics)
        expected << QString::fromStdString(key);
    for (const std::string& key : tags)
        expected << QString::fromStdString(key);

    QStringList actual;
    for (int c = 0; c < model.columnCount(); ++c)
        actual << model.headerData(c, Qt::Horizontal).toString();
    QCOMPARE(actual, expected);
    QCOMPARE(model.paramColumnCount(), static_cast<int>(params.size()));
    QCOMPARE(model.metricColumnCount(), static_cast<int>(metrics.size()));
    QCOMPARE(model.tagColumnCount(), static_cast<int>(tags.size()));

    // Kinds, keys and groups line up with the titles; "lr" as a param is not confused with anything else.
    const int firstMetric = fixed + static_cast<int>(params.size());
    const int firstTag = firstMetric + static_cast<int>(metrics.size());
    for (int c = fixed; c < model.columnCount(); ++c) {
        const auto kind = c < firstMetric ? RunTableModel::ColumnKind::Param
            : c < firstTag                ? RunTableModel::ColumnKind::Metric
                                          : RunTableModel::ColumnKind::Tag;
        QCOMPARE(model.headerData(c, Qt::Horizontal, RunTableModel::ColumnKindRole).toInt(), static_cast<int>(kind));
        QCOMPARE(model.headerData(c, Qt::Horizontal, RunTableModel::ColumnKeyRole).toString(), actual[c]);
        QCOMPARE(model.headerData(c, Qt::Horizontal, RunTableModel::ColumnGroupRole).toString(),
            kind == RunTableModel::ColumnKind::Param        ? QStringLiteral("Parameters")
                : kind == RunTableModel::ColumnKind::Metric ? QStringLiteral("Metrics")
                                                            : QStringLiteral("Tags"));
        if (kind == RunTableModel::ColumnKind::Tag) {
            // Each cell is the run's tag exactly, or nothing when the run lacks it.
            for (int row = 0; row < model.rowCount(); ++row) {
                const std::string* value = model.runAt(row)->tag(actual[c].toStdString());
                const QVariant raw = model.index(row, c).data(RunTableModel::RawValueRole);
                QCOMPARE(raw.isValid(), value != nullptr);
                if (value)
                    QCOMPARE(raw.toString(), QString::fromStdString(*value));
            }
        }
        QVERIFY(!model.headerData(c, Qt::Horizontal, Qt::ToolTipRole).toString().isEmpty());
    }
    QCOMPARE(model.columnOf(RunTableModel::ColumnKind::Param, QStringLiteral("lr")),
        static_cast<int>(actual.indexOf(QStringLiteral("lr"))));
    // The fixture logs "lr" both as a param (trials) and as a metric (resnet50-baseline): two columns.
    const int metricLr = model.columnOf(RunTableModel::ColumnKind::Metric, QStringLiteral("lr"));
    QVERIFY(metricLr > model.columnOf(RunTableModel::ColumnKind::Param, QStringLiteral("lr")));
    QCOMPARE(actual.lastIndexOf(QStringLiteral("lr")), metricLr);
}

void TestRunTableModel::experimentColumnOnlyForSeveralExperiments()
{
    RunTableModel model;
    model.setRuns(m_images);
    QCOMPARE(model.columnOf(RunTableModel::ColumnKind::Experiment), -1);

    const QString nlpId = QString::fromStdString(kNlp);
    model.setRuns(m_all, {{nlpId, QStringLiteral("nlp")}});
    const int column = model.columnOf(RunTableModel::ColumnKind::Experiment);
    QCOMPARE(column, 1);
    int nlpRows = 0;
    for (int row = 0; row < model.rowCount(); ++row) {
        const QModelIndex index = model.index(row, column);
        if (index.data(RunTableModel::RawValueRole).toString() == nlpId) {
            QCOMPARE(index.data().toString(), QStringLiteral("nlp"));
            ++nlpRows;
        }
    }
    QCOMPARE(nlpRows, 5);
}

void TestRunTableModel::fixedColumnsFormatAndRawValues()
{
    RunTableModel model;
    model.setRuns(m_images);
    const int name = model.columnOf(RunTableModel::ColumnKind::Name);
    const int status = model.columnOf(RunTableModel::ColumnKind::Status);
    const int start = model.columnOf(RunTableModel::ColumnKind::Start);
    const int duration = model.columnOf(RunTableModel::ColumnKind::Duration);
    const int user = model.columnOf(RunTableModel::ColumnKind::User);

    const QStringList names = columnValues(model, name);
    const int crashed = static_cast<int>(names.indexOf(QStringLiteral("crashed-oom")));
    QVERIFY(crashed >= 0);
    QCOMPARE(model.index(crashed, status).data().toString(), QStringLiteral("Failed"));
    QCOMPARE(model.index(crashed, status).data(RunTableModel::RawValueRole).toString(), QStringLiteral("FAILED"));
    QVERIFY(model.index(crashed, status).data(Qt::DecorationRole).isValid());
    QCOMPARE(model.index(crashed, start).data(RunTableModel::RawValueRole).toLongLong(), 1735689700000LL);
    QCOMPARE(model.index(crashed, start).data().toString(),
        QDateTime::fromMSecsSinceEpoch(1735689700000LL).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")));
    QCOMPARE(model.index(crashed, duration).data(RunTableModel::RawValueRole).toLongLong(), 60000LL);
    QCOMPARE(model.index(crashed, duration).data().toString(), QStringLiteral("1m 00s"));
    QCOMPARE(model.index(crashed, user).data().toString(), QStringLiteral("unknown"));
    QVERIFY(model.index(crashed, name)
                .data(Qt::ToolTipRole)
                .toString()
                .contains(QStringLiteral("946767e5c29e405d97bce15708425ebb")));
    QCOMPARE(model.index(crashed, name).data(RunTableModel::RunIdRole).toString(),
        QStringLiteral("946767e5c29e405d97bce15708425ebb"));

    // A run still going has no end: no duration, sorted with the missing.
    const int running = static_cast<int>(names.indexOf(QStringLiteral("still-running")));
    QVERIFY(running >= 0);
    QCOMPARE(model.index(running, status).data().toString(), QStringLiteral("Running"));
    QVERIFY(!model.index(running, duration).data(RunTableModel::SortRole).isValid());
    QVERIFY(model.index(running, duration).data().toString().isEmpty());

    // Unicode names survive the trip.
    QVERIFY(names.contains(QStringLiteral("Überlauf-✓-测试 run")));
}

void TestRunTableModel::nonFiniteMetrics()
{
    RunTableModel model;
    model.setRuns(m_images);
    const int row = static_cast<int>(columnValues(model, 0).indexOf(QStringLiteral("nan-inf-values")));
    QVERIFY(row >= 0);
    const auto cell = [&](const char* key) {
        return model.index(row, model.columnOf(RunTableModel::ColumnKind::Metric, QString::fromLatin1(key)));
    };
    QCOMPARE(cell("nan_only").data().toString(), QStringLiteral("NaN"));
    QVERIFY(std::isnan(cell("nan_only").data(RunTableModel::SortRole).toDouble()));
    QCOMPARE(cell("inf_last").data().toString(), QStringLiteral("inf"));
    QCOMPARE(cell("neg_inf_last").data().toString(), QStringLiteral("-inf"));
    QCOMPARE(cell("int_metric").data().toString(), QStringLiteral("7"));
    QCOMPARE(cell("weird_values").data().toString(), QStringLiteral("-1.5"));
    QVERIFY(cell("weird_values").data(Qt::ToolTipRole).toString().contains(QStringLiteral("step 8")));
    // A run without the metric has no value at all, not a zero.
    const int other = static_cast<int>(columnValues(model, 0).indexOf(QStringLiteral("crashed-oom")));
    const QModelIndex missing
        = model.index(other, model.columnOf(RunTableModel::ColumnKind::Metric, QStringLiteral("nan_only")));
    QVERIFY(!missing.data(RunTableModel::SortRole).isValid());
    QVERIFY(missing.data().toString().isEmpty());
}

void TestRunTableModel::sortingKeepsNanAndMissingLast_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("key");
    QTest::addColumn<int>("order");
    QTest::addColumn<QString>("firstRun"); // empty: not checked
    const auto metric = static_cast<int>(RunTableModel::ColumnKind::Metric);
    const auto param = static_cast<int>(RunTableModel::ColumnKind::Param);
    QTest::newRow("loss ascending") << metric << "loss" << int(Qt::AscendingOrder) << "trial-0";
    QTest::newRow("loss descending") << metric << "loss" << int(Qt::DescendingOrder) << "crashed-oom";
    QTest::newRow("nan_only ascending") << metric << "nan_only" << int(Qt::AscendingOrder) << "nan-inf-values";
    QTest::newRow("nan_only descending") << metric << "nan_only" << int(Qt::DescendingOrder) << "nan-inf-values";
    QTest::newRow("inf_last ascending") << metric << "inf_last" << int(Qt::AscendingOrder) << "nan-inf-values";
    QTest::newRow("inf_last descending") << metric << "inf_last" << int(Qt::DescendingOrder) << "nan-inf-values";
    QTest::newRow("val_accuracy descending") << metric << "val_accuracy" << int(Qt::DescendingOrder) << "trial-0";
    QTest::newRow("lr ascending") << param << "lr" << int(Qt::AscendingOrder) << "trial-2";
    QTest::newRow("lr descending") << param << "lr" << int(Qt::DescendingOrder) << "";
    QTest::newRow("batch_size descending") << param << "batch_size" << int(Qt::DescendingOrder) << "crashed-oom";
}

void TestRunTableModel::sortingKeepsNanAndMissingLast()
{
    QFETCH(int, kind);
    QFETCH(QString, key);
    QFETCH(int, order);
    QFETCH(QString, firstRun);

    RunTableModel model;
    RunSortProxyModel proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setRuns(m_images);
    const int column = model.columnOf(static_cast<RunTableModel::ColumnKind>(kind), key);
    QVERIFY(column >= 0);
    proxy.sort(column, static_cast<Qt::SortOrder>(order));

    int lastRank = 0;
    QVariant previous;
    int present = 0;
    for (int row = 0; row < proxy.rowCount(); ++row) {
        const QVariant value = proxy.index(row, column).data(RunTableModel::SortRole);
        const int r = rank(value);
        QVERIFY2(r >= lastRank, qPrintable(QStringLiteral("row %1 breaks present < NaN < missing").arg(row)));
        if (r == 0) {
            ++present;
            if (previous.isValid()) {
                const int c = proxy.compareValues(previous, value);
                QVERIFY2(order == Qt::AscendingOrder ? c <= 0 : c >= 0,
                    qPrintable(QStringLiteral("row %1 out of order").arg(row)));
            }
            previous = value;
        }
        lastRank = r;
    }
    QVERIFY(present > 0 || key == QLatin1String("nan_only"));
    QVERIFY(rank(proxy.index(proxy.rowCount() - 1, column).data(RunTableModel::SortRole)) > 0); // some runs lack it
    if (!firstRun.isEmpty())
        QCOMPARE(proxy.index(0, 0).data().toString(), firstRun);
}

void TestRunTableModel::sortsInfinitiesAsNumbers()
{
    RunSortProxyModel proxy;
    const double inf = std::numeric_limits<double>::infinity();
    QCOMPARE(proxy.compareValues(-inf, -1.5), -1);
    QCOMPARE(proxy.compareValues(1e308, inf), -1);
    QCOMPARE(proxy.compareValues(2.0, 2.0), 0);
    QCOMPARE(
        proxy.compareValues(QVariant::fromValue<qint64>(1735689700000LL), QVariant::fromValue<qint64>(1735689700001LL)),
        -1);
    QCOMPARE(proxy.compareValues(3.0, QStringLiteral("abc")), -1); // numbers before text
}

void TestRunTableModel::numericParamsSortNumerically()
{
    RunTableModel model;
    RunSortProxyModel proxy;
    proxy.setSourceModel(&model);
    model.setRuns(loadRuns(*m_store, {kNlp}));
    const int lr = model.columnOf(RunTableModel::ColumnKind::Param, QStringLiteral("lr"));
    QVERIFY(lr >= 0);
    QVERIFY(model.columnAt(lr).numeric);
    QCOMPARE(model.headerData(lr, Qt::Horizontal, Qt::TextAlignmentRole).value<Qt::Alignment>() & Qt::AlignRight,
        Qt::AlignRight);
    proxy.sort(lr, Qt::AscendingOrder);
    // As text "1e-05" would sort after "0.01"; as numbers it is smaller.
    QCOMPARE(columnValues(proxy, lr),
        (QStringList {QStringLiteral("1e-06"), QStringLiteral("1e-05"), QStringLiteral("0.0001"),
            QStringLiteral("0.001"), QStringLiteral("0.01")}));
    const int modelColumn = model.columnOf(RunTableModel::ColumnKind::Param, QStringLiteral("model"));
    QVERIFY(!model.columnAt(modelColumn).numeric);
}

void TestRunTableModel::textSortsNaturally()
{
    RunSortProxyModel proxy;
    QVERIFY(proxy.compareValues(QStringLiteral("trial-2"), QStringLiteral("trial-10")) < 0);
    QVERIFY(proxy.compareValues(QStringLiteral("run-007"), QStringLiteral("run-8")) < 0);
    QVERIFY(proxy.compareValues(QStringLiteral("run-99999999999999999999"), QStringLiteral("run-100000000000000000000"))
        < 0);
    QVERIFY(proxy.compareValues(QStringLiteral("Bert"), QStringLiteral("albert")) > 0);
    QVERIFY(proxy.compareValues(QStringLiteral("bert"), QStringLiteral("Bert")) == 0); // case-insensitive
    QVERIFY(proxy.compareValues(QStringLiteral("run"), QStringLiteral("run-1")) < 0);
}

void TestRunTableModel::formatDuration_data()
{
    QTest::addColumn<qint64>("ms");
    QTest::addColumn<QString>("text");
    QTest::newRow("ms") << qint64(6) << "6ms";
    QTest::newRow("seconds") << qint64(12'345) << "12.3s";
    QTest::newRow("minutes") << qint64(192'000) << "3m 12s";
    QTest::newRow("hours") << qint64(3'720'000) << "1h 02m";
    QTest::newRow("days") << qint64(97'200'000) << "1d 03h";
}

void TestRunTableModel::formatDuration()
{
    QFETCH(qint64, ms);
    QFETCH(QString, text);
    QCOMPARE(RunTableModel::formatDuration(ms), text);
}

QTEST_GUILESS_MAIN(TestRunTableModel)
#include "tst_runtablemodel.moc"
