// SPDX-License-Identifier: Apache-2.0
#pragma once

// A small HTTP/1.1 server on 127.0.0.1 that answers from the exchanges recorded with a real MLflow
// server (tests/data/mlflow-2.22 and mlflow-3.6, rest-transcript.jsonl), and can be told to misbehave.
//
// It runs on its own thread, so a test may call a store synchronously from its own thread and still
// be answered. It is header-only and has no Q_OBJECT, so tests and benchmarks include it without
// extra moc steps; everything is connected with lambdas.

#include <algorithm>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <QByteArray>
#include <QFile>
#include <QHostAddress>
#include <QMetaObject>
#include <QPointer>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>
#include <QUrl>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#endif

namespace runlens::test {

struct ReplayRequest
{
    QByteArray method;
    QByteArray target; // as sent: path?query, encoded
    std::string path; // decoded
    std::vector<std::pair<std::string, std::string>> query; // decoded, in order
    QByteArray body;
    std::map<QByteArray, QByteArray> headers; // names lower-cased

    QByteArray header(const QByteArray& name) const
    {
        const auto it = headers.find(name.toLower());
        return it == headers.end() ? QByteArray() : it->second;
    }
    std::string queryValue(const std::string& key) const
    {
        for (const auto& [k, v] : query) {
            if (k == key)
                return v;
        }
        return {};
    }
};

struct ReplayResponse
{
    int status = 200;
    QByteArray contentType = "application/json";
    QByteArray body;
    std::vector<std::pair<QByteArray, QByteArray>> headers; // besides Content-Type/-Length
    int delayMs = 0; // answer this much later
    bool hang = false; // never answer (until the client gives up)
    qint64 dropAfter = -1; // announce the full length, send this many body bytes, close
    bool closeDelimited = false; // no Content-Length: the body ends when the connection closes
    bool chunked = false; // Transfer-Encoding: chunked
    bool endless = false; // chunked, and after the body the same body again, for ever (paced by the client)
    int dripMs = 0; // send the body one byte every dripMs
    qint64 resetAfter = -1; // send this many body bytes, then reset the connection (RST)
    int seq = 0; // the transcript exchange it came from; 0 when a handler made it up

    static ReplayResponse json(int status, const nlohmann::json& body)
    {
        ReplayResponse r;
        r.status = status;
        r.body = QByteArray::fromStdString(body.dump());
        return r;
    }
    static ReplayResponse text(int status, QByteArray contentType, QByteArray body)
    {
        ReplayResponse r;
        r.status = status;
        r.contentType = std::move(contentType);
        r.body = std::move(body);
        return r;
    }
};

/** One recorded exchange of the transcript. */
struct RecordedExchange
{
    int seq = 0;
    std::string name;
    std::string method;
    std::string path;
    std::vector<std::pair<std::string, std::string>> query; // normalized (see normalizedQuery)
    bool hasBody = false;
    bool bodyIsJson = false;
    nlohmann::json body; // normalized when bodyIsJson (see normalizedBody)
    std::string rawBody; // when the recorded body was not a JSON object
    bool jsonContentType = false;
    ReplayResponse response;
    nlohmann::json responseJson; // the parsed body for JSON replies, else null
};

class ReplayServer
{
public:
    using Handler = std::function<std::optional<ReplayResponse>(const ReplayRequest&)>;

    struct Tls
    {
        QSslCertificate certificate;
        QSslKey key;
    };

#ifdef RUNLENS_TEST_DATA_DIR
    static QString defaultTranscript()
    {
        return QStringLiteral(RUNLENS_TEST_DATA_DIR "/mlflow-2.22/rest-transcript.jsonl");
    }
    /** The exchanges recorded with a real MLflow 3.6 server over an sqlite store with logged models. */
    static QString mlflow3Transcript()
    {
        return QStringLiteral(RUNLENS_TEST_DATA_DIR "/mlflow-3.6/rest-transcript.jsonl");
    }
#endif

    explicit ReplayServer(const QString& transcriptPath)
    {
        load(transcriptPath);
        m_context = new QObject;
        m_context->moveToThread(&m_thread);
        QObject::connect(&m_thread, &QThread::finished, m_context, &QObject::deleteLater);
        m_thread.setObjectName(QStringLiteral("replay-server"));
        m_thread.start();
    }

