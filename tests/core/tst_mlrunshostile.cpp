// SPDX-License-Identifier: Apache-2.0
// MlrunsStore on copies of the MLflow fixture with hostile damage: devices and FIFOs where files
// belong, oversized values, links out of the artifact folder, NUL bytes, non-UTF-8 names, parent-run
// cycles, a killed write's temp files. Each case checks that the damaged item is reported as a
// Problem naming its file and that every other run still reads as MLflow read it (expected.json).

#include "artifactlisting.h"
#include "expectedjson.h"
#include "io/atomicfile.h"
#include "stores/mlruns/mlrunsstore.h"

#include <QTemporaryDir>
#include <QTest>

#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace runlens;
namespace fs = std::filesystem;

namespace {

const std::string kFixture = RUNLENS_FIXTURE_DIR "/file/mlruns";
const std::string kImage = "900844674041952973";
const std::string kResnet = "e10f02a4494e4ac79d6440711e2ebdaf";
const std::string kAutoNamed = "dde0a6e9aca84c04bb60289d496f9d22";
const std::string kOther = "27254a9d53f6492db513f0908880f7f1";

void writeFile(const std::string& path, const std::string& content)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
}

std::string readFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

class StoreCopy
{
public:
    StoreCopy()
    {
        m_root = m_dir.path().toStdString() + "/mlruns";
        fs::copy(kFixture, m_root, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
    }
    std::string path(const std::string& relative) const { return m_root + "/" + relative; }
    std::string run(const std::string& runId, const std::string& relative = {}) const
    {
        return path(kImage + "/" + runId + (relative.empty() ? "" : "/" + relative));
    }
    // Puts `target` (a device, a FIFO maker, ...) where a file was.
    void replaceWithSymlink(const std::string& relative, const std::string& target) const
    {
        fs::remove(path(relative));
        fs::create_symlink(target, path(relative));
    }
    void replaceWithFifo(const std::string& relative) const
    {
        fs::remove(path(relative));
        QVERIFY(::mkfifo(path(relative).c_str(), 0644) == 0);
    }
    std::unique_ptr<MlrunsStore> open() const
    {
        auto store = MlrunsStore::open(m_root);
        return store ? std::move(store.value()) : nullptr;
    }

private:
    QTemporaryDir m_dir;
    std::string m_root;
};

struct Findings
{
    std::vector<Problem> problems;
    std::vector<std::string> mismatches;
};

// Experiments and runs of all views, with their problems, compared with expected.json.
Findings scan(const StoreCopy& copy, const std::set<std::string>& skipRuns = {}, bool registry = false)
{
    Findings f;
    auto store = copy.open();
    if (!store) {
        f.mismatches.push_back("the store does not open");
        return f;
    }
    if (auto experiments = store->experiments(ViewType::All))
        f.problems = experiments->problems;
    RunQuery query;
    query.view = ViewType::All;
    auto runs = store->searchRuns(query);
    if (runs)
        f.problems.insert(f.problems.end(), runs->problems.begin(), runs->problems.end());
    else
        f.mismatches.push_back("searchRuns(): " + runs.error().toString());
    test::CompareOptions options;
    options.skipRuns = skipRuns;
    options.registry = registry;
    f.mismatches = test::compareStoreWithExpected(*store, test::expectedStore("file"), options);
    return f;
}

const Problem* findProblem(const std::vector<Problem>& problems, const std::string& pathEnd)
{
    for (const Problem& p : problems) {
        if (p.path.ends_with(pathEnd))
            return &p;
    }
    return nullptr;
}

std::string describe(const std::vector<Problem>& problems)
{
    std::string out;
    for (const Problem& p : problems)
        out += "\n  " + p.path + ": " + p.reason;
    return out.empty() ? std::string(" (none)") : out;
}

pid_t deadPid()
{
    const pid_t pid = ::fork();
    if (pid == 0)
        ::_exit(0);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return pid;
}

void setAge(const std::string& path, int seconds)
{
    struct timespec times[2];
    ::clock_gettime(CLOCK_REALTIME, &times[0]);
    times[0].tv_sec -= seconds;
    times[1] = times[0];
    ::utimensat(AT_FDCWD, path.c_str(), times, 0);
}

} // namespace

#define VERIFY_NO_MISMATCHES(f) QVERIFY2((f).mismatches.empty(), test::joinMismatches((f).mismatches).c_str())

#define VERIFY_PROBLEM(problems, pathEnd, reasonPart)                                                                  \
    do {                                                                                                               \
        const Problem* problem = findProblem((problems), (pathEnd));                                                   \
        QVERIFY2(problem, ("no problem reported for " + std::string(pathEnd) + describe(problems)).c_str());           \
        QVERIFY2(problem->reason.find(reasonPart) != std::string::npos,                                                \
            ("reason of " + problem->path + " is '" + problem->reason + "', expected '" + (reasonPart) + "'")          \
                .c_str());                                                                                             \
    } while (false)

