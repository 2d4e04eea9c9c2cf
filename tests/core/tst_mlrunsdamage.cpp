// SPDX-License-Identifier: Apache-2.0
// MlrunsStore on damaged copies of the MLflow fixture: each case breaks one item and checks that
// (a) it is reported as a Problem naming its path and what is wrong, and (b) every other experiment
// and run still reads exactly as MLflow read it (expected.json).

#include "artifactlisting.h"
#include "expectedjson.h"
#include "stores/mlruns/mlrunsstore.h"

#include <QTemporaryDir>
#include <QTest>

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <grp.h>
#include <random>
#include <sstream>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace runlens;
using runlens::test::Json;
namespace fs = std::filesystem;

namespace {

const std::string kFixture = RUNLENS_FIXTURE_DIR "/file/mlruns";
const std::string kImage = "900844674041952973";
const std::string kNlp = "640513601518546733";
const std::string kResnet = "e10f02a4494e4ac79d6440711e2ebdaf";
const std::string kAutoNamed = "dde0a6e9aca84c04bb60289d496f9d22";

const Json& expectedFile()
{
    return test::expectedStore("file");
}

const Json* expectedRun(const std::string& id)
{
    for (const Json& e : expectedFile()["experiments"]) {
        for (const Json& r : e["runs"]) {
            if (r["run_id"] == id)
                return &r;
        }
    }
    return nullptr;
}

std::string readFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void writeFile(const std::string& path, const std::string& content)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
}

std::string replaceLine(const std::string& text, const std::string& prefix, const std::string& line)
{
    std::istringstream in(text);
    std::string out, current;
    while (std::getline(in, current)) {
        if (current.rfind(prefix, 0) == 0)
            current = line;
        out += current + "\n";
    }
    return out;
}

// A copy of the fixture in a temporary folder, readable by everyone so an unprivileged child can
// read it too (see runUnprivileged).
class StoreCopy
{
public:
    StoreCopy()
    {
        m_root = m_dir.path().toStdString() + "/mlruns";
        fs::copy(kFixture, m_root, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
        ::chmod(m_dir.path().toLocal8Bit().constData(), 0755);
        for (const auto& entry : fs::recursive_directory_iterator(m_root)) {
            if (entry.is_symlink())
                continue;
            ::chmod(entry.path().c_str(), entry.is_directory() ? 0755 : 0644);
        }
        ::chmod(m_root.c_str(), 0755);
    }
    ~StoreCopy()
    {
        // Give back what a test took away, so the temporary folder can be removed.
        for (const std::string& path : m_locked)
            ::chmod(path.c_str(), 0755);
    }

    bool valid() const { return m_dir.isValid(); }
    const std::string& root() const { return m_root; }
    std::string path(const std::string& relative) const { return m_root + "/" + relative; }
    void lock(const std::string& relative)
    {
        ::chmod(path(relative).c_str(), 0);
        m_locked.push_back(path(relative));
    }
    std::unique_ptr<MlrunsStore> open() const
    {
        auto store = MlrunsStore::open(m_root);
        return store ? std::move(store.value()) : nullptr;
    }

private:
    QTemporaryDir m_dir;
    std::string m_root;
    std::vector<std::string> m_locked;
};

// What a scan of the store found: its problems and how it differs from what MLflow read.
struct Findings
{
    std::vector<Problem> problems;
    std::vector<std::string> mismatches;
    Json extra = Json::object();

