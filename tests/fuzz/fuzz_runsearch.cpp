// SPDX-License-Identifier: Apache-2.0
// The run search language: parse a filter and order_by clauses, then evaluate, sort and render them
// for both dialects over a few runs with the values that make comparisons interesting (NaN, ±inf,
// missing keys, deleted runs, datasets). Input: the filter, then one order_by clause per part.

#include "fuzzinput.h"
#include "search/runsearch.h"
#include "stores/rest/mlflowjson.h"

#include <nlohmann/json.hpp>

#include <cstdlib>

namespace {

using namespace runlens;

const char* const kRuns[] = {
    R"({"info": {"run_id": "ff5938fa6d7b4bbb8b7d716bc61803fd", "experiment_id": "1", "run_name": "resnet50-finetune",
        "user_id": "root", "status": "FINISHED", "start_time": 1796630433576, "end_time": 1796630433650,
        "artifact_uri": "/s/mlruns/1/ff5938fa6d7b4bbb8b7d716bc61803fd/artifacts", "lifecycle_stage": "active"},
      "data": {"metrics": [{"key": "accuracy", "value": 0.97, "timestamp": 1735689640010, "step": 1},
                           {"key": "loss", "value": "NaN", "timestamp": 1, "step": -9223372036854775808},
                           {"key": "big", "value": "Infinity", "timestamp": 2, "step": 9223372036854775807}],
               "params": [{"key": "lr", "value": "0.0001"}, {"key": "optimizer", "value": "adam"},
                          {"key": "weird key", "value": ""}],
               "tags": [{"key": "mlflow.runName", "value": "resnet50-finetune"}, {"key": "mlflow.user", "value": "root"},
                        {"key": "mlflow.parentRunId", "value": "27d9fb21d1b74148ad93051331912a37"}]},
      "inputs": {"dataset_inputs": [{"tags": [{"key": "mlflow.data.context", "value": "training"}],
                 "dataset": {"name": "cifar10-train", "digest": "07c1c02c", "source_type": "local", "source": "{}"}}]}})",
    R"({"info": {"run_id": "27d9fb21d1b74148ad93051331912a37", "experiment_id": "1", "run_name": "crashed-oom",
        "user_id": "", "status": "FAILED", "start_time": 1796630433716, "lifecycle_stage": "deleted"},
      "data": {"metrics": [{"key": "loss", "value": "-Infinity", "timestamp": 1735689660000, "step": 0},
                           {"key": "accuracy", "value": -0.0, "timestamp": 0, "step": 0}],
               "params": [{"key": "lr", "value": "1e-3"}, {"key": "optimizer", "value": "ADAM%"}],
               "tags": [{"key": "mlflow.runName", "value": "crashed-oom"}, {"key": "note", "value": "ünïcode 'q' \"d\""}]}})",
    R"({"info": {"run_id": "0", "experiment_id": "2", "status": "RUNNING", "lifecycle_stage": "active"}})",
};

std::vector<Run> sampleRuns()
{
    std::vector<Run> runs;
    for (const char* text : kRuns) {
        auto run = mlflowjson::runFromJson(nlohmann::json::parse(text));
        if (!run)
            std::abort(); // the samples themselves are wrong
        runs.push_back(std::move(*run));
    }
    return runs;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static const std::vector<Run> runs = sampleRuns();
    const auto parts = fuzz::splitParts({reinterpret_cast<const char*>(data), size});
    std::vector<std::string> orderBy(parts.begin() + 1, parts.end());
    auto search = RunSearch::parse(parts.front(), orderBy);
    if (!search) {
        (void)search.error().message.size();
        return 0;
    }
    (void)search->requiredFields();
    (void)search->mlflowOrderBy();
    // What is sent to MLflow must parse again, and the server's part may only widen the result.
    if (auto compatible = search->mlflowCompatibleFilter(); compatible && !RunSearch::parse(*compatible, {}))
        std::abort();
    auto server = RunSearch::parse(search->mlflowServerFilter(), {});
    if (!server)
        std::abort();
    for (SearchDialect dialect : {SearchDialect::FileStore, SearchDialect::Sql}) {
        for (const Run& run : runs)
            if (search->matches(run, dialect) && !server->matches(run, dialect))
                std::abort();
        std::vector<Run> sorted = runs;
        search->sort(sorted, dialect);
        for (std::size_t i = 0; i < runs.size(); ++i)
            for (std::size_t j = 0; j < runs.size(); ++j)
                if (search->lessThan(runs[i], runs[j], dialect) && search->lessThan(runs[j], runs[i], dialect))
                    std::abort(); // not a strict weak order: merging sorted pages would go wrong
        (void)search->apply(runs, dialect, 1);
    }
    return 0;
}