class TestMlrunsHostile : public QObject
{
    Q_OBJECT

private slots:
    // A meta.yaml that is a link to /dev/zero never ends; it must be refused, not read.
    void metaYamlIsADevice_data()
    {
        QTest::addColumn<QString>("meta");
        QTest::addColumn<bool>("registry");
        QTest::newRow("run") << QString::fromStdString(kImage + "/" + kAutoNamed + "/meta.yaml") << false;
        QTest::newRow("registered model") << QStringLiteral("models/sentiment-bert/meta.yaml") << true;
        QTest::newRow("model version") << QStringLiteral("models/resnet-classifier/version-4/meta.yaml") << true;
    }
    void metaYamlIsADevice()
    {
        QFETCH(QString, meta);
        QFETCH(bool, registry);
        StoreCopy copy;
        copy.replaceWithSymlink(meta.toStdString(), "/dev/zero");
        auto store = copy.open();
        QVERIFY(store);
        std::vector<Problem> problems;
        if (registry) {
            auto models = store->registeredModelList(false);
            QVERIFY(models);
            problems = models->problems;
            if (auto versions = store->modelVersionList("resnet-classifier"))
                problems.insert(problems.end(), versions->problems.begin(), versions->problems.end());
        } else {
            RunQuery query;
            auto runs = store->searchRuns(query);
            QVERIFY(runs);
            problems = runs->problems;
            const Findings f = scan(copy, {kAutoNamed});
            VERIFY_NO_MISMATCHES(f);
        }
        VERIFY_PROBLEM(problems, meta.toStdString(), "not a regular file");
    }

    void oversizedFiles()
    {
        StoreCopy copy;
        writeFile(copy.run(kAutoNamed, "meta.yaml"),
            readFile(copy.run(kAutoNamed, "meta.yaml")) + "# " + std::string(17 * 1024 * 1024, 'x') + "\n");
        writeFile(copy.run(kResnet, "params/long_value"), std::string(10 * 1024 * 1024, 'v'));
        const Findings f = scan(copy, {kAutoNamed, kResnet});
        VERIFY_PROBLEM(f.problems, kAutoNamed + "/meta.yaml", "larger than 16 MB");
        VERIFY_PROBLEM(f.problems, "params/long_value", "larger than 1 MB");
        VERIFY_NO_MISMATCHES(f);
    }

    // Info-only searches read the name from tags/mlflow.runName when meta.yaml has none.
    void runNameTagIsADevice()
    {
        StoreCopy copy;
        const std::string meta = copy.run(kAutoNamed, "meta.yaml");
        std::string text, line;
        std::istringstream in(readFile(meta));
        while (std::getline(in, line)) {
            if (!line.starts_with("run_name:"))
                text += line + "\n";
        }
        writeFile(meta, text);
        copy.replaceWithSymlink(kImage + "/" + kAutoNamed + "/tags/mlflow.runName", "/dev/zero");
        auto store = copy.open();
        QVERIFY(store);
        RunQuery query;
        query.experimentIds = {kImage};
        query.fields = static_cast<RunFields>(RunField::Info);
        auto runs = store->searchRuns(query);
        QVERIFY(runs);
        VERIFY_PROBLEM(runs->problems, kAutoNamed + "/tags/mlflow.runName", "not a regular file");
        QVERIFY(
            std::any_of(runs->runs.begin(), runs->runs.end(), [](const Run& r) { return r.info.runId == kAutoNamed; }));
    }

    void fifos()
    {
        StoreCopy copy;
        copy.replaceWithFifo(kImage + "/" + kAutoNamed + "/meta.yaml");
        copy.replaceWithFifo(kImage + "/" + kResnet + "/metrics/lr");
        copy.replaceWithFifo(kImage + "/" + kResnet + "/params/epochs");
        copy.replaceWithFifo(kImage + "/" + kResnet + "/artifacts/notes.txt");
        const Findings f = scan(copy, {kAutoNamed, kResnet});
        VERIFY_PROBLEM(f.problems, kAutoNamed + "/meta.yaml", "not a regular file");
        VERIFY_PROBLEM(f.problems, "metrics/lr", "not a regular file");
        VERIFY_PROBLEM(f.problems, "params/epochs", "not a regular file");
        VERIFY_NO_MISMATCHES(f);
        auto store = copy.open();
        auto read = store->readArtifact(kResnet, "notes.txt", 1 << 20);
        QVERIFY(!read);
        QVERIFY2(read.error().message.find("not a file") != std::string::npos, read.error().message.c_str());
        auto listing = listArtifactsRecursive(*store, kResnet);
        QVERIFY(listing);
    }

