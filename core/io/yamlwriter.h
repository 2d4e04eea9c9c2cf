// SPDX-License-Identifier: Apache-2.0
#pragma once

// Writes meta.yaml entries exactly as MLflow's PyYAML safe_dump(default_flow_style=False,
// sort_keys=True, allow_unicode=True) does (formats §A.2): keys sorted by code point, plain scalars
// when PyYAML would write them plain, single quotes otherwise, folding at spaces past column 80 and
// line breaks written as PyYAML's single-quoted style writes them. Strings PyYAML would double-quote
// (control characters, a space next to a line break) are refused rather than written differently.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace runlens {

class YamlWriter
{
public:
    /** Can this string be written the way PyYAML writes it (i.e. without double quotes)? */
    static bool writable(std::string_view text);
    /** Would PyYAML write this string as a plain (unquoted) scalar? */
    static bool plainAllowed(std::string_view text);
    /** One top-level "key: 'value'\n" entry for a string value; nullopt when not writable. */
    static std::optional<std::string> stringEntry(const std::string& key, std::string_view value);
    /** One top-level "key: text\n" entry for a bare value (integer, null, [], {}). */
    static std::string rawEntry(const std::string& key, std::string_view text);

    void str(const std::string& key, std::string value);
    void integer(const std::string& key, std::int64_t value);
    void optInteger(const std::string& key, std::optional<std::int64_t> value);
    void optStr(const std::string& key, const std::optional<std::string>& value);
    void null(const std::string& key);
    void emptyList(const std::string& key);
    void map(const std::string& key, const std::vector<std::pair<std::string, std::string>>& entries);

    /** The document; check error() first: a value that cannot be written is left out. */
    std::string dump() const;
    /** What could not be written, or empty. */
    const std::string& error() const { return m_error; }

private:
    enum class Kind
    {
        String,
        Raw,
        Map
    };
    struct Item
    {
        Kind kind = Kind::Raw;
        std::string text;
        std::map<std::string, std::string> map; // sorted by key, as sort_keys=True does
    };
    std::map<std::string, Item> m_items; // byte order = Python's code-point order for UTF-8
    mutable std::string m_error;
};

} // namespace runlens
