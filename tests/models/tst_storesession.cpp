// SPDX-License-Identifier: Apache-2.0
#include "store.h"
#include "storefactory.h"
#include "storesession.h"

#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <filesystem>

using namespace runlens;

namespace {

const QString kImages = QStringLiteral("900844674041952973");
const QString kNlp = QStringLiteral("640513601518546733");
const QString kDefault = QStringLiteral("0");

std::vector<std::string> idsOf(const RunList& list)
{
    std::vector<std::string> ids;
    for (const Run& run : list.runs)
        ids.push_back(run.info.runId);
    return ids;
}

} // namespace

class TestStoreSession : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void opensAndListsOffTheGuiThread();
    void loadsRunsOfSelectedExperiments();
    void newerRequestDropsOlderResult();
    void cancelAnswersAtOnceAndDropsTheResult();
    void emptySelectionMeansNoRuns();
    void openErrorSaysWhere();
    void reopenDropsPendingWork();
    void filterChangeFiltersWhatWasRead();

private:
    void openFixture(StoreSession& session, const QString& path = QStringLiteral(RUNLENS_FIXTURE_DIR "/file/mlruns"));
};

void TestStoreSession::openFixture(StoreSession& session, const QString& path)
{
    QSignalSpy opened(&session, &StoreSession::opened);
    QSignalSpy experiments(&session, &StoreSession::experimentsLoaded);
    session.open(path);
    QVERIFY(!session.isOpen()); // opening is I/O: it happens on a worker, never inline
    QVERIFY(opened.wait());
    QVERIFY(session.isOpen());
    QVERIFY(session.uri().startsWith(QLatin1String("file://")));
    if (experiments.isEmpty())
        QVERIFY(experiments.wait());
}

void TestStoreSession::opensAndListsOffTheGuiThread()
{
    StoreSession session;
    QSignalSpy counts(&session, &StoreSession::runCountsLoaded);
    QSignalSpy experiments(&session, &StoreSession::experimentsLoaded);
    openFixture(session);
    QCOMPARE(experiments.count(), 1);
    const auto list = experiments.at(0).at(0).value<ExperimentListSnapshot>();
    QVERIFY(list);
    QCOMPARE(list->experiments.size(), std::size_t(5));

    if (counts.isEmpty())
        QVERIFY(counts.wait());
    const auto perExperiment = counts.at(0).at(0).value<QHash<QString, int>>();
    QCOMPARE(perExperiment.value(kImages), 14);
    QCOMPARE(perExperiment.value(kNlp), 5);
    QCOMPARE(perExperiment.value(kDefault), 1);
    QCOMPARE(perExperiment.value(QStringLiteral("843118843192616787")), 0); // deleted experiment
}

void TestStoreSession::loadsRunsOfSelectedExperiments()
{
    StoreSession session;
    openFixture(session);
    QSignalSpy loading(&session, &StoreSession::runsLoading);
    QSignalSpy loaded(&session, &StoreSession::runsLoaded);

    // Results must arrive on the thread that owns the session.
    QThread* deliveredOn = nullptr;
    connect(&session, &StoreSession::runsLoaded, this, [&] { deliveredOn = QThread::currentThread(); });

    session.loadRuns({kImages, kDefault});
    QCOMPARE(loading.count(), 1);
    QVERIFY(session.isLoadingRuns());
    QVERIFY(loaded.wait());
    QVERIFY(!session.isLoadingRuns());
    QCOMPARE(deliveredOn, QThread::currentThread());
    QCOMPARE(loaded.at(0).at(0).toStringList(), (QStringList {kImages, kDefault}));
    const auto runs = loaded.at(0).at(1).value<RunListSnapshot>();
    QCOMPARE(runs->runs.size(), std::size_t(15));
    for (const Run& run : runs->runs) {
        QVERIFY(run.info.lifecycleStage == LifecycleStage::Active);
        QVERIFY(run.info.experimentId == kImages.toStdString() || run.info.experimentId == "0");
    }
}

