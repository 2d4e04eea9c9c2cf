// SPDX-License-Identifier: Apache-2.0
#include "commands.h"

#include "commandline.h"
#include "commandsupport.h"
#include "storefactory.h"
#include "stores/rest/mlflowjson.h"
#include "tablewriter.h"
#include "text/numberformat.h"

#include <algorithm>
#include <charconv>
#include <ctime>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

namespace runlens::cli {

int reportStoreError(const StoreError& error)
{
    const bool callerError = error.code == ErrorCode::InvalidParameterValue
        || error.code == ErrorCode::ResourceDoesNotExist || error.code == ErrorCode::BadRequest;
    return fail(error.toString(), callerError ? ExitUsage : ExitFailure);
}

int parseCommandArgs(CommandLine& cl, const std::vector<std::string>& args)
{
    if (!cl.parse(args))
        return usageError(cl, cl.error());
    if (cl.helpRequested()) {
        std::cout << cl.helpText();
        return ExitOk;
    }
    return -1;
}

int experimentsCommand(const std::vector<std::string>& args)
{
    const std::vector<std::string> views {"active", "deleted", "all"};
    const std::vector<std::string> formats {"table", "csv", "json"};
    CommandLine cl("experiments", "List the experiments of a store, in MLflow's order (newest first).",
        {kStoreOption, {"view", "VIEW", "Which experiments: " + joinChoices(views) + " (default active)"},
            {"format", "FORMAT", "Output: " + joinChoices(formats) + " (default table)"}});
    if (const int status = parseArgs(cl, args); status >= 0)
        return status;
    const auto view = checkChoice(cl, "view", views, "active");
    if (!view)
        return usageError(cl, "--view must be one of " + joinChoices(views));
    const auto format = checkChoice(cl, "format", formats, "table");
    if (!format)
        return usageError(cl, "--format must be one of " + joinChoices(formats));

    auto store = openFrom(cl);
    if (!store)
        return fail(store.error());
    auto list = (*store)->experiments(viewFromName(*view));
    if (!list)
        return fail(list.error());
    printProblems(list->problems);
    const auto& experiments = list->experiments;

    if (*format == "json") {
        mlflowjson::Json out = mlflowjson::Json::array();
        for (const auto& e : experiments)
            out.push_back(mlflowjson::toJson(e));
        printJson(out);
        return ExitOk;
    }
    if (*format == "csv") {
        const auto tagKeys = unionOfKeys(experiments, [](const Experiment& e, std::set<std::string>& keys) {
            for (const auto& t : e.tags)
                keys.insert(t.key);
        });
        std::vector<std::string> header {
            "experiment_id", "name", "artifact_location", "lifecycle_stage", "creation_time", "last_update_time"};
        for (const auto& k : tagKeys)
            header.push_back("tags." + k);
        TableWriter table(header);
        for (const auto& e : experiments) {
            std::vector<std::string> row {e.experimentId, e.name, e.artifactLocation,
                std::string(lifecycleStageName(e.lifecycleStage)), utcTime(e.creationTime), utcTime(e.lastUpdateTime)};
            for (const auto& k : tagKeys) {
                const std::string* v = findValue(e.tags, k);
                row.push_back(v ? *v : std::string {});
            }
            table.addRow(std::move(row));
        }
        table.writeCsv(std::cout);
        return ExitOk;
    }
    // Trace counts where the store has them (local stores; a server would need a search per experiment).
    const bool traces = std::any_of(
        experiments.begin(), experiments.end(), [](const Experiment& e) { return e.traceCount.has_value(); });
    std::vector<std::string> header {"ID", "NAME", "STAGE", "CREATED", "UPDATED", "TAGS"};
    if (traces)
        header.push_back("TRACES");
    TableWriter table(header);
    for (const auto& e : experiments) {
        std::vector<std::string> row {e.experimentId, e.name, std::string(lifecycleStageName(e.lifecycleStage)),
            localTime(e.creationTime), localTime(e.lastUpdateTime), std::to_string(e.tags.size())};
        if (traces)
            row.push_back(e.traceCount ? std::to_string(*e.traceCount) : std::string());
        table.addRow(std::move(row));
    }
    table.writeTable(std::cout);
    return ExitOk;
}

int runsCommand(const std::vector<std::string>& args)
{
    const std::vector<std::string> views {"active", "deleted", "all"};
    const std::vector<std::string> formats {"table", "csv", "json", "ids"};
    CommandLine cl("runs",
        "List runs in MLflow's order (start time, newest first), or search them with MLflow's filter\n"
        "language. json prints MLflow REST runs/search items; ids prints one run id per line.",
        {kStoreOption, {"experiment", "NAME_OR_ID", "Experiment to list (default: every experiment in the view)", true},
            {"view", "VIEW", "Which runs: " + joinChoices(views) + " (default active)"},
            {"filter", "EXPR", "MLflow search filter, e.g. \"metrics.acc > 0.9 and params.opt = 'adam'\""},
            {"order-by", "CLAUSE", "Order, e.g. \"metrics.acc DESC\"", true}, {"max", "N", "At most N runs"},
            {"format", "FORMAT", "Output: " + joinChoices(formats) + " (default table)"}});
    if (const int status = parseArgs(cl, args); status >= 0)
        return status;
    const auto view = checkChoice(cl, "view", views, "active");
    if (!view)
        return usageError(cl, "--view must be one of " + joinChoices(views));
    const auto format = checkChoice(cl, "format", formats, "table");
    if (!format)
        return usageError(cl, "--format must be one of " + joinChoices(formats));

    RunQuery query;
    query.view = viewFromName(*view);
    query.filter = cl.value("filter").value_or(std::string {});
    query.orderBy = cl.values("order-by");
    std::string maxError;
    query.maxResults = positiveOption(cl, "max", maxError);
    if (!maxError.empty())
        return usageError(cl, maxError);
    if (*format == "ids")
        query.fields = static_cast<RunFields>(RunField::Info);
    else if (*format == "table")
        query.fields = static_cast<RunFields>(RunField::Info) | static_cast<RunFields>(RunField::Metrics)
            | static_cast<RunFields>(RunField::Params);
    else if (*format == "csv")
        query.fields = static_cast<RunFields>(RunField::Info) | static_cast<RunFields>(RunField::Metrics)
            | static_cast<RunFields>(RunField::Params) | static_cast<RunFields>(RunField::Tags);

    auto store = openFrom(cl);
    if (!store)
        return fail(store.error());

    auto ids = resolveExperiments(**store, cl.values("experiment"));
    if (!ids)
        return fail(ids.error());
    query.experimentIds = std::move(*ids);

    auto result = (*store)->searchRuns(query);
    if (!result)
        return fail(result.error());
    printProblems(result->problems);
    const auto& runs = result->runs;

    if (*format == "ids") {
        std::string out;
        out.reserve(runs.size() * 33);
        for (const auto& r : runs) {
            out += r.info.runId;
            out += '\n';
        }
        std::cout << out;
        return ExitOk;
    }
    if (*format == "json") {
        mlflowjson::Json out = mlflowjson::Json::array();
        for (const auto& r : runs)
            out.push_back(mlflowjson::toJson(r));
        printJson(out);
        return ExitOk;
    }

    const auto metricKeys = unionOfKeys(runs, [](const Run& r, std::set<std::string>& keys) {
        for (const auto& m : r.metrics)
            keys.insert(m.key);
    });
    const auto paramKeys = unionOfKeys(runs, [](const Run& r, std::set<std::string>& keys) {
        for (const auto& p : r.params)
            keys.insert(p.key);
    });
    auto addColumns = [&](const Run& r, std::vector<std::string>& row) {
        for (const auto& k : metricKeys) {
            const Metric* m = r.metric(k);
            row.push_back(m ? formatDouble(m->point.value) : std::string {});
        }
        for (const auto& k : paramKeys) {
            const std::string* v = r.param(k);
            row.push_back(v ? *v : std::string {});
        }
    };

    if (*format == "csv") {
        // Column names follow mlflow.search_runs()'s DataFrame.
        const auto tagKeys = unionOfKeys(runs, [](const Run& r, std::set<std::string>& keys) {
            for (const auto& t : r.tags)
                keys.insert(t.key);
        });
        std::vector<std::string> header {"run_id", "experiment_id", "run_name", "status", "artifact_uri", "start_time",
            "end_time", "user_id", "lifecycle_stage"};
        for (const auto& k : metricKeys)
            header.push_back("metrics." + k);
        for (const auto& k : paramKeys)
            header.push_back("params." + k);
        for (const auto& k : tagKeys)
            header.push_back("tags." + k);
        TableWriter table(header);
        for (const auto& r : runs) {
            const auto& i = r.info;
            std::vector<std::string> row {i.runId, i.experimentId, i.runName, std::string(runStatusName(i.status)),
                i.artifactUri, utcTime(i.startTime), utcTime(i.endTime), i.userId,
                std::string(lifecycleStageName(i.lifecycleStage))};
            addColumns(r, row);
            for (const auto& k : tagKeys) {
                const std::string* v = r.tag(k);
                row.push_back(v ? *v : std::string {});
            }
            table.addRow(std::move(row));
        }
        table.writeCsv(std::cout);
        return ExitOk;
    }

    std::vector<std::string> header {"RUN ID", "NAME", "STATUS", "START", "DURATION", "USER"};
    for (const auto& k : metricKeys)
        header.push_back("metrics." + k);
    for (const auto& k : paramKeys)
        header.push_back("params." + k);
    TableWriter table(header);
    for (const auto& r : runs) {
        const auto& i = r.info;
        const std::string duration
            = i.startTime && i.endTime ? formatDuration(*i.endTime - *i.startTime) : std::string {};
        std::vector<std::string> row {
            i.runId, i.runName, std::string(runStatusName(i.status)), localTime(i.startTime), duration, i.userId};
        addColumns(r, row);
        table.addRow(std::move(row));
    }
    table.writeTable(std::cout);
    return ExitOk;
}

int historyCommand(const std::vector<std::string>& args)
{
    const std::vector<std::string> formats {"csv", "json"};
    CommandLine cl("history",
        "Print every logged value of one metric of a run, in logging order.\n"
        "csv columns: step,timestamp,value; json: MLflow REST Metric objects (with run_id, and the\n"
        "dataset_name, dataset_digest and model_id a point was logged on, as MLflow 3 gives them).",
        {kStoreOption, {"run", "RUN_ID", "The run", false, true}, {"metric", "KEY", "The metric key", false, true},
            {"format", "FORMAT", "Output: " + joinChoices(formats) + " (default csv)"}});
    std::string chosenFormat;
    if (const int status = parseWithFormat(cl, args, formats, chosenFormat); status >= 0)
        return status;
    const std::string* format = &chosenFormat;
    auto store = openFrom(cl);
    if (!store)
        return fail(store.error());
    const std::string runId = *cl.value("run");
    const std::string key = *cl.value("metric");
    auto history = (*store)->metricHistoryWithSources(runId, key);
    if (!history)
        return fail(history.error());
    if (*format == "json") {
        mlflowjson::Json out = mlflowjson::Json::array();
        for (std::size_t i = 0; i < history->points.size(); ++i)
            out.push_back(mlflowjson::toJson(key, runId, history->points[i], history->sourceOf(i)));
        printJson(out);
        return ExitOk;
    }
    std::string out = "step,timestamp,value\n";
    for (const auto& p : history->points) {
        out += std::to_string(p.step);
        out += ',';
        out += std::to_string(p.timestamp);
        out += ',';
        out += formatDouble(p.value);
        out += '\n';
    }
    std::cout << out;
    return ExitOk;
}

} // namespace runlens::cli
