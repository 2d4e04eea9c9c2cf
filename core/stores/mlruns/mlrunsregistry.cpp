// SPDX-License-Identifier: Apache-2.0
#include "stores/mlruns/mlrunsstoreimpl.h"

#include "stores/mlruns/metricfile.h"

#include <algorithm>
#include <cerrno>

#include <sys/stat.h>
#include <unistd.h>

namespace runlens {

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
    std::sort(entries.begin(), entries.end(), [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
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
        v.modelId = readNullableString(meta, "model_id");
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

namespace {

// Registered models or prompts (MLflow 2.21+ registers prompts as models tagged mlflow.prompt.is_prompt).
Result<RegisteredModelList> listRegistry(const MlrunsStore::Impl& impl, bool wantPrompts)
{
    RegisteredModelList list;
    std::vector<RegisteredModel>& out = list.models;
    int err = 0;
    const std::string dir = impl.modelsDir();
    UniqueFd fd = localfs::openDir(localfs::currentDirFd(), dir, err);
    if (!fd.valid()) {
        if (err == ENOENT)
            return list;
        return StoreError {
            ErrorCode::IoError, "cannot open the model registry " + dir + ": " + localfs::errorText(err)};
    }
    std::vector<DirEntry> entries;
    if (err = localfs::listDir(fd.get(), entries); err != 0)
        return StoreError {
            ErrorCode::IoError, "cannot list the model registry " + dir + ": " + localfs::errorText(err)};
    std::sort(entries.begin(), entries.end(), [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
    ReadBuffer buffer;
    for (const DirEntry& entry : entries) {
        EntryType type;
        if (resolvedType(fd.get(), entry, type) != 0 || type != EntryType::Dir)
            continue;
        // A model that cannot be read is reported in both lists: whether it is a prompt is in the
        // part that could not be read.
        std::vector<Problem> problems;
        auto model = impl.readModel(fd.get(), entry.name, buffer, nullptr, problems);
        if (model && isPrompt(model->tags) != wantPrompts)
            continue;
        list.problems.insert(list.problems.end(), problems.begin(), problems.end());
        if (model)
            out.push_back(std::move(*model));
    }
    std::sort(
        out.begin(), out.end(), [](const RegisteredModel& a, const RegisteredModel& b) { return a.name < b.name; });
    return list;
}

} // namespace

Result<std::vector<RegisteredModel>> MlrunsStore::registeredModels()
{
    auto list = listRegistry(*m_impl, false);
    if (!list)
        return list.error();
    return std::move(list->models);
}

Result<std::vector<RegisteredModel>> MlrunsStore::prompts()
{
    auto list = listRegistry(*m_impl, true);
    if (!list)
        return list.error();
    return std::move(list->models);
}

Result<RegisteredModelList> MlrunsStore::registeredModelList(bool prompts)
{
    return listRegistry(*m_impl, prompts);
}

Result<std::vector<ModelVersion>> MlrunsStore::modelVersions(const std::string& modelName)
{
    auto list = modelVersionList(modelName);
    if (!list)
        return list.error();
    return std::move(list->versions);
}

Result<ModelVersionList> MlrunsStore::modelVersionList(const std::string& modelName)
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
    return ModelVersionList {std::move(versions), std::move(problems)};
}

} // namespace runlens
