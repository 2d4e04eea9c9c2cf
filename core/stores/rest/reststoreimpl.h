// SPDX-License-Identifier: Apache-2.0
#pragma once

// RestStore's private parts, shared by its own files (reststore.cpp, restregistry.cpp,
// restwrites.cpp) and included by nothing else.

#include "artifactpath.h"
#include "net/httpclient.h"
#include "stores/rest/mlflowjson.h"
#include "stores/rest/reststore.h"

#include <functional>
#include <mutex>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

namespace runlens {

namespace restdetail {

using json = nlohmann::json;

constexpr const char* kApi = "/api/2.0/mlflow";
constexpr std::size_t kExcerptChars = 200;
/**
 * Deepest nesting of objects and lists accepted in a reply. MLflow's go about eight deep; a reply
 * nested millions deep would overflow the stack of anything that walks it recursively.
 */
constexpr int kMaxJsonDepth = 100;

/** MLflow's name of a view type in requests: ACTIVE_ONLY, DELETED_ONLY, ALL. */
std::string viewTypeName(ViewType view);
/**
 * A short, single-line view of a body for error messages: tags of HTML pages dropped, whitespace
 * collapsed, cut at kExcerptChars.
 */
std::string excerpt(const QByteArray& body);
/** The error code an HTTP status stands for when the body has no MLflow error in it. */
ErrorCode codeForStatus(int status);
/**
 * Whether a body's objects and lists nest deeper than kMaxJsonDepth, from a scan of its brackets
 * outside strings (cheap, and safe on any input, unlike parsing it first).
 */
bool nestsTooDeep(const QByteArray& body);
/** JSON text of `value` cut at about `maxChars`, without serializing the rest of it. */
std::string dumpExcerpt(const json& value, std::size_t maxChars = 100);

} // namespace restdetail

// A private header: the store's own files use these names as if they were their own.
using namespace restdetail;

struct RestStore::Impl
{
    std::unique_ptr<HttpClient> http;
    RestConnection connection;
    std::string version;

    // Writes go through their own client that never repeats a request (maxRetries 0). A write is
    // not idempotent in general (delete-tag twice fails the second time, a rename may race with
    // another client), and after a timeout, a dropped connection or a 5xx the request may well have
    // reached the server and taken effect; sending it again could apply it twice or undo someone
    // else's change. Even 429/503 are not repeated: a proxy can answer them after passing the
    // request on. Only a request that provably never left (connection refused) would be safe to
    // repeat, and HttpClient does not repeat writes then either; the person sees the error and
    // decides. Created on the first write, so read-only sessions pay nothing for it.
    mutable std::mutex writeClientMutex;
    mutable std::unique_ptr<HttpClient> writeClient;

    Result<HttpClient*> writer() const
    {
        std::lock_guard lock(writeClientMutex);
        if (!writeClient) {
            RestConnection once = connection;
            once.maxRetries = 0;
            auto created = HttpClient::create(once);
            if (!created)
                return created.error();
            writeClient = std::move(*created);
        }
        return writeClient.get();
    }

