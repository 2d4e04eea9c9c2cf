// SPDX-License-Identifier: Apache-2.0
#include "expectedjson.h"
#include "rundetailsmetricsmodel.h"
#include "rundetailsmodel.h"
#include "storesession.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

#include <cmath>

using namespace runlens;

namespace {

QStringList strings(std::initializer_list<const char*> list)
{
    QStringList out;
    for (const char* s : list)
        out << QString::fromUtf8(s);
    return out;
}

const std::string kResnet = "e10f02a4494e4ac79d6440711e2ebdaf";
const std::string kHpoSweep = "ffdcfc59b6b64c2b8659aed1362b3cab";

const test::Json& expectedRun(const std::string& runId)
{
    static const test::Json none;
    for (const auto& experiment : test::expectedStore("file")["experiments"]) {
        for (const auto& run : experiment["runs"]) {
            if (run["run_id"] == runId)
                return run;
        }
    }
    return none;
}

double expectedDouble(const test::Json& value)
{
    if (value.is_string()) {
        const std::string s = value.get<std::string>();
        if (s == "NaN")
            return std::nan("");
        return s == "Infinity" ? HUGE_VAL : -HUGE_VAL;
    }
    return value.get<double>();
}

bool sameDouble(double a, double b)
{
    return (std::isnan(a) && std::isnan(b)) || a == b;
}

} // namespace

class TestRunDetailsModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QSignalSpy opened(&m_session, &StoreSession::opened);
        m_session.open(QStringLiteral(RUNLENS_FIXTURE_DIR "/file/mlruns"));
        QVERIFY(opened.wait(10000));
    }

    void summaryOfHistory()
    {
        const double nan = std::nan("");
        const auto s = MetricSummary::fromHistory(
            "m", {{10, 1.0, 0}, {11, nan, 1}, {12, -HUGE_VAL, 2}, {13, 5.0, 3}, {14, 2.0, 1}});
        QCOMPARE(*s.points, 5);
        QCOMPARE(*s.min, -HUGE_VAL);
        QCOMPARE(*s.max, 5.0);
        QCOMPARE(s.latest.step, 3);
        const auto allNan = MetricSummary::fromHistory("m", {{1, nan, 0}, {2, nan, 1}});
        QVERIFY(std::isnan(*allNan.min) && std::isnan(*allNan.max));
    }

    void metricsMatchMlflow_data()
    {
        QTest::addColumn<QString>("runId");
        QTest::newRow("resnet50-baseline") << QString::fromStdString(kResnet);
        QTest::newRow("nan-inf-values") << QStringLiteral("c6104765772644eaafbdc1e088822dbe");
    }

    void metricsMatchMlflow()
    {
        QFETCH(QString, runId);
        RunDetailsModel details(&m_session);
        QAbstractItemModelTester tester(details.metricsModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy metrics(&details, &RunDetailsModel::metricsLoaded);
        details.showRun(runId.toStdString());
        QVERIFY(metrics.wait(10000));

        const test::Json& expected = expectedRun(runId.toStdString());
        QVERIFY(expected.is_object());
        const auto& rows = details.metricsModel()->summaries();
        QCOMPARE(rows.size(), expected["metric_histories"].size());
        for (const MetricSummary& row : rows) {
            const auto& history = expected["metric_histories"][row.key];
            double lo = std::nan(""), hi = std::nan("");
            for (const auto& point : history) {
                const double v = expectedDouble(point[2]);
                if (std::isnan(v))
                    continue;
                if (std::isnan(lo) || v < lo)
                    lo = v;
                if (std::isnan(hi) || v > hi)
                    hi = v;
            }
            QVERIFY2(row.points && *row.points == static_cast<std::int64_t>(history.size()), row.key.c_str());
            QVERIFY2(sameDouble(*row.min, lo), row.key.c_str());
            QVERIFY2(sameDouble(*row.max, hi), row.key.c_str());
            const auto& latest = expected["latest_metrics"][row.key];
            QVERIFY2(sameDouble(row.latest.value, expectedDouble(latest["value"])), row.key.c_str());
            QCOMPARE(row.latest.step, latest["step"].get<std::int64_t>());
        }
    }

    // MLflow 3: a metric's latest value logged on a dataset says which one (file store: 5-field lines).
    void metricDatasetsOfAnMlflow3Run()
    {
        StoreSession session;
        QSignalSpy opened(&session, &StoreSession::opened);
        session.open(QStringLiteral(RUNLENS_FIXTURE_DIR "/mlflow3/file/mlruns"));
        QVERIFY(opened.wait());
        RunDetailsModel details(&session);
        QSignalSpy loaded(&details, &RunDetailsModel::runLoaded);
        details.showRun("0720ca0bdc4846cda9c88adf63631f75"); // resnet50-baseline
        QVERIFY(loaded.wait());
        const RunDetailsMetricsModel* metrics = details.metricsModel();
        QString accuracy, loss;
        for (int row = 0; row < metrics->rowCount(); ++row) {
            const QString key = metrics->index(row, RunDetailsMetricsModel::KeyColumn).data().toString();
            const QString tip = metrics->index(row, RunDetailsMetricsModel::KeyColumn).data(Qt::ToolTipRole).toString();
            if (key == QLatin1String("accuracy"))
                accuracy = tip;
            if (key == QLatin1String("train/loss"))
                loss = tip;
        }
        QCOMPARE(accuracy, QStringLiteral("Latest value logged on dataset cifar10-train (digest 07c1c02c)"));
        QCOMPARE(loss, QString());
    }

    void displaysNumbersAsText()
    {
        RunDetailsModel details(&m_session);
        QSignalSpy metrics(&details, &RunDetailsModel::metricsLoaded);
        details.showRun(kResnet);
        QVERIFY(metrics.wait(10000));
        auto* model = details.metricsModel();
        int lr = -1;
        for (int row = 0; row < model->rowCount(); ++row) {
            if (model->index(row, 0).data() == QStringLiteral("lr"))
                lr = row;
        }
        QVERIFY(lr >= 0);
        QCOMPARE(model->index(lr, RunDetailsMetricsModel::LatestColumn).data().toString(), QStringLiteral("0.01"));
        QCOMPARE(model->index(lr, RunDetailsMetricsModel::MinColumn).data().toString(), QStringLiteral("0.01"));
        QCOMPARE(model->index(lr, RunDetailsMetricsModel::MaxColumn).data().toString(), QStringLiteral("0.1"));
        QCOMPARE(model->index(lr, RunDetailsMetricsModel::StepsColumn).data().toString(), QStringLiteral("4"));
    }

    void parentAndChildren()
    {
        RunDetailsModel details(&m_session);
        QSignalSpy links(&details, &RunDetailsModel::linksLoaded);
        details.showRun(kHpoSweep);
        QVERIFY(links.wait(10000));
        QVERIFY(details.parentRun().runId.empty());
        QStringList names;
        for (const RunLink& child : details.childRuns())
            names << QString::fromStdString(child.runName);
        QCOMPARE(names, strings({"trial-0", "trial-1", "trial-2"}));

        const std::string trial = details.childRuns().front().runId;
        details.showRun(trial);
        QVERIFY(links.wait(10000));
        QCOMPARE(details.parentRun().runId, kHpoSweep);
        QCOMPARE(details.parentRun().runName, std::string("hpo-sweep"));
        QVERIFY(details.childRuns().empty());
    }

    void staleRunIsDropped()
    {
        RunDetailsModel details(&m_session);
        QSignalSpy loaded(&details, &RunDetailsModel::runLoaded);
        details.showRun(kResnet);
        details.showRun(kHpoSweep);
        QVERIFY(loaded.wait(10000));
        QCOMPARE(details.run()->info.runId, kHpoSweep);
        QTRY_COMPARE_WITH_TIMEOUT(m_session.threadPool()->activeThreadCount(), 0, 10000);
        QCoreApplication::sendPostedEvents();
        QCOMPARE(loaded.size(), 1);
        QCOMPARE(details.run()->info.runId, kHpoSweep);
    }

    void unknownRunFails()
    {
        RunDetailsModel details(&m_session);
        QSignalSpy failed(&details, &RunDetailsModel::runFailed);
        details.showRun("0123456789abcdef0123456789abcdef");
        QVERIFY(failed.wait(10000));
        QVERIFY(!failed.first().at(0).toString().isEmpty());
        QVERIFY(!details.run());
    }

private:
    StoreSession m_session;
};

QTEST_GUILESS_MAIN(TestRunDetailsModel)
#include "tst_rundetailsmodel.moc"