    std::string toJson() const
    {
        Json j;
        j["problems"] = Json::array();
        for (const Problem& p : problems)
            j["problems"].push_back({{"path", p.path}, {"reason", p.reason}});
        j["mismatches"] = mismatches;
        j["extra"] = extra;
        return j.dump();
    }
    static Findings fromJson(const std::string& text)
    {
        Findings f;
        const Json j = Json::parse(text, nullptr, false);
        if (j.is_discarded()) {
            f.mismatches.push_back("unreadable findings: " + text);
            return f;
        }
        for (const Json& p : j["problems"])
            f.problems.push_back({p["path"].get<std::string>(), p["reason"].get<std::string>()});
        f.mismatches = j["mismatches"].get<std::vector<std::string>>();
        f.extra = j["extra"];
        return f;
    }
};

// Lists everything (experiments and runs of all views) and compares it with expected.json.
Findings scan(
    const StoreCopy& copy, const test::CompareOptions& options, const std::function<void(Store&, Findings&)>& more = {})
{
    Findings f;
    auto store = copy.open();
    if (!store) {
        f.mismatches.push_back("the store does not open");
        return f;
    }
    auto experiments = store->experiments(ViewType::All);
    if (experiments)
        f.problems = experiments->problems;
    else
        f.mismatches.push_back("experiments(): " + experiments.error().toString());
    RunQuery query;
    query.view = ViewType::All;
    auto runs = store->searchRuns(query);
    if (runs)
        f.problems.insert(f.problems.end(), runs->problems.begin(), runs->problems.end());
    else
        f.mismatches.push_back("searchRuns(): " + runs.error().toString());
    for (auto& line : test::compareStoreWithExpected(*store, expectedFile(), options))
        f.mismatches.push_back(std::move(line));
    if (more)
        more(*store, f);
    return f;
}

// The problem whose path ends with `pathEnd`; null when there is none.
const Problem* findProblem(const Findings& f, const std::string& pathEnd)
{
    for (const Problem& p : f.problems) {
        if (p.path.size() >= pathEnd.size()
            && p.path.compare(p.path.size() - pathEnd.size(), pathEnd.size(), pathEnd) == 0)
            return &p;
    }
    return nullptr;
}

std::string describeProblems(const Findings& f)
{
    std::string out;
    for (const Problem& p : f.problems)
        out += "\n  " + p.path + ": " + p.reason;
    return out.empty() ? std::string(" (none)") : out;
}

// Root reads everything whatever the permissions, so permission cases run as user "nobody" in a
// forked child that sends its findings back through a pipe. Returns nullopt with `skip` set when
// that cannot be arranged.
std::optional<Findings> runUnprivileged(const StoreCopy& copy, const std::function<Findings()>& fn, std::string& skip)
{
    if (::geteuid() != 0)
        return fn();
    // The child must be able to walk down to the copy.
    for (fs::path dir = fs::path(copy.root()).parent_path(); !dir.empty() && dir != dir.root_path();
         dir = dir.parent_path()) {
        struct stat st;
        if (::stat(dir.c_str(), &st) != 0 || !(st.st_mode & S_IXOTH)) {
            skip = "running as root, and " + dir.string()
                + " cannot be entered by uid 65534 (nobody), which the "
                  "permission cases need; set TMPDIR to a folder everyone can enter";
            return std::nullopt;
        }
    }
    (void)expectedFile(); // loaded before the fork: the child may not be allowed to read it
    int fds[2];
    if (::pipe(fds) != 0) {
        skip = "pipe() failed";
        return std::nullopt;
    }
    const pid_t pid = ::fork();
    if (pid < 0) {
        skip = "fork() failed";
        return std::nullopt;
    }
    if (pid == 0) {
        ::close(fds[0]);
        std::string out;
        if (::setgroups(0, nullptr) != 0 || ::setgid(65534) != 0 || ::setuid(65534) != 0) {
            out = "SKIP:cannot drop root privileges to uid/gid 65534 (setgroups/setgid/setuid failed)";
        } else {
            out = fn().toJson();
        }
        std::size_t written = 0;
        while (written < out.size()) {
            const ssize_t n = ::write(fds[1], out.data() + written, out.size() - written);
            if (n <= 0)
                break;
            written += static_cast<std::size_t>(n);
        }
        ::close(fds[1]);
        ::_exit(0);
    }
    ::close(fds[1]);
    std::string text;
    char buffer[65536];
    for (;;) {
        const ssize_t n = ::read(fds[0], buffer, sizeof buffer);
        if (n <= 0)
            break;
        text.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (text.rfind("SKIP:", 0) == 0) {
        skip = text.substr(5);
        return std::nullopt;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return Findings::fromJson("child process failed: " + text);
    return Findings::fromJson(text);
}

test::CompareOptions skippingRuns(const std::string& runId)
{
    test::CompareOptions options;
    options.skipRuns = {runId};
    return options;
}

test::CompareOptions skippingExperiment(const std::string& experimentId)
{
    test::CompareOptions options;
    options.skipExperiments = {experimentId};
    return options;
}

test::RunExclusions withoutMetric(const std::string& key)
{
    test::RunExclusions excluded;
    excluded.metrics = {key};
    return excluded;
}

test::RunExclusions withoutParam(const std::string& key)
{
    test::RunExclusions excluded;
    excluded.params = {key};
    return excluded;
}

long maxRssKb()
{
    struct rusage usage;
    ::getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

} // namespace

#define VERIFY_NO_MISMATCHES(f) QVERIFY2((f).mismatches.empty(), test::joinMismatches((f).mismatches).c_str())

#define VERIFY_PROBLEM(f, pathEnd, reasonPart)                                                                         \
    do {                                                                                                               \
        const Problem* problem = findProblem((f), (pathEnd));                                                          \
        QVERIFY2(problem, ("no problem reported for " + std::string(pathEnd) + describeProblems(f)).c_str());          \
        QVERIFY2(problem->reason.find(reasonPart) != std::string::npos,                                                \
            ("reason of " + problem->path + " is '" + problem->reason + "', expected it to mention '" + (reasonPart)   \
                + "'")                                                                                                 \
                .c_str());                                                                                             \
    } while (false)

class TestMlrunsDamage : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY(expectedFile().is_object()); }

    void intactCopyHasNoProblems()
    {
        StoreCopy copy;
        QVERIFY(copy.valid());
        const Findings f = scan(copy, {});
        QVERIFY2(f.problems.empty(), describeProblems(f).c_str());
        VERIFY_NO_MISMATCHES(f);
    }

    void missingRunMeta()
    {
        StoreCopy copy;
        fs::remove(copy.path(kImage + "/" + kAutoNamed + "/meta.yaml"));
        const Findings f = scan(copy, skippingRuns(kAutoNamed));
        VERIFY_PROBLEM(f, kAutoNamed + "/meta.yaml", "no meta.yaml");
        VERIFY_NO_MISMATCHES(f);
        auto store = copy.open();
        auto run = store->run(kAutoNamed);
        QVERIFY(!run);
        QVERIFY(run.error().message.find(kAutoNamed) != std::string::npos);
    }

    void emptyRunMeta()
    {
        StoreCopy copy;
        writeFile(copy.path(kImage + "/" + kAutoNamed + "/meta.yaml"), "");
        const Findings f = scan(copy, skippingRuns(kAutoNamed));
        VERIFY_PROBLEM(f, kAutoNamed + "/meta.yaml", "empty");
        VERIFY_NO_MISMATCHES(f);
    }

    void garbageRunMeta_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("reason");
        QTest::newRow("not yaml") << QByteArray("run_id: [unclosed\nstatus: {\n") << QStringLiteral("not valid YAML");
        QTest::newRow("a list") << QByteArray("- run_id\n- status\n") << QStringLiteral("found a list");
        QTest::newRow("a scalar") << QByteArray("just some words\n") << QStringLiteral("found a single value");
        std::mt19937 random(7);
        QByteArray binary;
        for (int i = 0; i < 4096; ++i)
            binary.append(static_cast<char>(random() & 0xff));
        QTest::newRow("binary") << binary << QStringLiteral("meta.yaml is not usable");
        // yaml-cpp takes an unclosed quote at the end as a value; what is missing is still reported.
        QTest::newRow("cut in a quote") << QByteArray(
            "artifact_uri: file:///x\nend_time: 17956636\nentry_point_name: '")
                                        << QStringLiteral("no experiment_id");
        QTest::newRow("cut in a value") << QByteArray(
            "artifact_uri: file:///x\nend_time: 1795663693107\nentry_point_name: ''\n"
            "experiment_id: '900844674041952973'\nlifecycle_stage: act")
                                        << QStringLiteral("lifecycle_stage 'act'");
        QTest::newRow("bad status") << QByteArray("experiment_id: '900844674041952973'\nrun_id: x\nstatus: 9\n")
                                    << QStringLiteral("status '9'");
        QTest::newRow("bad time") << QByteArray("experiment_id: '900844674041952973'\nrun_id: x\nstart_time: soon\n")
                                  << QStringLiteral("start_time is not an integer");
    }

