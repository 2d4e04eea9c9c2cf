// SPDX-License-Identifier: Apache-2.0
#include "artifacttreemodel.h"
#include "storesession.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

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

QStringList childNames(const QAbstractItemModel& model, const QModelIndex& parent = {})
{
    QStringList names;
    for (int row = 0; row < model.rowCount(parent); ++row)
        names << model.index(row, 0, parent).data().toString();
    return names;
}

} // namespace

class TestArtifactTreeModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QSignalSpy opened(&m_session, &StoreSession::opened);
        m_session.open(QStringLiteral(RUNLENS_FIXTURE_DIR "/file/mlruns"));
        QVERIFY(opened.wait(10000));
    }

    void listsLazilyUnderTester()
    {
        ArtifactTreeModel model(&m_session);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRun(kResnet);
        QSignalSpy loaded(&model, &ArtifactTreeModel::folderLoaded);
        model.fetchMore({}); // the tester may have asked already; a second request is a no-op
        QVERIFY(!model.canFetchMore({})); // one listing at a time
        QVERIFY(loaded.wait(10000));
        QCOMPARE(loaded.takeFirst().at(0).toString(), QString());
        // Folders first, then files, each by name.
        QCOMPARE(childNames(model),
            strings({"config", "data", "eval", "images", "model", "nested", "plots", "empty.bin",
                "file with spaces & ünïcode.txt", "notes.txt"}));

        const QModelIndex empty = model.index(7, 0);
        QCOMPARE(empty.data(ArtifactTreeModel::PathRole).toString(), QStringLiteral("empty.bin"));
        QCOMPARE(empty.data(ArtifactTreeModel::SizeRole).toLongLong(), 0);
        QVERIFY(!model.hasChildren(empty));
        QCOMPARE(model.index(8, ArtifactTreeModel::SizeColumn).data().toString(), QStringLiteral("9 bytes"));

        // Descend nested/a/b/c one folder at a time, as a view expanding it would.
        QModelIndex folder = model.index(5, 0);
        for (const char* name : {"a", "b", "c"}) {
            QVERIFY(model.hasChildren(folder));
            model.fetchMore(folder); // a no-op when the tester already asked
            QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(folder), 1, 10000);
            QCOMPARE(childNames(model, folder), QStringList {QString::fromLatin1(name)});
            folder = model.index(0, 0, folder);
        }
        model.fetchMore(folder);
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(folder), 1, 10000);
        const QModelIndex leaf = model.index(0, 0, folder);
        QCOMPARE(leaf.data(ArtifactTreeModel::PathRole).toString(), QStringLiteral("nested/a/b/c/leaf.txt"));
        QCOMPARE(model.indexForPath(QStringLiteral("nested/a/b/c/leaf.txt")), leaf);
        QCOMPARE(model.parent(model.parent(leaf)).data().toString(), QStringLiteral("b"));
    }

    void staleListingIsDropped()
    {
        ArtifactTreeModel model(&m_session);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy loaded(&model, &ArtifactTreeModel::folderLoaded);
        model.setRun(kResnet);
        model.fetchMore({});
        model.setRun(std::string("ffdcfc59b6b64c2b8659aed1362b3cab")); // hpo-sweep: no artifacts
        model.fetchMore({});
        QVERIFY(loaded.wait(10000));
        QTRY_COMPARE_WITH_TIMEOUT(m_session.threadPool()->activeThreadCount(), 0, 10000);
        QCoreApplication::sendPostedEvents();
        QCOMPARE(model.rowCount(), 0); // the first run's listing never lands
    }

    void unknownRunReportsFailure()
    {
        ArtifactTreeModel model(&m_session);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy failed(&model, &ArtifactTreeModel::folderFailed);
        model.setRun("00000000000000000000000000000000");
        model.fetchMore({});
        QVERIFY(failed.wait(10000));
        QVERIFY(!failed.takeFirst().at(1).toString().isEmpty());
        QCOMPARE(model.rowCount(), 0);
    }

private:
    StoreSession m_session;
};

QTEST_GUILESS_MAIN(TestArtifactTreeModel)
#include "tst_artifacttreemodel.moc"
