// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "entities.h"
#include "result.h"
#include "taskcontrol.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace runlens {

enum class StoreKind
{
    File,
    Sqlite,
    Rest
};

/** What a store can do, so the UI asks instead of assuming (formats differ, servers differ). */
enum class Capability : unsigned
{
    WriteRuns = 1u << 0,
    WriteRegistry = 1u << 1,
    ServerSideSearch = 1u << 2,
    LiveWatch = 1u << 3,
    Registry = 1u << 4,
};
using Capabilities = unsigned;
constexpr bool has(Capabilities caps, Capability c)
{
    return (caps & static_cast<unsigned>(c)) != 0;
}

/** Parts of a run a caller needs; a store may skip reading the rest (e.g. metrics for a list of ids). */
enum class RunField : unsigned
{
    Info = 1u << 0, // always filled: id, name, status, times, ...
    Params = 1u << 1,
    Tags = 1u << 2,
    Metrics = 1u << 3,
    Inputs = 1u << 4,
};
using RunFields = unsigned;
constexpr RunFields kAllRunFields = 0x1f;
constexpr bool has(RunFields fields, RunField f)
{
    return (fields & static_cast<unsigned>(f)) != 0;
}

/** A runs/search request (formats §C.2, §D). */
struct RunQuery
{
    /** Experiments to search; empty means every experiment in the view. */
    std::vector<std::string> experimentIds;
    ViewType view = ViewType::ActiveOnly;
    std::string filter;
    std::vector<std::string> orderBy;
    std::optional<std::size_t> maxResults;
    RunFields fields = kAllRunFields;
};

struct RunList
{
    std::vector<Run> runs;
    std::vector<Problem> problems; // items skipped while reading
};

struct ExperimentList
{
    std::vector<Experiment> experiments;
    std::vector<Problem> problems;
};

/** A dataset a logged-model search restricts metrics to (MLflow's `datasets` argument). */
struct DatasetFilter
{
    std::string name;
    std::optional<std::string> digest;
};

/**
 * One order_by entry of a logged-model search: `metrics.<key>` (optionally on a dataset) or an
 * attribute (name, model_id, model_type, status, source_run_id, creation_timestamp,
 * last_updated_timestamp). MLflow takes these as structured objects, not strings.
 */
struct LoggedModelOrder
{
    std::string fieldName;
    bool ascending = true;
    std::optional<std::string> datasetName;
    std::optional<std::string> datasetDigest;
};

/** A logged-models/search request (formats §D.7). */
struct LoggedModelQuery
{
    /** Experiments to search; empty means every active experiment. */
    std::vector<std::string> experimentIds;
    std::string filter;
    std::vector<DatasetFilter> datasets;
    std::vector<LoggedModelOrder> orderBy;
    std::optional<std::size_t> maxResults;
};

struct LoggedModelList
{
    std::vector<LoggedModel> models;
    std::vector<Problem> problems; // items skipped while reading
};

struct RegisteredModelList
{
    std::vector<RegisteredModel> models;
    std::vector<Problem> problems; // models skipped while reading
};

struct ModelVersionList
{
    std::vector<ModelVersion> versions;
    std::vector<Problem> problems; // versions skipped while reading
};

/**
 * One tracking store: an mlruns folder, an mlflow.db, or a tracking server.
 *
 * Calls return values or a StoreError and never throw. They may block (I/O), so the GUI calls them
 * from worker threads; implementations are safe to call from several threads at once.
 */
class Store
{
public:
    virtual ~Store() = default;

    /** The canonical URI this store was opened with (file:///…, sqlite:///…, http://…). */
    virtual std::string uri() const = 0;
    virtual StoreKind kind() const = 0;
    virtual Capabilities capabilities() const = 0;
    /**
     * Why a store that could be written is not, when the store knows more than "no permission"
     * (an sqlite schema revision the writes were not tested with, say); empty otherwise.
     */
    virtual std::string readOnlyReason() const { return {}; }

    /** Experiments in MLflow's default order (creation_time DESC, experiment_id ASC). */
    virtual Result<ExperimentList> experiments(ViewType view) = 0;
    virtual Result<Experiment> experiment(const std::string& experimentId) = 0;

    /** Runs matching the query, in the query's order (MLflow's default order when none is given). */
    virtual Result<RunList> searchRuns(const RunQuery& query, TaskControl* control = nullptr) = 0;
    virtual Result<Run> run(const std::string& runId) = 0;

