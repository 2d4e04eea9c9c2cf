// SPDX-License-Identifier: Apache-2.0
// runlens-cli's edit commands on copies of both MLflow 2.22 fixture stores, read back through the CLI.
#include "clirunner.h"

#include <QDir>
#include <QDirIterator>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

using nlohmann::json;
using namespace runlens::test;

namespace {

bool copyTree(const QString& from, const QString& to)
{
    QDirIterator it(from, QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString src = it.next();
        const QString dst = to + src.mid(from.size());
        if (it.fileInfo().isDir()) {
            if (!QDir().mkpath(dst))
                return false;
        } else if (!QFile::copy(src, dst)) {
            return false;
        }
    }
    return true;
}

} // namespace

class TestCliWrites : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void stagesAndAliases_data();
    void stagesAndAliases();
    void runEdits_data();
    void runEdits();
    void invalidEdits_data();
    void invalidEdits();

private:
    void addStores();
    json readJson(const QStringList& args);
    std::string runIdNamed(const std::string& name);

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_store;
};

void TestCliWrites::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestCliWrites::addStores()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("file store") << QStringLiteral("file");
    QTest::newRow("sqlite store") << QStringLiteral("sqlite");
}

json TestCliWrites::readJson(const QStringList& args)
{
    const auto r = runCli(
        args + QStringList {QStringLiteral("--store"), m_store, QStringLiteral("--format"), QStringLiteral("json")});
    if (r.exitCode != 0)
        qWarning("%s", r.err.c_str());
    return r.exitCode == 0 ? json::parse(r.out) : json();
}

std::string TestCliWrites::runIdNamed(const std::string& name)
{
    for (const auto& r : readJson(words({"runs", "--view", "all"}))) {
        if (r["info"]["run_name"] == name)
            return r["info"]["run_id"];
    }
    return {};
}

void TestCliWrites::stagesAndAliases_data()
{
    addStores();
}

void TestCliWrites::stagesAndAliases()
{
    QFETCH(QString, kind);
    const QString fixture = QStringLiteral(RUNLENS_FIXTURE_DIR "/") + kind;
    QVERIFY(copyTree(fixture, m_dir->path()));
    m_store = kind == QLatin1String("file") ? m_dir->filePath(QStringLiteral("mlruns"))
                                            : m_dir->filePath(QStringLiteral("mlflow.db"));

    // resnet-classifier: v2 Production (@champion), v3 Staging (@challenger), v4 None.
    auto r = runCli(words({"set-stage", "--model", "resnet-classifier", "--version", "4", "--stage", "production",
                        "--archive-existing", "--store"})
        << m_store);
    QVERIFY2(r.exitCode == 0, r.err.c_str());
    json versions = readJson(words({"versions", "--model", "resnet-classifier"}));
    QCOMPARE(versions.size(), std::size_t(4));
    QCOMPARE(versions[3]["current_stage"].get<std::string>(), std::string("Production")); // canonical capitalisation
    QCOMPARE(versions[1]["current_stage"].get<std::string>(), std::string("Archived")); // the old Production
    QCOMPARE(versions[2]["current_stage"].get<std::string>(), std::string("Staging")); // untouched

    r = runCli(words({"set-alias", "--model", "resnet-classifier", "--alias", "champion", "--version", "4", "--store"})
        << m_store);
    QVERIFY2(r.exitCode == 0, r.err.c_str());
    versions = readJson(words({"versions", "--model", "resnet-classifier"}));
    QVERIFY(versions[3]["aliases"] == json::array({"champion"}));
    QVERIFY(!versions[1].contains("aliases")); // moved away from v2

    r = runCli(words({"delete-alias", "--model", "resnet-classifier", "--alias", "challenger", "--store"}) << m_store);
    QVERIFY2(r.exitCode == 0, r.err.c_str());
    json models = readJson(words({"models"}));
    for (const auto& m : models) {
        if (m["name"] != "resnet-classifier")
            continue;
        QCOMPARE(m["aliases"].size(), std::size_t(1));
        QCOMPARE(m["aliases"][0]["alias"].get<std::string>(), std::string("champion"));
        QCOMPARE(m["aliases"][0]["version"].get<std::string>(), std::string("4"));
    }
}

void TestCliWrites::runEdits_data()
{
    addStores();
}

