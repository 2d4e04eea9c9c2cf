// SPDX-License-Identifier: Apache-2.0
#include "search/searchlexer.h"

#include <cstdio>

namespace runlens {

namespace {

bool isSpace(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool isDigit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

// Bare key characters: MLflow's tokenizer takes letters (Unicode ones too), digits, '_' and the '.'
// that separates the prefix; anything else (space, '-', '/', ':') needs quoting.
bool isBareChar(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(c) || c == '_' || c == '.' || c >= 0x80;
}

bool isComparatorChar(unsigned char c)
{
    return c == '<' || c == '>' || c == '=' || c == '!' || c == '~';
}

struct LexError
{
    std::size_t offset;
    std::string message; // "{pos}" stands for the position
};

// Scans a quoted part starting at `start` (the opening quote) as sqlparse's string patterns do:
// a doubled quote and a backslash-escaped quote stay inside; if the text ends before a closing quote,
// the latest quote that could have closed it does (the regex engine backtracks to it).
std::size_t scanQuoted(std::string_view s, std::size_t start)
{
    const char q = s[start];
    std::size_t lastCandidate = std::string_view::npos;
    std::size_t i = start + 1;
    while (i < s.size()) {
        const char c = s[i];
        if (q != '`' && c == '\\' && i + 1 < s.size() && (s[i + 1] == '\\' || s[i + 1] == q)) {
            if (s[i + 1] == q)
                lastCandidate = i + 1;
            i += 2;
            continue;
        }
        if (c == q) {
            if (i + 1 < s.size() && s[i + 1] == q) {
                lastCandidate = i;
                i += 2;
                continue;
            }
            return i + 1;
        }
        ++i;
    }
    if (lastCandidate != std::string_view::npos)
        return lastCandidate + 1;
    return std::string_view::npos;
}

// A numeric literal at `i`, as sqlparse's number patterns take it: -? (digits [. digits*] | . digits)
// with an exponent [eE] -? digits only after digits [. digits]. A '+' is an operator to sqlparse, so
// "+1" and "1e+3" are not numbers (MLflow rejects both).
std::size_t scanNumber(std::string_view s, std::size_t i)
{
    std::size_t j = i;
    if (j < s.size() && s[j] == '-')
        ++j;
    const std::size_t digitsStart = j;
    while (j < s.size() && isDigit(s[j]))
        ++j;
    const bool intDigits = j > digitsStart;
    bool any = intDigits;
    bool exponentAllowed = intDigits;
    if (j < s.size() && s[j] == '.') {
        std::size_t k = j + 1;
        while (k < s.size() && isDigit(s[k]))
            ++k;
        exponentAllowed = intDigits && k > j + 1;
        if (k > j + 1 || any) {
            any = true;
            j = k;
        }
    }
    if (!any)
        return i;
    if (exponentAllowed && j < s.size() && (s[j] == 'e' || s[j] == 'E')) {
        std::size_t k = j + 1;
        if (k < s.size() && s[k] == '-')
            ++k;
        const std::size_t expStart = k;
        while (k < s.size() && isDigit(s[k]))
            ++k;
        if (k > expStart)
            j = k;
    }
    return j;
}

std::string describeChar(std::string_view s, std::size_t i)
{
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\x%02x", c);
        return buf;
    }
    // Whole UTF-8 sequence for a non-ASCII character.
    std::size_t len = 1;
    while (c >= 0xc0 && i + len < s.size() && (static_cast<unsigned char>(s[i + len]) & 0xc0) == 0x80 && len < 4)
        ++len;
    return std::string(s.substr(i, len));
}

} // namespace

bool SearchToken::isKeyword(std::string_view upper) const
{
    if (kind != SearchTokenKind::Word || hasQuotes || text.size() != upper.size())
        return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c >= 'a' && c <= 'z')
            c = static_cast<char>(c - 'a' + 'A');
        if (c != upper[i])
            return false;
    }
    return true;
}

std::size_t searchCharPosition(std::string_view source, std::size_t byteOffset)
{
    std::size_t pos = 0;
    for (std::size_t i = 0; i < byteOffset && i < source.size(); ++i) {
        if ((static_cast<unsigned char>(source[i]) & 0xc0) != 0x80)
            ++pos;
    }
    return pos;
}

std::string searchQuoteForMessage(std::string_view text)
{
    constexpr std::size_t maxLength = 80;
    std::string out;
    for (std::size_t i = 0; i < text.size() && i < maxLength; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x20 || c == 0x7f) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        } else {
            out += static_cast<char>(c);
        }
    }
    if (text.size() > maxLength)
        out += "...";
    return out;
}

