// SPDX-License-Identifier: Apache-2.0
#include "stores/mlruns/mlrunsstoreimpl.h"

#include "io/atomicfile.h"
#include "io/yamlwriter.h"
#include "stores/mlruns/metricfile.h"
#include "stores/mlruns/mlrunsmetaedit.h"
#include "stores/writerules.h"

#include <algorithm>

namespace runlens {

using namespace writerules;

namespace {

// The registry's checks, in MLflow's order: model name, model folder, then version folder and stage.
struct RegistryPaths
{
    std::string model; // models/<name>
    std::string version; // models/<name>/version-<n>, when asked for
};

// The file store also keeps a model name from naming a path: it is the model's folder name.
Status validateFolderModelName(const std::string& name)
{
    if (auto valid = validateModelName(name); !valid)
        return valid;
    if (name == "." || name == ".." || name.find('/') != std::string::npos || name.find('%') != std::string::npos
        || name.find('\0') != std::string::npos)
        return invalidValue("Invalid registered model name '" + name
            + "': the file store does not allow '/', '%' or the names '.' and '..'");
    return Done {};
}

Result<RegistryPaths> registryPaths(
    const std::string& modelsDir, const std::string& model, std::optional<std::int64_t> version)
{
    if (auto valid = validateFolderModelName(model); !valid)
        return valid.error();
    RegistryPaths paths;
    paths.model = join(modelsDir, model);
    if (!isDirectory(paths.model))
        return modelNotFound(model);
    if (!version)
        return paths;
    const StoreError missing = versionNotFound(model, *version);
    if (*version < 1)
        return invalidValue("Parameter 'version' must be an integer >= 1, got " + std::to_string(*version));
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

// A key file of the model (version empty) or of one version, set; the model's timestamp moves.
Status setKeyFile(const RegistryPaths& paths, bool ofVersion, const std::string& folder, const std::string& key,
    const std::string& value)
{
    if (Status s = writeKeyFile(ofVersion ? paths.version : paths.model, folder, key, value); !s)
        return s;
    return touchModel(paths.model, nowMillis());
}

// The same, removed. A missing file is nothing to do, no error (MLflow's file store).
Status removeKeyFile(const RegistryPaths& paths, bool ofVersion, const std::string& folder, const std::string& key)
{
    const std::string path = join(join(ofVersion ? paths.version : paths.model, folder), key);
    if (!fileExists(path))
        return Done {};
    if (Status s = AtomicFile::remove(path); !s)
        return s;
    return touchModel(paths.model, nowMillis());
}

// The checks every registry tag write makes first; `value` is null for a delete.
Status validateRegistryTag(const std::string& key, const std::string* value)
{
    if (auto valid = validateTagKey(key); !valid)
        return valid;
    if (value)
        return validateLength("the value of tag '" + key + "'", *value, kMaxRegistryTagValueLength);
    return Done {};
}

} // namespace

Result<ModelVersion> MlrunsStore::transitionModelVersionStage(
    const std::string& model, std::int64_t version, const std::string& stage, bool archiveExisting)
{
    auto canonical = canonicalStage(stage);
    if (!canonical)
        return canonical.error();
    if (auto valid = validateArchiveExisting(stage, archiveExisting); !valid)
        return valid.error();
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
                if (!meta || meta->scalar("current_stage") != *canonical)
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
    if (auto valid = validateFolderModelName(model); !valid)
        return valid;
    if (auto valid = validateAlias(alias); !valid)
        return valid;
    std::lock_guard lock(m_impl->writeMutex);
    auto paths = registryPaths(m_impl->modelsDir(), model, version);
    if (!paths)
        return paths.error();
    return setKeyFile(*paths, false, "aliases", alias, std::to_string(version));
}

Status MlrunsStore::deleteModelAlias(const std::string& model, const std::string& alias)
{
    if (auto valid = validateFolderModelName(model); !valid)
        return valid;
    if (auto valid = validateAliasName(alias); !valid) // MLflow checks the form only here, not the reserved names
        return valid;
    std::lock_guard lock(m_impl->writeMutex);
    auto paths = registryPaths(m_impl->modelsDir(), model, std::nullopt);
    if (!paths)
        return paths.error();
    return removeKeyFile(*paths, false, "aliases", alias);
}

Status MlrunsStore::setRegisteredModelTag(const std::string& model, const std::string& key, const std::string& value)
{
    if (auto valid = validateRegistryTag(key, &value); !valid)
        return valid;
    std::lock_guard lock(m_impl->writeMutex);
    auto paths = registryPaths(m_impl->modelsDir(), model, std::nullopt);
    if (!paths)
        return paths.error();
    return setKeyFile(*paths, false, "tags", key, value);
}

Status MlrunsStore::deleteRegisteredModelTag(const std::string& model, const std::string& key)
{
    if (auto valid = validateRegistryTag(key, nullptr); !valid)
        return valid;
    std::lock_guard lock(m_impl->writeMutex);
    auto paths = registryPaths(m_impl->modelsDir(), model, std::nullopt);
    if (!paths)
        return paths.error();
    return removeKeyFile(*paths, false, "tags", key);
}

Status MlrunsStore::setModelVersionTag(
    const std::string& model, std::int64_t version, const std::string& key, const std::string& value)
{
    if (auto valid = validateRegistryTag(key, &value); !valid)
        return valid;
    std::lock_guard lock(m_impl->writeMutex);
    auto paths = registryPaths(m_impl->modelsDir(), model, version);
    if (!paths)
        return paths.error();
    return setKeyFile(*paths, true, "tags", key, value);
}

Status MlrunsStore::deleteModelVersionTag(const std::string& model, std::int64_t version, const std::string& key)
{
    if (auto valid = validateRegistryTag(key, nullptr); !valid)
        return valid;
    std::lock_guard lock(m_impl->writeMutex);
    auto paths = registryPaths(m_impl->modelsDir(), model, version);
    if (!paths)
        return paths.error();
    return removeKeyFile(*paths, true, "tags", key);
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
