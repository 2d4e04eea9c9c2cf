// SPDX-License-Identifier: Apache-2.0
#include "artifactlisting.h"

namespace runlens {

namespace {

constexpr int kMaxDepth = 256;

bool appendFolder(Store& store, const std::string& runId, const std::string& path, int depth,
    std::vector<FileInfo>& out, std::vector<Problem>* problems, TaskControl* control)
{
    if (isCancelled(control))
        return false;
    auto entries = store.listArtifacts(runId, path);
    if (!entries) {
        if (problems)
            problems->push_back({path, entries.error().message});
        return true;
    }
    for (FileInfo& entry : *entries) {
        const bool isDir = entry.isDir;
        const std::string child = entry.path;
        out.push_back(std::move(entry));
        if (!isDir)
            continue;
        if (depth + 1 >= kMaxDepth) {
            if (problems)
                problems->push_back({child, "artifact folders nested deeper than 256 levels; not listed further"});
            continue;
        }
        if (!appendFolder(store, runId, child, depth + 1, out, problems, control))
            return false;
    }
    return true;
}

} // namespace

Result<std::vector<FileInfo>> listArtifactsRecursive(
    Store& store, const std::string& runId, std::vector<Problem>* problems, TaskControl* control)
{
    auto top = store.listArtifacts(runId, std::string());
    if (!top)
        return top.error();
    std::vector<FileInfo> out;
    for (FileInfo& entry : *top) {
        const bool isDir = entry.isDir;
        const std::string child = entry.path;
        out.push_back(std::move(entry));
        if (isDir && !appendFolder(store, runId, child, 1, out, problems, control))
            break;
    }
    if (isCancelled(control))
        return StoreError {ErrorCode::Cancelled, "listing the artifacts of run '" + runId + "' was cancelled"};
    return out;
}

} // namespace runlens
