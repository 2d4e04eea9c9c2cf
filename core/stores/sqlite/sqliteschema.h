// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "result.h"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace runlens {

class SqliteConnection;

/**
 * The tables, columns and indexes of an MLflow database, read once per connection. MLflow's schema
 * grew over 40+ migrations; readers adapt to what is there instead of trusting alembic_version
 * (formats §B.6).
 */
class SqliteSchema
{
public:
    /** Introspects the MLflow tables with PRAGMA table_info / index_list / index_info. */
    static Result<SqliteSchema> read(SqliteConnection& connection);

    bool hasTable(std::string_view table) const;
    bool hasColumn(std::string_view table, std::string_view column) const;
    /** `column` when the table has it, else `fallback` (an SQL expression such as NULL or 0). */
    std::string columnOr(std::string_view table, std::string_view column, std::string_view fallback) const;

    /**
     * The name of an index on `table` whose first column is `column`, preferring one whose second
     * column is `next`; empty when there is none.
     */
    std::string indexStartingWith(std::string_view table, std::string_view column, std::string_view next = {}) const;

private:
    struct Index
    {
        std::string name;
        std::vector<std::string> columns;
    };
    struct Table
    {
        std::vector<std::string> columns;
        std::vector<Index> indexes;
    };
    std::map<std::string, Table, std::less<>> m_tables;
};

} // namespace runlens
