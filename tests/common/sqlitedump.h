// SPDX-License-Identifier: Apache-2.0
#pragma once

// A database as text, row by row, so a write test can say exactly which rows a write changed.

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <sqlite3.h>

namespace runlens::test::sqlitedump {

namespace fs = std::filesystem;

// Every row of every table, as text, so a test can say exactly which rows a write changed.
using Dump = std::map<std::string, std::multiset<std::string>>;

inline Dump dumpDb(const fs::path& db)
{
    Dump dump;
    sqlite3* handle = nullptr;
    if (sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        sqlite3_close(handle);
        return dump;
    }
    std::vector<std::string> tables;
    sqlite3_stmt* list = nullptr;
    sqlite3_prepare_v2(handle, "SELECT name FROM sqlite_master WHERE type = 'table'", -1, &list, nullptr);
    while (sqlite3_step(list) == SQLITE_ROW)
        tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(list, 0)));
    sqlite3_finalize(list);
    for (const auto& table : tables) {
        sqlite3_stmt* rows = nullptr;
        sqlite3_prepare_v2(handle, ("SELECT * FROM \"" + table + "\"").c_str(), -1, &rows, nullptr);
        auto& set = dump[table];
        while (sqlite3_step(rows) == SQLITE_ROW) {
            std::string row;
            for (int i = 0; i < sqlite3_column_count(rows); ++i) {
                const auto* text = sqlite3_column_text(rows, i);
                row += (i ? "|" : "") + (text ? std::string(reinterpret_cast<const char*>(text)) : "<null>");
            }
            set.insert(row);
        }
        sqlite3_finalize(rows);
    }
    sqlite3_close(handle);
    return dump;
}

// The rows that differ between two dumps, table by table: "-old row" / "+new row".
inline std::map<std::string, std::vector<std::string>> diff(const Dump& before, const Dump& after)
{
    std::map<std::string, std::vector<std::string>> changes;
    std::set<std::string> tables;
    for (const auto& [t, rows] : before)
        tables.insert(t);
    for (const auto& [t, rows] : after)
        tables.insert(t);
    for (const auto& t : tables) {
        const auto b = before.count(t) ? before.at(t) : std::multiset<std::string> {};
        const auto a = after.count(t) ? after.at(t) : std::multiset<std::string> {};
        for (const auto& row : b) {
            if (!a.count(row))
                changes[t].push_back("-" + row);
        }
        for (const auto& row : a) {
            if (!b.count(row))
                changes[t].push_back("+" + row);
        }
    }
    return changes;
}

inline std::string describe(const std::map<std::string, std::vector<std::string>>& changes)
{
    std::string out;
    for (const auto& [table, rows] : changes) {
        for (const auto& row : rows)
            out += "\n  " + table + ": " + row;
    }
    return out.empty() ? " (no change)" : out;
}

// One value read straight from the database.
inline std::string scalar(const fs::path& db, const std::string& sql)
{
    sqlite3* handle = nullptr;
    std::string value = "<none>";
    if (sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_stmt* statement = nullptr;
        if (sqlite3_prepare_v2(handle, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK
            && sqlite3_step(statement) == SQLITE_ROW) {
            const auto* text = sqlite3_column_text(statement, 0);
            value = text ? reinterpret_cast<const char*>(text) : "<null>";
        }
        sqlite3_finalize(statement);
    }
    sqlite3_close(handle);
    return value;
}

} // namespace runlens::test::sqlitedump