void TestStoreSession::newerRequestDropsOlderResult()
{
    StoreSession session;
    openFixture(session);
    QSignalSpy loaded(&session, &StoreSession::runsLoaded);
    QSignalSpy cancelled(&session, &StoreSession::runsCancelled);
    session.loadRuns({kImages});
    session.loadRuns({kNlp}); // supersedes the first before it can be delivered
    QVERIFY(loaded.wait());
    // A third request: the first, if it finishes late, must still never be delivered.
    session.loadRuns({kDefault});
    QVERIFY(loaded.wait());
    QCOMPARE(loaded.count(), 2);
    QCOMPARE(loaded.at(0).at(0).toStringList(), QStringList {kNlp});
    QCOMPARE(loaded.at(0).at(1).value<RunListSnapshot>()->runs.size(), std::size_t(5));
    QCOMPARE(loaded.at(1).at(0).toStringList(), QStringList {kDefault});
    QCOMPARE(cancelled.count(), 0);
}

void TestStoreSession::cancelAnswersAtOnceAndDropsTheResult()
{
    StoreSession session;
    openFixture(session);
    QSignalSpy loaded(&session, &StoreSession::runsLoaded);
    QSignalSpy cancelled(&session, &StoreSession::runsCancelled);
    session.loadRuns({kImages});
    session.cancelRuns();
    QCOMPARE(cancelled.count(), 1); // at once, without waiting for the store
    QCOMPARE(cancelled.at(0).at(0).toStringList(), QStringList {kImages});
    QVERIFY(!session.isLoadingRuns());
    session.cancelRuns(); // nothing running: no second signal
    QCOMPARE(cancelled.count(), 1);

    session.loadRuns({kNlp});
    QVERIFY(loaded.wait());
    QCOMPARE(loaded.count(), 1);
    QCOMPARE(loaded.at(0).at(0).toStringList(), QStringList {kNlp});
}

void TestStoreSession::emptySelectionMeansNoRuns()
{
    StoreSession session;
    openFixture(session);
    QSignalSpy loaded(&session, &StoreSession::runsLoaded);
    session.loadRuns({});
    QCOMPARE(loaded.count(), 1); // nothing to read: answered inline
    QVERIFY(loaded.at(0).at(1).value<RunListSnapshot>()->runs.empty());
}

void TestStoreSession::openErrorSaysWhere()
{
    StoreSession session;
    QSignalSpy failed(&session, &StoreSession::openFailed);
    const QString missing = QStringLiteral(RUNLENS_FIXTURE_DIR "/no-such-store");
    session.open(missing);
    QVERIFY(failed.wait());
    QCOMPARE(failed.at(0).at(0).toString(), missing);
    QVERIFY2(failed.at(0).at(1).toString().contains(QStringLiteral("no-such-store")),
        qPrintable(failed.at(0).at(1).toString()));
    QVERIFY(!session.isOpen());
}

void TestStoreSession::reopenDropsPendingWork()
{
    StoreSession session;
    openFixture(session);
    QSignalSpy loaded(&session, &StoreSession::runsLoaded);
    QSignalSpy cancelled(&session, &StoreSession::runsCancelled);
    QSignalSpy experiments(&session, &StoreSession::experimentsLoaded);
    session.loadRuns({kImages});
    session.open(QStringLiteral(RUNLENS_FIXTURE_DIR "/file/mlruns"));
    QCOMPARE(cancelled.count(), 1);
    QVERIFY(experiments.wait());
    session.loadRuns({kDefault});
    QVERIFY(loaded.wait());
    QCOMPARE(loaded.count(), 1);
    QCOMPARE(loaded.at(0).at(0).toStringList(), QStringList {kDefault});
}

