// SPDX-License-Identifier: Apache-2.0
// MlrunsStore writes under hostile timing: a child process writing in a loop is SIGKILLed at arbitrary
// points (the store must stay readable, every item old or new, no temp file read as data), and a child
// appending metric lines as MLflow does while the store writes tags and stages (no point may be lost).
// The parent waits on a pipe and on process exit, never on time.

#include "io/yamlmeta.h"
#include "stores/mlruns/mlrunsstore.h"

#include <QTemporaryDir>
#include <QTest>

#include <fcntl.h>
#include <filesystem>
#include <fstream>
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
constexpr int kWrites = 14; // the kinds of write writeLoop makes

std::unique_ptr<MlrunsStore> openStore(const std::string& root)
{
    auto store = MlrunsStore::open(root);
    return store ? std::move(store.value()) : nullptr;
}

// The child's loop: every write the app offers, in turn from `first`, reporting one byte per finished
// write. Moving version 4 to Production archives the others, as the registry panel offers.
[[noreturn]] void writeLoop(const std::string& root, int first, int reportFd)
{
    auto store = openStore(root);
    if (!store)
        ::_exit(2);
    const char* stages[] = {"Staging", "Production", "None"};
    for (int i = first; i < 1000000; ++i) {
        const std::string n = std::to_string(i);
        const char* stage = stages[(i / kWrites) % 3];
        bool ok = true;
        // Starting anywhere in the cycle, a delete or restore may find nothing to do: MLflow's refusal
        // is an answer, not a failed write.
        const auto done = [](const auto& result) {
            return result.ok() || result.error().code == ErrorCode::ResourceDoesNotExist
                || result.error().code == ErrorCode::InvalidParameterValue;
        };
        switch (i % kWrites) {
        case 0:
            ok = done(store->setRunTag(kRun, "k", "v" + n));
            break;
        case 1:
            ok = done(store->renameRun(kRun, "name-" + n));
            break;
        case 2:
            ok = done(store->transitionModelVersionStage("resnet-classifier", 4, stage, stage == stages[1]));
            break;
        case 3:
            ok = done(store->setModelAlias("resnet-classifier", "moving", 1 + i % 4));
            break;
        case 4:
            ok = done(store->updateRegisteredModelDescription("resnet-classifier", "d" + n));
            break;
        case 5:
            ok = done(store->setModelVersionTag("resnet-classifier", 4, "t", "v" + n));
            break;
        case 6:
            ok = done(store->deleteRun(kRun));
            break;
        case 7:
            ok = done(store->restoreRun(kRun));
            break;
        case 8:
            ok = done(store->deleteRunTag(kRun, "k"));
            break;
        case 9:
            ok = done(store->deleteModelAlias("resnet-classifier", "moving"));
            break;
        case 10:
            ok = done(store->setRegisteredModelTag("resnet-classifier", "rt", "v" + n));
            break;
        case 11:
            ok = done(store->updateModelVersionDescription("resnet-classifier", 4, "d" + n));
            break;
        case 12:
            ok = done(store->deleteRegisteredModelTag("resnet-classifier", "rt"));
            break;
        case 13:
            ok = done(store->deleteModelVersionTag("resnet-classifier", 4, "t"));
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

// Every meta.yaml in the store parses: a kill never leaves one empty, cut short or mixed.
void verifyEveryMetaParses(const std::string& root)
{
    int metas = 0;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        if (entry.path().filename() != "meta.yaml")
            continue;
        std::ifstream in(entry.path(), std::ios::binary);
        const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        const auto meta = YamlMeta::parse(text);
        QVERIFY2(meta.ok(), (entry.path().string() + ": " + (meta.ok() ? "" : meta.error().toString())).c_str());
        ++metas;
    }
    QVERIFY(metas > 20);
}

// Rewrites the run's status in its meta.yaml (1 RUNNING, 3 FINISHED), as MLflow's set_terminated does.
void setRunStatus(const std::string& runPath, int status)
{
    const std::string path = runPath + "/meta.yaml";
    std::ifstream in(path, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::size_t at = text.find("\nstatus: ");
    QVERIFY(at != std::string::npos);
    text.replace(at + 9, 1, std::to_string(status));
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
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
        for (int kill = 0; kill < 160; ++kill) {
            int fds[2];
            QCOMPARE(::pipe(fds), 0);
            const pid_t pid = ::fork();
            if (pid == 0) {
                ::close(fds[0]);
                writeLoop(root, kill % kWrites, fds[1]);
            }
            ::close(fds[1]);
            // Let the child finish a random number of writes, then kill it during the next one.
            const int writes = std::uniform_int_distribution<int>(0, 6)(random);
            char byte = 0;
            for (int i = 0; i < writes; ++i)
                QCOMPARE(::read(fds[0], &byte, 1), ssize_t(1));
            ::kill(pid, SIGKILL);
            int status = 0;
            QCOMPARE(::waitpid(pid, &status, 0), pid);
            ::close(fds[0]);
            QVERIFY(WIFSIGNALED(status));

            verifyEveryMetaParses(root);
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
            const std::set<std::string> stageNames = {"None", "Staging", "Production", "Archived"};
            for (const ModelVersion& v : *versions) {
                QVERIFY2(stageNames.contains(v.currentStage), v.currentStage.c_str());
                if (v.description)
                    QVERIFY(v.description->empty() || startsWith(*v.description, "d") || v.version == 1);
                for (const KeyValue& kv : v.tags)
                    QVERIFY2(kv.key == "t" || kv.key == "iteration" || kv.key == "validated", kv.key.c_str());
                for (const std::string& alias : v.aliases)
                    QVERIFY(alias == "champion" || alias == "challenger" || alias == "moving");
            }
            for (const RegisteredModel& m : *models) {
                if (m.name != "resnet-classifier")
                    continue;
                QVERIFY(m.description && !m.description->empty());
                for (const KeyValue& kv : m.tags)
                    QVERIFY2(kv.key == "task" || kv.key == "owner" || kv.key == "rt", kv.key.c_str());
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

    // A training process appending while Runlens refreshes: each line lands in two writes, as any
    // buffered writer may leave it, so a reader often meets a line cut in the middle. Every read must
    // be a prefix of the points written, whole: a cut "12.5 12" is never shown as step 1.
    void readsDuringAppendNeverShowAHalfLine()
    {
        QTemporaryDir dir;
        const std::string root = dir.path().toStdString() + "/mlruns";
        fs::copy(kFixture, root, fs::copy_options::recursive);
        const std::string runPath = root + "/" + kImage + "/" + kRun;
        const std::string metric = runPath + "/metrics/appended";
        constexpr int kPoints = 4000;
        setRunStatus(runPath, 1); // RUNNING, as a run being trained is
        int go[2];
        int ack[2];
        QCOMPARE(::pipe(go), 0);
        QCOMPARE(::pipe(ack), 0);
        const pid_t pid = ::fork();
        if (pid == 0) {
            ::close(go[1]);
            ::close(ack[0]);
            const int fd = ::open(metric.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
            if (fd < 0)
                ::_exit(2);
            for (int i = 0; i < kPoints; ++i) {
                const std::string line
                    = std::to_string(1795663700000LL + i) + " " + std::to_string(i) + ".5 " + std::to_string(i) + "\n";
                const std::size_t cut = line.size() - 2 - (i % 5); // inside the step or the value
                char byte = 0;
                if (::write(fd, line.data(), cut) != static_cast<ssize_t>(cut))
                    ::_exit(3);
                // Every 16th line waits, cut, until the parent has read the file once.
                if (i % 16 == 0 && (::write(ack[1], "c", 1) != 1 || ::read(go[0], &byte, 1) != 1))
                    ::_exit(4);
                if (::write(fd, line.data() + cut, line.size() - cut) != static_cast<ssize_t>(line.size() - cut))
                    ::_exit(3);
            }
            ::_exit(0);
        }
        ::close(go[0]);
        ::close(ack[1]);
        auto store = openStore(root);
        const auto verifyPrefix = [&](const std::vector<MetricPoint>& points) {
            for (std::size_t i = 0; i < points.size(); ++i) {
                QCOMPARE(points[i].step, std::int64_t(i));
                QCOMPARE(points[i].value, double(i) + 0.5);
            }
        };
        int cutReads = 0;
        char byte = 0;
        while (::read(ack[0], &byte, 1) == 1) {
            auto history = store->metricHistory(kRun, "appended");
            if (history.ok()) {
                verifyPrefix(*history);
                if (QTest::currentTestFailed())
                    break;
            } else {
                // An error is allowed only for a cut first line, never silently wrong data.
                QVERIFY2(history.error().toString().find("appended") != std::string::npos,
                    history.error().toString().c_str());
            }
            auto run = store->run(kRun);
            QVERIFY(run.ok());
            for (const Metric& m : run->metrics) {
                if (m.key == "appended")
                    QCOMPARE(m.point.value, double(m.point.step) + 0.5);
            }
            ++cutReads;
            QCOMPARE(::write(go[1], "g", 1), ssize_t(1));
        }
        ::close(go[1]);
        ::close(ack[0]);
        int status = 0;
        QCOMPARE(::waitpid(pid, &status, 0), pid);
        QVERIFY(WIFEXITED(status));
        QCOMPARE(WEXITSTATUS(status), 0);
        QCOMPARE(cutReads, kPoints / 16);
        auto history = store->metricHistory(kRun, "appended");
        QVERIFY(history.ok());
        QCOMPARE(history->size(), std::size_t(kPoints));
        verifyPrefix(*history);

        // A finished run's file is read to its end as MLflow reads it: a last line without its newline
        // counts, and MLflow's strip().split(" ") reads "ts 16.5 " as step 0.
        setRunStatus(runPath, 3);
        {
            std::ofstream out(metric, std::ios::app | std::ios::binary);
            out << "1795663799999 16.5 ";
        }
        history = store->metricHistory(kRun, "appended");
        QVERIFY(history.ok());
        QCOMPARE(history->size(), std::size_t(kPoints + 1));
        QCOMPARE(history->back().value, 16.5);
        QCOMPARE(history->back().step, std::int64_t(0));
    }
};

QTEST_GUILESS_MAIN(TestMlrunsKill)
#include "tst_mlrunskill.moc"
