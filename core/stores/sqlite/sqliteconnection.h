// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "result.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace runlens {

/** One prepared statement over the sqlite3 C API; finalized when destroyed. */
class SqliteStatement
{
public:
    SqliteStatement() = default;
    explicit SqliteStatement(sqlite3_stmt* statement);
    ~SqliteStatement();
    SqliteStatement(SqliteStatement&& other) noexcept;
    SqliteStatement& operator=(SqliteStatement&& other) noexcept;
    SqliteStatement(const SqliteStatement&) = delete;
    SqliteStatement& operator=(const SqliteStatement&) = delete;

    void bindText(int index, std::string_view text);
    void bindInt64(int index, std::int64_t value);
    void bindDouble(int index, double value);
    void bindNull(int index);

    /** Advances: true with a row to read, false when done; a StoreError when SQLite fails. */
    Result<bool> step();
    /** Rewinds and clears the bindings so the statement can run again. */
    void reset();

    bool isNull(int column) const;
    std::int64_t int64(int column) const;
    double real(int column) const;
    std::string text(int column) const;
    /** Valid until the next step() or reset(). */
    std::string_view textView(int column) const;
    std::optional<std::string> optionalText(int column) const;
    std::optional<std::int64_t> optionalInt64(int column) const;
    /**
     * A number column as MLflow's Float columns hold it. SQLite stores whatever it was given, and
     * real() turns text into 0.0: here text, a blob or NULL give nullopt and `why` says what is there.
     */
    std::optional<double> number(int column, std::string& why) const;
    /**
     * An integer column (a step, a timestamp). int64() saturates a huge REAL and truncates 2.5: here
     * anything but an exact 64-bit integer gives nullopt and `why`.
     */
    std::optional<std::int64_t> integer(int column, std::string& why) const;

    sqlite3_stmt* handle() const { return m_statement; }

private:
    sqlite3_stmt* m_statement = nullptr;
};

/**
 * A connection to one SQLite file set up the way MLflow sets up its own (formats §B.1): busy timeout
 * 20 s, foreign keys on, case-sensitive LIKE. A connection belongs to one thread at a time.
 */
class SqliteConnection
{
public:
    enum class Access
    {
        ReadOnly,
        ReadWrite
    };

    /**
     * Opens an existing database file and checks that SQLite can read it. Read-only access never
     * writes the file. A WAL database in a folder the process cannot write is opened as immutable
     * when no -wal or -journal file holds pending changes (see the .cpp for why that is safe).
     */
    static Result<std::unique_ptr<SqliteConnection>> open(const std::filesystem::path& file, Access access);
    ~SqliteConnection();
    SqliteConnection(const SqliteConnection&) = delete;
    SqliteConnection& operator=(const SqliteConnection&) = delete;

    /** Runs one or more statements that return no rows. */
    Status exec(const std::string& sql);
    /** A statement kept prepared for the life of the connection (for fixed SQL text), reset and unbound. */
    Result<SqliteStatement*> prepareCached(const std::string& sql);
    /** A statement prepared for one use (for SQL text that varies). */
    Result<SqliteStatement> prepare(const std::string& sql);

    /**
     * Called every few thousand virtual-machine steps; returning true interrupts the running
     * statement, which then fails with ErrorCode::Cancelled. Empty to disable.
     */
    void setCancelCheck(std::function<bool()> check);

    /** How long a statement waits for another process's lock before failing with SQLITE_BUSY. */
    void setBusyTimeout(int milliseconds);
    int busyTimeout() const { return m_busyTimeoutMs; }
    /** The extended result code of the last failed call (SQLITE_BUSY, SQLITE_READONLY_*, ...). */
    int lastErrorCode() const;

    /** The last SQLite error of this connection as a StoreError saying what failed. */
    StoreError lastError(std::string_view what) const;

    const std::filesystem::path& file() const { return m_file; }
    /** True when opened with immutable=1 (read-only folder fallback): other writers are not seen. */
    bool isImmutable() const { return m_immutable; }
    sqlite3* handle() const { return m_db; }

private:
    SqliteConnection(sqlite3* db, std::filesystem::path file, bool immutable);
    Result<SqliteStatement> prepareWith(const std::string& sql, unsigned flags);
    static int progressHandler(void* self);

    sqlite3* m_db = nullptr;
    std::filesystem::path m_file;
    bool m_immutable = false;
    int m_busyTimeoutMs = 20000;
    std::function<bool()> m_cancelCheck;
    std::unordered_map<std::string, std::unique_ptr<SqliteStatement>> m_cache;
};

/** Maps an SQLite result code to the closest MLflow-style error code. */
ErrorCode errorCodeFromSqlite(int resultCode);

} // namespace runlens
