// SPDX-License-Identifier: Apache-2.0
#include "net/restconnection.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <fstream>

#include <QDir>
#include <QUrl>

namespace runlens {

namespace {

StoreError invalid(std::string message)
{
    return StoreError {ErrorCode::InvalidParameterValue, std::move(message)};
}

std::string env(const char* name)
{
    const char* value = std::getenv(name);
    return value ? std::string(value) : std::string();
}

std::string trimmed(std::string_view text)
{
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos)
        return {};
    const auto last = text.find_last_not_of(" \t\r\n");
    return std::string(text.substr(first, last - first + 1));
}

std::string lower(std::string text)
{
    for (auto& c : text)
        c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return text;
}

// MLflow's boolean environment variables accept true/false and 1/0, case-insensitively.
Result<bool> envBool(const char* name, bool fallback)
{
    const std::string value = lower(trimmed(env(name)));
    if (value.empty())
        return fallback;
    if (value == "true" || value == "1")
        return true;
    if (value == "false" || value == "0")
        return false;
    return invalid(std::string(name) + " must be true or false, not '" + value + "'");
}

Result<double> envNumber(const char* name, double fallback)
{
    const std::string value = trimmed(env(name));
    if (value.empty())
        return fallback;
    double number = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
    if (ec != std::errc() || end != value.data() + value.size() || number < 0)
        return invalid(std::string(name) + " must be a non-negative number, not '" + value + "'");
    return number;
}

// The [mlflow] section of ~/.mlflow/credentials, as MLflow's read_mlflow_creds() reads it.
void readCredentialsFile(const std::filesystem::path& file, std::string& user, std::string& password)
{
    std::ifstream in(file);
    std::string line;
    bool inSection = false;
    while (std::getline(in, line)) {
        const std::string text = trimmed(line);
        if (text.empty() || text[0] == '#' || text[0] == ';')
            continue;
        if (text.front() == '[') {
            inSection = text == "[mlflow]";
            continue;
        }
        const auto eq = text.find_first_of("=:");
        if (!inSection || eq == std::string::npos)
            continue;
        const std::string key = lower(trimmed(std::string_view(text).substr(0, eq)));
        const std::string value = trimmed(std::string_view(text).substr(eq + 1));
        if (key == "mlflow_tracking_username" && user.empty())
            user = value;
        else if (key == "mlflow_tracking_password" && password.empty())
            password = value;
    }
}

} // namespace

std::string RestConnection::displayUrl() const
{
    QUrl url(QString::fromStdString(baseUrl));
    url.setUserInfo({});
    return url.toString().toStdString();
}