    /**
     * Sends one write (`what` says what it does, for messages: "rename run 1a2b") and returns the
     * reply's JSON object. MLflow's own errors keep the server's code and message; a refusal, a
     * timeout or a broken reply says what was being attempted and whether it may have happened.
     */
    Result<json> write(HttpRequest request, const std::string& what) const
    {
        request.idempotent = false;
        request.retryInternalError = false;
        auto client = writer();
        if (!client)
            return client.error();
        auto reply = (*client)->send(request, nullptr);
        if (!reply) {
            StoreError error = reply.error();
            // HttpClient words a connection that could not be made (refused, unknown host) this way:
            // then the request never left and nothing changed; any other failure happened after sending.
            const bool neverSent = error.message.rfind("cannot reach the tracking server", 0) == 0;
            if (error.code == ErrorCode::NetworkError && neverSent) {
                error.message += "; nothing was changed (could not " + what + ")";
            } else if (error.code == ErrorCode::NetworkError) {
                error.message += "; the request to " + what
                    + " was not sent again, because the server may have received it: reload to see whether it "
                      "took effect";
            }
            return error;
        }
        if (reply->status < 200 || reply->status >= 300) {
            StoreError error = errorFromReply(request, *reply);
            if (error.code == ErrorCode::PermissionDenied) {
                error.message
                    = connection.displayUrl() + " refused to " + what + " for the credentials in use: " + error.message;
            }
            return error;
        }
        if (reply->body.trimmed().isEmpty())
            return json::object(); // some proxies drop the "{}" of the endpoints that answer nothing
        const std::string answered = "the server answered the request to " + what + " (" + where(request) + ", HTTP "
            + std::to_string(reply->status) + ")";
        if (nestsTooDeep(reply->body)) {
            return StoreError {ErrorCode::InternalError,
                answered + " with JSON that nests deeper than " + std::to_string(kMaxJsonDepth)
                    + " levels; reload to see whether the change was made"};
        }
        const json body = json::parse(reply->body.cbegin(), reply->body.cend(), nullptr, false);
        if (!body.is_object()) {
            return StoreError {ErrorCode::InternalError,
                answered + " with something that is not a JSON object: " + excerpt(reply->body)
                    + "; reload to see whether the change was made"};
        }
        return body;
    }

    Status writeStatus(HttpRequest request, const std::string& what) const
    {
        auto reply = write(std::move(request), what);
        if (!reply)
            return reply.error();
        return Done {};
    }

    HttpRequest jsonRequest(std::string method, const std::string& endpoint, const json& body) const
    {
        HttpRequest request = api(std::move(method), endpoint);
        request.jsonBody = body.dump();
        return request;
    }

    HttpRequest api(std::string method, const std::string& endpoint) const
    {
        HttpRequest request;
        request.method = std::move(method);
        request.path = std::string(kApi) + endpoint;
        return request;
    }

    std::string where(const HttpRequest& request) const { return request.method + " " + http->urlFor(request); }

    StoreError errorFromReply(const HttpRequest& request, const HttpResponse& reply) const
    {
        StoreError error = errorFromBody(request, reply);
        error.message += reply.retryNote;
        return error;
    }

    StoreError errorFromBody(const HttpRequest& request, const HttpResponse& reply) const
    {
        // MLflow's own errors: {"error_code": "...", "message": "..."}, with the server's wording.
        const json body
            = nestsTooDeep(reply.body) ? json() : json::parse(reply.body.cbegin(), reply.body.cend(), nullptr, false);
        if (body.is_object()) {
            const auto code = body.find("error_code");
            const auto message = body.find("message");
            if (code != body.end() && code->is_string()) {
                const std::string name = code->get<std::string>();
                ErrorCode mapped = errorCodeFromName(name);
                if (mapped == ErrorCode::InternalError && name != "INTERNAL_ERROR")
                    mapped = codeForStatus(reply.status); // a code this version does not know
                std::string text = message != body.end() && message->is_string() ? message->get<std::string>()
                                                                                 : name + " (no message)";
                return StoreError {mapped, std::move(text)};
            }
        }
        std::string text = where(request) + " failed with HTTP " + std::to_string(reply.status);
        const std::string shown = excerpt(reply.body);
        if (!shown.empty())
            text += ": " + shown;
        switch (reply.status) {
        case 401:
            text += " (the server wants credentials: set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD, "
                    "or MLFLOW_TRACKING_TOKEN)";
            break;
        case 403:
            text += " (the credentials in use may not do this)";
            break;
        case 404:
        case 405:
            text += " (the server does not offer this endpoint; it may be too old or not an MLflow server)";
            break;
        default:
            break;
        }
        return StoreError {codeForStatus(reply.status), std::move(text)};
    }

