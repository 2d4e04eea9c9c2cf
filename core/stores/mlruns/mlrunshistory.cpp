// SPDX-License-Identifier: Apache-2.0
#include "stores/mlruns/mlrunsstoreimpl.h"

#include "stores/mlruns/metricfile.h"

#include <algorithm>
#include <cerrno>

#include <sys/stat.h>
#include <unistd.h>

namespace runlens {

Result<std::vector<MetricPoint>> MlrunsStore::metricHistory(const std::string& runId, const std::string& key)
{
    auto history = metricHistoryWithSources(runId, key);
    if (!history)
        return history.error();
    return std::move(history->points);
}

Result<MetricHistory> MlrunsStore::metricHistoryWithSources(const std::string& runId, const std::string& key)
{
    std::vector<std::string> parts;
    if (key.empty() || !splitKeyPath(key, parts) || parts.empty() || key.find("//") != std::string::npos
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
            return MetricHistory {};
        fd = localfs::openDir(fd.get(), parts[i], err);
    }
    if (!fd.valid())
        return MetricHistory {};
    UniqueFd file = localfs::openFile(fd.get(), parts.back(), err);
    FileStatus st;
    if (!file.valid() || localfs::statFd(file.get(), st) != 0 || st.type != EntryType::File)
        return MetricHistory {}; // MLflow returns no points for a metric the run does not have
    MetricHistory history;
    ReadBuffer buffer;
    const bool live = run->info.status == RunStatus::Running;
    const MetricFileResult result = readMetricFile(file.get(), buffer, &history.points, &history.sources, live);
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

} // namespace runlens
