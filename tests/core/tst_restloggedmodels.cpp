// SPDX-License-Identifier: Apache-2.0
// RestStore's MLflow 3 reads against the exchanges recorded with a real MLflow 3.6 server over an
// sqlite store (tests/data/mlflow-3.6/rest-transcript.jsonl): logged models (search, pages,
// filters, datasets, order, get), runs' model inputs and outputs, versions made from models, prompts.

#include "replayserver.h"
#include "restjson.h"
#include "stores/rest/reststore.h"

#include <QTest>

#include <algorithm>

using namespace runlens;
using runlens::test::listJson;
using runlens::test::recordedList;
using runlens::test::ReplayRequest;
using runlens::test::ReplayResponse;
using runlens::test::ReplayServer;
using json = nlohmann::json;

namespace {

const std::vector<std::string> kExperiments {"1", "2"};

std::vector<std::string> ids(const std::vector<LoggedModel>& models)
{
    std::vector<std::string> out;
    for (const LoggedModel& m : models)
        out.push_back(m.modelId);
    return out;
}

std::vector<std::string> recordedIds(const json& reply)
{
    std::vector<std::string> out;
    for (const json& m : recordedList(reply, "models"))
        out.push_back(m["info"]["model_id"].get<std::string>());
    return out;
}

// A filter without the spelling choices MLflow ignores: whitespace outside quotes, the backticks
// around a key and the "attributes." prefix (Runlens writes params.`x` = '1' AND attributes.name
// LIKE 'res%', the recording had params.x = '1' AND name LIKE 'res%').
std::string filterKey(const std::string& filter)
{
    std::string out;
    const std::string prefix = "attributes.";
    char quote = 0;
    for (char c : filter) {
        if (quote) {
            out += c;
            if (c == quote)
                quote = 0;
        } else if (c == '\'' || c == '"') {
            quote = c;
            out += c;
        } else if (c != ' ' && c != '`') {
            out += c;
            if (out.ends_with(prefix))
                out.resize(out.size() - prefix.size());
        }
    }
    return out;
}

// A request's meaning: method, path, and its parameters with the filter's spelling and the page
// size left out (the recorded stores fit in one page of any size used here).
json meaning(const std::string& method, const std::string& path, json params)
{
    params.erase("max_results");
    if (params.contains("filter") && params["filter"].is_string())
        params["filter"] = filterKey(params["filter"].get<std::string>());
    return {{"method", method}, {"path", path}, {"params", params}};
}

json meaning(const ReplayRequest& r)
{
    json params = json::object();
    if (!r.body.isEmpty())
        params = json::parse(r.body.toStdString(), nullptr, false);
    for (const auto& [k, v] : r.query)
        params[k] = v;
    return meaning(r.method.toStdString(), r.path, params);
}

json meaning(const test::RecordedExchange& e)
{
    json params = e.bodyIsJson ? e.body : json::object();
    for (const auto& [k, v] : e.query)
        params[k] = v;
    return meaning(e.method, e.path, params);
}

} // namespace

class TestRestLoggedModels : public QObject
{
    Q_OBJECT

    std::unique_ptr<ReplayServer> m_server;

    const json& recorded(int seq) const { return m_server->exchange(seq).responseJson; }

    std::unique_ptr<RestStore> openStore(int loggedModelsPageSize = 50)
    {
        RestConnection c;
        c.baseUrl = m_server->baseUrl();
        c.maxRetries = 0;
        // The server's own default page: the recorded searches named none.
        c.loggedModelsPageSize = loggedModelsPageSize;
        auto store = RestStore::open(c);
        if (!store) {
            qWarning("%s", store.error().toString().c_str());
            return nullptr;
        }
        return std::move(store.value());
    }

    Result<LoggedModelList> search(RestStore& store, const std::string& filter,
        std::vector<DatasetFilter> datasets = {}, std::vector<LoggedModelOrder> order = {})
    {
        LoggedModelQuery query;
        query.experimentIds = kExperiments;
        query.filter = filter;
        query.datasets = std::move(datasets);
        query.orderBy = std::move(order);
        return store.searchLoggedModels(query);
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_server = std::make_unique<ReplayServer>(ReplayServer::mlflow3Transcript());
        QVERIFY(m_server->start());
        QCOMPARE(m_server->exchanges().size(), std::size_t(62));
    }

