// SPDX-License-Identifier: Apache-2.0
#include "stores/writerules.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <vector>

namespace runlens::writerules {

namespace {

constexpr std::array<std::string_view, 4> kStages {"None", "Staging", "Production", "Archived"};

std::string inQuotes(std::string_view text)
{
    return "'" + std::string(text) + "'";
}

// \w in Python matches Unicode letters and digits; every non-ASCII byte is let through here, so a
// few non-word symbols MLflow would reject are accepted.
bool isWordByte(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

bool equalsIgnoringAsciiCase(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
    });
}

} // namespace

std::int64_t nowMillis()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::size_t codePoints(std::string_view text)
{
    return static_cast<std::size_t>(
        std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string posixNormpath(std::string_view path)
{
    if (path.empty())
        return ".";
    std::size_t slashes = path.starts_with('/') ? 1 : 0;
    if (path.starts_with("//") && !path.starts_with("///"))
        slashes = 2;
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (start <= path.size()) {
        std::size_t end = path.find('/', start);
        if (end == std::string_view::npos)
            end = path.size();
        const std::string_view part = path.substr(start, end - start);
        start = end + 1;
        if (part.empty() || part == ".")
            continue;
        if (part != ".." || (slashes == 0 && parts.empty()) || (!parts.empty() && parts.back() == ".."))
            parts.push_back(part);
        else if (!parts.empty())
            parts.pop_back();
    }
    std::string joined(slashes, '/');
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i > 0)
            joined += '/';
        joined += parts[i];
    }
    return joined.empty() ? "." : joined;
}

StoreError invalidValue(std::string message)
{
    return StoreError {ErrorCode::InvalidParameterValue, std::move(message)};
}

Status validateTagKey(std::string_view key)
{
    for (const char ch : key) {
        const auto c = static_cast<unsigned char>(ch);
        if (!isWordByte(c) && c != '/' && c != '.' && c != '-' && c != ' ' && c != ':') {
            return invalidValue("Invalid tag name " + inQuotes(key)
                + ": names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), "
                  "colon(:) and slashes (/)");
        }
    }
    const std::string norm = posixNormpath(key);
    if (norm != key || norm == "." || norm.starts_with("..") || norm.starts_with('/')) {
        return invalidValue("Invalid tag name " + inQuotes(key)
            + ": names may be treated as files in certain cases, and must not resolve to other names when treated "
              "as such. This name would resolve to "
            + inQuotes(norm));
    }
    if (codePoints(key) > kMaxKeyLength)
        return invalidValue("tag key " + inQuotes(key) + " exceeds the maximum length of 250 characters");
    return Done {};
}

Status validateLength(std::string_view what, std::string_view value, std::size_t limit)
{
    if (codePoints(value) > limit) {
        return invalidValue(std::string(what) + " exceeds the maximum length of " + std::to_string(limit)
            + " characters (it has " + std::to_string(codePoints(value)) + ")");
    }
    return Done {};
}

Status validateModelName(std::string_view name)
{
    if (name.empty())
        return invalidValue("Registered model name cannot be empty.");
    return Done {};
}

Status validateAliasName(std::string_view alias)
{
    if (alias.empty())
        return invalidValue("Registered model alias name cannot be empty.");
    for (const char ch : alias) {
        const auto c = static_cast<unsigned char>(ch);
        if (!isWordByte(c) && c != '-') {
            return invalidValue("Invalid alias name: " + inQuotes(alias)
                + ". Names may only contain alphanumerics, underscores (_), and dashes (-).");
        }
    }
    if (codePoints(alias) > kMaxAliasLength)
        return invalidValue("Registered model alias name exceeds the maximum length of 255 characters");
    return Done {};
}

Status validateAlias(std::string_view alias)
{
    if (auto form = validateAliasName(alias); !form)
        return form;
    if (equalsIgnoringAsciiCase(alias, "latest"))
        return invalidValue("'latest' alias name (case insensitive) is reserved.");
    if (alias.size() > 1 && (alias[0] == 'v' || alias[0] == 'V')
        && std::all_of(alias.begin() + 1, alias.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return invalidValue("Version alias name " + inQuotes(alias) + " is reserved.");
    }
    return Done {};
}

Result<std::string> canonicalStage(std::string_view stage)
{
    for (const auto known : kStages) {
        if (equalsIgnoringAsciiCase(known, stage))
            return std::string(known);
    }
    return invalidValue("Invalid Model Version stage: " + std::string(stage)
        + ". Value must be one of None, Staging, Production, Archived.");
}

Status validateArchiveExisting(std::string_view stage, bool archiveExisting)
{
    auto canonical = canonicalStage(stage);
    if (archiveExisting && canonical && *canonical != "Staging" && *canonical != "Production") {
        return invalidValue("Model version transition cannot archive existing model versions because '"
            + std::string(stage) + "' is not an Active stage. Valid stages are Staging and Production.");
    }
    return Done {};
}

StoreError runNotFound(const std::string& runId)
{
    return StoreError {ErrorCode::ResourceDoesNotExist, "Run with id=" + runId + " not found"};
}

StoreError modelNotFound(const std::string& model)
{
    return StoreError {ErrorCode::ResourceDoesNotExist, "Registered Model with name=" + model + " not found"};
}

StoreError versionNotFound(const std::string& model, std::int64_t version)
{
    return StoreError {ErrorCode::ResourceDoesNotExist,
        "Model Version (name=" + model + ", version=" + std::to_string(version) + ") not found"};
}

StoreError runNotActive(const std::string& runId)
{
    return invalidValue("The run " + runId + " must be in the 'active' state. Current state is deleted.");
}

StoreError runNotDeleted(const std::string& runId)
{
    return invalidValue("The run " + runId + " must be in the 'deleted' state. Current state is active.");
}

} // namespace runlens::writerules
