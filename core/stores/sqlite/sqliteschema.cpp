// SPDX-License-Identifier: Apache-2.0
#include "stores/sqlite/sqliteschema.h"

#include "stores/sqlite/sqliteconnection.h"

#include <algorithm>
#include <array>

namespace runlens {

namespace {
// The tables the store reads (trace_info only to count traces); others (spans, assessments, GenAI
// tables) are never looked at.
constexpr std::array<std::string_view, 20> kTables {"experiments", "experiment_tags", "runs", "tags", "params",
    "metrics", "latest_metrics", "datasets", "inputs", "input_tags", "registered_models", "registered_model_tags",
    "registered_model_aliases", "model_versions", "model_version_tags", "logged_models", "logged_model_params",
    "logged_model_tags", "logged_model_metrics", "trace_info"};
} // namespace

Result<SqliteSchema> SqliteSchema::read(SqliteConnection& connection)
{
    SqliteSchema schema;
    auto tables = connection.prepare("SELECT name FROM sqlite_master WHERE type = 'table'");
    if (!tables)
        return tables.error();
    for (;;) {
        auto row = tables->step();
        if (!row)
            return row.error();
        if (!*row)
            break;
        const std::string name = tables->text(0);
        if (std::find(kTables.begin(), kTables.end(), name) != kTables.end())
            schema.m_tables.emplace(name, Table {});
    }

    auto columns = connection.prepare("SELECT name FROM pragma_table_info(?1)");
    auto indexes = connection.prepare("SELECT name FROM pragma_index_list(?1)");
    auto indexColumns = connection.prepare("SELECT name FROM pragma_index_info(?1) ORDER BY seqno");
    if (!columns)
        return columns.error();
    if (!indexes)
        return indexes.error();
    if (!indexColumns)
        return indexColumns.error();
    for (auto& [tableName, table] : schema.m_tables) {
        columns->reset();
        columns->bindText(1, tableName);
        for (;;) {
            auto row = columns->step();
            if (!row)
                return row.error();
            if (!*row)
                break;
            table.columns.push_back(columns->text(0));
        }
        indexes->reset();
        indexes->bindText(1, tableName);
        for (;;) {
            auto row = indexes->step();
            if (!row)
                return row.error();
            if (!*row)
                break;
            table.indexes.push_back(Index {indexes->text(0), {}});
        }
        for (auto& index : table.indexes) {
            indexColumns->reset();
            indexColumns->bindText(1, index.name);
            for (;;) {
                auto row = indexColumns->step();
                if (!row)
                    return row.error();
                if (!*row)
                    break;
                index.columns.push_back(indexColumns->text(0));
            }
        }
    }
    return schema;
}

bool SqliteSchema::hasTable(std::string_view table) const
{
    return m_tables.find(table) != m_tables.end();
}

bool SqliteSchema::hasColumn(std::string_view table, std::string_view column) const
{
    const auto it = m_tables.find(table);
    if (it == m_tables.end())
        return false;
    const auto& columns = it->second.columns;
    return std::find(columns.begin(), columns.end(), column) != columns.end();
}

std::string SqliteSchema::columnOr(std::string_view table, std::string_view column, std::string_view fallback) const
{
    return std::string(hasColumn(table, column) ? column : fallback);
}

std::string SqliteSchema::indexStartingWith(
    std::string_view table, std::string_view column, std::string_view next) const
{
    const auto it = m_tables.find(table);
    if (it == m_tables.end())
        return {};
    std::string found;
    for (const auto& index : it->second.indexes) {
        if (index.columns.empty() || index.columns.front() != column)
            continue;
        if (!next.empty() && index.columns.size() > 1 && index.columns[1] == next)
            return index.name;
        if (found.empty())
            found = index.name;
    }
    return found;
}

} // namespace runlens