    // A damaged registered model or version is skipped and said so, as a run is.
    void damagedRegistryMetas()
    {
        StoreCopy copy;
        writeFile(copy.path("models/sentiment-bert/meta.yaml"), "name: [unclosed\n");
        writeFile(copy.path("models/resnet-classifier/version-3/meta.yaml"), "version: not-a-number\n");
        auto store = copy.open();
        QVERIFY(store);
        auto models = store->registeredModelList(false);
        QVERIFY(models);
        VERIFY_PROBLEM(models->problems, "models/sentiment-bert/meta.yaml", "registered model is skipped");
        VERIFY_PROBLEM(models->problems, "version-3/meta.yaml", "model version is skipped");
        QVERIFY(std::none_of(models->models.begin(), models->models.end(),
            [](const RegisteredModel& m) { return m.name == "sentiment-bert"; }));
        QVERIFY(std::any_of(models->models.begin(), models->models.end(),
            [](const RegisteredModel& m) { return m.name == "resnet-classifier"; }));
        auto versions = store->modelVersionList("resnet-classifier");
        QVERIFY(versions);
        VERIFY_PROBLEM(versions->problems, "version-3/meta.yaml", "not an integer");
        QCOMPARE(versions->versions.size(), std::size_t(3));
    }

    // artifacts/link -> /etc: listed, but nothing is read or listed through it.
    void artifactLinksOutOfTheRoot()
    {
        StoreCopy copy;
        const std::string artifacts = copy.run(kResnet, "artifacts");
        fs::create_directory_symlink("/etc", artifacts + "/etc-link");
        fs::create_symlink("/etc/hostname", artifacts + "/hostname");
        fs::create_symlink("../meta.yaml", artifacts + "/run-meta");
        fs::create_symlink("notes.txt", artifacts + "/notes-link");
        auto store = copy.open();
        QVERIFY(store);
        std::vector<Problem> problems;
        auto listing = listArtifactsRecursive(*store, kResnet, &problems);
        QVERIFY(listing);
        bool listedLink = false;
        for (const FileInfo& info : *listing) {
            QVERIFY2(!info.path.starts_with("etc-link/"), info.path.c_str());
            listedLink = listedLink || info.path == "etc-link";
            if (info.path == "hostname" || info.path == "run-meta")
                QVERIFY2(!info.fileSize, info.path.c_str()); // nothing about the target is shown
        }
        QVERIFY(listedLink);
        VERIFY_PROBLEM(problems, "etc-link", "outside the run's artifact folder");
        for (const char* path : {"hostname", "run-meta", "etc-link/hostname"}) {
            auto read = store->readArtifact(kResnet, path, 1 << 20);
            QVERIFY2(!read, path);
            QVERIFY2(read.error().message.find("outside the run's artifact folder") != std::string::npos,
                read.error().message.c_str());
        }
        auto through = store->listArtifacts(kResnet, "etc-link");
        QVERIFY(!through);
        QCOMPARE(through.error().code, ErrorCode::PermissionDenied);
        // A link that stays inside is an artifact like any other.
        auto inside = store->readArtifact(kResnet, "notes-link", 1 << 20);
        QVERIFY2(inside, inside ? "" : inside.error().message.c_str());
        QCOMPARE(*inside, readFile(artifacts + "/notes.txt"));
    }

    // A killed write leaves .runlens-tmp-<pid>-<n>; the next write there removes it once its writer is gone.
    void staleTempFilesAreRemoved()
    {
        StoreCopy copy;
        const std::string runDir = copy.run(kResnet);
        const std::string prefix(AtomicFile::kTempPrefix);
        const pid_t dead = deadPid();
        const std::string stale = runDir + "/" + prefix + std::to_string(dead) + "-0";
        const std::string fresh = runDir + "/" + prefix + std::to_string(dead) + "-1";
        const std::string live = runDir + "/" + prefix + std::to_string(::getppid()) + "-0";
        for (const std::string& path : {stale, fresh, live})
            writeFile(path, "half a meta.yaml");
        setAge(stale, 3600);
        setAge(live, 3600);
        // One left inside tags/ (where writes never put them) is never read as a tag.
        writeFile(runDir + "/tags/" + prefix + "1-0", "x");
        auto store = copy.open();
        QVERIFY(store);
        auto before = store->run(kResnet);
        QVERIFY(before);
        QVERIFY(!before->tag(prefix + "1-0"));
        QVERIFY(store->renameRun(kResnet, "renamed").ok());
        QVERIFY2(!fs::exists(stale), "a stale temp file of a dead writer was left");
        QVERIFY2(fs::exists(fresh), "a recent temp file (maybe another machine's write in flight) was removed");
        QVERIFY2(fs::exists(live), "the temp file of a running process was removed");
        auto after = store->run(kResnet);
        QVERIFY(after);
        QCOMPARE(after->info.runName, std::string("renamed"));
    }

