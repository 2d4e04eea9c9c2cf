// SPDX-License-Identifier: Apache-2.0
#include "stores/rest/reststore.h"

#include "artifactpath.h"
#include "search/runsearch.h"
#include "stores/rest/reststoreimpl.h"
#include "stores/writerules.h"

#include <algorithm>
#include <cctype>
#include <regex>
#include <set>

namespace runlens {

std::string restdetail::viewTypeName(ViewType view)
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

std::string restdetail::excerpt(const QByteArray& body)
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

bool restdetail::nestsTooDeep(const QByteArray& body)
{
    int depth = 0;
    bool inString = false;
    bool escaped = false;
    for (const char c : body) {
        if (inString) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            if (++depth > kMaxJsonDepth)
                return true;
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return false;
}

namespace {

void appendExcerpt(const json& value, std::size_t maxChars, std::string& out)
{
    if (out.size() >= maxChars)
        return;
    switch (value.type()) {
    case json::value_t::object: {
        out += '{';
        bool first = true;
        for (auto it = value.begin(); it != value.end() && out.size() < maxChars; ++it) {
            if (!first)
                out += ", ";
            first = false;
            out += json(it.key().substr(0, maxChars)).dump() + ": ";
            appendExcerpt(it.value(), maxChars, out);
        }
        out += '}';
        break;
    }
    case json::value_t::array: {
        out += '[';
        bool first = true;
        for (auto it = value.begin(); it != value.end() && out.size() < maxChars; ++it) {
            if (!first)
                out += ", ";
            first = false;
            appendExcerpt(*it, maxChars, out);
        }
        out += ']';
        break;
    }
    case json::value_t::string:
        // Only the part that can be shown is serialized: a string may be hundreds of megabytes.
        out += json(value.get_ref<const std::string&>().substr(0, maxChars)).dump();
        break;
    default:
        out += value.dump();
        break;
    }
}

} // namespace

std::string restdetail::dumpExcerpt(const json& value, std::size_t maxChars)
{
    // Recursion is bounded: replies nesting deeper than kMaxJsonDepth are never parsed.
    std::string out;
    appendExcerpt(value, maxChars, out);
    if (out.size() > maxChars) {
        out.resize(maxChars);
        out += "...";
    }
    return out;
}

ErrorCode restdetail::codeForStatus(int status)
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

namespace {

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

} // namespace

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

RetryNotifier* RestStore::retryNotifier() const
{
    return m_impl->http->retryNotifier();
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
    auto history = metricHistoryWithSources(runId, key, control);
    if (!history)
        return history.error();
    return std::move(history->points);
}

Result<MetricHistory> RestStore::metricHistoryWithSources(const std::string& runId, const std::string& key)
{
    return metricHistoryWithSources(runId, key, nullptr);
}

Result<MetricHistory> RestStore::metricHistoryWithSources(
    const std::string& runId, const std::string& key, TaskControl* control)
{
    MetricHistory history;
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
                auto metric = mlflowjson::historyPointFromJson(item);
                if (!metric) {
                    return StoreError {ErrorCode::InternalError,
                        "the reply to " + m_impl->where(request) + " has a broken point metrics[" + std::to_string(i)
                            + "]: " + metric.error().message};
                }
                history.points.push_back(metric->point);
                if (!metric->datasetName.empty() || !metric->datasetDigest.empty() || !metric->modelId.empty()) {
                    addPointSource(history.sources, history.points.size() - 1, metric->datasetName,
                        metric->datasetDigest, metric->modelId);
                }
                return Done {};
            });
        });
    if (!status)
        return status.error();
    return history;
}

Result<std::vector<FileInfo>> RestStore::listArtifacts(const std::string& runId, const std::string& path)
{
    return m_impl->listArtifacts(runId, path);
}

Result<std::string> RestStore::readArtifact(const std::string& runId, const std::string& path, std::int64_t maxBytes)
{
    auto relative = artifactFileRequest(runId, path, maxBytes);
    if (!relative)
        return relative.error();
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

} // namespace runlens
