// SPDX-License-Identifier: Apache-2.0
// runlens-cli end to end on the MLflow 2.22 fixture file store, checked against what MLflow itself
// read back from that store (tests/data/mlflow-2.22/expected.json, stores.file).
#include "clirunner.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

using nlohmann::json;
using namespace runlens::test;

// QCOMPARE cannot print nlohmann::json values; compare them as JSON and show both on failure.
#define QCOMPARE_JSON(actual, expected)                                                                                \
    do {                                                                                                               \
        const json actual_ = (actual);                                                                                 \
        const json expected_ = (expected);                                                                             \
        QVERIFY2(actual_ == expected_, (actual_.dump() + " != " + expected_.dump()).c_str());                          \
    } while (false)

namespace {

QString toQString(const char* text)
{
    return QString::fromUtf8(text);
}
QString toQString(const QString& text)
{
    return text;
}

// Arguments as written in the tests: string literals and QStrings mixed.
template<typename... Args>
QStringList args(const Args&... items)
{
    return QStringList {toQString(items)...};
}

QString fixtureStore()
{
    return QStringLiteral(RUNLENS_FIXTURE_DIR "/file/mlruns");
}

const json& expectedFileStore()
{
    static const json data = [] {
        std::ifstream in(RUNLENS_TEST_DATA_DIR "/mlflow-2.22/expected.json");
        return json::parse(in);
    }();
    return data["stores"]["file"];
}

std::map<std::string, json> expectedRunsById(bool includeDeleted)
{
    std::map<std::string, json> out;
    for (const auto& e : expectedFileStore()["experiments"]) {
        if (!includeDeleted && e["lifecycle_stage"] != "active")
            continue;
        for (const auto& r : e["runs"]) {
            if (includeDeleted || r["lifecycle_stage"] == "active")
                out[r["run_id"].get<std::string>()] = r;
        }
    }
    return out;
}

const json& expectedRunNamed(const std::string& name)
{
    for (const auto& e : expectedFileStore()["experiments"]) {
        for (const auto& r : e["runs"]) {
            if (r["run_name"] == name)
                return r;
        }
    }
    static const json none;
    return none;
}

} // namespace

class TestCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void versionAndHelp();
    void helpOnEverySubcommand_data();
    void helpOnEverySubcommand();
    void usageErrors_data();
    void usageErrors();
    void experimentsJsonMatchesMlflow();
    void runsJsonMatchesMlflow();
    void runsIdsInMlflowDefaultOrder();
    void runsOfOneExperimentByNameAndId();
    void runsCsvHasDataFrameColumns();
    void historyIsExactInLoggingOrder_data();
    void historyIsExactInLoggingOrder();
    void modelsAndVersionsMatchMlflow();
    void trackingUriFromEnvironment();
    void defaultStoreInWorkingFolder();
};

void TestCli::versionAndHelp()
{
    const auto v = runCli(args(QStringLiteral("--version")));
    QCOMPARE(v.exitCode, 0);
    QCOMPARE(QString::fromStdString(v.out).trimmed(), QStringLiteral("runlens-cli " RUNLENS_VERSION));
    const auto h = runCli(args(QStringLiteral("--help")));
    QCOMPARE(h.exitCode, 0);
    QVERIFY(h.out.find("experiments") != std::string::npos && h.out.find("versions") != std::string::npos);
    const auto none = runCli(QStringList {});
    QCOMPARE(none.exitCode, 2);
    const auto bad = runCli(args(QStringLiteral("frobnicate")));
    QCOMPARE(bad.exitCode, 2);
    QVERIFY(bad.err.find("unknown command 'frobnicate'") != std::string::npos);
}

void TestCli::helpOnEverySubcommand_data()
{
    QTest::addColumn<QString>("command");
    for (const char* c : {"experiments", "runs", "history", "models", "versions"})
        QTest::newRow(c) << QString::fromLatin1(c);
}

void TestCli::helpOnEverySubcommand()
{
    QFETCH(QString, command);
    const auto r = runCli(args(command, QStringLiteral("--help")));
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.find("Usage: runlens-cli " + command.toStdString()) != std::string::npos, r.out.c_str());
    QVERIFY(r.out.find("--store") != std::string::npos);
}

