// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "result.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace runlens {

/**
 * Checks an artifact path that came from a user or a server and returns it in canonical form:
 * relative, '/'-separated, without empty or "." segments and without a trailing '/'; "" is the
 * artifact root. Absolute paths ("/x", "C:/x", "\\\\host"), ".." segments, backslashes and NUL
 * bytes are refused with INVALID_PARAMETER_VALUE, so the result can be joined to a local folder
 * without ever leaving it. Every store checks artifact paths with this one rule.
 */
Result<std::string> safeArtifactPath(std::string_view path);

/**
 * Checks a request to read one artifact file of run `runId`, the same on every store: `path` must be
 * safe (safeArtifactPath) and name something below the root, and maxBytes must not be negative.
 * Returns the canonical path.
 */
Result<std::string> artifactFileRequest(std::string_view runId, std::string_view path, std::int64_t maxBytes);

/** The canonical path's segments ("" gives none). */
std::vector<std::string> artifactPathSegments(std::string_view canonical);

/** True when `child` (canonical) is a direct entry of the folder `dir` (canonical; "" = root). */
bool isDirectChild(std::string_view dir, std::string_view child);

} // namespace runlens