    void garbageRunMeta()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, reason);
        StoreCopy copy;
        writeFile(copy.path(kImage + "/" + kAutoNamed + "/meta.yaml"), content.toStdString());
        const Findings f = scan(copy, skippingRuns(kAutoNamed));
        VERIFY_PROBLEM(f, kAutoNamed + "/meta.yaml", reason.toStdString());
        VERIFY_NO_MISMATCHES(f);
    }

    void missingExperimentMeta()
    {
        StoreCopy copy;
        fs::remove(copy.path(kNlp + "/meta.yaml"));
        const Findings f = scan(copy, skippingExperiment(kNlp));
        VERIFY_PROBLEM(f, kNlp + "/meta.yaml", "missing");
        VERIFY_NO_MISMATCHES(f);
    }

    void wrongExperimentIdInExperimentMeta()
    {
        StoreCopy copy;
        const std::string meta = copy.path(kNlp + "/meta.yaml");
        writeFile(meta, replaceLine(readFile(meta), "experiment_id:", "experiment_id: '12345'"));
        const Findings f = scan(copy, skippingExperiment(kNlp), [](Store& store, Findings& f) {
            auto one = store.experiment(kNlp);
            f.extra["code"] = one ? std::string("ok") : std::string(errorCodeName(one.error().code));
        });
        VERIFY_PROBLEM(f, kNlp + "/meta.yaml", "experiment_id '12345'");
        VERIFY_NO_MISMATCHES(f);
        QCOMPARE(f.extra["code"].get<std::string>(), std::string("RESOURCE_DOES_NOT_EXIST"));
    }

    void wrongExperimentIdInRunMeta()
    {
        StoreCopy copy;
        const std::string meta = copy.path(kImage + "/" + kAutoNamed + "/meta.yaml");
        writeFile(meta, replaceLine(readFile(meta), "experiment_id:", "experiment_id: '0'"));
        const Findings f = scan(copy, skippingRuns(kAutoNamed));
        VERIFY_PROBLEM(f, kAutoNamed + "/meta.yaml", "experiment_id '0'");
        VERIFY_NO_MISMATCHES(f);
    }

    // The damaged metric is left out of its run; the run's other data still reads right.
    void damagedMetric_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("reason");
        QTest::newRow("truncated line") << QStringLiteral(
            "lr") << QByteArray("1735689600000 0.1 0\n1735689601000 0.1 1000\n1735689601001 0.05 1000\n17356896")
                                        << QStringLiteral("line 4: expected 2, 3 or 5");
        QTest::newRow("non-numeric value")
            << QStringLiteral("lr")
            << QByteArray("1735689600000 0.1 0\n1735689601000 abc 1000\n1735689602000 0.01 2000\n")
            << QStringLiteral("line 2: value 'abc' is not a number");
        QTest::newRow("non-numeric step")
            << QStringLiteral("train/loss") << QByteArray("1735689600000 0.1 0\n1735689601000 0.2 1.5\n")
            << QStringLiteral("line 2: step '1.5' is not an integer");
        std::mt19937 random(11);
        QByteArray binary;
        for (int i = 0; i < 8192; ++i)
            binary.append(static_cast<char>(random() & 0xff));
        QTest::newRow("binary garbage") << QStringLiteral("epoch:loss") << binary << QStringLiteral("line 1:");
        QTest::newRow("empty") << QStringLiteral("准确率") << QByteArray() << QStringLiteral("no data");
    }

    void damagedMetric()
    {
        QFETCH(QString, key);
        QFETCH(QByteArray, content);
        QFETCH(QString, reason);
        StoreCopy copy;
        const std::string metric = key.toStdString();
        writeFile(copy.path(kImage + "/" + kResnet + "/metrics/" + metric), content.toStdString());
        const Findings f = scan(copy, skippingRuns(kResnet), [&](Store& store, Findings& f) {
            auto run = store.run(kResnet);
            if (!run) {
                f.mismatches.push_back("run(): " + run.error().toString());
                return;
            }
            for (auto& line : test::compareRun(store, *run, *expectedRun(kResnet), {}, withoutMetric(metric)))
                f.mismatches.push_back(line);
            // The history of a malformed metric is an error naming the file and line, as in MLflow.
            auto history = store.metricHistory(kResnet, metric);
            f.extra["history"] = history ? std::string("ok") : history.error().message;
        });
        VERIFY_PROBLEM(f, "metrics/" + metric, reason.toStdString());
        VERIFY_NO_MISMATCHES(f);
        if (!content.isEmpty()) {
            const std::string history = f.extra["history"].get<std::string>();
            QVERIFY2(history.find("metrics/" + metric) != std::string::npos, history.c_str());
        }
    }

    void unreadableRunFolder()
    {
        StoreCopy copy;
        copy.lock(kImage + "/" + kAutoNamed);
        std::string skip;
        const auto f = runUnprivileged(
            copy, [&] { return scan(copy, skippingRuns(kAutoNamed)); }, skip);
        if (!f)
            QSKIP(skip.c_str());
        VERIFY_PROBLEM(*f, kImage + "/" + kAutoNamed, "Permission denied");
        VERIFY_NO_MISMATCHES(*f);
    }

    void unreadableParamsFile()
    {
        StoreCopy copy;
        copy.lock(kImage + "/" + kResnet + "/params/learning_rate");
        std::string skip;
        const auto f = runUnprivileged(
            copy,
            [&] {
                return scan(copy, skippingRuns(kResnet), [](Store& store, Findings& f) {
                    auto run = store.run(kResnet);
                    if (!run) {
                        f.mismatches.push_back("run(): " + run.error().toString());
                        return;
                    }
                    for (auto& line :
                        test::compareRun(store, *run, *expectedRun(kResnet), {}, withoutParam("learning_rate")))
                        f.mismatches.push_back(line);
                });
            },
            skip);
        if (!f)
            QSKIP(skip.c_str());
        VERIFY_PROBLEM(*f, "params/learning_rate", "Permission denied");
        VERIFY_NO_MISMATCHES(*f);
    }

    void symlinkLoopInParams()
    {
        StoreCopy copy;
        const std::string params = copy.path(kImage + "/" + kResnet + "/params");
        fs::create_directory_symlink(".", params + "/loop");
        fs::create_directory_symlink("..", params + "/model/up");
        fs::create_symlink("self", params + "/self");
        const Findings f = scan(copy, {});
        VERIFY_PROBLEM(f, "params/loop", "not followed");
        VERIFY_PROBLEM(f, "params/model/up", "not followed");
        VERIFY_PROBLEM(f, "params/self", "loop");
        VERIFY_NO_MISMATCHES(f);
    }

    void symlinkLoopInArtifacts()
    {
        StoreCopy copy;
        const std::string artifacts = copy.path(kImage + "/" + kResnet + "/artifacts");
        fs::create_directory_symlink(".", artifacts + "/loop");
        fs::create_directory_symlink("../..", artifacts + "/nested/a/back");
        auto store = copy.open();
        QVERIFY(store);
        std::vector<Problem> problems;
        auto listing = listArtifactsRecursive(*store, kResnet, &problems);
        QVERIFY(listing);
        // The links are listed as folders, as MLflow shows them, but nothing is listed through them.
        std::vector<std::string> paths;
        for (const FileInfo& info : *listing)
            paths.push_back(info.path);
        QVERIFY(std::find(paths.begin(), paths.end(), "loop") != paths.end());
        QVERIFY(std::find(paths.begin(), paths.end(), "nested/a/back") != paths.end());
        for (const std::string& path : paths)
            QVERIFY2(!path.starts_with("loop/") && !path.starts_with("nested/a/back/"), path.c_str());
        QCOMPARE(paths.size(), (*expectedRun(kResnet))["artifacts"].size() + 2);
        Findings f;
        f.problems = problems;
        VERIFY_PROBLEM(f, "loop", "loop");
        VERIFY_PROBLEM(f, "nested/a/back", "loop");
        auto through = store->listArtifacts(kResnet, "loop/loop/nested");
        QVERIFY(!through);
        QVERIFY(through.error().message.find("loop") != std::string::npos);
        // Everything else is untouched.
        const Findings rest = scan(copy, skippingRuns(kResnet));
        VERIFY_NO_MISMATCHES(rest);
    }

    // Folders next to runs that are not runs: silent unless they look like a run.
    void foldersThatAreNotRuns()
    {
        StoreCopy copy;
        fs::create_directories(copy.path(kImage + "/plots-by-hand/sub"));
        writeFile(copy.path(kImage + "/plots-by-hand/sub/a.png"), "png");
        fs::create_directories(copy.path(kImage + "/half-a-run/metrics"));
        const std::string hexName = "0123456789abcdef0123456789abcdef";
        fs::create_directories(copy.path(kImage + "/" + hexName));
        writeFile(copy.path(kImage + "/stray-file.txt"), "x");
        const Findings f = scan(copy, {});
        QVERIFY(!findProblem(f, "plots-by-hand/meta.yaml"));
        VERIFY_PROBLEM(f, "half-a-run/meta.yaml", "no meta.yaml");
        VERIFY_PROBLEM(f, hexName + "/meta.yaml", "no meta.yaml");
        QCOMPARE(f.problems.size(), std::size_t(2));
        VERIFY_NO_MISMATCHES(f);
    }

    // Metas of old MLflow versions: no run_id (run_uuid only), no run_name, status or
    // lifecycle_stage, a bare-int experiment_id, two-field metric lines.
    void legacyMetas()
    {
        StoreCopy copy;
        const std::string runDir = copy.path(kImage + "/" + kAutoNamed);
        std::string meta = readFile(runDir + "/meta.yaml");
        std::string legacy;
        std::istringstream in(meta);
        for (std::string line; std::getline(in, line);) {
            if (line.starts_with("run_id:") || line.starts_with("run_name:") || line.starts_with("status:")
                || line.starts_with("lifecycle_stage:"))
                continue;
            legacy += line + "\n";
        }
        writeFile(runDir + "/meta.yaml", legacy);
        writeFile(runDir + "/metrics/old", "1500000000000 0.5\n1500000000001 0.75\n");
        const std::string emptyExperiment = copy.path("925532994348061214/meta.yaml");
        writeFile(emptyExperiment,
            replaceLine(readFile(emptyExperiment), "experiment_id:", "experiment_id: 925532994348061214"));
        const Findings f = scan(copy, skippingRuns(kAutoNamed));
        QVERIFY2(f.problems.empty(), describeProblems(f).c_str());
        VERIFY_NO_MISMATCHES(f);
        auto store = copy.open();
        auto run = store->run(kAutoNamed);
        QVERIFY(run);
        QCOMPARE(run->info.runId, kAutoNamed); // from run_uuid
        QCOMPARE(run->info.runName, std::string("brawny-bass-628")); // from the mlflow.runName tag
        QCOMPARE(run->info.status, RunStatus::Running);
        QCOMPARE(run->info.lifecycleStage, LifecycleStage::Active);
        QVERIFY(run->metric("old"));
        QCOMPARE(run->metric("old")->point.step, std::int64_t(0));
        QCOMPARE(run->metric("old")->point.value, 0.75);
        // Info-only searches fall back to the tag too.
        RunQuery query;
        query.experimentIds = {kImage};
        query.fields = static_cast<RunFields>(RunField::Info);
        auto runs = store->searchRuns(query);
        QVERIFY(runs);
        const auto it = std::find_if(
            runs->runs.begin(), runs->runs.end(), [](const Run& r) { return r.info.runId == kAutoNamed; });
        QVERIFY(it != runs->runs.end());
        QCOMPARE(it->info.runName, std::string("brawny-bass-628"));
    }

    // ~100 MB, 3 M lines: right latest and history, and reading the latest point stays in a small,
    // bounded buffer (the file is streamed, not held).
    void hugeMetricFile()
    {
        StoreCopy copy;
        const std::string path = copy.path(kImage + "/" + kResnet + "/metrics/huge");
        constexpr std::int64_t kLines = 3'000'000;
        constexpr std::int64_t kBase = 1735689600000;
        {
            std::FILE* out = std::fopen(path.c_str(), "wb");
            QVERIFY(out);
            std::string chunk;
            char number[32];
            for (std::int64_t i = 0; i < kLines; ++i) {
                std::int64_t step = i;
                double value = 0.001 * static_cast<double>(i % 100000) + 0.123456789;
                // The largest step sits in the middle, tied twice: the larger value must win the tie.
                if (i == 1'500'000 || i == 2'000'000)
                    step = 9'000'000;
                if (i == 1'500'000)
                    value = 42.25;
                if (i == 2'000'000)
                    value = 43.5;
                const std::int64_t timestamp = (i == 2'000'000) ? kBase + 1'500'000 : kBase + i;
                chunk.append(number, std::to_chars(number, number + sizeof number, timestamp).ptr);
                chunk.push_back(' ');
                chunk.append(number, std::to_chars(number, number + sizeof number, value).ptr);
                chunk.push_back(' ');
                chunk.append(number, std::to_chars(number, number + sizeof number, step).ptr);
                chunk.push_back('\n');
                if (chunk.size() > (1 << 20)) {
                    std::fwrite(chunk.data(), 1, chunk.size(), out);
                    chunk.clear();
                }
            }
            std::fwrite(chunk.data(), 1, chunk.size(), out);
            std::fclose(out);
        }
        QVERIFY(fs::file_size(path) > 90'000'000);
        auto store = copy.open();
        QVERIFY(store);
        const long before = maxRssKb();
        auto run = store->run(kResnet);
        const long after = maxRssKb();
        QVERIFY(run);
        const Metric* huge = run->metric("huge");
        QVERIFY(huge);
        QCOMPARE(huge->point.step, std::int64_t(9'000'000));
        QCOMPARE(huge->point.timestamp, kBase + 1'500'000);
        QCOMPARE(huge->point.value, 43.5);
        QVERIFY2(after - before < 32 * 1024,
            ("reading the latest point raised peak memory by " + std::to_string((after - before) / 1024) + " MB")
                .c_str());
        auto history = store->metricHistory(kResnet, "huge");
        QVERIFY(history);
        QCOMPARE(history->size(), std::size_t(kLines));
        QCOMPARE((*history)[1'500'000].value, 42.25);
        QCOMPARE((*history)[kLines - 1].step, kLines - 1);
        QCOMPARE((*history)[kLines - 1].timestamp, kBase + kLines - 1);
    }
};

QTEST_GUILESS_MAIN(TestMlrunsDamage)
#include "tst_mlrunsdamage.moc"
