// SPDX-License-Identifier: Apache-2.0
#include "net/httpclient.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <future>
#include <random>
#include <vector>

#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QLocale>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslError>
#include <QSslKey>
#include <QSslSocket>
#include <QThread>
#include <QTimer>
#include <QUrl>

namespace runlens {

namespace {

// How often in-flight requests look at their TaskControl; cancellation is a flag, not a signal.
constexpr int kCancelPollMs = 50;

struct Call
{
    HttpRequest request;
    TaskControl* control = nullptr;
    std::promise<Result<HttpResponse>> promise;
    bool done = false;
    int attempt = 0;

    // State of the current attempt.
    QPointer<QNetworkReply> reply;
    QByteArray data;
    std::int64_t limit = 0;
    bool cancelled = false;
    bool tooLarge = false;
    bool cut = false;
    bool pastDeadline = false;
    std::int64_t announcedLength = -1;
    QList<QSslError> sslErrors;
    QTimer* retryTimer = nullptr;
    QTimer* deadlineTimer = nullptr;
    std::int64_t waitedMs = 0; // across all retries, against the retry budget
    std::string retryNote; // why retrying stopped early, for the final error
};

std::string where(const HttpClient::Impl& impl, const HttpRequest& request);

std::string seconds(std::int64_t ms)
{
    return QString::number(static_cast<double>(ms) / 1000.0, 'g', 6).toStdString() + " s";
}

bool isSuccess(int status)
{
    return status >= 200 && status < 300;
}

bool retryableStatus(int status, const HttpRequest& request)
{
    if (status == 429 || status == 503)
        return true;
    if (status == 500)
        return request.idempotent && request.retryInternalError;
    return request.idempotent && (status == 408 || status == 502 || status == 504);
}

// Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3).
std::optional<std::int64_t> retryAfterMs(const QNetworkReply& reply)
{
    const QByteArray value = reply.rawHeader("Retry-After").trimmed();
    if (value.isEmpty())
        return std::nullopt;
    bool ok = false;
    const qlonglong seconds = value.toLongLong(&ok);
    if (ok)
        return std::max<std::int64_t>(0, seconds) * 1000;
    QDateTime when
        = QLocale::c().toDateTime(QString::fromLatin1(value), QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"));
    if (!when.isValid())
        return std::nullopt;
    when.setTimeSpec(Qt::UTC);
    return std::max<std::int64_t>(0, QDateTime::currentDateTimeUtc().msecsTo(when));
}

QByteArray encodePath(const std::string& path)
{
    return QByteArray::fromStdString(path).toPercentEncoding("/");
}

QByteArray encodeQuery(const std::vector<std::pair<std::string, std::string>>& items)
{
    QByteArray out;
    for (const auto& [key, value] : items) {
        if (!out.isEmpty())
            out += '&';
        // '+' must be encoded too: MLflow's server (werkzeug) reads a literal '+' as a space.
        out += QByteArray::fromStdString(key).toPercentEncoding();
        out += '=';
        out += QByteArray::fromStdString(value).toPercentEncoding();
    }
    return out;
}

QString sslErrorText(const QList<QSslError>& errors)
{
    QStringList texts;
    for (const auto& e : errors) {
        if (!texts.contains(e.errorString()))
            texts << e.errorString();
    }
    return texts.join(QStringLiteral("; "));
}

} // namespace

std::string HttpRequest::describe() const
{
    return method + " " + path;
}

struct HttpClient::Impl
{
    RestConnection connection;
    QSslConfiguration ssl;
    QByteArray authorization;
    QByteArray userAgent = QByteArrayLiteral("runlens/" RUNLENS_VERSION);

    RetryNotifier notifier;
    QThread thread;
    QObject* context = nullptr; // lives in `thread`; parent of everything created there
    QNetworkAccessManager* manager = nullptr;
    QTimer* cancelPoll = nullptr;
    std::deque<std::shared_ptr<Call>> waiting;
    std::vector<std::shared_ptr<Call>> live; // waiting, in flight or backing off
    int active = 0;
    bool shuttingDown = false;
    std::mt19937 random {std::random_device {}()};

    QUrl urlFor(const HttpRequest& request) const
    {
        QByteArray encoded = QByteArray::fromStdString(connection.baseUrl) + encodePath(request.path);
        if (!request.query.empty())
            encoded += '?' + encodeQuery(request.query);
        return QUrl::fromEncoded(encoded, QUrl::StrictMode);
    }

