// SPDX-License-Identifier: Apache-2.0
// RestStore when the network or the server misbehaves: every fault gives a StoreError that says
// what happened and where, never a crash or a hang; cancellation aborts what is in flight.

#include "artifactpath.h"
#include "net/httpclient.h"
#include "net/restconnection.h"
#include "replayserver.h"
#include "stores/rest/reststore.h"

#include <memory>
#include <mutex>

#include <nlohmann/json.hpp>

#include <QFutureWatcher>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QtConcurrent>

using namespace runlens;
using runlens::test::ReplayRequest;
using runlens::test::ReplayResponse;
using runlens::test::ReplayServer;
using json = nlohmann::json;

namespace {

constexpr const char* kRun = "3f391c61d696479dbd9255bd742f94eb";

bool contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

#define VERIFY_CONTAINS(text, part)                                                                                    \
    QVERIFY2(contains((text), (part)), ("'" + std::string(part) + "' not in: " + (text)).c_str())

ReplayRequest runGetRequest()
{
    ReplayRequest r;
    r.method = "GET";
    r.path = "/api/2.0/mlflow/runs/get";
    r.query = {{"run_id", kRun}};
    return r;
}

} // namespace

class TestRestFaults : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<ReplayServer> m_server;

    RestConnection connection(const ReplayServer& server) const
    {
        RestConnection c;
        c.baseUrl = server.baseUrl();
        c.maxRetries = 2;
        c.backoffFactorMs = 1;
        c.backoffJitterMs = 0;
        return c;
    }

    std::unique_ptr<RestStore> openStore(const std::function<void(RestConnection&)>& tweak = {})
    {
        RestConnection c = connection(*m_server);
        if (tweak)
            tweak(c);
        auto store = RestStore::open(c);
        if (!store) {
            qWarning("%s", store.error().toString().c_str());
            return nullptr;
        }
        return std::move(store.value());
    }

    // Answers `path` with `response` (for every request), everything else from the transcript.
    void answer(const std::string& path, ReplayResponse response)
    {
        m_server->setHandler([path, response](const ReplayRequest& r) -> std::optional<ReplayResponse> {
            if (r.path == path)
                return response;
            return std::nullopt;
        });
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_server = std::make_unique<ReplayServer>(ReplayServer::defaultTranscript());
        QVERIFY(m_server->start());
    }

    void init()
    {
        m_server->setHandler({});
        m_server->clearLog();
    }

    void unreachableServer()
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const quint16 port = probe.serverPort();
        probe.close(); // nothing listens there now
        RestConnection c;
        c.baseUrl = "http://127.0.0.1:" + std::to_string(port);
        auto store = RestStore::open(c);
        QVERIFY(!store);
        QCOMPARE(store.error().code, ErrorCode::NetworkError);
        VERIFY_CONTAINS(store.error().message, "cannot reach the tracking server at " + c.baseUrl);
    }

    void badUrls()
    {
        for (const char* url : {"ftp://host", "http://", "http://host/x?y=1", "not a url at all"}) {
            RestConnection c;
            c.baseUrl = url;
            auto store = RestStore::open(c);
            QVERIFY2(!store, url);
            QCOMPARE(store.error().code, ErrorCode::InvalidParameterValue);
        }
    }

    void timeout()
    {
        auto store = openStore([](RestConnection& c) { c.timeoutMs = 300; });
        QVERIFY(store);
        ReplayResponse slow = *m_server->replay(runGetRequest());
        slow.delayMs = 20000;
        answer("/api/2.0/mlflow/runs/get", slow);
        auto run = store->run(kRun);
        QVERIFY(!run);
        QCOMPARE(run.error().code, ErrorCode::NetworkError);
        VERIFY_CONTAINS(run.error().message, "no reply from 127.0.0.1");
        VERIFY_CONTAINS(run.error().message, "/api/2.0/mlflow/runs/get");
        VERIFY_CONTAINS(run.error().message, "MLFLOW_HTTP_REQUEST_TIMEOUT");
    }

    void connectionDroppedMidBody()
    {
        auto store = openStore();
        QVERIFY(store);
        ReplayResponse cut = *m_server->replay(runGetRequest());
        const auto full = cut.body.size();
        cut.dropAfter = 100;
        answer("/api/2.0/mlflow/runs/get", cut);
        auto run = store->run(kRun);
        QVERIFY(!run);
        QCOMPARE(run.error().code, ErrorCode::NetworkError);
        VERIFY_CONTAINS(run.error().message, "closed after 100 of " + std::to_string(full) + " bytes");
        VERIFY_CONTAINS(run.error().message, "after 3 attempts");
        QCOMPARE(m_server->requestCount("/api/2.0/mlflow/runs/get"), 3); // a read is retried
    }

    void htmlErrorPage()
    {
        auto store = openStore();
        QVERIFY(store);
        answer("/api/2.0/mlflow/experiments/get",
            ReplayResponse::text(500, "text/html; charset=utf-8",
                "<!doctype html>\n<html><title>500 Internal Server Error</title>\n<h1>Internal Server Error</h1>"
                "<p>The server encountered an internal error.</p></html>"));
        auto e = store->experiment("1");
        QVERIFY(!e);
        QCOMPARE(e.error().code, ErrorCode::InternalError);
        VERIFY_CONTAINS(e.error().message, "/api/2.0/mlflow/experiments/get");
        VERIFY_CONTAINS(e.error().message, "HTTP 500");
        VERIFY_CONTAINS(e.error().message, "Internal Server Error");
        QVERIFY(!contains(e.error().message, "<h1>"));
        QCOMPARE(m_server->requestCount("/api/2.0/mlflow/experiments/get"), 3); // 500 on a read: retried
    }

    void invalidBodies_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("expected");
        QTest::newRow("not json") << QByteArray("{not json") << QStringLiteral("is not valid JSON");
        QTest::newRow("truncated") << QByteArray(R"({"run": {"info": {"run_id": "x")")
                                   << QStringLiteral("is not valid JSON");
        QTest::newRow("bare NaN token") << QByteArray(
            R"({"run": {"info": {"run_id": "x"}, "data": {"metrics": [{"key": "m", "value": NaN}]}}})")
                                        << QStringLiteral("is not valid JSON");
        QTest::newRow("not an object") << QByteArray("[1, 2]") << QStringLiteral("is JSON but not an object");
        QTest::newRow("empty") << QByteArray() << QStringLiteral("is empty");
        QTest::newRow("no run") << QByteArray("{}") << QStringLiteral("has no 'run' object");
        QTest::newRow("wrong type") << QByteArray(R"({"run": {"info": {"run_id": "x", "start_time": "soon"}}})")
                                    << QStringLiteral("info.start_time: expected an integer, got the string 'soon'");
        QTest::newRow("bad list") << QByteArray(
            R"({"run": {"info": {"run_id": "x"}, "data": {"tags": [{"key": "a"}, {"value": "b"}]}}})")
                                  << QStringLiteral("data.tags[1]: the field 'key' is missing");
        QTest::newRow("int64 overflow")
            << QByteArray(R"({"run": {"info": {"run_id": "x", "end_time": 18446744073709551615}}})")
            << QStringLiteral("info.end_time: the integer 18446744073709551615 is out of the int64 range");
    }

    void invalidBodies()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, expected);
        auto store = openStore();
        QVERIFY(store);
        answer("/api/2.0/mlflow/runs/get", ReplayResponse::text(200, "application/json", body));
        auto run = store->run(kRun);
        QVERIFY(!run);
        QCOMPARE(run.error().code, ErrorCode::InternalError);
        VERIFY_CONTAINS(run.error().message, expected.toStdString());
        VERIFY_CONTAINS(run.error().message, "/api/2.0/mlflow/runs/get");
    }

    void lenientValues()
    {
        // Older servers and Databricks send int64 as strings; non-finite doubles are strings.
        auto store = openStore();
        QVERIFY(store);
        answer("/api/2.0/mlflow/runs/get",
            ReplayResponse::text(200, "application/json",
                R"({"run": {"info": {"run_uuid": "abc", "start_time": "1735689600000", "status": "KILLED"},
                    "data": {"metrics": [{"key": "m", "value": "-Infinity", "timestamp": "5", "step": "9007199254740993"},
                                         {"key": "n", "value": "1.5"}],
                             "tags": [{"key": "mlflow.runName", "value": "old-name"}]}}})"));
        auto run = store->run("abc");
        QVERIFY2(run, run ? "" : run.error().toString().c_str());
        QCOMPARE(run->info.runId, std::string("abc"));
        QCOMPARE(run->info.runName, std::string("old-name"));
        QCOMPARE(*run->info.startTime, std::int64_t(1735689600000));
        QCOMPARE(run->info.status, RunStatus::Killed);
        QCOMPARE(run->metric("m")->point.value, -std::numeric_limits<double>::infinity());
        QCOMPARE(run->metric("m")->point.step, std::int64_t(9007199254740993));
        QCOMPARE(run->metric("n")->point.value, 1.5);
        QCOMPARE(run->metric("n")->point.step, std::int64_t(0));
    }

    void oneBrokenRunDoesNotHideTheOthers()
    {
        auto store = openStore();
        QVERIFY(store);
        json page = m_server->exchange(30).responseJson; // the runs of experiment 2
        const std::size_t good = page["runs"].size();
        page["runs"].push_back(json {{"info", {{"run_id", "broken"}, {"status", "EXPLODED"}}}});
        answer("/api/2.0/mlflow/runs/search", ReplayResponse::json(200, page));
        RunQuery query;
        query.experimentIds = {"2"};
        auto list = store->searchRuns(query);
        QVERIFY2(list, list ? "" : list.error().toString().c_str());
        QCOMPARE(list->runs.size(), good);
        QCOMPARE(list->problems.size(), std::size_t(1));
        VERIFY_CONTAINS(list->problems.front().path, "run broken");
        VERIFY_CONTAINS(list->problems.front().reason, "unknown run status 'EXPLODED'");
    }

    void authenticationFailures_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<int>("code");
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("401") << 401 << int(ErrorCode::Unauthenticated)
                             << QByteArray("You are not authenticated. Please see "
                                           "https://www.mlflow.org/docs/latest/auth/index.html");
        QTest::newRow("403") << 403 << int(ErrorCode::PermissionDenied) << QByteArray("Permission denied");
    }

    void authenticationFailures()
    {
        QFETCH(int, status);
        QFETCH(int, code);
        QFETCH(QByteArray, body);
        auto response = ReplayResponse::text(status, "text/plain", body);
        response.headers.emplace_back("WWW-Authenticate", R"(Basic realm="mlflow")");
        auto store = openStore();
        QVERIFY(store);
        answer("/api/2.0/mlflow/experiments/search", response);
        auto list = store->experiments(ViewType::ActiveOnly);
        QVERIFY(!list);
        QCOMPARE(int(list.error().code), code);
        VERIFY_CONTAINS(list.error().message, "HTTP " + std::to_string(status));
        VERIFY_CONTAINS(list.error().message, body.toStdString());
        QCOMPARE(m_server->requestCount("/api/2.0/mlflow/experiments/search"), 1); // not retried

        // The same at open time: the server is protected as a whole.
        answer("/version", response);
        auto refused = RestStore::open(connection(*m_server));
        QVERIFY(!refused);
        QCOMPARE(int(refused.error().code), code);
    }

    void hugeReply_data()
    {
        QTest::addColumn<bool>("announced");
        QTest::newRow("with Content-Length") << true;
        QTest::newRow("close-delimited") << false;
    }

    void hugeReply()
    {
        QFETCH(bool, announced);
        auto store = openStore([](RestConnection& c) { c.maxReplyBytes = 4 * 1024 * 1024; });
        QVERIFY(store);
        // 50 MB of a valid-looking runs page.
        // (Built with json rather than raw strings: moc trips over unbalanced brackets inside those.)
        const std::string one = json {{"info", {{"run_id", "0123456789abcdef0123456789abcdef"}}},
            {"data", {{"params", json::array({json {{"key", "k"}, {"value", std::string(1000, 'x')}}})}}}}
                                    .dump();
        QByteArray body = "{\"runs\": [";
        const QByteArray run = QByteArray::fromStdString(one) + ',';
        while (body.size() < 50 * 1024 * 1024)
            body += run;
        body.chop(1);
        body += "]}";
        auto response = ReplayResponse::text(200, "application/json", body);
        response.closeDelimited = !announced;
        answer("/api/2.0/mlflow/runs/search", response);
        RunQuery query;
        query.experimentIds = {"1"};
        auto list = store->searchRuns(query);
        QVERIFY(!list);
        QCOMPARE(list.error().code, ErrorCode::InternalError);
        VERIFY_CONTAINS(list.error().message, "larger than the limit of 4194304 bytes");
        VERIFY_CONTAINS(list.error().message, "/api/2.0/mlflow/runs/search");
        if (announced)
            VERIFY_CONTAINS(list.error().message, "announced " + std::to_string(body.size()));
        // The store keeps working.
        m_server->setHandler({});
        QVERIFY(store->experiment("1"));
    }

    void pageTokenThatNeverAdvances()
    {
        auto store = openStore();
        QVERIFY(store);
        answer("/api/2.0/mlflow/metrics/get-history",
            ReplayResponse::json(200, {{"metrics", json::array()}, {"next_page_token", "eyJvZmZzZXQiOiAwfQ=="}}));
        auto points = store->metricHistory(kRun, "loss");
        QVERIFY(!points);
        QCOMPARE(points.error().code, ErrorCode::InternalError);
        VERIFY_CONTAINS(points.error().message, "repeats the page token");
        VERIFY_CONTAINS(points.error().message, "/api/2.0/mlflow/metrics/get-history");
        QCOMPARE(m_server->requestCount("/api/2.0/mlflow/metrics/get-history"), 2);
    }

    void retriesHonourRetryAfter_data()
    {
        QTest::addColumn<int>("status");
        QTest::newRow("429") << 429;
        QTest::newRow("503") << 503;
    }

    void retriesHonourRetryAfter()
    {
        QFETCH(int, status);
        auto store = openStore([](RestConnection& c) {
            c.maxRetries = 3;
            c.backoffFactorMs = 3'600'000; // only Retry-After can make the retries come soon
            c.maxBackoffMs = 3'600'000;
        });
        QVERIFY(store);
        auto busy = ReplayResponse::json(status, {{"error_code", "REQUEST_LIMIT_EXCEEDED"}, {"message", "slow down"}});
        busy.headers.emplace_back("Retry-After", "0");
        std::mutex mutex;
        int seen = 0;
        m_server->setHandler([&](const ReplayRequest& r) -> std::optional<ReplayResponse> {
            std::lock_guard lock(mutex);
            if (r.path == "/api/2.0/mlflow/runs/search" && ++seen <= 2)
                return busy;
            return std::nullopt;
        });
        RunQuery query;
        query.experimentIds = {"2"};
        auto list = store->searchRuns(query); // a POST, retried because the server asked to
        QVERIFY2(list, list ? "" : list.error().toString().c_str());
        QCOMPARE(list->runs.size(), m_server->exchange(30).responseJson["runs"].size());
        QCOMPARE(m_server->requestCount("/api/2.0/mlflow/runs/search"), 3);
    }

    void retriesGiveUp()
    {
        auto store = openStore();
        QVERIFY(store);
        answer("/api/2.0/mlflow/runs/get",
            ReplayResponse::json(503, {{"error_code", "TEMPORARILY_UNAVAILABLE"}, {"message", "maintenance"}}));
        auto run = store->run(kRun);
        QVERIFY(!run);
        QCOMPARE(run.error().code, ErrorCode::TemporarilyUnavailable);
        QCOMPARE(run.error().message, std::string("maintenance"));
        QCOMPARE(m_server->requestCount("/api/2.0/mlflow/runs/get"), 3);
    }

    void unknownErrorCodeFallsBackToStatus()
    {
        auto store = openStore();
        QVERIFY(store);
        answer("/api/2.0/mlflow/runs/get",
            ReplayResponse::json(409, {{"error_code", "SOMETHING_NEW"}, {"message", "a newer server says no"}}));
        auto run = store->run(kRun);
        QVERIFY(!run);
        QCOMPARE(run.error().code, ErrorCode::ResourceAlreadyExists);
        QCOMPARE(run.error().message, std::string("a newer server says no"));
    }

    void unsafeArtifactListings_data()
    {
        QTest::addColumn<QString>("dir");
        QTest::addColumn<QString>("listed");
        QTest::newRow("traversal") << QString() << QStringLiteral("../../etc/passwd");
        QTest::newRow("absolute") << QString() << QStringLiteral("/etc/passwd");
        QTest::newRow("outside the folder") << QStringLiteral("images") << QStringLiteral("plots/x.png");
        QTest::newRow("the folder itself") << QStringLiteral("images") << QStringLiteral("images");
        QTest::newRow("grandchild") << QString() << QStringLiteral("a/b");
    }

    void unsafeArtifactListings()
    {
        QFETCH(QString, dir);
        QFETCH(QString, listed);
        auto store = openStore();
        QVERIFY(store);
        answer("/api/2.0/mlflow/artifacts/list",
            ReplayResponse::json(200,
                {{"root_uri", "/x"},
                    {"files", json::array({json {{"path", listed.toStdString()}, {"is_dir", true}}})}}));
        auto files = store->listArtifacts(kRun, dir.toStdString());
        QVERIFY(!files);
        VERIFY_CONTAINS(files.error().message, listed.toStdString());
        VERIFY_CONTAINS(files.error().message, "refused");
    }

    void safeArtifactPaths()
    {
        QCOMPARE(*safeArtifactPath(""), std::string());
        QCOMPARE(*safeArtifactPath("a//b/./c/"), std::string("a/b/c"));
        QCOMPARE(*safeArtifactPath("..a/b.."), std::string("..a/b.."));
        for (const char* bad : {"..", "a/../b", "/a", "C:/x", "c:", "a\\b", "\\\\host\\share"})
            QVERIFY2(!safeArtifactPath(bad), bad);
        QVERIFY(!safeArtifactPath(std::string_view("a\0b", 3)));
        QVERIFY(isDirectChild("", "a"));
        QVERIFY(isDirectChild("a/b", "a/b/c"));
        QVERIFY(!isDirectChild("a/b", "a/bc"));
        QVERIFY(!isDirectChild("a", "a/b/c"));
    }

    void cancellationAbortsTheRequestInFlight()
    {
        ReplayServer server(ReplayServer::defaultTranscript());
        QVERIFY(server.start());
        auto opened = RestStore::open(connection(server));
        QVERIFY(opened);
        auto store = std::move(opened.value());
        ReplayResponse never;
        never.hang = true;
        server.setHandler([never](const ReplayRequest& r) -> std::optional<ReplayResponse> {
            if (r.path == "/api/2.0/mlflow/runs/search")
                return never;
            return std::nullopt;
        });
        TaskControl control;
        RunQuery query;
        query.experimentIds = {"1"};
        QFuture<std::shared_ptr<Result<RunList>>> future
            = QtConcurrent::run([&] { return std::make_shared<Result<RunList>>(store->searchRuns(query, &control)); });
        QFutureWatcher<std::shared_ptr<Result<RunList>>> watcher;
        QSignalSpy finished(&watcher, &QFutureWatcherBase::finished);
        watcher.setFuture(future);
        QVERIFY(server.waitForRequests(2)); // /version, then the search, which hangs
        QVERIFY(!future.isFinished());
        control.cancel();
        if (!future.isFinished())
            QVERIFY(finished.wait(10000));
        const auto& result = *future.result();
        QVERIFY(!result);
        QCOMPARE(result.error().code, ErrorCode::Cancelled);
        VERIFY_CONTAINS(result.error().message, "/api/2.0/mlflow/runs/search");
        QVERIFY(server.waitForClosedConnections(1)); // the transfer was aborted, not left running
    }

    void cancellationDuringBackoff()
    {
        auto store = openStore([](RestConnection& c) {
            c.maxRetries = 5;
            c.maxBackoffMs = 3'600'000;
            c.retryBudgetMs = 7'200'000; // wait for the server, so that the wait can be cancelled
        });
        QVERIFY(store);
        auto busy = ReplayResponse::json(503, {{"error_code", "TEMPORARILY_UNAVAILABLE"}, {"message", "later"}});
        busy.headers.emplace_back("Retry-After", "3600");
        answer("/api/2.0/mlflow/metrics/get-history", busy);
        m_server->clearLog();
        TaskControl control;
        QFuture<std::shared_ptr<Result<std::vector<MetricPoint>>>> future = QtConcurrent::run([&] {
            return std::make_shared<Result<std::vector<MetricPoint>>>(store->metricHistory(kRun, "lr", &control));
        });
        QFutureWatcher<std::shared_ptr<Result<std::vector<MetricPoint>>>> watcher;
        QSignalSpy finished(&watcher, &QFutureWatcherBase::finished);
        watcher.setFuture(future);
        QVERIFY(m_server->waitForRequests(1));
        control.cancel();
        if (!future.isFinished())
            QVERIFY(finished.wait(10000));
        QVERIFY(!*future.result());
        QCOMPARE(future.result()->error().code, ErrorCode::Cancelled);
        QCOMPARE(m_server->requestCount("/api/2.0/mlflow/metrics/get-history"), 1); // cancelled while waiting
    }

    void boundsRequestsInFlight()
    {
        ReplayServer server(ReplayServer::defaultTranscript());
        QVERIFY(server.start());
        RestConnection c = connection(server);
        c.maxConcurrentRequests = 3;
        auto opened = RestStore::open(c);
        QVERIFY(opened);
        std::shared_ptr<RestStore> store = std::move(opened.value());
        server.setHandler([&server](const ReplayRequest& r) -> std::optional<ReplayResponse> {
            if (r.path != "/api/2.0/mlflow/metrics/get-history")
                return std::nullopt;
            auto response = server.replay(r);
            response->delayMs = 50;
            return response;
        });
        server.clearLog();
        QList<QFuture<bool>> futures;
        for (int i = 0; i < 12; ++i) {
            futures << QtConcurrent::run([store] {
                auto points = store->metricHistory(kRun, "lr");
                return points && points->size() == 4;
            });
        }
        for (auto& f : futures) {
            QFutureWatcher<bool> watcher;
            QSignalSpy finished(&watcher, &QFutureWatcherBase::finished);
            watcher.setFuture(f);
            if (!f.isFinished())
                QVERIFY(finished.wait(30000));
            QVERIFY(f.result());
        }
        QCOMPARE(server.requestCount(), 12);
        QVERIFY2(server.maxInFlight() <= 3, std::to_string(server.maxInFlight()).c_str());
    }

    void requestShape()
    {
        auto store = openStore([](RestConnection& c) {
            c.username = "alice";
            c.password = "s3cret:x";
        });
        QVERIFY(store);
        RunQuery query;
        query.experimentIds = {"2"};
        QVERIFY(store->searchRuns(query));
        for (const auto& r : m_server->requests()) {
            QCOMPARE(r.header("authorization"), "Basic " + QByteArray("alice:s3cret:x").toBase64());
            QVERIFY(r.header("origin").isEmpty()); // a foreign Origin is refused by MLflow 3.5+
            if (r.method == "POST")
                QCOMPARE(r.header("content-type"), QByteArray("application/json"));
        }
        m_server->clearLog();
        auto bearer = openStore([](RestConnection& c) { c.token = "tok"; });
        QVERIFY(bearer);
        QCOMPARE(m_server->requests().front().header("authorization"), QByteArray("Bearer tok"));
    }

    void deleteSendsItsBody()
    {
        // Writes come later, but DELETE with a JSON body is what they need (MLflow ignores its query).
        auto connection = this->connection(*m_server);
        QVERIFY(connection.normalize());
        auto client = HttpClient::create(connection);
        QVERIFY(client);
        HttpRequest request;
        request.method = "DELETE";
        request.path = "/api/2.0/mlflow/registered-models/alias";
        request.jsonBody = R"({"name": "rest-scratch-model", "alias": "champion"})";
        request.idempotent = false;
        auto reply = (*client)->send(request);
        QVERIFY(reply);
        QCOMPARE(reply->status, 200);
        QCOMPARE(m_server->requests().front().method, QByteArray("DELETE"));
        QVERIFY(m_server->unmatched().empty());
    }

    void oldServerWithoutVersion()
    {
        m_server->setHandler([](const ReplayRequest& r) -> std::optional<ReplayResponse> {
            if (r.path == "/version")
                return ReplayResponse::text(404, "text/html", "<h1>Not Found</h1>");
            if (r.path == "/api/2.0/mlflow/experiments/search")
                return ReplayResponse::json(200, json::object());
            return std::nullopt;
        });
        auto store = openStore();
        QVERIFY(store);
        QCOMPARE(store->serverVersion(), std::string());
    }

    void notAnMlflowServer()
    {
        m_server->setHandler([](const ReplayRequest&) -> std::optional<ReplayResponse> {
            return ReplayResponse::text(200, "text/html", "<html><body>Welcome to nginx!</body></html>");
        });
        auto store = RestStore::open(connection(*m_server));
        QVERIFY(!store);
        VERIFY_CONTAINS(store.error().message, "does not answer like an MLflow tracking server");
        VERIFY_CONTAINS(store.error().message, "Welcome to nginx!");
    }

    void environment()
    {
        QTemporaryDir home;
        QVERIFY(home.isValid());
        const auto credentials = std::filesystem::path(home.path().toStdString()) / "credentials";
        {
            QFile file(QString::fromStdString(credentials.string()));
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("[other]\nmlflow_tracking_username = nobody\n[mlflow]\nmlflow_tracking_username = bob\n"
                       "mlflow_tracking_password = pw\n");
        }
        const char* vars[] = {"MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD", "MLFLOW_TRACKING_TOKEN",
            "MLFLOW_TRACKING_INSECURE_TLS", "MLFLOW_TRACKING_SERVER_CERT_PATH", "MLFLOW_HTTP_REQUEST_TIMEOUT",
            "MLFLOW_HTTP_REQUEST_MAX_RETRIES"};
        for (const char* v : vars)
            qunsetenv(v);

        auto fromFile = RestConnection::fromEnvironment("https://user:urlpw@host.example:8443/mlflow/", credentials);
        QVERIFY(fromFile);
        QCOMPARE(fromFile->username, std::string("bob"));
        QCOMPARE(fromFile->password, std::string("pw"));
        QCOMPARE(fromFile->baseUrl, std::string("https://host.example:8443/mlflow"));
        QCOMPARE(fromFile->displayUrl(), std::string("https://host.example:8443/mlflow"));

        qputenv("MLFLOW_TRACKING_USERNAME", "env-user");
        qputenv("MLFLOW_TRACKING_PASSWORD", "env-pw");
        qputenv("MLFLOW_HTTP_REQUEST_TIMEOUT", "7.5");
        qputenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0");
        auto fromEnv = RestConnection::fromEnvironment("http://h", credentials);
        QVERIFY(fromEnv);
        QCOMPARE(fromEnv->username, std::string("env-user"));
        QCOMPARE(fromEnv->timeoutMs, 7500);
        QCOMPARE(fromEnv->maxRetries, 0);
        qunsetenv("MLFLOW_TRACKING_USERNAME");
        qunsetenv("MLFLOW_TRACKING_PASSWORD");

        qputenv("MLFLOW_TRACKING_TOKEN", "t0k");
        auto token = RestConnection::fromEnvironment("http://h", home.filePath(QStringLiteral("none")).toStdString());
        QVERIFY(token);
        QCOMPARE(token->token, std::string("t0k"));
        QVERIFY(token->username.empty());

        qputenv("MLFLOW_TRACKING_INSECURE_TLS", "perhaps");
        auto badBool = RestConnection::fromEnvironment("http://h", credentials);
        QVERIFY(!badBool);
        VERIFY_CONTAINS(badBool.error().message, "MLFLOW_TRACKING_INSECURE_TLS");
        qputenv("MLFLOW_TRACKING_INSECURE_TLS", "true");
        qputenv("MLFLOW_TRACKING_SERVER_CERT_PATH", "/some/ca.pem");
        auto both = RestConnection::fromEnvironment("http://h", credentials);
        QVERIFY(!both);
        QCOMPARE(both.error().code, ErrorCode::InvalidParameterValue);
        for (const char* v : vars)
            qunsetenv(v);
    }

    void tls()
    {
        if (!QSslSocket::supportsSsl())
            QSKIP("Qt has no TLS backend here");
        const QString openssl = QStandardPaths::findExecutable(QStringLiteral("openssl"));
        if (openssl.isEmpty())
            QSKIP("no openssl executable to make a self-signed test certificate");
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString cert = dir.filePath(QStringLiteral("cert.pem"));
        const QString key = dir.filePath(QStringLiteral("key.pem"));
        QProcess make;
        make.start(openssl,
            {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("ec"),
                QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                QStringLiteral("-keyout"), key, QStringLiteral("-out"), cert, QStringLiteral("-days"),
                QStringLiteral("2"), QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1"),
                QStringLiteral("-addext"), QStringLiteral("subjectAltName=IP:127.0.0.1")});
        QVERIFY(make.waitForFinished(60000));
        if (make.exitCode() != 0)
            QSKIP(qPrintable(QStringLiteral("openssl could not make a certificate: ")
                + QString::fromLocal8Bit(make.readAllStandardError())));
        QFile certFile(cert);
        QFile keyFile(key);
        QVERIFY(certFile.open(QIODevice::ReadOnly) && keyFile.open(QIODevice::ReadOnly));
        ReplayServer::Tls tls {QSslCertificate(certFile.readAll(), QSsl::Pem), QSslKey(keyFile.readAll(), QSsl::Ec)};
        QVERIFY(!tls.certificate.isNull() && !tls.key.isNull());

        ReplayServer server(ReplayServer::defaultTranscript());
        QVERIFY(server.start(tls));
        RestConnection c = connection(server);
        QCOMPARE(c.baseUrl.substr(0, 8), std::string("https://"));

        // Verification is on by default: a self-signed certificate is refused, and the message says
        // which host and why.
        auto refused = RestStore::open(c);
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::NetworkError);
        VERIFY_CONTAINS(refused.error().message, "TLS handshake with 127.0.0.1:" + std::to_string(server.port()));
        VERIFY_CONTAINS(refused.error().message, "self");

        // Trusting the certificate as a CA bundle (MLFLOW_TRACKING_SERVER_CERT_PATH) works.
        RestConnection trusted = c;
        trusted.caCertPath = cert.toStdString();
        auto store = RestStore::open(trusted);
        QVERIFY2(store, store ? "" : store.error().toString().c_str());
        QCOMPARE((*store)->serverVersion(), std::string("2.22.1.dev0"));
        auto run = (*store)->run(kRun);
        QVERIFY(run);

        // So does switching verification off (MLFLOW_TRACKING_INSECURE_TLS).
        RestConnection insecure = c;
        insecure.insecureTls = true;
        QVERIFY(RestStore::open(insecure));

        RestConnection missingBundle = c;
        missingBundle.caCertPath = dir.filePath(QStringLiteral("missing.pem")).toStdString();
        auto noBundle = RestStore::open(missingBundle);
        QVERIFY(!noBundle);
        VERIFY_CONTAINS(noBundle.error().message, "MLFLOW_TRACKING_SERVER_CERT_PATH");
    }
};

QTEST_GUILESS_MAIN(TestRestFaults)
#include "tst_restfaults.moc"
