// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <vector>

namespace runlens {
struct StoreError;
}

namespace runlens::cli {

class CommandLine;

/** Exit statuses: 0 success, 1 an I/O or store failure, 2 a usage error or an invalid argument. */
enum ExitStatus
{
    ExitOk = 0,
    ExitFailure = 1,
    ExitUsage = 2
};

/** Prints a store error; errors about what the caller asked for exit 2, the store failing exits 1. */
int reportStoreError(const StoreError& error);
/** Parses a command's options and answers --help; returns -1 to go on, else the exit status. */
int parseCommandArgs(CommandLine& cl, const std::vector<std::string>& args);

int experimentsCommand(const std::vector<std::string>& args);
int runsCommand(const std::vector<std::string>& args);
int historyCommand(const std::vector<std::string>& args);
int modelsCommand(const std::vector<std::string>& args);
int versionsCommand(const std::vector<std::string>& args);
int promptsCommand(const std::vector<std::string>& args);
int loggedModelsCommand(const std::vector<std::string>& args);

// Edits, each with --store; they change the store exactly as MLflow would.
int setStageCommand(const std::vector<std::string>& args);
int setAliasCommand(const std::vector<std::string>& args);
int deleteAliasCommand(const std::vector<std::string>& args);
int renameRunCommand(const std::vector<std::string>& args);
int setTagCommand(const std::vector<std::string>& args);
int deleteTagCommand(const std::vector<std::string>& args);
int deleteRunCommand(const std::vector<std::string>& args);
int restoreRunCommand(const std::vector<std::string>& args);

} // namespace runlens::cli