    ~ReplayServer()
    {
        QMetaObject::invokeMethod(
            m_context,
            [this] {
                delete m_listener;
                m_listener = nullptr;
                const auto sockets = m_context->children();
                for (QObject* socket : sockets) {
                    QObject::disconnect(socket, nullptr, nullptr, nullptr);
                    delete socket;
                }
            },
            Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
    }

    ReplayServer(const ReplayServer&) = delete;
    ReplayServer& operator=(const ReplayServer&) = delete;

    /** Listens on 127.0.0.1 on a free port; with `tls`, every connection is TLS. */
    bool start(std::optional<Tls> tls = std::nullopt)
    {
        m_tls = std::move(tls);
        bool ok = false;
        QMetaObject::invokeMethod(
            m_context,
            [this, &ok] {
                m_listener = new Listener(this);
                ok = m_listener->listen(QHostAddress::LocalHost, 0);
                m_port = m_listener->serverPort();
            },
            Qt::BlockingQueuedConnection);
        return ok;
    }

    quint16 port() const
    {
        return m_port;
    }
    std::string baseUrl() const
    {
        return std::string(m_tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(m_port);
    }

    /** Consulted before the transcript; return nullopt to fall through to it. Runs on the server thread. */
    void setHandler(Handler handler)
    {
        std::lock_guard lock(m_mutex);
        m_handler = std::move(handler);
    }

    const std::vector<RecordedExchange>& exchanges() const
    {
        return m_exchanges;
    }
    const RecordedExchange& exchange(int seq) const
    {
        for (const auto& e : m_exchanges) {
            if (e.seq == seq)
                return e;
        }
        qFatal("no exchange %d in the transcript", seq);
    }

    /** The recorded answer to a request, matched by method, path, query and body. */
    std::optional<ReplayResponse> replay(const ReplayRequest& request) const
    {
        const std::string method = request.method.toStdString();
        const auto query = normalizedQuery(request.path, request.query);
        const bool jsonType = request.header("content-type").startsWith("application/json");
        std::optional<nlohmann::json> body;
        if (!request.body.isEmpty()) {
            auto parsed = nlohmann::json::parse(request.body.cbegin(), request.body.cend(), nullptr, false);
            if (parsed.is_object())
                body = normalizedBody(request.path, std::move(parsed));
        }
        for (const auto& e : m_exchanges) {
            if (e.method != method || e.path != request.path || e.query != query)
                continue;
            if (e.bodyIsJson) {
                if (!body || !jsonType || *body != e.body)
                    continue;
            } else if (e.hasBody) {
                if (request.body.toStdString() != e.rawBody)
                    continue;
            } else if (body && method != "GET") {
                continue;
            }
            return e.response;
        }
        return std::nullopt;
    }

    std::vector<ReplayRequest> requests() const
    {
        std::lock_guard lock(m_mutex);
        return m_requests;
    }
    int requestCount(const std::string& path = {}) const
    {
        std::lock_guard lock(m_mutex);
        return static_cast<int>(std::count_if(m_requests.begin(), m_requests.end(),
            [&](const ReplayRequest& r) { return path.empty() || r.path == path; }));
    }
    /** Requests that neither the handler nor the transcript could answer. */
    std::vector<std::string> unmatched() const
    {
        std::lock_guard lock(m_mutex);
        return m_unmatched;
    }
    void clearLog()
    {
        std::lock_guard lock(m_mutex);
        m_requests.clear();
        m_unmatched.clear();
        m_maxInFlight = m_inFlight;
    }
    /** Blocks until `count` requests have arrived in total, or the timeout passes. */
    bool waitForRequests(int count, int timeoutMs = 10000)
    {
        std::unique_lock lock(m_mutex);
        return m_arrived.wait_for(
            lock, std::chrono::milliseconds(timeoutMs), [&] { return static_cast<int>(m_requests.size()) >= count; });
    }
    /** The most requests that were waiting for their answer at the same time. */
    int maxInFlight() const
    {
        std::lock_guard lock(m_mutex);
        return m_maxInFlight;
    }
    /** Connections the server has seen closed by the client (e.g. after an abort). */
    int closedConnections() const
    {
        std::lock_guard lock(m_mutex);
        return m_closed;
    }
    bool waitForClosedConnections(int count, int timeoutMs = 10000)
    {
        std::unique_lock lock(m_mutex);
        return m_arrived.wait_for(lock, std::chrono::milliseconds(timeoutMs), [&] { return m_closed >= count; });
    }

    // Matching treats a request as the recorded one when MLflow 2.22 would answer both alike:
    // empty strings and lists count as absent (proto3), the server's defaults fill what is left
    // out, and get-history ignores paging on that version (exchanges 43 and 44 show it).
    static std::vector<std::pair<std::string, std::string>> normalizedQuery(
        const std::string& path, std::vector<std::pair<std::string, std::string>> query)
    {
        std::erase_if(query, [](const auto& kv) { return kv.second.empty(); });
        auto setDefault = [&](const std::string& key, const std::string& value) {
            if (std::none_of(query.begin(), query.end(), [&](const auto& kv) { return kv.first == key; }))
                query.emplace_back(key, value);
        };
        if (path == "/api/2.0/mlflow/metrics/get-history") {
            std::erase_if(query, [](const auto& kv) { return kv.first == "max_results" || kv.first == "page_token"; });
        } else if (path == "/api/2.0/mlflow/registered-models/search") {
            setDefault("max_results", "100");
        } else if (path == "/api/2.0/mlflow/model-versions/search") {
            setDefault("max_results", "200000");
        } else if (path == "/api/2.0/mlflow/experiments/search") {
            setDefault("view_type", "ACTIVE_ONLY");
        }
        std::sort(query.begin(), query.end());
        return query;
    }

    static nlohmann::json normalizedBody(const std::string& path, nlohmann::json body)
    {
        for (auto it = body.begin(); it != body.end();) {
            const bool empty = it->is_null() || (it->is_string() && it->get_ref<const std::string&>().empty())
                || (it->is_array() && it->empty());
            it = empty ? body.erase(it) : std::next(it);
        }
        auto setDefault = [&](const char* key, nlohmann::json value) {
            if (!body.contains(key))
                body[key] = std::move(value);
        };
        if (path == "/api/2.0/mlflow/runs/search") {
            setDefault("run_view_type", "ACTIVE_ONLY");
            setDefault("max_results", 1000);
        } else if (path == "/api/2.0/mlflow/experiments/search") {
            setDefault("view_type", "ACTIVE_ONLY");
        } else if (path == "/api/2.0/mlflow/logged-models/search") {
            setDefault("max_results", 50);
        }
        return body;
    }

private:
    class Listener : public QTcpServer
    {
    public:
        explicit Listener(ReplayServer* server)
            : m_server(server)
        { }

    protected:
        void incomingConnection(qintptr descriptor) override { m_server->accept(descriptor); }

    private:
        ReplayServer* m_server;
    };

    struct Connection
    {
        QByteArray buffer;
        bool busy = false; // a delayed or hanging answer is pending
    };

    static std::string decode(const QByteArray& text, bool plusIsSpace)
    {
        QByteArray bytes = text;
        if (plusIsSpace)
            bytes.replace('+', ' ');
        return QByteArray::fromPercentEncoding(bytes).toStdString();
    }

    static QByteArray reason(int status)
    {
        switch (status) {
        case 200:
            return "OK";
        case 400:
            return "BAD REQUEST";
        case 401:
            return "UNAUTHORIZED";
        case 403:
            return "FORBIDDEN";
        case 404:
            return "NOT FOUND";
        case 405:
            return "METHOD NOT ALLOWED";
        case 429:
            return "TOO MANY REQUESTS";
        case 500:
            return "INTERNAL SERVER ERROR";
        case 501:
            return "NOT IMPLEMENTED";
        case 503:
            return "SERVICE UNAVAILABLE";
        default:
            return "STATUS";
        }
    }

    void load(const QString& path)
    {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            qFatal("cannot read the transcript %s", qPrintable(path));
        while (!file.atEnd()) {
            const QByteArray line = file.readLine().trimmed();
            if (line.isEmpty())
                continue;
            const auto o = nlohmann::json::parse(line.cbegin(), line.cend());
            RecordedExchange e;
            e.seq = o.at("seq").get<int>();
            e.name = o.value("name", std::string());
            e.method = o.at("method").get<std::string>();
            e.path = o.at("path").get<std::string>();
            std::vector<std::pair<std::string, std::string>> query;
            if (o.contains("query") && o["query"].is_object()) {
                for (const auto& [key, value] : o["query"].items()) {
                    const auto values = value.is_array() ? value : nlohmann::json::array({value});
                    for (const auto& v : values)
                        query.emplace_back(key, v.is_string() ? v.get<std::string>() : v.dump());
                }
            }
            e.query = normalizedQuery(e.path, std::move(query));
            const auto& body = o["request_body"];
            e.hasBody = !body.is_null();
            e.bodyIsJson = body.is_object();
            if (e.bodyIsJson)
                e.body = normalizedBody(e.path, body);
            else if (body.is_string())
                e.rawBody = body.get<std::string>();
            const auto& requestHeaders = o["request_headers"];
            e.jsonContentType = requestHeaders.is_object() && requestHeaders.contains("Content-Type");

            ReplayResponse& r = e.response;
            r.seq = e.seq;
            r.status = o.at("status").get<int>();
            r.contentType.clear();
            for (const auto& [key, value] : o["response_headers"].items()) {
                const QByteArray name = QByteArray::fromStdString(key);
                if (name.compare("Content-Type", Qt::CaseInsensitive) == 0)
                    r.contentType = QByteArray::fromStdString(value.get<std::string>());
                else if (name.compare("Content-Length", Qt::CaseInsensitive) != 0)
                    r.headers.emplace_back(name, QByteArray::fromStdString(value.get<std::string>()));
            }
            if (o.contains("response_body_raw_text"))
                r.body = QByteArray::fromStdString(o["response_body_raw_text"].get<std::string>());
            else if (o.contains("response_body_text"))
                r.body = QByteArray::fromStdString(o["response_body_text"].get<std::string>());
            else if (o.contains("response_body_base64"))
                r.body
                    = QByteArray::fromBase64(QByteArray::fromStdString(o["response_body_base64"].get<std::string>()));
            if (o.contains("response_body"))
                e.responseJson = o["response_body"];
            m_exchanges.push_back(std::move(e));
        }
    }

    // --- server thread ---------------------------------------------------------------------------

    void accept(qintptr descriptor)
    {
        QTcpSocket* socket = nullptr;
        if (m_tls) {
            auto* ssl = new QSslSocket(m_context);
            ssl->setSocketDescriptor(descriptor);
            ssl->setLocalCertificate(m_tls->certificate);
            ssl->setPrivateKey(m_tls->key);
            ssl->setPeerVerifyMode(QSslSocket::VerifyNone);
            ssl->startServerEncryption();
            socket = ssl;
        } else {
            socket = new QTcpSocket(m_context);
            socket->setSocketDescriptor(descriptor);
        }
        auto connection = std::make_shared<Connection>();
        QObject::connect(socket, &QIODevice::readyRead, socket, [this, socket, connection] {
            connection->buffer += socket->readAll();
            serve(socket, connection);
        });
        QObject::connect(socket, &QAbstractSocket::disconnected, socket, [this, socket] {
            {
                std::lock_guard lock(m_mutex);
                ++m_closed;
            }
            m_arrived.notify_all();
            socket->deleteLater();
        });
    }

    void serve(QTcpSocket* socket, const std::shared_ptr<Connection>& connection)
    {
        while (!connection->busy) {
            const auto end = connection->buffer.indexOf("\r\n\r\n");
            if (end < 0)
                return;
            const QList<QByteArray> lines = connection->buffer.left(end).split('\n');
            const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
            ReplayRequest request;
            request.method = requestLine.value(0);
            request.target = requestLine.value(1);
            for (qsizetype i = 1; i < lines.size(); ++i) {
                const auto colon = lines[i].indexOf(':');
                if (colon > 0)
                    request.headers[lines[i].left(colon).trimmed().toLower()] = lines[i].mid(colon + 1).trimmed();
            }
            const qsizetype length = request.header("content-length").toLongLong();
            if (connection->buffer.size() < end + 4 + length)
                return;
            request.body = connection->buffer.mid(end + 4, length);
            connection->buffer.remove(0, end + 4 + length);

            const auto question = request.target.indexOf('?');
            request.path = decode(question < 0 ? request.target : request.target.left(question), false);
            if (question >= 0) {
                for (const QByteArray& item : request.target.mid(question + 1).split('&')) {
                    if (item.isEmpty())
                        continue;
                    const auto eq = item.indexOf('=');
                    request.query.emplace_back(decode(eq < 0 ? item : item.left(eq), true),
                        eq < 0 ? std::string() : decode(item.mid(eq + 1), true));
                }
            }
            answer(socket, connection, request);
        }
    }

    void answer(QTcpSocket* socket, const std::shared_ptr<Connection>& connection, const ReplayRequest& request)
    {
        Handler handler;
        {
            std::lock_guard lock(m_mutex);
            m_requests.push_back(request);
            handler = m_handler;
            m_maxInFlight = std::max(m_maxInFlight, ++m_inFlight);
        }
        m_arrived.notify_all();
        std::optional<ReplayResponse> response;
        if (handler)
            response = handler(request);
        if (!response)
            response = replay(request);
        if (!response) {
            const std::string what = request.method.toStdString() + " " + request.target.toStdString() + " "
                + request.body.left(300).toStdString();
            {
                std::lock_guard lock(m_mutex);
                m_unmatched.push_back(what);
            }
            response = ReplayResponse::json(
                501, {{"error_code", "NOT_IMPLEMENTED"}, {"message", "replay: no recorded exchange for " + what}});
        }
        if (response->hang) {
            connection->busy = true;
            return;
        }
        if (response->delayMs > 0) {
            connection->busy = true;
            QPointer<QTcpSocket> guard(socket);
            QTimer::singleShot(response->delayMs, socket, [this, guard, connection, r = *response] {
                if (!guard)
                    return;
                connection->busy = false;
                write(guard, r);
                serve(guard, connection);
            });
            return;
        }
        write(socket, *response);
    }

    void write(QTcpSocket* socket, const ReplayResponse& r)
    {
        {
            std::lock_guard lock(m_mutex);
            --m_inFlight;
        }
        const bool chunked = r.chunked || r.endless;
        QByteArray head = "HTTP/1.1 " + QByteArray::number(r.status) + " " + reason(r.status) + "\r\n";
        if (!r.contentType.isEmpty())
            head += "Content-Type: " + r.contentType + "\r\n";
        for (const auto& [name, value] : r.headers)
            head += name + ": " + value + "\r\n";
        if (chunked)
            head += "Transfer-Encoding: chunked\r\n";
        else if (r.closeDelimited)
            head += "Connection: close\r\n";
        else
            head += "Content-Length: " + QByteArray::number(r.body.size()) + "\r\n";
        head += "\r\n";
        socket->write(head);
        if (r.endless) {
            writeEndless(socket, r.body);
            return;
        }
        if (r.dripMs > 0) {
            drip(socket, r, 0);
            return;
        }
        if (r.resetAfter >= 0) {
            socket->write(chunked ? chunk(r.body.left(r.resetAfter)) : r.body.left(r.resetAfter));
            reset(socket);
            return;
        }
        if (r.dropAfter >= 0) {
            socket->write(r.body.left(r.dropAfter));
            socket->disconnectFromHost(); // after the pending bytes are out
            return;
        }
        socket->write(chunked ? chunk(r.body) + chunk({}) : r.body);
        if (r.closeDelimited)
            socket->disconnectFromHost();
    }

    static QByteArray chunk(const QByteArray& data)
    {
        return QByteArray::number(data.size(), 16) + "\r\n" + data + "\r\n";
    }

    // Sends the body again and again, keeping at most a few MB queued, so the server's own memory
    // stays flat and the client's reading pace decides how much arrives.
    void writeEndless(QTcpSocket* socket, const QByteArray& body)
    {
        // Paced at one piece a millisecond (128 MB/s for the test's 128 KB), a fast network's rate:
        // Qt 6.4 has no flow control between its network thread and the reply's, so a sender at
        // memory speed to a starved client measures the scheduler, not the client's limit.
        const QByteArray piece = chunk(body.isEmpty() ? QByteArray(64 * 1024, ' ') : body);
        auto* pace = new QTimer(socket);
        pace->setTimerType(Qt::PreciseTimer);
        QObject::connect(pace, &QTimer::timeout, socket, [socket, piece] {
            if (socket->state() == QAbstractSocket::ConnectedState && socket->bytesToWrite() < 1024 * 1024)
                socket->write(piece);
        });
        pace->start(1);
    }

    // One byte every dripMs, then the end of the body (and of the chunked stream).
    void drip(QPointer<QTcpSocket> socket, const ReplayResponse& r, qsizetype sent)
    {
        if (!socket || socket->state() != QAbstractSocket::ConnectedState)
            return;
        const bool chunked = r.chunked;
        if (sent >= r.body.size()) {
            if (chunked)
                socket->write(chunk({}));
            return;
        }
        const QByteArray one = r.body.mid(sent, 1);
        socket->write(chunked ? chunk(one) : one);
        QTimer::singleShot(r.dripMs, socket, [this, socket, r, sent] { drip(socket, r, sent + 1); });
    }

    // A reset rather than an orderly close: the client sees "connection reset by peer".
    static void reset(QTcpSocket* socket)
    {
        socket->flush();
#ifdef Q_OS_UNIX
        const struct linger hard
        {
            1, 0
        };
        ::setsockopt(static_cast<int>(socket->socketDescriptor()), SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
#endif
        socket->abort();
    }

    std::vector<RecordedExchange> m_exchanges;
    QThread m_thread;
    QObject* m_context = nullptr;
    Listener* m_listener = nullptr;
    std::optional<Tls> m_tls;
    quint16 m_port = 0;

    mutable std::mutex m_mutex;
    std::condition_variable m_arrived;
    Handler m_handler;
    std::vector<ReplayRequest> m_requests;
    std::vector<std::string> m_unmatched;
    int m_closed = 0;
    int m_inFlight = 0;
    int m_maxInFlight = 0;
};

} // namespace runlens::test
