// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace runlens {

/** Decodes %XX escapes; invalid escapes are kept as they are. */
std::string percentDecode(std::string_view text);

/** The scheme of a URI ("file", "sqlite", "http", ...), lower-cased; empty for a plain path. */
std::string uriScheme(std::string_view uri);

/**
 * The local path of a file: URI (file:///abs, file:/abs, file://localhost/abs, file:rel), decoded;
 * nullopt when the URI is not a local file URI. A plain path is returned as it is.
 */
std::optional<std::string> localPathFromUri(std::string_view uri);

/** file:// URI of an absolute path, percent-encoded as Python's pathlib.as_uri() does. */
std::string fileUriFromPath(std::string_view absolutePath);

} // namespace runlens
