// SPDX-License-Identifier: Apache-2.0
// bench_runtable: the runs table's model at 20,000 runs. Times filling the model (a new
// experiment), sorting by a metric and by a param through the proxy, narrowing by quick search, a
// refresh where 1% of the runs changed (in place, no reset), with the sorting proxy and without.
// The reference is a deep copy of the same RunList: what touching every run once costs at least.
// Then the same sorts on a sweep of nested runs (--parents parents, the other runs their children,
// tagged mlflow.parentRunId) with the proxy's nested mode off and on, collapsing and expanding every
// parent, and a live refresh in nested mode.
//
//   bench_runtable [--runs 20000] [--params 40] [--metrics 60] [--parents 20] [--repeat 7]
//
// Figures are medians of --repeat passes after one untimed warm-up. Nothing asserts on time.

#include "runsortproxymodel.h"
#include "runtablemodel.h"

#include <QGuiApplication>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

using namespace runlens;

namespace {

using Clock = std::chrono::steady_clock;

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

double timeMedian(int repeat, const std::function<void()>& setup, const std::function<void()>& work)
{
    std::vector<double> times;
    for (int i = 0; i <= repeat; ++i) {
        setup();
        const auto start = Clock::now();
        work();
        const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
        if (i > 0) // the first pass warms caches and allocators
            times.push_back(ms);
    }
    return median(times);
}

// Runs as a sweep logs them: every run has every param (some text) and most metrics.
// With `parents` > 0 the first `parents` runs are sweeps and every other run is a child of one of them.
std::shared_ptr<RunList> makeRuns(int runs, int params, int metrics, unsigned seed, int parents = 0)
{
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    auto list = std::make_shared<RunList>();
    list->runs.reserve(std::size_t(runs));
    for (int r = 0; r < runs; ++r) {
        Run run;
        char id[33];
        std::snprintf(id, sizeof id, "%032x", r);
        run.info.runId = id;
        run.info.runName = "run-" + std::to_string(r);
        run.info.experimentId = "1";
        run.info.userId = "alice";
        run.info.status = RunStatus::Finished;
        run.info.startTime = 1700000000000 + r * 60000LL;
        run.info.endTime = *run.info.startTime + 1000 + r % 5000;
        for (int p = 0; p < params; ++p) {
            char key[16];
            std::snprintf(key, sizeof key, "p%03d", p);
            run.params.push_back({key, p % 5 == 0 ? "adam" : std::to_string(int(unit(rng) * 1000))});
        }
        for (int m = 0; m < metrics; ++m) {
            if (unit(rng) < 0.05)
                continue; // some runs lack some metrics: the sort must put them last
            char key[16];
            std::snprintf(key, sizeof key, "m%03d", m);
            Metric metric;
            metric.key = key;
            metric.point = {1700000000000, unit(rng), 100}; // {timestamp, value, step}
            run.metrics.push_back(metric);
        }
        if (parents > 0 && r >= parents) {
            char parent[33];
            std::snprintf(parent, sizeof parent, "%032x", r % parents);
            run.tags.push_back({"mlflow.parentRunId", parent}); // tags stay sorted by key
        }
        run.tags.push_back({"mlflow.runName", run.info.runName});
        list->runs.push_back(std::move(run));
    }
    return list;
}

} // namespace

