// SPDX-License-Identifier: Apache-2.0
// The run diff model on the fixture's hpo-sweep trials (mlruns written by MLflow 2.22).
#include "runcolors.h"
#include "rundiffmodel.h"
#include "runtablemodel.h"
#include "storefactory.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace runlens;

namespace {

const std::string kTrial0 = "608cc21154474af8985f7dd434f4cd49";
const std::string kTrial1 = "674426bd80d44f21b2a986a9da493a83";
const std::string kTrial2 = "27254a9d53f6492db513f0908880f7f1";
const std::string kSweep = "ffdcfc59b6b64c2b8659aed1362b3cab"; // the trials' parent: other params and metrics

using Section = RunDiffModel::Section;
using InfoField = RunDiffModel::InfoField;
using Statistic = RunDiffModel::MetricStatistic;

} // namespace

class TestRunDiffModel : public QObject
{
    Q_OBJECT

private:
    std::shared_ptr<Store> m_store;
    QThreadPool m_pool;

    std::vector<Run> runs(std::initializer_list<std::string> ids)
    {
        std::vector<Run> out;
        for (const std::string& id : ids) {
            auto run = m_store->run(id);
            if (!run)
                qFatal("fixture run %s: %s", id.c_str(), run.error().toString().c_str());
            out.push_back(std::move(run.value()));
        }
        return out;
    }

    static QString text(const RunDiffModel& model, int row, int column)
    {
        return model.index(row, column).data().toString();
    }

private Q_SLOTS:
    void initTestCase()
    {
        auto store = openStore(RUNLENS_FIXTURE_DIR "/file/mlruns");
        QVERIFY2(store.ok(), store.ok() ? "" : store.error().toString().c_str());
        m_store = std::shared_ptr<Store>(std::move(store.value()));
    }

    // Compare prints a metric as the runs table does (0.8400000000000001 reads 0.84 in both); the
    // tooltip keeps every digit.
    void metricsReadAsInTheRunsTable()
    {
        std::vector<Run> two = runs({kTrial0, kTrial1});
        QVERIFY(!two[1].metrics.empty());
        Metric& metric = two[1].metrics.front();
        metric.point.value = 0.8400000000000001;
        RunDiffModel model;
        model.setRuns(two);
        const int row = model.rowOf(Section::Metrics, QString::fromStdString(metric.key));
        QVERIFY(row >= 0);
        QVERIFY2(text(model, row, 1).startsWith(QStringLiteral("0.84")), qPrintable(text(model, row, 1)));
        QVERIFY(!text(model, row, 1).startsWith(QStringLiteral("0.8400000000000001")));
        QVERIFY(text(model, row, 1).startsWith(RunTableModel::formatMetric(metric.point.value)));
        QVERIFY(model.index(row, 1).data(Qt::ToolTipRole).toString().startsWith(QStringLiteral("0.8400000000000001")));
    }

    void sectionsAndHeaders()
    {
        RunDiffModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 0);
        model.setRuns(runs({kTrial0, kTrial1, kTrial2}));
        QCOMPARE(model.columnCount(), 3);
        QCOMPARE(model.headerData(0, Qt::Horizontal).toString(), QStringLiteral("trial-0 (baseline)"));
        QCOMPARE(model.headerData(2, Qt::Horizontal).toString(), QStringLiteral("trial-2"));
        QCOMPARE(
            model.headerData(1, Qt::Horizontal, RunDiffModel::RunIdRole).toString(), QString::fromStdString(kTrial1));
        QCOMPARE(model.headerData(1, Qt::Horizontal, Qt::DecorationRole).value<QColor>(), runColor(kTrial1));