Result<std::vector<SearchToken>> tokenizeSearch(std::string_view s)
{
    std::vector<SearchToken> tokens;
    auto fail = [&](std::size_t offset, const std::string& what, const std::string& detail = {}) -> StoreError {
        return StoreError {ErrorCode::InvalidParameterValue,
            what + " at position " + std::to_string(searchCharPosition(s, offset)) + detail};
    };

    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (isSpace(c)) {
            ++i;
            continue;
        }
        SearchToken tok;
        tok.offset = i;
        if (c == '(' || c == ')' || c == ',') {
            tok.kind
                = c == '(' ? SearchTokenKind::LParen : (c == ')' ? SearchTokenKind::RParen : SearchTokenKind::Comma);
            tok.text = s.substr(i, 1);
            tokens.push_back(tok);
            ++i;
            continue;
        }
        if (isComparatorChar(c)) {
            std::size_t j = i;
            while (j < s.size() && isComparatorChar(static_cast<unsigned char>(s[j])))
                ++j;
            tok.kind = SearchTokenKind::Comparator;
            tok.text = s.substr(i, j - i);
            tokens.push_back(tok);
            i = j;
            continue;
        }
        if (c == '\'') {
            const std::size_t end = scanQuoted(s, i);
            if (end == std::string_view::npos)
                return fail(i, "Unterminated string literal (missing closing ')");
            tok.kind = SearchTokenKind::String;
            tok.text = s.substr(i, end - i);
            tok.inner = s.substr(i + 1, end - i - 2);
            tokens.push_back(tok);
            i = end;
            continue;
        }
        const bool signedNumber = (c == '+' || c == '-');
        if (isDigit(c) || signedNumber || (c == '.' && i + 1 < s.size() && isDigit(s[i + 1]))) {
            const std::size_t end = scanNumber(s, i);
            const bool followedByWord
                = end < s.size() && (isBareChar(static_cast<unsigned char>(s[end])) || s[end] == '`' || s[end] == '"');
            if (end > i && !followedByWord) {
                tok.kind = SearchTokenKind::Number;
                tok.text = s.substr(i, end - i);
                tokens.push_back(tok);
                i = end;
                continue;
            }
            if (c == '+')
                return fail(i, "Unexpected character '+'", ": numbers are written without a plus sign");
            if (signedNumber)
                return fail(i, "Unexpected character '-'", ": a sign must be followed by a number");
            // Otherwise a word that starts with a digit, such as a key "1st".
        }
        if (isBareChar(c) || c == '`' || c == '"') {
            std::size_t j = i;
            while (j < s.size()) {
                const auto d = static_cast<unsigned char>(s[j]);
                // Quotes of any kind may wrap the key after the prefix: params.'lr' (MLflow strips them).
                const bool quotedKey = d == '\'' && tok.firstDot == j - i - 1;
                if (d == '`' || d == '"' || quotedKey) {
                    const std::size_t end = scanQuoted(s, j);
                    if (end == std::string_view::npos) {
                        return fail(j,
                            d == '`'       ? std::string("Unterminated backtick-quoted key (missing closing `)")
                                : d == '"' ? std::string("Unterminated double-quoted text (missing closing \")")
                                           : std::string("Unterminated quoted key (missing closing ')"));
                    }
                    tok.hasQuotes = true;
                    j = end;
                } else if (isBareChar(d)) {
                    if (d == '.' && tok.firstDot == std::string_view::npos)
                        tok.firstDot = j - i;
                    ++j;
                } else {
                    break;
                }
            }
            tok.kind = SearchTokenKind::Word;
            tok.text = s.substr(i, j - i);
            if ((c == '`' || c == '"') && scanQuoted(s, i) == j) {
                tok.wholeQuote = static_cast<char>(c);
                tok.inner = tok.text.substr(1, tok.text.size() - 2);
            }
            tokens.push_back(tok);
            i = j;
            continue;
        }
        return fail(i, "Unexpected character '" + describeChar(s, i) + "'",
            ": keys with characters other than letters, digits, '_' and '.' must be quoted with backticks, "
            "e.g. metrics.`val/loss`");
    }
    SearchToken end;
    end.kind = SearchTokenKind::End;
    end.offset = s.size();
    tokens.push_back(end);
    return tokens;
}

} // namespace runlens
