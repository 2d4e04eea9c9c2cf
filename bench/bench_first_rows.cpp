// SPDX-License-Identifier: Apache-2.0
// What a person waits for in the main window, on a large store: from "open" to the experiments
// listed, from choosing the experiment to its first rows in the table, a sort by a metric column, a
// filter in the search language, and the memory then held. The reference, measured in the same
// run, is the store's own read of the same runs without any window (RunQuery through the Store).
//
// Usage: bench_first_rows STORE [EXPERIMENT_ID] [repetitions]   (runs offscreen)

#include "experimentlistmodel.h"
#include "experimentlistview.h"
#include "mainwindow.h"
#include "runsortproxymodel.h"
#include "runtablemodel.h"
#include "runtableview.h"
#include "storefactory.h"
#include "storesession.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QHeaderView>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace runlens;

namespace {

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

double ms(const QElapsedTimer& t)
{
    return double(t.nsecsElapsed()) / 1e6;
}

long rssKb()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').front().toLong();
    }
    return -1;
}

bool waitFor(QSignalSpy& spy, int timeoutMs = 600000)
{
    return !spy.isEmpty() || spy.wait(timeoutMs);
}

} // namespace

int main(int argc, char** argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_first_rows STORE [EXPERIMENT_ID] [repetitions]\n");
        return 2;
    }
    QStandardPaths::setTestModeEnabled(true); // no saved window state, no reopening of another store
    QApplication::setOrganizationName(QStringLiteral("Runlens"));
    QApplication::setApplicationName(QStringLiteral("Runlens-bench"));
    const QString storePath = QString::fromLocal8Bit(argv[1]);
    QString experiment = argc > 2 ? QString::fromLocal8Bit(argv[2]) : QString();
    const int repetitions = argc > 3 ? std::max(1, std::atoi(argv[3])) : 3;

    // Reference: the store reads the same runs, no window.
    auto store = openStore(storePath.toStdString());
    if (!store) {
        std::fprintf(stderr, "%s\n", store.error().toString().c_str());
        return 1;
    }
    if (experiment.isEmpty()) {
        auto list = (*store)->experiments(ViewType::ActiveOnly);
        std::size_t most = 0;
        for (const auto& e : list->experiments) {
            RunQuery q;
            q.experimentIds = {e.experimentId};
            auto ids = (*store)->searchRuns(q);
            if (ids && ids->runs.size() >= most) {
                most = ids->runs.size();
                experiment = QString::fromStdString(e.experimentId);
            }
        }
    }
    std::vector<double> reference;
    std::size_t runCount = 0;
    for (int r = 0; r < repetitions; ++r) {
        QElapsedTimer t;
        t.start();
        auto fresh = openStore(storePath.toStdString());
        RunQuery q;
        q.experimentIds = {experiment.toStdString()};
        auto runs = (*fresh)->searchRuns(q);
        reference.push_back(ms(t));
        runCount = runs ? runs->runs.size() : 0;
    }

    std::vector<double> opened, firstRows, sorted, filtered, cleared;
    long rss = 0;
    int columns = 0;
    for (int r = 0; r < repetitions; ++r) {
        QSettings().clear();
        MainWindow window;
        window.resize(1600, 1000);
        window.show();
        QSignalSpy listed(window.session(), &StoreSession::experimentsLoaded);
        QElapsedTimer t;
        t.start();
        window.openStore(storePath);
        if (!waitFor(listed)) {
            std::fprintf(stderr, "the experiments never arrived\n");
            return 1;
        }
        opened.push_back(ms(t));

        QSignalSpy loaded(window.session(), &StoreSession::runsLoaded);
        t.restart();
        window.experimentView()->selectExperiments({experiment});
        while (window.runProxy()->rowCount() == 0 && loaded.wait(600000)) { }
        firstRows.push_back(ms(t));
        columns = window.runModel()->columnCount();

        // Sort by the first metric column, as a click on its header does.
        RunTableModel* model = window.runModel();
        const int metric = model->columnCount() - model->tagColumnCount() - model->metricColumnCount();
        t.restart();
        window.runView()->sortByColumn(metric, Qt::DescendingOrder);
        sorted.push_back(ms(t));

        // A filter in the search language: the store evaluates it, the table shows the result.
        const QString key = model->headerData(metric, Qt::Horizontal, RunTableModel::ColumnKeyRole).toString();
        loaded.clear();
        t.restart();
        window.setRunFilter(QStringLiteral("metrics.`%1` > 0.5").arg(key));
        if (!waitFor(loaded))
            return 1;
        filtered.push_back(ms(t));
        loaded.clear();
        t.restart();
        window.setRunFilter(QString());
        if (!waitFor(loaded))
            return 1;
        cleared.push_back(ms(t));
        rss = std::max(rss, rssKb());
    }

    std::printf("store %s, experiment %s: %zu runs, %d columns; median of %d\n", qPrintable(storePath),
        qPrintable(experiment), runCount, columns, repetitions);
    std::printf("  store read, no window (reference)     %9.1f ms\n", median(reference));
    std::printf("  open -> experiments listed            %9.1f ms\n", median(opened));
    std::printf("  select -> first rows in the table     %9.1f ms  (%.2fx the reference)\n", median(firstRows),
        median(firstRows) / median(reference));
    std::printf("  sort by a metric column (GUI thread)  %9.1f ms\n", median(sorted));
    std::printf("  filter metrics.X > 0.5 -> rows shown  %9.1f ms\n", median(filtered));
    std::printf("  filter cleared -> all rows shown      %9.1f ms\n", median(cleared));
    std::printf("  resident memory after loading         %9.1f MB\n", rss / 1024.0);
    return 0;
}