        // Section rows + 8 info rows, 3 params, 2 metrics, 1 user tag (system tags hidden).
        QCOMPARE(model.rowCount(), 1 + 8 + 1 + 3 + 1 + 2 + 1 + 1);
        QCOMPARE(model.headerData(0, Qt::Vertical).toString(), QStringLiteral("Run"));
        QCOMPARE(model.headerData(0, Qt::Vertical, RunDiffModel::RowKindRole).toInt(),
            static_cast<int>(RunDiffModel::RowKind::Section));
        QCOMPARE(model.valueRowCount(Section::Params), 3);
        QCOMPARE(model.valueRowCount(Section::Tags), 1);
        QCOMPARE(text(model, model.rowOf(InfoField::RunId), 1), QString::fromStdString(kTrial1));
        QCOMPARE(text(model, model.rowOf(InfoField::Status), 2), QStringLiteral("FINISHED"));
        QCOMPARE(text(model, model.rowOf(InfoField::Start), 0), QStringLiteral("2026-11-26T03:28:11.694Z"));
        QCOMPARE(text(model, model.rowOf(InfoField::Experiment), 0), QStringLiteral("900844674041952973"));
        model.setExperimentNames({{QStringLiteral("900844674041952973"), QStringLiteral("hpo")}});
        QCOMPARE(text(model, model.rowOf(InfoField::Experiment), 0), QStringLiteral("hpo"));

