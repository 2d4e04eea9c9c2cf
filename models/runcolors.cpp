// SPDX-License-Identifier: Apache-2.0
#include "runcolors.h"

#include <array>
#include <cstdint>

namespace runlens {

namespace {

// Tableau 20 order: neighbours differ in hue and each reads on light and dark backgrounds.
constexpr std::array<QRgb, 20> kPalette
    = {0x4e79a7, 0xf28e2b, 0xe15759, 0x76b7b2, 0x59a14f, 0xedc948, 0xb07aa1, 0xff9da7, 0x9c755f, 0xbab0ac, 0x1f77b4,
        0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2, 0x17becf, 0xbcbd22, 0x7f7f7f};

// FNV-1a: stable across runs and platforms, unlike std::hash or qHash with its per-process seed.
std::uint32_t fnv1a(const std::string& text)
{
    std::uint32_t hash = 2166136261u;
    for (const unsigned char c : text) {
        hash ^= c;
        hash *= 16777619u;
    }
    return hash;
}

} // namespace

QColor runColor(const std::string& runId)
{
    return QColor(kPalette[fnv1a(runId) % kPalette.size()]);
}

int runColorCount()
{
    return static_cast<int>(kPalette.size());
}

} // namespace runlens
