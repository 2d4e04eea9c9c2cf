// SPDX-License-Identifier: Apache-2.0
#pragma once

// Compares what a RestStore returns with a recorded server reply: both brought to one JSON form
// (mlflowjson's serializers for the entities, proto3's omissions for the reply).

#include "stores/rest/mlflowjson.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include <QTest>

namespace runlens::test {

using json = nlohmann::json;

inline json plain(const mlflowjson::Json& j)
{
    return json::parse(j.dump());
}

// Brings a recorded reply and a re-serialized entity to one form: proto3 leaves out empty values
// (and a file_size of 0), and the entities keep tags, metrics and aliases sorted.
inline json canonical(json j)
{
    if (j.is_object()) {
        json out = json::object();
        for (auto& [key, value] : j.items()) {
            json v = canonical(value);
            if (v.is_null() || (v.is_object() && v.empty()) || (v.is_array() && v.empty()))
                continue;
            if (key == "file_size" && v == 0)
                continue;
            out[key] = std::move(v);
        }
        return out;
    }
    if (j.is_array()) {
        json out = json::array();
        for (auto& v : j)
            out.push_back(canonical(v));
        auto by = [&](const char* field) {
            std::stable_sort(out.begin(), out.end(), [&](const json& a, const json& b) {
                return a.at(field).get<std::string>() < b.at(field).get<std::string>();
            });
        };
        if (!out.empty() && std::all_of(out.begin(), out.end(), [](const json& v) { return v.is_string(); }))
            std::sort(out.begin(), out.end());
        else if (!out.empty() && std::all_of(out.begin(), out.end(), [](const json& v) { return v.contains("key"); }))
            by("key");
        else if (!out.empty() && std::all_of(out.begin(), out.end(), [](const json& v) { return v.contains("alias"); }))
            by("alias");
        return out;
    }
    return j;
}

#define COMPARE_JSON(actual, expected)                                                                                 \
    QCOMPARE(QString::fromStdString(runlens::test::canonical(actual).dump(1)),                                         \
        QString::fromStdString(runlens::test::canonical(expected).dump(1)))

template<typename T>
inline json listJson(const std::vector<T>& items)
{
    json out = json::array();
    for (const auto& item : items)
        out.push_back(plain(mlflowjson::toJson(item)));
    return out;
}

inline json pointsJson(const std::string& key, const std::vector<MetricPoint>& points)
{
    json out = json::array();
    for (const auto& p : points)
        out.push_back(plain(mlflowjson::toJson(key, p)));
    return out;
}

inline json recordedList(const json& reply, const char* name)
{
    return reply.contains(name) ? reply.at(name) : json::array();
}

} // namespace runlens::test
