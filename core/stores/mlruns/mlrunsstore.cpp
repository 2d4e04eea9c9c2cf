// SPDX-License-Identifier: Apache-2.0
#include "stores/mlruns/mlrunsstoreimpl.h"

#include "uri.h"

#include <algorithm>
#include <cerrno>
#include <set>

#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

namespace runlens {

// ---- experiments -------------------------------------------------------------------------------------

std::vector<ExperimentFolder> MlrunsStore::Impl::experimentFolders(
    bool active, bool deleted, std::vector<Problem>* problems) const
{
    std::vector<ExperimentFolder> out;
    auto collect = [&](const std::string& dir, bool trash) {
        int err = 0;
        UniqueFd fd = localfs::openDir(localfs::currentDirFd(), dir, err);
        std::vector<DirEntry> entries;
        if (fd.valid())
            err = localfs::listDir(fd.get(), entries);
        if (err != 0) {
            if (problems && !(trash && err == ENOENT))
                problems->push_back({dir, "cannot list the folder: " + localfs::errorText(err)});
            return;
        }
        std::sort(entries.begin(), entries.end(), [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
        for (const DirEntry& entry : entries) {
            // MLflow drops any name ending in ".trash" (an endswith() test), and the registry folder.
            if (!trash && (std::string_view(entry.name).ends_with(kTrash) || entry.name == kModels))
                continue;
            EntryType type;
            if (resolvedType(fd.get(), entry, type) != 0 || type != EntryType::Dir)
                continue;
            out.push_back({entry.name, join(dir, entry.name), trash});
        }
    };
    if (active)
        collect(root, false);
    if (deleted)
        collect(join(root, kTrash), true);
    return out;
}

std::optional<ExperimentFolder> MlrunsStore::Impl::findExperimentFolder(const std::string& id) const
{
    if (const std::string path = join(root, id); isDirectory(path))
        return ExperimentFolder {id, path, false};
    if (const std::string path = join(join(root, kTrash), id); isDirectory(path))
        return ExperimentFolder {id, path, true};
    return std::nullopt;
}

Result<std::vector<ExperimentFolder>> MlrunsStore::Impl::foldersOf(
    const std::vector<std::string>& ids, bool missingIsError) const
{
    std::vector<ExperimentFolder> folders;
    std::set<std::string> seen;
    for (const std::string& id : ids) {
        if (!seen.insert(id).second)
            continue;
        if (!isValidExperimentId(id))
            return StoreError {ErrorCode::InvalidParameterValue, "invalid experiment id " + inQuotes(id)};
        auto folder = findExperimentFolder(id);
        if (folder)
            folders.push_back(std::move(*folder));
        else if (missingIsError)
            return StoreError {ErrorCode::ResourceDoesNotExist, "Experiment " + inQuotes(id) + " does not exist"};
    }
    return folders;
}

std::optional<Experiment> MlrunsStore::Impl::readExperiment(
    const ExperimentFolder& folder, ReadBuffer& buffer, std::vector<Problem>& problems, bool* idMismatch) const
{
    const std::string metaPath = join(folder.path, kMeta);
    int err = 0;
    UniqueFd fd = localfs::openDir(localfs::currentDirFd(), folder.path, err);
    if (!fd.valid()) {
        problems.push_back({folder.path, "cannot open the experiment folder: " + localfs::errorText(err)});
        return std::nullopt;
    }
    MetaFile file = readMetaFile(fd.get(), std::string(kMeta), buffer);
    if (file.state != MetaState::Ok) {
        problems.push_back({metaPath, file.reason + "; the experiment is skipped"});
        return std::nullopt;
    }
    const YamlMeta& meta = *file.meta;
    auto fail = [&](const std::string& why) {
        problems.push_back({metaPath, why + "; the experiment is skipped"});
        return std::nullopt;
    };
    Experiment experiment;
    // Legacy stores wrote experiment_id as a bare int; as text it reads the same either way.
    const auto id = meta.scalar("experiment_id");
    if (!id)
        return fail("meta.yaml has no experiment_id");
    if (*id != folder.id) {
        if (idMismatch)
            *idMismatch = true;
        problems.push_back({metaPath,
            "meta.yaml records experiment_id " + inQuotes(*id) + " but its folder is " + inQuotes(folder.id)
                + "; MLflow ignores such an experiment, and so does Runlens"});
        return std::nullopt;
    }
    experiment.experimentId = *id;
    const auto name = meta.scalar("name");
    if (!name)
        return fail("meta.yaml has no name");
    experiment.name = *name;
    experiment.artifactLocation = readString(meta, "artifact_location");
    std::string why;
    if (!readLifecycle(meta, experiment.lifecycleStage, why)
        || !readInt(meta, "creation_time", experiment.creationTime, why)
        || !readInt(meta, "last_update_time", experiment.lastUpdateTime, why))
        return fail(why);
    experiment.tags = readKeyValues(fd.get(), "tags", join(folder.path, "tags"), buffer, problems);
    // One folder per trace (traces/<trace id>/); no folder, no traces. Nothing in it is read.
    experiment.traceCount = 0;
    if (UniqueFd traces = localfs::openDir(fd.get(), "traces", err); traces.valid()) {
        std::vector<localfs::DirEntry> entries;
        if (localfs::listDir(traces.get(), entries) == 0) {
            experiment.traceCount = static_cast<std::int64_t>(std::count_if(entries.begin(), entries.end(),
                [](const localfs::DirEntry& e) { return e.type == localfs::EntryType::Dir; }));
        }
    }
    return experiment;
}

// ---- MlrunsStore ------------------------------------------------------------------------------------------

MlrunsStore::MlrunsStore(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl))
{ }

MlrunsStore::~MlrunsStore() = default;

Result<std::unique_ptr<MlrunsStore>> MlrunsStore::open(const std::filesystem::path& root)
{
    std::error_code ec;
    std::filesystem::path absolute = std::filesystem::absolute(root, ec);
    if (ec)
        absolute = root;
    absolute = absolute.lexically_normal();
    std::string path = absolute.string();
    while (path.size() > 1 && path.back() == '/')
        path.pop_back();
    int err = 0;
    UniqueFd fd = localfs::openDir(localfs::currentDirFd(), path, err);
    if (!fd.valid()) {
        if (err == ENOENT)
            return StoreError {ErrorCode::ResourceDoesNotExist, "no mlruns folder at " + path};
        if (err == ENOTDIR)
            return StoreError {ErrorCode::InvalidParameterValue, path + " is not a folder"};
        if (err == EACCES)
            return StoreError {ErrorCode::PermissionDenied, "cannot open " + path + ": " + localfs::errorText(err)};
        return StoreError {ErrorCode::IoError, "cannot open " + path + ": " + localfs::errorText(err)};
    }
    std::vector<DirEntry> entries;
    if (err = localfs::listDir(fd.get(), entries); err != 0)
        return StoreError {err == EACCES ? ErrorCode::PermissionDenied : ErrorCode::IoError,
            "cannot list " + path + ": " + localfs::errorText(err)};
    auto impl = std::make_unique<Impl>();
    impl->root = path;
    impl->rootPath = path;
    return std::unique_ptr<MlrunsStore>(new MlrunsStore(std::move(impl)));
}

const std::filesystem::path& MlrunsStore::root() const
{
    return m_impl->rootPath;
}

std::string MlrunsStore::uri() const
{
    return fileUriFromPath(m_impl->root);
}

Capabilities MlrunsStore::capabilities() const
{
    Capabilities caps = static_cast<Capabilities>(Capability::Registry);
    // access() alone is not enough: root passes it even on a read-only mount.
    struct statvfs vfs
    {
    };
    const bool readOnlyMount = ::statvfs(m_impl->root.c_str(), &vfs) == 0 && (vfs.f_flag & ST_RDONLY) != 0;
    if (::access(m_impl->root.c_str(), W_OK) == 0 && !readOnlyMount)
        caps |= static_cast<Capabilities>(Capability::WriteRuns) | static_cast<Capabilities>(Capability::WriteRegistry);
    return caps;
}

Result<ExperimentList> MlrunsStore::experiments(ViewType view)
{
    ExperimentList list;
    const bool active = view != ViewType::DeletedOnly;
    const bool deleted = view != ViewType::ActiveOnly;
    const std::vector<ExperimentFolder> folders = m_impl->experimentFolders(active, deleted, &list.problems);
    ReadBuffer buffer;
    for (const ExperimentFolder& folder : folders) {
        if (auto experiment = m_impl->readExperiment(folder, buffer, list.problems, nullptr))
            list.experiments.push_back(std::move(*experiment));
    }
    std::stable_sort(list.experiments.begin(), list.experiments.end(), experimentOrderLess);
    return list;
}

Result<Experiment> MlrunsStore::experiment(const std::string& experimentId)
{
    if (!isValidExperimentId(experimentId))
        return StoreError {ErrorCode::InvalidParameterValue, "invalid experiment id " + inQuotes(experimentId)};
    const auto folder = m_impl->findExperimentFolder(experimentId);
    if (!folder)
        return StoreError {ErrorCode::ResourceDoesNotExist, "Experiment " + inQuotes(experimentId) + " does not exist"};
    ReadBuffer buffer;
    std::vector<Problem> problems;
    bool mismatch = false;
    auto experiment = m_impl->readExperiment(*folder, buffer, problems, &mismatch);
    if (!experiment) {
        const std::string detail
            = problems.empty() ? folder->path : problems.front().path + ": " + problems.front().reason;
        if (mismatch)
            return StoreError {
                ErrorCode::ResourceDoesNotExist, "Experiment " + inQuotes(experimentId) + " does not exist: " + detail};
        return StoreError {
            ErrorCode::InternalError, "Experiment " + inQuotes(experimentId) + " cannot be read: " + detail};
    }
    return std::move(*experiment);
}

} // namespace runlens
