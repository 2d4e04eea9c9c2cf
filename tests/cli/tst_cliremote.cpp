// SPDX-License-Identifier: Apache-2.0
// runlens-cli with --store http://… against a local server that answers with the exchanges recorded
// from a real MLflow 2.22 tracking server: every read command prints what the server returned, and
// every write command sends exactly the request MLflow's own client sent when it was recorded.
#include "clirunner.h"
#include "recordedpages.h"
#include "replayserver.h"

#include <QTcpServer>
#include <QTest>

#include <map>

#include <nlohmann/json.hpp>

using json = nlohmann::json;
using runlens::test::ReplayRequest;
using runlens::test::ReplayResponse;
using runlens::test::ReplayServer;
using namespace runlens::test;

namespace {

constexpr const char* kScratchRun = "18af45f43b0c45f7bf02886a1d97731d"; // the run the transcript edits
constexpr const char* kApi = "/api/2.0/mlflow";

std::vector<std::string> idsOf(const json& list, const char* field)
{
    std::vector<std::string> out;
    for (const auto& item : list)
        out.push_back(field[0] == 'r' ? item["info"]["run_id"].get<std::string>() : item[field].get<std::string>());
    return out;
}

QString joined(const std::vector<std::string>& lines)
{
    QString out;
    for (const auto& l : lines)
        out += QString::fromStdString(l) + QLatin1Char('\n');
    return out;
}

#define COMPARE_JSON(actual, expected) QCOMPARE((actual).dump(), (expected).dump())

} // namespace

class TestCliRemote : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void experimentsAsTheServerListsThem();
    void runsSearchedByTheServer();
    void extendedFilterEvaluatedLocally();
    void historyExact_data();
    void historyExact();
    void modelsAndVersions();
    void writes_data();
    void writes();
    void serverErrorsKeepTheirCodeAndMessage();
    void unreachableServerFailsClearly();

private:
    CliResult run(QStringList args, const QString& store = {});
    const json& recorded(int seq) const { return m_server->exchange(seq).responseJson; }
    json recordedPages(std::initializer_list<int> seqs, const char* field) const;

    std::unique_ptr<ReplayServer> m_server;
};

CliResult TestCliRemote::run(QStringList args, const QString& store)
{
    args << QStringLiteral("--store") << (store.isEmpty() ? QString::fromStdString(m_server->baseUrl()) : store);
    return runCli(args);
}

json TestCliRemote::recordedPages(std::initializer_list<int> seqs, const char* field) const
{
    return runlens::test::recordedPages(*m_server, seqs, field);
}

void TestCliRemote::initTestCase()
{
    m_server = std::make_unique<ReplayServer>(ReplayServer::defaultTranscript());
    QVERIFY(m_server->start());
    // Listings asked in pages of 1,000 are answered with the recorded smaller pages joined (see
    // recordedpages.h). The recording sent the stage "production" on purpose, where the CLI names
    // it "Production": MLflow matches stages case-insensitively, so both get the recorded answer.
    const ReplayServer::Handler pages = runlens::test::recordedPagesHandler(*m_server);
    const ReplayResponse archived = m_server->exchange(115).response;
    m_server->setHandler([=](const ReplayRequest& r) -> std::optional<ReplayResponse> {
        const json body = json::parse(r.body.toStdString(), nullptr, false);
        if (r.path == std::string(kApi) + "/model-versions/transition-stage"
            && body
                == json {{"name", "rest-scratch-model"}, {"version", "3"}, {"stage", "Production"},
                    {"archive_existing_versions", true}})
            return archived;
        return pages(r);
    });
}

void TestCliRemote::init()
{
    m_server->clearLog();
}

void TestCliRemote::cleanup()
{
    std::string all;
    for (const auto& u : m_server->unmatched())
        all += u + "\n";
    QVERIFY2(all.empty(), all.c_str());
}

