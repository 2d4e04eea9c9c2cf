// SPDX-License-Identifier: Apache-2.0
#include "storesession.h"

#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QThread>

using namespace runlens;

namespace {

const QString kImages = QStringLiteral("900844674041952973");
const QString kNlp = QStringLiteral("640513601518546733");
const QString kDefault = QStringLiteral("0");

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

private:
    void openFixture(StoreSession& session);
};

void TestStoreSession::openFixture(StoreSession& session)
{
    QSignalSpy opened(&session, &StoreSession::opened);
    QSignalSpy experiments(&session, &StoreSession::experimentsLoaded);
    session.open(QStringLiteral(RUNLENS_FIXTURE_DIR "/file/mlruns"));
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

QTEST_GUILESS_MAIN(TestStoreSession)
#include "tst_storesession.moc"
