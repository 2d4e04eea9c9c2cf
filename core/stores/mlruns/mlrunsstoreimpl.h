// SPDX-License-Identifier: Apache-2.0
#pragma once

// What the MlrunsStore's files share: the folder layout, meta.yaml and key-folder reading, and the
// Impl every part works through. Only the mlruns store's own .cpp files include this.

#include "io/atomicfile.h"
#include "io/localfs.h"
#include "io/yamlmeta.h"
#include "stores/mlruns/mlrunsstore.h"

#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runlens {

using localfs::DirEntry;
using localfs::EntryType;
using localfs::FileStatus;
using localfs::ReadBuffer;
using localfs::UniqueFd;

namespace mlrunsdetail {

constexpr std::string_view kTrash = ".trash";

constexpr std::string_view kModels = "models";

constexpr std::string_view kMeta = "meta.yaml";

// Caps on files read whole. MLflow writes metas of a few KB and values of at most 100 000 characters
// (registry tags since 3.1.1); the caps are far above that, yet keep a link to /dev/zero or a runaway
// file from costing gigabytes. Metric files are streamed and have no cap.
constexpr std::size_t kMaxMetaBytes = 16 * 1024 * 1024;
constexpr std::size_t kMaxValueBytes = 1024 * 1024;
// A logged model's metric files are read whole: a line per dataset and evaluation, so far smaller than
// a run's training curves; the cap only stops a file without end.
constexpr std::size_t kMaxModelMetricBytes = 256 * 1024 * 1024;

bool isAlnum(char c);

// MLflow's id patterns (formats, conventions): they also keep ids from naming paths outside the store.
bool isValidId(std::string_view id, std::size_t maxRest);

bool isValidExperimentId(std::string_view id);

bool isValidRunId(std::string_view id);

bool isHex32(std::string_view name);

bool isReservedExperimentChild(std::string_view name);

// m-<32 hex>, MLflow 3's logged model ids.
bool isLoggedModelId(std::string_view name);

// Parses one model metric file into its latest point per dataset (see mlrunsloggedmodels.cpp).
bool readModelMetricFile(
    std::string_view text, const std::string& key, std::vector<ModelMetric>& out, std::string& why);

std::string join(std::string_view a, std::string_view b);

std::string inQuotes(std::string_view text);

// Splits a relative path into its parts with the one artifact-path rule (no absolute paths, no "..",
// which could lead out of the folder the path is relative to). Empty and "." parts are dropped.
bool splitRelativePath(std::string_view path, std::vector<std::string>& parts);

// Splits a metric or tag key ('/'-separated) into its folders; fails on absolute keys and "..", which
// could lead out of the run folder. Empty and "." parts are dropped, as normpath does.
bool splitKeyPath(std::string_view path, std::vector<std::string>& parts);

bool isDirectory(const std::string& path);

// The type of a listed entry, following symbolic links as os.path.isdir() does. 0 or errno.
int resolvedType(int dirFd, const DirEntry& entry, EntryType& type);

// Per worker thread: one read buffer for every file that thread reads.
struct Scratch
{
    ReadBuffer buffer;
};

// Reads an integer field. Missing or null leaves `out` empty; anything but an integer is an error.
bool readInt(const YamlMeta& meta, std::string_view key, std::optional<std::int64_t>& out, std::string& why);

std::string readString(const YamlMeta& meta, std::string_view key);

std::optional<std::string> readNullableString(const YamlMeta& meta, std::string_view key);

bool readLifecycle(const YamlMeta& meta, LifecycleStage& stage, std::string& why);

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

MetaFile readMetaFile(int dirFd, const std::string& name, ReadBuffer& buffer);

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
        // A write's temp file (left by a killed write, or one in flight) is never a key.
        if (entry.name.starts_with(AtomicFile::kTempPrefix))
            continue;
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
    ReadBuffer& buffer, std::vector<Problem>& problems);

struct ExperimentFolder
{
    std::string id; // the folder name
    std::string path;
    bool trash = false;
};

bool experimentOrderLess(const Experiment& a, const Experiment& b);

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

} // namespace mlrunsdetail

using namespace mlrunsdetail;

struct MlrunsStore::Impl
{
    std::filesystem::path rootPath;
    std::string root;
    std::mutex writeMutex; // one write at a time from this object (read-modify-write of meta.yaml)

    // -- experiments --

    std::vector<ExperimentFolder> experimentFolders(bool active, bool deleted, std::vector<Problem>* problems) const;
    std::optional<ExperimentFolder> findExperimentFolder(const std::string& id) const;
    /** The folders of the named experiments, each once; a missing one is an error or skipped. */
    Result<std::vector<ExperimentFolder>> foldersOf(const std::vector<std::string>& ids, bool missingIsError) const;
    std::optional<Experiment> readExperiment(
        const ExperimentFolder& folder, ReadBuffer& buffer, std::vector<Problem>& problems, bool* idMismatch) const;

    // -- runs --

    std::vector<RunFolder> runFolders(const ExperimentFolder& folder, std::vector<Problem>& problems) const;
    bool findRun(const std::string& runId, std::vector<ExperimentFolder>& folders, RunFolder& out) const;
    RunOutcome readRun(const RunFolder& folder, RunFields fields, std::optional<ViewType> view, Scratch& scratch,
        DatasetCache* datasets, Run& run, std::vector<Problem>& problems) const;
    bool readRunInfo(const RunFolder& folder, const YamlMeta& meta, RunInfo& info, std::string& why) const;
    void readMetrics(
        int runFd, const std::string& runPath, Scratch& scratch, Run& run, std::vector<Problem>& problems) const;
    void readInputs(int runFd, const RunFolder& folder, Scratch& scratch, DatasetCache* datasets, Run& run,
        std::vector<Problem>& problems) const;
    // outputs/<model_id>/meta.yaml (MLflow 3): the logged models the run produced.
    void readOutputs(int runFd, const RunFolder& folder, Scratch& scratch, std::vector<ModelOutput>& out,
        std::vector<Problem>& problems) const;
    Result<Run> loadRun(const std::string& runId, RunFields fields, RunFolder* where) const;
    /** For a write that needs the run in one lifecycle stage: its folder, or why it cannot be written. */
    Result<RunFolder> runFolderIn(const std::string& runId, LifecycleStage needed) const;

    // -- artifacts --

    std::optional<std::string> artifactRoot(const RunInfo& info, const RunFolder& folder) const;
    Result<UniqueFd> openArtifactDir(
        const std::string& rootPath, const std::vector<std::string>& parts, const std::string& runId) const;

    // -- logged models --

    std::optional<LoggedModel> readLoggedModel(const ExperimentFolder& experiment, const std::string& folderName,
        ReadBuffer& buffer, std::vector<Problem>& problems) const;
    std::vector<LoggedModel> readLoggedModels(
        const ExperimentFolder& experiment, ReadBuffer& buffer, std::vector<Problem>& problems) const;

    // -- registry --

    std::string modelsDir() const { return join(root, kModels); }
    std::optional<RegisteredModel> readModel(int modelsFd, const std::string& folderName, ReadBuffer& buffer,
        std::vector<ModelVersion>* allVersions, std::vector<Problem>& problems) const;
    std::vector<ModelVersion> readVersions(int modelFd, const std::string& modelPath, const std::string& modelName,
        const std::vector<ModelAlias>& aliases, ReadBuffer& buffer, std::vector<Problem>& problems) const;
};

} // namespace runlens
