// SPDX-License-Identifier: Apache-2.0
#pragma once

// What every command shares: the --store option, error and usage reporting, choices, times, JSON.

#include "entities.h"
#include "result.h"
#include "store.h"
#include "stores/rest/mlflowjson.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace runlens::cli {

class CommandLine;
struct OptionSpec;

extern const OptionSpec kStoreOption;

int fail(const std::string& message, int status);
int fail(const StoreError& error);
int usageError(const CommandLine& cl, const std::string& message);
int parseArgs(CommandLine& cl, const std::vector<std::string>& args);
/**
 * Parses the options and checks --format against `formats` (default: the first); returns -1 to go
 * on with `format` set, else the exit status (help, or a usage error).
 */
int parseWithFormat(CommandLine& cl, const std::vector<std::string>& args, const std::vector<std::string>& formats,
    std::string& format);
Result<std::unique_ptr<Store>> openFrom(const CommandLine& cl);
std::optional<std::string> checkChoice(
    const CommandLine& cl, const std::string& option, const std::vector<std::string>& choices, std::string fallback);
std::string joinChoices(const std::vector<std::string>& choices);
ViewType viewFromName(const std::string& name);
std::string localTime(std::optional<std::int64_t> millis);
std::string utcTime(std::optional<std::int64_t> millis);
void printProblems(const std::vector<Problem>& problems);
void printJson(const mlflowjson::Json& json);
/** A positive integer option such as --max, or nullopt with `error` set. */
std::optional<std::size_t> positiveOption(const CommandLine& cl, const std::string& option, std::string& error);

/**
 * Experiment ids for names or ids as given: an id first, then an active experiment of that name,
 * then a deleted one, as MLflow resolves names.
 */
Result<std::vector<std::string>> resolveExperiments(Store& store, const std::vector<std::string>& wanted);

// Keys used by any of the items, sorted, so every row has the same columns.
template<typename Items, typename KeysOf>
std::vector<std::string> unionOfKeys(const Items& items, KeysOf keysOf)
{
    std::set<std::string> keys;
    for (const auto& item : items)
        keysOf(item, keys);
    return {keys.begin(), keys.end()};
}

} // namespace runlens::cli