    // NUL bytes where text belongs: reported or kept verbatim, never a crash, never another run lost.
    void nulBytes()
    {
        StoreCopy copy;
        std::string meta = readFile(copy.run(kAutoNamed, "meta.yaml"));
        meta.insert(meta.find("run_name:"), std::string("x\0y: 1\n", 7));
        writeFile(copy.run(kAutoNamed, "meta.yaml"), meta);
        writeFile(copy.run(kResnet, "metrics/lr"), std::string("1700000000000 0.1\0 0\n", 21));
        writeFile(copy.run(kResnet, "params/epochs"),
            std::string("1\0"
                        "0",
                3));
        const Findings f = scan(copy, {kAutoNamed, kResnet});
        VERIFY_PROBLEM(f.problems, "metrics/lr", "skipped");
        VERIFY_NO_MISMATCHES(f);
        auto store = copy.open();
        auto run = store->run(kResnet);
        QVERIFY(run);
        QVERIFY(run->param("epochs"));
        QCOMPARE(*run->param("epochs"),
            std::string("1\0"
                        "0",
                3)); // the value verbatim, as MLflow reads it
    }

    void longLines()
    {
        StoreCopy copy;
        writeFile(copy.run(kResnet, "metrics/lr"), "1700000000000 " + std::string(10 * 1024 * 1024, '1') + " 0\n");
        writeFile(copy.run(kResnet, "metrics/garbage"), std::string(10 * 1024 * 1024, 'g'));
        const Findings f = scan(copy, {kResnet});
        VERIFY_PROBLEM(f.problems, "metrics/garbage", "skipped");
        VERIFY_NO_MISMATCHES(f);
        auto store = copy.open();
        auto run = store->run(kResnet);
        QVERIFY(run);
        QVERIFY(!run->metric("garbage"));
    }

    void nonUtf8Names()
    {
        StoreCopy copy;
        const std::string bad = "\xff\xfe-bad";
        writeFile(copy.run(kResnet, "params/" + bad), "1");
        fs::create_directories(copy.run(kResnet, "artifacts/" + bad));
        writeFile(copy.run(kResnet, "artifacts/" + bad + "/f.txt"), "data");
        fs::create_directories(copy.path(kImage + "/" + bad));
        const Findings f = scan(copy, {kResnet});
        VERIFY_NO_MISMATCHES(f);
        auto store = copy.open();
        auto run = store->run(kResnet);
        QVERIFY(run);
        QVERIFY(run->param(bad));
        auto read = store->readArtifact(kResnet, bad + "/f.txt", 100);
        QVERIFY(read);
        QCOMPARE(*read, std::string("data"));
        // QTemporaryDir removes by QString, which cannot name these.
        fs::remove(copy.run(kResnet, "params/" + bad));
        fs::remove_all(copy.run(kResnet, "artifacts/" + bad));
        fs::remove(copy.path(kImage + "/" + bad));
    }

    // mlflow.parentRunId tags forming a cycle: every run still loads (the tree is the app's business).
    void parentRunCycle()
    {
        StoreCopy copy;
        writeFile(copy.run(kResnet, "tags/mlflow.parentRunId"), kOther);
        writeFile(copy.run(kOther, "tags/mlflow.parentRunId"), kResnet);
        writeFile(copy.run(kAutoNamed, "tags/mlflow.parentRunId"), kAutoNamed);
        auto store = copy.open();
        QVERIFY(store);
        RunQuery query;
        query.experimentIds = {kImage};
        auto runs = store->searchRuns(query);
        QVERIFY(runs);
        QVERIFY2(runs->problems.empty(), describe(runs->problems).c_str());
        auto intact = MlrunsStore::open(kFixture);
        QVERIFY(intact);
        auto intactRuns = (*intact)->searchRuns(query);
        QVERIFY(intactRuns);
        QCOMPARE(runs->runs.size(), intactRuns->runs.size());
        QVERIFY(std::any_of(runs->runs.begin(), runs->runs.end(), [](const Run& r) { return r.info.runId == kOther; }));
    }

    void metaYamlSymlinkLoop()
    {
        StoreCopy copy;
        copy.replaceWithSymlink(kImage + "/" + kAutoNamed + "/meta.yaml", "meta.yaml");
        const Findings f = scan(copy, {kAutoNamed});
        VERIFY_PROBLEM(f.problems, kAutoNamed + "/meta.yaml", "meta.yaml");
        VERIFY_NO_MISMATCHES(f);
    }
};

QTEST_GUILESS_MAIN(TestMlrunsHostile)
#include "tst_mlrunshostile.moc"