    // --- everything below runs on `thread` -----------------------------------------------------

    void enqueue(const std::shared_ptr<Call>& call)
    {
        if (!manager) {
            manager = new QNetworkAccessManager(context);
            // Credentials must not follow a redirect to another origin.
            manager->setRedirectPolicy(QNetworkRequest::SameOriginRedirectPolicy);
            cancelPoll = new QTimer(context);
            cancelPoll->setInterval(kCancelPollMs);
            QObject::connect(cancelPoll, &QTimer::timeout, context, [this] { pollCancellation(); });
        }
        live.push_back(call);
        waiting.push_back(call);
        if (call->control && !cancelPoll->isActive())
            cancelPoll->start();
        pump();
    }

    void pump()
    {
        while (!shuttingDown && active < connection.maxConcurrentRequests && !waiting.empty()) {
            auto call = waiting.front();
            waiting.pop_front();
            if (isCancelled(call->control)) {
                finish(call, cancelledError(*call));
                continue;
            }
            start(call);
        }
    }

    StoreError cancelledError(const Call& call) const
    {
        return StoreError {ErrorCode::Cancelled, "cancelled: " + where(*this, call.request)};
    }

    void start(const std::shared_ptr<Call>& call)
    {
        ++active;
        ++call->attempt;
        call->data.clear();
        call->tooLarge = false;
        call->cut = false;
        call->pastDeadline = false;
        call->announcedLength = -1;
        call->sslErrors.clear();
        call->limit = call->request.maxBytes >= 0 ? call->request.maxBytes : connection.maxReplyBytes;

        QNetworkRequest request(urlFor(call->request));
        request.setTransferTimeout(connection.timeoutMs);
        request.setRawHeader("User-Agent", userAgent);
        request.setRawHeader("Accept", "application/json, */*");
        if (!authorization.isEmpty())
            request.setRawHeader("Authorization", authorization);
        if (request.url().scheme() == QLatin1String("https"))
            request.setSslConfiguration(ssl);
        QByteArray body;
        if (call->request.jsonBody) {
            request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
            body = QByteArray::fromStdString(*call->request.jsonBody);
        }
        const QByteArray verb = QByteArray::fromStdString(call->request.method);
        QNetworkReply* reply = nullptr;
        if (verb == "GET" && !call->request.jsonBody)
            reply = manager->get(request);
        else if (verb == "POST")
            reply = manager->post(request, body);
        else
            reply = manager->sendCustomRequest(request, verb, body); // DELETE with a body needs this
        call->reply = reply;

        // The transfer timeout only notices silence; this ends a reply that keeps trickling.
        call->deadlineTimer = new QTimer(context);
        call->deadlineTimer->setSingleShot(true);
        QObject::connect(call->deadlineTimer, &QTimer::timeout, context, [call] {
            call->pastDeadline = true;
            if (call->reply)
                call->reply->abort();
        });
        call->deadlineTimer->start(connection.requestDeadlineMs);

        QObject::connect(reply, &QNetworkReply::metaDataChanged, context, [this, call] { onMetaData(call); });
        QObject::connect(reply, &QIODevice::readyRead, context, [this, call] { onReadyRead(call); });
        QObject::connect(reply, &QNetworkReply::sslErrors, context,
            [call](const QList<QSslError>& errors) { call->sslErrors += errors; });
        QObject::connect(reply, &QNetworkReply::finished, context, [this, call] { onFinished(call); });
    }

    std::int64_t limitFor(const Call& call, int status) const
    {
        // The caller's cut-off only applies to the content it asked for, not to error pages.
        return isSuccess(status) || !call.request.truncateAtMax ? call.limit : connection.maxReplyBytes;
    }

    void onMetaData(const std::shared_ptr<Call>& call)
    {
        QNetworkReply* reply = call->reply;
        if (!reply)
            return;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        bool ok = false;
        const qlonglong length = reply->header(QNetworkRequest::ContentLengthHeader).toLongLong(&ok);
        call->announcedLength = ok ? length : -1;
        const bool cutting = call->request.truncateAtMax && isSuccess(status);
        if (ok && !cutting && length > limitFor(*call, status)) {
            // Refuse before reading a byte of it.
            call->tooLarge = true;
            reply->abort();
        } else if (ok && length > 0) {
            // One allocation of the announced size instead of a doubling buffer (up to twice that).
            call->data.reserve(static_cast<qsizetype>(std::min<std::int64_t>(length, limitFor(*call, status))));
        }
    }

