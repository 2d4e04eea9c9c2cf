// SPDX-License-Identifier: Apache-2.0
#pragma once

// A meta.yaml of the file store (formats §A.2): one mapping of keys to scalars, with the odd empty
// list or small mapping (input tags). PyYAML's safe_dump writes almost all of them as plain
// "key: value" lines; those are read by a small exact parser, because yaml-cpp needs ~130 µs per file
// and a store has thousands. Anything outside that simple form (folded or double-quoted strings,
// nested blocks, comments, ...) goes to yaml-cpp, which stays the reference.

#include "entities.h"
#include "result.h"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace runlens {

class YamlMeta
{
public:
    enum class Kind
    {
        Null,
        Scalar,
        Sequence,
        Mapping
    };

    struct Value
    {
        Kind kind = Kind::Null;
        std::string text; // a scalar's text, unquoted
        std::vector<KeyValue> entries; // a mapping's scalar entries, sorted by key
        std::size_t items = 0; // a sequence's or mapping's size
    };

    /**
     * Parses a meta.yaml. Errors (INVALID_PARAMETER_VALUE) say what is wrong: empty, not YAML, not a
     * mapping. The caller adds the path.
     */
    static Result<YamlMeta> parse(std::string_view text);
    /** The same through yaml-cpp only: the reference the fast path is tested against. */
    static Result<YamlMeta> parseWithYamlCpp(std::string_view text);

    /** True when the document was empty or only whitespace (a concurrent writer, maybe). */
    static bool isBlank(std::string_view text);

    const Value* find(std::string_view key) const;
    bool contains(std::string_view key) const { return find(key) != nullptr; }
    /** A scalar's text; nullopt for missing or null keys and for lists and mappings. */
    std::optional<std::string> scalar(std::string_view key) const;
    /** The keys in document order. */
    std::vector<std::string> keys() const;
    bool usedFastPath() const { return m_fastPath; }

    friend bool operator==(const Value& a, const Value& b)
    {
        return a.kind == b.kind && a.text == b.text && a.entries == b.entries && a.items == b.items;
    }
    /** Same keys with the same values (the fast-path flag aside). */
    bool sameContent(const YamlMeta& other) const { return m_fields == other.m_fields; }

private:
    static bool parseSimple(std::string_view text, YamlMeta& out);

    std::vector<std::pair<std::string, Value>> m_fields;
    bool m_fastPath = false;
};

} // namespace runlens