    // The recording was made by MLflow's own client, whose requests are spelled a little
    // differently from Runlens's; a request is answered by the exchange that means the same.
    std::optional<ReplayResponse> sameRequest(const ReplayRequest& r) const
    {
        if (auto exact = m_server->replay(r))
            return exact;
        const json wanted = meaning(r);
        for (const auto& e : m_server->exchanges()) {
            if (meaning(e) == wanted)
                return e.response;
        }
        return std::nullopt;
    }

    void init()
    {
        m_server->clearLog();
        m_server->setHandler([this](const ReplayRequest& r) { return sameRequest(r); });
    }

    void cleanup()
    {
        m_server->setHandler({});
        std::string all;
        for (const auto& u : m_server->unmatched())
            all += u + "\n";
        QVERIFY2(all.empty(), all.c_str());
    }

    void opensA3xServer()
    {
        auto store = openStore();
        QVERIFY(store);
        QVERIFY(store->serverVersion().starts_with("3."));
    }

    // Every field of every model, in the server's order, as MLflow's REST shape.
    void searchReadsEveryModel()
    {
        auto store = openStore();
        QVERIFY(store);
        auto found = search(*store, "");
        QVERIFY2(found, found ? "" : found.error().toString().c_str());
        QVERIFY(found->problems.empty());
        QCOMPARE(found->models.size(), std::size_t(5));
        COMPARE_JSON(listJson(found->models), recordedList(recorded(17), "models"));
    }

    void searchFollowsPageTokens()
    {
        // The recording stopped after two pages of two; the third holds the fifth model.
        const json lastToken = recorded(19)["next_page_token"];
        m_server->setHandler([this, lastToken](const ReplayRequest& r) -> std::optional<ReplayResponse> {
            if (r.path == "/api/2.0/mlflow/logged-models/search"
                && json::parse(r.body.toStdString()).value("page_token", json()) == lastToken)
                return ReplayResponse::json(200, {{"models", {recorded(17)["models"][4]}}});
            return sameRequest(r);
        });
        auto store = openStore(2);
        QVERIFY(store);
        auto found = search(*store, "");
        QVERIFY2(found, found ? "" : found.error().toString().c_str());
        QCOMPARE(m_server->requestCount("/api/2.0/mlflow/logged-models/search"), 3);
        COMPARE_JSON(listJson(found->models), recordedList(recorded(17), "models"));
    }

    void serverFiltersAndOrders()
    {
        auto store = openStore();
        QVERIFY(store);
        auto byMetric = search(*store, "metrics.accuracy > 0.5");
        QVERIFY(byMetric);
        QCOMPARE(ids(byMetric->models), recordedIds(recorded(20)));
        auto byDigest = search(*store, "metrics.accuracy > 0.85", {{"cifar10-eval", std::string("12fe2f12")}});
        QVERIFY(byDigest);
        QCOMPARE(ids(byDigest->models), recordedIds(recorded(22)));
        auto byParamAndName = search(*store, "params.x = '1' AND name LIKE 'res%'");
        QVERIFY(byParamAndName);
        QCOMPARE(ids(byParamAndName->models), recordedIds(recorded(23)));
        LoggedModelOrder order;
        order.fieldName = "metrics.accuracy";
        order.ascending = false;
        order.datasetName = "cifar10-eval";
        auto ordered = search(*store, "", {}, {order});
        QVERIFY(ordered);
        QCOMPARE(ids(ordered->models), recordedIds(recorded(24)));
        QCOMPARE(ordered->models.size(), std::size_t(5));
        // The 3.6 server compares status with its SQL store's integer column and answers nothing
        // (exchange 25); Runlens reads the experiments' models and keeps the READY ones.
        QVERIFY(recordedIds(recorded(25)).empty());
        m_server->clearLog();
        auto byStatus = search(*store, "status = 'READY'");
        QVERIFY2(byStatus, byStatus ? "" : byStatus.error().toString().c_str());
        std::vector<std::string> ready;
        for (const json& m : recordedList(recorded(17), "models")) {
            if (m["info"]["status"] == "LOGGED_MODEL_READY")
                ready.push_back(m["info"]["model_id"].get<std::string>());
        }
        QVERIFY(!ready.empty());
        QCOMPARE(ids(byStatus->models), ready);
        for (const ReplayRequest& r : m_server->requests()) {
            if (r.path == "/api/2.0/mlflow/logged-models/search")
                QVERIFY(!json::parse(r.body.toStdString()).contains("filter"));
        }
    }