void TestStoreSession::filterChangeFiltersWhatWasRead()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const auto root = std::filesystem::path(dir.path().toStdString()) / "mlruns";
    std::filesystem::copy(RUNLENS_FIXTURE_DIR "/file/mlruns", root, std::filesystem::copy_options::recursive);
    StoreSession session;
    openFixture(session, QString::fromStdString(root.string()));
    QSignalSpy loaded(&session, &StoreSession::runsLoaded);
    QSignalSpy failed(&session, &StoreSession::runsFailed);
    session.loadRuns({kImages});
    QVERIFY(loaded.wait());
    auto store = openStore(root.string());
    QVERIFY(store.ok());

    // A new filter gives exactly what the file store's own search gives, in its order, MLflow's
    // filters and Runlens's OR/NOT alike.
    const QStringList filters {QStringLiteral("metrics.val_accuracy > 0.5"), QStringLiteral("params.optimizer = 'sgd'"),
        QStringLiteral("attributes.run_name LIKE '%a%'"),
        QStringLiteral("tags.mlflow.parentRunId = 'ffdcfc59b6b64c2b8659aed1362b3cab' OR params.batch_size = '32'"),
        QStringLiteral("NOT attributes.status = 'FINISHED'"), QString()};
    for (const QString& filter : filters) {
        loaded.clear();
        session.setRunFilter(filter);
        session.reloadRuns();
        QVERIFY(loaded.wait());
        RunQuery query;
        query.experimentIds = {kImages.toStdString()};
        query.filter = filter.toStdString();
        auto expected = store.value()->searchRuns(query);
        QVERIFY(expected.ok());
        QCOMPARE(idsOf(*loaded.front().at(1).value<RunListSnapshot>()), idsOf(*expected));
        QVERIFY(filter.isEmpty() || expected->runs.size() < 14);
    }
    QVERIFY(failed.isEmpty());

    // It filters the runs read before instead of reading every run again: a tag written since is
    // not seen until the store is read again (F5), which it then is.
    const RunListSnapshot all = loaded.front().at(1).value<RunListSnapshot>();
    const std::string tagged = all->runs.front().info.runId;
    QVERIFY(store.value()->setRunTag(tagged, "reviewed", "yes").ok());
    loaded.clear();
    session.setRunFilter(QStringLiteral("tags.reviewed = 'yes'"));
    session.reloadRuns();
    QVERIFY(loaded.wait());
    QCOMPARE(loaded.front().at(1).value<RunListSnapshot>()->runs.size(), std::size_t(0));
    loaded.clear();
    session.reloadRuns();
    QVERIFY(loaded.wait());
    QCOMPARE(idsOf(*loaded.front().at(1).value<RunListSnapshot>()), std::vector<std::string> {tagged});

    // After a filtered read from the store, what was read unfiltered is too old to filter again.
    QVERIFY(store.value()->deleteRunTag(tagged, "reviewed").ok());
    loaded.clear();
    session.setRunFilter(QStringLiteral("tags.reviewed = 'yes' OR tags.reviewed = 'no'"));
    session.reloadRuns();
    QVERIFY(loaded.wait());
    QCOMPARE(loaded.front().at(1).value<RunListSnapshot>()->runs.size(), std::size_t(0));

    // A bad filter fails with the search language's message, as from the store.
    session.setRunFilter(QStringLiteral("metrics.loss <<< 1"));
    session.reloadRuns();
    QVERIFY(failed.wait());
    RunQuery bad;
    bad.experimentIds = {kImages.toStdString()};
    bad.filter = "metrics.loss <<< 1";
    const auto fromStore = store.value()->searchRuns(bad);
    QVERIFY(!fromStore.ok());
    QVERIFY2(failed.front().at(1).toString().contains(QString::fromStdString(fromStore.error().message)),
        qPrintable(failed.front().at(1).toString()));
}

QTEST_GUILESS_MAIN(TestStoreSession)
#include "tst_storesession.moc"