void TestCli::usageErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("message");
    const QString store = fixtureStore();
    QTest::newRow("unknown option") << args("runs", "--bogus") << 2 << toQString("unknown option '--bogus'");
    QTest::newRow("bad view") << args("runs", "--store", store, "--view", "gone") << 2
                              << toQString("INVALID_PARAMETER_VALUE: --view must be one of");
    QTest::newRow("bad format") << args("experiments", "--store", store, "--format", "xml") << 2
                                << toQString("INVALID_PARAMETER_VALUE: --format must be one of");
    QTest::newRow("max zero") << args("runs", "--store", store, "--max", "0") << 2
                              << toQString("--max must be a positive integer");
    QTest::newRow("max text") << args("runs", "--store", store, "--max", "ten") << 2
                              << toQString("--max must be a positive integer");
    QTest::newRow("unknown experiment") << args("runs", "--store", store, "--experiment", "nope") << 2
                                        << toQString("RESOURCE_DOES_NOT_EXIST: no experiment with id or name 'nope'");
    QTest::newRow("history needs run") << args("history", "--store", store, "--metric", "loss") << 2
                                       << toQString("option '--run' is required");
    QTest::newRow("unknown run") << args("history", "--store", store, "--run", "0123456789abcdef0123456789abcdef",
        "--metric", "loss") << 2 << toQString("RESOURCE_DOES_NOT_EXIST");
    QTest::newRow("unknown model") << args("versions", "--store", store, "--model", "no-such-model") << 2
                                   << toQString("RESOURCE_DOES_NOT_EXIST");
    QTest::newRow("missing store") << args("experiments", "--store", "/nonexistent/runlens/store") << 2
                                   << toQString("RESOURCE_DOES_NOT_EXIST");
}

void TestCli::usageErrors()
{
    QFETCH(QStringList, args);
    QFETCH(int, exitCode);
    QFETCH(QString, message);
    const auto r = runCli(args);
    QCOMPARE(r.exitCode, exitCode);
    QVERIFY2(r.err.find(message.toStdString()) != std::string::npos, r.err.c_str());
    QVERIFY(r.out.empty());
}

void TestCli::experimentsJsonMatchesMlflow()
{
    const auto r = runCli(args("experiments", "--store", fixtureStore(), "--view", "all", "--format", "json"));
    QCOMPARE(r.exitCode, 0);
    const json got = json::parse(r.out);
    const json& expected = expectedFileStore()["experiments"];
    QCOMPARE(got.size(), expected.size());
    std::map<std::string, json> byId;
    for (const auto& e : got)
        byId[e["experiment_id"].get<std::string>()] = e;
    for (const auto& e : expected) {
        const std::string id = e["experiment_id"];
        QVERIFY2(byId.count(id), id.c_str());
        const json& g = byId[id];
        QCOMPARE_JSON(g["name"], e["name"]);
        QCOMPARE_JSON(g["artifact_location"], e["artifact_location"]);
        QCOMPARE_JSON(g["lifecycle_stage"], e["lifecycle_stage"]);
        QCOMPARE_JSON(g["creation_time"], e["creation_time"]);
        QCOMPARE_JSON(g["last_update_time"], e["last_update_time"]);
        const auto tags = keyValues(g.value("tags", json::array()));
        QCOMPARE(tags.size(), e["tags"].size());
        for (const auto& [k, v] : e["tags"].items())
            QCOMPARE(tags.at(k), v.get<std::string>());
    }
    // MLflow's default order: creation_time DESC, then experiment_id.
    for (std::size_t i = 1; i < got.size(); ++i)
        QVERIFY(got[i - 1]["creation_time"].get<std::int64_t>() >= got[i]["creation_time"].get<std::int64_t>());

    const auto active = runCli(args("experiments", "--store", fixtureStore(), "--format", "json"));
    const auto deleted
        = runCli(args("experiments", "--store", fixtureStore(), "--view", "deleted", "--format", "json"));
    QCOMPARE(json::parse(active.out).size() + json::parse(deleted.out).size(), expected.size());
    for (const auto& e : json::parse(deleted.out))
        QCOMPARE_JSON(e["lifecycle_stage"], "deleted");
}