    // Appends without letting the buffer's capacity grow past the limit: QByteArray doubles it.
    static void append(Call& call, const QByteArray& bytes, std::int64_t limit)
    {
        const std::int64_t needed = call.data.size() + bytes.size();
        if (needed > call.data.capacity()) {
            const std::int64_t doubled = std::max<std::int64_t>(needed, 2 * call.data.capacity());
            call.data.reserve(static_cast<qsizetype>(std::min(std::max(needed, limit), doubled)));
        }
        call.data.append(bytes);
    }

    static void refuseTooLarge(Call& call, QNetworkReply& reply)
    {
        call.tooLarge = true;
        call.data = QByteArray(); // nothing of it is used: free it now
        reply.abort();
    }

    void onReadyRead(const std::shared_ptr<Call>& call)
    {
        QNetworkReply* reply = call->reply;
        if (!reply || call->done)
            return;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const std::int64_t limit = limitFor(*call, status);
        const bool cutting = call->request.truncateAtMax && isSuccess(status);
        const std::int64_t room = limit - call->data.size();
        const qint64 available = reply->bytesAvailable();
        if (available <= room) {
            append(*call, reply->readAll(), limit);
            if (cutting && call->data.size() == limit && limit < call->announcedLength) {
                call->cut = true;
                reply->abort();
            }
            return;
        }
        if (!cutting) {
            refuseTooLarge(*call, *reply);
            return;
        }
        append(*call, reply->read(room), limit);
        call->cut = true;
        reply->abort();
    }

    void onFinished(const std::shared_ptr<Call>& call)
    {
        QNetworkReply* reply = call->reply;
        if (!reply)
            return;
        call->reply = nullptr;
        reply->deleteLater();
        if (call->deadlineTimer) {
            call->deadlineTimer->stop();
            call->deadlineTimer->deleteLater();
            call->deadlineTimer = nullptr;
        }
        --active;
        if (!call->done) {
            if (!call->tooLarge && !call->cut && !call->cancelled && reply->bytesAvailable() > 0)
                onReadyReadFrom(*call, *reply);
            evaluate(call, *reply);
        }
        pump();
    }

    // Reads what is left after the last readyRead (finished can arrive with data still buffered).
    void onReadyReadFrom(Call& call, QNetworkReply& reply)
    {
        const int status = reply.attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const std::int64_t limit = limitFor(call, status);
        const bool cutting = call.request.truncateAtMax && isSuccess(status);
        const std::int64_t room = limit - call.data.size();
        if (reply.bytesAvailable() <= room) {
            append(call, reply.readAll(), limit);
        } else if (cutting) {
            append(call, reply.read(room), limit);
            call.cut = true;
        } else {
            call.tooLarge = true;
            call.data = QByteArray();
        }
    }

