// SPDX-License-Identifier: Apache-2.0
#include "mlrunsstore.h"

#include "atomicfile.h"
#include "localfs.h"
#include "metricfile.h"
#include "parallelfor.h"
#include "runsearch.h"
#include "uri.h"
#include "yamlmeta.h"
#include "yamlwriter.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include <unordered_map>

namespace runlens {

using localfs::DirEntry;
using localfs::EntryType;
using localfs::FileStatus;
using localfs::ReadBuffer;
using localfs::UniqueFd;

namespace {

constexpr std::string_view kTrash = ".trash";
constexpr std::string_view kModels = "models";
constexpr std::string_view kMeta = "meta.yaml";

bool isAlnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// MLflow's id patterns (formats, conventions): they also keep ids from naming paths outside the store.
bool isValidId(std::string_view id, std::size_t maxRest)
{
    if (id.empty() || id.size() > maxRest + 1 || !isAlnum(id.front()))
        return false;
    return std::all_of(id.begin() + 1, id.end(), [](char c) { return isAlnum(c) || c == '_' || c == '-'; });
}

bool isValidExperimentId(std::string_view id)
{
    return isValidId(id, 63);
}

bool isValidRunId(std::string_view id)
{
    return isValidId(id, 255);
}

bool isHex32(std::string_view name)
{
    return name.size() == 32 && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    });
}

bool isReservedExperimentChild(std::string_view name)
{
    return name == "tags" || name == "datasets" || name == "traces" || name == "models";
}

std::string join(std::string_view a, std::string_view b)
{
    std::string out;
    out.reserve(a.size() + 1 + b.size());
    out.append(a);
    out.push_back('/');
    out.append(b);
    return out;
}

std::string inQuotes(std::string_view text)
{
    return "'" + std::string(text) + "'";
}

// Splits a '/'-separated relative path into its parts; fails on absolute paths and "..", which could
// lead out of the folder the path is relative to. Empty and "." parts are dropped, as normpath does.
bool splitRelativePath(std::string_view path, std::vector<std::string>& parts)
{
    parts.clear();
    if (!path.empty() && (path.front() == '/' || path.front() == '\\'))
        return false;
    if (path.find('\0') != std::string_view::npos)
        return false;
    std::size_t start = 0;
    while (start <= path.size()) {
        std::size_t slash = path.find('/', start);
        if (slash == std::string_view::npos)
            slash = path.size();
        const std::string_view part = path.substr(start, slash - start);
        if (part == "..")
            return false;
        if (!part.empty() && part != ".")
            parts.emplace_back(part);
        start = slash + 1;
    }
    return true;
}

bool isDirectory(const std::string& path)
{
    FileStatus st;
    return localfs::statAt(localfs::currentDirFd(), path, true, st) == 0 && st.type == EntryType::Dir;
}

// The type of a listed entry, following symbolic links as os.path.isdir() does. 0 or errno.
int resolvedType(int dirFd, const DirEntry& entry, EntryType& type)
{
    if (entry.type == EntryType::File || entry.type == EntryType::Dir) {
        type = entry.type;
        return 0;
    }
    FileStatus st;
    const int err = localfs::statAt(dirFd, entry.name, true, st);
    if (err == 0)
        type = st.type;
    return err;
}

// Per worker thread: one read buffer for every file that thread reads.
struct Scratch
{
    ReadBuffer buffer;
};

// ---- typed access to meta.yaml values ---------------------------------------------------------

// Reads an integer field. Missing or null leaves `out` empty; anything but an integer is an error.
bool readInt(const YamlMeta& meta, std::string_view key, std::optional<std::int64_t>& out, std::string& why)
{
    out.reset();
    const YamlMeta::Value* value = meta.find(key);
    if (!value || value->kind == YamlMeta::Kind::Null)
        return true;
    std::int64_t number = 0;
    if (value->kind != YamlMeta::Kind::Scalar || !parseMetricInt(value->text, number)) {
        why = std::string(key) + " is not an integer"
            + (value->kind == YamlMeta::Kind::Scalar ? ": " + inQuotes(value->text) : std::string());
        return false;
    }
    out = number;
    return true;
}

std::string readString(const YamlMeta& meta, std::string_view key)
{
    return meta.scalar(key).value_or(std::string());
}

std::optional<std::string> readNullableString(const YamlMeta& meta, std::string_view key)
{
    return meta.scalar(key);
}

bool readLifecycle(const YamlMeta& meta, LifecycleStage& stage, std::string& why)
{
    const auto text = meta.scalar("lifecycle_stage");
    if (!text) {
        stage = LifecycleStage::Active; // MLflow's default for metas written before it existed
        return true;
    }
    if (*text == "active") {
        stage = LifecycleStage::Active;
        return true;
    }
    if (*text == "deleted") {
        stage = LifecycleStage::Deleted;
        return true;
    }
    why = "lifecycle_stage " + inQuotes(*text) + " is neither 'active' nor 'deleted'";
    return false;
}

// ---- meta.yaml files ------------------------------------------------------------------------------

enum class MetaState
{
    Ok,
    Missing,
    Broken
};

struct MetaFile
{
    MetaState state = MetaState::Broken;
    std::optional<YamlMeta> meta;
    std::string reason;
};

MetaFile readMetaFile(int dirFd, const std::string& name, ReadBuffer& buffer)
{
    MetaFile out;
    // MLflow retries an empty meta.yaml twice: a writer may be between truncating and writing it.
    for (int attempt = 0;; ++attempt) {
        int err = 0;
        UniqueFd fd = localfs::openFile(dirFd, name, err);
        if (!fd.valid()) {
            out.state = err == ENOENT ? MetaState::Missing : MetaState::Broken;
            out.reason = err == ENOENT ? "meta.yaml is missing" : "cannot open meta.yaml: " + localfs::errorText(err);
            return out;
        }
        std::string_view text;
        err = buffer.readAll(fd.get(), text);
        if (err != 0) {
            out.state = MetaState::Broken;
            out.reason = "cannot read meta.yaml: " + localfs::errorText(err);
            return out;
        }
        if (YamlMeta::isBlank(text) && attempt < 2) {
            std::this_thread::sleep_for(std::chrono::milliseconds(5 * (attempt + 1)));
            continue;
        }
        auto parsed = YamlMeta::parse(text);
        if (!parsed) {
            out.state = MetaState::Broken;
            out.reason = "meta.yaml is not usable: " + parsed.error().message;
            return out;
        }
        out.state = MetaState::Ok;
        out.meta = std::move(parsed.value());
        return out;
    }
}

// ---- key/value folders (params, tags, experiment tags, registry tags) ---------------------------

