// SPDX-License-Identifier: Apache-2.0
#include "search/likepattern.h"

namespace runlens {

namespace {

char32_t asciiLower(char32_t c)
{
    return (c >= U'A' && c <= U'Z') ? c - U'A' + U'a' : c;
}

std::u32string asciiLowered(std::u32string s)
{
    for (char32_t& c : s)
        c = asciiLower(c);
    return s;
}

} // namespace

LikePattern::LikePattern(std::string_view pattern, bool caseInsensitive)
    : m_pattern(pattern)
    , m_caseInsensitive(caseInsensitive)
{
    const std::u32string decoded = decodeUtf8(pattern);
    m_sqlPattern = caseInsensitive ? asciiLowered(decoded) : decoded;

    // The regex exactly as MLflow's file store builds it, including the unescaped metacharacters.
    std::u32string regex;
    if (!pattern.starts_with('%'))
        regex += U'^';
    regex += decoded;
    if (!pattern.ends_with('%'))
        regex += U'$';
    std::u32string converted;
    converted.reserve(regex.size() + 8);
    for (const char32_t c : regex) {
        if (c == U'_')
            converted += U'.';
        else if (c == U'%')
            converted += U".*";
        else
            converted += c;
    }
    m_regex = PythonRegex::compile(converted, caseInsensitive);
}

bool LikePattern::matchesSql(std::u32string_view text) const
{
    // Greedy glob match with backtracking to the last '%': linear for the usual patterns.
    const std::u32string_view p = m_sqlPattern;
    std::size_t i = 0;
    std::size_t j = 0;
    std::size_t star = std::u32string_view::npos;
    std::size_t mark = 0;
    while (j < text.size()) {
        const char32_t t = m_caseInsensitive ? asciiLower(text[j]) : text[j];
        if (i < p.size() && p[i] != U'%' && (p[i] == U'_' || p[i] == t)) {
            ++i;
            ++j;
        } else if (i < p.size() && p[i] == U'%') {
            star = i++;
            mark = j;
        } else if (star != std::u32string_view::npos) {
            i = star + 1;
            j = ++mark;
        } else {
            return false;
        }
    }
    while (i < p.size() && p[i] == U'%')
        ++i;
    return i == p.size();
}

bool LikePattern::matches(std::string_view text, SearchDialect dialect) const
{
    const std::u32string decoded = decodeUtf8(text);
    if (dialect == SearchDialect::FileStore && m_regex)
        return m_regex->matchesPrefix(decoded);
    return matchesSql(decoded);
}

} // namespace runlens
