// SPDX-License-Identifier: Apache-2.0
#include "runcolors.h"

#include <array>
#include <cstdint>
#include <mutex>
#include <shared_mutex>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace runlens {

namespace {

// Tableau 10, then ten more picked greedily for the largest CIELAB distance to all before them
// (lightness 30-80, so each reads on a light background): no two are closer than ΔE 25, where the
// earlier Tableau 10 + Category 10 mix had blues, oranges and reds 10 apart.
constexpr std::array<QRgb, 20> kPalette
    = {0x4e79a7, 0xf28e2b, 0xe15759, 0x76b7b2, 0x59a14f, 0xedc948, 0xb07aa1, 0xff9da7, 0x9c755f, 0xbab0ac, 0x1313eb,
        0xeb13c7, 0x7c71f3, 0x2cd22c, 0x7e1a7e, 0xeb137f, 0xeb1313, 0x7e751a, 0x91bc0f, 0xe480e4};

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

struct Assignments
{
    std::shared_mutex mutex;
    std::unordered_map<std::string, int> slot; // run id -> palette index
};

Assignments& assignments()
{
    static Assignments instance;
    return instance;
}

// The later of two runs that share a colour moves to the first one none of the runs has.
bool distinguishLocked(Assignments& a, const std::vector<std::string>& runIds)
{
    std::unordered_set<int> taken;
    std::unordered_set<std::string_view> seen;
    std::vector<const std::string*> moved;
    for (const std::string& id : runIds) {
        if (!seen.insert(id).second)
            continue;
        auto it = a.slot.find(id);
        if (it == a.slot.end())
            it = a.slot.emplace(id, static_cast<int>(fnv1a(id) % kPalette.size())).first;
        if (!taken.insert(it->second).second)
            moved.push_back(&id); // shares a colour with an earlier run of the selection
    }
    for (const std::string* id : moved) {
        int free = 0;
        while (taken.count(free))
            ++free;
        a.slot[*id] = free;
        taken.insert(free);
    }
    return !moved.empty();
}

} // namespace

QColor runPaletteColor(int index)
{
    if (index >= 0 && index < static_cast<int>(kPalette.size()))
        return QColor(kPalette[static_cast<std::size_t>(index)]);
    // Beyond the palette: golden-angle hues, alternating in lightness so neighbours differ.
    const int n = index - static_cast<int>(kPalette.size());
    const int hue = static_cast<int>(static_cast<long long>(n) * 137508 / 1000 % 360);
    return QColor::fromHsl(hue, 170, n % 2 ? 150 : 105);
}

QColor runColor(const std::string& runId)
{
    Assignments& a = assignments();
    {
        std::shared_lock lock(a.mutex);
        const auto it = a.slot.find(runId);
        if (it != a.slot.end())
            return runPaletteColor(it->second);
    }
    return QColor(kPalette[fnv1a(runId) % kPalette.size()]);
}

void assignRunColors(const std::vector<std::string>& runIds)
{
    Assignments& a = assignments();
    std::unique_lock lock(a.mutex);
    std::vector<int> uses(kPalette.size(), 0);
    for (const std::string& id : runIds) {
        const auto it = a.slot.find(id);
        if (it != a.slot.end() && it->second < static_cast<int>(uses.size()))
            ++uses[static_cast<std::size_t>(it->second)];
    }
    for (const std::string& id : runIds) {
        if (a.slot.count(id))
            continue;
        std::size_t least = 0;
        for (std::size_t i = 1; i < uses.size(); ++i) {
            if (uses[i] < uses[least])
                least = i;
        }
        a.slot.emplace(id, static_cast<int>(least));
        ++uses[least];
    }
    // A listing the palette can cover shows no colour twice, even with runs coloured elsewhere.
    if (runIds.size() <= kPalette.size())
        distinguishLocked(a, runIds);
}

bool distinguishRunColors(const std::vector<std::string>& runIds)
{
    Assignments& a = assignments();
    std::unique_lock lock(a.mutex);
    return distinguishLocked(a, runIds);
}

int runColorCount()
{
    return static_cast<int>(kPalette.size());
}

} // namespace runlens