void TestCli::runsJsonMatchesMlflow()
{
    const auto r = runCli(args("runs", "--store", fixtureStore(), "--view", "all", "--format", "json"));
    QCOMPARE(r.exitCode, 0);
    const json got = json::parse(r.out);
    const auto expected = expectedRunsById(true);
    QCOMPARE(got.size(), expected.size());
    for (const auto& run : got) {
        const json& info = run["info"];
        const std::string id = info["run_id"];
        QVERIFY2(expected.count(id), id.c_str());
        const json& e = expected.at(id);
        QCOMPARE_JSON(info["run_uuid"], e["run_id"]);
        QCOMPARE_JSON(info["run_name"], e["run_name"]);
        QCOMPARE_JSON(info["experiment_id"], e["experiment_id"]);
        QCOMPARE_JSON(info["user_id"], e["user_id"]);
        QCOMPARE_JSON(info["status"], e["status"]);
        QCOMPARE_JSON(info["start_time"], e["start_time"]);
        QCOMPARE(info.contains("end_time"), !e["end_time"].is_null());
        if (!e["end_time"].is_null())
            QCOMPARE_JSON(info["end_time"], e["end_time"]);
        QCOMPARE_JSON(info["artifact_uri"], e["artifact_uri"]);
        QCOMPARE_JSON(info["lifecycle_stage"], e["lifecycle_stage"]);

        const json data = run.value("data", json::object());
        const auto params = keyValues(data.value("params", json::array()));
        QCOMPARE(params.size(), e["params"].size());
        for (const auto& [k, v] : e["params"].items())
            QCOMPARE(params.at(k), v.get<std::string>());
        const auto tags = keyValues(data.value("tags", json::array()));
        QCOMPARE(tags.size(), e["tags"].size());
        for (const auto& [k, v] : e["tags"].items())
            QCOMPARE(tags.at(k), v.get<std::string>());

        const json metrics = data.value("metrics", json::array());
        QCOMPARE(metrics.size(), e["latest_metrics"].size());
        for (const auto& m : metrics) {
            const json& want = e["latest_metrics"][m["key"].get<std::string>()];
            QVERIFY2(sameMetricValue(m["value"], want["value"]), (id + " " + m.dump()).c_str());
            QCOMPARE_JSON(m["step"], want["step"]);
            QCOMPARE_JSON(m["timestamp"], want["timestamp"]);
        }

        const json inputs = run.value("inputs", json::object()).value("dataset_inputs", json::array());
        QCOMPARE(inputs.size(), e["inputs"].size());
        for (std::size_t i = 0; i < inputs.size(); ++i) {
            const json& want = e["inputs"][i];
            for (const char* field : {"name", "digest", "source_type", "source", "schema", "profile"})
                QCOMPARE_JSON(inputs[i]["dataset"][field], want["dataset"][field]);
            const auto inputTags = keyValues(inputs[i].value("tags", json::array()));
            QCOMPARE(inputTags.size(), want["tags"].size());
            for (const auto& [k, v] : want["tags"].items())
                QCOMPARE(inputTags.at(k), v.get<std::string>());
        }
    }
}