    void evaluate(const std::shared_ptr<Call>& call, QNetworkReply& reply)
    {
        const std::string what = where(*this, call->request);
        if (call->cancelled) {
            finish(call, cancelledError(*call));
            return;
        }
        const QVariant statusAttr = reply.attribute(QNetworkRequest::HttpStatusCodeAttribute);
        const int status = statusAttr.isValid() ? statusAttr.toInt() : 0;
        if (call->tooLarge) {
            std::string message = "the reply to " + what + " is larger than the limit of "
                + std::to_string(limitFor(*call, status)) + " bytes";
            if (call->announcedLength >= 0)
                message += " (it announced " + std::to_string(call->announcedLength) + " bytes)";
            finish(call, StoreError {ErrorCode::InternalError, message + "; the transfer was stopped"});
            return;
        }
        if (call->pastDeadline) {
            // Not retried: a server this slow would only be as slow again.
            finish(call,
                StoreError {ErrorCode::NetworkError,
                    "the reply to " + what + " did not finish within " + seconds(connection.requestDeadlineMs)
                        + " (the request deadline); " + std::to_string(call->data.size())
                        + " bytes arrived: the server sends too slowly or never ends its reply"});
            return;
        }
        const QNetworkReply::NetworkError error = reply.error();
        if (error == QNetworkReply::TooManyRedirectsError || error == QNetworkReply::InsecureRedirectError) {
            const std::string to = reply.url().toString(QUrl::RemoveUserInfo).toStdString();
            finish(call,
                StoreError {ErrorCode::NetworkError,
                    error == QNetworkReply::TooManyRedirectsError
                        ? "the server redirected " + what + " too many times (a redirect loop, last to " + to
                            + "); check the server URL and its proxy"
                        : "the server redirected " + what + " to another origin (" + to
                            + "), which is not followed so that credentials stay with " + connection.displayUrl()
                            + "; use the URL it redirects to"});
            return;
        }
        if (call->cut) {
            HttpResponse response;
            response.status = status;
            response.body = std::move(call->data);
            response.contentType = reply.header(QNetworkRequest::ContentTypeHeader).toString().toStdString();
            response.truncated = true;
            finish(call, std::move(response));
            return;
        }

        const bool encoded = !reply.rawHeader("Content-Encoding").isEmpty();
        const bool shortBody = !encoded && call->announcedLength >= 0 && call->data.size() < call->announcedLength;
        const bool transportError = error != QNetworkReply::NoError
            && (status == 0 || shortBody || error == QNetworkReply::RemoteHostClosedError
                || error == QNetworkReply::TimeoutError || error == QNetworkReply::OperationCanceledError);
        if (transportError || shortBody) {
            const bool dropped = error == QNetworkReply::RemoteHostClosedError || shortBody;
            if (dropped && call->request.idempotent && call->attempt <= connection.maxRetries
                && scheduleRetry(call, std::nullopt, status))
                return;
            finish(call,
                StoreError {
                    ErrorCode::NetworkError, transportMessage(*call, reply, status, shortBody) + call->retryNote});
            return;
        }

        if (retryableStatus(status, call->request) && call->attempt <= connection.maxRetries
            && scheduleRetry(call, retryAfterMs(reply), status))
            return;
        HttpResponse response;
        response.status = status;
        response.body = std::move(call->data);
        response.contentType = reply.header(QNetworkRequest::ContentTypeHeader).toString().toStdString();
        response.retryNote = call->retryNote;
        finish(call, std::move(response));
    }

    std::string transportMessage(const Call& call, const QNetworkReply& reply, int status, bool shortBody) const
    {
        const std::string what = where(*this, call.request);
        const QUrl url = reply.url();
        const std::string host
            = url.host().toStdString() + (url.port() >= 0 ? ":" + std::to_string(url.port()) : std::string());
        const std::string attempts
            = call.attempt > 1 ? " (after " + std::to_string(call.attempt) + " attempts)" : std::string();
        switch (reply.error()) {
        case QNetworkReply::SslHandshakeFailedError: {
            const QString reason = call.sslErrors.isEmpty() ? reply.errorString() : sslErrorText(call.sslErrors);
            return "TLS handshake with " + host + " failed: " + reason.toStdString()
                + " (for a private CA set MLFLOW_TRACKING_SERVER_CERT_PATH to its bundle; "
                  "MLFLOW_TRACKING_INSECURE_TLS=true skips the check)";
        }
        case QNetworkReply::TimeoutError:
        case QNetworkReply::OperationCanceledError:
            return "no reply from " + host + " for " + what + " within "
                + QString::number(connection.timeoutMs / 1000.0, 'g', 6).toStdString()
                + " s (MLFLOW_HTTP_REQUEST_TIMEOUT)" + attempts;
        case QNetworkReply::ConnectionRefusedError:
        case QNetworkReply::HostNotFoundError:
        case QNetworkReply::UnknownNetworkError:
            return "cannot reach the tracking server at " + connection.displayUrl() + ": "
                + reply.errorString().toStdString();
        default:
            break;
        }
        if (shortBody || reply.error() == QNetworkReply::RemoteHostClosedError) {
            return "the connection to " + host + " closed after " + std::to_string(call.data.size())
                + (call.announcedLength >= 0 ? " of " + std::to_string(call.announcedLength) : std::string())
                + " bytes of the reply to " + what + (status ? " (HTTP " + std::to_string(status) + ")" : "")
                + attempts;
        }
        return "request " + what + " failed: " + reply.errorString().toStdString() + attempts;
    }

