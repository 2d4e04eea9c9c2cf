// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "result.h"
#include "store.h"

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace runlens {

/** The kind of store a URI or path names, and where it is (formats §0). */
struct StoreLocation
{
    StoreKind kind = StoreKind::File;
    std::string location; // a local path for File and Sqlite, the base URL for Rest
};

/**
 * Resolves a tracking URI or path as MLflow does: file: URIs and plain paths are file stores,
 * sqlite:///rel.db and sqlite:////abs.db are SQLite stores, http(s):// are servers. A folder that
 * holds mlruns/ or mlflow.db resolves to that store (mlruns/ with experiment data wins, as in
 * MLflow 3.7's default rule); a file with the SQLite header is a SQLite store.
 * Relative paths are taken against `cwd`.
 */
Result<StoreLocation> resolveStoreLocation(std::string_view uriOrPath, const std::filesystem::path& cwd);

/**
 * The tracking URI MLflow would use when none is given: MLFLOW_TRACKING_URI, else (3.7+)
 * ./mlruns when it holds experiment data, else sqlite:///mlflow.db.
 */
std::string defaultTrackingUri(const std::filesystem::path& cwd);

/** True when `dir` holds an all-digit sub-folder with a meta.yaml (MLflow's "has experiment data" test). */
bool mlrunsHasExperimentData(const std::filesystem::path& dir);

/** Opens the store a URI or path names (empty: the default rule). */
Result<std::unique_ptr<Store>> openStore(std::string_view uriOrPath);

} // namespace runlens
