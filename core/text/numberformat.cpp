// SPDX-License-Identifier: Apache-2.0
#include "text/numberformat.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace runlens {

std::string formatNumber(double value)
{
    if (std::isnan(value))
        return "NaN";
    if (std::isinf(value))
        return value > 0 ? "inf" : "-inf";
    char buf[64];
    const auto res = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::general, 15);
    return std::string(buf, res.ptr);
}

std::string formatDouble(double value)
{
    if (std::isnan(value))
        return "nan";
    if (std::isinf(value))
        return value > 0 ? "inf" : "-inf";

    // Shortest round-trip digits in scientific form, then laid out by Python's repr rule:
    // scientific when the decimal exponent is < -4 or >= 16, positional otherwise.
    char buf[64];
    const auto res = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
    std::string sci(buf, res.ptr);
    const bool negative = sci.front() == '-';
    if (negative)
        sci.erase(0, 1);
    const auto ePos = sci.find('e');
    const int exponent = std::stoi(sci.substr(ePos + 1));
    std::string digits;
    for (std::size_t i = 0; i < ePos; ++i) {
        if (sci[i] != '.')
            digits.push_back(sci[i]);
    }

    std::string out = negative ? "-" : "";
    if (exponent < -4 || exponent >= 16) {
        out += digits.substr(0, 1);
        if (digits.size() > 1) {
            out += '.';
            out += digits.substr(1);
        }
        char expText[16];
        std::snprintf(expText, sizeof expText, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
        out += expText;
        return out;
    }
    if (exponent < 0) {
        out += "0.";
        out.append(static_cast<std::size_t>(-exponent - 1), '0');
        out += digits;
        return out;
    }
    const auto intDigits = static_cast<std::size_t>(exponent) + 1;
    if (digits.size() <= intDigits) {
        out += digits;
        out.append(intDigits - digits.size(), '0');
        out += ".0";
    } else {
        out += digits.substr(0, intDigits);
        out += '.';
        out += digits.substr(intDigits);
    }
    return out;
}

std::string formatTimestampUtc(std::int64_t epochMillis)
{
    std::int64_t seconds = epochMillis / 1000;
    std::int64_t millis = epochMillis % 1000;
    if (millis < 0) {
        millis += 1000;
        seconds -= 1;
    }
    const std::time_t t = static_cast<std::time_t>(seconds);
    std::tm tm {};
    gmtime_r(&t, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
        tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(millis));
    return buf;
}

std::string formatDuration(std::int64_t millis)
{
    char buf[64];
    if (millis < 0)
        return "-";
    if (millis < 1000) {
        std::snprintf(buf, sizeof buf, "%lldms", static_cast<long long>(millis));
    } else if (millis < 60'000) {
        std::snprintf(buf, sizeof buf, "%.1fs", static_cast<double>(millis) / 1000.0);
    } else if (millis < 3'600'000) {
        std::snprintf(buf, sizeof buf, "%lldm %02llds", static_cast<long long>(millis / 60'000),
            static_cast<long long>((millis / 1000) % 60));
    } else if (millis < 86'400'000) {
        std::snprintf(buf, sizeof buf, "%lldh %02lldm", static_cast<long long>(millis / 3'600'000),
            static_cast<long long>((millis / 60'000) % 60));
    } else {
        std::snprintf(buf, sizeof buf, "%lldd %02lldh", static_cast<long long>(millis / 86'400'000),
            static_cast<long long>((millis / 3'600'000) % 24));
    }
    return buf;
}

} // namespace runlens
