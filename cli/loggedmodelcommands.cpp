// SPDX-License-Identifier: Apache-2.0
// logged-models: MLflow 3's logged models, listed and searched like runs.
#include "commands.h"

#include "commandline.h"
#include "commandsupport.h"
#include "search/loggedmodelsearch.h"
#include "stores/rest/mlflowjson.h"
#include "tablewriter.h"
#include "text/numberformat.h"

#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

namespace runlens::cli {

namespace {

// NAME or NAME@DIGEST.
DatasetFilter datasetOption(const std::string& text)
{
    DatasetFilter d;
    const auto at = text.rfind('@');
    d.name = at == std::string::npos ? text : text.substr(0, at);
    if (at != std::string::npos)
        d.digest = text.substr(at + 1);
    return d;
}

} // namespace

int loggedModelsCommand(const std::vector<std::string>& args)
{
    const std::vector<std::string> formats {"table", "csv", "json", "ids"};
    CommandLine cl("logged-models",
        "List logged models (MLflow 3) in MLflow's order (newest first), or search them with MLflow's\n"
        "search_logged_models language. json prints MLflow REST logged-models/search items.",
        {kStoreOption, {"experiment", "NAME_OR_ID", "Experiment to list (default: every active experiment)", true},
            {"model", "MODEL_ID", "Print one logged model (m-...) instead of a listing"},
            {"filter", "EXPR", "Filter, e.g. \"metrics.accuracy > 0.9 and params.lr = '0.01'\""},
            {"dataset", "NAME[@DIGEST]", "Only metrics on this dataset count", true},
            {"order-by", "CLAUSE", "Order, e.g. \"metrics.accuracy DESC\" or \"name\"", true},
            {"order-dataset", "NAME[@DIGEST]", "The dataset whose metric values --order-by uses"},
            {"max", "N", "At most N models"},
            {"format", "FORMAT", "Output: " + joinChoices(formats) + " (default table)"}});
    std::string chosenFormat;
    if (const int status = parseWithFormat(cl, args, formats, chosenFormat); status >= 0)
        return status;
    const std::string* format = &chosenFormat;

    LoggedModelQuery query;
    query.filter = cl.value("filter").value_or(std::string {});
    for (const auto& d : cl.values("dataset"))
        query.datasets.push_back(datasetOption(d));
    const auto orderDataset = cl.value("order-dataset");
    for (const auto& clause : cl.values("order-by")) {
        auto order = LoggedModelSearch::parseOrder(clause);
        if (!order)
            return fail(order.error());
        if (orderDataset && order->fieldName.starts_with("metrics.")) {
            const DatasetFilter d = datasetOption(*orderDataset);
            order->datasetName = d.name;
            order->datasetDigest = d.digest;
        }
        query.orderBy.push_back(std::move(*order));
    }
    std::string maxError;
    query.maxResults = positiveOption(cl, "max", maxError);
    if (!maxError.empty())
        return usageError(cl, maxError);

    auto store = openFrom(cl);
    if (!store)
        return fail(store.error());

    std::vector<LoggedModel> models;
    if (const auto id = cl.value("model")) {
        auto model = (*store)->loggedModel(*id);
        if (!model)
            return fail(model.error());
        models.push_back(std::move(*model));
    } else {
        auto ids = resolveExperiments(**store, cl.values("experiment"));
        if (!ids)
            return fail(ids.error());
        query.experimentIds = std::move(*ids);
        auto result = (*store)->searchLoggedModels(query);
        if (!result)
            return fail(result.error());
        printProblems(result->problems);
        models = std::move(result->models);
    }

    if (*format == "ids") {
        for (const auto& m : models)
            std::cout << m.modelId << '\n';
        return ExitOk;
    }
    if (*format == "json") {
        mlflowjson::Json out = mlflowjson::Json::array();
        for (const auto& m : models)
            out.push_back(mlflowjson::toJson(m));
        printJson(out);
        return ExitOk;
    }

    // One column per metric and dataset, holding its latest value.
    std::vector<std::vector<ModelMetric>> latest;
    std::set<std::string> metricLabels;
    for (const auto& m : models) {
        latest.push_back(latestModelMetrics(m));
        for (const auto& metric : latest.back())
            metricLabels.insert(modelMetricLabel(metric));
    }
    const auto paramKeys = unionOfKeys(models, [](const LoggedModel& m, std::set<std::string>& keys) {
        for (const auto& p : m.params)
            keys.insert(p.key);
    });
    const bool csv = *format == "csv";
    std::vector<std::string> header {csv ? "model_id" : "MODEL ID", csv ? "name" : "NAME", csv ? "status" : "STATUS",
        csv ? "experiment_id" : "EXPERIMENT", csv ? "source_run_id" : "SOURCE RUN", csv ? "model_type" : "TYPE",
        csv ? "creation_timestamp" : "CREATED"};
    if (csv)
        header.push_back("artifact_location");
    for (const auto& label : metricLabels)
        header.push_back("metrics." + label);
    for (const auto& k : paramKeys)
        header.push_back("params." + k);
    TableWriter table(header);
    for (std::size_t i = 0; i < models.size(); ++i) {
        const LoggedModel& m = models[i];
        std::vector<std::string> row {m.modelId, m.name, std::string(loggedModelStatusName(m.status)), m.experimentId,
            m.sourceRunId.value_or(""), m.modelType.value_or(""),
            csv ? formatTimestampUtc(m.creationTimestamp) : localTime(m.creationTimestamp)};
        if (csv)
            row.push_back(m.artifactLocation);
        std::map<std::string, double> values;
        for (const auto& metric : latest[i])
            values.emplace(modelMetricLabel(metric), metric.point.value);
        for (const auto& label : metricLabels) {
            const auto it = values.find(label);
            row.push_back(it == values.end() ? std::string() : formatDouble(it->second));
        }
        for (const auto& k : paramKeys) {
            const std::string* v = m.param(k);
            row.push_back(v ? *v : std::string());
        }
        table.addRow(std::move(row));
    }
    table.write(std::cout, csv);
    return ExitOk;
}

} // namespace runlens::cli
