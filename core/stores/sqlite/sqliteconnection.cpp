// SPDX-License-Identifier: Apache-2.0
#include "stores/sqlite/sqliteconnection.h"

#include "stores/sqlite/sqlrunfilter.h"

#include <sqlite3.h>

#include <cmath>
#include <cstdio>
#include <system_error>
#include <utility>

namespace fs = std::filesystem;

namespace runlens {

namespace {

// SQLite URIs decode %HH in the path and stop it at '?' or '#', so those (and anything that is not
// plain printable ASCII) are escaped.
std::string sqliteFileUri(const fs::path& file, bool readOnly, bool immutable)
{
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string path = fs::absolute(file).generic_string();
    if (!path.starts_with('/'))
        path.insert(path.begin(), '/'); // C:/x -> /C:/x, as SQLite expects on Windows
    std::string uri = "file://";
    for (const char ch : path) {
        const auto c = static_cast<unsigned char>(ch);
        if (c <= 0x20 || c >= 0x7f || c == '%' || c == '?' || c == '#') {
            uri.push_back('%');
            uri.push_back(kHex[c >> 4]);
            uri.push_back(kHex[c & 15]);
        } else {
            uri.push_back(ch);
        }
    }
    uri += readOnly ? "?mode=ro" : "?mode=rw";
    if (immutable)
        uri += "&immutable=1";
    return uri;
}

// True when a side file (-wal, -journal) exists and may hold changes the main file lacks.
bool hasPendingSideFile(const fs::path& file, const char* suffix)
{
    std::error_code ec;
    const auto size = fs::file_size(fs::path(file.native() + suffix), ec);
    return !ec && size > 0;
}

} // namespace

ErrorCode errorCodeFromSqlite(int resultCode)
{
    switch (resultCode & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return ErrorCode::TemporarilyUnavailable;
    case SQLITE_INTERRUPT:
        return ErrorCode::Cancelled;
    case SQLITE_NOTADB:
        return ErrorCode::InvalidParameterValue;
    case SQLITE_PERM:
    case SQLITE_AUTH:
        return ErrorCode::PermissionDenied;
    case SQLITE_CONSTRAINT:
        return ErrorCode::BadRequest;
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_READONLY:
    case SQLITE_CORRUPT:
    case SQLITE_FULL:
    case SQLITE_NOLFS:
        return ErrorCode::IoError;
    default:
        return ErrorCode::InternalError;
    }
}

// --- SqliteStatement ---------------------------------------------------------------------------

SqliteStatement::SqliteStatement(sqlite3_stmt* statement)
    : m_statement(statement)
{ }

SqliteStatement::~SqliteStatement()
{
    sqlite3_finalize(m_statement);
}

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : m_statement(std::exchange(other.m_statement, nullptr))
{ }

SqliteStatement& SqliteStatement::operator=(SqliteStatement&& other) noexcept
{
    if (this != &other) {
        sqlite3_finalize(m_statement);
        m_statement = std::exchange(other.m_statement, nullptr);
    }
    return *this;
}

void SqliteStatement::bindText(int index, std::string_view text)
{
    sqlite3_bind_text64(m_statement, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}

void SqliteStatement::bindInt64(int index, std::int64_t value)
{
    sqlite3_bind_int64(m_statement, index, value);
}

void SqliteStatement::bindDouble(int index, double value)
{
    sqlite3_bind_double(m_statement, index, value);
}

void SqliteStatement::bindNull(int index)
{
    sqlite3_bind_null(m_statement, index);
}

Result<bool> SqliteStatement::step()
{
    const int rc = sqlite3_step(m_statement);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    sqlite3* db = sqlite3_db_handle(m_statement);
    std::string message = sqlite3_errmsg(db);
    const char* file = sqlite3_db_filename(db, "main");
    if (file && *file)
        message += std::string(" (reading '") + file + "')";
    return StoreError {errorCodeFromSqlite(rc), std::move(message)};
}

void SqliteStatement::reset()
{
    sqlite3_reset(m_statement);
    sqlite3_clear_bindings(m_statement);
}

bool SqliteStatement::isNull(int column) const
{
    return sqlite3_column_type(m_statement, column) == SQLITE_NULL;
}

std::int64_t SqliteStatement::int64(int column) const
{
    return sqlite3_column_int64(m_statement, column);
}

double SqliteStatement::real(int column) const
{
    return sqlite3_column_double(m_statement, column);
}

namespace {

// What a column holds, for a message: "TEXT 'abc'", "a BLOB", "NULL".
std::string describeCell(sqlite3_stmt* statement, int column)
{
    switch (sqlite3_column_type(statement, column)) {
    case SQLITE_NULL:
        return "NULL";
    case SQLITE_BLOB:
        return "a BLOB of " + std::to_string(sqlite3_column_bytes(statement, column)) + " bytes";
    case SQLITE_FLOAT: {
        char buffer[64];
        std::snprintf(buffer, sizeof buffer, "%.17g", sqlite3_column_double(statement, column));
        return std::string("REAL ") + buffer;
    }
    default: {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, column));
        std::string value = text ? std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(statement, column)))
                                 : std::string();
        if (value.size() > 40)
            value = value.substr(0, 40) + "...";
        return "TEXT '" + value + "'";
    }
    }
}

} // namespace

