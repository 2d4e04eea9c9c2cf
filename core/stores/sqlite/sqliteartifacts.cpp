// SPDX-License-Identifier: Apache-2.0
#include "stores/sqlite/sqlitestoreimpl.h"

#include "artifactpath.h"
#include "uri.h"

#include <fstream>

namespace runlens {

namespace {

fs::path pathFromUtf8(std::string_view text)
{
    return fs::path(std::u8string(text.begin(), text.end()));
}

bool isDirectory(const fs::path& path)
{
    std::error_code ec;
    return fs::is_directory(path, ec);
}

std::vector<std::string> splitPath(std::string_view path)
{
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (start <= path.size()) {
        std::size_t end = path.find_first_of("/\\", start);
        if (end == std::string_view::npos)
            end = path.size();
        const std::string_view part = path.substr(start, end - start);
        if (!part.empty() && part != ".")
            parts.emplace_back(part);
        start = end + 1;
    }
    return parts;
}

// The relocation rule documented in sqlitestore.h.
ArtifactLocation locateArtifacts(
    const std::string& recordedUri, const fs::path& dbDir, const std::string& runId, const std::string& experimentId)
{
    ArtifactLocation location;
    location.recordedUri = recordedUri;
    std::vector<fs::path> candidates;

    const std::string scheme = uriScheme(recordedUri);
    std::string recordedPath;
    fs::path tailBase = dbDir;
    if (auto local = localPathFromUri(recordedUri); local && !local->empty()) {
        recordedPath = *local;
        const fs::path recorded = pathFromUtf8(recordedPath);
        candidates.push_back(recorded.is_absolute() ? recorded : dbDir / recorded);
    } else if (scheme == "mlflow-artifacts") {
        location.local = false;
        std::string_view rest = std::string_view(recordedUri).substr(scheme.size() + 1);
        if (rest.starts_with("//")) { // mlflow-artifacts://host:port/path
            rest.remove_prefix(2);
            const auto slash = rest.find('/');
            rest = slash == std::string_view::npos ? std::string_view {} : rest.substr(slash);
        }
        recordedPath = percentDecode(rest);
        tailBase = dbDir / "mlartifacts";
    } else {
        location.local = recordedUri.empty();
    }

    const auto parts = splitPath(recordedPath);
    const auto lastRun = std::find(parts.rbegin(), parts.rend(), runId);
    if (!runId.empty() && lastRun != parts.rend()) {
        const auto runIndex = static_cast<std::size_t>(parts.rend() - lastRun - 1);
        for (std::size_t first = 0; first <= runIndex; ++first) {
            // A drive ("C:") or '..' cannot be re-rooted under the database folder.
            const bool usable = parts[first].find(':') == std::string::npos
                && std::find(parts.begin() + static_cast<std::ptrdiff_t>(first), parts.end(), "..") == parts.end();
            if (!usable)
                continue;
            fs::path candidate = tailBase;
            for (std::size_t i = first; i < parts.size(); ++i)
                candidate /= pathFromUtf8(parts[i]);
            candidates.push_back(std::move(candidate));
        }
    }
    if (!runId.empty() && !experimentId.empty())
        candidates.push_back(dbDir / "mlruns" / pathFromUtf8(experimentId) / pathFromUtf8(runId) / "artifacts");

    for (const auto& candidate : candidates) {
        if (isDirectory(candidate)) {
            location.root = candidate.lexically_normal();
            break;
        }
    }
    return location;
}

} // namespace

Result<ArtifactLocation> SqliteStore::Impl::locateRunArtifacts(const std::string& runId)
{
    using Row = Result<std::pair<std::string, std::string>>;
    auto row = read<Row>(nullptr, [&](SqliteConnection& c) -> Row {
        auto statement = c.prepareCached(runArtifactSql);
        if (!statement)
            return statement.error();
        (*statement)->bindText(1, runId);
        auto found = (*statement)->step();
        if (!found)
            return found.error();
        if (!*found)
            return StoreError {ErrorCode::ResourceDoesNotExist, "Run with id=" + runId + " not found"};
        std::pair<std::string, std::string> values {(*statement)->text(0), (*statement)->text(1)};
        (*statement)->reset();
        return values;
    });
    if (!row)
        return row.error();
    // The file system is looked at on the caller's thread, not on the connection's.
    return locateArtifacts(row->first, dbDir, runId, row->second);
}

Result<fs::path> SqliteStore::artifactRoot(const std::string& runId)
{
    auto location = m_impl->locateRunArtifacts(runId);
    if (!location)
        return location.error();
    if (location->root)
        return *location->root;
    if (!location->local) {
        return StoreError {ErrorCode::NotImplemented,
            "the artifacts of run " + runId + " are stored at '" + location->recordedUri
                + "', which cannot be read from the local disk, and no copy was found next to '"
                + m_impl->dbFile.string() + "'"};
    }
    return StoreError {ErrorCode::ResourceDoesNotExist,
        "run " + runId + " has no artifact folder: '" + location->recordedUri
            + "' does not exist and no copy was found next to '" + m_impl->dbFile.string() + "'"};
}

Result<std::vector<FileInfo>> SqliteStore::listArtifacts(const std::string& runId, const std::string& path)
{
    auto relative = safeArtifactPath(path);
    if (!relative)
        return relative.error();
    std::vector<FileInfo> files;
    auto location = m_impl->locateRunArtifacts(runId);
    if (!location)
        return location.error();
    if (!location->root) {
        if (location->local)
            return files; // MLflow lists a local artifact folder that does not exist as empty
        return artifactRoot(runId).error();
    }
    const fs::path& root = *location->root;
    const fs::path dir = relative->empty() ? root : root / pathFromUtf8(*relative);
    if (!isDirectory(dir))
        return files; // a file or a missing path lists as empty, as in MLflow
    std::error_code ec;
    fs::directory_iterator it(dir, ec);
    if (ec) {
        return StoreError {ErrorCode::IoError, "cannot list artifacts in '" + dir.string() + "': " + ec.message()};
    }
    for (const auto& entry : it) {
        FileInfo info;
        const std::string name = utf8(entry.path().filename());
        info.path = relative->empty() ? name : *relative + "/" + name;
        std::error_code statError;
        info.isDir = entry.is_directory(statError);
        if (!info.isDir) {
            const auto size = entry.file_size(statError);
            if (!statError)
                info.fileSize = static_cast<std::int64_t>(size);
        }
        files.push_back(std::move(info));
    }
    std::sort(files.begin(), files.end(), [](const FileInfo& a, const FileInfo& b) { return a.path < b.path; });
    return files;
}

Result<std::string> SqliteStore::readArtifact(const std::string& runId, const std::string& path, std::int64_t maxBytes)
{
    auto relative = artifactFileRequest(runId, path, maxBytes);
    if (!relative)
        return relative.error();
    auto root = artifactRoot(runId);
    if (!root)
        return root.error();
    const fs::path file = *root / pathFromUtf8(*relative);
    std::error_code ec;
    if (fs::is_directory(file, ec)) {
        return StoreError {ErrorCode::InvalidParameterValue,
            "artifact '" + *relative + "' of run " + runId + " is a folder, not a file"};
    }
    if (!fs::is_regular_file(file, ec)) {
        return StoreError {ErrorCode::ResourceDoesNotExist, "run " + runId + " has no artifact '" + *relative + "'"};
    }
    std::ifstream in(file, std::ios::binary);
    if (!in)
        return StoreError {ErrorCode::IoError, "cannot open '" + file.string() + "'"};
    const auto size = fs::file_size(file, ec);
    const auto wanted
        = static_cast<std::size_t>(std::min<std::uintmax_t>(ec ? 0 : size, static_cast<std::uintmax_t>(maxBytes)));
    std::string bytes(wanted, '\0');
    in.read(bytes.data(), static_cast<std::streamsize>(wanted));
    bytes.resize(static_cast<std::size_t>(in.gcount()));
    if (in.bad())
        return StoreError {ErrorCode::IoError, "cannot read '" + file.string() + "'"};
    return bytes;
}

} // namespace runlens