Status RestConnection::normalize()
{
    const QUrl url(QString::fromStdString(baseUrl), QUrl::StrictMode);
    if (!url.isValid())
        return invalid("'" + baseUrl + "' is not a valid URL: " + url.errorString().toStdString());
    const QString scheme = url.scheme().toLower();
    if (scheme != QLatin1String("http") && scheme != QLatin1String("https"))
        return invalid("'" + displayUrl() + "' is not an http:// or https:// URL");
    if (url.host().isEmpty())
        return invalid("'" + displayUrl() + "' names no host");
    if (url.hasQuery() || url.hasFragment())
        return invalid("the server URL '" + displayUrl() + "' must not have a query or a fragment");
    if (!url.userName().isEmpty() && username.empty() && token.empty()) {
        username = url.userName().toStdString();
        password = url.password().toStdString();
    }
    QUrl clean = url.adjusted(QUrl::RemoveUserInfo | QUrl::StripTrailingSlash);
    clean.setScheme(scheme);
    baseUrl = clean.toString(QUrl::FullyEncoded).toStdString();
    while (!baseUrl.empty() && baseUrl.back() == '/')
        baseUrl.pop_back();
    while (!staticPrefix.empty() && staticPrefix.back() == '/')
        staticPrefix.pop_back();
    if (!staticPrefix.empty() && staticPrefix.front() != '/')
        staticPrefix.insert(staticPrefix.begin(), '/');

    if (insecureTls && !caCertPath.empty()) {
        // MLflow refuses the same combination: it is unclear which of the two the user meant.
        return invalid("MLFLOW_TRACKING_INSECURE_TLS and MLFLOW_TRACKING_SERVER_CERT_PATH cannot both be set");
    }
    if (!password.empty() && username.empty())
        return invalid("a tracking server password is set but no user name (MLFLOW_TRACKING_USERNAME)");
    if (timeoutMs <= 0)
        return invalid("the request timeout must be positive");
    if (requestDeadlineMs <= 0)
        return invalid("the request deadline must be positive");
    if (maxRetries < 0 || backoffFactorMs < 0 || backoffJitterMs < 0 || maxBackoffMs < 0 || retryBudgetMs < 0)
        return invalid("retry settings must not be negative");
    if (maxPagesPerRead < 1)
        return invalid("the page budget of a read must be at least one page");
    if (maxConcurrentRequests < 1)
        return invalid("at least one request must be allowed at a time");
    if (maxReplyBytes < 1)
        return invalid("the maximum reply size must be positive");
    if (experimentsPageSize < 0 || experimentsPageSize > 50'000 || runsPageSize < 0 || runsPageSize > 50'000)
        return invalid("experiment and run page sizes must be between 1 and 50000");
    if (metricHistoryPageSize < 1 || registeredModelsPageSize < 0 || registeredModelsPageSize > 1000
        || modelVersionsPageSize < 0 || modelVersionsPageSize > 200'000)
        return invalid("a registry or metric history page size is out of the server's range");
    if (loggedModelsPageSize < 1 || loggedModelsPageSize > 50'000)
        return invalid("the logged models page size must be between 1 and 50000");
    return Done {};
}

Result<RestConnection> RestConnection::fromEnvironment(
    std::string_view url, const std::filesystem::path& credentialsFile)
{
    RestConnection c;
    c.baseUrl = std::string(url);
    c.username = env("MLFLOW_TRACKING_USERNAME");
    c.password = env("MLFLOW_TRACKING_PASSWORD");
    if (c.username.empty() || c.password.empty()) {
        const std::filesystem::path file = credentialsFile.empty()
            ? std::filesystem::path(QDir::homePath().toStdString()) / ".mlflow" / "credentials"
            : credentialsFile;
        readCredentialsFile(file, c.username, c.password);
    }
    if (c.username.empty() || c.password.empty()) {
        // Basic auth needs both; a lone half would only produce confusing 401s.
        c.username.clear();
        c.password.clear();
    }
    if (c.username.empty())
        c.token = env("MLFLOW_TRACKING_TOKEN");

    auto insecure = envBool("MLFLOW_TRACKING_INSECURE_TLS", false);
    if (!insecure)
        return insecure.error();
    c.insecureTls = *insecure;
    c.caCertPath = env("MLFLOW_TRACKING_SERVER_CERT_PATH");
    c.clientCertPath = env("MLFLOW_TRACKING_CLIENT_CERT_PATH");

    auto timeout = envNumber("MLFLOW_HTTP_REQUEST_TIMEOUT", 120);
    if (!timeout)
        return timeout.error();
    if (*timeout <= 0)
        return invalid("MLFLOW_HTTP_REQUEST_TIMEOUT must be positive");
    c.timeoutMs = static_cast<int>(std::min(*timeout * 1000.0, 24.0 * 3600 * 1000));
    // Whoever allows that much silence means to wait at least as long for the whole reply.
    c.requestDeadlineMs = std::max(c.requestDeadlineMs, c.timeoutMs);
    auto retries = envNumber("MLFLOW_HTTP_REQUEST_MAX_RETRIES", 7);
    if (!retries)
        return retries.error();
    c.maxRetries = static_cast<int>(std::min(*retries, 100.0));
    auto factor = envNumber("MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR", 2);
    if (!factor)
        return factor.error();
    c.backoffFactorMs = static_cast<int>(std::min(*factor * 1000.0, 3600.0 * 1000));
    auto jitter = envNumber("MLFLOW_HTTP_REQUEST_BACKOFF_JITTER", 1);
    if (!jitter)
        return jitter.error();
    c.backoffJitterMs = static_cast<int>(std::min(*jitter * 1000.0, 3600.0 * 1000));

    auto status = c.normalize();
    if (!status)
        return status.error();
    return c;
}

} // namespace runlens
