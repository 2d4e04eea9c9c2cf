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

Result<RunFolder> MlrunsStore::Impl::runFolderIn(const std::string& runId, LifecycleStage needed) const
{
    RunFolder folder;
    auto run = loadRun(runId, static_cast<RunFields>(RunField::Info), &folder);
    if (!run)
        return run.error();
    if (run->info.lifecycleStage != needed)
        return needed == LifecycleStage::Active ? runNotActive(runId) : runNotDeleted(runId);
    return folder;
}

Status MlrunsStore::renameRun(const std::string& runId, const std::string& name)
{
    if (name.empty())
        return invalidValue("a run name cannot be empty");
    if (auto valid = validateLength("run name", name, kMaxRunTagValueLength); !valid)
        return valid;
    if (!YamlWriter::writable(name))
        return invalidValue("the run name " + inQuotes(name)
            + " contains tabs or control characters, which MLflow's YAML writer would escape; not renamed");
    std::lock_guard lock(m_impl->writeMutex);
    auto folder = m_impl->runFolderIn(runId, LifecycleStage::Active);
    if (!folder)
        return folder.error();
    // MLflow's update_run_info: the tag first, then meta.yaml (which drops deleted_time on an active run).
    if (Status s = writeKeyFile(folder->path, "tags", "mlflow.runName", name); !s)
        return s;
    return rewriteMeta(folder->path, {setString("run_name", name), removeKey("deleted_time")});
}

Status MlrunsStore::setRunTag(const std::string& runId, const std::string& key, const std::string& value)
{
    if (auto valid = validateTagKey(key); !valid)
        return valid;
    if (auto valid = validateLength("the value of tag '" + key + "'", value, kMaxRunTagValueLength); !valid)
        return valid;
    if (key == "mlflow.runName")
        return renameRun(runId, value);
    std::lock_guard lock(m_impl->writeMutex);
    auto folder = m_impl->runFolderIn(runId, LifecycleStage::Active);
    if (!folder)
        return folder.error();
    return writeKeyFile(folder->path, "tags", key, value);
}

Status MlrunsStore::deleteRunTag(const std::string& runId, const std::string& key)
{
    if (auto valid = validateTagKey(key); !valid)
        return valid;
    std::lock_guard lock(m_impl->writeMutex);
    auto folder = m_impl->runFolderIn(runId, LifecycleStage::Active);
    if (!folder)
        return folder.error();
    const std::string path = join(join(folder->path, "tags"), key);
    if (!fileExists(path))
        return StoreError {ErrorCode::ResourceDoesNotExist, "No tag with name: " + key + " in run with id " + runId};
    return AtomicFile::remove(path);
}

Status MlrunsStore::deleteRun(const std::string& runId)
{
    std::lock_guard lock(m_impl->writeMutex);
    auto folder = m_impl->runFolderIn(runId, LifecycleStage::Active);
    if (!folder)
        return folder.error();
    return rewriteMeta(
        folder->path, {setString("lifecycle_stage", "deleted"), setInteger("deleted_time", nowMillis())});
}

Status MlrunsStore::restoreRun(const std::string& runId)
{
    std::lock_guard lock(m_impl->writeMutex);
    auto folder = m_impl->runFolderIn(runId, LifecycleStage::Deleted);
    if (!folder)
        return folder.error();
    return rewriteMeta(folder->path, {setString("lifecycle_stage", "active"), removeKey("deleted_time")});
}

} // namespace runlens
