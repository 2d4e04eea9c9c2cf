// SPDX-License-Identifier: Apache-2.0
#include "stores/mlruns/mlrunsstoreimpl.h"

#include "parallelfor.h"
#include "search/runsearch.h"
#include "stores/mlruns/metricfile.h"
#include "uri.h"

#include <algorithm>
#include <cerrno>

#include <set>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <unordered_map>

namespace runlens {

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

void MlrunsStore::Impl::readMetrics(
    int runFd, const std::string& runPath, Scratch& scratch, Run& run, std::vector<Problem>& problems) const
{
    std::vector<Metric>& out = run.metrics;
    readKeyFolder(runFd, "metrics", join(runPath, "metrics"), problems,
        [&](int dirFd, const std::string& file, const std::string& key, const std::string& display) {
            int err = 0;
            // Streamed, so any size is fine, but a FIFO would block the scan forever.
            UniqueFd fd = localfs::openRegularFile(dirFd, file, err);
            if (!fd.valid()) {
                problems.push_back({display, "cannot read: " + localfs::errorText(err)});
                return;
            }
            const bool live = run.info.status == RunStatus::Running;
            const MetricFileResult result = readMetricFile(fd.get(), scratch.buffer, nullptr, nullptr, live);
            if (!result.ok && result.heldBack && result.count == 0 && result.errorLine == 0)
                return; // its first line is still being written
            if (!result.ok) {
                // MLflow fails the whole metric on one bad line; Runlens skips the metric and keeps the run.
                std::string where = result.errorLine > 0 ? "line " + std::to_string(result.errorLine) + ": " : "";
                problems.push_back({display, where + result.reason + "; the metric is skipped"});
                return;
            }
            out.push_back({key, result.latest});
            if (!result.latestDatasetName.empty())
                run.metricDatasets.push_back({key, result.latestDatasetName, result.latestDatasetDigest});
        });
    std::sort(out.begin(), out.end(), [](const Metric& a, const Metric& b) { return a.key < b.key; });
    std::sort(run.metricDatasets.begin(), run.metricDatasets.end(),
        [](const MetricDataset& a, const MetricDataset& b) { return a.key < b.key; });
}

void MlrunsStore::Impl::readInputs(int runFd, const RunFolder& folder, Scratch& scratch, DatasetCache* datasets,
    Run& run, std::vector<Problem>& problems) const
{
    std::vector<DatasetInput>& out = run.inputs;
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
        const std::string sourceType = meta.scalar("source_type").value_or("");
        const std::string sourceId = meta.scalar("source_id").value_or("");
        if (sourceType == "MODEL") {
            run.modelInputs.push_back({sourceId}); // MLflow 3: a logged model the run used
            continue;
        }
        if (sourceType != "DATASET")
            continue;
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

void MlrunsStore::Impl::readOutputs(int runFd, const RunFolder& folder, Scratch& scratch, std::vector<ModelOutput>& out,
    std::vector<Problem>& problems) const
{
    int err = 0;
    UniqueFd outputsFd = localfs::openDir(runFd, "outputs", err);
    const std::string outputsPath = join(folder.path, "outputs");
    if (!outputsFd.valid()) {
        if (err != ENOENT)
            problems.push_back({outputsPath, "cannot open the folder: " + localfs::errorText(err)});
        return;
    }
    std::vector<DirEntry> entries;
    if (err = localfs::listDir(outputsFd.get(), entries); err != 0) {
        problems.push_back({outputsPath, "cannot list the folder: " + localfs::errorText(err)});
        return;
    }
    std::sort(entries.begin(), entries.end(), [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
    for (const DirEntry& entry : entries) {
        UniqueFd outputFd = localfs::openDir(outputsFd.get(), entry.name, err);
        if (!outputFd.valid())
            continue;
        const std::string metaPath = join(join(outputsPath, entry.name), kMeta);
        MetaFile file = readMetaFile(outputFd.get(), std::string(kMeta), scratch.buffer);
        if (file.state != MetaState::Ok) {
            problems.push_back({metaPath, file.reason + "; the output is skipped"});
            continue;
        }
        const YamlMeta& meta = *file.meta;
        if (meta.scalar("destination_type").value_or("") != "MODEL_OUTPUT")
            continue;
        // MLflow 3.6 writes the model id as source_id and the run id as destination_id, then reads
        // destination_id back as the model: the model is source_id (docs/mlflow3.md).
        ModelOutput output;
        output.modelId = meta.scalar("source_id").value_or(entry.name);
        std::optional<std::int64_t> step;
        std::string why;
        if (!readInt(meta, "step", step, why)) {
            problems.push_back({metaPath, why + "; the output is skipped"});
            continue;
        }
        output.step = step.value_or(0);
        out.push_back(std::move(output));
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
        readMetrics(runFd.get(), folder.path, scratch, run, problems);
    if (has(fields, RunField::Inputs)) {
        readInputs(runFd.get(), folder, scratch, datasets, run, problems);
        readOutputs(runFd.get(), folder, scratch, run.modelOutputs, problems);
    }

    // Runs from before MLflow 1.30 keep their name only in the mlflow.runName tag (formats §A.7).
    if (run.info.runName.empty()) {
        if (has(fields, RunField::Tags)) {
            if (const std::string* name = run.tag("mlflow.runName"))
                run.info.runName = *name;
        } else {
            UniqueFd tagFd = localfs::openRegularFile(runFd.get(), "tags/mlflow.runName", err);
            std::string_view text;
            if (tagFd.valid())
                err = scratch.buffer.readCapped(tagFd.get(), kMaxValueBytes, text);
            if (tagFd.valid() && err == 0)
                run.info.runName = std::string(text);
            else if (err != ENOENT)
                problems.push_back({join(folder.path, "tags/mlflow.runName"),
                    "cannot read: " + localfs::errorText(err, kMaxValueBytes)});
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
        auto named = m_impl->foldersOf(query.experimentIds, true);
        if (!named)
            return named.error();
        folders = std::move(*named);
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

    std::vector<Run> loaded;
    for (Slot& slot : slots) {
        list.problems.insert(list.problems.end(), std::make_move_iterator(slot.problems.begin()),
            std::make_move_iterator(slot.problems.end()));
        if (slot.outcome == RunOutcome::Loaded)
            loaded.push_back(std::move(slot.run));
    }
    list.runs = search->apply(std::move(loaded), SearchDialect::FileStore, query.maxResults);
    return list;
}

Result<Run> MlrunsStore::run(const std::string& runId)
{
    return m_impl->loadRun(runId, kAllRunFields, nullptr);
}

} // namespace runlens