    // The server matches no metric for a dataset named without its digest (recorded: an empty
    // reply); MLflow's stores match the name. Runlens asks for the experiments' models and applies
    // the filter itself, which gives the stores' answer.
    void datasetNamedWithoutDigestIsEvaluatedHere()
    {
        QVERIFY(recordedIds(recorded(21)).empty());
        auto store = openStore();
        QVERIFY(store);
        auto found = search(*store, "metrics.accuracy > 0.85", {{"cifar10-eval", std::nullopt}});
        QVERIFY2(found, found ? "" : found.error().toString().c_str());
        std::vector<std::string> names;
        for (const LoggedModel& m : found->models)
            names.push_back(m.name);
        QCOMPARE(names, (std::vector<std::string> {"resnet-ft"}));
        for (const ReplayRequest& r : m_server->requests()) {
            if (r.path == "/api/2.0/mlflow/logged-models/search")
                QVERIFY(!json::parse(r.body.toStdString()).contains("datasets"));
        }
    }

    void getsOneModelAndNotDeletedOnes()
    {
        auto store = openStore();
        QVERIFY(store);
        for (int seq : {26, 27}) {
            const json& want = recorded(seq)["model"];
            auto model = store->loggedModel(want["info"]["model_id"].get<std::string>());
            QVERIFY2(model, model ? "" : model.error().toString().c_str());
            COMPARE_JSON(runlens::test::plain(mlflowjson::toJson(*model)), want);
        }
        for (const char* gone : {"m-5c89ebb6d2004bbc9001f6b2ed5db9aa", "m-00000000000000000000000000000000"}) {
            auto model = store->loggedModel(gone);
            QVERIFY(!model);
            QCOMPARE(model.error().code, ErrorCode::ResourceDoesNotExist);
        }
    }

    // A filter MLflow rejects is rejected before any request, with the same error class.
    void badFilterIsAnInvalidParameter()
    {
        QCOMPARE(recorded(61)["error_code"].get<std::string>(), std::string("INVALID_PARAMETER_VALUE"));
        auto store = openStore();
        QVERIFY(store);
        m_server->clearLog();
        auto found = search(*store, "metrics.accuracy >> 1");
        QVERIFY(!found);
        QCOMPARE(found.error().code, ErrorCode::InvalidParameterValue);
        QCOMPARE(m_server->requestCount("/api/2.0/mlflow/logged-models/search"), 0);
    }

    void runsCarryModelInputsAndOutputs()
    {
        auto store = openStore();
        QVERIFY(store);
        for (int seq : {8, 9, 10}) {
            const json& want = recorded(seq)["run"];
            auto run = store->run(want["info"]["run_id"].get<std::string>());
            QVERIFY2(run, run ? "" : run.error().toString().c_str());
            std::vector<std::string> inputs, wantInputs, outputs, wantOutputs;
            for (const ModelInput& m : run->modelInputs)
                inputs.push_back(m.modelId);
            for (const json& m : want["inputs"].value("model_inputs", json::array()))
                wantInputs.push_back(m["model_id"].get<std::string>());
            for (const ModelOutput& m : run->modelOutputs)
                outputs.push_back(m.modelId + "@" + std::to_string(m.step));
            for (const json& m : want["outputs"].value("model_outputs", json::array()))
                wantOutputs.push_back(
                    m["model_id"].get<std::string>() + "@" + std::to_string(m["step"].get<std::int64_t>()));
            QVERIFY(!wantInputs.empty() || !wantOutputs.empty());
            QCOMPARE(inputs, wantInputs);
            QCOMPARE(outputs, wantOutputs);
        }
    }

