// SPDX-License-Identifier: Apache-2.0
#include "commandsupport.h"

#include "commandline.h"
#include "commands.h"
#include "storefactory.h"
#include "text/numberformat.h"

#include <charconv>
#include <ctime>
#include <iostream>
#include <nlohmann/json.hpp>

namespace runlens::cli {

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

int parseWithFormat(
    CommandLine& cl, const std::vector<std::string>& args, const std::vector<std::string>& formats, std::string& format)
{
    if (const int status = parseArgs(cl, args); status >= 0)
        return status;
    const auto chosen = checkChoice(cl, "format", formats, formats.front());
    if (!chosen)
        return usageError(cl, "--format must be one of " + joinChoices(formats));
    format = *chosen;
    return -1;
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

std::optional<std::size_t> positiveOption(const CommandLine& cl, const std::string& option, std::string& error)
{
    const auto text = cl.value(option);
    if (!text)
        return std::nullopt;
    std::size_t n = 0;
    const auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
    if (ec != std::errc {} || ptr != text->data() + text->size() || n == 0) {
        error = "--" + option + " must be a positive integer, got '" + *text + "'";
        return std::nullopt;
    }
    return n;
}

Result<std::vector<std::string>> resolveExperiments(Store& store, const std::vector<std::string>& wanted)
{
    std::vector<std::string> ids;
    if (wanted.empty())
        return ids;
    auto all = store.experiments(ViewType::All);
    if (!all)
        return all.error();
    for (const auto& w : wanted) {
        const Experiment* match = nullptr;
        for (const auto& e : all->experiments) {
            if (e.experimentId == w) {
                match = &e;
                break;
            }
        }
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
            return StoreError {ErrorCode::ResourceDoesNotExist, "no experiment with id or name '" + w + "'"};
        ids.push_back(match->experimentId);
    }
    return ids;
}

} // namespace runlens::cli
