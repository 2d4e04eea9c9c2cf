// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "result.h"

#include <string>
#include <string_view>

namespace runlens {

/**
 * Checks an artifact path that came from a user or a server and returns it in canonical form:
 * relative, '/'-separated, without empty or "." segments and without a trailing '/'; "" is the
 * artifact root. Absolute paths ("/x", "C:/x", "\\\\host"), ".." segments, backslashes and NUL
 * bytes are refused with INVALID_PARAMETER_VALUE, so the result can be joined to a local folder
 * without ever leaving it.
 */
Result<std::string> safeArtifactPath(std::string_view path);

/** True when `child` (canonical) is a direct entry of the folder `dir` (canonical; "" = root). */
bool isDirectChild(std::string_view dir, std::string_view child);

} // namespace runlens
