// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "store.h"

#include <filesystem>
#include <memory>

namespace runlens {

/**
 * MLflow's file store: a local mlruns/ folder (formats §A), read exactly as MLflow reads it.
 * Damaged items are skipped and reported as Problems; they never stop a load.
 *
 * - Nothing is cached: every call reads the folder as it is now, so runs being written show up.
 * - searchRuns() with no experiment ids scans the active experiments, plus those in .trash unless the
 *   view is ActiveOnly; runs are then picked by their own lifecycle stage. Named experiments need
 *   only their folder, as in MLflow. Runs are read on all cores; the order never depends on timing.
 * - A metric file with a bad line is left out of its run whole (MLflow fails on it) and reported
 *   with its line number; the rest of the run still loads. metricHistory() of it is an error.
 * - Artifacts come from the run's artifact_uri when that is a local folder that exists here, else
 *   from the artifacts folder next to the run (stores copied from another machine).
 */
class MlrunsStore final : public Store
{
public:
    /** Opens the mlruns root; fails only when the folder itself cannot be read. */
    static Result<std::unique_ptr<MlrunsStore>> open(const std::filesystem::path& root);
    ~MlrunsStore() override;

    const std::filesystem::path& root() const;

    std::string uri() const override;
    StoreKind kind() const override { return StoreKind::File; }
    Capabilities capabilities() const override;

    Result<ExperimentList> experiments(ViewType view) override;
    Result<Experiment> experiment(const std::string& experimentId) override;
    Result<RunList> searchRuns(const RunQuery& query, TaskControl* control = nullptr) override;
    Result<Run> run(const std::string& runId) override;
    Result<std::vector<MetricPoint>> metricHistory(const std::string& runId, const std::string& key) override;
    /** Five-field lines ("ts value step dataset digest") give their points a dataset source. */
    Result<MetricHistory> metricHistoryWithSources(const std::string& runId, const std::string& key) override;
    Result<std::vector<FileInfo>> listArtifacts(const std::string& runId, const std::string& path = {}) override;
    Result<std::string> readArtifact(const std::string& runId, const std::string& path, std::int64_t maxBytes) override;
    Result<LoggedModelList> searchLoggedModels(const LoggedModelQuery& query, TaskControl* control = nullptr) override;
    Result<LoggedModel> loggedModel(const std::string& modelId) override;
    Result<std::vector<RegisteredModel>> registeredModels() override;
    Result<std::vector<RegisteredModel>> prompts() override;
    Result<std::vector<ModelVersion>> modelVersions(const std::string& modelName) override;
    Result<RegisteredModelList> registeredModelList(bool prompts) override;
    Result<ModelVersionList> modelVersionList(const std::string& modelName) override;

    // Writes (formats §A.8, §A.13): each file is replaced through a synced temp file and a rename, with
    // MLflow's own effects and validation; meta.yaml keys this code does not know are kept. A write that
    // touches two files (rename: tag, then meta.yaml; registry: version, then model timestamp) does
    // them in MLflow's order, each one atomic. Writes from one store object are serialised.
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
    explicit MlrunsStore(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace runlens
