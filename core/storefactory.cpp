// SPDX-License-Identifier: Apache-2.0
#include "storefactory.h"

#include "stores/mlruns/mlrunsstore.h"
#include "stores/rest/reststore.h"
#include "stores/sqlite/sqlitestore.h"
#include "uri.h"

#include <cstdlib>
#include <fstream>
#include <system_error>

namespace fs = std::filesystem;

namespace runlens {

namespace {

bool hasSqliteHeader(const fs::path& file)
{
    std::ifstream in(file, std::ios::binary);
    char header[16] = {};
    in.read(header, sizeof header);
    return in.gcount() == 16 && std::string_view(header, 15) == "SQLite format 3";
}

bool isDir(const fs::path& p)
{
    std::error_code ec;
    return fs::is_directory(p, ec);
}

bool isFile(const fs::path& p)
{
    std::error_code ec;
    return fs::is_regular_file(p, ec);
}

// A folder that is an mlruns root itself: experiment data, a trash or a registry.
bool looksLikeMlruns(const fs::path& dir)
{
    return mlrunsHasExperimentData(dir) || isDir(dir / ".trash") || isDir(dir / "models");
}

Result<StoreLocation> resolveLocalPath(const fs::path& path, std::string_view original)
{
    if (isFile(path)) {
        if (hasSqliteHeader(path))
            return StoreLocation {StoreKind::Sqlite, path.string()};
        return StoreError {
            ErrorCode::InvalidParameterValue, "'" + std::string(original) + "' is a file but not an SQLite database"};
    }
    if (!isDir(path)) {
        return StoreError {
            ErrorCode::ResourceDoesNotExist, "no store at '" + path.string() + "': the folder or file does not exist"};
    }
    if (looksLikeMlruns(path))
        return StoreLocation {StoreKind::File, path.string()};
    const fs::path mlruns = path / "mlruns";
    const fs::path db = path / "mlflow.db";
    if (mlrunsHasExperimentData(mlruns))
        return StoreLocation {StoreKind::File, mlruns.string()};
    if (isFile(db))
        return StoreLocation {StoreKind::Sqlite, db.string()};
    if (isDir(mlruns))
        return StoreLocation {StoreKind::File, mlruns.string()};
    // An empty folder is an empty file store, as MLflow treats it.
    return StoreLocation {StoreKind::File, path.string()};
}

} // namespace

bool mlrunsHasExperimentData(const fs::path& dir)
{
    std::error_code ec;
    fs::directory_iterator it(dir, ec);
    if (ec)
        return false;
    for (const auto& entry : it) {
        const std::string name = entry.path().filename().string();
        if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos)
            continue;
        if (isFile(entry.path() / "meta.yaml"))
            return true;
    }
    return false;
}

std::string defaultTrackingUri(const fs::path& cwd)
{
    if (const char* env = std::getenv("MLFLOW_TRACKING_URI"); env && *env)
        return env;
    if (mlrunsHasExperimentData(cwd / "mlruns"))
        return (cwd / "mlruns").string();
    return "sqlite:///mlflow.db";
}

Result<StoreLocation> resolveStoreLocation(std::string_view uriOrPath, const fs::path& cwd)
{
    const std::string scheme = uriScheme(uriOrPath);
    if (scheme == "http" || scheme == "https") {
        std::string url(uriOrPath);
        while (url.size() > 1 && url.back() == '/')
            url.pop_back();
        return StoreLocation {StoreKind::Rest, url};
    }
    if (scheme == "sqlite") {
        // sqlite:///rel.db is relative to the working folder, sqlite:////abs.db is absolute.
        std::string_view rest = uriOrPath.substr(7);
        if (!rest.starts_with("///")) {
            return StoreError {ErrorCode::InvalidParameterValue,
                "'" + std::string(uriOrPath)
                    + "' is not a valid sqlite URI: use sqlite:///relative.db "
                      "or sqlite:////absolute/path.db"};
        }
        rest.remove_prefix(3);
        const auto query = rest.find('?');
        fs::path path(percentDecode(rest.substr(0, query)));
        if (path.is_relative())
            path = cwd / path;
        if (!isFile(path))
            return StoreError {ErrorCode::ResourceDoesNotExist, "no SQLite database at '" + path.string() + "'"};
        return StoreLocation {StoreKind::Sqlite, path.lexically_normal().string()};
    }
    if (scheme == "databricks" || uriOrPath == "databricks") {
        return StoreError {ErrorCode::NotImplemented, "Databricks tracking URIs are not supported"};
    }
    const auto local = localPathFromUri(uriOrPath);
    if (!local) {
        return StoreError {ErrorCode::InvalidParameterValue,
            "'" + std::string(uriOrPath) + "' is neither a path nor a file:, sqlite: or http(s): URI"};
    }
    fs::path path(*local);
    if (path.is_relative())
        path = cwd / path;
    return resolveLocalPath(path.lexically_normal(), uriOrPath);
}

Result<std::unique_ptr<Store>> openStore(std::string_view uriOrPath)
{
    std::error_code ec;
    const fs::path cwd = fs::current_path(ec);
    const std::string uri = uriOrPath.empty() ? defaultTrackingUri(cwd) : std::string(uriOrPath);
    auto location = resolveStoreLocation(uri, cwd);
    if (!location)
        return location.error();
    switch (location->kind) {
    case StoreKind::File: {
        auto store = MlrunsStore::open(location->location);
        if (!store)
            return store.error();
        return std::unique_ptr<Store>(std::move(store.value()));
    }
    case StoreKind::Sqlite: {
        // Read-write when the file and its folder allow it; the store falls back to read-only and
        // says why (writeBlocker()) otherwise. Nothing is written until the user edits something.
        auto store = SqliteStore::open(location->location, /*readOnly=*/false);
        if (!store)
            return store.error();
        return std::unique_ptr<Store>(std::move(store.value()));
    }
    case StoreKind::Rest: {
        auto connection = RestConnection::fromEnvironment(location->location);
        if (!connection)
            return connection.error();
        auto store = RestStore::open(std::move(connection.value()));
        if (!store)
            return store.error();
        return std::unique_ptr<Store>(std::move(store.value()));
    }
    }
    return StoreError {ErrorCode::InternalError, "unknown store kind"};
}

} // namespace runlens
