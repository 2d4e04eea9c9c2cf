// SPDX-License-Identifier: Apache-2.0
// runlens-cli on damaged stores: the good items are listed, each damaged one is a warning on stderr
// naming its file, and the exit status stays 0 (the CLI's rule for items that cannot be read); a
// file given as the store that is not a database is an invalid argument, exit status 2.

#include "clirunner.h"

#include <QTemporaryDir>
#include <QTest>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

using namespace runlens::test;
namespace fs = std::filesystem;

namespace {

const std::string kFixture = RUNLENS_FIXTURE_DIR "/file/mlruns";
const std::string kRunDir = "900844674041952973/dde0a6e9aca84c04bb60289d496f9d22";

QString q(const std::string& s)
{
    return QString::fromStdString(s);
}

QStringList args(std::initializer_list<std::string> items)
{
    QStringList out;
    for (const std::string& i : items)
        out << q(i);
    return out;
}

std::size_t lineCount(const std::string& text)
{
    std::istringstream in(text);
    std::size_t n = 0;
    for (std::string line; std::getline(in, line);)
        n += line.empty() ? 0 : 1;
    return n;
}

} // namespace

class TestCliDamage : public QObject
{
    Q_OBJECT

private slots:
    void damagedItemsAreWarnedAbout()
    {
        const CliResult intact
            = runCli(args({"runs", "--store", std::string(kFixture), "--view", "all", "--format", "ids"}));
        QCOMPARE(intact.exitCode, 0);
        QTemporaryDir dir;
        const std::string root = dir.path().toStdString() + "/mlruns";
        fs::copy(kFixture, root, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
        fs::remove(root + "/" + kRunDir + "/meta.yaml");
        QVERIFY(::mkfifo((root + "/" + kRunDir + "/meta.yaml").c_str(), 0644) == 0);
        std::ofstream(root + "/models/sentiment-bert/meta.yaml", std::ios::trunc) << "name: [unclosed\n";
        fs::remove(root + "/models/resnet-classifier/version-4/meta.yaml");
        fs::create_symlink("/dev/zero", root + "/models/resnet-classifier/version-4/meta.yaml");

        const CliResult runs = runCli(args({"runs", "--store", std::string(root), "--view", "all", "--format", "ids"}));
        QCOMPARE(runs.exitCode, 0);
        QCOMPARE(lineCount(runs.out), lineCount(intact.out) - 1);
        QVERIFY2(runs.err.find("warning: skipped " + root + "/" + kRunDir + "/meta.yaml") != std::string::npos,
            runs.err.c_str());
        QVERIFY2(runs.err.find("not a regular file") != std::string::npos, runs.err.c_str());

        const CliResult models = runCli(args({"models", "--store", std::string(root)}));
        QCOMPARE(models.exitCode, 0);
        QVERIFY(models.out.find("resnet-classifier") != std::string::npos);
        QVERIFY(models.out.find("sentiment-bert") == std::string::npos);
        QVERIFY2(models.err.find("models/sentiment-bert/meta.yaml") != std::string::npos, models.err.c_str());
        QVERIFY2(models.err.find("version-4/meta.yaml") != std::string::npos, models.err.c_str());

        const CliResult versions
            = runCli(args({"versions", "--store", std::string(root), "--model", "resnet-classifier"}));
        QCOMPARE(versions.exitCode, 0);
        QVERIFY2(
            versions.err.find("version-4/meta.yaml: cannot open meta.yaml: not a regular file") != std::string::npos,
            versions.err.c_str());
    }

    void databaseThatIsATextFile()
    {
        QTemporaryDir dir;
        const std::string db = dir.path().toStdString() + "/mlflow.db";
        std::ofstream(db) << "this is not a database\n";
        const CliResult runs = runCli(args({"runs", "--store", std::string("sqlite:///" + db)}));
        QCOMPARE(runs.exitCode, 2);
        QVERIFY2(runs.err.find("INVALID_PARAMETER_VALUE: '" + db + "' is not an SQLite database") != std::string::npos,
            runs.err.c_str());
        QVERIFY(runs.out.empty());
    }
};

QTEST_GUILESS_MAIN(TestCliDamage)
#include "tst_clidamage.moc"
