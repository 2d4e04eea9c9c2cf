// SPDX-License-Identifier: Apache-2.0
#include "auditlog.h"

#include <QFile>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace runlens;

namespace {

AuditEntry entry(const QString& model, qint64 version, const QString& from, const QString& to)
{
    return {QDateTime(QDate(2026, 11, 26), QTime(8, 30, 0, 125), Qt::UTC), QStringLiteral("ana"),
        QStringLiteral("file:///data/mlruns"), model, version, QStringLiteral("stage"), from, to};
}

QByteArray readFile(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestAuditLog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void defaultPathIsInAppData();
    void missingFileIsAnEmptyLog();
    void appendsAndReadsBack();
    void badLineIsReportedAndOthersKept();
    void appendAfterCutLineStartsFresh();
    void csvQuotesWhatNeedsIt();
    void exportsCsvFile();
    void unwritableFolderSaysWhere();
};

void TestAuditLog::defaultPathIsInAppData()
{
    const QString path = AuditLog::defaultPath();
    QVERIFY(path.startsWith(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)));
    QVERIFY(path.endsWith(QLatin1String("/audit.jsonl")));
    QCOMPARE(AuditLog().path(), path);
}

void TestAuditLog::missingFileIsAnEmptyLog()
{
    QTemporaryDir dir;
    QStringList problems;
    QString error;
    QVERIFY(AuditLog(dir.filePath(QStringLiteral("audit.jsonl"))).read(&problems, &error).isEmpty());
    QVERIFY(problems.isEmpty());
    QVERIFY(error.isEmpty());
}

void TestAuditLog::appendsAndReadsBack()
{
    QTemporaryDir dir;
    // The folder does not exist yet: the first append creates it.
    const AuditLog log(dir.filePath(QStringLiteral("sub/audit.jsonl")));
    QString error;
    QVERIFY2(
        log.append({entry(QStringLiteral("clf"), 3, QStringLiteral("Staging"), QStringLiteral("Production"))}, &error),
        qPrintable(error));
    QVERIFY(log.append({entry(QStringLiteral("clf"), 2, QStringLiteral("Production"), QStringLiteral("Archived")),
        entry(QStringLiteral("Ünïcode model ✓"), 1, QStringLiteral("None"), QStringLiteral("Staging"))}));

    const QByteArray raw = readFile(log.path());
    QCOMPARE(raw.count('\n'), 3); // JSON Lines: one entry per line
    QVERIFY(raw.startsWith("{"));
    QVERIFY(raw.contains("\"timestamp\":\"2026-11-26T08:30:00.125Z\""));

    QStringList problems;
    const QList<AuditEntry> entries = log.read(&problems);
    QVERIFY(problems.isEmpty());
    QCOMPARE(entries.size(), 3);
    QCOMPARE(entries[0].version, 3);
    QCOMPARE(entries[0].from, QStringLiteral("Staging"));
    QCOMPARE(entries[0].to, QStringLiteral("Production"));
    QCOMPARE(entries[0].user, QStringLiteral("ana"));
    QCOMPARE(entries[0].storeUri, QStringLiteral("file:///data/mlruns"));
    QCOMPARE(entries[0].action, QStringLiteral("stage"));
    QCOMPARE(entries[0].when, entry({}, 0, {}, {}).when);
    QCOMPARE(entries[0].when.timeSpec(), Qt::UTC);
    QCOMPARE(entries[2].model, QStringLiteral("Ünïcode model ✓"));
}

void TestAuditLog::badLineIsReportedAndOthersKept()
{
    QTemporaryDir dir;
    const AuditLog log(dir.filePath(QStringLiteral("audit.jsonl")));
    QVERIFY(log.append({entry(QStringLiteral("a"), 1, {}, QStringLiteral("Staging"))}));
    {
        QFile f(log.path());
        QVERIFY(f.open(QIODevice::Append));
        f.write("this is not json\n{\"user\":\"no timestamp\"}\n");
    }
    QVERIFY(log.append({entry(QStringLiteral("b"), 2, {}, QStringLiteral("Staging"))}));
    QStringList problems;
    const QList<AuditEntry> entries = log.read(&problems);
    QCOMPARE(entries.size(), 2);
    QCOMPARE(entries[0].model, QStringLiteral("a"));
    QCOMPARE(entries[1].model, QStringLiteral("b"));
    QCOMPARE(problems.size(), 2);
    QVERIFY2(problems[0].contains(QLatin1String("line 2")), qPrintable(problems[0]));
    QVERIFY2(problems[1].contains(QLatin1String("line 3")), qPrintable(problems[1]));
    QVERIFY(problems[0].contains(log.path()));
}

void TestAuditLog::appendAfterCutLineStartsFresh()
{
    QTemporaryDir dir;
    const AuditLog log(dir.filePath(QStringLiteral("audit.jsonl")));
    QVERIFY(log.append({entry(QStringLiteral("a"), 1, {}, QStringLiteral("Staging"))}));
    {
        QFile f(log.path());
        QVERIFY(f.open(QIODevice::Append));
        f.write("{\"timestamp\":\"2026-"); // as if a crash cut the last write short
    }
    QVERIFY(log.append({entry(QStringLiteral("b"), 2, {}, QStringLiteral("Staging"))}));
    QStringList problems;
    const QList<AuditEntry> entries = log.read(&problems);
    QCOMPARE(entries.size(), 2);
    QCOMPARE(entries[1].model, QStringLiteral("b"));
    QCOMPARE(problems.size(), 1);
}

void TestAuditLog::csvQuotesWhatNeedsIt()
{
    AuditEntry e = entry(QStringLiteral("a, \"quoted\" model"), 7, QStringLiteral("None"), QStringLiteral("Staging"));
    e.action = QStringLiteral("alias @champion");
    const QByteArray csv = AuditLog::toCsv({e});
    QCOMPARE(csv,
        QByteArray("timestamp,user,store,model,version,action,from,to\r\n"
                   "2026-11-26T08:30:00.125Z,ana,file:///data/mlruns,\"a, \"\"quoted\"\" model\",7,alias "
                   "@champion,None,Staging\r\n"));
}

void TestAuditLog::exportsCsvFile()
{
    QTemporaryDir dir;
    const AuditLog log(dir.filePath(QStringLiteral("audit.jsonl")));
    QVERIFY(log.append({entry(QStringLiteral("a"), 1, {}, QStringLiteral("Staging")),
        entry(QStringLiteral("b"), 2, QStringLiteral("Staging"), QStringLiteral("Production"))}));
    const QString csvPath = dir.filePath(QStringLiteral("out.csv"));
    QString error;
    QVERIFY2(log.exportCsv(csvPath, &error), qPrintable(error));
    const QByteArray csv = readFile(csvPath);
    QCOMPARE(csv.count("\r\n"), 3);
    QVERIFY(csv.contains(",b,2,stage,Staging,Production\r\n"));
}

void TestAuditLog::unwritableFolderSaysWhere()
{
    QTemporaryDir dir;
    // A file where the folder should be: the append fails and names the path.
    QFile blocker(dir.filePath(QStringLiteral("blocked")));
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    const AuditLog log(dir.filePath(QStringLiteral("blocked/audit.jsonl")));
    QString error;
    QVERIFY(!log.append({entry(QStringLiteral("a"), 1, {}, QStringLiteral("Staging"))}, &error));
    QVERIFY2(error.contains(dir.filePath(QStringLiteral("blocked"))), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestAuditLog)
#include "tst_auditlog.moc"
