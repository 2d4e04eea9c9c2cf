// SPDX-License-Identifier: Apache-2.0
#include "reststore.h"

#include "httpclient.h"
#include "mlflowjson.h"
#include "restpath.h"
#include "runsearch.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <mutex>
#include <regex>
#include <set>

#include <nlohmann/json.hpp>

namespace runlens {

namespace {

using json = nlohmann::json;

constexpr const char* kApi = "/api/2.0/mlflow";
constexpr std::size_t kExcerptChars = 200;

std::string viewTypeName(ViewType view)
{
    switch (view) {
    case ViewType::ActiveOnly:
        return "ACTIVE_ONLY";
    case ViewType::DeletedOnly:
        return "DELETED_ONLY";
    case ViewType::All:
        return "ALL";
    }
    return "ACTIVE_ONLY";
}

// A short, single-line view of a body for error messages: tags of HTML pages dropped, whitespace
// collapsed, cut at kExcerptChars.
std::string excerpt(const QByteArray& body)
{
    std::string text;
    bool inTag = false;
    bool space = false;
    for (const char c : body) {
        if (c == '<') {
            inTag = true;
            continue;
        }
        if (inTag) {
            if (c == '>') {
                inTag = false;
                space = true;
            }
            continue;
        }
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
            space = true;
            continue;
        }
        if (space && !text.empty())
            text += ' ';
        space = false;
        text += c;
        if (text.size() >= kExcerptChars) {
            text += "...";
            break;
        }
    }
    return text;
}

ErrorCode codeForStatus(int status)
{
    switch (status) {
    case 400:
        return ErrorCode::BadRequest;
    case 401:
        return ErrorCode::Unauthenticated;
    case 403:
        return ErrorCode::PermissionDenied;
    case 404:
        return ErrorCode::ResourceDoesNotExist;
    case 405:
    case 501:
        return ErrorCode::NotImplemented;
    case 409:
        return ErrorCode::ResourceAlreadyExists;
    case 408:
    case 502:
    case 504:
        return ErrorCode::NetworkError;
    case 429:
        return ErrorCode::RequestLimitExceeded;
    case 503:
        return ErrorCode::TemporarilyUnavailable;
    default:
        return status >= 400 && status < 500 ? ErrorCode::BadRequest : ErrorCode::InternalError;
    }
}

std::string quoteForFilter(const std::string& value)
{
    // MLflow's filter strings have no escapes: only the outer quotes are removed (formats §D.1).
    if (value.find('\'') == std::string::npos)
        return "'" + value + "'";
    return "\"" + value + "\"";
}

bool isPrompt(const std::vector<KeyValue>& tags)
{
    const std::string* flag = findValue(tags, "mlflow.prompt.is_prompt");
    return flag && *flag == "true";
}

// Something like "2.22.1.dev0" or "3.6.0": what a real /version answers, unlike an HTML page.
bool looksLikeVersion(const std::string& text)
{
    static const std::regex pattern(R"(^\d+\.\d+[0-9A-Za-z.+-]*$)");
    return text.size() <= 64 && std::regex_match(text, pattern);
}

// True when the filter groups with parentheses (a Runlens extension), as opposed to the value lists
// of IN / NOT IN, the only parentheses MLflow's grammar has.
bool hasGroupingParentheses(std::string_view filter)
{
    char quote = 0;
    std::string lastWord;
    std::string word;
    for (const char c : filter) {
        if (quote) {
            if (c == quote)
                quote = 0;
            continue;
        }
        if (c == '\'' || c == '"' || c == '`') {
            quote = c;
            word.clear();
            lastWord.clear();
            continue;
        }
        const bool letter
            = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
        if (letter) {
            word += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
            continue;
        }
        if (!word.empty()) {
            lastWord = std::move(word);
            word.clear();
        }
        if (c == '(') {
            if (lastWord != "IN")
                return true;
            lastWord.clear();
        } else if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
            lastWord.clear();
        }
    }
    return false;
}

/** How a run query is split between the server and this client. */
struct RunQueryPlan
{
    std::string serverFilter;
    std::vector<std::string> serverOrderBy;
    std::optional<RunSearch> localFilter; // set when the server cannot evaluate the whole filter
    std::optional<RunSearch> localOrder; // set when the server cannot order
};

