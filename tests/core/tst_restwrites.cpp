// SPDX-License-Identifier: Apache-2.0
// RestStore writes against the exchanges recorded with a real MLflow 2.22 server: every recorded
// write is made through the store, the JSON body it sends is compared with the recorded request and
// the result with the recorded reply. Then the faults: refusals, missing resources, HTML error pages,
// timeouts; each gives a clear error and no write is ever sent twice.

#include "net/restconnection.h"
#include "replayserver.h"
#include "stores/rest/reststore.h"

#include <functional>
#include <map>

#include <nlohmann/json.hpp>

#include <QFile>
#include <QTest>

using namespace runlens;
using runlens::test::ReplayRequest;
using runlens::test::ReplayResponse;
using runlens::test::ReplayServer;
using json = nlohmann::json;

namespace {

constexpr const char* kRun = "18af45f43b0c45f7bf02886a1d97731d"; // the run the transcript writes to
constexpr const char* kModel = "rest-scratch-model";
constexpr const char* kApi = "/api/2.0/mlflow";

bool contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

#define VERIFY_CONTAINS(text, part)                                                                                    \
    QVERIFY2(contains((text), (part)), ("'" + std::string(part) + "' not in: " + (text)).c_str())

/** The request bodies of the transcript exactly as recorded (the server's copy is normalized). */
std::map<int, json> recordedRequestBodies()
{
    std::map<int, json> bodies;
    QFile file(ReplayServer::defaultTranscript());
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read the transcript");
    while (!file.atEnd()) {
        const QByteArray line = file.readLine().trimmed();
        if (line.isEmpty())
            continue;
        const json exchange = json::parse(line.cbegin(), line.cend());
        bodies[exchange.at("seq").get<int>()] = exchange.value("request_body", json());
    }
    return bodies;
}

/** A recorded write and how the store is asked to make it. */
struct RecordedWrite
{
    int seq;
    std::function<Status(RestStore&)> make;
};

Status statusOf(const Result<ModelVersion>& result)
{
    if (!result)
        return result.error();
    return Done {};
}

} // namespace

class TestRestWrites : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<ReplayServer> m_server;
    std::unique_ptr<RestStore> m_store;
    std::map<int, json> m_recorded;

    std::unique_ptr<RestStore> openStore(const std::function<void(RestConnection&)>& tweak = {})
    {
        RestConnection c;
        c.baseUrl = m_server->baseUrl();
        c.maxRetries = 2; // reads may be retried; the tests check that writes never are
        c.backoffFactorMs = 1;
        c.backoffJitterMs = 0;
        if (tweak)
            tweak(c);
        auto store = RestStore::open(c);
        if (!store) {
            qWarning("%s", store.error().toString().c_str());
            return nullptr;
        }
        return std::move(store.value());
    }

    std::vector<ReplayRequest> requestsTo(const std::string& endpoint) const
    {
        std::vector<ReplayRequest> found;
        for (auto& r : m_server->requests()) {
            if (r.path == kApi + endpoint)
                found.push_back(std::move(r));
        }
        return found;
    }

    static json bodyOf(const ReplayRequest& request)
    {
        return json::parse(request.body.cbegin(), request.body.cend(), nullptr, false);
    }

