// SPDX-License-Identifier: Apache-2.0
// RestStore against the exchanges recorded with a real MLflow 2.22 server: every read the store does
// is replayed from the transcript and its result compared with the recorded reply.

#include "replayserver.h"
#include "restjson.h"
#include "storefactory.h"
#include "stores/rest/mlflowjson.h"
#include "stores/rest/reststore.h"

#include <cmath>
#include <functional>
#include <mutex>

#include <nlohmann/json.hpp>

#include <QTest>

using namespace runlens;
using runlens::test::canonical;
using runlens::test::listJson;
using runlens::test::plain;
using runlens::test::pointsJson;
using runlens::test::recordedList;
using runlens::test::ReplayRequest;
using runlens::test::ReplayResponse;
using runlens::test::ReplayServer;
using json = nlohmann::json;

class TestRestStore : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<ReplayServer> m_server;

    const json& recorded(int seq) const { return m_server->exchange(seq).responseJson; }

    std::unique_ptr<RestStore> openStore(const std::function<void(RestConnection&)>& tweak = {})
    {
        RestConnection c;
        c.baseUrl = m_server->baseUrl();
        c.maxRetries = 1;
        c.backoffFactorMs = 1;
        c.backoffJitterMs = 0;
        if (tweak)
            tweak(c);
        auto store = RestStore::open(c);
        if (!store) {
            qWarning("%s", store.error().toString().c_str());
            return nullptr;
        }
        return std::move(store.value());
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_server = std::make_unique<ReplayServer>(ReplayServer::defaultTranscript());
        QVERIFY(m_server->start());
        QCOMPARE(m_server->exchanges().size(), std::size_t(153));
    }

    void init() { m_server->clearLog(); }

    void cleanup()
    {
        m_server->setHandler({});
        const auto unmatched = m_server->unmatched();
        std::string all;
        for (const auto& u : unmatched)
            all += u + "\n";
        QVERIFY2(unmatched.empty(), all.c_str());
    }

    void opensAndReadsVersion()
    {
        auto store = openStore();
        QVERIFY(store);
        QCOMPARE(store->serverVersion(), std::string("2.22.1.dev0"));
        QCOMPARE(store->kind(), StoreKind::Rest);
        QCOMPARE(store->uri(), m_server->baseUrl());
        QVERIFY(has(store->capabilities(), Capability::Registry));
        QVERIFY(has(store->capabilities(), Capability::ServerSideSearch));
        // The server decides what the credentials may change; refusals come back as PERMISSION_DENIED.
        QVERIFY(has(store->capabilities(), Capability::WriteRuns));
        QVERIFY(has(store->capabilities(), Capability::WriteRegistry));
        QCOMPARE(m_server->requestCount("/version"), 1);
    }

    void openStoreResolvesHttpUris()
    {
        auto store = runlens::openStore(m_server->baseUrl() + "/");
        QVERIFY2(store, store ? "" : store.error().toString().c_str());
        QCOMPARE((*store)->kind(), StoreKind::Rest);
        QCOMPARE((*store)->uri(), m_server->baseUrl());
    }

    void experimentsFollowPageTokens()
    {
        auto store = openStore([](RestConnection& c) { c.experimentsPageSize = 2; });
        QVERIFY(store);
        m_server->clearLog();
        auto list = store->experiments(ViewType::ActiveOnly);
        QVERIFY2(list, list ? "" : list.error().toString().c_str());
        QVERIFY(list->problems.empty());
        json expected = json::array();
        for (int seq : {3, 4, 5}) {
            for (const auto& e : recordedList(recorded(seq), "experiments"))
                expected.push_back(e);
        }
        QCOMPARE(list->experiments.size(), std::size_t(5));
        COMPARE_JSON(listJson(list->experiments), expected);
        QCOMPARE(m_server->requestCount("/api/2.0/mlflow/experiments/search"), 3);
        // Every request names its page size: servers answer 400 without one.
        for (const auto& r : m_server->requests())
            QVERIFY(json::parse(r.body.toStdString()).contains("max_results"));
    }

    void experimentsByView()
    {
        auto store = openStore([](RestConnection& c) { c.experimentsPageSize = 100; });
        QVERIFY(store);
        auto all = store->experiments(ViewType::All);
        QVERIFY2(all, all ? "" : all.error().toString().c_str());
        COMPARE_JSON(listJson(all->experiments), recordedList(recorded(6), "experiments"));
        auto deleted = store->experiments(ViewType::DeletedOnly);
        QVERIFY(deleted);
        QCOMPARE(deleted->experiments.size(), std::size_t(1));
        QCOMPARE(deleted->experiments.front().lifecycleStage, LifecycleStage::Deleted);
        COMPARE_JSON(listJson(deleted->experiments), recordedList(recorded(7), "experiments"));
    }

    void experimentGet()
    {
        auto store = openStore();
        QVERIFY(store);
        for (int seq : {11, 12}) {
            const std::string id = m_server->exchange(seq).query.front().second;
            auto e = store->experiment(id);
            QVERIFY2(e, e ? "" : e.error().toString().c_str());
            COMPARE_JSON(plain(mlflowjson::toJson(*e)), recorded(seq).at("experiment"));
        }
        auto missing = store->experiment("999999");
        QVERIFY(!missing);
        QCOMPARE(missing.error().code, ErrorCode::ResourceDoesNotExist);
        QCOMPARE(missing.error().message, std::string("No Experiment with id=999999 exists"));
        auto bad = store->experiment("abc");
        QVERIFY(!bad);
        QCOMPARE(bad.error().code, ErrorCode::ResourceDoesNotExist);
        QCOMPARE(bad.error().message, std::string("No Experiment with id=abc exists"));
    }

    void searchRunsFollowsPages()
    {
        auto store = openStore([](RestConnection& c) { c.runsPageSize = 4; });
        QVERIFY(store);
        m_server->clearLog();
        RunQuery query;
        query.experimentIds = {"1"};
        query.orderBy = {"attributes.start_time DESC"};
        std::int64_t lastReport = 0;
        TaskControl control([&](std::int64_t done, std::int64_t) { lastReport = done; });
        auto list = store->searchRuns(query, &control);
        QVERIFY2(list, list ? "" : list.error().toString().c_str());
        QVERIFY(list->problems.empty());
        json expected = json::array();
        for (int seq : {16, 17, 18, 19}) {
            for (const auto& r : recordedList(recorded(seq), "runs"))
                expected.push_back(r);
        }
        QCOMPARE(list->runs.size(), expected.size());
        COMPARE_JSON(listJson(list->runs), expected);
        QCOMPARE(m_server->requestCount("/api/2.0/mlflow/runs/search"), 4);
        QCOMPARE(lastReport, static_cast<std::int64_t>(list->runs.size()));

        // Values that must survive exactly: a step beyond 2^53, NaN, the SQL store's stand-in for inf.
        const Run* baseline = nullptr;
        const Run* weird = nullptr;
        for (const auto& r : list->runs) {
            if (r.info.runId == "3f391c61d696479dbd9255bd742f94eb")
                baseline = &r;
            if (r.info.runId == "807f87e3fbaa45a1b2466b70189efe9a")
                weird = &r;
        }
        QVERIFY(baseline && weird);
        QCOMPARE(baseline->metric("weird_steps")->point.step, std::int64_t(9007199254740993));
        QVERIFY(std::isnan(weird->metric("nan_only")->point.value));
        QCOMPARE(weird->metric("inf_last")->point.value, 1.7976931348623157e+308);
        QCOMPARE(baseline->param("empty_value")->size(), std::size_t(0));
    }

    void searchRunsStopsAtMaxResults()
    {
        auto store = openStore([](RestConnection& c) { c.runsPageSize = 4; });
        QVERIFY(store);
        m_server->clearLog();
        RunQuery query;
        query.experimentIds = {"1"};
        query.orderBy = {"attributes.start_time DESC"};
        query.maxResults = 8;
        auto list = store->searchRuns(query);
        QVERIFY2(list, list ? "" : list.error().toString().c_str());
        QCOMPARE(list->runs.size(), std::size_t(8));
        QCOMPARE(m_server->requestCount("/api/2.0/mlflow/runs/search"), 2);
        json expected = json::array();
        for (int seq : {16, 17}) {
            for (const auto& r : recordedList(recorded(seq), "runs"))
                expected.push_back(r);
        }
        COMPARE_JSON(listJson(list->runs), expected);
    }

    void searchRunsEndsOnAnEmptyLastPage()
    {
        // SQL servers return a token whenever a page is full, so the page after it may be {}.
        const json runs = recorded(30).at("runs");
        m_server->setHandler([&](const ReplayRequest& r) -> std::optional<ReplayResponse> {
            if (r.path != "/api/2.0/mlflow/runs/search")
                return std::nullopt;
            if (json::parse(r.body.toStdString()).contains("page_token"))
                return ReplayResponse::json(200, json::object());
            return ReplayResponse::json(200, {{"runs", runs}, {"next_page_token", "eyJvZmZzZXQiOiA4fQ=="}});
        });
        auto store = openStore([&](RestConnection& c) { c.runsPageSize = static_cast<int>(runs.size()); });
        QVERIFY(store);
        m_server->clearLog();
        RunQuery query;
        query.experimentIds = {"2"};
        auto list = store->searchRuns(query);
        QVERIFY2(list, list ? "" : list.error().toString().c_str());
        COMPARE_JSON(listJson(list->runs), runs);
        QCOMPARE(m_server->requestCount("/api/2.0/mlflow/runs/search"), 2);
    }

    void searchRunsWithServerFilters_data()
    {
        QTest::addColumn<int>("seq");
        for (int seq = 20; seq <= 31; ++seq)
            QTest::newRow(m_server->exchange(seq).name.c_str()) << seq;
    }

    void searchRunsWithServerFilters()
    {
        QFETCH(int, seq);
        const auto& exchange = m_server->exchange(seq);
        const json& body = exchange.body;
        RunQuery query;
        query.experimentIds = body.at("experiment_ids").get<std::vector<std::string>>();
        query.filter = body.value("filter", std::string());
        query.orderBy = body.value("order_by", std::vector<std::string>());
        const std::string view = body.value("run_view_type", std::string("ACTIVE_ONLY"));
        query.view = view == "ALL"   ? ViewType::All
            : view == "DELETED_ONLY" ? ViewType::DeletedOnly
                                     : ViewType::ActiveOnly;
        if (body.at("max_results").get<int>() != 1000)
            query.maxResults = body.at("max_results").get<std::size_t>();
        auto store = openStore();
        QVERIFY(store);
        m_server->clearLog();
        auto list = store->searchRuns(query);
        QVERIFY2(list, list ? "" : list.error().toString().c_str());
        // The filter went to the server exactly as written, so its semantics are MLflow's own.
        const auto sent = json::parse(m_server->requests().front().body.toStdString());
        QCOMPARE(sent.value("filter", std::string()), query.filter);
        COMPARE_JSON(listJson(list->runs), recordedList(exchange.responseJson, "runs"));
    }

    void searchRunsOverAllExperimentsOfTheView()
    {
        auto store = openStore([](RestConnection& c) { c.experimentsPageSize = 100; });
        QVERIFY(store);
        std::mutex mutex;
        json sent;
        m_server->setHandler([&](const ReplayRequest& r) -> std::optional<ReplayResponse> {
            if (r.path != "/api/2.0/mlflow/runs/search")
                return std::nullopt;
            std::lock_guard lock(mutex);
            sent = json::parse(r.body.toStdString());
            return ReplayResponse::json(200, json::object()); // {} is an empty page
        });
        RunQuery query;
        query.view = ViewType::All;
        auto list = store->searchRuns(query);
        QVERIFY2(list, list ? "" : list.error().toString().c_str());
        QVERIFY(list->runs.empty());
        std::vector<std::string> expectedIds;
        for (const auto& e : recorded(6).at("experiments"))
            expectedIds.push_back(e.at("experiment_id").get<std::string>());
        std::lock_guard lock(mutex);
        QCOMPARE(sent.at("experiment_ids").get<std::vector<std::string>>(), expectedIds);
        QCOMPARE(sent.at("run_view_type").get<std::string>(), std::string("ALL"));
    }

    void searchRunsEvaluatesExtensionsLocally()
    {
        // OR is Runlens's: the server gets what it understands (here: no filter) and the client
        // keeps the runs that match the whole filter, in the server's order.
        auto store = openStore([](RestConnection& c) { c.runsPageSize = 50; });
        QVERIFY(store);
        m_server->clearLog();
        RunQuery query;
        query.experimentIds = {"1", "2"};
        query.view = ViewType::All;
        query.orderBy = {"params.lr ASC"};
        query.filter = "params.optimizer = 'sgd' OR attributes.status = 'FAILED'";
        auto list = store->searchRuns(query);
        QVERIFY2(list, list ? "" : list.error().toString().c_str());
        const auto sent = json::parse(m_server->requests().front().body.toStdString());
        QVERIFY(!sent.contains("filter"));
        json expected = json::array();
        for (const auto& r : recordedList(recorded(26), "runs")) {
            bool sgd = false;
            for (const auto& p : r["data"].value("params", json::array()))
                sgd = sgd || (p["key"] == "optimizer" && p["value"] == "sgd");
            if (sgd || r["info"]["status"] == "FAILED")
                expected.push_back(r);
        }
        QVERIFY(expected.size() >= 2);
        COMPARE_JSON(listJson(list->runs), expected);
    }

    void searchRunsSendsGroupedFiltersInMlflowSyntax()
    {
        // Parentheses are Runlens's; the same filter without them is plain MLflow and goes to the server.
        auto store = openStore();
        QVERIFY(store);
        m_server->clearLog();
        RunQuery query;
        query.experimentIds = {"1"};
        query.filter = "(attributes.status = 'FAILED')";
        auto list = store->searchRuns(query);
        QVERIFY2(list, list ? "" : list.error().toString().c_str());
        const auto sent = json::parse(m_server->requests().front().body.toStdString());
        QVERIFY(sent.at("filter").get<std::string>().find('(') == std::string::npos);
        COMPARE_JSON(listJson(list->runs), recordedList(recorded(21), "runs"));
    }

    void queryValuesAreEncoded()
    {
        // werkzeug reads '+' as a space and '&' as a separator: both must arrive as written.
        std::mutex mutex;
        std::string path;
        m_server->setHandler([&](const ReplayRequest& r) -> std::optional<ReplayResponse> {
            if (r.path != "/api/2.0/mlflow/artifacts/list")
                return std::nullopt;
            std::lock_guard lock(mutex);
            path = r.queryValue("path");
            return ReplayResponse::json(200, json::object());
        });
        auto store = openStore();
        QVERIFY(store);
        auto files = store->listArtifacts("3f391c61d696479dbd9255bd742f94eb", "a+b c&d=e%20/ü");
        QVERIFY2(files, files ? "" : files.error().toString().c_str());
        QVERIFY(files->empty());
        std::lock_guard lock(mutex);
        QCOMPARE(path, std::string("a+b c&d=e%20/ü"));
    }

    void searchRunsErrorsCarryTheServerMessage_data()
    {
        QTest::addColumn<int>("seq");
        QTest::newRow("bad comparator") << 131;
        QTest::newRow("unknown entity") << 132;
        QTest::newRow("bad order_by") << 133;
    }

    void searchRunsErrorsCarryTheServerMessage()
    {
        QFETCH(int, seq);
        const auto& exchange = m_server->exchange(seq);
        RunQuery query;
        query.experimentIds = {"1"};
        query.filter = exchange.body.value("filter", std::string());
        query.orderBy = exchange.body.value("order_by", std::vector<std::string>());
        auto store = openStore();
        QVERIFY(store);
        auto list = store->searchRuns(query);
        QVERIFY(!list);
        QCOMPARE(list.error().code, ErrorCode::InvalidParameterValue);
        QCOMPARE(list.error().message, exchange.responseJson.at("message").get<std::string>());
    }

    void runGet_data()
    {
        QTest::addColumn<int>("seq");
        for (int seq : {35, 36, 37, 38, 39, 40, 104})
            QTest::newRow(m_server->exchange(seq).name.c_str()) << seq;
    }

    void runGet()
    {
        QFETCH(int, seq);
        auto store = openStore();
        QVERIFY(store);
        const std::string id = m_server->exchange(seq).query.front().second;
        auto run = store->run(id);
        QVERIFY2(run, run ? "" : run.error().toString().c_str());
        COMPARE_JSON(plain(mlflowjson::toJson(*run)), recorded(seq).at("run"));
    }

    void runGetDetails()
    {
        auto store = openStore();
        QVERIFY(store);
        auto run = store->run("3f391c61d696479dbd9255bd742f94eb");
        QVERIFY(run);
        QCOMPARE(run->metric("weird_steps")->point.step, std::int64_t(9007199254740993));
        QCOMPARE(run->inputs.size(), std::size_t(1));
        QCOMPARE(run->inputs.front().dataset.name, std::string("cifar10-train"));
        auto running = store->run("ba920b5ae46b4547b29d31db576fb6cf");
        QVERIFY(running);
        QCOMPARE(running->info.status, RunStatus::Running);
        QVERIFY(!running->info.endTime);
        auto missing = store->run("00000000000000000000000000000000");
        QVERIFY(!missing);
        QCOMPARE(missing.error().code, ErrorCode::ResourceDoesNotExist);
        QCOMPARE(missing.error().message, std::string("Run with id=00000000000000000000000000000000 not found"));
    }

    void metricHistory_data()
    {
        QTest::addColumn<int>("seq");
        for (int seq : {42, 43, 44, 45, 46, 47, 48, 88, 89, 147})
            QTest::newRow(m_server->exchange(seq).name.c_str()) << seq;
    }

    void metricHistory()
    {
        QFETCH(int, seq);
        const auto& exchange = m_server->exchange(seq);
        std::string runId;
        std::string key;
        for (const auto& [k, v] : exchange.query) {
            if (k == "run_id")
                runId = v;
            if (k == "metric_key")
                key = v;
        }
        auto store = openStore();
        QVERIFY(store);
        m_server->clearLog();
        auto points = store->metricHistory(runId, key);
        QVERIFY2(points, points ? "" : points.error().toString().c_str());
        // Order as the server gave it; every point exact.
        QCOMPARE(pointsJson(key, *points).dump(), recordedList(exchange.responseJson, "metrics").dump());
        QCOMPARE(m_server->requests().front().queryValue("max_results"), std::string("25000"));
    }

    void metricHistoryFollowsPageTokens()
    {
        // MLflow 2.22 returns whole histories; newer servers page them. Serve the recorded 3000
        // points of train/loss in pages of 1000, as a 3.x server does.
        const json all = recorded(44).at("metrics");
        m_server->setHandler([&](const ReplayRequest& r) -> std::optional<ReplayResponse> {
            if (r.path != "/api/2.0/mlflow/metrics/get-history")
                return std::nullopt;
            const std::size_t pageSize = std::stoul(r.queryValue("max_results"));
            const std::string token = r.queryValue("page_token");
            const std::size_t offset = token.empty() ? 0 : std::stoul(token);
            json page = json::object();
            page["metrics"] = json::array();
            for (std::size_t i = offset; i < std::min(all.size(), offset + pageSize); ++i)
                page["metrics"].push_back(all[i]);
            if (offset + pageSize < all.size())
                page["next_page_token"] = std::to_string(offset + pageSize);
            return ReplayResponse::json(200, page);
        });
        auto store = openStore([](RestConnection& c) { c.metricHistoryPageSize = 1000; });
        QVERIFY(store);
        m_server->clearLog();
        auto points = store->metricHistory("3f391c61d696479dbd9255bd742f94eb", "train/loss");
        QVERIFY2(points, points ? "" : points.error().toString().c_str());
        QCOMPARE(points->size(), std::size_t(3000));
        QCOMPARE(pointsJson("train/loss", *points).dump(), all.dump());
        QCOMPARE(m_server->requestCount("/api/2.0/mlflow/metrics/get-history"), 3);
    }

    void listArtifacts_data()
    {
        QTest::addColumn<int>("seq");
        for (int seq : {53, 54, 55, 56, 57, 101, 102})
            QTest::newRow(m_server->exchange(seq).name.c_str()) << seq;
    }

    void listArtifacts()
    {
        QFETCH(int, seq);
        const auto& exchange = m_server->exchange(seq);
        auto store = openStore();
        QVERIFY(store);
        const std::string runId = exchange.query.back().second; // sorted by key: path, run_id
        const std::string path = exchange.query.size() > 1 ? exchange.query.front().second : std::string();
        auto files = store->listArtifacts(runId, path);
        QVERIFY2(files, files ? "" : files.error().toString().c_str());
        json expected = recordedList(exchange.responseJson, "files");
        std::sort(expected.begin(), expected.end(),
            [](const json& a, const json& b) { return a["path"].get<std::string>() < b["path"].get<std::string>(); });
        QCOMPARE(canonical(listJson(*files)).dump(1), canonical(expected).dump(1));
        for (const auto& f : *files)
            QVERIFY(f.isDir || f.fileSize);
    }

    void listArtifactsRefusesTraversal()
    {
        auto store = openStore();
        QVERIFY(store);
        m_server->clearLog();
        for (const char* path : {"../../", "/etc", "a/../../b", "..\\x"}) {
            auto files = store->listArtifacts("3f391c61d696479dbd9255bd742f94eb", path);
            QVERIFY(!files);
            QCOMPARE(files.error().code, ErrorCode::InvalidParameterValue);
        }
        QCOMPARE(m_server->requestCount(), 0); // refused before anything was sent
    }

    void readArtifact_data()
    {
        QTest::addColumn<int>("seq");
        for (int seq : {59, 60, 61, 62, 103})
            QTest::newRow(m_server->exchange(seq).name.c_str()) << seq;
    }

    void readArtifact()
    {
        QFETCH(int, seq);
        const auto& exchange = m_server->exchange(seq);
        const std::string path = exchange.query.at(0).second; // sorted: path, run_id
        const std::string runId = exchange.query.at(1).second;
        auto store = openStore();
        QVERIFY(store);
        auto bytes = store->readArtifact(runId, path, 1 << 20);
        QVERIFY2(bytes, bytes ? "" : bytes.error().toString().c_str());
        QCOMPARE(QByteArray::fromStdString(*bytes), exchange.response.body);
    }

    void readArtifactStopsAtMaxBytes()
    {
        auto store = openStore();
        QVERIFY(store);
        const QByteArray png = m_server->exchange(60).response.body;
        auto head = store->readArtifact("3f391c61d696479dbd9255bd742f94eb", "plots/loss_curve.png", 100);
        QVERIFY2(head, head ? "" : head.error().toString().c_str());
        QCOMPARE(QByteArray::fromStdString(*head), png.left(100));
        auto none = store->readArtifact("3f391c61d696479dbd9255bd742f94eb", "notes.txt", 0);
        QVERIFY(none);
        QVERIFY(none->empty());
    }

    void readArtifactMissingIsNotFound()
    {
        auto store = openStore();
        QVERIFY(store);
        m_server->clearLog();
        // MLflow answers a missing file with a bare HTML 500; the store tells what it means.
        auto missing = store->readArtifact("3f391c61d696479dbd9255bd742f94eb", "nope.txt", 1000);
        QVERIFY(!missing);
        QCOMPARE(missing.error().code, ErrorCode::ResourceDoesNotExist);
        QVERIFY2(missing.error().message.find("nope.txt") != std::string::npos, missing.error().message.c_str());
        QCOMPARE(m_server->requestCount("/get-artifact"), 1); // a 500 there is not retried
        auto traversal = store->readArtifact("3f391c61d696479dbd9255bd742f94eb", "../meta.yaml", 1000);
        QVERIFY(!traversal);
        QCOMPARE(traversal.error().code, ErrorCode::InvalidParameterValue);
        QCOMPARE(m_server->requestCount("/get-artifact"), 1);
    }

    void registeredModelsFollowPageTokens()
    {
        auto store = openStore([](RestConnection& c) { c.registeredModelsPageSize = 2; });
        QVERIFY(store);
        m_server->clearLog();
        auto models = store->registeredModels();
        QVERIFY2(models, models ? "" : models.error().toString().c_str());
        json expected = json::array();
        for (int seq : {65, 66}) {
            for (const auto& m : recordedList(recorded(seq), "registered_models"))
                expected.push_back(m);
        }
        std::stable_sort(expected.begin(), expected.end(),
            [](const json& a, const json& b) { return a["name"].get<std::string>() < b["name"].get<std::string>(); });
        QCOMPARE(models->size(), std::size_t(4));
        COMPARE_JSON(listJson(*models), expected);
        QCOMPARE(m_server->requestCount("/api/2.0/mlflow/registered-models/search"), 2);
        // Aliases come with the search results.
        QCOMPARE(models->at(1).name, std::string("resnet-classifier"));
        QCOMPARE(models->at(1).aliases.size(), std::size_t(2));
    }

    void modelVersions_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("getSeq");
        QTest::addColumn<int>("searchSeq");
        QTest::newRow("resnet-classifier") << QStringLiteral("resnet-classifier") << 68 << 71;
        QTest::newRow("rest-scratch-model") << QStringLiteral("rest-scratch-model") << 119 << 128;
    }

    void modelVersions()
    {
        QFETCH(QString, name);
        QFETCH(int, getSeq);
        QFETCH(int, searchSeq);
        auto store = openStore();
        QVERIFY(store);
        auto versions = store->modelVersions(name.toStdString());
        QVERIFY2(versions, versions ? "" : versions.error().toString().c_str());
        // Search results carry no aliases on SQL servers: they come from registered-models/get.
        json expected = recordedList(recorded(searchSeq), "model_versions");
        for (auto& v : expected) {
            json aliases = json::array();
            for (const auto& a : recorded(getSeq).at("registered_model").value("aliases", json::array())) {
                if (a["version"] == v["version"])
                    aliases.push_back(a["alias"]);
            }
            v["aliases"] = aliases;
        }
        std::stable_sort(expected.begin(), expected.end(), [](const json& a, const json& b) {
            return std::stoll(a["version"].get<std::string>()) < std::stoll(b["version"].get<std::string>());
        });
        COMPARE_JSON(listJson(*versions), expected);
        bool anyAlias = false;
        for (const auto& v : *versions)
            anyAlias = anyAlias || !v.aliases.empty();
        QVERIFY(anyAlias);
    }

    void modelVersionsOfUnknownModel()
    {
        auto store = openStore();
        QVERIFY(store);
        auto versions = store->modelVersions("nope");
        QVERIFY(!versions);
        QCOMPARE(versions.error().code, ErrorCode::ResourceDoesNotExist);
        QCOMPARE(versions.error().message, std::string("Registered Model with name=nope not found"));
    }
};

QTEST_GUILESS_MAIN(TestRestStore)
#include "tst_reststore.moc"