    /** Every logged point of one metric, in the order MLflow's get_metric_history returns them. */
    virtual Result<std::vector<MetricPoint>> metricHistory(const std::string& runId, const std::string& key) = 0;
    /**
     * As metricHistory(), with the dataset or logged model each point was logged on (MLflow 3) where
     * the store keeps them; the others (sqlite) answer the points alone.
     */
    virtual Result<MetricHistory> metricHistoryWithSources(const std::string& runId, const std::string& key);

    /** Direct children of `path` (relative to the run's artifact root; empty = root), sorted by path. */
    virtual Result<std::vector<FileInfo>> listArtifacts(const std::string& runId, const std::string& path = {}) = 0;
    /** The bytes of one artifact file, at most maxBytes of them. */
    virtual Result<std::string> readArtifact(const std::string& runId, const std::string& path, std::int64_t maxBytes)
        = 0;

    /** Logged models (MLflow 3) matching the query, in its order; deleted ones never. */
    virtual Result<LoggedModelList> searchLoggedModels(const LoggedModelQuery& query, TaskControl* control = nullptr);
    /** One logged model by id; RESOURCE_DOES_NOT_EXIST when absent or deleted. */
    virtual Result<LoggedModel> loggedModel(const std::string& modelId);

    /** Registered models, ordered by name; prompts excluded. */
    virtual Result<std::vector<RegisteredModel>> registeredModels() = 0;
    /** Prompts (registered models tagged mlflow.prompt.is_prompt), ordered by name. */
    virtual Result<std::vector<RegisteredModel>> prompts();
    /** Versions of one model or prompt (deleted ones skipped), ordered by version number. */
    virtual Result<std::vector<ModelVersion>> modelVersions(const std::string& modelName) = 0;
    /**
     * As registeredModels() (or prompts()) and modelVersions(), with the items that were skipped
     * because they could not be read, so a caller can say so. Stores that skip nothing answer no problems.
     */
    virtual Result<RegisteredModelList> registeredModelList(bool prompts);
    virtual Result<ModelVersionList> modelVersionList(const std::string& modelName);

    // Writes. A store that can write says so with Capability::WriteRuns / WriteRegistry; the others
    // answer NOT_IMPLEMENTED. Each write is atomic (the store holds the old or the new state, never a
    // mix), has exactly MLflow's effect on the store (MLflow reads the change back; timestamps move as
    // MLflow moves them), and leaves everything else untouched.

    /** Renames a run: run_name and the mlflow.runName tag. The run must be active. */
    virtual Status renameRun(const std::string& runId, const std::string& name);
    /** Sets a run tag (mlflow.runName also renames). The run must be active. */
    virtual Status setRunTag(const std::string& runId, const std::string& key, const std::string& value);
    /** Deletes a run tag; RESOURCE_DOES_NOT_EXIST when it is absent. The run must be active. */
    virtual Status deleteRunTag(const std::string& runId, const std::string& key);
    /** Soft-deletes a run (lifecycle_stage deleted, deleted_time now). */
    virtual Status deleteRun(const std::string& runId);
    /** Restores a soft-deleted run. */
    virtual Status restoreRun(const std::string& runId);

    /**
     * Moves a version to a stage (None, Staging, Production, Archived; case-insensitive input).
     * archiveExisting is only valid for Staging and Production: it archives the model's other versions
     * in that stage. Returns the updated version.
     */
    virtual Result<ModelVersion> transitionModelVersionStage(
        const std::string& model, std::int64_t version, const std::string& stage, bool archiveExisting);
    /** Points an alias at a version (moving it if it pointed elsewhere). */
    virtual Status setModelAlias(const std::string& model, const std::string& alias, std::int64_t version);
    /** Removes an alias; no error when it is absent, but the model must exist. */
    virtual Status deleteModelAlias(const std::string& model, const std::string& alias);
    virtual Status setRegisteredModelTag(const std::string& model, const std::string& key, const std::string& value);
    virtual Status deleteRegisteredModelTag(const std::string& model, const std::string& key);
    virtual Status setModelVersionTag(
        const std::string& model, std::int64_t version, const std::string& key, const std::string& value);
    virtual Status deleteModelVersionTag(const std::string& model, std::int64_t version, const std::string& key);
    virtual Status updateRegisteredModelDescription(const std::string& model, const std::string& description);
    virtual Status updateModelVersionDescription(
        const std::string& model, std::int64_t version, const std::string& description);
};

} // namespace runlens
