// SPDX-License-Identifier: Apache-2.0
#pragma once

// How the file store's writes change files: meta.yaml edited key by key (everything else kept byte
// for byte) and key files (tags/<key>, aliases/<alias>) replaced atomically.

#include "result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace runlens::mlrunsdetail {

Result<std::string> readWholeFile(const std::string& path);

/** True when `path` is a regular file. */
bool fileExists(const std::string& path);

/** One change to a top-level meta.yaml key: its new entry text (nullopt removes it). */
struct MetaEdit
{
    std::string key;
    std::optional<std::string> entry;
    std::optional<std::string> expected; // the scalar the key must read back as (nullopt: null or removed)
};

MetaEdit setString(const std::string& key, const std::string& value);
MetaEdit setInteger(const std::string& key, std::int64_t value);
MetaEdit removeKey(const std::string& key);

/**
 * Applies edits to a meta.yaml's text. Entries are cut at top-level keys and kept byte for byte, so
 * unknown keys (and nested values) survive exactly; the result is re-parsed and checked before use.
 */
Result<std::string> editMetaText(const std::string& text, const std::vector<MetaEdit>& edits, const std::string& path);

/**
 * Rewrites <dir>/meta.yaml with the edits. If another process replaces the file between our read and
 * our rename, the rename would drop its change, so the file is read again just before and the edit
 * redone on the new content.
 */
Status rewriteMeta(const std::string& dir, const std::vector<MetaEdit>& edits);

/** Writes a key file (tags/<key>, aliases/<alias>) with its temp file in `itemDir`, outside the listed folder. */
Status writeKeyFile(
    const std::string& itemDir, const std::string& folder, const std::string& key, const std::string& value);

} // namespace runlens::mlrunsdetail
