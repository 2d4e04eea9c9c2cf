// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <string_view>

namespace runlens {

/**
 * A LIKE / ILIKE pattern: '%' any run of characters (newlines too), '_' one character, every other
 * character literal, matched against the whole text, on every store alike (formats §D.3). LIKE is
 * case-sensitive; ILIKE compares Unicode case-folded characters, so 'É' matches 'é'.
 *
 * MLflow differs in two ways Runlens does not copy (docs/search.md): its file store turns the
 * pattern into a regex without escaping it ('.' matches any character, '(' fails the request), and
 * its SQL store's ILIKE folds ASCII letters only.
 */
class LikePattern
{
public:
    LikePattern(std::string_view pattern, bool caseInsensitive);

    bool matches(std::string_view text) const;

    const std::string& pattern() const { return m_pattern; }
    bool caseInsensitive() const { return m_caseInsensitive; }

private:
    std::string m_pattern;
    bool m_caseInsensitive = false;
    std::u32string m_codePoints; // case-folded for ILIKE
};

} // namespace runlens