// MLflow's language goes to the server as written, so its answers and errors are MLflow's own.
// Runlens's extensions (OR, NOT, grouping) send the AND-ed comparisons MLflow understands, which
// every matching run satisfies, and the rest is evaluated here with the SQL store's semantics,
// which is what servers mostly run on.
RunQueryPlan planRunQuery(const RunQuery& query)
{
    RunQueryPlan plan;
    plan.serverFilter = query.filter;
    plan.serverOrderBy = query.orderBy;
    auto search = RunSearch::parse(query.filter, query.orderBy);
    if (!search)
        return plan; // the server is the judge of its own language, and words its own errors
    const auto compatible = search->mlflowCompatibleFilter();
    if (!compatible) {
        plan.serverFilter = search->mlflowServerFilter();
        plan.localFilter = *search;
    } else if (hasGroupingParentheses(query.filter)) {
        plan.serverFilter = *compatible;
    }
    if (!search->mlflowOrderBy()) {
        plan.serverOrderBy.clear();
        plan.localOrder = *search;
    }
    return plan;
}

// MLflow's get_canonical_stage: case-insensitive input, canonical capitalization; nullopt when unknown.
std::optional<std::string> canonicalStage(const std::string& stage)
{
    for (const char* known : {"None", "Staging", "Production", "Archived"}) {
        const std::string_view name(known);
        if (name.size() == stage.size() && std::equal(name.begin(), name.end(), stage.begin(), [](char a, char b) {
                return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
            }))
            return std::string(name);
    }
    return std::nullopt;
}

} // namespace

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
        const json body = json::parse(reply->body.cbegin(), reply->body.cend(), nullptr, false);
        if (!body.is_object()) {
            return StoreError {ErrorCode::InternalError,
                "the server answered the request to " + what + " (" + where(request) + ", HTTP "
                    + std::to_string(reply->status) + ") with something that is not a JSON object: "
                    + excerpt(reply->body) + "; reload to see whether the change was made"};
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
        // MLflow's own errors: {"error_code": "...", "message": "..."}, with the server's wording.
        const json body = json::parse(reply.body.cbegin(), reply.body.cend(), nullptr, false);
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
        try {
            json body = json::parse(reply->body.cbegin(), reply->body.cend());
            if (!body.is_object()) {
                return StoreError {
                    ErrorCode::InternalError, context + " is JSON but not an object: " + excerpt(reply->body)};
            }
            return body;
        } catch (const json::parse_error& e) {
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
                "the reply to " + where(request) + " has no '" + name + "' object: " + reply.dump().substr(0, 200)};
        }
        return &*it;
    }

    /**
     * Walks a paged endpoint: builds each request from the page token, hands each page to onPage
     * (which may stop early) and follows next_page_token until the server gives none. A token seen
     * twice means the server's paging does not advance (servers ~3.1-3.4 do that for get-history
     * without max_results); that is an error rather than an endless loop.
     */
    Status forEachPage(const std::function<HttpRequest(const std::string& token)>& makeRequest, TaskControl* control,
        const std::function<Status(const json& page, const HttpRequest& request, bool& stop)>& onPage) const
    {
        std::string token;
        std::set<std::string> seen;
        for (int page = 1;; ++page) {
            const HttpRequest request = makeRequest(token);
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
                        + " has a next_page_token that is not a string: " + next->dump().substr(0, 100)};
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
                "the reply to " + where(request) + " has '" + name
                    + "' that is not a list: " + list->dump().substr(0, 100)};
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

RestStore::RestStore(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl))
{ }

RestStore::~RestStore() = default;

