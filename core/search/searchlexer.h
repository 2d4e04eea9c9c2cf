// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "result.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace runlens {

enum class SearchTokenKind
{
    Word, // identifier or keyword: bare text, `backticked` and "double-quoted" parts written together
    String, // 'single-quoted'
    Number, // 12, -1.5, .5, 1e-3
    Comparator, // a run of < > = ! ~ (validated by the parser)
    LParen,
    RParen,
    Comma,
    End,
};

struct SearchToken
{
    SearchTokenKind kind = SearchTokenKind::End;
    std::string_view text; // as written, quotes included
    std::size_t offset = 0; // byte offset in the source
    /** String: the text between the quotes. Word: the same when the whole word is one quoted part. */
    std::string_view inner;
    /** Word: '`' or '"' when the whole word is one quoted part, else 0. */
    char wholeQuote = 0;
    /** Word: offset (within text) of the first '.' outside quotes, or npos. */
    std::size_t firstDot = std::string_view::npos;
    /** Word: true when some part is quoted. */
    bool hasQuotes = false;

    /** Case-insensitive keyword test; only bare words without dots are keywords. */
    bool isKeyword(std::string_view upper) const;
};

/**
 * Splits a filter or order_by clause into tokens the way MLflow's SQL tokenizer sees them (formats §D.1):
 * strings keep their text verbatim (no escape processing; '' and \' do not end a string), keys
 * are bare [A-Za-z0-9_.] words (non-ASCII letters allowed) or quoted with backticks or double quotes.
 * The last token is always End. Errors say what and where.
 */
Result<std::vector<SearchToken>> tokenizeSearch(std::string_view source);

/** The 0-based character (code point) position of a byte offset, as error messages report it. */
std::size_t searchCharPosition(std::string_view source, std::size_t byteOffset);

/** `text` shortened for an error message, with control bytes escaped. */
std::string searchQuoteForMessage(std::string_view text);

} // namespace runlens
