// SPDX-License-Identifier: Apache-2.0
#pragma once

// generate_store is one program in one translation unit (main.cpp); its headers split it by
// concern: the shared encodings and data model here, each writer and each kind of store in its own.

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <functional>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <numbers>
#include <optional>
#include <random>
#include <regex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include <sqlite3.h>

#include "io/yamlwriter.h"

#include <QByteArray>
#include <QCryptographicHash>

namespace fs = std::filesystem;

namespace genstore {

using KeyValues = std::vector<std::pair<std::string, std::string>>;

// ---------------------------------------------------------------------------------------------------
// Text encodings MLflow's Python writes.

// Python's repr() of a float: the shortest text that round-trips, in fixed notation for decimal
// exponents -4..15 and with ".0" on integral values, else d.ddde±XX (formats §A.5).
std::string pyFloat(double v)
{
    if (std::isnan(v))
        return "nan";
    if (std::isinf(v))
        return v > 0 ? "inf" : "-inf";
    char buf[64];
    const auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
    std::string_view sci(buf, static_cast<std::size_t>(res.ptr - buf));
    const bool negative = sci.front() == '-';
    if (negative)
        sci.remove_prefix(1);
    const auto e = sci.find('e');
    int exponent = 0;
    std::from_chars(sci.data() + e + 1 + (sci[e + 1] == '+' ? 1 : 0), sci.data() + sci.size(), exponent);
    std::string digits;
    for (char c : sci.substr(0, e)) {
        if (c != '.')
            digits += c;
    }
    std::string out;
    if (exponent < -4 || exponent >= 16) {
        out = digits.substr(0, 1);
        if (digits.size() > 1)
            out += '.' + digits.substr(1);
        const int absExp = std::abs(exponent);
        out += exponent < 0 ? "e-" : "e+";
        if (absExp < 10)
            out += '0';
        out += std::to_string(absExp);
    } else if (exponent < 0) {
        out = "0." + std::string(static_cast<std::size_t>(-exponent - 1), '0') + digits;
    } else {
        const auto intDigits = static_cast<std::size_t>(exponent) + 1;
        if (digits.size() <= intDigits)
            out = digits + std::string(intDigits - digits.size(), '0') + ".0";
        else
            out = digits.substr(0, intDigits) + '.' + digits.substr(intDigits);
    }
    return negative ? '-' + out : out;
}

// pathlib's as_uri(): file:// plus the path, every byte outside [A-Za-z0-9_.~/-] percent-encoded.
std::string fileUri(const fs::path& absolute)
{
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out = "file://";
    for (unsigned char c : absolute.generic_string()) {
        if (std::isalnum(c) || c == '_' || c == '.' || c == '-' || c == '~' || c == '/') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

std::string md5Hex(std::string_view data)
{
    const QByteArray hash = QCryptographicHash::hash(
        QByteArray(data.data(), static_cast<qsizetype>(data.size())), QCryptographicHash::Md5);
    return hash.toHex().toStdString();
}

// ---------------------------------------------------------------------------------------------------
// meta.yaml files are written by the core writer (PyYAML safe_dump rules, core/yamlwriter.h); here a
// value it cannot write is a bug in the generator.
class YamlDoc : public runlens::YamlWriter
{
public:
    std::string dump() const
    {
        std::string out = YamlWriter::dump();
        if (!error().empty())
            throw std::logic_error("generator bug: " + error());
        return out;
    }
};

// ---------------------------------------------------------------------------------------------------
// Deterministic randomness. std's distributions differ between standard libraries, so only the engine
// (fully specified) comes from std.

class Rng
{
public:
    explicit Rng(std::uint64_t seed)
        : m_engine(splitmix(seed))
    { }

    static std::uint64_t splitmix(std::uint64_t x)
    {
        x += 0x9E3779B97F4A7C15ull;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
        return x ^ (x >> 31);
    }

    std::uint64_t next() { return m_engine(); }
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
    bool chance(double p) { return uniform() < p; }
    double normal()
    {
        // Box-Muller; the second value is dropped to keep the stream simple.
        const double u1 = 1.0 - uniform();
        const double u2 = uniform();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
    }
    template<typename T>
    const T& pick(const std::vector<T>& items)
    {
        return items[below(items.size())];
    }

    // uuid.uuid4().hex, which MLflow uses for run ids.
    std::string uuid4Hex()
    {
        static constexpr char hex[] = "0123456789abcdef";
        std::string out(32, '0');
        std::uint64_t a = next();
        std::uint64_t b = next();
        for (int i = 0; i < 16; ++i) {
            out[static_cast<std::size_t>(i)] = hex[(a >> (60 - 4 * i)) & 15];
            out[static_cast<std::size_t>(16 + i)] = hex[(b >> (60 - 4 * i)) & 15];
        }
        out[12] = '4';
        out[16] = hex[8 + ((b >> 60) & 3)];
        return out;
    }

    // The file store's experiment ids are large random integers (18 digits in practice).
    std::string experimentId() { return std::to_string(100000000000000000ull + next() % 900000000000000000ull); }

private:
    std::mt19937_64 m_engine;
};

// ---------------------------------------------------------------------------------------------------
// What gets written, independent of the store format.

constexpr int kRunning = 1;
constexpr int kFinished = 3;
constexpr int kFailed = 4;
constexpr int kKilled = 5;

std::string_view statusName(int status)
{
    switch (status) {
    case kRunning:
        return "RUNNING";
    case kFailed:
        return "FAILED";
    case kKilled:
        return "KILLED";
    default:
        return "FINISHED";
    }
}

struct Point
{
    std::int64_t timestamp = 0;
    double value = 0.0;
    std::int64_t step = 0;
};

struct GenMetric
{
    std::string key;
    std::vector<Point> points;
};

struct GenDataset
{
    std::string name;
    std::string digest;
    std::string sourceType;
    std::string source;
    std::string schema;
    std::string profile;
    std::string id() const { return md5Hex(name + digest); }
};

struct GenInput
{
    GenDataset dataset;
    KeyValues tags;
};

struct GenRun
{
    std::string id;
    std::string name;
    std::string experimentId;
    std::string userId;
    int status = kFinished;
    std::int64_t startTime = 0;
    std::optional<std::int64_t> endTime;
    std::optional<std::int64_t> deletedTime; // set = deleted
    KeyValues params;
    KeyValues tags;
    std::vector<GenMetric> metrics;
    KeyValues artifacts; // relative path -> bytes
    std::vector<GenInput> inputs;

    void tag(std::string key, std::string value) { tags.emplace_back(std::move(key), std::move(value)); }
    bool hasTag(std::string_view key) const
    {
        return std::any_of(tags.begin(), tags.end(), [&](const auto& kv) { return kv.first == key; });
    }
    void param(std::string key, std::string value) { params.emplace_back(std::move(key), std::move(value)); }
};

struct GenExperiment
{
    std::string id;
    std::string name;
    std::int64_t creationTime = 0;
    std::int64_t lastUpdateTime = 0;
    KeyValues tags;
};

struct GenVersion
{
    std::int64_t version = 0;
    std::string stage = "None";
    std::string runId;
    std::string experimentId;
    std::int64_t creationTime = 0;
    std::int64_t lastUpdatedTime = 0;
    std::optional<std::string> description;
    KeyValues tags;
};

struct GenModel
{
    std::string name;
    std::optional<std::string> description;
    std::int64_t creationTime = 0;
    std::int64_t lastUpdatedTime = 0;
    KeyValues tags;
    std::vector<std::pair<std::string, std::int64_t>> aliases;
    std::vector<GenVersion> versions;
};

struct Totals
{
    std::int64_t files = 0;
    std::int64_t bytes = 0;
    std::int64_t runs = 0;
    std::int64_t points = 0;
};

constexpr std::int64_t kDay = 86400000;

double round4(double v)
{
    return std::round(v * 10000.0) / 10000.0;
}

} // namespace genstore