void TestCli::runsIdsInMlflowDefaultOrder()
{
    // MLflow's default order is start_time DESC, run_id ASC (formats §D.4).
    const auto runs = expectedRunsById(false);
    std::vector<std::pair<std::int64_t, std::string>> order;
    for (const auto& [id, r] : runs)
        order.emplace_back(r["start_time"].get<std::int64_t>(), id);
    std::sort(order.begin(), order.end(),
        [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
    std::string expected;
    for (const auto& [t, id] : order)
        expected += id + "\n";
    const auto r = runCli(args("runs", "--store", fixtureStore(), "--format", "ids"));
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(QString::fromStdString(r.out), QString::fromStdString(expected));

    const auto limited = runCli(args("runs", "--store", fixtureStore(), "--format", "ids", "--max", "3"));
    QCOMPARE(QString::fromStdString(limited.out),
        QString::fromStdString(expected).section(QLatin1Char('\n'), 0, 2) + QLatin1Char('\n'));
}

void TestCli::runsOfOneExperimentByNameAndId()
{
    for (const auto& e : expectedFileStore()["experiments"]) {
        if (e["lifecycle_stage"] != "active")
            continue;
        // run_ids_start_time_asc is MLflow's own ascending listing; ours is newest first.
        std::vector<std::string> asc = e["run_ids_start_time_asc"];
        std::set<std::string> activeIds;
        for (const auto& r : e["runs"]) {
            if (r["lifecycle_stage"] == "active")
                activeIds.insert(r["run_id"].get<std::string>());
        }
        std::string expected;
        for (auto it = asc.rbegin(); it != asc.rend(); ++it) {
            if (activeIds.count(*it))
                expected += *it + "\n";
        }
        const QString name = QString::fromStdString(e["name"].get<std::string>());
        const QString id = QString::fromStdString(e["experiment_id"].get<std::string>());
        const auto byName = runCli(args("runs", "--store", fixtureStore(), "--experiment", name, "--format", "ids"));
        const auto byId = runCli(args("runs", "--store", fixtureStore(), "--experiment", id, "--format", "ids"));
        QCOMPARE(byName.exitCode, 0);
        QCOMPARE(byId.exitCode, 0);
        QCOMPARE(QString::fromStdString(byId.out), QString::fromStdString(byName.out));
        // Equal start times fall back to run_id order, so compare as sets plus the time order.
        QStringList gotIds = QString::fromStdString(byId.out).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QStringList wantIds = QString::fromStdString(expected).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(gotIds.size(), wantIds.size());
        std::sort(gotIds.begin(), gotIds.end());
        std::sort(wantIds.begin(), wantIds.end());
        QCOMPARE(gotIds, wantIds);
    }
}

void TestCli::runsCsvHasDataFrameColumns()
{
    const auto r
        = runCli(args("runs", "--store", fixtureStore(), "--experiment", "image-classification", "--format", "csv"));
    QCOMPARE(r.exitCode, 0);
    const QString out = QString::fromStdString(r.out);
    const QString header = out.section(QLatin1Char('\n'), 0, 0);
    QVERIFY(header.startsWith(QStringLiteral("run_id,experiment_id,run_name,status,artifact_uri,start_time,end_time")));
    QVERIFY(header.contains(QStringLiteral("metrics.train/loss")));
    QVERIFY(header.contains(QStringLiteral("params.learning_rate")));
    QVERIFY(header.contains(QStringLiteral("tags.mlflow.runName")));
    // Multi-line tag values are quoted, so rows stay intact: count rows by run ids.
    const json& nan = expectedRunNamed("nan-inf-values");
    QVERIFY(out.contains(QString::fromStdString(nan["run_id"].get<std::string>())));
    QVERIFY(out.contains(QStringLiteral("\"line 000: The quick brown fox")));
}

void TestCli::historyIsExactInLoggingOrder_data()
{
    QTest::addColumn<QString>("runName");
    QTest::addColumn<QString>("metric");
    QTest::newRow("huge steps") << toQString("resnet50-baseline") << toQString("weird_steps");
    QTest::newRow("non-finite") << toQString("nan-inf-values") << toQString("weird_values");
    QTest::newRow("3000 points, slash key") << toQString("resnet50-baseline") << toQString("train/loss");
    QTest::newRow("unicode key") << toQString("resnet50-baseline") << QString::fromUtf8("准确率");
    QTest::newRow("same step twice") << toQString("resnet50-baseline") << toQString("lr");
}

void TestCli::historyIsExactInLoggingOrder()
{
    QFETCH(QString, runName);
    QFETCH(QString, metric);
    const json& run = expectedRunNamed(runName.toStdString());
    const json& want = run["metric_histories"][metric.toStdString()];
    const QString runId = QString::fromStdString(run["run_id"].get<std::string>());

    const auto r
        = runCli(args("history", "--store", fixtureStore(), "--run", runId, "--metric", metric, "--format", "json"));
    QCOMPARE(r.exitCode, 0);
    const json got = json::parse(r.out);
    QCOMPARE(got.size(), want.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
        QCOMPARE_JSON(got[i]["key"].get<std::string>(), metric.toStdString());
        QCOMPARE_JSON(got[i]["step"], want[i][0]); // int64 exactly, 9007199254740993 included
        QCOMPARE_JSON(got[i]["timestamp"], want[i][1]);
        QVERIFY2(sameMetricValue(got[i]["value"], want[i][2]), got[i].dump().c_str());
    }

    const auto csv = runCli(args("history", "--store", fixtureStore(), "--run", runId, "--metric", metric));
    QCOMPARE(csv.exitCode, 0);
    const QStringList lines = QString::fromStdString(csv.out).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), static_cast<qsizetype>(want.size()) + 1);
    QCOMPARE(lines.first(), QStringLiteral("step,timestamp,value"));
    QCOMPARE(lines.at(1).section(QLatin1Char(','), 0, 0), QString::number(want[0][0].get<std::int64_t>()));
}

