// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "result.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace runlens {

/**
 * How to reach one MLflow tracking server (formats §C.1): where it is, how to authenticate, how to
 * check its certificate, and how patient to be. Plain values, so the GUI can fill it from its own
 * dialog and keychain; fromEnvironment() fills it the way MLflow's Python client does.
 */
struct RestConnection
{
    /** http(s)://host[:port][/prefix], no query, no trailing slash; the API lives under it. */
    std::string baseUrl;
    /**
     * The server's --static-prefix (e.g. "/mlflow"), which MLflow puts before /version and
     * /get-artifact but not before /api. Empty for a server started without one.
     */
    std::string staticPrefix;

    // Authentication: user + password give Basic; else a token gives Bearer; else none.
    std::string username;
    std::string password;
    std::string token;

    // TLS: verification is on unless insecureTls; caCertPath replaces the system CAs (as requests'
    // verify=<bundle> does); clientCertPath is a PEM holding the client certificate and its key.
    bool insecureTls = false;
    std::string caCertPath;
    std::string clientCertPath;

    /** Inactivity limit per request (MLFLOW_HTTP_REQUEST_TIMEOUT, seconds there). */
    int timeoutMs = 120'000;
    /**
     * Longest one attempt of a request may take from sending to its last byte. The inactivity limit
     * alone lets a reply that trickles in a byte at a time run for ever.
     */
    int requestDeadlineMs = 300'000;
    /** Retries of a request that got 429/503 (or 408/500/502/504 on a read). */
    int maxRetries = 7;
    /** Backoff before retry n (1-based): backoffFactorMs * 2^(n-1) plus up to backoffJitterMs. */
    int backoffFactorMs = 2'000;
    int backoffJitterMs = 1'000;
    int maxBackoffMs = 120'000;
    /**
     * Longest total wait across the retries of one request. A server that asks (Retry-After) to wait
     * longer than what is left of it is not waited for: the request fails at once and says so.
     */
    int retryBudgetMs = 60'000;
    /** Requests in flight at once; more wait their turn. */
    int maxConcurrentRequests = 6;
    /** A reply larger than this is refused, so a broken server cannot exhaust memory. */
    std::int64_t maxReplyBytes = 256LL * 1024 * 1024;
    /** Pages one listing may take; a server handing out a new page token on every page stops here. */
    int maxPagesPerRead = 10'000;

    // Page sizes (max_results) of the paged endpoints; 0 leaves the server's default.
    int experimentsPageSize = 1000; // server limit 50000
    int runsPageSize = 1000; // server limit 50000
    int metricHistoryPageSize = 25'000; // always sent: some servers return nothing without it
    int registeredModelsPageSize = 1000; // server limit 1000
    int modelVersionsPageSize = 0; // server default 200000 is also its limit
    int loggedModelsPageSize = 1000; // server default 50; 3.x sets no limit

    /** The base URL without any credentials, for messages and Store::uri(). */
    std::string displayUrl() const;

    /**
     * Checks the settings and normalizes baseUrl (user:password@ in the URL become credentials
     * unless some are set already; trailing slashes are dropped). INVALID_PARAMETER_VALUE says what
     * is wrong.
     */
    Status normalize();

    /**
     * A connection to `url` configured as MLflow's client configures it: MLFLOW_TRACKING_USERNAME
     * and MLFLOW_TRACKING_PASSWORD (else the [mlflow] section of `credentialsFile`, by default
     * ~/.mlflow/credentials), MLFLOW_TRACKING_TOKEN, MLFLOW_TRACKING_INSECURE_TLS,
     * MLFLOW_TRACKING_SERVER_CERT_PATH, MLFLOW_TRACKING_CLIENT_CERT_PATH,
     * MLFLOW_HTTP_REQUEST_TIMEOUT, MLFLOW_HTTP_REQUEST_MAX_RETRIES,
     * MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR and MLFLOW_HTTP_REQUEST_BACKOFF_JITTER.
     */
    static Result<RestConnection> fromEnvironment(
        std::string_view url, const std::filesystem::path& credentialsFile = {});
};

} // namespace runlens