    /** Sends a request and returns the JSON object it answers with, or a clear error. */
    Result<json> call(const HttpRequest& request, TaskControl* control) const
    {
        auto reply = http->send(request, control);
        if (!reply)
            return reply.error();
        if (reply->status < 200 || reply->status >= 300)
            return errorFromReply(request, *reply);
        const std::string context = "the reply to " + where(request) + " (HTTP " + std::to_string(reply->status) + ")";
        if (reply->body.isEmpty())
            return StoreError {ErrorCode::InternalError, context + " is empty where a JSON object was expected"};
        if (nestsTooDeep(reply->body)) {
            return StoreError {ErrorCode::InternalError,
                context + " nests deeper than " + std::to_string(kMaxJsonDepth)
                    + " levels, which no MLflow reply does; it was not read"};
        }
        try {
            json body = json::parse(reply->body.cbegin(), reply->body.cend());
            if (!body.is_object()) {
                return StoreError {
                    ErrorCode::InternalError, context + " is JSON but not an object: " + excerpt(reply->body)};
            }
            return body;
        } catch (const json::parse_error& e) {
            if (reply->contentType.find("text/html") != std::string::npos) {
                return StoreError {ErrorCode::InternalError,
                    context + " is an HTML page, not JSON (a login page or a proxy's page in front of the server?): "
                        + excerpt(reply->body)};
            }
            std::string reason = e.what();
            if (const auto pos = reason.find("] "); pos != std::string::npos)
                reason = reason.substr(pos + 2); // drop nlohmann's "[json.exception.parse_error.101] "
            return StoreError {ErrorCode::InternalError,
                context + " is not valid JSON (" + reason + "); it begins: " + excerpt(reply->body)};
        }
    }

    /** The object field `name` of a reply, or an error naming the endpoint. */
    Result<const json*> member(const json& reply, const char* name, const HttpRequest& request) const
    {
        const auto it = reply.find(name);
        if (it == reply.end() || !it->is_object()) {
            return StoreError {ErrorCode::InternalError,
                "the reply to " + where(request) + " has no '" + name + "' object: " + dumpExcerpt(reply, 200)};
        }
        return &*it;
    }

    /**
     * Walks a paged endpoint: builds each request from the page token, hands each page to onPage
     * (which may stop early) and follows next_page_token until the server gives none. A token seen
     * twice means the server's paging does not advance (servers ~3.1-3.4 do that for get-history
     * without max_results); that is an error rather than an endless loop, and so is a server that
     * hands out a new token on every page past the connection's page budget.
     */
    Status forEachPage(const std::function<HttpRequest(const std::string& token)>& makeRequest, TaskControl* control,
        const std::function<Status(const json& page, const HttpRequest& request, bool& stop)>& onPage) const
    {
        std::string token;
        std::set<std::string> seen;
        for (int page = 1;; ++page) {
            const HttpRequest request = makeRequest(token);
            if (page > connection.maxPagesPerRead) {
                return StoreError {ErrorCode::InternalError,
                    "the server still had more pages of " + where(request) + " after "
                        + std::to_string(connection.maxPagesPerRead)
                        + " pages, the page budget of one read: its paging seems never to end, so the read was "
                          "stopped"};
            }
            if (isCancelled(control))
                return StoreError {ErrorCode::Cancelled, "cancelled: " + request.describe()};
            auto reply = call(request, control);
            if (!reply)
                return reply.error();
            bool stop = false;
            auto status = onPage(*reply, request, stop);
            if (!status)
                return status;
            const auto next = reply->find("next_page_token");
            if (stop || next == reply->end() || next->is_null())
                return Done {};
            if (!next->is_string()) {
                return StoreError {ErrorCode::InternalError,
                    "the reply to " + where(request)
                        + " has a next_page_token that is not a string: " + dumpExcerpt(*next)};
            }
            std::string nextToken = next->get<std::string>();
            if (nextToken.empty())
                return Done {};
            if (!seen.insert(nextToken).second) {
                return StoreError {ErrorCode::InternalError,
                    "the server repeats the page token '" + nextToken.substr(0, 60) + "' for " + request.describe()
                        + " after " + std::to_string(page)
                        + " pages: its paging does not advance, so the listing would never end"};
            }
            token = std::move(nextToken);
        }
    }

