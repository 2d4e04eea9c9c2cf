// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace runlens::cli {

/** One --option of a subcommand. */
struct OptionSpec
{
    std::string name; // without the leading dashes
    std::string valueName; // empty for a flag
    std::string help;
    bool repeatable = false;
    bool required = false;
};

/** A subcommand's options, parsed from argv; knows how to print its own --help. */
class CommandLine
{
public:
    CommandLine(std::string command, std::string summary, std::vector<OptionSpec> options);

    /** Parses the arguments after the subcommand name; on failure error() says why. */
    bool parse(const std::vector<std::string>& args);
    const std::string& error() const { return m_error; }

    bool helpRequested() const { return m_help; }
    bool isSet(const std::string& name) const { return m_values.count(name) != 0; }
    std::optional<std::string> value(const std::string& name) const;
    std::vector<std::string> values(const std::string& name) const;

    std::string helpText() const;

private:
    const OptionSpec* find(const std::string& name) const;

    std::string m_command;
    std::string m_summary;
    std::vector<OptionSpec> m_options;
    std::map<std::string, std::vector<std::string>> m_values;
    bool m_help = false;
    std::string m_error;
};

} // namespace runlens::cli