Result<std::unique_ptr<RestStore>> RestStore::open(RestConnection connection, TaskControl* control)
{
    auto normalized = connection.normalize();
    if (!normalized)
        return normalized.error();
    auto http = HttpClient::create(connection);
    if (!http)
        return http.error();
    auto impl = std::make_unique<Impl>();
    impl->http = std::move(*http);
    impl->connection = connection;

    HttpRequest version;
    version.path = connection.staticPrefix + "/version";
    version.maxBytes = 64 * 1024;
    auto reply = impl->http->send(version, control);
    if (!reply)
        return reply.error();
    if (reply->status == 401 || reply->status == 403)
        return impl->errorFromReply(version, *reply);
    const std::string text = reply->body.trimmed().toStdString();
    if (reply->status == 200 && looksLikeVersion(text)) {
        impl->version = text;
    } else {
        // Servers before 2.1 have no /version; the API itself tells whether this is MLflow.
        auto probe = impl->api("POST", "/experiments/search");
        probe.jsonBody = R"({"max_results": 1})";
        auto answer = impl->call(probe, control);
        if (!answer) {
            if (answer.error().code == ErrorCode::Cancelled || answer.error().code == ErrorCode::NetworkError
                || answer.error().code == ErrorCode::Unauthenticated
                || answer.error().code == ErrorCode::PermissionDenied)
                return answer.error();
            return StoreError {ErrorCode::InvalidParameterValue,
                connection.displayUrl() + " does not answer like an MLflow tracking server: GET /version gave HTTP "
                    + std::to_string(reply->status) + " and " + answer.error().message};
        }
    }
    return std::unique_ptr<RestStore>(new RestStore(std::move(impl)));
}

const RestConnection& RestStore::connection() const
{
    return m_impl->connection;
}

const std::string& RestStore::serverVersion() const
{
    return m_impl->version;
}

std::string RestStore::uri() const
{
    return m_impl->connection.displayUrl();
}

Capabilities RestStore::capabilities() const
{
    // Writes are offered whatever the credentials: the server decides, and a refusal becomes a clear
    // PERMISSION_DENIED error (asking first would cost a request and could still be wrong later).
    return static_cast<Capabilities>(Capability::Registry) | static_cast<Capabilities>(Capability::ServerSideSearch)
        | static_cast<Capabilities>(Capability::WriteRuns) | static_cast<Capabilities>(Capability::WriteRegistry);
}

Result<ExperimentList> RestStore::experiments(ViewType view)
{
    return m_impl->experiments(view, nullptr);
}

Result<ExperimentList> RestStore::experiments(ViewType view, TaskControl* control)
{
    return m_impl->experiments(view, control);
}

Result<Experiment> RestStore::experiment(const std::string& experimentId)
{
    auto request = m_impl->api("GET", "/experiments/get");
    request.query = {{"experiment_id", experimentId}};
    auto reply = m_impl->call(request, nullptr);
    if (!reply)
        return reply.error();
    auto object = m_impl->member(*reply, "experiment", request);
    if (!object)
        return object.error();
    auto experiment = mlflowjson::experimentFromJson(**object);
    if (!experiment) {
        return StoreError {ErrorCode::InternalError,
            "the reply to " + m_impl->where(request) + " has a broken experiment: " + experiment.error().message};
    }
    return experiment;
}

