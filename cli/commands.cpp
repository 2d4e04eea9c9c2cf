// SPDX-License-Identifier: Apache-2.0
#include "commands.h"

#include "commandline.h"
#include "storefactory.h"
#include "stores/rest/mlflowjson.h"
#include "tablewriter.h"
#include "text/numberformat.h"

#include <charconv>
#include <ctime>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

namespace runlens::cli {

namespace {

const OptionSpec kStoreOption {"store", "URI",
    "Store to read: a path, file:, sqlite:///, or http(s):// URI "
    "(default: MLFLOW_TRACKING_URI, else MLflow's default)"};

int fail(const std::string& message, int status)
{
    std::cerr << "runlens-cli: " << message << '\n';
    return status;
}

int fail(const StoreError& error)
{
    return reportStoreError(error);
}

int usageError(const CommandLine& cl, const std::string& message)
{
    std::cerr << "runlens-cli: INVALID_PARAMETER_VALUE: " << message << "\n\n" << cl.helpText();
    return ExitUsage;
}

int parseArgs(CommandLine& cl, const std::vector<std::string>& args)
{
    return parseCommandArgs(cl, args);
}

Result<std::unique_ptr<Store>> openFrom(const CommandLine& cl)
{
    return openStore(cl.value("store").value_or(std::string {}));
}

std::optional<std::string> checkChoice(
    const CommandLine& cl, const std::string& option, const std::vector<std::string>& choices, std::string fallback)
{
    const std::string v = cl.value(option).value_or(fallback);
    for (const auto& c : choices) {
        if (c == v)
            return v;
    }
    return std::nullopt;
}

std::string joinChoices(const std::vector<std::string>& choices)
{
    std::string out;
    for (const auto& c : choices)
        out += (out.empty() ? "" : "|") + c;
    return out;
}

ViewType viewFromName(const std::string& name)
{
    if (name == "deleted")
        return ViewType::DeletedOnly;
    if (name == "all")
        return ViewType::All;
    return ViewType::ActiveOnly;
}

std::string localTime(std::optional<std::int64_t> millis)
{
    if (!millis)
        return {};
    const std::time_t t = static_cast<std::time_t>(*millis / 1000);
    std::tm tm {};
    localtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    return buf;
}

std::string utcTime(std::optional<std::int64_t> millis)
{
    return millis ? formatTimestampUtc(*millis) : std::string {};
}

void printProblems(const std::vector<Problem>& problems)
{
    for (const auto& p : problems)
        std::cerr << "runlens-cli: warning: skipped " << p.path << ": " << p.reason << '\n';
}

void printJson(const mlflowjson::Json& json)
{
    std::cout << json.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
}

// Keys used by any of the items, sorted, so every row has the same columns.
template<typename Items, typename KeysOf>
std::vector<std::string> unionOfKeys(const Items& items, KeysOf keysOf)
{
    std::set<std::string> keys;
    for (const auto& item : items)
        keysOf(item, keys);
    return {keys.begin(), keys.end()};
}

} // namespace

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
    TableWriter table({"ID", "NAME", "STAGE", "CREATED", "UPDATED", "TAGS"});
    for (const auto& e : experiments) {
        table.addRow({e.experimentId, e.name, std::string(lifecycleStageName(e.lifecycleStage)),
            localTime(e.creationTime), localTime(e.lastUpdateTime), std::to_string(e.tags.size())});
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
    if (const auto max = cl.value("max")) {
        std::size_t n = 0;
        const auto [ptr, ec] = std::from_chars(max->data(), max->data() + max->size(), n);
        if (ec != std::errc {} || ptr != max->data() + max->size() || n == 0)
            return usageError(cl, "--max must be a positive integer, got '" + *max + "'");
        query.maxResults = n;
    }
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

    const auto wanted = cl.values("experiment");
    if (!wanted.empty()) {
        auto all = (*store)->experiments(ViewType::All);
        if (!all)
            return fail(all.error());
        for (const auto& w : wanted) {
            const Experiment* match = nullptr;
            for (const auto& e : all->experiments) {
                if (e.experimentId == w) {
                    match = &e;
                    break;
                }
            }
            // By name: an active experiment wins over a deleted one of the same name, as in MLflow.
            for (const auto& e : all->experiments) {
                if (match)
                    break;
                if (e.name == w && e.lifecycleStage == LifecycleStage::Active)
                    match = &e;
            }
            for (const auto& e : all->experiments) {
                if (match)
                    break;
                if (e.name == w)
                    match = &e;
            }
            if (!match)
                return fail(StoreError {ErrorCode::ResourceDoesNotExist, "no experiment with id or name '" + w + "'"});
            query.experimentIds.push_back(match->experimentId);
        }
    }

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
        "csv columns: step,timestamp,value; json: MLflow REST Metric objects.",
        {kStoreOption, {"run", "RUN_ID", "The run", false, true}, {"metric", "KEY", "The metric key", false, true},
            {"format", "FORMAT", "Output: " + joinChoices(formats) + " (default csv)"}});
    if (const int status = parseArgs(cl, args); status >= 0)
        return status;
    const auto format = checkChoice(cl, "format", formats, "csv");
    if (!format)
        return usageError(cl, "--format must be one of " + joinChoices(formats));
    auto store = openFrom(cl);
    if (!store)
        return fail(store.error());
    const std::string runId = *cl.value("run");
    const std::string key = *cl.value("metric");
    auto history = (*store)->metricHistory(runId, key);
    if (!history)
        return fail(history.error());
    if (*format == "json") {
        mlflowjson::Json out = mlflowjson::Json::array();
        for (const auto& p : *history)
            out.push_back(mlflowjson::toJson(key, p));
        printJson(out);
        return ExitOk;
    }
    std::string out = "step,timestamp,value\n";
    for (const auto& p : *history) {
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

namespace {

std::string aliasesText(const std::vector<std::string>& aliases)
{
    std::string out;
    for (const auto& a : aliases)
        out += (out.empty() ? "@" : ", @") + a;
    return out;
}

std::string firstLine(const std::optional<std::string>& text)
{
    if (!text)
        return {};
    return text->substr(0, text->find('\n'));
}

} // namespace

int modelsCommand(const std::vector<std::string>& args)
{
    const std::vector<std::string> formats {"table", "csv", "json"};
    CommandLine cl("models", "List registered models (prompts excluded), ordered by name.",
        {kStoreOption, {"format", "FORMAT", "Output: " + joinChoices(formats) + " (default table)"}});
    if (const int status = parseArgs(cl, args); status >= 0)
        return status;
    const auto format = checkChoice(cl, "format", formats, "table");
    if (!format)
        return usageError(cl, "--format must be one of " + joinChoices(formats));
    auto store = openFrom(cl);
    if (!store)
        return fail(store.error());
    auto models = (*store)->registeredModels();
    if (!models)
        return fail(models.error());
    if (*format == "json") {
        mlflowjson::Json out = mlflowjson::Json::array();
        for (const auto& m : *models)
            out.push_back(mlflowjson::toJson(m));
        printJson(out);
        return ExitOk;
    }
    TableWriter table({*format == "csv" ? "name" : "NAME", *format == "csv" ? "latest_versions" : "LATEST",
        *format == "csv" ? "aliases" : "ALIASES", *format == "csv" ? "last_updated" : "UPDATED",
        *format == "csv" ? "description" : "DESCRIPTION"});
    for (const auto& m : *models) {
        std::string latest;
        for (const auto& v : m.latestVersions)
            latest += (latest.empty() ? "" : ", ") + ("v" + std::to_string(v.version) + " " + v.currentStage);
        std::string aliases;
        for (const auto& a : m.aliases)
            aliases += (aliases.empty() ? "@" : ", @") + a.alias + "=v" + std::to_string(a.version);
        if (*format == "csv")
            table.addRow(
                {m.name, latest, aliases, formatTimestampUtc(m.lastUpdatedTimestamp), m.description.value_or("")});
        else
            table.addRow({m.name, latest, aliases, localTime(m.lastUpdatedTimestamp), firstLine(m.description)});
    }
    if (*format == "csv")
        table.writeCsv(std::cout);
    else
        table.writeTable(std::cout);
    return ExitOk;
}

int versionsCommand(const std::vector<std::string>& args)
{
    const std::vector<std::string> formats {"table", "csv", "json"};
    CommandLine cl("versions", "List the versions of a registered model (deleted versions skipped).",
        {kStoreOption, {"model", "NAME", "The registered model", false, true},
            {"format", "FORMAT", "Output: " + joinChoices(formats) + " (default table)"}});
    if (const int status = parseArgs(cl, args); status >= 0)
        return status;
    const auto format = checkChoice(cl, "format", formats, "table");
    if (!format)
        return usageError(cl, "--format must be one of " + joinChoices(formats));
    auto store = openFrom(cl);
    if (!store)
        return fail(store.error());
    auto versions = (*store)->modelVersions(*cl.value("model"));
    if (!versions)
        return fail(versions.error());
    if (*format == "json") {
        mlflowjson::Json out = mlflowjson::Json::array();
        for (const auto& v : *versions)
            out.push_back(mlflowjson::toJson(v));
        printJson(out);
        return ExitOk;
    }
    const bool csv = *format == "csv";
    TableWriter table(
        {csv ? "version" : "VERSION", csv ? "stage" : "STAGE", csv ? "aliases" : "ALIASES", csv ? "status" : "STATUS",
            csv ? "run_id" : "RUN ID", csv ? "created" : "CREATED", csv ? "description" : "DESCRIPTION"});
    for (const auto& v : *versions) {
        table.addRow({std::to_string(v.version), v.currentStage, aliasesText(v.aliases), v.status, v.runId.value_or(""),
            csv ? formatTimestampUtc(v.creationTimestamp) : localTime(v.creationTimestamp),
            csv ? v.description.value_or("") : firstLine(v.description)});
    }
    if (csv)
        table.writeCsv(std::cout);
    else
        table.writeTable(std::cout);
    return ExitOk;
}

} // namespace runlens::cli
