// SPDX-License-Identifier: Apache-2.0
// Logged models of the file store (MLflow 3, formats §A.10): <experiment>/models/<model_id>/ with
// meta.yaml, params/, tags/ and metrics/, read as FileStore._get_model_info_from_dir reads them.
#include "stores/mlruns/mlrunsstoreimpl.h"

#include "search/loggedmodelsearch.h"
#include "stores/mlruns/metricfile.h"

#include <algorithm>
#include <cerrno>
#include <set>

namespace runlens {

namespace mlrunsdetail {

bool isLoggedModelId(std::string_view name)
{
    return name.size() == 34 && name.starts_with("m-") && isHex32(name.substr(2));
}

namespace {

// Python's str.strip().split(" "): fields separated by exactly one space.
std::vector<std::string_view> splitFields(std::string_view line)
{
    auto isSpace = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; };
    while (!line.empty() && isSpace(line.front()))
        line.remove_prefix(1);
    while (!line.empty() && isSpace(line.back()))
        line.remove_suffix(1);
    std::vector<std::string_view> fields;
    std::size_t start = 0;
    for (;;) {
        const std::size_t space = line.find(' ', start);
        fields.push_back(line.substr(start, space == std::string_view::npos ? std::string_view::npos : space - start));
        if (space == std::string_view::npos)
            break;
        start = space + 1;
    }
    return fields;
}

// Python's max(group, key=(step, timestamp, value)): the first of equals stays, NaN never wins a tie.
bool replacesInGroup(const MetricPoint& candidate, const MetricPoint& current)
{
    if (candidate.step != current.step)
        return candidate.step > current.step;
    if (candidate.timestamp != current.timestamp)
        return candidate.timestamp > current.timestamp;
    return candidate.value > current.value;
}

} // namespace

// One model metric file: lines `ts value step run_id [dataset_name dataset_digest]`; MLflow keeps,
// per (dataset_name, dataset_digest), the point with the highest (step, timestamp, value).
bool readModelMetricFile(std::string_view text, const std::string& key, std::vector<ModelMetric>& out, std::string& why)
{
    std::vector<ModelMetric> groups;
    std::size_t lineNumber = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos)
            end = text.size();
        const std::string_view line = text.substr(pos, end - pos);
        pos = end + 1;
        ++lineNumber;
        const auto fields = splitFields(line);
        if (fields.size() != 4 && fields.size() != 6) {
            why = "line " + std::to_string(lineNumber) + ": expected 4 or 6 space-separated fields ('timestamp value "
                + "step run_id [dataset_name dataset_digest]'), found " + std::to_string(fields.size());
            return false;
        }
        ModelMetric metric;
        metric.key = key;
        if (!parseMetricInt(fields[0], metric.point.timestamp) || !parseMetricDouble(fields[1], metric.point.value)
            || !parseMetricInt(fields[2], metric.point.step)) {
            why = "line " + std::to_string(lineNumber) + ": timestamp, value or step is not a number";
            return false;
        }
        metric.runId = std::string(fields[3]);
        if (fields.size() == 6) {
            metric.datasetName = std::string(fields[4]);
            metric.datasetDigest = std::string(fields[5]);
        }
        auto group = std::find_if(groups.begin(), groups.end(), [&](const ModelMetric& g) {
            return g.datasetName == metric.datasetName && g.datasetDigest == metric.datasetDigest;
        });
        if (group == groups.end())
            groups.push_back(std::move(metric));
        else if (replacesInGroup(metric.point, group->point))
            *group = std::move(metric);
    }
    if (groups.empty()) {
        why = "no data found"; // MLflow: "Metric '<key>' is malformed. No data found."
        return false;
    }
    out.insert(out.end(), std::make_move_iterator(groups.begin()), std::make_move_iterator(groups.end()));
    return true;
}

} // namespace mlrunsdetail