Result<RunList> RestStore::searchRuns(const RunQuery& query, TaskControl* control)
{
    RunList list;
    std::vector<std::string> experimentIds = query.experimentIds;
    if (experimentIds.empty()) {
        // The server needs experiment ids; "all experiments" means those of the same view.
        auto experiments = m_impl->experiments(query.view, control);
        if (!experiments)
            return experiments.error();
        for (const auto& e : experiments->experiments)
            experimentIds.push_back(e.experimentId);
        list.problems = std::move(experiments->problems);
        if (experimentIds.empty())
            return list;
    }
    if (query.maxResults && *query.maxResults == 0)
        return list;
    const RunQueryPlan plan = planRunQuery(query);
    const std::size_t pageSize
        = static_cast<std::size_t>(m_impl->connection.runsPageSize > 0 ? m_impl->connection.runsPageSize : 1000);
    // The server can stop at maxResults only when it both filters and orders everything itself.
    const bool serverLimits = !plan.localFilter && !plan.localOrder;
    const bool stopEarly = query.maxResults && !plan.localOrder;
    const std::int64_t total = query.maxResults && serverLimits ? static_cast<std::int64_t>(*query.maxResults) : 0;

    auto status = m_impl->forEachPage(
        [&](const std::string& token) {
            auto request = m_impl->api("POST", "/runs/search");
            json body = json::object();
            body["experiment_ids"] = experimentIds;
            if (!plan.serverFilter.empty())
                body["filter"] = plan.serverFilter;
            body["run_view_type"] = viewTypeName(query.view);
            std::size_t size = pageSize;
            if (query.maxResults && serverLimits)
                size = std::min(size, *query.maxResults - list.runs.size());
            body["max_results"] = size;
            if (!plan.serverOrderBy.empty())
                body["order_by"] = plan.serverOrderBy;
            if (!token.empty())
                body["page_token"] = token;
            request.jsonBody = body.dump();
            return request;
        },
        control,
        [&](const json& page, const HttpRequest& request, bool& stop) {
            auto s = m_impl->forEachItem(page, "runs", request, [&](const json& item, std::size_t i) -> Status {
                auto run = mlflowjson::runFromJson(item);
                if (!run) {
                    const std::string id = Impl::itemId(item, "info", "run_id");
                    list.problems.push_back(Problem {request.describe() + " runs[" + std::to_string(i) + "]"
                            + (id.empty() ? "" : " (run " + id + ")"),
                        run.error().message});
                } else if (!plan.localFilter || plan.localFilter->matches(*run, SearchDialect::Sql)) {
                    list.runs.push_back(std::move(*run));
                }
                return Done {};
            });
            if (control)
                control->report(static_cast<std::int64_t>(list.runs.size()), total);
            if (stopEarly && list.runs.size() >= *query.maxResults)
                stop = true;
            return s;
        });
    if (!status)
        return status.error();
    if (plan.localOrder)
        plan.localOrder->sort(list.runs, SearchDialect::Sql);
    if (query.maxResults && list.runs.size() > *query.maxResults)
        list.runs.resize(*query.maxResults);
    return list;
}

Result<Run> RestStore::run(const std::string& runId)
{
    auto request = m_impl->api("GET", "/runs/get");
    request.query = {{"run_id", runId}};
    auto reply = m_impl->call(request, nullptr);
    if (!reply)
        return reply.error();
    auto object = m_impl->member(*reply, "run", request);
    if (!object)
        return object.error();
    auto run = mlflowjson::runFromJson(**object);
    if (!run) {
        return StoreError {ErrorCode::InternalError,
            "the reply to " + m_impl->where(request) + " has a broken run: " + run.error().message};
    }
    return run;
}

Result<std::vector<MetricPoint>> RestStore::metricHistory(const std::string& runId, const std::string& key)
{
    return metricHistory(runId, key, nullptr);
}

Result<std::vector<MetricPoint>> RestStore::metricHistory(
    const std::string& runId, const std::string& key, TaskControl* control)
{
    std::vector<MetricPoint> points;
    auto status = m_impl->forEachPage(
        [&](const std::string& token) {
            auto request = m_impl->api("GET", "/metrics/get-history");
            // max_results is always sent: servers ~3.1-3.4 return no points and a token that never
            // advances without it.
            request.query = {{"run_id", runId}, {"metric_key", key},
                {"max_results", std::to_string(m_impl->connection.metricHistoryPageSize)}};
            if (!token.empty())
                request.query.emplace_back("page_token", token);
            return request;
        },
        control,
        [&](const json& page, const HttpRequest& request, bool&) {
            return m_impl->forEachItem(page, "metrics", request, [&](const json& item, std::size_t i) -> Status {
                auto metric = mlflowjson::metricFromJson(item);
                if (!metric) {
                    return StoreError {ErrorCode::InternalError,
                        "the reply to " + m_impl->where(request) + " has a broken point metrics[" + std::to_string(i)
                            + "]: " + metric.error().message};
                }
                points.push_back(metric->point);
                return Done {};
            });
        });
    if (!status)
        return status.error();
    return points;
}

Result<std::vector<FileInfo>> RestStore::listArtifacts(const std::string& runId, const std::string& path)
{
    return m_impl->listArtifacts(runId, path);
}