std::optional<double> SqliteStatement::number(int column, std::string& why) const
{
    const int type = sqlite3_column_type(m_statement, column);
    if (type == SQLITE_FLOAT || type == SQLITE_INTEGER)
        return sqlite3_column_double(m_statement, column);
    why = describeCell(m_statement, column) + ", not a number";
    return std::nullopt;
}

std::optional<std::int64_t> SqliteStatement::integer(int column, std::string& why) const
{
    const int type = sqlite3_column_type(m_statement, column);
    if (type == SQLITE_INTEGER)
        return sqlite3_column_int64(m_statement, column);
    if (type == SQLITE_FLOAT) {
        // Exactly integral and in range: -2^63 is representable, 2^63 is not.
        const double value = sqlite3_column_double(m_statement, column);
        if (std::trunc(value) == value && value >= -9223372036854775808.0 && value < 9223372036854775808.0)
            return static_cast<std::int64_t>(value);
    }
    why = describeCell(m_statement, column) + ", not a 64-bit integer";
    return std::nullopt;
}

std::string SqliteStatement::text(int column) const
{
    return std::string(textView(column));
}

std::string_view SqliteStatement::textView(int column) const
{
    const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(m_statement, column));
    if (!data)
        return {};
    return std::string_view(data, static_cast<std::size_t>(sqlite3_column_bytes(m_statement, column)));
}

std::optional<std::string> SqliteStatement::optionalText(int column) const
{
    if (isNull(column))
        return std::nullopt;
    return text(column);
}

std::optional<std::int64_t> SqliteStatement::optionalInt64(int column) const
{
    if (isNull(column))
        return std::nullopt;
    return int64(column);
}

// --- SqliteConnection --------------------------------------------------------------------------

SqliteConnection::SqliteConnection(sqlite3* db, fs::path file, bool immutable)
    : m_db(db)
    , m_file(std::move(file))
    , m_immutable(immutable)
{ }

SqliteConnection::~SqliteConnection()
{
    m_cache.clear(); // statements first: close_v2 would otherwise keep the handle alive
    sqlite3_close_v2(m_db);
}

