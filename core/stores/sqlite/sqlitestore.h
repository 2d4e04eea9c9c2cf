// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "store.h"

#include <filesystem>
#include <memory>
#include <string>

namespace runlens {

/**
 * MLflow's SQL store on SQLite (an mlflow.db, formats §B), read exactly as MLflow reads it.
 *
 * The connection lives on its own thread; every call is queued there and waited for, so the store
 * is safe to call from any thread. It is opened read-only by default, so a training process may
 * keep writing; each call reads one consistent snapshot. The schema is introspected once, so
 * databases from MLflow 1.x to 3.x are read without looking at alembic_version. searchRuns() reads
 * each part of the runs with one set-based query and reports progress in six steps (runs, params,
 * tags, metrics, inputs, done); a TaskControl's cancel() interrupts the running query.
 *
 * Artifacts are read from the local disk. A run's artifact root is its recorded artifact_uri when
 * that is an existing local folder. Otherwise the store relocates it next to the database, because
 * stores are copied between machines (and MLflow's own default puts artifacts in ./mlruns beside
 * mlflow.db): with D the folder of the database, R the run id and E its experiment id, the first
 * existing folder of
 *   1. D/<tail> for every tail of the recorded path that still contains the R component, longest
 *      first (/home/a/proj/dbproj/mlruns/1/R/artifacts tries D/home/a/proj/dbproj/mlruns/1/R/artifacts,
 *      D/a/proj/..., D/proj/dbproj/..., D/dbproj/mlruns/1/R/artifacts, D/mlruns/1/R/artifacts,
 *      D/1/R/artifacts, D/R/artifacts); for mlflow-artifacts:/<path> URIs the tails are tried under
 *      D/mlartifacts, where `mlflow server` keeps proxied artifacts;
 *   2. D/mlruns/E/R/artifacts, MLflow's default for a local client.
 * When none exists the run has no readable artifacts: a local URI lists as empty (as MLflow lists a
 * missing folder), any other URI (s3:, gs:, a server) gives NOT_IMPLEMENTED.
 *
 * Writes (formats §B.5) are offered only when the store was opened with readOnly = false, the
 * database file and its folder are writable (SQLite puts its journal or WAL there), and the schema is
 * a revision the writes were checked against (writeBlocker() says why not otherwise). Each write is
 * one BEGIN IMMEDIATE transaction on the same connection; a lock held by another process is waited
 * for up to the busy timeout, then the write fails with TEMPORARILY_UNAVAILABLE and changes nothing.
 */
class SqliteStore final : public Store
{
public:
    /**
     * Opens and checks the database; fails when it is missing, not SQLite, or not an MLflow store.
     * With readOnly = false the store writes when it can and otherwise opens read-only, saying why.
     */
    static Result<std::unique_ptr<SqliteStore>> open(const std::filesystem::path& dbFile, bool readOnly = true);
    ~SqliteStore() override;

    const std::filesystem::path& dbFile() const;
    /** True when the file had to be opened as immutable (a WAL database in a read-only folder). */
    bool isImmutable() const;
    /** The statement metricHistory() runs, with its index choice (for diagnostics and plan checks). */
    const std::string& metricHistorySql() const;
    /** The local folder holding a run's artifacts, by the relocation rule above. */
    Result<std::filesystem::path> artifactRoot(const std::string& runId);

    /** Why writes are off (read-only request, permissions, untested schema); empty when they are on. */
    const std::string& writeBlocker() const;
    std::string readOnlyReason() const override { return writeBlocker(); }
    /** How long a write waits for another process's lock (20 s, as MLflow; tests shorten it). */
    void setBusyTimeout(int milliseconds);

    std::string uri() const override;
    StoreKind kind() const override { return StoreKind::Sqlite; }
    Capabilities capabilities() const override;

    Result<ExperimentList> experiments(ViewType view) override;
    Result<Experiment> experiment(const std::string& experimentId) override;
    Result<RunList> searchRuns(const RunQuery& query, TaskControl* control = nullptr) override;
    Result<Run> run(const std::string& runId) override;
    Result<std::vector<MetricPoint>> metricHistory(const std::string& runId, const std::string& key) override;
    Result<std::vector<FileInfo>> listArtifacts(const std::string& runId, const std::string& path = {}) override;
    Result<std::string> readArtifact(const std::string& runId, const std::string& path, std::int64_t maxBytes) override;
    Result<LoggedModelList> searchLoggedModels(const LoggedModelQuery& query, TaskControl* control = nullptr) override;
    Result<LoggedModel> loggedModel(const std::string& modelId) override;
    Result<std::vector<RegisteredModel>> registeredModels() override;
    Result<std::vector<RegisteredModel>> prompts() override;
    Result<std::vector<ModelVersion>> modelVersions(const std::string& modelName) override;

    Status renameRun(const std::string& runId, const std::string& name) override;
    Status setRunTag(const std::string& runId, const std::string& key, const std::string& value) override;
    Status deleteRunTag(const std::string& runId, const std::string& key) override;
    Status deleteRun(const std::string& runId) override;
    Status restoreRun(const std::string& runId) override;
    Result<ModelVersion> transitionModelVersionStage(
        const std::string& model, std::int64_t version, const std::string& stage, bool archiveExisting) override;
    Status setModelAlias(const std::string& model, const std::string& alias, std::int64_t version) override;
    Status deleteModelAlias(const std::string& model, const std::string& alias) override;
    Status setRegisteredModelTag(const std::string& model, const std::string& key, const std::string& value) override;
    Status deleteRegisteredModelTag(const std::string& model, const std::string& key) override;
    Status setModelVersionTag(
        const std::string& model, std::int64_t version, const std::string& key, const std::string& value) override;
    Status deleteModelVersionTag(const std::string& model, std::int64_t version, const std::string& key) override;
    Status updateRegisteredModelDescription(const std::string& model, const std::string& description) override;
    Status updateModelVersionDescription(
        const std::string& model, std::int64_t version, const std::string& description) override;

    struct Impl;

private:
    explicit SqliteStore(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace runlens