    /** Applies `read` to each item of the list `name`, or fails when `name` is not a list. */
    template<typename F>
    Status forEachItem(const json& page, const char* name, const HttpRequest& request, F&& read) const
    {
        const auto list = page.find(name);
        if (list == page.end() || list->is_null())
            return Done {}; // proto3 leaves out empty lists; {} is an empty page
        if (!list->is_array()) {
            return StoreError {ErrorCode::InternalError,
                "the reply to " + where(request) + " has '" + name + "' that is not a list: " + dumpExcerpt(*list)};
        }
        std::size_t index = 0;
        for (const auto& item : *list) {
            auto status = read(item, index++);
            if (!status)
                return status;
        }
        return Done {};
    }

    static std::string itemId(const json& item, const char* outer, const char* field)
    {
        const json* obj = &item;
        if (outer) {
            const auto it = item.is_object() ? item.find(outer) : item.end();
            if (it == item.end())
                return {};
            obj = &*it;
        }
        if (!obj->is_object())
            return {};
        const auto id = obj->find(field);
        return id != obj->end() && id->is_string() ? id->get<std::string>() : std::string();
    }

    Result<ExperimentList> experiments(ViewType view, TaskControl* control) const
    {
        ExperimentList list;
        auto status = forEachPage(
            [&](const std::string& token) {
                auto request = api("POST", "/experiments/search");
                json body = json::object();
                // max_results is required in practice: without it servers answer 400.
                body["max_results"] = connection.experimentsPageSize > 0 ? connection.experimentsPageSize : 1000;
                body["view_type"] = viewTypeName(view);
                if (!token.empty())
                    body["page_token"] = token;
                request.jsonBody = body.dump();
                return request;
            },
            control,
            [&](const json& page, const HttpRequest& request, bool&) {
                auto s = forEachItem(page, "experiments", request, [&](const json& item, std::size_t i) -> Status {
                    auto experiment = mlflowjson::experimentFromJson(item);
                    if (experiment) {
                        list.experiments.push_back(std::move(*experiment));
                    } else {
                        const std::string id = itemId(item, nullptr, "experiment_id");
                        list.problems.push_back(Problem {request.describe() + " experiments[" + std::to_string(i) + "]"
                                + (id.empty() ? "" : " (experiment " + id + ")"),
                            experiment.error().message});
                    }
                    return Done {};
                });
                if (control)
                    control->report(static_cast<std::int64_t>(list.experiments.size()), 0);
                return s;
            });
        if (!status)
            return status.error();
        return list;
    }

    Result<std::vector<FileInfo>> listArtifacts(const std::string& runId, const std::string& path) const
    {
        auto relative = safeArtifactPath(path);
        if (!relative)
            return relative.error();
        auto request = api("GET", "/artifacts/list");
        request.query = {{"run_id", runId}};
        if (!relative->empty())
            request.query.emplace_back("path", *relative);
        auto reply = call(request, nullptr);
        if (!reply)
            return reply.error();
        std::vector<FileInfo> files;
        auto status = forEachItem(*reply, "files", request, [&](const json& item, std::size_t i) -> Status {
            auto file = mlflowjson::fileInfoFromJson(item);
            if (!file) {
                return StoreError {ErrorCode::InternalError,
                    "the reply to " + where(request) + " has a broken entry files[" + std::to_string(i)
                        + "]: " + file.error().message};
            }
            // A path that leaves the run's folder, or an entry that is not a child of the listed
            // folder, would let a download write elsewhere or recurse forever.
            auto safe = safeArtifactPath(file->path);
            if (!safe || *safe != file->path || !isDirectChild(*relative, file->path)) {
                return StoreError {ErrorCode::InternalError,
                    "the server listed '" + file->path + "' in the artifact folder '" + *relative + "' of run " + runId
                        + ", which is not an entry of that folder; the listing was refused"};
            }
            files.push_back(std::move(*file));
            return Done {};
        });
        if (!status)
            return status.error();
        std::sort(files.begin(), files.end(), [](const FileInfo& a, const FileInfo& b) { return a.path < b.path; });
        return files;
    }
};

} // namespace runlens