Result<std::unique_ptr<SqliteConnection>> SqliteConnection::open(const fs::path& file, Access access)
{
    std::error_code ec;
    const auto status = fs::status(file, ec);
    if (ec || !fs::exists(status))
        return StoreError {ErrorCode::ResourceDoesNotExist, "no SQLite database at '" + file.string() + "'"};
    if (!fs::is_regular_file(status)) {
        return StoreError {ErrorCode::InvalidParameterValue,
            "'" + file.string() + "' is not a file, so it cannot be an SQLite database"};
    }
    const bool readOnly = access == Access::ReadOnly;

    auto attempt = [&](bool immutable) -> Result<std::unique_ptr<SqliteConnection>> {
        sqlite3* db = nullptr;
        const int flags
            = SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX | (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE);
        const int rc = sqlite3_open_v2(sqliteFileUri(file, readOnly, immutable).c_str(), &db, flags, nullptr);
        std::unique_ptr<SqliteConnection> connection(new SqliteConnection(db, file, immutable));
        if (rc != SQLITE_OK) {
            if (!db)
                return StoreError {ErrorCode::InternalError, "SQLite could not allocate a connection"};
            return connection->lastError("cannot open '" + file.string() + "'");
        }
        sqlite3_extended_result_codes(db, 1);
        sqlite3_busy_timeout(db, 20000);
        // MLflow's session settings; case_sensitive_like may be compiled out of newer SQLite builds,
        // where LIKE is case-sensitive only through this pragma, so its failure is not fatal.
        sqlite3_exec(db, "PRAGMA foreign_keys = ON", nullptr, nullptr, nullptr);
        sqlite3_exec(db, "PRAGMA case_sensitive_like = true", nullptr, nullptr, nullptr);
        addSqlRunFilterFunctions(db);
        if (readOnly)
            sqlite3_exec(db, "PRAGMA query_only = ON", nullptr, nullptr, nullptr);
        // The first real read is where SQLite notices a non-database file or a WAL it cannot share.
        const int probe = sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr);
        if (probe != SQLITE_OK) {
            const int code = sqlite3_extended_errcode(db);
            if ((code & 0xff) == SQLITE_NOTADB) {
                return StoreError {
                    ErrorCode::InvalidParameterValue, "'" + file.string() + "' is not an SQLite database"};
            }
            return StoreError {errorCodeFromSqlite(code),
                "cannot read '" + file.string() + "': " + sqlite3_errmsg(db) + " (SQLite code " + std::to_string(code)
                    + ")"};
        }
        return connection;
    };

    auto connection = attempt(false);
    if (connection || !readOnly || connection.error().code != ErrorCode::IoError)
        return connection;
    // A WAL database needs its -shm file, which a reader creates next to the database. In a folder
    // this process cannot write, SQLite then fails (SQLITE_READONLY_DIRECTORY / SQLITE_CANTOPEN).
    // When no -wal or -journal file holds changes, the main file alone is the whole database and no
    // writer is active (a writer would have created the -wal), so reading it as immutable is exact.
    // With pending changes, immutable would read stale or torn data, so the error stands.
    if (hasPendingSideFile(file, "-wal") || hasPendingSideFile(file, "-journal"))
        return connection;
    auto immutable = attempt(true);
    if (!immutable)
        return connection; // the first error says more about the real problem
    return immutable;
}

Status SqliteConnection::exec(const std::string& sql)
{
    if (sqlite3_exec(m_db, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK)
        return lastError("cannot run '" + sql + "'");
    return Done {};
}

Result<SqliteStatement*> SqliteConnection::prepareCached(const std::string& sql)
{
    if (auto it = m_cache.find(sql); it != m_cache.end()) {
        it->second->reset();
        return it->second.get();
    }
    auto statement = prepareWith(sql, SQLITE_PREPARE_PERSISTENT);
    if (!statement)
        return statement.error();
    auto owned = std::make_unique<SqliteStatement>(std::move(statement.value()));
    SqliteStatement* raw = owned.get();
    m_cache.emplace(sql, std::move(owned));
    return raw;
}

Result<SqliteStatement> SqliteConnection::prepare(const std::string& sql)
{
    return prepareWith(sql, 0);
}

Result<SqliteStatement> SqliteConnection::prepareWith(const std::string& sql, unsigned flags)
{
    sqlite3_stmt* statement = nullptr;
    const int rc = sqlite3_prepare_v3(m_db, sql.c_str(), static_cast<int>(sql.size() + 1), flags, &statement, nullptr);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(statement);
        return lastError("cannot prepare '" + sql + "'");
    }
    return SqliteStatement(statement);
}

void SqliteConnection::setBusyTimeout(int milliseconds)
{
    m_busyTimeoutMs = milliseconds;
    sqlite3_busy_timeout(m_db, milliseconds);
}

int SqliteConnection::lastErrorCode() const
{
    return m_db ? sqlite3_extended_errcode(m_db) : SQLITE_NOMEM;
}

void SqliteConnection::setCancelCheck(std::function<bool()> check)
{
    m_cancelCheck = std::move(check);
    if (m_cancelCheck)
        sqlite3_progress_handler(m_db, 4000, &SqliteConnection::progressHandler, this);
    else
        sqlite3_progress_handler(m_db, 0, nullptr, nullptr);
}

int SqliteConnection::progressHandler(void* self)
{
    const auto* connection = static_cast<SqliteConnection*>(self);
    return connection->m_cancelCheck && connection->m_cancelCheck() ? 1 : 0;
}

StoreError SqliteConnection::lastError(std::string_view what) const
{
    const int code = m_db ? sqlite3_extended_errcode(m_db) : SQLITE_NOMEM;
    std::string message(what);
    message += ": ";
    message += m_db ? sqlite3_errmsg(m_db) : "out of memory";
    if (!m_file.empty() && message.find(m_file.string()) == std::string::npos)
        message += " (in '" + m_file.string() + "')";
    return StoreError {errorCodeFromSqlite(code), std::move(message)};
}

} // namespace runlens
