// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <vector>

namespace runlens::cli {

/** Exit statuses: 0 success, 1 an I/O or store failure, 2 a usage error or an invalid argument. */
enum ExitStatus
{
    ExitOk = 0,
    ExitFailure = 1,
    ExitUsage = 2
};

int experimentsCommand(const std::vector<std::string>& args);
int runsCommand(const std::vector<std::string>& args);
int historyCommand(const std::vector<std::string>& args);
int modelsCommand(const std::vector<std::string>& args);
int versionsCommand(const std::vector<std::string>& args);

} // namespace runlens::cli
