// SPDX-License-Identifier: Apache-2.0
#pragma once

// What the fuzz targets share: splitting one input into parts, and a scratch folder per process.
// Inputs with several parts separate them by a line holding only "%%", so seeds stay readable and a
// dictionary entry lets the fuzzer add or drop parts.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

namespace runlens::fuzz {

inline std::vector<std::string_view> splitParts(std::string_view input)
{
    constexpr std::string_view separator = "\n%%\n";
    std::vector<std::string_view> parts;
    for (;;) {
        const std::size_t at = input.find(separator);
        if (at == std::string_view::npos) {
            parts.push_back(input);
            return parts;
        }
        parts.push_back(input.substr(0, at));
        input.remove_prefix(at + separator.size());
    }
}

/** A folder of this process, removed at exit; targets that need files write them here. */
inline const std::filesystem::path& scratchDir()
{
    static const std::filesystem::path dir = [] {
        const char* base = std::getenv("TMPDIR");
        std::string pattern = std::string(base && *base ? base : "/tmp") + "/runlens-fuzz-XXXXXX";
        if (!mkdtemp(pattern.data()))
            std::abort();
        std::atexit([] {
            std::error_code ignored;
            std::filesystem::remove_all(scratchDir(), ignored);
        });
        return std::filesystem::path(pattern);
    }();
    return dir;
}

inline void writeFile(const std::filesystem::path& path, std::string_view content)
{
    std::filesystem::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    if (!out)
        std::abort();
}

} // namespace runlens::fuzz
