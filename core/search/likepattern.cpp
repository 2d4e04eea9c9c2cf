// SPDX-License-Identifier: Apache-2.0
#include "search/likepattern.h"

#include <QChar>

namespace runlens {

namespace {

// UTF-8 to code points; each byte of an invalid sequence becomes U+DC80+byte (Python's surrogateescape),
// so such bytes match only themselves.
std::u32string decodeUtf8(std::string_view s)
{
    std::u32string out;
    out.reserve(s.size());
    std::size_t i = 0;
    while (i < s.size()) {
        const auto b = static_cast<unsigned char>(s[i]);
        if (b < 0x80) {
            out += b;
            ++i;
            continue;
        }
        int len = 0;
        char32_t cp = 0;
        char32_t min = 0;
        if ((b & 0xe0) == 0xc0) {
            len = 2;
            cp = b & 0x1f;
            min = 0x80;
        } else if ((b & 0xf0) == 0xe0) {
            len = 3;
            cp = b & 0x0f;
            min = 0x800;
        } else if ((b & 0xf8) == 0xf0) {
            len = 4;
            cp = b & 0x07;
            min = 0x10000;
        }
        bool ok = len > 0 && i + static_cast<std::size_t>(len) <= s.size();
        for (int k = 1; ok && k < len; ++k) {
            const auto cb = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
            if ((cb & 0xc0) != 0x80)
                ok = false;
            else
                cp = (cp << 6) | (cb & 0x3f);
        }
        if (ok && (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)))
            ok = false;
        if (!ok) {
            out += static_cast<char32_t>(0xDC00 + b);
            ++i;
            continue;
        }
        out += cp;
        i += static_cast<std::size_t>(len);
    }
    return out;
}

std::u32string folded(std::u32string s)
{
    for (char32_t& c : s)
        c = QChar::toCaseFolded(c);
    return s;
}

} // namespace

LikePattern::LikePattern(std::string_view pattern, bool caseInsensitive)
    : m_pattern(pattern)
    , m_caseInsensitive(caseInsensitive)
    , m_codePoints(caseInsensitive ? folded(decodeUtf8(pattern)) : decodeUtf8(pattern))
{ }

bool LikePattern::matches(std::string_view textUtf8) const
{
    const std::u32string text = m_caseInsensitive ? folded(decodeUtf8(textUtf8)) : decodeUtf8(textUtf8);
    // Greedy glob match with backtracking to the last '%': linear for the usual patterns.
    const std::u32string_view p = m_codePoints;
    std::size_t i = 0;
    std::size_t j = 0;
    std::size_t star = std::u32string_view::npos;
    std::size_t mark = 0;
    while (j < text.size()) {
        if (i < p.size() && p[i] != U'%' && (p[i] == U'_' || p[i] == text[j])) {
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

} // namespace runlens