Result<std::string> RestStore::readArtifact(const std::string& runId, const std::string& path, std::int64_t maxBytes)
{
    auto relative = safeArtifactPath(path);
    if (!relative)
        return relative.error();
    if (relative->empty())
        return StoreError {ErrorCode::InvalidParameterValue, "no artifact path given for run " + runId};
    if (maxBytes < 0) {
        return StoreError {
            ErrorCode::InvalidParameterValue, "maxBytes must not be negative (got " + std::to_string(maxBytes) + ")"};
    }
    HttpRequest request;
    // get-artifact works for every artifact store the server can reach; it is not under /api.
    request.path = m_impl->connection.staticPrefix + "/get-artifact";
    request.query = {{"run_id", runId}, {"path", *relative}};
    request.maxBytes = maxBytes;
    request.truncateAtMax = true;
    request.retryInternalError = false; // a missing file is a 500 there, and stays one
    auto reply = m_impl->http->send(request, nullptr);
    if (!reply)
        return reply.error();
    if (reply->status >= 200 && reply->status < 300)
        return reply->body.toStdString();
    StoreError error = m_impl->errorFromReply(request, *reply);
    if (reply->status == 500) {
        // MLflow answers a missing file with a bare 500 page; the parent's listing says which it is.
        const auto slash = relative->rfind('/');
        const std::string parent = slash == std::string::npos ? std::string() : relative->substr(0, slash);
        auto siblings = m_impl->listArtifacts(runId, parent);
        if (siblings) {
            const auto it = std::find_if(
                siblings->begin(), siblings->end(), [&](const FileInfo& f) { return f.path == *relative; });
            if (it == siblings->end())
                return StoreError {
                    ErrorCode::ResourceDoesNotExist, "run " + runId + " has no artifact '" + *relative + "'"};
            if (it->isDir) {
                return StoreError {ErrorCode::InvalidParameterValue,
                    "artifact '" + *relative + "' of run " + runId + " is a folder, not a file"};
            }
        }
    }
    return error;
}

Result<std::vector<RegisteredModel>> RestStore::registeredModels()
{
    std::vector<RegisteredModel> models;
    auto status = m_impl->forEachPage(
        [&](const std::string& token) {
            auto request = m_impl->api("GET", "/registered-models/search");
            if (m_impl->connection.registeredModelsPageSize > 0)
                request.query.emplace_back("max_results", std::to_string(m_impl->connection.registeredModelsPageSize));
            if (!token.empty())
                request.query.emplace_back("page_token", token);
            return request;
        },
        nullptr,
        [&](const json& page, const HttpRequest& request, bool&) {
            return m_impl->forEachItem(
                page, "registered_models", request, [&](const json& item, std::size_t i) -> Status {
                    auto model = mlflowjson::registeredModelFromJson(item);
                    if (!model) {
                        return StoreError {ErrorCode::InternalError,
                            "the reply to " + m_impl->where(request) + " has a broken model registered_models["
                                + std::to_string(i) + "]: " + model.error().message};
                    }
                    // The server leaves prompts out already; older ones may not.
                    if (!isPrompt(model->tags))
                        models.push_back(std::move(*model));
                    return Done {};
                });
        });
    if (!status)
        return status.error();
    std::stable_sort(models.begin(), models.end(),
        [](const RegisteredModel& a, const RegisteredModel& b) { return a.name < b.name; });
    return models;
}

