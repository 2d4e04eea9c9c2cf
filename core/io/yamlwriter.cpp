// SPDX-License-Identifier: Apache-2.0
#include "io/yamlwriter.h"

#include <algorithm>
#include <regex>

namespace runlens {

namespace {

constexpr std::size_t kBestWidth = 80; // PyYAML's default width

std::size_t codePoints(std::string_view utf8)
{
    return static_cast<std::size_t>(
        std::count_if(utf8.begin(), utf8.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// Would PyYAML's YAML 1.1 resolver read this plain scalar as something other than a string? These are
// PyYAML 6's implicit resolver patterns (resolver.py), with the verbose-mode blanks removed.
bool resolvesToNonString(const std::string& s)
{
    static const std::regex nonString(
        "~|null|Null|NULL|" // null (and the empty string, handled below)
        "yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|" // bool
        "[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|"
        "[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+|" // int
        "[-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+][0-9]+)?|\\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|"
        "[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN)|" // float
        "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|"
        "[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \\t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\\.[0-9]*)?"
        "(?:[ \\t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?|" // timestamp
        "<<|=", // merge, value
        std::regex::ECMAScript | std::regex::optimize);
    return s.empty() || std::regex_match(s, nonString);
}

// Writes " value" after "key:" the way PyYAML's write_plain / write_single_quoted do: folding at a
// single space past column 80, and in quotes a line break as an empty line plus indentation.
void emitScalar(std::string& out, std::size_t column, std::size_t indent, std::string_view text)
{
    const bool plain = YamlWriter::plainAllowed(text);
    out += plain ? " " : " '";
    column += plain ? 1 : 2;
    auto writeIndent = [&] {
        out += '\n';
        out.append(indent, ' ');
        column = indent;
    };
    bool spaces = false;
    bool breaks = false;
    std::size_t start = 0;
    for (std::size_t end = 0; end <= text.size(); ++end) {
        const bool atEnd = end == text.size();
        const char ch = atEnd ? '\0' : text[end];
        if (spaces) {
            if (atEnd || ch != ' ') {
                const bool mayBreak = plain || (start != 0 && end != text.size());
                if (start + 1 == end && column > kBestWidth && mayBreak) {
                    writeIndent();
                } else {
                    out.append(text.substr(start, end - start));
                    column += end - start;
                }
                start = end;
            }
        } else if (breaks) {
            if (atEnd || ch != '\n') {
                // PyYAML doubles the first break: a single one would fold into a space.
                out += '\n';
                out.append(end - start, '\n');
                out.append(indent, ' ');
                column = indent;
                start = end;
            }
        } else if (atEnd || ch == ' ' || ch == '\n' || (!plain && ch == '\'')) {
            if (start < end) {
                const std::string_view chunk = text.substr(start, end - start);
                out.append(chunk);
                column += codePoints(chunk);
                start = end;
            }
        }
        if (!plain && ch == '\'') {
            out += "''";
            column += 2;
            start = end + 1;
        }
        if (!atEnd) {
            spaces = ch == ' ';
            breaks = ch == '\n';
        }
    }
    if (!plain)
        out += '\'';
    out += '\n';
}

} // namespace

bool YamlWriter::writable(std::string_view s)
{
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c == '\n') {
            // A space next to a line break makes PyYAML switch to double quotes.
            if ((i > 0 && s[i - 1] == ' ') || (i + 1 < s.size() && s[i + 1] == ' '))
                return false;
            continue;
        }
        if (c < 0x20 || c == 0x7F)
            return false; // tab, CR and other controls: double quotes
        if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) < 0xA0)
            return false; // C1 controls and NEL
        if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80
            && (static_cast<unsigned char>(s[i + 2]) == 0xA8 || static_cast<unsigned char>(s[i + 2]) == 0xA9))
            return false; // LS, PS: line breaks PyYAML escapes
        if (c == 0xEF && i + 2 < s.size()
            && ((static_cast<unsigned char>(s[i + 1]) == 0xBB && static_cast<unsigned char>(s[i + 2]) == 0xBF)
                || (static_cast<unsigned char>(s[i + 1]) == 0xBF && static_cast<unsigned char>(s[i + 2]) >= 0xBE)))
            return false; // BOM, U+FFFE, U+FFFF
    }
    return true;
}

// PyYAML's analyze_scalar for block context: may this string be written plain?
bool YamlWriter::plainAllowed(std::string_view s)
{
    if (s.empty() || resolvesToNonString(std::string(s)))
        return false;
    if (s.starts_with("---") || s.starts_with("..."))
        return false;
    if (s.front() == ' ' || s.back() == ' ')
        return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (c == '\n')
            return false;
        const bool followedBySpace = i + 1 == s.size() || s[i + 1] == ' ';
        if (i == 0) {
            if (std::string_view("#,[]{}&*!|>'\"%@`").find(c) != std::string_view::npos)
                return false;
            if ((c == '?' || c == ':' || c == '-') && followedBySpace)
                return false;
        } else {
            if (c == ':' && followedBySpace)
                return false;
            if (c == '#' && s[i - 1] == ' ')
                return false;
        }
    }
    return true;
}

std::optional<std::string> YamlWriter::stringEntry(const std::string& key, std::string_view value)
{
    if (!writable(value))
        return std::nullopt;
    std::string out = key + ':';
    emitScalar(out, codePoints(key) + 1, 2, value);
    return out;
}

std::string YamlWriter::rawEntry(const std::string& key, std::string_view text)
{
    std::string out = key + ": ";
    out.append(text);
    out += '\n';
    return out;
}

void YamlWriter::str(const std::string& key, std::string value)
{
    m_items[key] = Item {Kind::String, std::move(value), {}};
}

void YamlWriter::integer(const std::string& key, std::int64_t value)
{
    m_items[key] = Item {Kind::Raw, std::to_string(value), {}};
}

void YamlWriter::optInteger(const std::string& key, std::optional<std::int64_t> value)
{
    if (value)
        integer(key, *value);
    else
        null(key);
}

void YamlWriter::optStr(const std::string& key, const std::optional<std::string>& value)
{
    if (value)
        str(key, *value);
    else
        null(key);
}

void YamlWriter::null(const std::string& key)
{
    m_items[key] = Item {Kind::Raw, "null", {}};
}

void YamlWriter::emptyList(const std::string& key)
{
    m_items[key] = Item {Kind::Raw, "[]", {}};
}

void YamlWriter::map(const std::string& key, const std::vector<std::pair<std::string, std::string>>& entries)
{
    if (entries.empty()) {
        m_items[key] = Item {Kind::Raw, "{}", {}};
        return;
    }
    m_items[key] = Item {Kind::Map, {}, std::map<std::string, std::string>(entries.begin(), entries.end())};
}

std::string YamlWriter::dump() const
{
    std::string out;
    m_error.clear();
    for (const auto& [key, item] : m_items) {
        switch (item.kind) {
        case Kind::String:
            if (auto entry = stringEntry(key, item.text))
                out += *entry;
            else
                m_error = "the value of " + key + " cannot be written as PyYAML writes it";
            break;
        case Kind::Raw:
            out += rawEntry(key, item.text);
            break;
        case Kind::Map:
            out += key + ":\n";
            for (const auto& [k, v] : item.map) {
                if (!plainAllowed(k) || !writable(v)) {
                    m_error = "the entry " + k + " of " + key + " cannot be written as PyYAML writes it";
                    continue;
                }
                out += "  " + k + ':';
                emitScalar(out, codePoints(k) + 3, 4, v);
            }
            break;
        }
    }
    return out;
}

} // namespace runlens
