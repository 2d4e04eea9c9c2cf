// SPDX-License-Identifier: Apache-2.0
// Writing parsed comparisons and orders back in MLflow's own syntax, for a server to evaluate.
#include "search/searchexpression.h"

#include "search/searchlexer.h"

#include <array>
#include <charconv>
#include <cmath>

namespace runlens {

namespace {

std::string_view entityPrefix(SearchEntity e)
{
    switch (e) {
    case SearchEntity::Metric:
        return "metrics.";
    case SearchEntity::Param:
        return "params.";
    case SearchEntity::Tag:
        return "tags.";
    case SearchEntity::Attribute:
        return "attributes.";
    case SearchEntity::Dataset:
        return "datasets.";
    }
    return "";
}

// Quoted so that MLflow's tokenizer gives back exactly `text`, or nullopt. The check runs with a
// quoted text after the candidate: in a text ending in an odd run of backslashes the last one
// escapes the closing quote, which then closes only because nothing follows (the scan falls back to
// it); in a longer filter the text would swallow everything up to the next quote.
std::optional<std::string> renderQuoted(std::string_view text, char quote)
{
    const std::string candidate = quote + std::string(text) + quote;
    const std::string probe = candidate + ' ' + quote + quote; // the tokens view into it
    const auto tokens = tokenizeSearch(probe);
    if (!tokens || tokens->size() != 3)
        return std::nullopt;
    const SearchToken& t = tokens->front();
    const bool whole = t.kind == SearchTokenKind::String || (t.kind == SearchTokenKind::Word && t.wholeQuote == quote);
    if (!whole || t.text.size() != candidate.size() || t.inner != text)
        return std::nullopt;
    return candidate;
}

std::optional<std::string> renderKey(const SearchField& f)
{
    if (f.entity == SearchEntity::Attribute || f.entity == SearchEntity::Dataset)
        return std::string(entityPrefix(f.entity)) + f.key;
    if (f.key.find('`') == std::string::npos)
        return std::string(entityPrefix(f.entity)) + "`" + f.key + "`";
    if (auto q = renderQuoted(f.key, '"'))
        return std::string(entityPrefix(f.entity)) + *q;
    return std::nullopt;
}

// MLflow's tokenizer reads -?digits[.digits][e-?digits]; anything else is re-spelled.
bool isMlflowNumber(std::string_view s)
{
    std::size_t i = 0;
    if (i < s.size() && s[i] == '-')
        ++i;
    const std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9')
        ++i;
    bool digits = i > start;
    if (i < s.size() && s[i] == '.') {
        ++i;
        const std::size_t frac = i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9')
            ++i;
        digits = digits || i > frac;
    }
    if (!digits)
        return false;
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && s[i] == '-')
            ++i;
        const std::size_t exp = i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9')
            ++i;
        if (i == exp)
            return false;
    }
    return i == s.size();
}

std::string renderDouble(double v)
{
    if (std::isinf(v))
        return v > 0 ? "1e999" : "-1e999";
    std::array<char, 64> buf {};
    const auto res = std::to_chars(buf.data(), buf.data() + buf.size(), v);
    std::string s(buf.data(), res.ptr);
    if (const auto e = s.find("e+"); e != std::string::npos)
        s.erase(e + 1, 1);
    return s;
}

} // namespace

std::optional<std::string> renderMlflowComparison(const SearchComparison& c)
{
    auto key = renderKey(c.field);
    if (!key)
        return std::nullopt;
    std::string out = *key + " " + std::string(searchComparatorText(c.op)) + " ";
    switch (c.valueType) {
    case SearchValueType::Number:
        out += isMlflowNumber(c.text) ? c.text : renderDouble(c.number);
        return out;
    case SearchValueType::Integer:
        out += std::to_string(c.integer);
        return out;
    case SearchValueType::String: {
        auto value = renderQuoted(c.text, '\'');
        if (!value)
            value = renderQuoted(c.text, '"');
        if (!value)
            return std::nullopt;
        out += *value;
        return out;
    }
    case SearchValueType::List: {
        // MLflow parses lists as Python literals of single-quoted strings; an emptied list cannot be sent.
        if (c.list.empty())
            return std::nullopt;
        out += "(";
        for (std::size_t i = 0; i < c.list.size(); ++i) {
            const std::string& v = c.list[i];
            if (v.find_first_of("'\\") != std::string::npos)
                return std::nullopt;
            out += (i ? ", '" : "'") + v + "'";
        }
        out += ")";
        return out;
    }
    }
    return std::nullopt;
}

std::optional<std::string> renderMlflowFilter(const SearchExpression& expression)
{
    if (!expression.isConjunction())
        return std::nullopt;
    std::string out;
    bool ok = true;
    expression.forEachComparison([&](const SearchComparison& c) {
        const auto text = renderMlflowComparison(c);
        if (!text) {
            ok = false;
            return;
        }
        out += (out.empty() ? "" : " AND ") + *text;
    });
    if (!ok)
        return std::nullopt;
    return out;
}

std::optional<std::string> renderMlflowOrder(const SearchOrder& order)
{
    auto key = renderKey(order.field);
    if (!key)
        return std::nullopt;
    // MLflow reads order_by through shlex with backticks turned into double quotes.
    if (order.field.key.find_first_of("\"'\\") != std::string::npos)
        return std::nullopt;
    return *key + (order.ascending ? " ASC" : " DESC");
}

} // namespace runlens
