// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "restconnection.h"
#include "store.h"

#include <memory>
#include <string>

namespace runlens {

class HttpClient;

/**
 * A remote MLflow tracking server read through its REST API (formats §C).
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
    Result<std::vector<FileInfo>> listArtifacts(const std::string& runId, const std::string& path = {}) override;
    Result<std::string> readArtifact(const std::string& runId, const std::string& path, std::int64_t maxBytes) override;
    Result<std::vector<RegisteredModel>> registeredModels() override;
    Result<std::vector<ModelVersion>> modelVersions(const std::string& modelName) override;

    /** As experiments(), with progress and cancellation. */
    Result<ExperimentList> experiments(ViewType view, TaskControl* control);
    /** As metricHistory(), with cancellation. */
    Result<std::vector<MetricPoint>> metricHistory(
        const std::string& runId, const std::string& key, TaskControl* control);

    struct Impl;

private:
    explicit RestStore(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace runlens
