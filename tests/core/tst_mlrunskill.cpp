// SPDX-License-Identifier: Apache-2.0
// MlrunsStore writes under hostile timing: a child process writing in a loop is SIGKILLed at arbitrary
// points (the store must stay readable, every item old or new, no temp file read as data), and a child
// appending metric lines as MLflow does while the store writes tags and stages (no point may be lost).
// The parent waits on a pipe and on process exit, never on time.

#include "stores/mlruns/mlrunsstore.h"

#include <QTemporaryDir>
#include <QTest>

#include <fcntl.h>
#include <filesystem>
#include <random>
#include <set>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

using namespace runlens;
namespace fs = std::filesystem;

namespace {

const std::string kFixture = RUNLENS_FIXTURE_DIR "/file/mlruns";
const std::string kImage = "900844674041952973";
const std::string kRun = "f316c9f4747b43e4bac4816beaa3d303";

std::unique_ptr<MlrunsStore> openStore(const std::string& root)
{
    auto store = MlrunsStore::open(root);
    return store ? std::move(store.value()) : nullptr;
}

// The child's loop: every write the app offers, reporting one byte per finished write.
[[noreturn]] void writeLoop(const std::string& root, int reportFd)
{
    auto store = openStore(root);
    if (!store)
        ::_exit(2);
    const char* stages[] = {"Staging", "Production", "None"};
    for (int i = 0; i < 1000000; ++i) {
        const std::string n = std::to_string(i);
        bool ok = true;
        switch (i % 6) {
        case 0:
            ok = store->setRunTag(kRun, "k", "v" + n).ok();
            break;
        case 1:
            ok = store->renameRun(kRun, "name-" + n).ok();
            break;
        case 2:
            ok = store->transitionModelVersionStage("resnet-classifier", 4, stages[i % 3], false).ok();
            break;
        case 3:
            ok = store->setModelAlias("resnet-classifier", "moving", 1 + i % 4).ok();
            break;
        case 4:
            ok = store->updateRegisteredModelDescription("resnet-classifier", "d" + n).ok();
            break;
        case 5:
            ok = store->setModelVersionTag("resnet-classifier", 4, "t", "v" + n).ok();
            break;
        }
        if (!ok)
            ::_exit(3);
        const char byte = 'x';
        if (::write(reportFd, &byte, 1) != 1)
            ::_exit(4);
    }
    ::_exit(0);
}

bool startsWith(const std::string& s, const std::string& prefix)
{
    return s.rfind(prefix, 0) == 0;
}

} // namespace

class TestMlrunsKill : public QObject
{
    Q_OBJECT

private slots:
    void killedWritesLeaveOldOrNew()
    {
        QTemporaryDir dir;
        const std::string root = dir.path().toStdString() + "/mlruns";
        fs::copy(kFixture, root, fs::copy_options::recursive);
        auto reference = openStore(root);
        const std::set<std::string> knownRunTags = [&] {
            std::set<std::string> keys;
            const auto run = reference->run(kRun);
            for (const KeyValue& kv : run->tags)
                keys.insert(kv.key);
            keys.insert("k");
            return keys;
        }();
        std::mt19937 random(20261126); // fixed seed: the same kill points on every run
        for (int kill = 0; kill < 50; ++kill) {
            int fds[2];
            QCOMPARE(::pipe(fds), 0);
            const pid_t pid = ::fork();
            if (pid == 0) {
                ::close(fds[0]);
                writeLoop(root, fds[1]);
            }
            ::close(fds[1]);
            // Let the child finish a random number of writes, then kill it during the next one.
            const int writes = std::uniform_int_distribution<int>(1, 12)(random);
            char byte = 0;
            for (int i = 0; i < writes; ++i)
                QCOMPARE(::read(fds[0], &byte, 1), ssize_t(1));
            ::kill(pid, SIGKILL);
            int status = 0;
            QCOMPARE(::waitpid(pid, &status, 0), pid);
            ::close(fds[0]);
            QVERIFY(WIFSIGNALED(status));

            auto store = openStore(root);
            QVERIFY(store);
            auto run = store->run(kRun);
            QVERIFY2(run.ok(), run.ok() ? "" : run.error().toString().c_str());
            QVERIFY(run->info.runName == "renamed-run" || startsWith(run->info.runName, "name-"));
            for (const KeyValue& kv : run->tags)
                QVERIFY2(knownRunTags.contains(kv.key), kv.key.c_str()); // no temp file read as a tag
            if (const std::string* v = findValue(run->tags, "k"))
                QVERIFY(startsWith(*v, "v"));
            auto models = store->registeredModels();
            QVERIFY(models.ok());
            QCOMPARE(models->size(), std::size_t(4));
            auto versions = store->modelVersions("resnet-classifier");
            QVERIFY(versions.ok());
            QCOMPARE(versions->size(), std::size_t(4));
            const ModelVersion& v4 = versions->back();
            QVERIFY(v4.currentStage == "None" || v4.currentStage == "Staging" || v4.currentStage == "Production");
            for (const ModelVersion& v : *versions) {
                for (const std::string& alias : v.aliases)
                    QVERIFY(alias == "champion" || alias == "challenger" || alias == "moving");
            }
            for (const RegisteredModel& m : *models) {
                if (m.name == "resnet-classifier")
                    QVERIFY(m.description && !m.description->empty());
            }
        }
    }

