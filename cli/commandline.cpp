// SPDX-License-Identifier: Apache-2.0
#include "commandline.h"

#include <algorithm>

namespace runlens::cli {

CommandLine::CommandLine(std::string command, std::string summary, std::vector<OptionSpec> options)
    : m_command(std::move(command))
    , m_summary(std::move(summary))
    , m_options(std::move(options))
{ }

const OptionSpec* CommandLine::find(const std::string& name) const
{
    const auto it
        = std::find_if(m_options.begin(), m_options.end(), [&](const OptionSpec& o) { return o.name == name; });
    return it == m_options.end() ? nullptr : &*it;
}

bool CommandLine::parse(const std::vector<std::string>& args)
{
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "-h" || arg == "--help") {
            m_help = true;
            return true;
        }
        if (!arg.starts_with("--") || arg.size() == 2) {
            m_error = "unexpected argument '" + arg + "'";
            return false;
        }
        std::string name = arg.substr(2);
        std::optional<std::string> inlineValue;
        if (const auto eq = name.find('='); eq != std::string::npos) {
            inlineValue = name.substr(eq + 1);
            name.resize(eq);
        }
        const OptionSpec* spec = find(name);
        if (!spec) {
            m_error = "unknown option '--" + name + "'";
            return false;
        }
        std::string value;
        if (spec->valueName.empty()) {
            if (inlineValue) {
                m_error = "option '--" + name + "' takes no value";
                return false;
            }
        } else if (inlineValue) {
            value = *inlineValue;
        } else if (i + 1 < args.size()) {
            value = args[++i];
        } else {
            m_error = "option '--" + name + "' needs a value (" + spec->valueName + ")";
            return false;
        }
        auto& slot = m_values[name];
        if (!slot.empty() && !spec->repeatable) {
            m_error = "option '--" + name + "' given more than once";
            return false;
        }
        slot.push_back(std::move(value));
    }
    for (const auto& spec : m_options) {
        if (spec.required && !isSet(spec.name)) {
            m_error = "option '--" + spec.name + "' is required";
            return false;
        }
    }
    return true;
}

std::optional<std::string> CommandLine::value(const std::string& name) const
{
    const auto it = m_values.find(name);
    if (it == m_values.end() || it->second.empty())
        return std::nullopt;
    return it->second.back();
}

std::vector<std::string> CommandLine::values(const std::string& name) const
{
    const auto it = m_values.find(name);
    return it == m_values.end() ? std::vector<std::string> {} : it->second;
}

std::string CommandLine::helpText() const
{
    std::string out = "Usage: runlens-cli " + m_command + " [options]\n\n" + m_summary + "\n\nOptions:\n";
    std::size_t width = 0;
    std::vector<std::string> heads;
    for (const auto& o : m_options) {
        std::string head = "  --" + o.name + (o.valueName.empty() ? "" : " " + o.valueName);
        width = std::max(width, head.size());
        heads.push_back(std::move(head));
    }
    heads.push_back("  -h, --help");
    width = std::max(width, heads.back().size());
    for (std::size_t i = 0; i < heads.size(); ++i) {
        out += heads[i];
        out.append(width + 2 - heads[i].size(), ' ');
        if (i < m_options.size()) {
            out += m_options[i].help;
            if (m_options[i].required)
                out += " (required)";
            if (m_options[i].repeatable)
                out += " (repeatable)";
        } else {
            out += "Show this help.";
        }
        out += '\n';
    }
    return out;
}

} // namespace runlens::cli