void TestCliRemote::experimentsAsTheServerListsThem()
{
    const auto active = run(words({"experiments", "--format", "json"}));
    QVERIFY2(active.exitCode == 0, active.err.c_str());
    const json got = json::parse(active.out);
    const json want = recordedPages({3, 4, 5}, "experiments");
    QCOMPARE(idsOf(got, "experiment_id"), idsOf(want, "experiment_id"));
    for (std::size_t i = 0; i < got.size(); ++i) {
        COMPARE_JSON(got[i]["name"], want[i]["name"]);
        COMPARE_JSON(got[i]["artifact_location"], want[i]["artifact_location"]);
        COMPARE_JSON(got[i]["creation_time"], want[i]["creation_time"]);
        QCOMPARE(keyValues(got[i].value("tags", json::array())), keyValues(want[i].value("tags", json::array())));
    }

    const auto all = run(words({"experiments", "--view", "all", "--format", "json"}));
    QVERIFY2(all.exitCode == 0, all.err.c_str());
    const json everything = json::parse(all.out);
    QCOMPARE(idsOf(everything, "experiment_id"), idsOf(recorded(6)["experiments"], "experiment_id"));
    QCOMPARE(std::count_if(
                 everything.begin(), everything.end(), [](const json& e) { return e["lifecycle_stage"] == "deleted"; }),
        1);
    // Both listings went to the server: one search each, a version probe on connecting.
    QCOMPARE(m_server->requestCount(std::string(kApi) + "/experiments/search"), 2);
}

void TestCliRemote::runsSearchedByTheServer()
{
    // By id: every field the server returned, in the server's order.
    const auto r = run(words({"runs", "--experiment", "2", "--format", "json"}));
    QVERIFY2(r.exitCode == 0, r.err.c_str());
    const json got = json::parse(r.out);
    const json& want = recorded(30)["runs"];
    QCOMPARE(idsOf(got, "run"), idsOf(want, "run"));
    for (std::size_t i = 0; i < got.size(); ++i) {
        for (const char* field : {"run_name", "experiment_id", "status", "start_time", "artifact_uri", "user_id"})
            COMPARE_JSON(got[i]["info"].value(field, json()), want[i]["info"].value(field, json()));
        const json& gd = got[i]["data"];
        const json& wd = want[i]["data"];
        QCOMPARE(keyValues(gd.value("params", json::array())), keyValues(wd.value("params", json::array())));
        QCOMPARE(keyValues(gd.value("tags", json::array())), keyValues(wd.value("tags", json::array())));
        std::map<std::string, json> metrics;
        for (const auto& m : wd.value("metrics", json::array()))
            metrics[m["key"].get<std::string>()] = m;
        QCOMPARE(gd.value("metrics", json::array()).size(), metrics.size());
        for (const auto& m : gd.value("metrics", json::array())) {
            const json& w = metrics.at(m["key"].get<std::string>());
            QVERIFY2(sameMetricValue(m["value"], w["value"]), m.dump().c_str());
            COMPARE_JSON(m["step"], w["step"]);
        }
    }

    // By name, ordered by the server.
    const auto ordered = run(words({"runs", "--experiment", "image-classification", "--order-by",
        "attributes.start_time DESC", "--format", "ids"}));
    QVERIFY2(ordered.exitCode == 0, ordered.err.c_str());
    QCOMPARE(QString::fromStdString(ordered.out), joined(idsOf(recordedPages({16, 17, 18, 19}, "runs"), "run")));

    // The filter is the server's to evaluate: it is sent as written and its answer printed.
    m_server->clearLog();
    const auto failed
        = run(words({"runs", "--experiment", "1", "--filter", "attributes.status = 'FAILED'", "--format", "ids"}));
    QVERIFY2(failed.exitCode == 0, failed.err.c_str());
    QCOMPARE(QString::fromStdString(failed.out), joined(idsOf(recorded(21)["runs"], "run")));
    bool sent = false;
    for (const auto& req : m_server->requests()) {
        if (req.path == std::string(kApi) + "/runs/search")
            sent = json::parse(req.body.toStdString()).value("filter", "") == "attributes.status = 'FAILED'";
    }
    QVERIFY(sent);
}

void TestCliRemote::extendedFilterEvaluatedLocally()
{
    // NOT and OR are Runlens's own: the server is asked for the runs without that part (the recorded
    // search of experiment 2), and the filter is applied to its answer.
    const json& all = recorded(30)["runs"];
    const std::string first = all[0]["info"]["run_name"];
    const std::string last = all[all.size() - 1]["info"]["run_name"];
    const std::string filter = "NOT (attributes.run_name = '" + first + "' OR attributes.run_name = '" + last + "')";
    const auto r = run(QStringList {QStringLiteral("runs"), QStringLiteral("--experiment"), QStringLiteral("2"),
        QStringLiteral("--filter"), QString::fromStdString(filter), QStringLiteral("--format"), QStringLiteral("ids")});
    QVERIFY2(r.exitCode == 0, r.err.c_str());
    std::vector<std::string> expected;
    for (std::size_t i = 1; i + 1 < all.size(); ++i)
        expected.push_back(all[i]["info"]["run_id"]);
    QCOMPARE(QString::fromStdString(r.out), joined(expected));
}

