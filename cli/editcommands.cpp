// SPDX-License-Identifier: Apache-2.0
// The editing subcommands: each parses its options, opens the store and makes one write.
#include "commands.h"

#include "commandline.h"
#include "storefactory.h"

#include <charconv>
#include <functional>
#include <iostream>

namespace runlens::cli {

namespace {

const OptionSpec kStore {"store", "URI",
    "Store to change: a path, file:, sqlite:///, or http(s):// URI "
    "(default: MLFLOW_TRACKING_URI, else MLflow's default)"};

// Parses the options, opens the store and runs `write`; the common frame of every edit.
int runEdit(CommandLine& cl, const std::vector<std::string>& args,
    const std::function<Status(Store&, const CommandLine&)>& write,
    const std::function<std::string(const CommandLine&)>& done)
{
    if (const int status = parseCommandArgs(cl, args); status >= 0)
        return status;
    auto store = openStore(cl.value("store").value_or(std::string {}));
    if (!store)
        return reportStoreError(store.error());
    const Status status = write(**store, cl);
    if (!status)
        return reportStoreError(status.error());
    std::cout << done(cl) << '\n';
    return ExitOk;
}

std::optional<std::int64_t> parseVersion(const std::string& text)
{
    std::int64_t v = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc {} || ptr != text.data() + text.size() || v < 1)
        return std::nullopt;
    return v;
}

StoreError badVersion(const std::string& text)
{
    return {ErrorCode::InvalidParameterValue, "--version must be a positive integer, got '" + text + "'"};
}

} // namespace

int setStageCommand(const std::vector<std::string>& args)
{
    CommandLine cl("set-stage",
        "Move a model version to a stage: None, Staging, Production or Archived.\n"
        "With --archive-existing (Staging and Production only), the model's other versions in\n"
        "that stage move to Archived.",
        {kStore, {"model", "NAME", "The registered model", false, true},
            {"version", "N", "The version number", false, true},
            {"stage", "STAGE", "None, Staging, Production or Archived", false, true},
            {"archive-existing", "", "Archive the versions now in the target stage"}});
    return runEdit(
        cl, args,
        [](Store& store, const CommandLine& c) -> Status {
            const std::string text = *c.value("version");
            const auto version = parseVersion(text);
            if (!version)
                return badVersion(text);
            auto result = store.transitionModelVersionStage(
                *c.value("model"), *version, *c.value("stage"), c.isSet("archive-existing"));
            if (!result)
                return result.error();
            return Done {};
        },
        [](const CommandLine& c) {
            return *c.value("model") + " v" + *c.value("version") + " -> " + *c.value("stage");
        });
}

int setAliasCommand(const std::vector<std::string>& args)
{
    CommandLine cl("set-alias", "Point an alias of a registered model at a version (moving it if it exists).",
        {kStore, {"model", "NAME", "The registered model", false, true},
            {"alias", "ALIAS", "The alias, e.g. champion", false, true},
            {"version", "N", "The version number", false, true}});
    return runEdit(
        cl, args,
        [](Store& store, const CommandLine& c) -> Status {
            const std::string text = *c.value("version");
            const auto version = parseVersion(text);
            if (!version)
                return badVersion(text);
            return store.setModelAlias(*c.value("model"), *c.value("alias"), *version);
        },
        [](const CommandLine& c) {
            return *c.value("model") + "@" + *c.value("alias") + " -> v" + *c.value("version");
        });
}

int deleteAliasCommand(const std::vector<std::string>& args)
{
    CommandLine cl("delete-alias", "Remove an alias of a registered model.",
        {kStore, {"model", "NAME", "The registered model", false, true}, {"alias", "ALIAS", "The alias", false, true}});
    return runEdit(
        cl, args,
        [](Store& store, const CommandLine& c) { return store.deleteModelAlias(*c.value("model"), *c.value("alias")); },
        [](const CommandLine& c) { return "deleted " + *c.value("model") + "@" + *c.value("alias"); });
}

int renameRunCommand(const std::vector<std::string>& args)
{
    CommandLine cl("rename-run", "Rename a run (its run_name and mlflow.runName tag).",
        {kStore, {"run", "RUN_ID", "The run", false, true}, {"name", "NAME", "The new name", false, true}});
    return runEdit(
        cl, args, [](Store& store, const CommandLine& c) { return store.renameRun(*c.value("run"), *c.value("name")); },
        [](const CommandLine& c) { return *c.value("run") + " renamed to " + *c.value("name"); });
}

int setTagCommand(const std::vector<std::string>& args)
{
    CommandLine cl("set-tag", "Set a tag on a run.",
        {kStore, {"run", "RUN_ID", "The run", false, true}, {"key", "KEY", "The tag key", false, true},
            {"value", "VALUE", "The tag value", false, true}});
    return runEdit(
        cl, args,
        [](Store& store, const CommandLine& c) {
            return store.setRunTag(*c.value("run"), *c.value("key"), *c.value("value"));
        },
        [](const CommandLine& c) { return *c.value("run") + ": " + *c.value("key") + " set"; });
}

int deleteTagCommand(const std::vector<std::string>& args)
{
    CommandLine cl("delete-tag", "Delete a tag of a run.",
        {kStore, {"run", "RUN_ID", "The run", false, true}, {"key", "KEY", "The tag key", false, true}});
    return runEdit(
        cl, args,
        [](Store& store, const CommandLine& c) { return store.deleteRunTag(*c.value("run"), *c.value("key")); },
        [](const CommandLine& c) { return *c.value("run") + ": " + *c.value("key") + " deleted"; });
}

int deleteRunCommand(const std::vector<std::string>& args)
{
    CommandLine cl("delete-run", "Delete a run. MLflow keeps it until garbage collection; restore-run undoes this.",
        {kStore, {"run", "RUN_ID", "The run", false, true}});
    return runEdit(
        cl, args, [](Store& store, const CommandLine& c) { return store.deleteRun(*c.value("run")); },
        [](const CommandLine& c) { return *c.value("run") + " deleted"; });
}

int restoreRunCommand(const std::vector<std::string>& args)
{
    CommandLine cl("restore-run", "Restore a deleted run.", {kStore, {"run", "RUN_ID", "The run", false, true}});
    return runEdit(
        cl, args, [](Store& store, const CommandLine& c) { return store.restoreRun(*c.value("run")); },
        [](const CommandLine& c) { return *c.value("run") + " restored"; });
}

} // namespace runlens::cli