void TestCliWrites::runEdits()
{
    QFETCH(QString, kind);
    QVERIFY(copyTree(QStringLiteral(RUNLENS_FIXTURE_DIR "/") + kind, m_dir->path()));
    m_store = kind == QLatin1String("file") ? m_dir->filePath(QStringLiteral("mlruns"))
                                            : m_dir->filePath(QStringLiteral("mlflow.db"));
    const QString id = QString::fromStdString(runIdNamed("trial-1"));
    QVERIFY(!id.isEmpty());

    auto r = runCli(
        words({"rename-run", "--name", "trial-1 (best)", "--store"}) << m_store << QStringLiteral("--run") << id);
    QVERIFY2(r.exitCode == 0, r.err.c_str());
    r = runCli(words({"set-tag", "--key", "reviewed", "--value", "yes ✓", "--store"})
        << m_store << QStringLiteral("--run") << id);
    QVERIFY2(r.exitCode == 0, r.err.c_str());
    r = runCli(
        words({"delete-tag", "--key", "mlflow.source.type", "--store"}) << m_store << QStringLiteral("--run") << id);
    QVERIFY2(r.exitCode == 0, r.err.c_str());

    json run;
    for (const auto& x : readJson(words({"runs"}))) {
        if (x["info"]["run_id"] == id.toStdString())
            run = x;
    }
    QCOMPARE(run["info"]["run_name"].get<std::string>(), std::string("trial-1 (best)"));
    std::map<std::string, std::string> tags;
    for (const auto& t : run["data"]["tags"])
        tags[t["key"]] = t["value"];
    QCOMPARE(tags["mlflow.runName"], std::string("trial-1 (best)"));
    QCOMPARE(tags["reviewed"], std::string("yes ✓"));
    QVERIFY(!tags.count("mlflow.source.type"));

    r = runCli(words({"delete-run", "--store"}) << m_store << QStringLiteral("--run") << id);
    QVERIFY2(r.exitCode == 0, r.err.c_str());
    const auto active = runCli(words({"runs", "--format", "ids", "--store"}) << m_store);
    const auto deleted = runCli(words({"runs", "--view", "deleted", "--format", "ids", "--store"}) << m_store);
    QVERIFY(active.out.find(id.toStdString()) == std::string::npos);
    QVERIFY(deleted.out.find(id.toStdString()) != std::string::npos);
    // MLflow refuses tag edits on a deleted run.
    r = runCli(words({"set-tag", "--key", "k", "--value", "v", "--store"}) << m_store << QStringLiteral("--run") << id);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.find("INVALID_PARAMETER_VALUE") != std::string::npos, r.err.c_str());

    r = runCli(words({"restore-run", "--store"}) << m_store << QStringLiteral("--run") << id);
    QVERIFY2(r.exitCode == 0, r.err.c_str());
    const auto restored = runCli(words({"runs", "--format", "ids", "--store"}) << m_store);
    QVERIFY(restored.out.find(id.toStdString()) != std::string::npos);
}

void TestCliWrites::invalidEdits_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("code");
    for (const char* kind : {"file", "sqlite"}) {
        const QString k = QString::fromLatin1(kind);
        const auto row = [&](const char* name, QStringList args, const char* code) {
            QTest::newRow(qPrintable(k + QLatin1Char(' ') + QLatin1String(name)))
                << k << args << QString::fromLatin1(code);
        };
        row("unknown stage", words({"set-stage", "--model", "resnet-classifier", "--version", "1", "--stage", "Live"}),
            "INVALID_PARAMETER_VALUE");
        row("archive into Archived",
            words({"set-stage", "--model", "resnet-classifier", "--version", "1", "--stage", "Archived",
                "--archive-existing"}),
            "INVALID_PARAMETER_VALUE");
        row("unknown model", words({"set-stage", "--model", "nope", "--version", "1", "--stage", "Staging"}),
            "RESOURCE_DOES_NOT_EXIST");
        row("unknown version",
            words({"set-stage", "--model", "resnet-classifier", "--version", "99", "--stage", "Staging"}),
            "RESOURCE_DOES_NOT_EXIST");
        row("bad version", words({"set-alias", "--model", "resnet-classifier", "--alias", "a", "--version", "two"}),
            "INVALID_PARAMETER_VALUE");
        row("reserved alias",
            words({"set-alias", "--model", "resnet-classifier", "--alias", "latest", "--version", "1"}),
            "INVALID_PARAMETER_VALUE");
        row("alias with space",
            words({"set-alias", "--model", "resnet-classifier", "--alias", "my alias", "--version", "1"}),
            "INVALID_PARAMETER_VALUE");
        row("unknown run", words({"rename-run", "--run", "0123456789abcdef0123456789abcdef", "--name", "x"}),
            "RESOURCE_DOES_NOT_EXIST");
    }
}

void TestCliWrites::invalidEdits()
{
    QFETCH(QString, kind);
    QFETCH(QStringList, args);
    QFETCH(QString, code);
    QVERIFY(copyTree(QStringLiteral(RUNLENS_FIXTURE_DIR "/") + kind, m_dir->path()));
    m_store = kind == QLatin1String("file") ? m_dir->filePath(QStringLiteral("mlruns"))
                                            : m_dir->filePath(QStringLiteral("mlflow.db"));
    const json before = readJson(words({"versions", "--model", "resnet-classifier"}));
    const auto r = runCli(args << QStringLiteral("--store") << m_store);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.find(code.toStdString()) != std::string::npos, r.err.c_str());
    // A refused edit changes nothing.
    QCOMPARE(readJson(words({"versions", "--model", "resnet-classifier"})).dump(), before.dump());
}

QTEST_GUILESS_MAIN(TestCliWrites)
#include "tst_cliwrites.moc"
