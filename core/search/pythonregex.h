// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runlens {

/**
 * The part of Python's `re` module that MLflow's file store reaches when it turns a LIKE pattern into
 * a regex without escaping it (search_utils._convert_like_pattern_to_regex): literals, '.', classes,
 * groups, alternation, quantifiers and the anchors ^ $ \A \Z \b \B, with Python's meaning for each
 * ('.' never matches '\n'; '$' also matches before a final '\n'; \d \w \s are Unicode-aware).
 *
 * Matching simulates the automaton breadth-first (no recursion, no backtracking), so run time is
 * linear in the text and long values cannot exhaust the stack.
 */
class PythonRegex
{
public:
    /**
     * Compiles a pattern. Returns nullopt when Python would reject it (re.error) or when it uses what
     * this engine does not implement: backreferences, lookaround, inline flags, possessive or atomic
     * groups, \N{...}, or repeat counts too large to unroll.
     */
    static std::optional<PythonRegex> compile(std::u32string_view pattern, bool ignoreCase);

    /** re.match: anchored at the start of `text`, need not reach its end. */
    bool matchesPrefix(std::u32string_view text) const;

    struct CharClass
    {
        std::vector<std::pair<char32_t, char32_t>> ranges;
        unsigned categories = 0; // bit set of category escapes (\d \D \w \W \s \S)
        bool negated = false;
    };
    struct Instruction
    {
        enum Op : unsigned char
        {
            Char,
            Any,
            Class,
            Split,
            Jump,
            Assert,
            Match
        } op = Match;
        char32_t ch = 0; // Char; Assert kind
        int x = 0; // Class index; Split/Jump target
        int y = 0; // Split second target
    };

private:
    bool classContains(const CharClass& cls, char32_t c) const;

    std::vector<Instruction> m_program;
    std::vector<CharClass> m_classes;
    bool m_ignoreCase = false;
};

/** UTF-8 to code points; each byte of an invalid sequence becomes U+DC80+byte (Python's surrogateescape). */
std::u32string decodeUtf8(std::string_view text);

} // namespace runlens
