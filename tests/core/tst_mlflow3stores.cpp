// SPDX-License-Identifier: Apache-2.0
// Stores written by MLflow 3.6, read whole: experiments, runs (with model inputs and outputs,
// histories and artifacts) and the registry (with each version's logged model), against what
// MLflow 3.6 read back (tests/data/mlflow-3.6/expected.json). Logged models: tst_loggedmodels.
#include "expectedjson.h"
#include "storefactory.h"

#include <QTest>

using namespace runlens;
using test::Json;

namespace {

std::int64_t lineField(const std::string& line, int index)
{
    std::size_t start = 0;
    for (int i = 0; i < index; ++i)
        start = line.find(' ', start) + 1;
    return std::stoll(line.substr(start, line.find(' ', start) - start));
}

/**
 * MLflow 3.6's file store reads the step of a five-field metric line
 * ("ts value step dataset digest") as 0 (docs/mlflow3.md). Runlens keeps the written step, so the
 * expected histories and latest points of those metrics take their steps from the raw lines,
 * which expected.json recorded beside MLflow's answer.
 */
Json withWrittenSteps(Json store)
{
    if (!store.contains("raw_checks"))
        return store;
    for (const Json& check : store["raw_checks"]["run_metric_lines_with_dataset"]) {
        const std::string runId = check["run_id"].get<std::string>();
        const std::string key = check["key"].get<std::string>();
        for (Json& experiment : store["experiments"]) {
            for (Json& run : experiment["runs"]) {
                if (run["run_id"].get<std::string>() != runId)
                    continue;
                Json& history = run["metric_histories"][key];
                std::map<std::int64_t, std::int64_t> stepAt; // timestamp -> written step
                for (const Json& line : check["raw_lines"])
                    stepAt[lineField(line.get<std::string>(), 0)] = lineField(line.get<std::string>(), 2);
                MetricPoint latest;
                bool any = false;
                for (Json& point : history) {
                    const auto ts = point[1].get<std::int64_t>();
                    if (stepAt.count(ts))
                        point[0] = stepAt[ts];
                    const MetricPoint p {ts, test::expectedDouble(point[2]), point[0].get<std::int64_t>()};
                    if (!any || isLaterPoint(p, latest))
                        latest = p;
                    any = true;
                }
                Json& reported = run["latest_metrics"][key];
                reported["step"] = latest.step;
                reported["timestamp"] = latest.timestamp;
                reported["value"] = latest.value;
            }
        }
    }
    return store;
}

/**
 * MLflow 3.6's SQL store leaves aliases out of search_model_versions (get_model_version fills
 * them; the file store fills both). Runlens gives every version its aliases, so the expected
 * versions take theirs from the registered model's alias map.
 */
Json withVersionAliases(Json store)
{
    for (Json& model : store["registered_models"]) {
        for (const char* list : {"versions", "latest_versions"}) {
            for (Json& version : model[list]) {
                std::vector<std::string> aliases;
                for (auto it = model["aliases"].begin(); it != model["aliases"].end(); ++it) {
                    if (test::expectedVersion(it.value()) == test::expectedVersion(version["version"]))
                        aliases.push_back(it.key());
                }
                version["aliases"] = aliases;
            }
        }
    }
    return store;
}

} // namespace

class TestMlflow3Stores : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void readsTheStoreAsMlflow_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("file") << QStringLiteral("file");
        QTest::newRow("sqlite") << QStringLiteral("sqlite");
    }

    void readsTheStoreAsMlflow()
    {
        QFETCH(QString, kind);
        const Json& recorded = test::expectedStore3(kind.toStdString());
        QVERIFY2(recorded.is_object(), "mlflow-3.6/expected.json is missing or unreadable");
        auto store = openStore(test::mlflow3StorePath(kind).toStdString());
        QVERIFY2(store, store ? "" : store.error().message.c_str());
        test::CompareOptions options;
        options.experimentIdsAsNumbers = kind == QLatin1String("sqlite");
        const auto mismatches
            = test::compareStoreWithExpected(**store, withVersionAliases(withWrittenSteps(recorded)), options);
        QVERIFY2(mismatches.empty(), test::joinMismatches(mismatches).c_str());
    }
};

QTEST_GUILESS_MAIN(TestMlflow3Stores)
#include "tst_mlflow3stores.moc"