Result<std::vector<ModelVersion>> RestStore::modelVersions(const std::string& modelName)
{
    // registered-models/get first: it says whether the model exists, whether it is a prompt, and it
    // carries the aliases that model-versions/search leaves empty on SQL back ends.
    auto get = m_impl->api("GET", "/registered-models/get");
    get.query = {{"name", modelName}};
    auto reply = m_impl->call(get, nullptr);
    if (!reply)
        return reply.error();
    auto object = m_impl->member(*reply, "registered_model", get);
    if (!object)
        return object.error();
    auto model = mlflowjson::registeredModelFromJson(**object);
    if (!model) {
        return StoreError {ErrorCode::InternalError,
            "the reply to " + m_impl->where(get) + " has a broken model: " + model.error().message};
    }
    std::vector<ModelVersion> versions;
    if (isPrompt(model->tags))
        return versions;

    // A name holding both quote kinds cannot be written in MLflow's filter language; then every
    // version is fetched and the name compared here.
    const bool quotable = modelName.find('\'') == std::string::npos || modelName.find('"') == std::string::npos;
    auto status = m_impl->forEachPage(
        [&](const std::string& token) {
            auto request = m_impl->api("GET", "/model-versions/search");
            if (quotable)
                request.query.emplace_back("filter", "name=" + quoteForFilter(modelName));
            if (m_impl->connection.modelVersionsPageSize > 0)
                request.query.emplace_back("max_results", std::to_string(m_impl->connection.modelVersionsPageSize));
            if (!token.empty())
                request.query.emplace_back("page_token", token);
            return request;
        },
        nullptr,
        [&](const json& page, const HttpRequest& request, bool&) {
            return m_impl->forEachItem(page, "model_versions", request, [&](const json& item, std::size_t i) -> Status {
                auto version = mlflowjson::modelVersionFromJson(item);
                if (!version) {
                    return StoreError {ErrorCode::InternalError,
                        "the reply to " + m_impl->where(request) + " has a broken version model_versions["
                            + std::to_string(i) + "]: " + version.error().message};
                }
                if (version->name == modelName && version->currentStage != "Deleted_Internal"
                    && !isPrompt(version->tags))
                    versions.push_back(std::move(*version));
                return Done {};
            });
        });
    if (!status)
        return status.error();
    for (auto& version : versions) {
        for (const auto& alias : model->aliases) {
            if (alias.version == version.version
                && std::find(version.aliases.begin(), version.aliases.end(), alias.alias) == version.aliases.end())
                version.aliases.push_back(alias.alias);
        }
        std::sort(version.aliases.begin(), version.aliases.end());
    }
    std::stable_sort(versions.begin(), versions.end(),
        [](const ModelVersion& a, const ModelVersion& b) { return a.version < b.version; });
    return versions;
}

// --- writes (formats §C.2, §E) --------------------------------------------------------------------

Status RestStore::renameRun(const std::string& runId, const std::string& name)
{
    // As MLflow's client does (TrackingServiceClient.update_run): read the run and send its current
    // status and end time with the new name. Servers before the handler checked HasField() take an
    // absent status as RUNNING and an absent end_time as 0, so a bare run_name would reopen a
    // finished run there. The server sets the mlflow.runName tag with the name.
    auto current = run(runId);
    if (!current)
        return current.error();
    json body = {{"run_id", runId}, {"status", std::string(runStatusName(current->info.status))}, {"run_name", name}};
    if (current->info.endTime)
        body["end_time"] = *current->info.endTime;
    auto reply = m_impl->write(m_impl->jsonRequest("POST", "/runs/update", body), "rename run " + runId);
    if (!reply)
        return reply.error();
    return Done {};
}

Status RestStore::setRunTag(const std::string& runId, const std::string& key, const std::string& value)
{
    return m_impl->writeStatus(
        m_impl->jsonRequest("POST", "/runs/set-tag", {{"run_id", runId}, {"key", key}, {"value", value}}),
        "set tag '" + key + "' of run " + runId);
}

Status RestStore::deleteRunTag(const std::string& runId, const std::string& key)
{
    return m_impl->writeStatus(m_impl->jsonRequest("POST", "/runs/delete-tag", {{"run_id", runId}, {"key", key}}),
        "delete tag '" + key + "' of run " + runId);
}

Status RestStore::deleteRun(const std::string& runId)
{
    return m_impl->writeStatus(m_impl->jsonRequest("POST", "/runs/delete", {{"run_id", runId}}), "delete run " + runId);
}

Status RestStore::restoreRun(const std::string& runId)
{
    return m_impl->writeStatus(
        m_impl->jsonRequest("POST", "/runs/restore", {{"run_id", runId}}), "restore run " + runId);
}