    void concurrentMetricWriterLosesNothing()
    {
        QTemporaryDir dir;
        const std::string root = dir.path().toStdString() + "/mlruns";
        fs::copy(kFixture, root, fs::copy_options::recursive);
        const std::string metric = root + "/" + kImage + "/" + kRun + "/metrics/concurrent";
        constexpr int kPoints = 3000;
        int fds[2];
        QCOMPARE(::pipe(fds), 0);
        const pid_t pid = ::fork();
        if (pid == 0) {
            // As MLflow's file store logs a metric: one appended "timestamp value step" line per point.
            ::close(fds[0]);
            const char byte = 's';
            if (::write(fds[1], &byte, 1) != 1)
                ::_exit(4);
            for (int i = 0; i < kPoints; ++i) {
                const int fd = ::open(metric.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
                if (fd < 0)
                    ::_exit(2);
                const std::string line
                    = std::to_string(1795663700000LL + i) + " " + std::to_string(i) + ".5 " + std::to_string(i) + "\n";
                if (::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size()))
                    ::_exit(3);
                ::close(fd);
            }
            ::_exit(0);
        }
        ::close(fds[1]);
        char byte = 0;
        QCOMPARE(::read(fds[0], &byte, 1), ssize_t(1)); // the child is running
        ::close(fds[0]);
        auto store = openStore(root);
        const char* stages[] = {"Staging", "Production", "None"};
        for (int i = 0; i < 150; ++i) {
            QVERIFY(store->setRunTag(kRun, "tag-" + std::to_string(i % 10), std::to_string(i)).ok());
            QVERIFY(store->renameRun(kRun, "name-" + std::to_string(i)).ok());
            QVERIFY(store->transitionModelVersionStage("resnet-classifier", 4, stages[i % 3], false).ok());
        }
        int status = 0;
        QCOMPARE(::waitpid(pid, &status, 0), pid);
        QVERIFY(WIFEXITED(status));
        QCOMPARE(WEXITSTATUS(status), 0);
        auto history = store->metricHistory(kRun, "concurrent");
        QVERIFY(history.ok());
        QCOMPARE(history->size(), std::size_t(kPoints));
        for (int i = 0; i < kPoints; ++i) {
            QCOMPARE((*history)[i].step, std::int64_t(i));
            QCOMPARE((*history)[i].value, i + 0.5);
        }
        auto run = store->run(kRun);
        QCOMPARE(run->info.runName, std::string("name-149"));
        QCOMPARE(*findValue(run->tags, "tag-9"), std::string("149"));
    }
};

QTEST_GUILESS_MAIN(TestMlrunsKill)
#include "tst_mlrunskill.moc"
