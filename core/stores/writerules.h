// SPDX-License-Identifier: Apache-2.0
#pragma once

// MLflow's rules for what a write may contain (mlflow/utils/validation.py and the registry's checks),
// shared by every store that writes locally so that a name refused by one is refused by all.

#include "result.h"
#include "storeerror.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace runlens::writerules {

constexpr std::size_t kMaxKeyLength = 250; // MAX_ENTITY_KEY_LENGTH
constexpr std::size_t kMaxRunTagValueLength = 8000; // MAX_TAG_VAL_LENGTH (2.x)
constexpr std::size_t kMaxRegistryTagValueLength = 5000; // MAX_MODEL_REGISTRY_TAG_VALUE_LENGTH
constexpr std::size_t kMaxAliasLength = 255;

/** Milliseconds since the epoch, as MLflow stamps its writes. */
std::int64_t nowMillis();

/** The length MLflow's limits count: Python characters (code points), not bytes. */
std::size_t codePoints(std::string_view text);

/** Python's posixpath.normpath, which MLflow's path_not_unique() compares tag keys against. */
std::string posixNormpath(std::string_view path);

StoreError invalidValue(std::string message);

/** A tag key: MLflow's characters, a relative path that normalizes to itself, at most 250 characters. */
Status validateTagKey(std::string_view key);

/** `what` (a phrase such as "run name") is at most `limit` characters long. */
Status validateLength(std::string_view what, std::string_view value, std::size_t limit);

Status validateModelName(std::string_view name);

/** The form of an alias (^[\w-]+$, at most 255 characters): all that deleting one checks. */
Status validateAliasName(std::string_view alias);

/** An alias that may be set: its form, and not a reserved name ('latest', v<digits>). */
Status validateAlias(std::string_view alias);

/** MLflow's get_canonical_stage: case-insensitive, returned in its canonical capitalization. */
Result<std::string> canonicalStage(std::string_view stage);

/** archive_existing_versions is only allowed when moving to an active stage (Staging, Production). */
Status validateArchiveExisting(std::string_view stage, bool archiveExisting);

StoreError runNotFound(const std::string& runId);
StoreError modelNotFound(const std::string& model);
StoreError versionNotFound(const std::string& model, std::int64_t version);
/** A write that needs the run active (or, for restore, deleted) found it in the other state. */
StoreError runNotActive(const std::string& runId);
StoreError runNotDeleted(const std::string& runId);

} // namespace runlens::writerules