std::optional<LoggedModel> MlrunsStore::Impl::readLoggedModel(const ExperimentFolder& experiment,
    const std::string& folderName, ReadBuffer& buffer, std::vector<Problem>& problems) const
{
    const std::string path = join(join(experiment.path, kModels), folderName);
    const bool looksLikeModel = isLoggedModelId(folderName);
    int err = 0;
    UniqueFd fd = localfs::openDir(localfs::currentDirFd(), path, err);
    if (!fd.valid()) {
        if (looksLikeModel)
            problems.push_back({path, "cannot open the logged model folder: " + localfs::errorText(err)});
        return std::nullopt;
    }
    MetaFile file = readMetaFile(fd.get(), std::string(kMeta), buffer);
    if (file.state != MetaState::Ok) {
        // MLflow skips such folders quietly; a folder named like a model deserves a word.
        if (looksLikeModel || file.state == MetaState::Broken)
            problems.push_back({join(path, kMeta), file.reason + "; the logged model is skipped"});
        return std::nullopt;
    }
    const YamlMeta& meta = *file.meta;
    const std::string metaPath = join(path, kMeta);
    auto skip = [&](const std::string& why) -> std::optional<LoggedModel> {
        problems.push_back({metaPath, why + "; the logged model is skipped"});
        return std::nullopt;
    };
    LoggedModel m;
    m.modelId = readString(meta, "model_id");
    if (m.modelId.empty())
        return skip("meta.yaml has no model_id");
    m.experimentId = readString(meta, "experiment_id");
    if (m.experimentId != experiment.id) {
        return skip("meta.yaml records experiment_id " + inQuotes(m.experimentId) + " but the model lies in experiment "
            + inQuotes(experiment.id) + " (MLflow ignores it too)");
    }
    m.name = readString(meta, "name");
    m.artifactLocation = readString(meta, "artifact_location");
    m.modelType = readNullableString(meta, "model_type");
    m.sourceRunId = readNullableString(meta, "source_run_id");
    m.statusMessage = readNullableString(meta, "status_message");
    std::string why;
    std::optional<std::int64_t> created;
    std::optional<std::int64_t> updated;
    std::optional<std::int64_t> status;
    if (!readInt(meta, "creation_timestamp", created, why) || !readInt(meta, "last_updated_timestamp", updated, why)
        || !readInt(meta, "status", status, why) || !readLifecycle(meta, m.lifecycleStage, why)) {
        return skip(why);
    }
    m.creationTimestamp = created.value_or(0);
    m.lastUpdatedTimestamp = updated.value_or(0);
    if (status) {
        const auto parsed = loggedModelStatusFromInt(*status);
        if (!parsed)
            return skip("status " + std::to_string(*status) + " is not a logged model status (0-3)");
        m.status = *parsed;
    }
    m.params = readKeyValues(fd.get(), "params", join(path, "params"), buffer, problems);
    m.tags = readKeyValues(fd.get(), "tags", join(path, "tags"), buffer, problems);
    readKeyFolder(fd.get(), "metrics", join(path, "metrics"), problems,
        [&](int dirFd, const std::string& name, const std::string& key, const std::string& display) {
            UniqueFd metricFd = localfs::openRegularFile(dirFd, name, err);
            std::string_view text;
            if (metricFd.valid())
                err = buffer.readCapped(metricFd.get(), kMaxModelMetricBytes, text);
            if (err != 0) {
                problems.push_back({display, "cannot read: " + localfs::errorText(err, kMaxModelMetricBytes)});
                return;
            }
            std::string reason;
            if (!readModelMetricFile(text, key, m.metrics, reason))
                problems.push_back({display, reason + "; the metric is skipped"});
        });
    return m;
}

std::vector<LoggedModel> MlrunsStore::Impl::readLoggedModels(
    const ExperimentFolder& experiment, ReadBuffer& buffer, std::vector<Problem>& problems) const
{
    std::vector<LoggedModel> out;
    const std::string modelsPath = join(experiment.path, kModels);
    int err = 0;
    UniqueFd fd = localfs::openDir(localfs::currentDirFd(), modelsPath, err);
    if (!fd.valid()) {
        if (err != ENOENT && err != ENOTDIR)
            problems.push_back({modelsPath, "cannot open the folder: " + localfs::errorText(err)});
        return out;
    }
    std::vector<DirEntry> entries;
    if (err = localfs::listDir(fd.get(), entries); err != 0) {
        problems.push_back({modelsPath, "cannot list the folder: " + localfs::errorText(err)});
        return out;
    }
    std::sort(entries.begin(), entries.end(), [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
    for (const DirEntry& entry : entries) {
        EntryType type;
        if (isReservedExperimentChild(entry.name) || resolvedType(fd.get(), entry, type) != 0 || type != EntryType::Dir)
            continue;
        if (auto model = readLoggedModel(experiment, entry.name, buffer, problems))
            out.push_back(std::move(*model));
    }
    return out;
}

Result<LoggedModelList> MlrunsStore::searchLoggedModels(const LoggedModelQuery& query, TaskControl* control)
{
    auto search = LoggedModelSearch::parse(query.filter, query.orderBy, query.datasets);
    if (!search)
        return search.error();
    LoggedModelList list;
    ReadBuffer buffer;
    std::vector<ExperimentFolder> folders;
    if (query.experimentIds.empty()) {
        for (ExperimentFolder& folder : m_impl->experimentFolders(true, false, &list.problems))
            folders.push_back(std::move(folder));
    } else {
        // MLflow's _list_models: an experiment that does not exist simply has no models.
        auto named = m_impl->foldersOf(query.experimentIds, false);
        if (!named)
            return named.error();
        folders = std::move(*named);
    }
    std::vector<LoggedModel> models;
    for (const ExperimentFolder& folder : folders) {
        if (isCancelled(control))
            return StoreError {ErrorCode::Cancelled, "the logged model search in " + m_impl->root + " was cancelled"};
        std::vector<LoggedModel> found = m_impl->readLoggedModels(folder, buffer, list.problems);
        models.insert(models.end(), std::make_move_iterator(found.begin()), std::make_move_iterator(found.end()));
    }
    list.models = search->apply(std::move(models), SearchDialect::FileStore, query.maxResults);
    return list;
}

Result<LoggedModel> MlrunsStore::loggedModel(const std::string& modelId)
{
    if (!isValidRunId(modelId) || modelId.find('/') != std::string::npos)
        return StoreError {ErrorCode::InvalidParameterValue, "invalid logged model id " + inQuotes(modelId)};
    ReadBuffer buffer;
    // MLflow's _find_model_root looks in active and deleted experiments alike.
    for (const ExperimentFolder& folder : m_impl->experimentFolders(true, true, nullptr)) {
        if (!isDirectory(join(join(folder.path, kModels), modelId)))
            continue;
        std::vector<Problem> problems;
        auto model = m_impl->readLoggedModel(folder, modelId, buffer, problems);
        if (!model) {
            const std::string why = problems.empty() ? std::string("it has no meta.yaml")
                                                     : problems.front().path + ": " + problems.front().reason;
            return StoreError {ErrorCode::InternalError, "Model " + inQuotes(modelId) + " cannot be read: " + why};
        }
        if (model->lifecycleStage == LifecycleStage::Deleted)
            break;
        return std::move(*model);
    }
    return StoreError {ErrorCode::ResourceDoesNotExist, "Model " + inQuotes(modelId) + " not found"};
}

} // namespace runlens
