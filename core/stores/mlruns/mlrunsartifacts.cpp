// SPDX-License-Identifier: Apache-2.0
#include "stores/mlruns/mlrunsstoreimpl.h"

#include "artifactpath.h"
#include "uri.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include <sys/stat.h>
#include <unistd.h>

namespace runlens {

// ---- artifacts -----------------------------------------------------------------------------------------

std::optional<std::string> MlrunsStore::Impl::artifactRoot(const RunInfo& info, const RunFolder& folder) const
{
    // The recorded location when it is a local folder that exists here; otherwise the artifacts folder
    // next to the run, which is where a copied or moved store keeps them.
    if (const auto local = localPathFromUri(info.artifactUri); local && !local->empty() && local->front() == '/') {
        if (isDirectory(*local))
            return *local;
    }
    const std::string fallback = join(folder.path, "artifacts");
    if (isDirectory(fallback))
        return fallback;
    return std::nullopt;
}

namespace {

// The folder a path resolves to through every link, or empty when it does not resolve.
std::string resolvedPath(const std::string& path)
{
    char* resolved = ::realpath(path.c_str(), nullptr);
    if (!resolved)
        return {};
    std::string out(resolved);
    std::free(resolved);
    return out;
}

bool isInside(const std::string& realRoot, const std::string& realPath)
{
    if (realRoot.empty())
        return false;
    return realPath == realRoot
        || (realPath.size() > realRoot.size() && realPath.compare(0, realRoot.size(), realRoot) == 0
            && (realRoot.back() == '/' || realPath[realRoot.size()] == '/'));
}

// For a symbolic link among a run's artifacts: empty when it leads to something inside the artifact
// root, else where it leads (or why it cannot be resolved), for the error. Links to elsewhere are
// refused so a preview or a download of a run never reads, say, /etc through `artifacts/link`.
std::string escapesRoot(const std::string& realRoot, const std::string& linkPath)
{
    // A link that does not resolve (dangling, a loop) reads nothing; the open that follows says why.
    const std::string target = resolvedPath(linkPath);
    return target.empty() || isInside(realRoot, target) ? std::string() : target;
}

StoreError escapeError(
    std::string_view what, const std::string& path, const std::string& runId, const std::string& target)
{
    return StoreError {ErrorCode::PermissionDenied,
        std::string(what) + " " + inQuotes(path) + " of run " + inQuotes(runId) + " is a symbolic link to " + target
            + ", outside the run's artifact folder; not followed"};
}

} // namespace

Result<UniqueFd> MlrunsStore::Impl::openArtifactDir(
    const std::string& rootPath, const std::vector<std::string>& parts, const std::string& runId) const
{
    int err = 0;
    UniqueFd fd = localfs::openDir(localfs::currentDirFd(), rootPath, err);
    if (!fd.valid())
        return StoreError {
            ErrorCode::IoError, "cannot open the artifact folder " + rootPath + ": " + localfs::errorText(err)};
    // Symbolic links are followed as MLflow does, but a folder that is its own ancestor is a loop:
    // listing it would never end, so it is refused.
    std::vector<std::pair<std::uint64_t, std::uint64_t>> chain;
    FileStatus st;
    if (localfs::statFd(fd.get(), st) == 0)
        chain.emplace_back(st.device, st.inode);
    const std::string realRoot = resolvedPath(rootPath);
    std::string walked;
    for (const std::string& part : parts) {
        walked = walked.empty() ? part : walked + "/" + part;
        if (localfs::statAt(fd.get(), part, false, st) == 0 && st.type == EntryType::Symlink) {
            if (const std::string target = escapesRoot(realRoot, join(rootPath, walked)); !target.empty())
                return escapeError("artifact folder", walked, runId, target);
        }
        UniqueFd next = localfs::openDir(fd.get(), part, err);
        if (!next.valid()) {
            if (err == ENOENT || err == ENOTDIR)
                return StoreError {ErrorCode::ResourceDoesNotExist,
                    "no artifact folder " + inQuotes(walked) + " in run " + inQuotes(runId)};
            return StoreError {ErrorCode::IoError,
                "cannot open artifact folder " + inQuotes(walked) + " of run " + inQuotes(runId) + ": "
                    + localfs::errorText(err)};
        }
        if (localfs::statFd(next.get(), st) == 0) {
            const std::pair<std::uint64_t, std::uint64_t> id {st.device, st.inode};
            if (std::find(chain.begin(), chain.end(), id) != chain.end())
                return StoreError {ErrorCode::IoError,
                    "artifact folder " + inQuotes(walked) + " of run " + inQuotes(runId)
                        + " is a symbolic link back to a folder that contains it (a loop); not listed"};
            chain.push_back(id);
        }
        fd = std::move(next);
    }
    return fd;
}

Result<std::vector<FileInfo>> MlrunsStore::listArtifacts(const std::string& runId, const std::string& path)
{
    std::vector<std::string> parts;
    if (!splitRelativePath(path, parts))
        return StoreError {ErrorCode::InvalidParameterValue,
            "invalid artifact path " + inQuotes(path) + ": it must be relative and must not contain '..'"};
    RunFolder folder;
    auto run = m_impl->loadRun(runId, static_cast<RunFields>(RunField::Info), &folder);
    if (!run)
        return run.error();
    const auto rootPath = m_impl->artifactRoot(run->info, folder);
    if (!rootPath)
        return std::vector<FileInfo> {};
    auto dir = m_impl->openArtifactDir(*rootPath, parts, runId);
    if (!dir) {
        // A path that is not a folder lists as empty in MLflow.
        if (dir.error().code == ErrorCode::ResourceDoesNotExist)
            return std::vector<FileInfo> {};
        return dir.error();
    }
    std::vector<DirEntry> entries;
    if (const int err = localfs::listDir(dir->get(), entries); err != 0)
        return StoreError {ErrorCode::IoError,
            "cannot list artifact folder " + inQuotes(path) + " of run " + inQuotes(runId) + ": "
                + localfs::errorText(err)};
    std::string prefix;
    for (const std::string& part : parts)
        prefix += part + "/";
    const std::string realRoot = resolvedPath(*rootPath);
    std::vector<FileInfo> out;
    out.reserve(entries.size());
    for (const DirEntry& entry : entries) {
        FileInfo info;
        info.path = prefix + entry.name;
        FileStatus st;
        const bool link = entry.type == EntryType::Symlink
            || (entry.type == EntryType::Unknown && localfs::statAt(dir->get(), entry.name, false, st) == 0
                && st.type == EntryType::Symlink);
        // A link out of the artifact folder stays listed (its folder-ness comes from the link's target,
        // so a recursive listing reports it when it tries to descend), but its size is not shown:
        // nothing outside is read, and reading or listing through it is refused.
        const bool outside = link && !escapesRoot(realRoot, join(*rootPath, info.path)).empty();
        if (localfs::statAt(dir->get(), entry.name, true, st) == 0) {
            info.isDir = st.type == EntryType::Dir;
            if (!info.isDir && !outside)
                info.fileSize = st.size;
        }
        out.push_back(std::move(info));
    }
    std::sort(out.begin(), out.end(), [](const FileInfo& a, const FileInfo& b) { return a.path < b.path; });
    return out;
}

Result<std::string> MlrunsStore::readArtifact(const std::string& runId, const std::string& path, std::int64_t maxBytes)
{
    auto relative = artifactFileRequest(runId, path, maxBytes);
    if (!relative)
        return relative.error();
    const std::vector<std::string> parts = artifactPathSegments(*relative);
    RunFolder folder;
    auto run = m_impl->loadRun(runId, static_cast<RunFields>(RunField::Info), &folder);
    if (!run)
        return run.error();
    const auto rootPath = m_impl->artifactRoot(run->info, folder);
    if (!rootPath)
        return StoreError {ErrorCode::ResourceDoesNotExist, "run " + inQuotes(runId) + " has no artifacts"};
    const std::vector<std::string> dirs(parts.begin(), parts.end() - 1);
    auto dir = m_impl->openArtifactDir(*rootPath, dirs, runId);
    if (!dir)
        return dir.error();
    FileStatus st;
    if (localfs::statAt(dir->get(), parts.back(), false, st) == 0 && st.type == EntryType::Symlink) {
        if (const std::string target = escapesRoot(resolvedPath(*rootPath), join(*rootPath, *relative));
            !target.empty())
            return escapeError("artifact", *relative, runId, target);
    }
    int err = 0;
    UniqueFd file = localfs::openFile(dir->get(), parts.back(), err);
    if (!file.valid()) {
        if (err == ENOENT)
            return StoreError {
                ErrorCode::ResourceDoesNotExist, "no artifact " + inQuotes(path) + " in run " + inQuotes(runId)};
        return StoreError {err == EACCES ? ErrorCode::PermissionDenied : ErrorCode::IoError,
            "cannot open artifact " + inQuotes(path) + " of run " + inQuotes(runId) + ": " + localfs::errorText(err)};
    }
    if (localfs::statFd(file.get(), st) != 0 || st.type != EntryType::File)
        return StoreError {ErrorCode::InvalidParameterValue,
            "artifact " + inQuotes(path) + " of run " + inQuotes(runId) + " is not a file"};
    ReadBuffer buffer;
    std::string_view bytes;
    if (err = buffer.readUpTo(file.get(), static_cast<std::size_t>(maxBytes), bytes); err != 0)
        return StoreError {ErrorCode::IoError,
            "cannot read artifact " + inQuotes(path) + " of run " + inQuotes(runId) + ": " + localfs::errorText(err)};
    return std::string(bytes);
}

} // namespace runlens
