// SPDX-License-Identifier: Apache-2.0
// Logged models (MLflow 3) as both local stores read them, against what MLflow 3.6 read back from
// the same stores (tests/data/mlflow-3.6/expected.json).
#include "loggedmodelrun.h"
#include "mlflow3fixture.h"
#include "search/loggedmodelsearch.h"
#include "storefactory.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <tuple>

using namespace runlens;
using Json = nlohmann::json;

namespace {

double jsonNumber(const Json& v)
{
    if (v.is_string()) {
        const std::string s = v.get<std::string>();
        if (s == "NaN")
            return std::nan("");
        return s.front() == '-' ? -INFINITY : INFINITY;
    }
    return v.get<double>();
}

std::optional<std::string> optionalText(const Json& v)
{
    return v.is_string() ? std::optional<std::string>(v.get<std::string>()) : std::nullopt;
}

using MetricRow
    = std::tuple<std::string, std::string, std::int64_t, std::int64_t, std::string, std::string, std::string>;

MetricRow row(const std::string& key, double value, std::int64_t ts, std::int64_t step,
    const std::optional<std::string>& dataset, const std::optional<std::string>& digest,
    const std::optional<std::string>& runId)
{
    return {key, std::isnan(value) ? std::string("nan") : std::to_string(value), ts, step, dataset.value_or("-"),
        digest.value_or("-"), runId.value_or("-")};
}

} // namespace