        model.setShowSystemTags(true);
        QCOMPARE(model.valueRowCount(Section::Tags), 6);
        QVERIFY(model.rowOf(Section::Tags, QStringLiteral("mlflow.parentRunId")) > 0);
        model.setShowSystemTags(false);
        QCOMPARE(model.rowOf(Section::Tags, QStringLiteral("mlflow.parentRunId")), -1);
    }

    void changesAgainstTheBaseline()
    {
        RunDiffModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRuns(runs({kTrial0, kTrial1, kTrial2}));
        const int lr = model.rowOf(Section::Params, QStringLiteral("lr"));
        const int batch = model.rowOf(Section::Params, QStringLiteral("batch_size"));
        const int optimizer = model.rowOf(Section::Params, QStringLiteral("optimizer"));
        const int loss = model.rowOf(Section::Metrics, QStringLiteral("loss"));
        const int duration = model.rowOf(InfoField::Duration);
        QVERIFY(lr > 0 && batch > 0 && optimizer > 0 && loss > 0 && duration > 0);

        QCOMPARE(text(model, lr, 0), QStringLiteral("0.1"));
        QVERIFY(!model.index(lr, 0).data(RunDiffModel::ChangeRole).isValid()); // the baseline itself
        QCOMPARE(text(model, lr, 1), QStringLiteral("0.01 (-0.09, -90.0%)"));
        QCOMPARE(text(model, lr, 2), QStringLiteral("0.001 (-0.099, -99.0%)"));
        QCOMPARE(model.index(lr, 1).data(RunDiffModel::ChangeRole).toInt(), -1);
        QCOMPARE(model.index(lr, 1).data(RunDiffModel::RawValueRole).toDouble(), 0.01);
        QCOMPARE(text(model, batch, 1), QStringLiteral("64 (+32, +100.0%)"));
        QCOMPARE(model.index(batch, 1).data(RunDiffModel::ChangeRole).toInt(), 1);
        QCOMPARE(text(model, optimizer, 1), QStringLiteral("sgd"));
        QCOMPARE(model.index(optimizer, 1).data(RunDiffModel::ChangeRole).toInt(), 0);
        // Metrics print as the runs table prints them (15 significant digits); the change is rounded
        // to 6 digits; the tooltip has every digit.
        QCOMPARE(text(model, loss, 0), QStringLiteral("0.133041938012128"));
        QCOMPARE(text(model, loss, 1), QStringLiteral("1.77963278493458 (+1.64659, +1237.6%)"));
        QCOMPARE(text(model, duration, 2), QStringLiteral("16ms (+1ms, +6.7%)"));
        QCOMPARE(model.index(loss, 1).data(Qt::ToolTipRole).toString(),
            QStringLiteral("1.7796327849345799\n\nBaseline: 0.13304193801212844\nChange: 1.6465908469224515"));
        QVERIFY(model.index(loss, 1).data(Qt::ForegroundRole).isValid());
        QVERIFY(!model.index(optimizer, 1).data(Qt::ForegroundRole).isValid());

        QSignalSpy baseline(&model, &RunDiffModel::baselineChanged);
        model.setBaselineColumn(1);
        QCOMPARE(baseline.count(), 1);
        QCOMPARE(model.headerData(1, Qt::Horizontal).toString(), QStringLiteral("trial-1 (baseline)"));
        QCOMPARE(text(model, lr, 0), QStringLiteral("0.1 (+0.09, +900.0%)"));
        QCOMPARE(model.index(lr, 0).data(RunDiffModel::ChangeRole).toInt(), 1);
        QCOMPARE(text(model, lr, 1), QStringLiteral("0.01"));
        QCOMPARE(text(model, batch, 2), QStringLiteral("128 (+64, +100.0%)"));

        // The baseline follows its run when the runs change, and falls back to the first run.
        model.setRuns(runs({kTrial2, kTrial1}));
        QCOMPARE(model.baselineColumn(), 1);
        model.setRuns(runs({kTrial2, kTrial0}));
        QCOMPARE(model.baselineColumn(), 0);
        model.setBaselineColumn(7); // out of range: ignored
        QCOMPARE(model.baselineColumn(), 0);
    }

    void differencesOnlyCountsRowsExactly()
    {
        RunDiffModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRuns(runs({kTrial0, kTrial1, kTrial2}));
        model.setDifferencesOnly(true);
        // Info: id, name, start, end, duration (15, 15, 16 ms) differ; status, user, experiment do not.
        QCOMPARE(model.valueRowCount(Section::Info), 5);
        QCOMPARE(model.rowOf(InfoField::Status), -1);
        QCOMPARE(model.rowOf(InfoField::User), -1);
        QVERIFY(model.rowOf(InfoField::Duration) > 0);
        // Params: batch_size and lr differ, optimizer is sgd everywhere.
        QCOMPARE(model.valueRowCount(Section::Params), 2);
        QCOMPARE(model.rowOf(Section::Params, QStringLiteral("optimizer")), -1);
        QCOMPARE(model.valueRowCount(Section::Metrics), 2);
        QCOMPARE(model.valueRowCount(Section::Tags), 1);
        QCOMPARE(model.rowCount(), 1 + 5 + 1 + 2 + 1 + 2 + 1 + 1);
        model.setShowSystemTags(true); // only mlflow.runName differs among them
        QCOMPARE(model.valueRowCount(Section::Tags), 2);
        QVERIFY(model.rowOf(Section::Tags, QStringLiteral("mlflow.runName")) > 0);
        model.setShowSystemTags(false);

        // The parent has none of the trials' params: a missing value differs from a present one.
        model.setRuns(runs({kTrial0, kTrial1, kTrial2, kSweep}));
        QCOMPARE(model.valueRowCount(Section::Params), 5); // batch_size, lr, n_trials, optimizer, search
        QVERIFY(model.rowOf(Section::Params, QStringLiteral("optimizer")) > 0);
        QCOMPARE(text(model, model.rowOf(Section::Params, QStringLiteral("optimizer")), 3), QStringLiteral("—"));
        QCOMPARE(model.index(model.rowOf(Section::Params, QStringLiteral("optimizer")), 3)
                     .data(RunDiffModel::ChangeRole)
                     .toInt(),
            2);
        QCOMPARE(model.valueRowCount(Section::Metrics), 3);
        QCOMPARE(model.valueRowCount(Section::Tags), 2); // best_trial, trial_index
        QCOMPARE(model.rowCount(), 1 + 5 + 1 + 5 + 1 + 3 + 1 + 2);

        // One run against itself: nothing differs, so nothing (not even a section row) is shown.
        model.setRuns(runs({kTrial1, kTrial1}));
        QCOMPARE(model.rowCount(), 0);
        model.setDifferencesOnly(false);
        QCOMPARE(model.rowCount(), 18);
    }

    void minAndMaxAfterHistoriesLoad()
    {
        RunDiffModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setStore(m_store, &m_pool);
        model.setRuns(runs({kTrial0, kTrial1}));
        QVERIFY(!model.isLoadingHistories()); // latest values need no history
        const int loss = model.rowOf(Section::Metrics, QStringLiteral("loss"));
        const int accuracy = model.rowOf(Section::Metrics, QStringLiteral("val_accuracy"));

        QSignalSpy loaded(&model, &RunDiffModel::historiesLoaded);
        model.setMetricStatistic(Statistic::Min);
        QVERIFY(model.isLoadingHistories());
        QCOMPARE(text(model, loss, 0), QStringLiteral("…"));
        QVERIFY(!model.index(loss, 0).data(RunDiffModel::RawValueRole).isValid());
        QCOMPARE(model.headerData(loss, Qt::Vertical).toString(), QStringLiteral("loss (min)"));
        QVERIFY(loaded.wait(10000));
        QVERIFY(model.historiesComplete());
        QVERIFY(!model.isLoadingHistories());
        QCOMPARE(text(model, loss, 0), QStringLiteral("0.133041938012128"));
        QCOMPARE(text(model, accuracy, 0), QStringLiteral("0.0800000000000001"));
        QCOMPARE(model.index(accuracy, 1).data(RunDiffModel::RawValueRole).toDouble(), 0.060000000000000164);

        model.setMetricStatistic(Statistic::Max);
        QVERIFY(!model.isLoadingHistories()); // already known
        QCOMPARE(text(model, loss, 0), QStringLiteral("2.3"));
        QCOMPARE(model.index(loss, 1).data(RunDiffModel::RawValueRole).toDouble(), 2.3499999999999996);
        QCOMPARE(text(model, accuracy, 1), QStringLiteral("0.288146886026168 (-0.658636, -69.6%)"));

        // A run added later loads only its own histories; the others are kept.
        loaded.clear();
        model.setRuns(runs({kTrial0, kTrial1, kTrial2}));
        QVERIFY(model.isLoadingHistories());
        QCOMPARE(text(model, loss, 0), QStringLiteral("2.3"));
        QCOMPARE(text(model, loss, 2), QStringLiteral("…"));
        QVERIFY(loaded.wait(10000));
        QCOMPARE(loaded.count(), 1);
        QCOMPARE(model.index(loss, 2).data(RunDiffModel::RawValueRole).toDouble(), 2.4);

        // Differences only compares the statistic shown.
        model.setDifferencesOnly(true);
        QCOMPARE(model.valueRowCount(Section::Metrics), 2);
        model.setMetricStatistic(Statistic::Latest);
        QCOMPARE(
            text(model, model.rowOf(Section::Metrics, QStringLiteral("loss")), 0), QStringLiteral("0.133041938012128"));
    }

    void staleHistoriesAreDropped()
    {
        RunDiffModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setStore(m_store, &m_pool);
        model.setMetricStatistic(Statistic::Max);
        model.setRuns(runs({kTrial0, kTrial1}));
        QSignalSpy loaded(&model, &RunDiffModel::historiesLoaded);
        model.setRuns(runs({kSweep})); // before the trials' histories arrive
        QVERIFY(loaded.wait(10000));
        QCOMPARE(loaded.count(), 1);
        QCOMPARE(model.columnCount(), 1);
        QCOMPARE(model.index(model.rowOf(Section::Metrics, QStringLiteral("best_val_accuracy")), 0)
                     .data(RunDiffModel::RawValueRole)
                     .toDouble(),
            0.934);
        QCOMPARE(model.rowOf(Section::Metrics, QStringLiteral("loss")), -1);
        m_pool.waitForDone();
    }

    void changeFormatting()
    {
        QCOMPARE(RunDiffModel::formatChange(0.030000000000000027), QStringLiteral("+0.03"));
        QCOMPARE(RunDiffModel::formatChange(-2.5e-7), QStringLiteral("-2.5e-07"));
        QCOMPARE(RunDiffModel::formatChange(123456789.0), QStringLiteral("+1.23457e+08"));
    }
};

QTEST_MAIN(TestRunDiffModel)
#include "tst_rundiffmodel.moc"