    // Returns false, with call->retryNote saying why, when the wait would pass the retry budget.
    bool scheduleRetry(const std::shared_ptr<Call>& call, std::optional<std::int64_t> serverDelay, int status)
    {
        const std::int64_t budgetLeft = std::max<std::int64_t>(0, connection.retryBudgetMs - call->waitedMs);
        if (serverDelay && *serverDelay > budgetLeft) {
            // Waiting an hour in the background helps nobody: say what the server asked for instead.
            call->retryNote = "; the server asked to wait " + seconds((*serverDelay + 999) / 1000 * 1000) + " before "
                + call->request.describe() + " is tried again (Retry-After), more than the retry budget of "
                + seconds(connection.retryBudgetMs) + " allows: try again later";
            return false;
        }
        std::int64_t delay = 0;
        if (serverDelay) {
            delay = *serverDelay;
        } else {
            // urllib3's schedule, which MLflow's client uses: no wait before the first retry, then
            // factor * 2^(n-1), plus jitter so that many clients do not retry in lockstep.
            if (call->attempt > 1)
                delay = static_cast<std::int64_t>(connection.backoffFactorMs) << std::min(call->attempt - 1, 20);
            if (connection.backoffJitterMs > 0)
                delay += std::uniform_int_distribution<int>(0, connection.backoffJitterMs)(random);
        }
        delay = std::clamp<std::int64_t>(delay, 0, connection.maxBackoffMs);
        if (delay > budgetLeft) {
            call->retryNote = "; gave up after " + std::to_string(call->attempt) + " attempts, as waiting "
                + seconds(delay) + " more would pass the retry budget of " + seconds(connection.retryBudgetMs);
            return false;
        }
        call->waitedMs += delay;
        Q_EMIT notifier.waiting(QString::fromStdString(call->request.describe()), status, delay);
        call->retryTimer = new QTimer(context);
        call->retryTimer->setSingleShot(true);
        QObject::connect(call->retryTimer, &QTimer::timeout, context, [this, call] {
            call->retryTimer->deleteLater();
            call->retryTimer = nullptr;
            if (call->done)
                return;
            waiting.push_front(call);
            pump();
        });
        call->retryTimer->start(static_cast<int>(delay));
        return true;
    }

    void pollCancellation()
    {
        bool anyControlled = false;
        const auto calls = live; // finishing a call edits `live`
        for (const auto& call : calls) {
            if (call->done || !call->control)
                continue;
            anyControlled = true;
            if (!call->control->cancelled())
                continue;
            cancel(call);
        }
        if (!anyControlled)
            cancelPoll->stop();
    }

    void cancel(const std::shared_ptr<Call>& call)
    {
        call->cancelled = true;
        if (call->reply) {
            call->reply->abort(); // finished() reports the cancellation
            return;
        }
        if (call->retryTimer) {
            call->retryTimer->stop();
            call->retryTimer->deleteLater();
            call->retryTimer = nullptr;
        }
        waiting.erase(std::remove(waiting.begin(), waiting.end(), call), waiting.end());
        finish(call, cancelledError(*call));
    }

    void finish(const std::shared_ptr<Call>& call, Result<HttpResponse> result)
    {
        if (call->done)
            return;
        call->done = true;
        live.erase(std::remove(live.begin(), live.end(), call), live.end());
        call->promise.set_value(std::move(result));
    }