int main(int argc, char** argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    int runs = 20000;
    int params = 40;
    int metrics = 60;
    int repeat = 7;
    int parents = 20;
    for (int i = 1; i + 1 < argc; i += 2) {
        const int value = std::atoi(argv[i + 1]);
        if (!std::strcmp(argv[i], "--runs"))
            runs = value;
        else if (!std::strcmp(argv[i], "--params"))
            params = value;
        else if (!std::strcmp(argv[i], "--metrics"))
            metrics = value;
        else if (!std::strcmp(argv[i], "--repeat"))
            repeat = value;
        else if (!std::strcmp(argv[i], "--parents"))
            parents = value;
    }

    const std::shared_ptr<RunList> list = makeRuns(runs, params, metrics, 42);
    std::printf("runs table: %d runs x %d params x %d metrics, median of %d\n", runs, params, metrics, repeat);

    // Reference: one deep copy of the runs.
    RunList copy;
    const double reference = timeMedian(
        repeat, [&] { copy = RunList {}; }, [&] { copy = *list; });

    RunTableModel model;
    RunSortProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.setFilterCaseSensitivity(Qt::CaseInsensitive);
    proxy.setFilterKeyColumn(0);
    const RunListSnapshot snapshot = list;

    const double fill = timeMedian(
        repeat, [&] { model.clear(); }, [&] { model.setRuns(snapshot); });
    model.setRuns(snapshot);
    const int metricColumn = model.columnOf(RunTableModel::ColumnKind::Metric, QStringLiteral("m007"));
    const int paramColumn = model.columnOf(RunTableModel::ColumnKind::Param, QStringLiteral("p003"));
    const double sortMetric = timeMedian(
        repeat, [&] { proxy.sort(-1); }, [&] { proxy.sort(metricColumn, Qt::DescendingOrder); });
    const double sortParam = timeMedian(
        repeat, [&] { proxy.sort(-1); }, [&] { proxy.sort(paramColumn, Qt::AscendingOrder); });
    // The proxy keeps per-row sort keys until the source changes; these passes first sort another
    // column so every timed sort reads and keys its column afresh (what a click on a new header costs).
    const int nameColumn = model.columnOf(RunTableModel::ColumnKind::Name);
    const auto sortOtherColumnFirst = [&](int other) {
        return [&proxy, other] {
            proxy.sort(other, Qt::AscendingOrder);
            proxy.sort(-1);
        };
    };
    const double sortMetricCold
        = timeMedian(repeat, sortOtherColumnFirst(paramColumn), [&] { proxy.sort(metricColumn, Qt::DescendingOrder); });
    const double sortParamCold
        = timeMedian(repeat, sortOtherColumnFirst(metricColumn), [&] { proxy.sort(paramColumn, Qt::AscendingOrder); });
    const double sortNameCold
        = timeMedian(repeat, sortOtherColumnFirst(metricColumn), [&] { proxy.sort(nameColumn, Qt::AscendingOrder); });
    proxy.sort(metricColumn, Qt::DescendingOrder);
    const double search = timeMedian(
        repeat, [&] { proxy.setFilterFixedString(QString()); },
        [&] { proxy.setFilterFixedString(QStringLiteral("run-19")); });
    const int matched = proxy.rowCount();
    proxy.setFilterFixedString(QString());

    // A live refresh: 1% of the runs logged a new value; rows update in place while sorted.
    auto changed = std::make_shared<RunList>(*list);
    for (std::size_t r = 0; r < changed->runs.size(); r += 100)
        changed->runs[r].metrics.front().point.value += 1.0;
    const RunListSnapshot fresh = changed;
    bool flip = false;
    const double refresh = timeMedian(
        repeat, [] {},
        [&] {
            model.setRuns(flip ? snapshot : fresh);
            flip = !flip;
        });

    proxy.setSourceModel(nullptr);
    const double refreshModelOnly = timeMedian(
        repeat, [] {},
        [&] {
            model.setRuns(flip ? snapshot : fresh);
            flip = !flip;
        });
    std::printf("  reference: deep copy of the runs      %8.1f ms\n", reference);
    std::printf("  fill the model (new experiment)       %8.1f ms  (%.2fx reference)\n", fill, fill / reference);
    std::printf(
        "  sort by a metric (proxy)              %8.1f ms  (%.2fx reference)\n", sortMetric, sortMetric / reference);
    std::printf(
        "  sort by a param, natural order        %8.1f ms  (%.2fx reference)\n", sortParam, sortParam / reference);
    std::printf("  sort by a metric, column keyed afresh  %8.1f ms  (%.2fx reference)\n", sortMetricCold,
        sortMetricCold / reference);
    std::printf("  sort by a param, column keyed afresh   %8.1f ms  (%.2fx reference)\n", sortParamCold,
        sortParamCold / reference);
    std::printf("  sort by run name (\"run-N\", natural)  %8.1f ms  (%.2fx reference)\n", sortNameCold,
        sortNameCold / reference);
    std::printf(
        "  quick search \"run-19\" (%5d rows)     %8.1f ms  (%.2fx reference)\n", matched, search, search / reference);
    std::printf("  refresh, 1%% changed, sorted, in place %8.1f ms  (%.2fx reference)\n", refresh, refresh / reference);
    std::printf("  the same refresh, model only (no proxy)%8.1f ms  (%.2fx reference)\n", refreshModelOnly,
        refreshModelOnly / reference);

    // Nested runs: the same sorts on a sweep, the tree off and on.
    const std::shared_ptr<RunList> sweep = makeRuns(runs, params, metrics, 43, parents);
    const RunListSnapshot sweepSnapshot = sweep;
    RunTableModel nestedModel;
    RunSortProxyModel nestedProxy;
    nestedProxy.setSourceModel(&nestedModel);
    nestedModel.setRuns(sweepSnapshot);
    const int sweepMetric = nestedModel.columnOf(RunTableModel::ColumnKind::Metric, QStringLiteral("m007"));
    const int sweepParam = nestedModel.columnOf(RunTableModel::ColumnKind::Param, QStringLiteral("p003"));
    const int sweepName = nestedModel.columnOf(RunTableModel::ColumnKind::Name);
    const auto otherFirst = [&](int other) {
        return [&nestedProxy, other] {
            if (other >= 0)
                nestedProxy.sort(other, Qt::AscendingOrder);
            nestedProxy.sort(-1);
            nestedProxy.rowCount();
        };
    };
    struct NestedFigures
    {
        double metric = 0, param = 0, metricCold = 0, nameCold = 0;
    };
    // rowCount() after each sort: a proxy that re-sorts by invalidate() does the work on the next access.
    const auto sortOn = [&](int column, Qt::SortOrder order) {
        return [&nestedProxy, column, order] {
            nestedProxy.sort(column, order);
            nestedProxy.rowCount();
        };
    };
    const auto measureSorts = [&] {
        NestedFigures f;
        f.metric = timeMedian(repeat, otherFirst(-1), sortOn(sweepMetric, Qt::DescendingOrder));
        f.param = timeMedian(repeat, otherFirst(-1), sortOn(sweepParam, Qt::AscendingOrder));
        f.metricCold = timeMedian(repeat, otherFirst(sweepParam), sortOn(sweepMetric, Qt::DescendingOrder));
        f.nameCold = timeMedian(repeat, otherFirst(sweepMetric), sortOn(sweepName, Qt::AscendingOrder));
        return f;
    };
    nestedProxy.setNestedRuns(false);
    const NestedFigures flat = measureSorts();
    nestedProxy.setNestedRuns(true);
    const NestedFigures tree = measureSorts();
    nestedProxy.sort(sweepMetric, Qt::DescendingOrder);
    const double collapse = timeMedian(
        repeat, [&] { nestedProxy.expandAll(); }, [&] { nestedProxy.collapseAll(); });
    const int collapsedRows = nestedProxy.rowCount();
    // The tree order with no sort column (the source's order among siblings), from the flat, unsorted state.
    nestedProxy.expandAll();
    const double treeOnly = timeMedian(
        repeat,
        [&] {
            nestedProxy.setNestedRuns(false);
            nestedProxy.sort(-1);
            nestedProxy.rowCount();
        },
        [&] {
            nestedProxy.setNestedRuns(true);
            nestedProxy.rowCount();
        });
    nestedProxy.sort(sweepMetric, Qt::DescendingOrder);
    const double expand = timeMedian(
        repeat, [&] { nestedProxy.collapseAll(); }, [&] { nestedProxy.expandAll(); });
    nestedProxy.setFilterFixedString(QString());
    const double nestedSearch = timeMedian(
        repeat, [&] { nestedProxy.setFilterFixedString(QString()); },
        [&] { nestedProxy.setFilterFixedString(QStringLiteral("run-19")); });
    const int nestedMatched = nestedProxy.rowCount();
    nestedProxy.setFilterFixedString(QString());
    auto sweepChanged = std::make_shared<RunList>(*sweep);
    for (std::size_t r = std::size_t(parents); r < sweepChanged->runs.size(); r += 100)
        sweepChanged->runs[r].metrics.front().point.value += 1.0;
    const RunListSnapshot sweepFresh = sweepChanged;
    flip = true; // the model holds sweepSnapshot: every timed pass changes 1% of the children
    const double nestedRefresh = timeMedian(
        repeat, [] {},
        [&] {
            nestedModel.setRuns(flip ? sweepSnapshot : sweepFresh);
            flip = !flip;
        });

    std::printf("nested runs: %d parents, %d children each, median of %d\n", parents,
        parents > 0 ? (runs - parents) / parents : 0, repeat);
    std::printf("                                          flat      tree\n");
    std::printf("  sort by a metric                      %8.1f  %8.1f ms\n", flat.metric, tree.metric);
    std::printf("  sort by a param, natural order        %8.1f  %8.1f ms\n", flat.param, tree.param);
    std::printf("  sort by a metric, column keyed afresh %8.1f  %8.1f ms\n", flat.metricCold, tree.metricCold);
    std::printf("  sort by run name, keyed afresh        %8.1f  %8.1f ms\n", flat.nameCold, tree.nameCold);
    std::printf("  nested on, no sort column (tree only)           %8.1f ms\n", treeOnly);
    std::printf("  collapse all (%5d rows left)                  %8.1f ms\n", collapsedRows, collapse);
    std::printf("  expand all                                      %8.1f ms\n", expand);
    std::printf("  quick search \"run-19\" (%5d rows)               %8.1f ms\n", nestedMatched, nestedSearch);
    std::printf("  refresh, 1%% of children changed, sorted          %8.1f ms\n", nestedRefresh);
    return 0;
}