class TestLoggedModels : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void readsEveryModelAsMlflow_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("file") << QStringLiteral("file");
        QTest::newRow("sqlite") << QStringLiteral("sqlite");
    }

    // Every field of every logged model, in MLflow's order (creation DESC); metrics as a multiset:
    // the file store lists them in the folder's order, which os.listdir leaves undefined.
    void readsEveryModelAsMlflow()
    {
        QFETCH(QString, kind);
        QVERIFY2(test::mlflow3Expected(kind).is_object(), "mlflow-3.6/expected.json is missing");
        auto store = openStore(test::mlflow3StorePath(kind).toStdString());
        QVERIFY2(store, store ? "" : store.error().message.c_str());
        int compared = 0;
        for (const Json& e : test::mlflow3Expected(kind)["experiments"]) {
            LoggedModelQuery query;
            query.experimentIds = {e["experiment_id"].get<std::string>()};
            auto found = (*store)->searchLoggedModels(query);
            QVERIFY2(found, found ? "" : found.error().message.c_str());
            QVERIFY(found->problems.empty());
            const Json models = e.value("logged_models", Json::array());
            QCOMPARE(found->models.size(), models.size());
            for (std::size_t i = 0; i < models.size(); ++i) {
                const Json& want = models[i];
                const LoggedModel& got = found->models[i];
                QCOMPARE(got.modelId, want["model_id"].get<std::string>());
                QCOMPARE(got.name, want["name"].get<std::string>());
                QCOMPARE(got.experimentId, want["experiment_id"].get<std::string>());
                QCOMPARE(std::string(loggedModelStatusName(got.status)), want["status"].get<std::string>());
                QCOMPARE(got.sourceRunId, optionalText(want["source_run_id"]));
                QCOMPARE(got.modelType, optionalText(want["model_type"]));
                QCOMPARE(got.statusMessage, optionalText(want["status_message"]));
                QCOMPARE(got.artifactLocation, want["artifact_location"].get<std::string>());
                QCOMPARE(got.creationTimestamp, want["creation_timestamp"].get<std::int64_t>());
                QCOMPARE(got.lastUpdatedTimestamp, want["last_updated_timestamp"].get<std::int64_t>());
                const auto params = want["params"].get<std::map<std::string, std::string>>();
                std::map<std::string, std::string> gotParams;
                for (const KeyValue& p : got.params)
                    gotParams[p.key] = p.value;
                QCOMPARE(gotParams, params);
                const auto tags = want["tags"].get<std::map<std::string, std::string>>();
                std::map<std::string, std::string> gotTags;
                for (const KeyValue& t : got.tags)
                    gotTags[t.key] = t.value;
                QCOMPARE(gotTags, tags);
                std::vector<MetricRow> wantMetrics;
                if (want["metrics"].is_array()) {
                    for (const Json& m : want["metrics"]) {
                        wantMetrics.push_back(
                            row(m["key"].get<std::string>(), jsonNumber(m["value"]), m["timestamp"].get<std::int64_t>(),
                                m["step"].get<std::int64_t>(), optionalText(m["dataset_name"]),
                                optionalText(m["dataset_digest"]), optionalText(m["run_id"])));
                    }
                }
                std::vector<MetricRow> gotMetrics;
                for (const ModelMetric& m : got.metrics) {
                    gotMetrics.push_back(row(m.key, m.point.value, m.point.timestamp, m.point.step, m.datasetName,
                        m.datasetDigest, m.runId));
                }
                std::sort(wantMetrics.begin(), wantMetrics.end());
                std::sort(gotMetrics.begin(), gotMetrics.end());
                QVERIFY2(gotMetrics == wantMetrics,
                    (kind + QStringLiteral(" ") + QString::fromStdString(got.name)).toUtf8());
                ++compared;
            }
        }
        QVERIFY(compared >= 4);
    }

    void getsOneModelAndNotDeletedOnes_data() { readsEveryModelAsMlflow_data(); }
    void getsOneModelAndNotDeletedOnes()
    {
        QFETCH(QString, kind);
        auto store = openStore(test::mlflow3StorePath(kind).toStdString());
        QVERIFY(store);
        const Json& experiments = test::mlflow3Expected(kind)["experiments"];
        for (const Json& e : experiments) {
            for (const Json& want : e.value("logged_models", Json::array())) {
                auto one = (*store)->loggedModel(want["model_id"].get<std::string>());
                QVERIFY2(one, one ? "" : one.error().message.c_str());
                QCOMPARE(one->name, want["name"].get<std::string>());
            }
        }
        for (const Json& deleted : test::mlflow3Expected(kind).value("deleted_logged_models", Json::array())) {
            const std::string id
                = deleted.is_string() ? deleted.get<std::string>() : deleted.value("model_id", std::string());
            if (id.empty())
                continue;
            auto gone = (*store)->loggedModel(id);
            QVERIFY(!gone);
            QCOMPARE(gone.error().code, ErrorCode::ResourceDoesNotExist);
        }
    }

    // A metric filter is where the stores differ: the file store tests each model's first metric of
    // that key, the SQL store every logged value (recorded from MLflow 3.6: resnet-ft only vs both).
    void metricFilterFollowsEachStore_data() { readsEveryModelAsMlflow_data(); }
    void metricFilterFollowsEachStore()
    {
        QFETCH(QString, kind);
        auto store = openStore(test::mlflow3StorePath(kind).toStdString());
        QVERIFY(store);
        LoggedModelQuery query;
        for (const Json& e : test::mlflow3Expected(kind)["experiments"])
            query.experimentIds.push_back(e["experiment_id"].get<std::string>());
        query.filter = "metrics.accuracy > 0.85";
        auto found = (*store)->searchLoggedModels(query);
        QVERIFY(found);
        std::vector<std::string> names;
        for (const LoggedModel& m : found->models)
            names.push_back(m.name);
        std::sort(names.begin(), names.end());
        if (kind == QLatin1String("file"))
            QCOMPARE(names, (std::vector<std::string> {"resnet-ft"}));
        else
            QCOMPARE(names, (std::vector<std::string> {"resnet-ft", "resnet-pyfunc"}));
    }

    // A model seen as a run (for the run panels): its latest value per metric and dataset under
    // "key (dataset)", and every logged point as that metric's history.
    void modelsReadAsRuns_data() { readsEveryModelAsMlflow_data(); }
    void modelsReadAsRuns()
    {
        QFETCH(QString, kind);
        auto store = openStore(test::mlflow3StorePath(kind).toStdString());
        QVERIFY(store);
        LoggedModelQuery query;
        for (const Json& e : test::mlflow3Expected(kind)["experiments"])
            query.experimentIds.push_back(e["experiment_id"].get<std::string>());
        auto found = (*store)->searchLoggedModels(query);
        QVERIFY(found);
        int withMetrics = 0;
        for (const LoggedModel& m : found->models) {
            const Run run = runFromLoggedModel(m);
            QCOMPARE(run.info.runId, m.modelId);
            QCOMPARE(run.info.runName, m.name);
            QCOMPARE(run.info.startTime, std::optional<std::int64_t>(m.creationTimestamp));
            QCOMPARE(run.info.status == RunStatus::Finished, m.status == LoggedModelStatus::Ready);
            QCOMPARE(run.params.size(), m.params.size());
            std::size_t points = 0;
            for (const Metric& metric : run.metrics) {
                const auto history = loggedModelMetricHistory(m, metric.key);
                QVERIFY(!history.empty());
                points += history.size();
                for (const MetricPoint& p : history)
                    QVERIFY(!isLaterPoint(p, metric.point));
            }
            QCOMPARE(points, m.metrics.size());
            withMetrics += run.metrics.empty() ? 0 : 1;
            if (m.name == "resnet-ft") {
                const Metric* eval = run.metric("accuracy (cifar10-eval)");
                QVERIFY(eval);
                QCOMPARE(eval->point.value, 0.91);
            }
        }
        QVERIFY(withMetrics >= 3);
    }

    void promptsAreListedApartWithTheirVersions_data() { readsEveryModelAsMlflow_data(); }
    void promptsAreListedApartWithTheirVersions()
    {
        QFETCH(QString, kind);
        auto store = openStore(test::mlflow3StorePath(kind).toStdString());
        QVERIFY(store);
        auto prompts = (*store)->prompts();
        QVERIFY(prompts);
        const Json& want = test::mlflow3Expected(kind)["prompts"];
        QCOMPARE(prompts->size(), want.size());
        auto models = (*store)->registeredModels();
        QVERIFY(models);
        for (const RegisteredModel& m : *models)
            QVERIFY(!isPrompt(m.tags));
        for (std::size_t i = 0; i < prompts->size(); ++i) {
            const RegisteredModel& p = (*prompts)[i];
            const Json& w = want[i];
            QCOMPARE(p.name, w["name"].get<std::string>());
            QCOMPARE(p.description, optionalText(w["description"]));
            QCOMPARE(p.creationTimestamp, w["creation_timestamp"].get<std::int64_t>());
            QVERIFY(isPrompt(p.tags));
            auto versions = (*store)->modelVersions(p.name);
            QVERIFY2(versions, versions ? "" : versions.error().message.c_str());
            QCOMPARE(versions->size(), w["versions"].size());
            for (std::size_t k = 0; k < versions->size(); ++k) {
                const ModelVersion& v = (*versions)[k];
                const Json& wv = w["versions"][k];
                QCOMPARE(v.version, wv["version"].get<std::int64_t>());
                QCOMPARE(v.creationTimestamp, wv["creation_timestamp"].get<std::int64_t>());
                QCOMPARE(v.aliases, wv["aliases"].get<std::vector<std::string>>());
                // The template as MLflow's PromptVersion gives it: text, or a chat's messages as JSON.
                const std::string* text = findValue(v.tags, kPromptTextTag);
                QVERIFY(text);
                const Json& template_ = wv["template"];
                if (template_.is_string())
                    QCOMPARE(*text, template_.get<std::string>());
                else
                    QVERIFY(Json::parse(*text) == template_);
                // PromptVersion.tags leaves out MLflow's own keys; the user's are all there.
                for (const auto& [key, value] : wv["tags"].items()) {
                    const std::string* got = findValue(v.tags, key);
                    QVERIFY2(got && *got == value.get<std::string>(), key.c_str());
                }
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestLoggedModels)
#include "tst_loggedmodels.moc"
