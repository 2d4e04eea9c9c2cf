// SPDX-License-Identifier: Apache-2.0
// runlens-cli: the scripting interface to MLflow stores. Links only runlens_core.
#include "commands.h"

#include <QCoreApplication>

#include <clocale>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

namespace {

struct Subcommand
{
    const char* name;
    const char* summary;
    int (*run)(const std::vector<std::string>&);
};

constexpr Subcommand kSubcommands[] = {
    {"experiments", "List experiments.", runlens::cli::experimentsCommand},
    {"runs", "List and search runs.", runlens::cli::runsCommand},
    {"history", "Print the full history of one metric of a run.", runlens::cli::historyCommand},
    {"models", "List registered models.", runlens::cli::modelsCommand},
    {"versions", "List the versions of a registered model or prompt.", runlens::cli::versionsCommand},
    {"prompts", "List prompts.", runlens::cli::promptsCommand},
    {"logged-models", "List and search logged models (MLflow 3).", runlens::cli::loggedModelsCommand},
    {"set-stage", "Move a model version to a stage.", runlens::cli::setStageCommand},
    {"set-alias", "Point a model alias at a version.", runlens::cli::setAliasCommand},
    {"delete-alias", "Remove a model alias.", runlens::cli::deleteAliasCommand},
    {"rename-run", "Rename a run.", runlens::cli::renameRunCommand},
    {"set-tag", "Set a run tag.", runlens::cli::setTagCommand},
    {"delete-tag", "Delete a run tag.", runlens::cli::deleteTagCommand},
    {"delete-run", "Delete a run (it can be restored).", runlens::cli::deleteRunCommand},
    {"restore-run", "Restore a deleted run.", runlens::cli::restoreRunCommand},
};

void printUsage(std::ostream& out)
{
    out << "Usage: runlens-cli <command> [options]\n\n"
           "Reads MLflow tracking stores: an mlruns folder, an mlflow.db, or a tracking server.\n"
           "Every command takes --store URI; without it MLFLOW_TRACKING_URI is used, else MLflow's\n"
           "default (./mlruns when it holds experiments, else sqlite:///mlflow.db).\n\nCommands:\n";
    for (const auto& c : kSubcommands) {
        std::string name = c.name;
        name.resize(14, ' ');
        out << "  " << name << c.summary << '\n';
    }
    out << "\nOptions:\n  -h, --help     Show this help; 'runlens-cli <command> --help' for a command.\n"
           "  --version      Show the version.\n\n"
           "Exit status: 0 on success, 1 when the store cannot be read, 2 for a usage error or an\n"
           "invalid argument (the message carries MLflow's error code).\n";
}

} // namespace

int main(int argc, char** argv)
{
    std::ios::sync_with_stdio(false);
    if (argc < 2) {
        printUsage(std::cerr);
        return runlens::cli::ExitUsage;
    }
    const std::string first = argv[1];
    if (first == "-h" || first == "--help" || first == "help") {
        printUsage(std::cout);
        return runlens::cli::ExitOk;
    }
    if (first == "--version" || first == "-v") {
        std::cout << "runlens-cli " << RUNLENS_VERSION << '\n';
        return runlens::cli::ExitOk;
    }
    for (const auto& c : kSubcommands) {
        if (first == c.name) {
            // Tracking servers are reached through Qt's network stack, whose thread needs an
            // application object; it is cheap and harmless for local stores.
            QCoreApplication app(argc, argv);
            // QCoreApplication adopts the environment's locale; numbers printed and parsed by the C
            // library must stay in the C locale (a decimal point, never a comma).
            std::setlocale(LC_NUMERIC, "C");
            return c.run(std::vector<std::string>(argv + 2, argv + argc));
        }
    }
    std::cerr << "runlens-cli: unknown command '" << first << "'\n\n";
    printUsage(std::cerr);
    return runlens::cli::ExitUsage;
}