    // A 3.x history point also names its model, run and dataset; the points themselves are read.
    void historyOfAModelMetric()
    {
        // Without a page size the 3.6 server answers with no points (exchange 11); Runlens always
        // names one, so it is answered like exchange 12.
        m_server->setHandler([this](const ReplayRequest& r) -> std::optional<ReplayResponse> {
            if (r.path == "/api/2.0/mlflow/metrics/get-history" && r.queryValue("metric_key") == "accuracy"
                && !r.queryValue("max_results").empty())
                return m_server->exchange(12).response;
            return sameRequest(r);
        });
        auto store = openStore();
        QVERIFY(store);
        auto history = store->metricHistory("ff5938fa6d7b4bbb8b7d716bc61803fd", "accuracy");
        QVERIFY2(history, history ? "" : history.error().toString().c_str());
        COMPARE_JSON(runlens::test::pointsJson("accuracy", *history), recordedList(recorded(12), "metrics"));
    }

    // A 3.6 server over the file store sends each history point's dataset and run; the points
    // keep them, and the CLI's history JSON says them exactly as the server did.
    void historyPointsCarryWhatTheyWereLoggedOn()
    {
        ReplayServer fileServer(QStringLiteral(RUNLENS_TEST_DATA_DIR "/mlflow-3.6/rest-filestore-history.jsonl"));
        QVERIFY(fileServer.start());
        const auto versionExchange = std::find_if(m_server->exchanges().begin(), m_server->exchanges().end(),
            [](const auto& e) { return e.path == "/version"; });
        QVERIFY(versionExchange != m_server->exchanges().end());
        fileServer.setHandler([&](const ReplayRequest& r) -> std::optional<ReplayResponse> {
            if (r.path == "/version") // the same 3.6 server; the file-store recording has only histories
                return versionExchange->response;
            return fileServer.replay(r);
        });
        RestConnection c;
        c.baseUrl = fileServer.baseUrl();
        c.maxRetries = 0;
        auto store = RestStore::open(c);
        QVERIFY2(store, store ? "" : store.error().toString().c_str());

        int pointsWithDataset = 0;
        for (const auto& e : fileServer.exchanges()) {
            std::string runId, key;
            for (const auto& [name, value] : e.query) {
                if (name == "run_id")
                    runId = value;
                else if (name == "metric_key")
                    key = value;
            }
            auto history = (*store)->metricHistoryWithSources(runId, key);
            QVERIFY2(history, history ? "" : history.error().toString().c_str());
            const json& want = recordedList(e.responseJson, "metrics");
            QCOMPARE(history->points.size(), want.size());
            for (std::size_t i = 0; i < want.size(); ++i) {
                const PointSource* source = history->sourceOf(i);
                COMPARE_JSON(runlens::test::plain(mlflowjson::toJson(key, runId, history->points[i], source)), want[i]);
                pointsWithDataset += source && !source->datasetName.empty();
            }
        }
        QCOMPARE(fileServer.unmatched(), std::vector<std::string> {});
        QVERIFY(pointsWithDataset >= 5); // the recording has them; without sources this would be 0
    }

    void versionsNameTheirLoggedModel()
    {
        auto store = openStore();
        QVERIFY(store);
        auto versions = store->modelVersions("resnet-classifier");
        QVERIFY2(versions, versions ? "" : versions.error().toString().c_str());
        QCOMPARE(versions->size(), recordedList(recorded(34), "model_versions").size());
        for (const ModelVersion& v : *versions) {
            if (v.source.starts_with("models:/"))
                QCOMPARE(sourceLoggedModelId(v), std::optional<std::string>(v.source.substr(8)));
            else
                QCOMPARE(sourceLoggedModelId(v), std::nullopt);
        }
    }

    void promptsAreListedApart()
    {
        auto store = openStore();
        QVERIFY(store);
        auto prompts = store->prompts();
        QVERIFY2(prompts, prompts ? "" : prompts.error().toString().c_str());
        QCOMPARE(prompts->size(), std::size_t(1));
        QCOMPARE(prompts->front().name, std::string("summarize-prompt"));
        auto models = store->registeredModels();
        QVERIFY2(models, models ? "" : models.error().toString().c_str());
        for (const RegisteredModel& m : *models)
            QVERIFY(!isPrompt(m.tags));
    }
};

QTEST_GUILESS_MAIN(TestRestLoggedModels)
#include "tst_restloggedmodels.moc"