// Walks a folder of one-file-per-key entries (formats §A.6): a file's path below the folder is its key.
// Symbolic links to folders are not followed (os.walk does not either), which also rules out loops.
template<typename FileFn>
void walkKeyFiles(int dirFd, const std::string& prefix, const std::string& displayDir, int depth,
    std::vector<Problem>& problems, FileFn&& onFile)
{
    std::vector<DirEntry> entries;
    if (const int err = localfs::listDir(dirFd, entries); err != 0) {
        problems.push_back({displayDir, "cannot list the folder: " + localfs::errorText(err)});
        return;
    }
    std::sort(entries.begin(), entries.end(), [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
    for (const DirEntry& entry : entries) {
        const std::string display = join(displayDir, entry.name);
        EntryType type = entry.type;
        if (type == EntryType::Symlink || type == EntryType::Unknown) {
            FileStatus st;
            if (const int err = localfs::statAt(dirFd, entry.name, true, st); err != 0) {
                problems.push_back({display,
                    (err == ELOOP ? "symbolic link loop: " : "cannot follow the symbolic link: ")
                        + localfs::errorText(err)});
                continue;
            }
            if (st.type == EntryType::Dir && entry.type == EntryType::Symlink) {
                problems.push_back({display, "symbolic link to a folder; not followed (MLflow skips it too)"});
                continue;
            }
            type = st.type;
        }
        if (type == EntryType::Dir) {
            if (depth >= 64) {
                problems.push_back({display, "folders nested too deep; not read"});
                continue;
            }
            int err = 0;
            UniqueFd sub = localfs::openDir(dirFd, entry.name, err);
            if (!sub.valid()) {
                problems.push_back({display, "cannot open the folder: " + localfs::errorText(err)});
                continue;
            }
            walkKeyFiles(sub.get(), prefix + entry.name + "/", display, depth + 1, problems, onFile);
            continue;
        }
        if (type != EntryType::File) {
            problems.push_back({display, "not a regular file; skipped"});
            continue;
        }
        onFile(dirFd, entry.name, prefix + entry.name, display);
    }
}

// Opens `name` below dirFd as a key folder; a missing folder simply has no keys.
template<typename FileFn>
void readKeyFolder(int parentFd, const std::string& name, const std::string& displayDir, std::vector<Problem>& problems,
    FileFn&& onFile)
{
    int err = 0;
    UniqueFd fd = localfs::openDir(parentFd, name, err);
    if (!fd.valid()) {
        if (err != ENOENT)
            problems.push_back({displayDir, "cannot open the folder: " + localfs::errorText(err)});
        return;
    }
    walkKeyFiles(fd.get(), std::string(), displayDir, 0, problems, onFile);
}

std::vector<KeyValue> readKeyValues(int parentFd, const std::string& name, const std::string& displayDir,
    ReadBuffer& buffer, std::vector<Problem>& problems)
{
    std::vector<KeyValue> out;
    readKeyFolder(parentFd, name, displayDir, problems,
        [&](int dirFd, const std::string& file, const std::string& key, const std::string& display) {
            int err = 0;
            UniqueFd fd = localfs::openFile(dirFd, file, err);
            std::string_view text;
            if (fd.valid())
                err = buffer.readAll(fd.get(), text);
            if (err != 0) {
                problems.push_back({display, "cannot read: " + localfs::errorText(err)});
                return;
            }
            // The content is the value verbatim: no trailing newline is stripped (formats §A.6).
            out.push_back({key, std::string(text)});
        });
    std::sort(out.begin(), out.end(), [](const KeyValue& a, const KeyValue& b) { return a.key < b.key; });
    return out;
}

// ---- experiments -----------------------------------------------------------------------------------

struct ExperimentFolder
{
    std::string id; // the folder name
    std::string path;
    bool trash = false;
};

bool experimentOrderLess(const Experiment& a, const Experiment& b)
{
    // MLflow's default: creation_time DESC with missing times last, then experiment_id ASC as strings.
    if (a.creationTime != b.creationTime) {
        if (!a.creationTime)
            return false;
        if (!b.creationTime)
            return true;
        return *a.creationTime > *b.creationTime;
    }
    return a.experimentId < b.experimentId;
}

// ---- runs ------------------------------------------------------------------------------------------

struct RunFolder
{
    ExperimentFolder experiment;
    std::string name;
    std::string path;
};

enum class RunOutcome
{
    Loaded,
    NotARun, // no meta.yaml and nothing that looks like a run: an artifact folder, say
    Skipped, // a broken run, reported as a Problem
    Filtered // a run outside the requested view
};

struct DatasetCache
{
    std::mutex mutex;
    std::unordered_map<std::string, std::optional<Dataset>> datasets; // by meta.yaml path
};

} // namespace

struct MlrunsStore::Impl
{
    std::filesystem::path rootPath;
    std::string root;
    std::mutex writeMutex; // one write at a time from this object (read-modify-write of meta.yaml)

    // -- experiments --

    std::vector<ExperimentFolder> experimentFolders(bool active, bool deleted, std::vector<Problem>* problems) const;
    std::optional<ExperimentFolder> findExperimentFolder(const std::string& id) const;
    std::optional<Experiment> readExperiment(
        const ExperimentFolder& folder, ReadBuffer& buffer, std::vector<Problem>& problems, bool* idMismatch) const;

    // -- runs --

    std::vector<RunFolder> runFolders(const ExperimentFolder& folder, std::vector<Problem>& problems) const;
    bool findRun(const std::string& runId, std::vector<ExperimentFolder>& folders, RunFolder& out) const;
    RunOutcome readRun(const RunFolder& folder, RunFields fields, std::optional<ViewType> view, Scratch& scratch,
        DatasetCache* datasets, Run& run, std::vector<Problem>& problems) const;
    bool readRunInfo(const RunFolder& folder, const YamlMeta& meta, RunInfo& info, std::string& why) const;
    void readMetrics(int runFd, const std::string& runPath, Scratch& scratch, std::vector<Metric>& out,
        std::vector<Problem>& problems) const;
    void readInputs(int runFd, const RunFolder& folder, Scratch& scratch, DatasetCache* datasets,
        std::vector<DatasetInput>& out, std::vector<Problem>& problems) const;
    Result<Run> loadRun(const std::string& runId, RunFields fields, RunFolder* where) const;

    // -- artifacts --

    std::optional<std::string> artifactRoot(const RunInfo& info, const RunFolder& folder) const;
    Result<UniqueFd> openArtifactDir(
        const std::string& rootPath, const std::vector<std::string>& parts, const std::string& runId) const;

    // -- registry --

    std::string modelsDir() const { return join(root, kModels); }
    std::optional<RegisteredModel> readModel(int modelsFd, const std::string& folderName, ReadBuffer& buffer,
        std::vector<ModelVersion>* allVersions, std::vector<Problem>& problems) const;
    std::vector<ModelVersion> readVersions(int modelFd, const std::string& modelPath, const std::string& modelName,
        const std::vector<ModelAlias>& aliases, ReadBuffer& buffer, std::vector<Problem>& problems) const;
};

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
    return experiment;
}

// ---- runs --------------------------------------------------------------------------------------------

