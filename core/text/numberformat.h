// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>

namespace runlens {

/**
 * A double as Python's repr() writes it (what MLflow writes into metric files and what users see in
 * MLflow): shortest round-trip digits, "1e-05", "1e+16", "0.1", "7.0", "nan", "inf", "-inf", "-0.0".
 */
std::string formatDouble(double value);

/**
 * A double for people, the same in every table and panel: 15 significant digits, as printf's %.15g
 * ("7", "0.84", "1e-05"), so the float noise of 0.1 + 0.2 reads 0.3 and every decimal of up to 15
 * digits reads as it was logged; "NaN", "inf", "-inf". Exports and tooltips keep formatDouble()'s
 * every digit.
 */
std::string formatNumber(double value);

/** Epoch milliseconds as ISO 8601 in UTC with milliseconds, e.g. "2026-11-26T06:44:45.123Z". */
std::string formatTimestampUtc(std::int64_t epochMillis);

/** A duration in milliseconds for people: "850ms", "12.3s", "4m 05s", "2h 03m", "3d 04h". */
std::string formatDuration(std::int64_t millis);

} // namespace runlens