Result<ModelVersion> RestStore::transitionModelVersionStage(
    const std::string& model, std::int64_t version, const std::string& stage, bool archiveExisting)
{
    // MLflow raises this one without an error code, so the server would answer a bare 500
    // INTERNAL_ERROR (formats §E); checked here to give the same INVALID_PARAMETER_VALUE as the local
    // stores. Unknown stages are left to the server, which words that error itself.
    const auto canonical = canonicalStage(stage);
    if (archiveExisting && canonical && *canonical != "Staging" && *canonical != "Production") {
        return StoreError {ErrorCode::InvalidParameterValue,
            "Model version transition cannot archive existing model versions because '" + stage
                + "' is not an Active stage. Valid stages are Staging and Production."};
    }
    const std::string what = "move " + model + " version " + std::to_string(version) + " to " + stage;
    auto request = m_impl->jsonRequest("POST", "/model-versions/transition-stage",
        {{"name", model}, {"version", std::to_string(version)}, {"stage", stage},
            {"archive_existing_versions", archiveExisting}});
    auto reply = m_impl->write(request, what);
    if (!reply)
        return reply.error();
    auto object = m_impl->member(*reply, "model_version", request);
    if (!object)
        return object.error();
    auto updated = mlflowjson::modelVersionFromJson(**object);
    if (!updated) {
        return StoreError {ErrorCode::InternalError,
            "the reply to " + m_impl->where(request) + " has a broken model version: " + updated.error().message
                + " (the stage change was made)"};
    }
    std::sort(updated->aliases.begin(), updated->aliases.end());
    return updated;
}

Status RestStore::setModelAlias(const std::string& model, const std::string& alias, std::int64_t version)
{
    return m_impl->writeStatus(m_impl->jsonRequest("POST", "/registered-models/alias",
                                   {{"name", model}, {"alias", alias}, {"version", std::to_string(version)}}),
        "point alias '" + alias + "' of " + model + " at version " + std::to_string(version));
}

Status RestStore::deleteModelAlias(const std::string& model, const std::string& alias)
{
    // DELETE with a JSON body: MLflow reads DELETE parameters from the body and ignores the query
    // (formats §C.1; transcript exchange 121 shows the query form failing).
    return m_impl->writeStatus(
        m_impl->jsonRequest("DELETE", "/registered-models/alias", {{"name", model}, {"alias", alias}}),
        "delete alias '" + alias + "' of " + model);
}

Status RestStore::setRegisteredModelTag(const std::string& model, const std::string& key, const std::string& value)
{
    return m_impl->writeStatus(
        m_impl->jsonRequest("POST", "/registered-models/set-tag", {{"name", model}, {"key", key}, {"value", value}}),
        "set tag '" + key + "' of model " + model);
}

Status RestStore::deleteRegisteredModelTag(const std::string& model, const std::string& key)
{
    return m_impl->writeStatus(
        m_impl->jsonRequest("DELETE", "/registered-models/delete-tag", {{"name", model}, {"key", key}}),
        "delete tag '" + key + "' of model " + model);
}

Status RestStore::setModelVersionTag(
    const std::string& model, std::int64_t version, const std::string& key, const std::string& value)
{
    return m_impl->writeStatus(
        m_impl->jsonRequest("POST", "/model-versions/set-tag",
            {{"name", model}, {"version", std::to_string(version)}, {"key", key}, {"value", value}}),
        "set tag '" + key + "' of " + model + " version " + std::to_string(version));
}

Status RestStore::deleteModelVersionTag(const std::string& model, std::int64_t version, const std::string& key)
{
    return m_impl->writeStatus(m_impl->jsonRequest("DELETE", "/model-versions/delete-tag",
                                   {{"name", model}, {"version", std::to_string(version)}, {"key", key}}),
        "delete tag '" + key + "' of " + model + " version " + std::to_string(version));
}

Status RestStore::updateRegisteredModelDescription(const std::string& model, const std::string& description)
{
    return m_impl->writeStatus(
        m_impl->jsonRequest("PATCH", "/registered-models/update", {{"name", model}, {"description", description}}),
        "edit the description of model " + model);
}

Status RestStore::updateModelVersionDescription(
    const std::string& model, std::int64_t version, const std::string& description)
{
    return m_impl->writeStatus(
        m_impl->jsonRequest("PATCH", "/model-versions/update",
            {{"name", model}, {"version", std::to_string(version)}, {"description", description}}),
        "edit the description of " + model + " version " + std::to_string(version));
}

} // namespace runlens
