// SPDX-License-Identifier: Apache-2.0
// The logged-model search language: parse a filter, order clauses and dataset restrictions, then
// evaluate and sort them for both dialects over a few models (metrics per dataset, NaN, missing
// keys, a deleted model). Input: the filter, then one part per order clause, or per dataset as
// "dataset NAME[@DIGEST]".

#include "fuzzinput.h"
#include "search/loggedmodelsearch.h"
#include "stores/rest/mlflowjson.h"

#include <nlohmann/json.hpp>

#include <cstdlib>

namespace {

using namespace runlens;

const char* const kModels[] = {
    R"({"info": {"model_id": "m-596b9dae0a024f30a2b4f78c92dbbff0", "experiment_id": "2", "name": "support-agent",
        "creation_timestamp_ms": 1796630433753, "last_updated_timestamp_ms": 1796630433762,
        "artifact_uri": "/s/mlruns/2/models/m-596b9dae0a024f30a2b4f78c92dbbff0/artifacts",
        "status": "LOGGED_MODEL_READY", "model_type": "agent", "source_run_id": "5e20d875be0342f0840ec0cfd5cc5b63",
        "tags": [{"key": "mlflow.source.type", "value": "LOCAL"}, {"key": "owner", "value": "nlp"}]},
      "data": {"params": [{"key": "llm", "value": "tiny-llm"}, {"key": "temperature", "value": "0.2"}],
               "metrics": [{"key": "answer_correctness", "value": 0.66, "timestamp": 1735689670000, "step": 0,
                            "dataset_name": "support-qa", "dataset_digest": "85d0bf66",
                            "model_id": "m-596b9dae0a024f30a2b4f78c92dbbff0", "run_id": "5e20d875be0342f0840ec0cfd5cc5b63"},
                           {"key": "answer_correctness", "value": "NaN", "timestamp": 1735689670000, "step": 1,
                            "dataset_name": "support-qa", "dataset_digest": "00000000"},
                           {"key": "latency_ms", "value": 120.0, "timestamp": 1735689670001, "step": 0}]}})",
    R"({"info": {"model_id": "m-0e4af5af47094443abd84f153ea85e68", "experiment_id": "2", "name": "agent-broken",
        "creation_timestamp_ms": 1796630433776, "last_updated_timestamp_ms": 1796630433780,
        "status": "LOGGED_MODEL_UPLOAD_FAILED", "status_message": "disk full",
        "tags": [{"key": "mlflow.source.type", "value": "LOCAL"}]},
      "data": {"metrics": [{"key": "latency_ms", "value": "-Infinity", "timestamp": -1, "step": -9223372036854775808}]}})",
    R"({"info": {"model_id": "m-77b76a7efe6d42f287fb73eecbca0000", "experiment_id": "3", "name": "",
        "creation_timestamp_ms": 0, "status": "LOGGED_MODEL_PENDING"}, "data": {}})",
};

std::vector<LoggedModel> sampleModels()
{
    std::vector<LoggedModel> models;
    for (const char* text : kModels) {
        auto model = mlflowjson::loggedModelFromJson(nlohmann::json::parse(text));
        if (!model)
            std::abort(); // the samples themselves are wrong
        models.push_back(std::move(*model));
    }
    models.back().lifecycleStage = LifecycleStage::Deleted;
    return models;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static const std::vector<LoggedModel> models = sampleModels();
    const auto parts = fuzz::splitParts({reinterpret_cast<const char*>(data), size});
    std::vector<LoggedModelOrder> orderBy;
    std::vector<DatasetFilter> datasets;
    constexpr std::string_view datasetPrefix = "dataset ";
    for (std::size_t i = 1; i < parts.size(); ++i) {
        std::string_view part = parts[i];
        if (part.substr(0, datasetPrefix.size()) == datasetPrefix) {
            part.remove_prefix(datasetPrefix.size());
            DatasetFilter dataset;
            const std::size_t at = part.find('@');
            dataset.name = std::string(part.substr(0, at));
            if (at != std::string_view::npos)
                dataset.digest = std::string(part.substr(at + 1));
            datasets.push_back(std::move(dataset));
            continue;
        }
        auto order = LoggedModelSearch::parseOrder(part);
        if (!order)
            return 0;
        orderBy.push_back(std::move(*order));
    }
    auto search = LoggedModelSearch::parse(parts.front(), orderBy, datasets);
    if (!search) {
        (void)search.error().message.size();
        return 0;
    }
    // What is sent to MLflow must parse again.
    if (auto compatible = search->mlflowCompatibleFilter(); compatible && !LoggedModelSearch::parse(*compatible, {}))
        std::abort();
    for (SearchDialect dialect : {SearchDialect::FileStore, SearchDialect::Sql}) {
        for (const LoggedModel& model : models)
            (void)search->matches(model, dialect);
        std::vector<LoggedModel> sorted = models;
        search->sort(sorted, dialect);
        (void)search->apply(std::vector<LoggedModel>(models), dialect, 2);
    }
    for (const LoggedModel& model : models)
        for (const ModelMetric& metric : model.metrics)
            for (const DatasetFilter& dataset : datasets)
                (void)isMetricOnDataset(metric, dataset);
    return 0;
}