private slots:
    void initTestCase()
    {
        m_server = std::make_unique<ReplayServer>(ReplayServer::defaultTranscript());
        QVERIFY(m_server->start());
        m_recorded = recordedRequestBodies();
        m_store = openStore();
        QVERIFY(m_store);
    }

    void init()
    {
        m_server->setHandler({});
        m_server->clearLog();
    }

    void capabilitiesOfferWrites()
    {
        const Capabilities caps = m_store->capabilities();
        QVERIFY(has(caps, Capability::WriteRuns));
        QVERIFY(has(caps, Capability::WriteRegistry));
        QVERIFY(has(caps, Capability::Registry));
        QVERIFY(has(caps, Capability::ServerSideSearch));
    }

    void recordedWrites_data()
    {
        QTest::addColumn<int>("seq");
        QTest::addColumn<bool>("succeeds");
        const std::vector<std::pair<int, bool>> cases {{91, true}, {92, true}, {93, true}, {94, true}, {105, true},
            {107, true}, {113, true}, {114, true}, {115, true}, {116, false}, {117, true}, {118, true}, {122, true},
            {124, true}, {125, true}, {126, true}, {127, true}};
        for (const auto& [seq, succeeds] : cases) {
            const std::string name = std::to_string(seq) + " " + m_server->exchange(seq).name;
            QTest::newRow(name.c_str()) << seq << succeeds;
        }
    }

    // The store sends what the recorded client sent (same method, endpoint, JSON body, JSON content
    // type), the transcript answers it, and the store reports what the server answered.
    void recordedWrites()
    {
        QFETCH(int, seq);
        QFETCH(bool, succeeds);
        static const std::map<int, std::function<Status(RestStore&)>> writes {
            {91, [](RestStore& s) { return s.setRunTag(kRun, "reviewed", "yes"); }},
            {92,
                [](RestStore& s) {
                    return s.setRunTag(kRun, "mlflow.note.content", "# Title\nmarkdown *description*");
                }},
            {93, [](RestStore& s) { return s.deleteRunTag(kRun, "stage"); }},
            {94, [](RestStore& s) { return s.renameRun(kRun, "rest-run-renamed"); }},
            {105, [](RestStore& s) { return s.deleteRun(kRun); }},
            {107, [](RestStore& s) { return s.restoreRun(kRun); }},
            {113, [](RestStore& s) { return statusOf(s.transitionModelVersionStage(kModel, 1, "Staging", false)); }},
            {114, [](RestStore& s) { return statusOf(s.transitionModelVersionStage(kModel, 2, "Production", false)); }},
            {115, [](RestStore& s) { return statusOf(s.transitionModelVersionStage(kModel, 3, "production", true)); }},
            {116, [](RestStore& s) { return statusOf(s.transitionModelVersionStage(kModel, 1, "Bogus", false)); }},
            {117, [](RestStore& s) { return s.setModelAlias(kModel, "champion", 3); }},
            {118, [](RestStore& s) { return s.setModelAlias(kModel, "old", 1); }},
            {122, [](RestStore& s) { return s.deleteModelAlias(kModel, "champion"); }},
            {124, [](RestStore& s) { return s.updateModelVersionDescription(kModel, 1, "edited"); }},
            {125, [](RestStore& s) { return s.updateRegisteredModelDescription(kModel, "edited model"); }},
            {126, [](RestStore& s) { return s.setModelVersionTag(kModel, 2, "qa", "passed"); }},
            {127, [](RestStore& s) { return s.setRegisteredModelTag(kModel, "team", "rest"); }},
        };
        const auto& exchange = m_server->exchange(seq);
        const Status status = writes.at(seq)(*m_store);

        const auto unmatched = m_server->unmatched();
        QVERIFY2(unmatched.empty(), unmatched.empty() ? "" : unmatched.front().c_str());
        std::vector<ReplayRequest> sent;
        for (auto& r : m_server->requests()) {
            if (r.path == exchange.path)
                sent.push_back(std::move(r));
        }
        QCOMPARE(sent.size(), std::size_t(1)); // sent once, never repeated
        const ReplayRequest& request = sent.front();
        QCOMPARE(request.method.toStdString(), exchange.method);
        QVERIFY(request.query.empty()); // DELETE parameters belong in the body (exchange 121)
        QVERIFY(request.header("content-type").startsWith("application/json"));
        const json body = bodyOf(request);
        QVERIFY2(body.is_object(), request.body.constData());
        QCOMPARE(body.dump(), m_recorded.at(seq).dump()); // as JSON: nlohmann's objects are key-ordered

        QCOMPARE(bool(status), succeeds);
        if (!succeeds) {
            QCOMPARE(status.error().code, ErrorCode::InvalidParameterValue);
            QCOMPARE(status.error().message, exchange.responseJson.at("message").get<std::string>());
        }
    }

    // MLflow's client reads the run first and sends its status and end time with the new name (old
    // servers would otherwise reset them); the rename is then exactly recorded exchange 94.
    void renameReadsTheRunFirst()
    {
        QVERIFY(m_store->renameRun(kRun, "rest-run-renamed"));
        const auto requests = m_server->requests();
        QCOMPARE(requests.size(), std::size_t(2));
        QCOMPARE(requests[0].path, std::string(kApi) + "/runs/get");
        QCOMPARE(requests[0].queryValue("run_id"), std::string(kRun));
        QCOMPARE(requests[1].path, std::string(kApi) + "/runs/update");
        const json body = bodyOf(requests[1]);
        QCOMPARE(body.at("status").get<std::string>(), std::string("FINISHED"));
        QCOMPARE(body.at("end_time").get<std::int64_t>(), std::int64_t(1735689700000));
    }

    void renameOfAMissingRunSendsNoUpdate()
    {
        m_server->setHandler([](const ReplayRequest& r) -> std::optional<ReplayResponse> {
            if (r.path == std::string(kApi) + "/runs/get") {
                return ReplayResponse::json(
                    404, {{"error_code", "RESOURCE_DOES_NOT_EXIST"}, {"message", "Run with id=nope not found"}});
            }
            return std::nullopt;
        });
        const Status status = m_store->renameRun("nope", "x");
        QVERIFY(!status);
        QCOMPARE(status.error().code, ErrorCode::ResourceDoesNotExist);
        QCOMPARE(status.error().message, std::string("Run with id=nope not found"));
        QCOMPARE(m_server->requestCount(std::string(kApi) + "/runs/update"), 0);
    }

    void transitionReturnsTheUpdatedVersion()
    {
        auto version = m_store->transitionModelVersionStage(kModel, 3, "production", true);
        QVERIFY2(version, version ? "" : version.error().toString().c_str());
        const json& recorded = m_server->exchange(115).responseJson.at("model_version");
        QCOMPARE(version->name, std::string(kModel));
        QCOMPARE(version->version, std::int64_t(3));
        QCOMPARE(version->currentStage, std::string("Production"));
        QCOMPARE(version->lastUpdatedTimestamp, recorded.at("last_updated_timestamp").get<std::int64_t>());
        QCOMPARE(version->description.value_or(std::string()), std::string("version 3"));
    }

    // MLflow raises this without an error code (a bare 500); the store says what is wrong instead,
    // and sends nothing.
    void archiveExistingOnlyForActiveStages()
    {
        for (const char* stage : {"Archived", "none", "NONE"}) {
            auto version = m_store->transitionModelVersionStage(kModel, 1, stage, true);
            QVERIFY(!version);
            QCOMPARE(version.error().code, ErrorCode::InvalidParameterValue);
            VERIFY_CONTAINS(version.error().message, "not an Active stage");
        }
        QCOMPARE(m_server->requestCount(), 0);
    }

    // Not in the transcript: the DELETE endpoints with a JSON body (formats §C.2).
    void deleteTagsSendJsonBodies()
    {
        m_server->setHandler([](const ReplayRequest& r) -> std::optional<ReplayResponse> {
            if (r.method == "DELETE")
                return ReplayResponse::json(200, json::object());
            return std::nullopt;
        });
        QVERIFY(m_store->deleteRegisteredModelTag(kModel, "team"));
        QVERIFY(m_store->deleteModelVersionTag(kModel, 2, "qa"));
        const auto model = requestsTo("/registered-models/delete-tag");
        QCOMPARE(model.size(), std::size_t(1));
        QCOMPARE(model[0].method, QByteArray("DELETE"));
        QVERIFY(model[0].header("content-type").startsWith("application/json"));
        QCOMPARE(bodyOf(model[0]).dump(), json({{"name", kModel}, {"key", "team"}}).dump());
        const auto version = requestsTo("/model-versions/delete-tag");
        QCOMPARE(version.size(), std::size_t(1));
        QCOMPARE(version[0].method, QByteArray("DELETE"));
        QCOMPARE(bodyOf(version[0]).dump(), json({{"name", kModel}, {"version", "2"}, {"key", "qa"}}).dump());
    }

    // A proxy may swallow the "{}" of endpoints that answer nothing; that is still a success.
    void emptySuccessBodyIsFine()
    {
        m_server->setHandler([](const ReplayRequest&) -> std::optional<ReplayResponse> {
            return ReplayResponse::text(200, "application/json", QByteArray());
        });
        QVERIFY(m_store->setRunTag(kRun, "reviewed", "yes"));
    }

    void permissionDeniedAsText()
    {
        // What MLflow's basic-auth app answers a user without the permission.
        m_server->setHandler([](const ReplayRequest&) -> std::optional<ReplayResponse> {
            return ReplayResponse::text(403, "text/plain; charset=utf-8", "Permission denied");
        });
        const Status status = m_store->setRunTag(kRun, "reviewed", "yes");
        QVERIFY(!status);
        QCOMPARE(status.error().code, ErrorCode::PermissionDenied);
        VERIFY_CONTAINS(status.error().message, "refused to set tag 'reviewed' of run " + std::string(kRun));
        VERIFY_CONTAINS(status.error().message, "Permission denied");
        QCOMPARE(m_server->requestCount(), 1);
    }

    void permissionDeniedAsJson()
    {
        m_server->setHandler([](const ReplayRequest&) -> std::optional<ReplayResponse> {
            return ReplayResponse::json(403,
                {{"error_code", "PERMISSION_DENIED"}, {"message", "User bob cannot edit model rest-scratch-model"}});
        });
        auto version = m_store->transitionModelVersionStage(kModel, 1, "Staging", false);
        QVERIFY(!version);
        QCOMPARE(version.error().code, ErrorCode::PermissionDenied);
        VERIFY_CONTAINS(version.error().message, "User bob cannot edit model rest-scratch-model");
        VERIFY_CONTAINS(version.error().message, "move rest-scratch-model version 1 to Staging");
        QCOMPARE(m_server->requestCount(), 1);
    }

    void missingTagIsResourceDoesNotExist()
    {
        const std::string message = "No tag with name: nope in run with id " + std::string(kRun);
        m_server->setHandler([&](const ReplayRequest&) -> std::optional<ReplayResponse> {
            return ReplayResponse::json(404, {{"error_code", "RESOURCE_DOES_NOT_EXIST"}, {"message", message}});
        });
        const Status status = m_store->deleteRunTag(kRun, "nope");
        QVERIFY(!status);
        QCOMPARE(status.error().code, ErrorCode::ResourceDoesNotExist);
        QCOMPARE(status.error().message, message); // the server's words
    }

    // An HTML error page from the server or a proxy: an opaque error with an excerpt, not retried
    // although the connection allows retries (the write may have been applied before the failure).
    void htmlInternalErrorIsNotRetried_data()
    {
        QTest::addColumn<int>("httpStatus");
        QTest::addColumn<int>("code");
        QTest::newRow("500") << 500 << int(ErrorCode::InternalError);
        QTest::newRow("502") << 502 << int(ErrorCode::NetworkError);
        QTest::newRow("503") << 503 << int(ErrorCode::TemporarilyUnavailable);
        QTest::newRow("429") << 429 << int(ErrorCode::RequestLimitExceeded);
    }

    void htmlInternalErrorIsNotRetried()
    {
        QFETCH(int, httpStatus);
        QFETCH(int, code);
        m_server->setHandler([httpStatus](const ReplayRequest&) -> std::optional<ReplayResponse> {
            return ReplayResponse::text(httpStatus, "text/html",
                "<!doctype html><html><head><title>Internal Server Error</title></head><body><h1>Internal Server "
                "Error</h1><p>The server encountered an internal error.</p></body></html>");
        });
        const Status status = m_store->deleteRun(kRun);
        QVERIFY(!status);
        QCOMPARE(int(status.error().code), code);
        VERIFY_CONTAINS(status.error().message, "HTTP " + std::to_string(httpStatus));
        VERIFY_CONTAINS(status.error().message, "The server encountered an internal error.");
        QVERIFY(!contains(status.error().message, "<h1>"));
        QCOMPARE(m_server->requestCount(), 1);
    }

    void brokenSuccessReplyIsAnError()
    {
        m_server->setHandler([](const ReplayRequest&) -> std::optional<ReplayResponse> {
            return ReplayResponse::text(200, "text/html", "<html><body>Sign in</body></html>");
        });
        const Status status = m_store->updateRegisteredModelDescription(kModel, "x");
        QVERIFY(!status);
        QCOMPARE(status.error().code, ErrorCode::InternalError);
        VERIFY_CONTAINS(status.error().message, "not a JSON object");
        VERIFY_CONTAINS(status.error().message, "Sign in");
    }

    // No answer within the timeout: the request reached the server, which may have applied it, so it
    // is not sent again and the error says so.
    void timeoutIsNotRetried()
    {
        auto store = openStore([](RestConnection& c) { c.timeoutMs = 300; });
        QVERIFY(store);
        m_server->clearLog();
        m_server->setHandler([](const ReplayRequest& r) -> std::optional<ReplayResponse> {
            if (r.path != std::string(kApi) + "/registered-models/alias")
                return std::nullopt;
            ReplayResponse never;
            never.hang = true;
            return never;
        });
        const Status status = store->setModelAlias(kModel, "champion", 3);
        QVERIFY(!status);
        QCOMPARE(status.error().code, ErrorCode::NetworkError);
        VERIFY_CONTAINS(status.error().message, "MLFLOW_HTTP_REQUEST_TIMEOUT");
        VERIFY_CONTAINS(status.error().message, "not sent again, because the server may have received it");
        QCOMPARE(m_server->requestCount(std::string(kApi) + "/registered-models/alias"), 1);
        // The store still works afterwards.
        m_server->setHandler({});
        QVERIFY(store->setModelAlias(kModel, "champion", 3));
    }

    // The server went away after the store was opened: connection refused, a clear error.
    void serverGoneIsAClearError()
    {
        auto gone = std::make_unique<ReplayServer>(ReplayServer::defaultTranscript());
        QVERIFY(gone->start());
        RestConnection c;
        c.baseUrl = gone->baseUrl();
        auto store = RestStore::open(c);
        QVERIFY(store);
        gone.reset();
        const Status status = (*store)->restoreRun(kRun);
        QVERIFY(!status);
        QCOMPARE(status.error().code, ErrorCode::NetworkError);
        VERIFY_CONTAINS(status.error().message, "cannot reach the tracking server");
        VERIFY_CONTAINS(
            status.error().message, "nothing was changed (could not restore run " + std::string(kRun) + ")");
        QVERIFY(!contains(status.error().message, "may have received it"));
    }
};

QTEST_GUILESS_MAIN(TestRestWrites)
#include "tst_restwrites.moc"