void TestCliRemote::historyExact_data()
{
    QTest::addColumn<int>("seq");
    for (int seq : {42, 43, 44, 46, 47})
        QTest::newRow(m_server->exchange(seq).name.c_str()) << seq;
}

void TestCliRemote::historyExact()
{
    QFETCH(int, seq);
    const auto& exchange = m_server->exchange(seq);
    std::string runId, key;
    for (const auto& [k, v] : exchange.query) {
        if (k == "run_id")
            runId = v;
        if (k == "metric_key")
            key = v;
    }
    const auto r = run(QStringList {QStringLiteral("history"), QStringLiteral("--run"), QString::fromStdString(runId),
        QStringLiteral("--metric"), QString::fromStdString(key), QStringLiteral("--format"), QStringLiteral("json")});
    QVERIFY2(r.exitCode == 0, r.err.c_str());
    const json got = json::parse(r.out);
    const json& want = exchange.responseJson["metrics"];
    QCOMPARE(got.size(), want.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
        COMPARE_JSON(got[i]["step"], want[i]["step"]); // int64 exactly, beyond 2^53 included
        COMPARE_JSON(got[i]["timestamp"], want[i]["timestamp"]);
        QVERIFY2(sameMetricValue(got[i]["value"], want[i]["value"]), (got[i].dump() + " " + want[i].dump()).c_str());
    }
}

void TestCliRemote::modelsAndVersions()
{
    const auto models = run(words({"models", "--format", "json"}));
    QVERIFY2(models.exitCode == 0, models.err.c_str());
    QCOMPARE(idsOf(json::parse(models.out), "name"), idsOf(recordedPages({65, 66}, "registered_models"), "name"));

    const auto versions = run(words({"versions", "--model", "resnet-classifier", "--format", "json"}));
    QVERIFY2(versions.exitCode == 0, versions.err.c_str());
    const json got = json::parse(versions.out);
    json want = recorded(71)["model_versions"];
    std::sort(want.begin(), want.end(), [](const json& a, const json& b) {
        return std::stoll(a["version"].get<std::string>()) < std::stoll(b["version"].get<std::string>());
    });
    QCOMPARE(idsOf(got, "version"), idsOf(want, "version"));
    // Aliases come from the registered model (exchange 68), stages and runs from the versions.
    std::map<std::string, std::string> aliasOf;
    for (const auto& a : recorded(68)["registered_model"].value("aliases", json::array()))
        aliasOf[a["version"].get<std::string>()] = a["alias"].get<std::string>();
    for (std::size_t i = 0; i < got.size(); ++i) {
        COMPARE_JSON(got[i]["current_stage"], want[i]["current_stage"]);
        COMPARE_JSON(got[i]["run_id"], want[i]["run_id"]);
        COMPARE_JSON(got[i]["source"], want[i]["source"]);
        const json aliases = got[i].value("aliases", json::array());
        const auto it = aliasOf.find(got[i]["version"].get<std::string>());
        QCOMPARE(aliases.size(), std::size_t(it == aliasOf.end() ? 0 : 1));
        if (it != aliasOf.end())
            QCOMPARE(aliases[0].get<std::string>(), it->second);
    }
}