    void shutdown()
    {
        shuttingDown = true;
        const auto calls = live;
        for (const auto& call : calls)
            cancel(call);
        delete manager;
        manager = nullptr;
    }
};

namespace {

std::string where(const HttpClient::Impl& impl, const HttpRequest& request)
{
    return request.method + " " + impl.connection.displayUrl() + request.path;
}

Result<QSslConfiguration> sslConfiguration(const RestConnection& connection)
{
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    if (connection.insecureTls)
        ssl.setPeerVerifyMode(QSslSocket::VerifyNone);
    if (!connection.caCertPath.empty()) {
        QFile file(QString::fromStdString(connection.caCertPath));
        if (!file.open(QIODevice::ReadOnly)) {
            return StoreError {ErrorCode::InvalidParameterValue,
                "cannot read the CA bundle '" + connection.caCertPath
                    + "' (MLFLOW_TRACKING_SERVER_CERT_PATH): " + file.errorString().toStdString()};
        }
        const QByteArray bytes = file.readAll();
        auto certificates = QSslCertificate::fromData(bytes, QSsl::Pem);
        if (certificates.isEmpty())
            certificates = QSslCertificate::fromData(bytes, QSsl::Der);
        if (certificates.isEmpty()) {
            return StoreError {ErrorCode::InvalidParameterValue,
                "'" + connection.caCertPath + "' (MLFLOW_TRACKING_SERVER_CERT_PATH) holds no certificate"};
        }
        ssl.setCaCertificates(certificates);
    }
    if (!connection.clientCertPath.empty()) {
        QFile file(QString::fromStdString(connection.clientCertPath));
        if (!file.open(QIODevice::ReadOnly)) {
            return StoreError {ErrorCode::InvalidParameterValue,
                "cannot read the client certificate '" + connection.clientCertPath
                    + "' (MLFLOW_TRACKING_CLIENT_CERT_PATH): " + file.errorString().toStdString()};
        }
        const QByteArray bytes = file.readAll();
        const auto certificates = QSslCertificate::fromData(bytes, QSsl::Pem);
        QSslKey key;
        for (const auto algorithm : {QSsl::Rsa, QSsl::Ec, QSsl::Dsa}) {
            key = QSslKey(bytes, algorithm, QSsl::Pem);
            if (!key.isNull())
                break;
        }
        if (certificates.isEmpty() || key.isNull()) {
            return StoreError {ErrorCode::InvalidParameterValue,
                "'" + connection.clientCertPath
                    + "' (MLFLOW_TRACKING_CLIENT_CERT_PATH) must hold a PEM certificate and its unencrypted key"};
        }
        ssl.setLocalCertificate(certificates.front());
        ssl.setPrivateKey(key);
    }
    return ssl;
}

} // namespace

Result<std::unique_ptr<HttpClient>> HttpClient::create(const RestConnection& connection)
{
    // The network thread runs a Qt event loop, which Qt refuses to start without an application
    // object: every request would then wait forever. Say so instead of hanging.
    if (!QCoreApplication::instance()) {
        return StoreError {ErrorCode::InternalError,
            "cannot connect to " + connection.displayUrl()
                + ": the program has no QCoreApplication, which Qt's networking needs"};
    }
    auto impl = std::make_unique<Impl>();
    impl->connection = connection;
    const QUrl base(QString::fromStdString(connection.baseUrl));
    if (base.scheme() == QLatin1String("https")) {
        if (!QSslSocket::supportsSsl()) {
            return StoreError {ErrorCode::NotImplemented,
                "cannot connect to " + connection.displayUrl() + ": this build has no TLS support ("
                    + QSslSocket::activeBackend().toStdString() + ")"};
        }
        auto ssl = sslConfiguration(connection);
        if (!ssl)
            return ssl.error();
        impl->ssl = *ssl;
    }
    if (!connection.username.empty()) {
        impl->authorization
            = "Basic " + QByteArray::fromStdString(connection.username + ":" + connection.password).toBase64();
    } else if (!connection.token.empty()) {
        impl->authorization = "Bearer " + QByteArray::fromStdString(connection.token);
    }
    impl->thread.setObjectName(QStringLiteral("runlens-http"));
    impl->context = new QObject;
    impl->context->moveToThread(&impl->thread);
    QObject::connect(&impl->thread, &QThread::finished, impl->context, &QObject::deleteLater);
    impl->thread.start();
    return std::unique_ptr<HttpClient>(new HttpClient(std::move(impl)));
}

HttpClient::HttpClient(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl))
{ }

HttpClient::~HttpClient()
{
    Impl* impl = m_impl.get();
    QMetaObject::invokeMethod(
        impl->context, [impl] { impl->shutdown(); }, Qt::BlockingQueuedConnection);
    impl->thread.quit();
    impl->thread.wait();
}

const RestConnection& HttpClient::connection() const
{
    return m_impl->connection;
}

RetryNotifier* HttpClient::retryNotifier() const
{
    return &m_impl->notifier;
}

std::string HttpClient::urlFor(const HttpRequest& request) const
{
    return m_impl->urlFor(request).toString(QUrl::RemoveUserInfo | QUrl::FullyEncoded).toStdString();
}

Result<HttpResponse> HttpClient::send(const HttpRequest& request, TaskControl* control)
{
    if (QThread::currentThread() == &m_impl->thread) {
        return StoreError {
            ErrorCode::InternalError, "HttpClient::send called from its own network thread: " + request.describe()};
    }
    if (isCancelled(control))
        return StoreError {ErrorCode::Cancelled, "cancelled: " + where(*m_impl, request)};
    auto call = std::make_shared<Call>();
    call->request = request;
    call->control = control;
    auto future = call->promise.get_future();
    Impl* impl = m_impl.get();
    QMetaObject::invokeMethod(
        impl->context, [impl, call] { impl->enqueue(call); }, Qt::QueuedConnection);
    return future.get();
}

} // namespace runlens
