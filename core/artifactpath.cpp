// SPDX-License-Identifier: Apache-2.0
#include "artifactpath.h"

#include <algorithm>

namespace runlens {

namespace {

StoreError unsafe(std::string_view path, std::string_view why)
{
    return StoreError {
        ErrorCode::InvalidParameterValue, "unsafe artifact path '" + std::string(path) + "': " + std::string(why)};
}

bool isDriveLetter(std::string_view segment)
{
    return segment.size() == 2 && segment[1] == ':'
        && ((segment[0] >= 'A' && segment[0] <= 'Z') || (segment[0] >= 'a' && segment[0] <= 'z'));
}

} // namespace

Result<std::string> safeArtifactPath(std::string_view path)
{
    if (path.find('\0') != std::string_view::npos)
        return unsafe(path, "it contains a NUL byte");
    if (path.find('\\') != std::string_view::npos)
        return unsafe(path, "it contains a backslash");
    if (!path.empty() && path.front() == '/')
        return unsafe(path, "it is absolute");
    if (path.starts_with("file:"))
        return unsafe(path, "it is a file URI, not a path inside the artifact root");
    std::string out;
    std::size_t start = 0;
    while (start <= path.size()) {
        const auto end = std::min(path.find('/', start), path.size());
        const std::string_view segment = path.substr(start, end - start);
        start = end + 1;
        if (segment.empty() || segment == ".")
            continue;
        if (segment == "..")
            return unsafe(path, "it leaves its folder with '..'");
        if (out.empty() && isDriveLetter(segment))
            return unsafe(path, "it starts with a drive letter");
        if (!out.empty())
            out += '/';
        out += segment;
    }
    return out;
}

Result<std::string> artifactFileRequest(std::string_view runId, std::string_view path, std::int64_t maxBytes)
{
    auto relative = safeArtifactPath(path);
    if (!relative)
        return relative.error();
    if (relative->empty())
        return StoreError {ErrorCode::InvalidParameterValue, "no artifact path given for run " + std::string(runId)};
    if (maxBytes < 0) {
        return StoreError {
            ErrorCode::InvalidParameterValue, "maxBytes must not be negative (got " + std::to_string(maxBytes) + ")"};
    }
    return relative;
}

std::vector<std::string> artifactPathSegments(std::string_view canonical)
{
    std::vector<std::string> segments;
    std::size_t start = 0;
    while (start < canonical.size()) {
        const auto end = std::min(canonical.find('/', start), canonical.size());
        segments.emplace_back(canonical.substr(start, end - start));
        start = end + 1;
    }
    return segments;
}

bool isDirectChild(std::string_view dir, std::string_view child)
{
    if (!dir.empty()) {
        if (child.size() <= dir.size() + 1 || child.substr(0, dir.size()) != dir || child[dir.size()] != '/')
            return false;
        child.remove_prefix(dir.size() + 1);
    }
    return !child.empty() && child.find('/') == std::string_view::npos;
}

} // namespace runlens
