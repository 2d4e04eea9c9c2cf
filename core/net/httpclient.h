// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "net/restconnection.h"
#include "result.h"
#include "taskcontrol.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <QByteArray>
#include <QObject>
#include <QString>

namespace runlens {

/** One HTTP request to a tracking server, relative to its base URL. */
struct HttpRequest
{
    std::string method = "GET"; // GET, POST, PATCH, PUT or DELETE
    /** Path after the base URL, starting with '/'; characters outside [A-Za-z0-9/._~-] are encoded. */
    std::string path;
    /** Query items in order; repeated keys are repeated fields (run_ids=a&run_ids=b). */
    std::vector<std::pair<std::string, std::string>> query;
    /** Sent with Content-Type: application/json when set (also for DELETE, which MLflow reads). */
    std::optional<std::string> jsonBody;
    /** Reads may be retried after a 408/500/502/504 or a dropped connection; writes only after 429/503. */
    bool idempotent = true;
    /** Whether a 500 is worth retrying; false where it is the server's settled answer (get-artifact). */
    bool retryInternalError = true;
    /** Largest body accepted; -1 means the connection's maxReplyBytes. */
    std::int64_t maxBytes = -1;
    /** With maxBytes: a successful reply is cut at maxBytes (and the transfer stopped) instead of refused. */
    bool truncateAtMax = false;

    /** "POST /api/2.0/mlflow/runs/search", for messages. */
    std::string describe() const;
};

struct HttpResponse
{
    int status = 0;
    QByteArray body;
    std::string contentType;
    /** The body was cut at the request's maxBytes. */
    bool truncated = false;
    /**
     * Set when the client stopped retrying before maxRetries because of the retry budget: why, as a
     * clause to append to any error made from this response ("; the server asked to wait ...").
     */
    std::string retryNote;
};

/**
 * Announces each wait before a retry, so that a person sees why nothing happens ("Server busy —
 * retrying in 12 s"). Its signals come from the client's network thread: connect with a receiver
 * (queued) and the connection ends safely with either side.
 */
class RetryNotifier : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

Q_SIGNALS:
    /** `what` is "GET /api/2.0/mlflow/runs/get"; `status` the HTTP status, 0 for a dropped connection. */
    void waiting(const QString& what, int status, qint64 waitMs);
};

/**
 * Sends HTTP requests to one server: authentication, TLS settings, timeouts, retries with backoff,
 * a bound on requests in flight, a bound on reply size, a deadline per attempt, a budget for the
 * total wait across retries, and cancellation.
 *
 * All transfers run on one QThread owned by the client, with one QNetworkAccessManager. That keeps
 * connections (and TLS sessions) alive across calls and pages, lets the manager queue requests per
 * host, and leaves the calling threads free of event loops: send() posts the request to that thread
 * and blocks until it is answered, so it is safe from any thread (except the client's own).
 *
 * send() returns any HTTP status the server answered with (after retries); transport problems
 * (unreachable, TLS, timeout, dropped connection, oversized reply) and cancellation are errors.
 */
class HttpClient
{
public:
    /** Fails when the TLS files of the connection cannot be read. `connection` must be normalized. */
    static Result<std::unique_ptr<HttpClient>> create(const RestConnection& connection);
    ~HttpClient();

    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    const RestConnection& connection() const;
    Result<HttpResponse> send(const HttpRequest& request, TaskControl* control = nullptr);

    /** The full URL a request goes to (without credentials). */
    std::string urlFor(const HttpRequest& request) const;

    /** Signals each wait before a retry; lives as long as the client. */
    RetryNotifier* retryNotifier() const;

    struct Impl;

private:
    explicit HttpClient(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace runlens
