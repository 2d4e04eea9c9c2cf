// SPDX-License-Identifier: Apache-2.0
// The registry commands: models, prompts and the versions of either.
#include "commands.h"

#include "commandline.h"
#include "commandsupport.h"
#include "stores/rest/mlflowjson.h"
#include "tablewriter.h"
#include "text/numberformat.h"

#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>

namespace runlens::cli {

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

namespace {

// Registered models or prompts, one line each.
int listRegistry(const std::vector<std::string>& args, bool prompts)
{
    const std::vector<std::string> formats {"table", "csv", "json"};
    CommandLine cl(prompts ? "prompts" : "models",
        prompts ? "List prompts (registered models tagged mlflow.prompt.is_prompt), ordered by name;\n"
                  "`versions --model NAME` lists a prompt's versions and templates."
                : "List registered models (prompts excluded: see `prompts`), ordered by name.",
        {kStoreOption, {"format", "FORMAT", "Output: " + joinChoices(formats) + " (default table)"}});
    std::string chosenFormat;
    if (const int status = parseWithFormat(cl, args, formats, chosenFormat); status >= 0)
        return status;
    const std::string* format = &chosenFormat;
    auto store = openFrom(cl);
    if (!store)
        return fail(store.error());
    auto list = (*store)->registeredModelList(prompts);
    if (!list)
        return fail(list.error());
    printProblems(list->problems);
    const std::vector<RegisteredModel>* models = &list->models;
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
    table.write(std::cout, *format == "csv");
    return ExitOk;
}

} // namespace

int modelsCommand(const std::vector<std::string>& args)
{
    return listRegistry(args, false);
}

int promptsCommand(const std::vector<std::string>& args)
{
    return listRegistry(args, true);
}

int versionsCommand(const std::vector<std::string>& args)
{
    const std::vector<std::string> formats {"table", "csv", "json"};
    CommandLine cl("versions",
        "List the versions of a registered model or a prompt (deleted versions skipped). MODEL ID is the\n"
        "logged model a version was made from (MLflow 3); a prompt's versions show their template.",
        {kStoreOption, {"model", "NAME", "The registered model or prompt", false, true},
            {"format", "FORMAT", "Output: " + joinChoices(formats) + " (default table)"}});
    std::string chosenFormat;
    if (const int status = parseWithFormat(cl, args, formats, chosenFormat); status >= 0)
        return status;
    const std::string* format = &chosenFormat;
    auto store = openFrom(cl);
    if (!store)
        return fail(store.error());
    auto list = (*store)->modelVersionList(*cl.value("model"));
    if (!list)
        return fail(list.error());
    printProblems(list->problems);
    const std::vector<ModelVersion>* versions = &list->versions;
    if (*format == "json") {
        mlflowjson::Json out = mlflowjson::Json::array();
        for (const auto& v : *versions)
            out.push_back(mlflowjson::toJson(v));
        printJson(out);
        return ExitOk;
    }
    const bool csv = *format == "csv";
    const bool prompts
        = std::any_of(versions->begin(), versions->end(), [](const ModelVersion& v) { return isPrompt(v.tags); });
    std::vector<std::string> header {csv ? "version" : "VERSION", csv ? "stage" : "STAGE", csv ? "aliases" : "ALIASES",
        csv ? "status" : "STATUS", csv ? "run_id" : "RUN ID", csv ? "model_id" : "MODEL ID",
        csv ? "created" : "CREATED", csv ? "description" : "DESCRIPTION"};
    if (prompts)
        header.push_back(csv ? "template" : "TEMPLATE");
    TableWriter table(header);
    for (const auto& v : *versions) {
        std::vector<std::string> row {std::to_string(v.version), v.currentStage, aliasesText(v.aliases), v.status,
            v.runId.value_or(""), sourceLoggedModelId(v).value_or(""),
            csv ? formatTimestampUtc(v.creationTimestamp) : localTime(v.creationTimestamp),
            csv ? v.description.value_or("") : firstLine(v.description)};
        if (prompts) {
            const std::string* text = findValue(v.tags, kPromptTextTag);
            row.push_back(text ? (csv ? *text : firstLine(*text)) : std::string());
        }
        table.addRow(std::move(row));
    }
    table.write(std::cout, csv);
    return ExitOk;
}

} // namespace runlens::cli