void TestCliRemote::writes_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("seq"); // the recorded exchange the command must reproduce
    QTest::addColumn<QString>("printed");
    const QString run = QString::fromUtf8(kScratchRun);
    QTest::newRow("rename-run") << QStringList {QStringLiteral("rename-run"), QStringLiteral("--run"), run,
        QStringLiteral("--name"), QStringLiteral("rest-run-renamed")}
                                << 94 << QStringLiteral("renamed to rest-run-renamed");
    QTest::newRow("set-tag") << QStringList {QStringLiteral("set-tag"), QStringLiteral("--run"), run,
        QStringLiteral("--key"), QStringLiteral("reviewed"), QStringLiteral("--value"), QStringLiteral("yes")}
                             << 91 << QStringLiteral("reviewed set");
    QTest::newRow("set-tag description") << QStringList {QStringLiteral("set-tag"), QStringLiteral("--run"), run,
        QStringLiteral("--key"), QStringLiteral("mlflow.note.content"), QStringLiteral("--value"),
        QStringLiteral("# Title\nmarkdown *description*")}
                                         << 92 << QStringLiteral("mlflow.note.content set");
    QTest::newRow("delete-tag") << QStringList {QStringLiteral("delete-tag"), QStringLiteral("--run"), run,
        QStringLiteral("--key"), QStringLiteral("stage")}
                                << 93 << QStringLiteral("stage deleted");
    QTest::newRow("delete-run") << QStringList {QStringLiteral("delete-run"), QStringLiteral("--run"), run} << 105
                                << QStringLiteral("deleted");
    QTest::newRow("restore-run") << QStringList {QStringLiteral("restore-run"), QStringLiteral("--run"), run} << 107
                                 << QStringLiteral("restored");
    QTest::newRow("set-stage") << words({"set-stage", "--model", "rest-scratch-model", "--version", "1", "--stage",
        "Staging"}) << 113 << QStringLiteral("v1 -> Staging");
    QTest::newRow("set-stage archive existing") << words(
        {"set-stage", "--model", "rest-scratch-model", "--version", "3", "--stage", "Production", "--archive-existing"})
                                                << 115 << QStringLiteral("v3 -> Production");
    QTest::newRow("set-alias") << words(
        {"set-alias", "--model", "rest-scratch-model", "--alias", "champion", "--version", "3"})
                               << 117 << QStringLiteral("@champion -> v3");
    QTest::newRow("delete-alias") << words({"delete-alias", "--model", "rest-scratch-model", "--alias", "champion"})
                                  << 122 << QStringLiteral("deleted rest-scratch-model@champion");
}

void TestCliRemote::writes()
{
    QFETCH(QStringList, args);
    QFETCH(int, seq);
    QFETCH(QString, printed);
    const auto r = run(args);
    QVERIFY2(r.exitCode == 0, r.err.c_str());
    QVERIFY2(QString::fromStdString(r.out).contains(printed), r.out.c_str());

    // Exactly one write, to the recorded endpoint, with the recorded method and body (the stage's
    // case aside, see initTestCase).
    const auto& exchange = m_server->exchange(seq);
    std::vector<ReplayRequest> writes;
    for (const auto& req : m_server->requests()) {
        if (req.method != "GET")
            writes.push_back(req);
    }
    QCOMPARE(writes.size(), std::size_t(1));
    QCOMPARE(writes.front().method.toStdString(), exchange.method);
    QCOMPARE(writes.front().path, exchange.path);
    json sent = json::parse(writes.front().body.toStdString());
    json want = exchange.body;
    if (want.contains("stage"))
        want["stage"] = sent.value("stage", "");
    QCOMPARE(ReplayServer::normalizedBody(exchange.path, sent).dump(), want.dump());
}

void TestCliRemote::serverErrorsKeepTheirCodeAndMessage()
{
    // MLflow's own answer (exchange 144), with its error code, and the exit status a local store
    // gives for the same missing model (2: an invalid argument).
    const auto missing = run(words({"versions", "--model", "nope"}));
    QCOMPARE(missing.exitCode, 2);
    QVERIFY2(missing.err.find("RESOURCE_DOES_NOT_EXIST") != std::string::npos, missing.err.c_str());
    QVERIFY2(missing.err.find(recorded(144)["message"].get<std::string>()) != std::string::npos, missing.err.c_str());

    // A run the server does not have (exchange 136).
    const auto ghost = run(words({"rename-run", "--run", "00000000000000000000000000000000", "--name", "x"}));
    QVERIFY(ghost.exitCode != 0);
    QVERIFY2(ghost.err.find(recorded(136)["message"].get<std::string>()) != std::string::npos, ghost.err.c_str());
    QCOMPARE(m_server->requestCount(std::string(kApi) + "/runs/update"), 0);
}

void TestCliRemote::unreachableServerFailsClearly()
{
    // A port nobody listens on: a clear message naming the server, exit status 1, no hang.
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
    const QString url = QStringLiteral("http://127.0.0.1:%1").arg(probe.serverPort());
    probe.close();
    const auto r = run(words({"experiments"}), url);
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.find("127.0.0.1") != std::string::npos, r.err.c_str());
}

QTEST_GUILESS_MAIN(TestCliRemote)
#include "tst_cliremote.moc"
