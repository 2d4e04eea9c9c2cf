// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "net/restconnection.h"
#include "store.h"

#include <memory>
#include <string>

namespace runlens {

class HttpClient;
class RetryNotifier;

/**
 * A remote MLflow tracking server read and written through its REST API (formats §C).
 *
 * The server filters, orders and pages runs itself; this store walks every page (following
 * next_page_token, guarding against tokens that never advance) and turns the JSON into entities.
 * Items that cannot be read become Problems where the interface has room for them (experiments,
 * runs) and errors elsewhere. Every call is synchronous and safe from any thread; transfers run on
 * the HttpClient's own thread. Cancelling a TaskControl aborts the request in flight.
 */
class RestStore final : public Store
{
public:
    /**
     * Checks that an MLflow server answers at the connection's URL (GET /version, else a one-item
     * experiments/search for servers before 2.1) and opens it. Unreachable hosts, TLS failures,
     * rejected credentials and non-MLflow servers give a clear error.
     */
    static Result<std::unique_ptr<RestStore>> open(RestConnection connection, TaskControl* control = nullptr);
    ~RestStore() override;

    const RestConnection& connection() const;
    /** Announces the waits before retries of reads (writes are never retried), for a countdown. */
    RetryNotifier* retryNotifier() const;
    /** What GET /version answered (e.g. "2.22.1"); empty for servers that have no /version. */
    const std::string& serverVersion() const;

    std::string uri() const override;
    StoreKind kind() const override { return StoreKind::Rest; }
    Capabilities capabilities() const override;

    Result<ExperimentList> experiments(ViewType view) override;
    Result<Experiment> experiment(const std::string& experimentId) override;
    Result<RunList> searchRuns(const RunQuery& query, TaskControl* control = nullptr) override;
    Result<Run> run(const std::string& runId) override;
    Result<std::vector<MetricPoint>> metricHistory(const std::string& runId, const std::string& key) override;
    Result<MetricHistory> metricHistoryWithSources(const std::string& runId, const std::string& key) override;
    Result<std::vector<FileInfo>> listArtifacts(const std::string& runId, const std::string& path = {}) override;
    Result<std::string> readArtifact(const std::string& runId, const std::string& path, std::int64_t maxBytes) override;
    Result<LoggedModelList> searchLoggedModels(const LoggedModelQuery& query, TaskControl* control = nullptr) override;
    Result<LoggedModel> loggedModel(const std::string& modelId) override;
    Result<std::vector<RegisteredModel>> registeredModels() override;
    Result<std::vector<RegisteredModel>> prompts() override;
    Result<std::vector<ModelVersion>> modelVersions(const std::string& modelName) override;

    // Writes (formats §C.2): each is one request the server applies atomically (renameRun reads the
    // run first, as MLflow's client does). The server checks names, stages, aliases and permissions
    // and its error code and message come back unchanged; a 403 is PERMISSION_DENIED. A write is
    // never sent twice by itself: after a timeout the error says the change may have been made.
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

    /** As experiments(), with progress and cancellation. */
    Result<ExperimentList> experiments(ViewType view, TaskControl* control);
    /** As metricHistory(), with cancellation. */
    Result<std::vector<MetricPoint>> metricHistory(
        const std::string& runId, const std::string& key, TaskControl* control);
    /** As metricHistoryWithSources(), with cancellation. */
    Result<MetricHistory> metricHistoryWithSources(
        const std::string& runId, const std::string& key, TaskControl* control);

    struct Impl;

private:
    explicit RestStore(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace runlens