std::vector<RunFolder> MlrunsStore::Impl::runFolders(
    const ExperimentFolder& folder, std::vector<Problem>& problems) const
{
    std::vector<RunFolder> out;
    int err = 0;
    UniqueFd fd = localfs::openDir(localfs::currentDirFd(), folder.path, err);
    std::vector<DirEntry> entries;
    if (fd.valid())
        err = localfs::listDir(fd.get(), entries);
    if (err != 0) {
        problems.push_back({folder.path, "cannot list the experiment folder: " + localfs::errorText(err)});
        return out;
    }
    std::sort(entries.begin(), entries.end(), [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
    for (const DirEntry& entry : entries) {
        if (isReservedExperimentChild(entry.name))
            continue;
        EntryType type;
        if (resolvedType(fd.get(), entry, type) != 0 || type != EntryType::Dir)
            continue;
        out.push_back({folder, entry.name, join(folder.path, entry.name)});
    }
    return out;
}

bool MlrunsStore::Impl::findRun(const std::string& runId, std::vector<ExperimentFolder>& folders, RunFolder& out) const
{
    folders = experimentFolders(true, true, nullptr);
    for (const ExperimentFolder& folder : folders) {
        const std::string path = join(folder.path, runId);
        if (isDirectory(path)) {
            out = RunFolder {folder, runId, path};
            return true;
        }
    }
    return false;
}

bool MlrunsStore::Impl::readRunInfo(
    const RunFolder& folder, const YamlMeta& meta, RunInfo& info, std::string& why) const
{
    const auto experimentId = meta.scalar("experiment_id");
    if (!experimentId) {
        why = "meta.yaml has no experiment_id";
        return false;
    }
    info.experimentId = *experimentId;
    // run_id since MLflow 1.0; run_uuid before; the folder name as a last resort.
    info.runId = meta.scalar("run_id").value_or(meta.scalar("run_uuid").value_or(folder.name));
    info.runName = readString(meta, "run_name");
    info.userId = readString(meta, "user_id");
    info.artifactUri = readString(meta, "artifact_uri");
    if (const YamlMeta::Value* value = meta.find("status"); value && value->kind == YamlMeta::Kind::Scalar) {
        std::int64_t code = 0;
        std::optional<RunStatus> parsed;
        if (parseMetricInt(value->text, code))
            parsed = runStatusFromInt(code);
        else
            parsed = runStatusFromName(value->text);
        if (!parsed) {
            why = "status " + inQuotes(value->text) + " is not a run status (1-5 or RUNNING ... KILLED)";
            return false;
        }
        info.status = *parsed;
    } else {
        info.status = RunStatus::Running; // MLflow's default when the key is missing
    }
    return readLifecycle(meta, info.lifecycleStage, why) && readInt(meta, "start_time", info.startTime, why)
        && readInt(meta, "end_time", info.endTime, why) && readInt(meta, "deleted_time", info.deletedTime, why);
}

void MlrunsStore::Impl::readMetrics(int runFd, const std::string& runPath, Scratch& scratch, std::vector<Metric>& out,
    std::vector<Problem>& problems) const
{
    readKeyFolder(runFd, "metrics", join(runPath, "metrics"), problems,
        [&](int dirFd, const std::string& file, const std::string& key, const std::string& display) {
            int err = 0;
            UniqueFd fd = localfs::openFile(dirFd, file, err);
            if (!fd.valid()) {
                problems.push_back({display, "cannot read: " + localfs::errorText(err)});
                return;
            }
            const MetricFileResult result = readMetricFile(fd.get(), scratch.buffer);
            if (!result.ok) {
                // MLflow fails the whole metric on one bad line; Runlens skips the metric and keeps the run.
                std::string where = result.errorLine > 0 ? "line " + std::to_string(result.errorLine) + ": " : "";
                problems.push_back({display, where + result.reason + "; the metric is skipped"});
                return;
            }
            out.push_back({key, result.latest});
        });
    std::sort(out.begin(), out.end(), [](const Metric& a, const Metric& b) { return a.key < b.key; });
}

void MlrunsStore::Impl::readInputs(int runFd, const RunFolder& folder, Scratch& scratch, DatasetCache* datasets,
    std::vector<DatasetInput>& out, std::vector<Problem>& problems) const
{
    int err = 0;
    UniqueFd inputsFd = localfs::openDir(runFd, "inputs", err);
    const std::string inputsPath = join(folder.path, "inputs");
    if (!inputsFd.valid()) {
        if (err != ENOENT)
            problems.push_back({inputsPath, "cannot open the folder: " + localfs::errorText(err)});
        return;
    }
    std::vector<DirEntry> entries;
    if (err = localfs::listDir(inputsFd.get(), entries); err != 0) {
        problems.push_back({inputsPath, "cannot list the folder: " + localfs::errorText(err)});
        return;
    }
    // listdir order in MLflow; sorted here so the same store always reads the same.
    std::sort(entries.begin(), entries.end(), [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
    const std::string datasetsPath = join(folder.experiment.path, "datasets");
    for (const DirEntry& entry : entries) {
        const std::string inputPath = join(inputsPath, entry.name);
        UniqueFd inputFd = localfs::openDir(inputsFd.get(), entry.name, err);
        if (!inputFd.valid()) {
            if (err != ENOTDIR)
                problems.push_back({inputPath, "cannot open the folder: " + localfs::errorText(err)});
            continue;
        }
        MetaFile file = readMetaFile(inputFd.get(), std::string(kMeta), scratch.buffer);
        if (file.state != MetaState::Ok) {
            problems.push_back({join(inputPath, kMeta), file.reason + "; the input is skipped"});
            continue;
        }
        const YamlMeta& meta = *file.meta;
        if (meta.scalar("source_type").value_or("") != "DATASET")
            continue; // model inputs (MLflow 3) are not datasets
        const std::string sourceId = meta.scalar("source_id").value_or("");
        if (!isValidRunId(sourceId)) {
            problems.push_back(
                {join(inputPath, kMeta), "source_id " + inQuotes(sourceId) + " is not a dataset id; skipped"});
            continue;
        }
        const std::string datasetMeta = join(join(datasetsPath, sourceId), kMeta);
        std::optional<Dataset> dataset;
        bool cached = false;
        if (datasets) {
            std::lock_guard lock(datasets->mutex);
            if (auto it = datasets->datasets.find(datasetMeta); it != datasets->datasets.end()) {
                dataset = it->second;
                cached = true;
            }
        }
        if (!cached) {
            UniqueFd datasetFd = localfs::openDir(localfs::currentDirFd(), join(datasetsPath, sourceId), err);
            if (datasetFd.valid()) {
                MetaFile data = readMetaFile(datasetFd.get(), std::string(kMeta), scratch.buffer);
                if (data.state == MetaState::Ok) {
                    Dataset d;
                    d.name = readString(*data.meta, "name");
                    d.digest = readString(*data.meta, "digest");
                    d.sourceType = readString(*data.meta, "source_type");
                    d.source = readString(*data.meta, "source");
                    d.schema = readString(*data.meta, "schema");
                    d.profile = readString(*data.meta, "profile");
                    dataset = std::move(d);
                } else {
                    problems.push_back({datasetMeta, data.reason + "; inputs using this dataset are skipped"});
                }
            } else {
                // MLflow logs a warning and skips such an input.
                problems.push_back({join(inputPath, kMeta),
                    "the dataset " + inQuotes(sourceId) + " it refers to is missing from " + datasetsPath
                        + "; skipped"});
            }
            if (datasets) {
                std::lock_guard lock(datasets->mutex);
                datasets->datasets.emplace(datasetMeta, dataset);
            }
        }
        if (!dataset)
            continue;
        DatasetInput input;
        input.dataset = *dataset;
        if (const YamlMeta::Value* tags = meta.find("tags"); tags && tags->kind == YamlMeta::Kind::Mapping)
            input.tags = tags->entries;
        out.push_back(std::move(input));
    }
}

RunOutcome MlrunsStore::Impl::readRun(const RunFolder& folder, RunFields fields, std::optional<ViewType> view,
    Scratch& scratch, DatasetCache* datasets, Run& run, std::vector<Problem>& problems) const
{
    const bool looksLikeRun = isHex32(folder.name);
    int err = 0;
    UniqueFd runFd = localfs::openDir(localfs::currentDirFd(), folder.path, err);
    if (!runFd.valid()) {
        if (!looksLikeRun)
            return RunOutcome::NotARun;
        problems.push_back(
            {folder.path, "cannot open the run folder: " + localfs::errorText(err) + "; the run is skipped"});
        return RunOutcome::Skipped;
    }
    const std::string metaPath = join(folder.path, kMeta);
    MetaFile file = readMetaFile(runFd.get(), std::string(kMeta), scratch.buffer);
    if (file.state == MetaState::Missing) {
        // Artifact folders live next to runs when the store is also the artifact root; only what
        // looks like a run is worth a report.
        FileStatus st;
        const bool hasRunParts = localfs::statAt(runFd.get(), "metrics", true, st) == 0
            || localfs::statAt(runFd.get(), "params", true, st) == 0
            || localfs::statAt(runFd.get(), "tags", true, st) == 0;
        if (!looksLikeRun && !hasRunParts)
            return RunOutcome::NotARun;
        problems.push_back({metaPath, "the run folder has no meta.yaml; the run is skipped"});
        return RunOutcome::Skipped;
    }
    if (file.state == MetaState::Broken) {
        problems.push_back({metaPath, file.reason + "; the run is skipped"});
        return RunOutcome::Skipped;
    }
    std::string why;
    if (!readRunInfo(folder, *file.meta, run.info, why)) {
        problems.push_back({metaPath, why + "; the run is skipped"});
        return RunOutcome::Skipped;
    }
    if (run.info.experimentId != folder.experiment.id) {
        problems.push_back({metaPath,
            "meta.yaml records experiment_id " + inQuotes(run.info.experimentId)
                + " but the run lies in experiment folder " + inQuotes(folder.experiment.id)
                + "; MLflow ignores such a run, and so does Runlens"});
        return RunOutcome::Skipped;
    }
    if (view && !viewIncludes(*view, run.info.lifecycleStage))
        return RunOutcome::Filtered;

    if (has(fields, RunField::Params))
        run.params = readKeyValues(runFd.get(), "params", join(folder.path, "params"), scratch.buffer, problems);
    if (has(fields, RunField::Tags))
        run.tags = readKeyValues(runFd.get(), "tags", join(folder.path, "tags"), scratch.buffer, problems);
    if (has(fields, RunField::Metrics))
        readMetrics(runFd.get(), folder.path, scratch, run.metrics, problems);
    if (has(fields, RunField::Inputs))
        readInputs(runFd.get(), folder, scratch, datasets, run.inputs, problems);

    // Runs from before MLflow 1.30 keep their name only in the mlflow.runName tag (formats §A.7).
    if (run.info.runName.empty()) {
        if (has(fields, RunField::Tags)) {
            if (const std::string* name = run.tag("mlflow.runName"))
                run.info.runName = *name;
        } else {
            UniqueFd tagFd = localfs::openFile(runFd.get(), "tags/mlflow.runName", err);
            std::string_view text;
            if (tagFd.valid() && scratch.buffer.readAll(tagFd.get(), text) == 0)
                run.info.runName = std::string(text);
        }
    }
    return RunOutcome::Loaded;
}

Result<Run> MlrunsStore::Impl::loadRun(const std::string& runId, RunFields fields, RunFolder* where) const
{
    if (!isValidRunId(runId))
        return StoreError {ErrorCode::InvalidParameterValue, "invalid run id " + inQuotes(runId)};
    std::vector<ExperimentFolder> folders;
    RunFolder folder;
    if (!findRun(runId, folders, folder))
        return StoreError {ErrorCode::ResourceDoesNotExist, "Run " + inQuotes(runId) + " not found in " + root};
    Scratch scratch;
    Run run;
    std::vector<Problem> problems;
    const RunOutcome outcome = readRun(folder, fields, std::nullopt, scratch, nullptr, run, problems);
    if (outcome != RunOutcome::Loaded) {
        if (problems.empty())
            return StoreError {ErrorCode::ResourceDoesNotExist,
                "Run " + inQuotes(runId) + " not found: " + folder.path + " is not a run folder"};
        return StoreError {ErrorCode::InternalError,
            "Run " + inQuotes(runId) + " cannot be read: " + problems.front().path + ": " + problems.front().reason};
    }
    if (where)
        *where = std::move(folder);
    return run;
}

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
    std::string walked;
    for (const std::string& part : parts) {
        walked = walked.empty() ? part : walked + "/" + part;
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

// ---- registry -------------------------------------------------------------------------------------------

std::vector<ModelVersion> MlrunsStore::Impl::readVersions(int modelFd, const std::string& modelPath,
    const std::string& modelName, const std::vector<ModelAlias>& aliases, ReadBuffer& buffer,
    std::vector<Problem>& problems) const
{
    std::vector<ModelVersion> out;
    std::vector<DirEntry> entries;
    if (const int err = localfs::listDir(modelFd, entries); err != 0) {
        problems.push_back({modelPath, "cannot list the model folder: " + localfs::errorText(err)});
        return out;
    }
    for (const DirEntry& entry : entries) {
        std::int64_t number = 0;
        if (!entry.name.starts_with("version-") || !parseMetricInt(std::string_view(entry.name).substr(8), number))
            continue;
        const std::string versionPath = join(modelPath, entry.name);
        int err = 0;
        UniqueFd fd = localfs::openDir(modelFd, entry.name, err);
        if (!fd.valid()) {
            if (err != ENOTDIR)
                problems.push_back({versionPath, "cannot open the folder: " + localfs::errorText(err)});
            continue;
        }
        MetaFile file = readMetaFile(fd.get(), std::string(kMeta), buffer);
        const std::string metaPath = join(versionPath, kMeta);
        if (file.state != MetaState::Ok) {
            problems.push_back({metaPath, file.reason + "; the model version is skipped"});
            continue;
        }
        const YamlMeta& meta = *file.meta;
        ModelVersion v;
        v.currentStage = meta.scalar("current_stage").value_or("None");
        // Deleted versions stay on disk with this stage and are invisible everywhere (formats §A.11).
        if (v.currentStage == "Deleted_Internal")
            continue;
        std::string why;
        std::optional<std::int64_t> version, created, updated;
        if (!readInt(meta, "version", version, why) || !readInt(meta, "creation_timestamp", created, why)
            || !readInt(meta, "last_updated_timestamp", updated, why)) {
            problems.push_back({metaPath, why + "; the model version is skipped"});
            continue;
        }
        v.name = meta.scalar("name").value_or(modelName);
        v.version = version.value_or(number);
        v.creationTimestamp = created.value_or(0);
        v.lastUpdatedTimestamp = updated.value_or(0);
        v.userId = readNullableString(meta, "user_id");
        v.description = readNullableString(meta, "description");
        v.source = readString(meta, "source");
        v.storageLocation = readNullableString(meta, "storage_location");
        if (!v.storageLocation)
            v.storageLocation = v.source;
        v.runId = readNullableString(meta, "run_id");
        v.runLink = readNullableString(meta, "run_link");
        v.status = meta.scalar("status").value_or("READY");
        v.statusMessage = readNullableString(meta, "status_message");
        v.tags = readKeyValues(fd.get(), "tags", join(versionPath, "tags"), buffer, problems);
        // The aliases/ folder is authoritative; the list some metas still carry is stale.
        for (const ModelAlias& alias : aliases) {
            if (alias.version == v.version)
                v.aliases.push_back(alias.alias);
        }
        std::sort(v.aliases.begin(), v.aliases.end());
        out.push_back(std::move(v));
    }
    std::sort(
        out.begin(), out.end(), [](const ModelVersion& a, const ModelVersion& b) { return a.version < b.version; });
    return out;
}

std::optional<RegisteredModel> MlrunsStore::Impl::readModel(int modelsFd, const std::string& folderName,
    ReadBuffer& buffer, std::vector<ModelVersion>* allVersions, std::vector<Problem>& problems) const
{
    const std::string modelPath = join(modelsDir(), folderName);
    int err = 0;
    UniqueFd fd = localfs::openDir(modelsFd, folderName, err);
    if (!fd.valid()) {
        problems.push_back({modelPath, "cannot open the model folder: " + localfs::errorText(err)});
        return std::nullopt;
    }
    const std::string metaPath = join(modelPath, kMeta);
    MetaFile file = readMetaFile(fd.get(), std::string(kMeta), buffer);
    if (file.state != MetaState::Ok) {
        problems.push_back({metaPath, file.reason + "; the registered model is skipped"});
        return std::nullopt;
    }
    const YamlMeta& meta = *file.meta;
    RegisteredModel model;
    std::string why;
    std::optional<std::int64_t> created, updated;
    if (!readInt(meta, "creation_timestamp", created, why) || !readInt(meta, "last_updated_timestamp", updated, why)) {
        problems.push_back({metaPath, why + "; the registered model is skipped"});
        return std::nullopt;
    }
    model.name = meta.scalar("name").value_or(folderName);
    model.creationTimestamp = created.value_or(0);
    model.lastUpdatedTimestamp = updated.value_or(0);
    model.description = readNullableString(meta, "description");
    model.tags = readKeyValues(fd.get(), "tags", join(modelPath, "tags"), buffer, problems);
    for (const KeyValue& kv : readKeyValues(fd.get(), "aliases", join(modelPath, "aliases"), buffer, problems)) {
        std::string_view text = kv.value;
        while (!text.empty() && (text.back() == '\n' || text.back() == ' ' || text.back() == '\r'))
            text.remove_suffix(1);
        std::int64_t version = 0;
        if (!parseMetricInt(text, version)) {
            problems.push_back({join(join(modelPath, "aliases"), kv.key),
                "alias file holds " + inQuotes(kv.value) + ", not a version number; skipped"});
            continue;
        }
        model.aliases.push_back({kv.key, version});
    }
    std::vector<ModelVersion> versions = readVersions(fd.get(), modelPath, model.name, model.aliases, buffer, problems);
    // Per stage, the highest version (MLflow's get_latest_versions over all stages).
    std::map<std::string, const ModelVersion*> latest;
    for (const ModelVersion& v : versions) {
        auto& slot = latest[v.currentStage];
        if (!slot || slot->version < v.version)
            slot = &v;
    }
    for (const auto& [stage, v] : latest)
        model.latestVersions.push_back(*v);
    std::sort(model.latestVersions.begin(), model.latestVersions.end(),
        [](const ModelVersion& a, const ModelVersion& b) { return a.version < b.version; });
    if (allVersions)
        *allVersions = std::move(versions);
    return model;
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

Result<RunList> MlrunsStore::searchRuns(const RunQuery& query, TaskControl* control)
{
    auto search = RunSearch::parse(query.filter, query.orderBy);
    if (!search)
        return search.error();
    const RunFields fields = query.fields | search->requiredFields() | static_cast<RunFields>(RunField::Info);
    RunList list;

    // Which experiment folders to scan. Named experiments need only their folder (MLflow does not read
    // the experiment's meta.yaml for a run search); "all" means the experiments a listing would show:
    // the active ones, plus those in .trash unless only active runs are wanted.
    std::vector<ExperimentFolder> folders;
    if (query.experimentIds.empty()) {
        ReadBuffer buffer;
        for (ExperimentFolder& folder :
            m_impl->experimentFolders(true, query.view != ViewType::ActiveOnly, &list.problems)) {
            if (m_impl->readExperiment(folder, buffer, list.problems, nullptr))
                folders.push_back(std::move(folder));
        }
    } else {
        std::set<std::string> seen;
        for (const std::string& id : query.experimentIds) {
            if (!seen.insert(id).second)
                continue;
            if (!isValidExperimentId(id))
                return StoreError {ErrorCode::InvalidParameterValue, "invalid experiment id " + inQuotes(id)};
            auto folder = m_impl->findExperimentFolder(id);
            if (!folder)
                return StoreError {ErrorCode::ResourceDoesNotExist, "Experiment " + inQuotes(id) + " does not exist"};
            folders.push_back(std::move(*folder));
        }
    }

    std::vector<RunFolder> runFolders;
    for (const ExperimentFolder& folder : folders) {
        std::vector<RunFolder> runs = m_impl->runFolders(folder, list.problems);
        runFolders.insert(runFolders.end(), std::make_move_iterator(runs.begin()), std::make_move_iterator(runs.end()));
    }

    // Scan the runs on every core; each run fills its own slot, so the result does not depend on timing.
    struct Slot
    {
        Run run;
        RunOutcome outcome = RunOutcome::NotARun;
        std::vector<Problem> problems;
    };
    const std::size_t total = runFolders.size();
    std::vector<Slot> slots(total);
    const unsigned threads = scanThreadCount(total);
    std::vector<Scratch> scratch(threads);
    DatasetCache datasets;
    std::atomic<std::int64_t> done {0};
    std::mutex progressMutex;
    const std::int64_t reportEvery = std::max<std::int64_t>(1, static_cast<std::int64_t>(total) / 200);
    if (control)
        control->report(0, static_cast<std::int64_t>(total));
    parallelFor(total, threads, [&](std::size_t i, unsigned worker) {
        if (isCancelled(control))
            return;
        Slot& slot = slots[i];
        slot.outcome
            = m_impl->readRun(runFolders[i], fields, query.view, scratch[worker], &datasets, slot.run, slot.problems);
        const std::int64_t finished = done.fetch_add(1, std::memory_order_relaxed) + 1;
        if (control && (finished % reportEvery == 0 || finished == static_cast<std::int64_t>(total))) {
            std::lock_guard lock(progressMutex);
            control->report(finished, static_cast<std::int64_t>(total));
        }
    });
    if (isCancelled(control))
        return StoreError {ErrorCode::Cancelled, "the run search in " + m_impl->root + " was cancelled"};

    for (Slot& slot : slots) {
        list.problems.insert(list.problems.end(), std::make_move_iterator(slot.problems.begin()),
            std::make_move_iterator(slot.problems.end()));
        if (slot.outcome == RunOutcome::Loaded
            && (!search->hasFilter() || search->matches(slot.run, SearchDialect::FileStore)))
            list.runs.push_back(std::move(slot.run));
    }
    search->sort(list.runs, SearchDialect::FileStore);
    if (query.maxResults && list.runs.size() > *query.maxResults)
        list.runs.resize(*query.maxResults);
    return list;
}

Result<Run> MlrunsStore::run(const std::string& runId)
{
    return m_impl->loadRun(runId, kAllRunFields, nullptr);
}

Result<std::vector<MetricPoint>> MlrunsStore::metricHistory(const std::string& runId, const std::string& key)
{
    std::vector<std::string> parts;
    if (key.empty() || !splitRelativePath(key, parts) || parts.empty() || key.find("//") != std::string::npos
        || key.back() == '/')
        return StoreError {ErrorCode::InvalidParameterValue, "invalid metric key " + inQuotes(key)};
    RunFolder folder;
    auto run = m_impl->loadRun(runId, static_cast<RunFields>(RunField::Info), &folder);
    if (!run)
        return run.error();
    // Walk the key's folders without following links, as the metric listing does, so a key names
    // exactly the files a run lists and never leads out of the run folder.
    int err = 0;
    UniqueFd fd = localfs::openDir(localfs::currentDirFd(), join(folder.path, "metrics"), err);
    for (std::size_t i = 0; fd.valid() && i + 1 < parts.size(); ++i) {
        FileStatus st;
        if (localfs::statAt(fd.get(), parts[i], false, st) != 0 || st.type != EntryType::Dir)
            return std::vector<MetricPoint> {};
        fd = localfs::openDir(fd.get(), parts[i], err);
    }
    if (!fd.valid())
        return std::vector<MetricPoint> {};
    UniqueFd file = localfs::openFile(fd.get(), parts.back(), err);
    FileStatus st;
    if (!file.valid() || localfs::statFd(file.get(), st) != 0 || st.type != EntryType::File)
        return std::vector<MetricPoint> {}; // MLflow returns no points for a metric the run does not have
    std::vector<MetricPoint> history;
    ReadBuffer buffer;
    const MetricFileResult result = readMetricFile(file.get(), buffer, &history);
    const bool emptyFile = !result.ok && result.ioError == 0 && result.errorLine == 0 && result.count == 0;
    if (!result.ok && !emptyFile) { // an empty file is no history, as in MLflow's get_metric_history
        const std::string path = join(join(folder.path, "metrics"), key);
        const std::string where = result.errorLine > 0 ? "line " + std::to_string(result.errorLine) + ": " : "";
        return StoreError {result.ioError ? ErrorCode::IoError : ErrorCode::InternalError,
            "metric " + inQuotes(key) + " of run " + inQuotes(runId) + " is malformed: " + path + ": " + where
                + result.reason};
    }
    return history;
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
    std::vector<FileInfo> out;
    out.reserve(entries.size());
    for (const DirEntry& entry : entries) {
        FileInfo info;
        info.path = prefix + entry.name;
        FileStatus st;
        if (localfs::statAt(dir->get(), entry.name, true, st) == 0) {
            info.isDir = st.type == EntryType::Dir;
            if (!info.isDir)
                info.fileSize = st.size;
        }
        out.push_back(std::move(info));
    }
    std::sort(out.begin(), out.end(), [](const FileInfo& a, const FileInfo& b) { return a.path < b.path; });
    return out;
}

Result<std::string> MlrunsStore::readArtifact(const std::string& runId, const std::string& path, std::int64_t maxBytes)
{
    if (maxBytes < 0)
        return StoreError {ErrorCode::InvalidParameterValue, "maxBytes must not be negative"};
    std::vector<std::string> parts;
    if (!splitRelativePath(path, parts) || parts.empty())
        return StoreError {ErrorCode::InvalidParameterValue,
            "invalid artifact path " + inQuotes(path) + ": it must name a file, be relative and not contain '..'"};
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
    int err = 0;
    UniqueFd file = localfs::openFile(dir->get(), parts.back(), err);
    if (!file.valid()) {
        if (err == ENOENT)
            return StoreError {
                ErrorCode::ResourceDoesNotExist, "no artifact " + inQuotes(path) + " in run " + inQuotes(runId)};
        return StoreError {err == EACCES ? ErrorCode::PermissionDenied : ErrorCode::IoError,
            "cannot open artifact " + inQuotes(path) + " of run " + inQuotes(runId) + ": " + localfs::errorText(err)};
    }
    FileStatus st;
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

Result<std::vector<RegisteredModel>> MlrunsStore::registeredModels()
{
    std::vector<RegisteredModel> out;
    int err = 0;
    const std::string dir = m_impl->modelsDir();
    UniqueFd fd = localfs::openDir(localfs::currentDirFd(), dir, err);
    if (!fd.valid()) {
        if (err == ENOENT)
            return out;
        return StoreError {
            ErrorCode::IoError, "cannot open the model registry " + dir + ": " + localfs::errorText(err)};
    }
    std::vector<DirEntry> entries;
    if (err = localfs::listDir(fd.get(), entries); err != 0)
        return StoreError {
            ErrorCode::IoError, "cannot list the model registry " + dir + ": " + localfs::errorText(err)};
    ReadBuffer buffer;
    std::vector<Problem> problems; // the Store interface has no place for them here; broken models are skipped
    for (const DirEntry& entry : entries) {
        EntryType type;
        if (resolvedType(fd.get(), entry, type) != 0 || type != EntryType::Dir)
            continue;
        auto model = m_impl->readModel(fd.get(), entry.name, buffer, nullptr, problems);
        if (!model)
            continue;
        // Prompts are registered models too (MLflow 2.21+); registry listings leave them out.
        if (const std::string* prompt = findValue(model->tags, "mlflow.prompt.is_prompt"); prompt && *prompt == "true")
            continue;
        out.push_back(std::move(*model));
    }
    std::sort(
        out.begin(), out.end(), [](const RegisteredModel& a, const RegisteredModel& b) { return a.name < b.name; });
    return out;
}

Result<std::vector<ModelVersion>> MlrunsStore::modelVersions(const std::string& modelName)
{
    if (modelName.empty() || modelName == "." || modelName == ".." || modelName.find('/') != std::string::npos
        || modelName.find('\0') != std::string::npos)
        return StoreError {ErrorCode::InvalidParameterValue, "invalid registered model name " + inQuotes(modelName)};
    int err = 0;
    const std::string dir = m_impl->modelsDir();
    UniqueFd fd = localfs::openDir(localfs::currentDirFd(), dir, err);
    FileStatus st;
    if (!fd.valid() || localfs::statAt(fd.get(), modelName, true, st) != 0 || st.type != EntryType::Dir)
        return StoreError {ErrorCode::ResourceDoesNotExist, "Registered Model with name=" + modelName + " not found"};
    ReadBuffer buffer;
    std::vector<Problem> problems;
    std::vector<ModelVersion> versions;
    if (!m_impl->readModel(fd.get(), modelName, buffer, &versions, problems))
        return StoreError {ErrorCode::InternalError,
            "Registered Model " + inQuotes(modelName) + " cannot be read: "
                + (problems.empty() ? dir : problems.front().path + ": " + problems.front().reason)};
    return versions;
}

// ---- writes ----------------------------------------------------------------------------------------------

namespace {

constexpr std::size_t kMaxTagKeyLength = 250; // MLflow's MAX_ENTITY_KEY_LENGTH
constexpr std::size_t kMaxRunTagValueLength = 8000; // MAX_TAG_VAL_LENGTH (2.x)
constexpr std::size_t kMaxRegistryTagValueLength = 5000; // MAX_MODEL_REGISTRY_TAG_VALUE_LENGTH (2.x)
constexpr std::size_t kMaxAliasLength = 255;
constexpr int kMetaRetries = 20; // rewrites retried when another process changed the file meanwhile

std::int64_t nowMillis()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

StoreError invalid(std::string message)
{
    return StoreError {ErrorCode::InvalidParameterValue, std::move(message)};
}

// posixpath.normpath, enough for MLflow's path_not_unique check on tag keys.
std::string normPath(std::string_view path)
{
    const bool absolute = !path.empty() && path.front() == '/';
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (start <= path.size()) {
        std::size_t end = path.find('/', start);
        if (end == std::string_view::npos)
            end = path.size();
        const std::string_view part = path.substr(start, end - start);
        if (part.empty() || part == ".") {
        } else if (part == ".." && !parts.empty() && parts.back() != "..") {
            parts.pop_back();
        } else if (!(part == ".." && absolute)) {
            parts.emplace_back(part);
        }
        start = end + 1;
    }
    std::string out = absolute ? "/" : "";
    for (std::size_t i = 0; i < parts.size(); ++i)
        out += (i ? "/" : "") + parts[i];
    return out.empty() ? "." : out;
}

// A word character of Python's Unicode \w: ASCII letters, digits and _, and (approximately) any
// non-ASCII character, since MLflow's names are mostly ASCII and the bytes of UTF-8 letters are >= 0x80.
bool isWordByte(unsigned char c)
{
    return c >= 0x80 || std::isalnum(c) || c == '_';
}

// MLflow's _validate_tag_name plus the key length limit: the key becomes a path under tags/.
std::optional<StoreError> checkTagKey(const std::string& key)
{
    for (unsigned char c : key) {
        if (!(isWordByte(c) || c == '/' || c == '.' || c == '-' || c == ' ' || c == ':'))
            return invalid("Invalid tag name: " + inQuotes(key)
                + ". Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), "
                  "colon(:) and slashes (/).");
    }
    const std::string norm = normPath(key);
    if (norm != key || norm == "." || norm.starts_with("..") || norm.starts_with("/"))
        return invalid("Invalid value " + inQuotes(key) + " for parameter 'key' supplied: tag keys must be "
            + "relative paths without '.', '..' or repeated slashes");
    if (key.size() > kMaxTagKeyLength)
        return invalid("Tag key " + inQuotes(key.substr(0, 40) + "...") + " had length " + std::to_string(key.size())
            + ", which exceeded length limit of " + std::to_string(kMaxTagKeyLength));
    return std::nullopt;
}

std::optional<StoreError> checkTagValue(const std::string& key, const std::string& value, std::size_t limit)
{
    if (value.size() > limit)
        return invalid("Tag value for key " + inQuotes(key) + " had length " + std::to_string(value.size())
            + ", which exceeded length limit of " + std::to_string(limit));
    return std::nullopt;
}

std::optional<StoreError> checkModelName(const std::string& name)
{
    if (name.empty())
        return invalid("Registered model name cannot be empty.");
    if (name == "." || name == ".." || name.find('/') != std::string::npos || name.find('%') != std::string::npos
        || name.find('\0') != std::string::npos)
        return invalid("Invalid registered model name " + inQuotes(name)
            + ": the file store does not allow '/', '%' or the names '.' and '..'");
    return std::nullopt;
}

// formats §E: ^[\w-]+$ and at most 255 characters.
std::optional<StoreError> checkAliasForm(const std::string& alias)
{
    if (alias.empty() || alias.size() > kMaxAliasLength || !std::all_of(alias.begin(), alias.end(), [](char c) {
            return isWordByte(static_cast<unsigned char>(c)) || c == '-';
        }))
        return invalid("Invalid alias name: " + inQuotes(alias)
            + ". Aliases may only contain alphanumerics, underscores (_) and dashes (-), and at most "
            + std::to_string(kMaxAliasLength) + " characters.");
    return std::nullopt;
}

// Setting an alias also refuses the reserved names: 'latest' and version aliases (v<digits>).
std::optional<StoreError> checkAlias(const std::string& alias)
{
    if (auto bad = checkAliasForm(alias))
        return bad;
    std::string lower = alias;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (lower == "latest")
        return invalid("'" + alias + "' alias name (case insensitive) is reserved.");
    if (lower.size() > 1 && lower.front() == 'v'
        && std::all_of(lower.begin() + 1, lower.end(), [](unsigned char c) { return std::isdigit(c); }))
        return invalid("Version alias name '" + alias + "' is reserved.");
    return std::nullopt;
}

std::optional<std::string> canonicalStage(const std::string& stage)
{
    std::string lower = stage;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    for (const char* name : {"None", "Staging", "Production", "Archived"}) {
        std::string l = name;
        std::transform(l.begin(), l.end(), l.begin(), [](unsigned char c) { return std::tolower(c); });
        if (l == lower)
            return std::string(name);
    }
    return std::nullopt;
}

Result<std::string> readWholeFile(const std::string& path)
{
    int err = 0;
    UniqueFd fd = localfs::openFile(localfs::currentDirFd(), path, err);
    if (!fd.valid()) {
        if (err == ENOENT)
            return StoreError {ErrorCode::ResourceDoesNotExist, path + " does not exist"};
        return AtomicFile::errorFor(err, "read", path);
    }
    std::string out;
    char chunk[8192];
    for (;;) {
        const ssize_t n = ::read(fd.get(), chunk, sizeof chunk);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return AtomicFile::errorFor(errno, "read", path);
        }
        if (n == 0)
            break;
        out.append(chunk, static_cast<std::size_t>(n));
    }
    return out;
}

bool fileExists(const std::string& path)
{
    struct stat st
    {
    };
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

/** One change to a top-level meta.yaml key: its new entry text (nullopt removes it). */
struct MetaEdit
{
    std::string key;
    std::optional<std::string> entry;
    std::optional<std::string> expected; // the scalar the key must read back as (nullopt: null or removed)
};

MetaEdit setString(const std::string& key, const std::string& value)
{
    return {key, YamlWriter::stringEntry(key, value), value};
}

MetaEdit setInteger(const std::string& key, std::int64_t value)
{
    return {key, YamlWriter::rawEntry(key, std::to_string(value)), std::to_string(value)};
}

MetaEdit removeKey(const std::string& key)
{
    return {key, std::nullopt, std::nullopt};
}

// Applies edits to a meta.yaml's text. Entries are cut at top-level keys and kept byte for byte, so
// unknown keys (and nested values) survive exactly; the result is re-parsed and checked before use.
Result<std::string> editMetaText(const std::string& text, const std::vector<MetaEdit>& edits, const std::string& path)
{
    auto parsed = YamlMeta::parse(text);
    if (!parsed)
        return StoreError {ErrorCode::InvalidParameterValue, path + ": " + parsed.error().message + "; not rewritten"};
    const std::vector<std::string> keys = parsed->keys();
    std::string header;
    std::vector<std::pair<std::string, std::string>> entries;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        end = end == std::string::npos ? text.size() : end + 1;
        const std::string_view line(text.data() + pos, end - pos);
        const char first = line.front();
        const bool startsKey = first != ' ' && first != '-' && first != '#' && first != '\n' && first != '\r'
            && first != '\t' && !line.starts_with("...");
        if (startsKey) {
            std::size_t colon = line.find(": ");
            if (colon == std::string_view::npos) {
                colon = line.find(":\n");
                if (colon == std::string_view::npos && line.back() == ':')
                    colon = line.size() - 1;
            }
            const std::string key(line.substr(0, colon == std::string_view::npos ? line.size() : colon));
            if (colon == std::string_view::npos || std::find(keys.begin(), keys.end(), key) == keys.end())
                return StoreError {ErrorCode::InvalidParameterValue,
                    path + ": the line " + inQuotes(std::string(line.substr(0, line.size() - 1)))
                        + " is not a plain top-level key as MLflow writes them; the file is left unchanged"};
            entries.emplace_back(key, std::string(line));
        } else if (entries.empty()) {
            header.append(line);
        } else {
            entries.back().second.append(line);
        }
        pos = end;
    }
    if (!entries.empty() && !entries.back().second.ends_with('\n'))
        entries.back().second += '\n';
    for (const MetaEdit& edit : edits) {
        auto it = std::find_if(entries.begin(), entries.end(), [&](const auto& e) { return e.first == edit.key; });
        if (edit.entry) {
            if (it != entries.end())
                it->second = *edit.entry;
            else
                entries.emplace_back(edit.key, *edit.entry);
        } else if (it != entries.end()) {
            entries.erase(it);
        }
    }
    // PyYAML sorts keys by code point, which is UTF-8 byte order.
    std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string out = header;
    for (const auto& entry : entries)
        out += entry.second;

    auto check = YamlMeta::parse(out);
    if (!check)
        return StoreError {ErrorCode::InternalError, path + ": the rewritten file would not parse; left unchanged"};
    for (const std::string& key : keys) {
        const bool edited = std::any_of(edits.begin(), edits.end(), [&](const MetaEdit& e) { return e.key == key; });
        if (!edited && !(check->find(key) && *check->find(key) == *parsed->find(key)))
            return StoreError {
                ErrorCode::InternalError, path + ": rewriting would change " + key + "; the file is left unchanged"};
    }
    for (const MetaEdit& edit : edits) {
        if (check->scalar(edit.key) != edit.expected || (edit.entry.has_value() != check->contains(edit.key)))
            return StoreError {ErrorCode::InternalError,
                path + ": " + edit.key + " would not read back as written; the file is left unchanged"};
    }
    return out;
}

} // namespace

namespace {

// Rewrites <dir>/meta.yaml with the edits. If another process replaces the file between our read and
// our rename, the rename would drop its change, so the file is read again just before and the edit
// redone on the new content.
Status rewriteMeta(const std::string& dir, const std::vector<MetaEdit>& edits)
{
    for (const MetaEdit& edit : edits) {
        if (edit.expected && !edit.entry)
            return invalid("the value of " + edit.key
                + " contains characters (tabs, carriage returns, control characters, a space next to a line "
                  "break) that MLflow's YAML writer would escape; it cannot be written here");
    }
    const std::string path = join(dir, kMeta);
    for (int attempt = 0; attempt < kMetaRetries; ++attempt) {
        auto before = readWholeFile(path);
        if (!before)
            return before.error();
        auto edited = editMetaText(*before, edits, path);
        if (!edited)
            return edited.error();
        auto again = readWholeFile(path);
        if (!again)
            return again.error();
        if (*again != *before)
            continue;
        return AtomicFile::write(path, *edited, dir);
    }
    return StoreError {ErrorCode::TemporarilyUnavailable,
        path + " kept changing while it was being rewritten (another process is writing it); try again"};
}

// Writes a key file (tags/<key>, aliases/<alias>) with its temp file in `itemDir`, outside the listed folder.
Status writeKeyFile(
    const std::string& itemDir, const std::string& folder, const std::string& key, const std::string& value)
{
    const std::string path = join(join(itemDir, folder), key);
    if (Status made = AtomicFile::makeDirs(path.substr(0, path.find_last_of('/'))); !made)
        return made;
    return AtomicFile::write(path, value, itemDir);
}

} // namespace

Status MlrunsStore::renameRun(const std::string& runId, const std::string& name)
{
    if (name.empty())
        return invalid("a run name cannot be empty");
    if (auto bad = checkTagValue("mlflow.runName", name, kMaxRunTagValueLength))
        return *bad;
    if (!YamlWriter::writable(name))
        return invalid("the run name " + inQuotes(name)
            + " contains tabs or control characters, which MLflow's YAML writer would escape; not renamed");
    std::lock_guard lock(m_impl->writeMutex);
    RunFolder folder;
    auto run = m_impl->loadRun(runId, static_cast<RunFields>(RunField::Info), &folder);
    if (!run)
        return run.error();
    if (run->info.lifecycleStage != LifecycleStage::Active)
        return invalid("The run " + runId + " must be in the 'active' state. Current state is deleted.");
    // MLflow's update_run_info: the tag first, then meta.yaml (which drops deleted_time on an active run).
    if (Status s = writeKeyFile(folder.path, "tags", "mlflow.runName", name); !s)
        return s;
    return rewriteMeta(folder.path, {setString("run_name", name), removeKey("deleted_time")});
}

Status MlrunsStore::setRunTag(const std::string& runId, const std::string& key, const std::string& value)
{
    if (auto bad = checkTagKey(key))
        return *bad;
    if (auto bad = checkTagValue(key, value, kMaxRunTagValueLength))
        return *bad;
    if (key == "mlflow.runName")
        return renameRun(runId, value);
    std::lock_guard lock(m_impl->writeMutex);
    RunFolder folder;
    auto run = m_impl->loadRun(runId, static_cast<RunFields>(RunField::Info), &folder);
    if (!run)
        return run.error();
    if (run->info.lifecycleStage != LifecycleStage::Active)
        return invalid("The run " + runId + " must be in the 'active' state. Current state is deleted.");
    return writeKeyFile(folder.path, "tags", key, value);
}

Status MlrunsStore::deleteRunTag(const std::string& runId, const std::string& key)
{
    if (auto bad = checkTagKey(key))
        return *bad;
    std::lock_guard lock(m_impl->writeMutex);
    RunFolder folder;
    auto run = m_impl->loadRun(runId, static_cast<RunFields>(RunField::Info), &folder);
    if (!run)
        return run.error();
    if (run->info.lifecycleStage != LifecycleStage::Active)
        return invalid("The run " + runId + " must be in the 'active' state. Current state is deleted.");
    const std::string path = join(join(folder.path, "tags"), key);
    if (!fileExists(path))
        return StoreError {ErrorCode::ResourceDoesNotExist, "No tag with name: " + key + " in run with id " + runId};
    return AtomicFile::remove(path);
}

Status MlrunsStore::deleteRun(const std::string& runId)
{
    std::lock_guard lock(m_impl->writeMutex);
    RunFolder folder;
    auto run = m_impl->loadRun(runId, static_cast<RunFields>(RunField::Info), &folder);
    if (!run)
        return run.error();
    if (run->info.lifecycleStage != LifecycleStage::Active)
        return invalid("The run " + runId + " must be in the 'active' state. Current state is deleted.");
    return rewriteMeta(folder.path, {setString("lifecycle_stage", "deleted"), setInteger("deleted_time", nowMillis())});
}

Status MlrunsStore::restoreRun(const std::string& runId)
{
    std::lock_guard lock(m_impl->writeMutex);
    RunFolder folder;
    auto run = m_impl->loadRun(runId, static_cast<RunFields>(RunField::Info), &folder);
    if (!run)
        return run.error();
    if (run->info.lifecycleStage != LifecycleStage::Deleted)
        return invalid("The run " + runId + " must be in the 'deleted' state. Current state is active.");
    return rewriteMeta(folder.path, {setString("lifecycle_stage", "active"), removeKey("deleted_time")});
}

namespace {

// The registry's checks, in MLflow's order: model name, model folder, then version folder and stage.
struct RegistryPaths
{
    std::string model; // models/<name>
    std::string version; // models/<name>/version-<n>, when asked for
};

Result<RegistryPaths> registryPaths(
    const std::string& modelsDir, const std::string& model, std::optional<std::int64_t> version)
{
    if (auto bad = checkModelName(model))
        return *bad;
    RegistryPaths paths;
    paths.model = join(modelsDir, model);
    if (!isDirectory(paths.model))
        return StoreError {ErrorCode::ResourceDoesNotExist, "Registered Model with name=" + model + " not found"};
    if (!version)
        return paths;
    const StoreError missing {ErrorCode::ResourceDoesNotExist,
        "Model Version (name=" + model + ", version=" + std::to_string(*version) + ") not found"};
    if (*version < 1)
        return invalid("Parameter 'version' must be an integer >= 1, got " + std::to_string(*version));
    paths.version = join(paths.model, "version-" + std::to_string(*version));
    if (!isDirectory(paths.version))
        return missing;
    auto text = readWholeFile(join(paths.version, kMeta));
    if (!text)
        return text.error();
    auto meta = YamlMeta::parse(*text);
    if (!meta)
        return StoreError {ErrorCode::InvalidParameterValue,
            join(paths.version, kMeta) + ": " + meta.error().message + "; not changed"};
    // Deleted versions stay on disk and are invisible (formats §A.11).
    if (meta->scalar("current_stage").value_or("None") == "Deleted_Internal")
        return missing;
    return paths;
}

Status touchModel(const std::string& modelDir, std::int64_t when)
{
    return rewriteMeta(modelDir, {setInteger("last_updated_timestamp", when)});
}

} // namespace

Result<ModelVersion> MlrunsStore::transitionModelVersionStage(
    const std::string& model, std::int64_t version, const std::string& stage, bool archiveExisting)
{
    const std::optional<std::string> canonical = canonicalStage(stage);
    if (!canonical)
        return invalid("Invalid Model Version stage: " + stage
            + ". Value must be one of None, Staging, Production, "
              "Archived.");
    if (archiveExisting && *canonical != "Staging" && *canonical != "Production")
        return invalid("Model version transition cannot archive existing model versions because '" + stage
            + "' is not an Active stage. Valid stages are ['Staging', 'Production']");
    {
        std::lock_guard lock(m_impl->writeMutex);
        auto paths = registryPaths(m_impl->modelsDir(), model, version);
        if (!paths)
            return paths.error();
        const std::int64_t now = nowMillis();
        if (archiveExisting) {
            std::vector<DirEntry> entries;
            int err = 0;
            UniqueFd fd = localfs::openDir(localfs::currentDirFd(), paths->model, err);
            if (!fd.valid() || (err = localfs::listDir(fd.get(), entries)) != 0)
                return AtomicFile::errorFor(err, "list", paths->model);
            std::sort(
                entries.begin(), entries.end(), [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
            for (const DirEntry& entry : entries) {
                std::int64_t number = 0;
                if (!entry.name.starts_with("version-")
                    || !parseMetricInt(std::string_view(entry.name).substr(8), number) || number == version)
                    continue;
                const std::string dir = join(paths->model, entry.name);
                auto text = readWholeFile(join(dir, kMeta));
                if (!text)
                    continue; // not a version folder MLflow could read either
                auto meta = YamlMeta::parse(*text);
                if (!meta || meta->scalar("current_stage") != canonical)
                    continue;
                if (Status s = rewriteMeta(
                        dir, {setString("current_stage", "Archived"), setInteger("last_updated_timestamp", now)});
                    !s)
                    return s.error();
            }
        }
        if (Status s = rewriteMeta(
                paths->version, {setString("current_stage", *canonical), setInteger("last_updated_timestamp", now)});
            !s)
            return s.error();
        if (Status s = touchModel(paths->model, now); !s)
            return s.error();
    }
    auto versions = modelVersions(model);
    if (!versions)
        return versions.error();
    for (ModelVersion& v : *versions) {
        if (v.version == version)
            return std::move(v);
    }
    return StoreError {ErrorCode::InternalError,
        "Model Version (name=" + model + ", version=" + std::to_string(version) + ") cannot be read back"};
}

Status MlrunsStore::setModelAlias(const std::string& model, const std::string& alias, std::int64_t version)
{
    if (auto bad = checkModelName(model))
        return *bad;
    if (auto bad = checkAlias(alias))
        return *bad;
    std::lock_guard lock(m_impl->writeMutex);
    auto paths = registryPaths(m_impl->modelsDir(), model, version);
    if (!paths)
        return paths.error();
    if (Status s = writeKeyFile(paths->model, "aliases", alias, std::to_string(version)); !s)
        return s;
    return touchModel(paths->model, nowMillis());
}

Status MlrunsStore::deleteModelAlias(const std::string& model, const std::string& alias)
{
    if (auto bad = checkModelName(model))
        return *bad;
    if (auto bad = checkAliasForm(alias)) // MLflow checks the form only here, not the reserved names
        return *bad;
    std::lock_guard lock(m_impl->writeMutex);
    auto paths = registryPaths(m_impl->modelsDir(), model, std::nullopt);
    if (!paths)
        return paths.error();
    const std::string path = join(join(paths->model, "aliases"), alias);
    if (!fileExists(path))
        return Done {};
    if (Status s = AtomicFile::remove(path); !s)
        return s;
    return touchModel(paths->model, nowMillis());
}

Status MlrunsStore::setRegisteredModelTag(const std::string& model, const std::string& key, const std::string& value)
{
    if (auto bad = checkTagKey(key))
        return *bad;
    if (auto bad = checkTagValue(key, value, kMaxRegistryTagValueLength))
        return *bad;
    std::lock_guard lock(m_impl->writeMutex);
    auto paths = registryPaths(m_impl->modelsDir(), model, std::nullopt);
    if (!paths)
        return paths.error();
    if (Status s = writeKeyFile(paths->model, "tags", key, value); !s)
        return s;
    return touchModel(paths->model, nowMillis());
}

Status MlrunsStore::deleteRegisteredModelTag(const std::string& model, const std::string& key)
{
    if (auto bad = checkTagKey(key))
        return *bad;
    std::lock_guard lock(m_impl->writeMutex);
    auto paths = registryPaths(m_impl->modelsDir(), model, std::nullopt);
    if (!paths)
        return paths.error();
    const std::string path = join(join(paths->model, "tags"), key);
    if (!fileExists(path))
        return Done {}; // MLflow's file store: nothing to do, no error
    if (Status s = AtomicFile::remove(path); !s)
        return s;
    return touchModel(paths->model, nowMillis());
}

Status MlrunsStore::setModelVersionTag(
    const std::string& model, std::int64_t version, const std::string& key, const std::string& value)
{
    if (auto bad = checkTagKey(key))
        return *bad;
    if (auto bad = checkTagValue(key, value, kMaxRegistryTagValueLength))
        return *bad;
    std::lock_guard lock(m_impl->writeMutex);
    auto paths = registryPaths(m_impl->modelsDir(), model, version);
    if (!paths)
        return paths.error();
    if (Status s = writeKeyFile(paths->version, "tags", key, value); !s)
        return s;
    return touchModel(paths->model, nowMillis());
}

Status MlrunsStore::deleteModelVersionTag(const std::string& model, std::int64_t version, const std::string& key)
{
    if (auto bad = checkTagKey(key))
        return *bad;
    std::lock_guard lock(m_impl->writeMutex);
    auto paths = registryPaths(m_impl->modelsDir(), model, version);
    if (!paths)
        return paths.error();
    const std::string path = join(join(paths->version, "tags"), key);
    if (!fileExists(path))
        return Done {};
    if (Status s = AtomicFile::remove(path); !s)
        return s;
    return touchModel(paths->model, nowMillis());
}

Status MlrunsStore::updateRegisteredModelDescription(const std::string& model, const std::string& description)
{
    std::lock_guard lock(m_impl->writeMutex);
    auto paths = registryPaths(m_impl->modelsDir(), model, std::nullopt);
    if (!paths)
        return paths.error();
    return rewriteMeta(
        paths->model, {setString("description", description), setInteger("last_updated_timestamp", nowMillis())});
}

Status MlrunsStore::updateModelVersionDescription(
    const std::string& model, std::int64_t version, const std::string& description)
{
    std::lock_guard lock(m_impl->writeMutex);
    auto paths = registryPaths(m_impl->modelsDir(), model, version);
    if (!paths)
        return paths.error();
    // MLflow's update_model_version moves only the version's timestamp, not the model's.
    return rewriteMeta(
        paths->version, {setString("description", description), setInteger("last_updated_timestamp", nowMillis())});
}

} // namespace runlens