void TestCli::modelsAndVersionsMatchMlflow()
{
    const auto r = runCli(args("models", "--store", fixtureStore(), "--format", "json"));
    QCOMPARE(r.exitCode, 0);
    const json got = json::parse(r.out);
    const json& expected = expectedFileStore()["registered_models"];
    QCOMPARE(got.size(), expected.size());
    for (const auto& want : expected) {
        const auto it = std::find_if(got.begin(), got.end(), [&](const json& m) { return m["name"] == want["name"]; });
        QVERIFY2(it != got.end(), want["name"].dump().c_str());
        QCOMPARE_JSON(it->value("description", json()), want["description"]);
        std::map<std::string, std::string> aliases;
        for (const auto& a : it->value("aliases", json::array()))
            aliases[a["alias"].get<std::string>()] = a["version"].get<std::string>();
        QCOMPARE(aliases.size(), want["aliases"].size());
        for (const auto& [k, v] : want["aliases"].items())
            QCOMPARE(aliases.at(k), v.get<std::string>());
        const json latest = it->value("latest_versions", json::array());
        QCOMPARE(latest.size(), want["latest_versions"].size());

        const auto vr = runCli(args("versions", "--store", fixtureStore(), "--model",
            QString::fromStdString(want["name"].get<std::string>()), "--format", "json"));
        QCOMPARE(vr.exitCode, 0);
        const json versions = json::parse(vr.out);
        QCOMPARE(versions.size(), want["versions"].size());
        for (std::size_t i = 0; i < versions.size(); ++i) {
            const json& wv = want["versions"][i];
            QCOMPARE_JSON(versions[i]["version"], wv["version"]);
            QCOMPARE_JSON(versions[i]["current_stage"], wv["current_stage"]);
            QCOMPARE_JSON(versions[i]["source"], wv["source"]);
            QCOMPARE_JSON(versions[i].value("run_id", json()), wv["run_id"]);
            QCOMPARE_JSON(versions[i].value("description", json()), wv["description"]);
            QCOMPARE_JSON(versions[i].value("aliases", json::array()), wv["aliases"]);
            QCOMPARE_JSON(keyValues(versions[i].value("tags", json::array())).size(), wv["tags"].size());
        }
    }
}

void TestCli::trackingUriFromEnvironment()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("MLFLOW_TRACKING_URI"), QStringLiteral("file://") + fixtureStore());
    QTemporaryDir elsewhere;
    const auto r = runCli(args("experiments", "--format", "csv"), elsewhere.path(), env);
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.find("image-classification") != std::string::npos);
}

void TestCli::defaultStoreInWorkingFolder()
{
    // MLflow 3.7's rule: ./mlruns with experiment data is the store when nothing else is configured.
    QTemporaryDir dir;
    QVERIFY(QFile::link(fixtureStore(), dir.filePath(QStringLiteral("mlruns"))));
    const auto r = runCli(args("runs", "--format", "ids", "--max", "1"), dir.path());
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(QString::fromStdString(r.out).count(QLatin1Char('\n')), 1);

    // Otherwise it is ./mlflow.db, which is absent here: a clear error, exit 2.
    QTemporaryDir empty;
    const auto none = runCli(args("experiments"), empty.path());
    QCOMPARE(none.exitCode, 2);
    QVERIFY2(none.err.find("mlflow.db") != std::string::npos, none.err.c_str());
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
