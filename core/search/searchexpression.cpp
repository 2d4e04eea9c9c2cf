// SPDX-License-Identifier: Apache-2.0
#include "search/searchexpression.h"

#include "search/likepattern.h"
#include "search/searchlexer.h"

#include <QChar>

#include <algorithm>
#include <array>
#include <charconv>
#include <clocale>
#include <cmath>
#include <cstdlib>
#include <locale.h>

namespace runlens {

namespace {

// Thrown inside the parser only; parseSearchFilter/parseSearchOrderBy turn it into a StoreError.
struct ParseFailure
{
    std::string message;
};

constexpr int kMaxNesting = 100;

enum class ValueKind
{
    Number,
    Integer,
    String
};

struct FieldRule
{
    ValueKind kind = ValueKind::String;
    bool in = false; // IN allowed
    bool notIn = false; // NOT IN allowed
};

std::string_view entityName(SearchEntity e)
{
    switch (e) {
    case SearchEntity::Metric:
        return "metric";
    case SearchEntity::Param:
        return "parameter";
    case SearchEntity::Tag:
        return "tag";
    case SearchEntity::Attribute:
        return "attribute";
    case SearchEntity::Dataset:
        return "dataset";
    }
    return "attribute";
}

FieldRule ruleFor(SearchGrammar grammar, const SearchField& f)
{
    switch (f.entity) {
    case SearchEntity::Metric:
        return {ValueKind::Number, false, false};
    case SearchEntity::Param:
    case SearchEntity::Tag:
        return {};
    case SearchEntity::Dataset:
        return {ValueKind::String, true, true};
    case SearchEntity::Attribute:
        break;
    }
    if (grammar == SearchGrammar::LoggedModels) {
        // SearchLoggedModelsUtils allows IN / NOT IN on every attribute (validate_list_supported).
        if (f.key == "creation_timestamp" || f.key == "last_updated_timestamp")
            return {ValueKind::Integer, false, false};
        return {ValueKind::String, true, true};
    }
    if (f.key == "start_time" || f.key == "end_time" || f.key == "version_number")
        return {ValueKind::Integer, false, false};
    if (f.key == "run_id")
        return {ValueKind::String, true, grammar == SearchGrammar::Runs};
    return {};
}

bool isQuotedWith(std::string_view s, char q)
{
    return s.size() >= 2 && s.front() == q && s.back() == q;
}

// MLflow's _strip_quotes then _trim_backticks on a key.
std::string unquoteKey(std::string_view key)
{
    if (isQuotedWith(key, '\'') || isQuotedWith(key, '"'))
        key = key.substr(1, key.size() - 2);
    if (isQuotedWith(key, '`'))
        key = key.substr(1, key.size() - 2);
    return std::string(key);
}

// Python's str.islower(): some cased character and no upper-case or title-case one.
bool pythonIsLower(std::string_view s)
{
    bool cased = false;
    for (std::size_t i = 0; i < s.size();) {
        const auto b = static_cast<unsigned char>(s[i]);
        char32_t c = b;
        std::size_t len = 1;
        if (b >= 0xc0 && b < 0xf8) {
            len = b < 0xe0 ? 2 : (b < 0xf0 ? 3 : 4);
            if (i + len > s.size()) {
                len = 1;
            } else {
                c = b & (0x7f >> len);
                for (std::size_t k = 1; k < len; ++k)
                    c = (c << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3f);
            }
        }
        i += len;
        if (QChar::isUpper(c) || QChar::isTitleCase(c))
            return false;
        if (QChar::isLower(c))
            cased = true;
    }
    return cased;
}

bool isIntegerLiteral(std::string_view s)
{
    if (!s.empty() && (s.front() == '+' || s.front() == '-'))
        s.remove_prefix(1);
    if (s.empty())
        return false;
    for (char c : s) {
        if (c < '0' || c > '9')
            return false;
    }
    return true;
}

// An integer literal that fits in 64 bits ("+" and "-" signs allowed).
bool fitsInt64(std::string_view literal)
{
    if (!isIntegerLiteral(literal))
        return false;
    if (literal.front() == '+')
        literal.remove_prefix(1);
    std::int64_t value = 0;
    const auto [ptr, ec] = std::from_chars(literal.data(), literal.data() + literal.size(), value);
    return ec == std::errc() && ptr == literal.data() + literal.size();
}

// Python's float(): overflow gives inf and underflow 0, independent of the process locale.
double parseDouble(std::string_view literal)
{
    static const locale_t cLocale = newlocale(LC_ALL_MASK, "C", static_cast<locale_t>(nullptr));
    const std::string text(literal);
    return strtod_l(text.c_str(), nullptr, cLocale);
}

std::string joined(const std::vector<std::string_view>& items)
{
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i)
            out += ", ";
        out += items[i];
    }
    return out;
}

class Parser
{
public:
    Parser(std::string_view source, std::vector<SearchToken> tokens, SearchGrammar grammar)
        : m_source(source)
        , m_tokens(std::move(tokens))
        , m_grammar(grammar)
    { }

    std::optional<SearchExpression> parseFilter()
    {
        skipAnds();
        if (peek().kind == SearchTokenKind::End) // "" or only ANDs: MLflow's parser yields no clause
            return std::nullopt;
        SearchExpression e = parseOr();
        const SearchToken& t = peek();
        if (t.kind == SearchTokenKind::RParen)
            fail(t.offset, "Unbalanced ')'", ": there is no '(' to close");
        if (t.kind != SearchTokenKind::End) {
            fail(t.offset, "Invalid clause in filter",
                ": expected AND, OR or the end of the filter after a comparison, found '" + describe(t) + "'");
        }
        return e;
    }

    SearchOrder parseOrder()
    {
        const SearchToken& id = peek();
        if (id.kind == SearchTokenKind::End)
            throw ParseFailure {"Invalid order_by clause '" + clauseText() + "': it names no field"};
        if (id.kind != SearchTokenKind::Word) {
            fail(id.offset, "Invalid order_by clause '" + clauseText() + "'",
                ": expected a field such as metrics.loss or start_time, found '" + describe(id) + "'");
        }
        advance();
        SearchOrder order;
        order.field = resolveOrderIdentifier(id);
        const SearchToken& dir = peek();
        if (dir.kind != SearchTokenKind::End) {
            if (dir.isKeyword("ASC")) {
                order.ascending = true;
            } else if (dir.isKeyword("DESC")) {
                order.ascending = false;
            } else {
                fail(dir.offset,
                    "Invalid ordering key '" + describe(dir) + "' in order_by clause '" + clauseText() + "'",
                    ": expected ASC or DESC");
            }
            advance();
        }
        const SearchToken& end = peek();
        if (end.kind != SearchTokenKind::End) {
            fail(end.offset, "Invalid order_by clause '" + clauseText() + "'",
                ": unexpected '" + describe(end) + "' after the direction");
        }
        return order;
    }

private:
    const SearchToken& peek(std::size_t ahead = 0) const
    {
        const std::size_t i = std::min(m_pos + ahead, m_tokens.size() - 1);
        return m_tokens[i];
    }
    void advance()
    {
        if (m_pos + 1 < m_tokens.size())
            ++m_pos;
    }

    std::string clauseText() const { return searchQuoteForMessage(m_source); }

    std::string describe(const SearchToken& t) const
    {
        if (t.kind == SearchTokenKind::End)
            return "end of text";
        return searchQuoteForMessage(t.text);
    }

    [[noreturn]] void fail(std::size_t offset, const std::string& what, const std::string& detail = {}) const
    {
        throw ParseFailure {what + " at position " + std::to_string(searchCharPosition(m_source, offset)) + detail};
    }

    void enter(const SearchToken& t)
    {
        if (++m_depth > kMaxNesting)
            fail(t.offset, "Filter nests too deeply", " (at most " + std::to_string(kMaxNesting) + " levels)");
    }

    SearchExpression combine(SearchExpression::Kind kind, std::vector<SearchExpression> parts)
    {
        if (parts.size() == 1)
            return std::move(parts.front());
        SearchExpression e;
        e.kind = kind;
        for (auto& p : parts) {
            // (a AND b) AND c is one conjunction: keeps MLflow-compatible filters recognisable.
            if (p.kind == kind) {
                for (auto& q : p.operands)
                    e.operands.push_back(std::move(q));
            } else {
                e.operands.push_back(std::move(p));
            }
        }
        return e;
    }

    SearchExpression parseOr()
    {
        std::vector<SearchExpression> parts;
        parts.push_back(parseAnd());
        while (peek().isKeyword("OR")) {
            advance();
            parts.push_back(parseAnd());
        }
        return combine(SearchExpression::Kind::Or, std::move(parts));
    }

    // MLflow's parser drops every AND token and keeps the comparisons, so ANDs may lead, trail or
    // repeat ("a = 1 AND AND b = 2 AND"); the same holds inside parentheses and around OR here.
    void skipAnds()
    {
        while (peek().isKeyword("AND"))
            advance();
    }

    SearchExpression parseAnd()
    {
        skipAnds();
        std::vector<SearchExpression> parts;
        parts.push_back(parseUnary());
        while (peek().isKeyword("AND")) {
            skipAnds();
            const SearchToken& next = peek();
            if (next.kind == SearchTokenKind::End || next.kind == SearchTokenKind::RParen || next.isKeyword("OR"))
                break;
            parts.push_back(parseUnary());
        }
        return combine(SearchExpression::Kind::And, std::move(parts));
    }

    SearchExpression parseUnary()
    {
        const SearchToken& t = peek();
        if (t.isKeyword("NOT")) {
            enter(t);
            advance();
            SearchExpression e;
            e.kind = SearchExpression::Kind::Not;
            e.operands.push_back(parseUnary());
            --m_depth;
            return e;
        }
        if (t.kind == SearchTokenKind::LParen) {
            enter(t);
            advance();
            SearchExpression e = parseOr();
            const SearchToken& close = peek();
            if (close.kind != SearchTokenKind::RParen) {
                if (close.kind == SearchTokenKind::End)
                    fail(t.offset, "Unclosed '('", ": the filter ends before the matching ')'");
                fail(close.offset, "Invalid clause in filter",
                    ": expected AND, OR or ')' after a comparison, found '" + describe(close) + "'");
            }
            advance();
            --m_depth;
            return e;
        }
        SearchExpression e;
        e.comparison = parseComparison();
        return e;
    }

    // Prefix aliases of run search (SearchUtils._VALID_IDENTIFIERS), prefix matched case-sensitively.
    static std::optional<SearchEntity> runEntity(std::string_view prefix)
    {
        if (prefix == "metric" || prefix == "metrics")
            return SearchEntity::Metric;
        if (prefix == "parameter" || prefix == "parameters" || prefix == "param" || prefix == "params")
            return SearchEntity::Param;
        if (prefix == "tag" || prefix == "tags")
            return SearchEntity::Tag;
        if (prefix == "attribute" || prefix == "attributes" || prefix == "attr" || prefix == "run")
            return SearchEntity::Attribute;
        if (prefix == "dataset" || prefix == "datasets")
            return SearchEntity::Dataset;
        return std::nullopt;
    }

    struct SplitIdentifier
    {
        std::string_view prefix; // empty when there is no '.'
        std::string_view keyRaw;
        bool hasPrefix = false;
    };

    static SplitIdentifier split(const SearchToken& id)
    {
        SplitIdentifier s;
        if (id.firstDot == std::string_view::npos) {
            s.keyRaw = id.text;
            return s;
        }
        s.hasPrefix = true;
        s.prefix = id.text.substr(0, id.firstDot);
        s.keyRaw = id.text.substr(id.firstDot + 1);
        return s;
    }

    // The entity prefix with MLflow's _trim_backticks applied.
    static std::string_view unquotedPrefix(const SplitIdentifier& s)
    {
        std::string_view prefix = s.prefix;
        if (isQuotedWith(prefix, '`'))
            prefix = prefix.substr(1, prefix.size() - 2);
        return prefix;
    }

    SearchField resolveRunIdentifier(const SearchToken& id, bool forOrder)
    {
        const SplitIdentifier s = split(id);
        SearchField f;
        if (s.hasPrefix) {
            const std::string_view prefix = unquotedPrefix(s);
            const auto entity = runEntity(prefix);
            if (!entity) {
                fail(id.offset, "Invalid entity type '" + searchQuoteForMessage(prefix) + "'",
                    ". Valid values are metric(s), param(s)/parameter(s), tag(s), attribute(s)/attr/run and "
                    "dataset(s)");
            }
            f.entity = *entity;
        }
        f.key = unquoteKey(s.keyRaw);
        // MLflow takes "metrics." as the metric named "" (which no run has); attributes need a name.
        const bool namedEntity
            = f.entity == SearchEntity::Metric || f.entity == SearchEntity::Param || f.entity == SearchEntity::Tag;
        if (f.key.empty() && !(namedEntity && s.hasPrefix))
            fail(id.offset, "Missing key in '" + searchQuoteForMessage(id.text) + "'");
        if (forOrder && f.entity == SearchEntity::Dataset)
            fail(id.offset, "Invalid order_by entity type 'dataset'", ": runs cannot be ordered by dataset fields");
        if (f.entity == SearchEntity::Attribute) {
            static const std::array<std::string_view, 7> plain
                = {"run_id", "run_name", "status", "user_id", "artifact_uri", "start_time", "end_time"};
            bool known = std::find(plain.begin(), plain.end(), f.key) != plain.end();
            if (f.key == "created" || f.key == "Created") {
                f.key = "start_time";
                known = true;
            } else if (!forOrder && (f.key == "run name" || f.key == "Run name" || f.key == "Run Name")) {
                f.key = "run_name";
                known = true;
            }
            if (!known) {
                fail(id.offset, "Invalid attribute key '" + searchQuoteForMessage(f.key) + "'",
                    forOrder ? ". Valid keys are run_id, run_name, status, user_id, artifact_uri, start_time, "
                               "end_time, created"
                             : ". Valid keys are run_id, run_name (also `run name`, `Run name`, `Run Name`), "
                               "status, user_id, artifact_uri, start_time, end_time, created");
            }
        } else if (f.entity == SearchEntity::Dataset) {
            if (f.key != "name" && f.key != "digest" && f.key != "context") {
                fail(id.offset, "Invalid dataset key '" + searchQuoteForMessage(f.key) + "'",
                    ". Valid keys are name, digest, context");
            }
        }
        return f;
    }

    // Registry identifiers (SearchModelVersionUtils / SearchModelUtils): no prefix or "attribute",
    // "tag", "tags"; attribute names are checked before quotes are removed, as MLflow does.
    SearchField resolveRegistryIdentifier(const SearchToken& id, bool forOrder)
    {
        const SplitIdentifier s = split(id);
        SearchField f;
        if (s.hasPrefix) {
            if (s.prefix == "tag" || s.prefix == "tags") {
                f.entity = SearchEntity::Tag;
            } else if (s.prefix != "attribute") {
                fail(id.offset, "Invalid entity type '" + searchQuoteForMessage(s.prefix) + "'",
                    ". Valid entity types are ('attribute', 'tag', 'tags')");
            }
        }
        if (f.entity == SearchEntity::Tag) {
            if (forOrder)
                fail(id.offset, "Invalid order_by entity: tag", " (only attributes can order results)");
            f.key = unquoteKey(s.keyRaw);
            if (f.key.empty())
                fail(id.offset, "Missing key in '" + searchQuoteForMessage(id.text) + "'");
            return f;
        }
        std::vector<std::string_view> valid;
        const bool versions = m_grammar == SearchGrammar::ModelVersions;
        if (!forOrder && versions)
            valid = {"name", "run_id", "source_path", "version_number"};
        else if (!forOrder)
            valid = {"name"};
        else if (versions)
            valid = {"name", "version_number", "creation_timestamp", "last_updated_timestamp"};
        else
            valid = {"name", "last_updated_timestamp", "timestamp", "creation_timestamp"};
        // Order keys are unquoted first (SearchExperimentsUtils._get_identifier), filter keys are not.
        const std::string key = forOrder ? unquoteKey(s.keyRaw) : std::string(s.keyRaw);
        if (std::find(valid.begin(), valid.end(), key) == valid.end()) {
            fail(id.offset, "Invalid attribute key '" + searchQuoteForMessage(key) + "'",
                ". Valid keys are " + joined(valid));
        }
        f.key = key == "timestamp" ? "last_updated_timestamp" : key;
        return f;
    }

    // Logged-model identifiers (SearchLoggedModelsUtils): the run prefixes, but datasets are given
    // apart (the `datasets` argument) and the attributes are the model's own.
    SearchField resolveLoggedModelIdentifier(const SearchToken& id)
    {
        const SplitIdentifier s = split(id);
        SearchField f;
        if (s.hasPrefix) {
            const std::string_view prefix = unquotedPrefix(s);
            const auto entity = runEntity(prefix);
            if (!entity || *entity == SearchEntity::Dataset) {
                fail(id.offset, "Invalid entity type '" + searchQuoteForMessage(prefix) + "'",
                    entity ? std::string(": logged models are restricted to datasets with the datasets option, not "
                                         "in the filter")
                           : std::string(". Valid values are metric(s), param(s)/parameter(s), tag(s) and "
                                         "attribute(s)/attr"));
            }
            f.entity = *entity;
        }
        f.key = unquoteKey(s.keyRaw);
        if (f.key.empty())
            fail(id.offset, "Missing key in '" + searchQuoteForMessage(id.text) + "'");
        if (f.entity == SearchEntity::Attribute) {
            if (f.key == "creation_time")
                f.key = "creation_timestamp";
            else if (f.key == "last_updated_time")
                f.key = "last_updated_timestamp";
            static const std::array<std::string_view, 7> valid = {"name", "model_id", "model_type", "status",
                "source_run_id", "creation_timestamp", "last_updated_timestamp"};
            if (std::find(valid.begin(), valid.end(), f.key) == valid.end()) {
                fail(id.offset, "Invalid logged model search key '" + searchQuoteForMessage(f.key) + "'",
                    ". Valid keys are name, model_id, model_type, status, source_run_id, creation_timestamp "
                    "(creation_time), last_updated_timestamp (last_updated_time)");
            }
        }
        return f;
    }

    SearchField resolveIdentifier(const SearchToken& id, bool forOrder)
    {
        switch (m_grammar) {
        case SearchGrammar::Runs:
            return resolveRunIdentifier(id, forOrder);
        case SearchGrammar::LoggedModels:
            return resolveLoggedModelIdentifier(id);
        case SearchGrammar::ModelVersions:
        case SearchGrammar::RegisteredModels:
            break;
        }
        return resolveRegistryIdentifier(id, forOrder);
    }

    SearchField resolveOrderIdentifier(const SearchToken& id) { return resolveIdentifier(id, true); }

    SearchComparison parseComparison()
    {
        const SearchToken& id = peek();
        if (id.kind != SearchTokenKind::Word || id.isKeyword("AND") || id.isKeyword("OR")) {
            if (id.kind == SearchTokenKind::End)
                fail(id.offset, "Incomplete filter", ": it ends where a comparison was expected");
            fail(id.offset, "Invalid clause in filter",
                ": expected a comparison such as metrics.loss < 0.5, found '" + describe(id) + "'");
        }
        SearchComparison c;
        c.position = searchCharPosition(m_source, id.offset);
        c.field = resolveIdentifier(id, false);
        advance();

        const SearchToken& opTok = peek();
        std::string opText(opTok.text);
        if (opTok.kind == SearchTokenKind::Comparator) {
            static const std::array<std::pair<std::string_view, SearchComparator>, 6> symbols = {{
                {"=", SearchComparator::Equal},
                {"!=", SearchComparator::NotEqual},
                {"<", SearchComparator::Less},
                {"<=", SearchComparator::LessEqual},
                {">", SearchComparator::Greater},
                {">=", SearchComparator::GreaterEqual},
            }};
            const auto it
                = std::find_if(symbols.begin(), symbols.end(), [&](const auto& s) { return s.first == opTok.text; });
            if (it == symbols.end())
                invalidComparator(opTok.offset, opText, c.field);
            c.op = it->second;
            advance();
        } else if (opTok.isKeyword("LIKE")) {
            c.op = SearchComparator::Like;
            advance();
        } else if (opTok.isKeyword("ILIKE")) {
            c.op = SearchComparator::ILike;
            advance();
        } else if (opTok.isKeyword("IN")) {
            c.op = SearchComparator::In;
            advance();
        } else if (opTok.isKeyword("NOT") && peek(1).isKeyword("IN")) {
            c.op = SearchComparator::NotIn;
            opText = "NOT IN";
            advance();
            advance();
        } else {
            fail(opTok.offset, "Expected a comparator",
                " after '" + searchQuoteForMessage(id.text)
                    + "' (one of =, !=, <, <=, >, >=, LIKE, ILIKE, IN, NOT IN), found '" + describe(opTok) + "'");
        }

        const FieldRule rule = ruleFor(m_grammar, c.field);
        const bool listOp = c.op == SearchComparator::In || c.op == SearchComparator::NotIn;
        const bool ordering = c.op == SearchComparator::Less || c.op == SearchComparator::LessEqual
            || c.op == SearchComparator::Greater || c.op == SearchComparator::GreaterEqual;
        const bool likeOp = c.op == SearchComparator::Like || c.op == SearchComparator::ILike;
        bool allowed = false;
        if (rule.kind != ValueKind::String)
            allowed = !listOp && !likeOp;
        else
            allowed = !ordering && (!listOp || (c.op == SearchComparator::In ? rule.in : rule.notIn));
        if (!allowed) {
            if (listOp && rule.kind == ValueKind::String && c.field.entity == SearchEntity::Attribute
                && c.field.key != "run_id" && m_grammar != SearchGrammar::LoggedModels) {
                fail(opTok.offset, "Invalid comparator '" + opText + "'",
                    ": only the 'run_id' attribute supports comparison with a list of quoted string values");
            }
            invalidComparator(opTok.offset, opText, c.field);
        }

        const SearchToken& v = peek();
        const std::string subject
            = std::string(entityName(c.field.entity)) + " '" + searchQuoteForMessage(c.field.key) + "'";
        if (listOp) {
            c.valueType = SearchValueType::List;
            parseList(c);
        } else if (rule.kind == ValueKind::Number) {
            if (v.kind != SearchTokenKind::Number) {
                fail(v.offset, "Expected a numeric value for " + subject,
                    ", found '" + describe(v) + "' (numbers are written without quotes)");
            }
            c.valueType = SearchValueType::Number;
            c.text = std::string(v.text);
            c.number = parseDouble(v.text);
            advance();
        } else if (rule.kind == ValueKind::Integer
            && (m_grammar == SearchGrammar::Runs || m_grammar == SearchGrammar::LoggedModels)
            && v.kind == SearchTokenKind::Number && !fitsInt64(v.text)) {
            // start_time > 1.7e12: MLflow's SQL stores compare the number with the column; its file store
            // fails in int() (a 500), so the SQL stores' reading is the one kept (docs/search.md).
            c.valueType = SearchValueType::Number;
            c.text = std::string(v.text);
            c.number = parseDouble(v.text);
            advance();
        } else if (rule.kind == ValueKind::Integer) {
            if (v.kind != SearchTokenKind::Number || !isIntegerLiteral(v.text)) {
                fail(v.offset, "Expected an integer value for " + subject,
                    ", found '" + describe(v) + "'"
                        + (c.field.key == "version_number" ? "" : " (milliseconds since the epoch)"));
            }
            std::string_view digits = v.text;
            if (digits.front() == '+')
                digits.remove_prefix(1);
            const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), c.integer);
            if (ec != std::errc() || ptr != digits.data() + digits.size())
                fail(v.offset, "Integer value '" + describe(v) + "' is out of range");
            c.valueType = SearchValueType::Integer;
            c.text = std::string(v.text);
            c.number = static_cast<double>(c.integer);
            advance();
        } else {
            if (v.kind == SearchTokenKind::String || (v.kind == SearchTokenKind::Word && v.wholeQuote == '"')) {
                c.text = std::string(v.inner);
            } else {
                fail(v.offset, "Expected a quoted string value for " + subject,
                    " (e.g. 'my-value'), found '" + describe(v) + "'; use single or double quotes");
            }
            c.valueType = SearchValueType::String;
            advance();
            if (likeOp)
                c.like = std::make_shared<const LikePattern>(c.text, c.op == SearchComparator::ILike);
        }
        return c;
    }

    void parseList(SearchComparison& c)
    {
        const SearchToken& open = peek();
        if (open.kind != SearchTokenKind::LParen) {
            fail(open.offset, "Expected a parenthesised list of quoted strings",
                " after " + std::string(searchComparatorText(c.op)) + ", e.g. ('a', 'b'), found '" + describe(open)
                    + "'");
        }
        advance();
        if (peek().kind == SearchTokenKind::RParen) {
            fail(open.offset, "Empty list",
                ": while parsing a list in the query, expected a non-empty list of string values, but got "
                "empty list");
        }
        std::vector<std::string> values;
        while (true) {
            const SearchToken& item = peek();
            if (item.kind != SearchTokenKind::String
                && !(item.kind == SearchTokenKind::Word && item.wholeQuote == '"')) {
                fail(item.offset, "Ill-formed list",
                    ": while parsing a list in the query, expected a quoted string value, found '" + describe(item)
                        + "'");
            }
            values.emplace_back(item.inner);
            advance();
            const SearchToken& sep = peek();
            if (sep.kind == SearchTokenKind::RParen) {
                advance();
                break;
            }
            if (sep.kind != SearchTokenKind::Comma) {
                fail(sep.offset, "Ill-formed list", ": expected ',' or ')', found '" + describe(sep) + "'");
            }
            advance();
        }
        // SearchUtils._parse_run_ids (used for run ids and datasets alike) silently drops entries that
        // are not lower case, because MySQL compares case-insensitively.
        c.listAsWritten = values;
        for (auto& v : values) {
            if (pythonIsLower(v))
                c.list.push_back(std::move(v));
        }
    }

    [[noreturn]] void invalidComparator(std::size_t offset, const std::string& op, const SearchField& f) const
    {
        const FieldRule rule = ruleFor(m_grammar, f);
        std::vector<std::string_view> valid;
        if (rule.kind != ValueKind::String) {
            valid = {"=", "!=", ">", ">=", "<", "<="};
        } else {
            valid = {"=", "!=", "LIKE", "ILIKE"};
            if (rule.in)
                valid.push_back("IN");
            if (rule.notIn)
                valid.push_back("NOT IN");
        }
        fail(offset, "Invalid comparator '" + searchQuoteForMessage(op) + "'",
            ": expected one of " + joined(valid) + " for " + std::string(entityName(f.entity)) + " '"
                + searchQuoteForMessage(f.key) + "'");
    }

    std::string_view m_source;
    std::vector<SearchToken> m_tokens;
    SearchGrammar m_grammar;
    std::size_t m_pos = 0;
    int m_depth = 0;
};

} // namespace

std::string_view searchComparatorText(SearchComparator op)
{
    switch (op) {
    case SearchComparator::Equal:
        return "=";
    case SearchComparator::NotEqual:
        return "!=";
    case SearchComparator::Less:
        return "<";
    case SearchComparator::LessEqual:
        return "<=";
    case SearchComparator::Greater:
        return ">";
    case SearchComparator::GreaterEqual:
        return ">=";
    case SearchComparator::Like:
        return "LIKE";
    case SearchComparator::ILike:
        return "ILIKE";
    case SearchComparator::In:
        return "IN";
    case SearchComparator::NotIn:
        return "NOT IN";
    }
    return "=";
}

bool SearchComparison::matchesString(std::string_view lhs) const
{
    switch (op) {
    case SearchComparator::Equal:
        return lhs == text;
    case SearchComparator::NotEqual:
        return lhs != text;
    case SearchComparator::Like:
    case SearchComparator::ILike:
        return like && like->matches(lhs);
    case SearchComparator::In:
        return std::find(list.begin(), list.end(), lhs) != list.end();
    case SearchComparator::NotIn:
        return std::find(list.begin(), list.end(), lhs) == list.end();
    default:
        return false;
    }
}

bool SearchComparison::matchesNumber(double lhs) const
{
    switch (op) {
    case SearchComparator::Equal:
        return lhs == number;
    case SearchComparator::NotEqual:
        return lhs != number;
    case SearchComparator::Less:
        return lhs < number;
    case SearchComparator::LessEqual:
        return lhs <= number;
    case SearchComparator::Greater:
        return lhs > number;
    case SearchComparator::GreaterEqual:
        return lhs >= number;
    default:
        return false;
    }
}

bool SearchComparison::matchesInteger(std::int64_t lhs) const
{
    switch (op) {
    case SearchComparator::Equal:
        return lhs == integer;
    case SearchComparator::NotEqual:
        return lhs != integer;
    case SearchComparator::Less:
        return lhs < integer;
    case SearchComparator::LessEqual:
        return lhs <= integer;
    case SearchComparator::Greater:
        return lhs > integer;
    case SearchComparator::GreaterEqual:
        return lhs >= integer;
    default:
        return false;
    }
}

bool SearchExpression::isConjunction() const
{
    if (kind == Kind::Comparison)
        return true;
    if (kind != Kind::And)
        return false;
    return std::all_of(
        operands.begin(), operands.end(), [](const SearchExpression& e) { return e.kind == Kind::Comparison; });
}

Result<std::optional<SearchExpression>> parseSearchFilter(std::string_view filter, SearchGrammar grammar)
{
    // MLflow matches everything only for an empty filter; one of only whitespace does not parse.
    if (!filter.empty() && filter.find_first_not_of(" \t\n\r\f\v") == std::string_view::npos) {
        return StoreError {ErrorCode::InvalidParameterValue,
            "Invalid filter '" + searchQuoteForMessage(filter)
                + "' at position 0: it holds only whitespace (an empty filter matches everything)"};
    }
    auto tokens = tokenizeSearch(filter);
    if (!tokens)
        return tokens.error();
    try {
        Parser parser(filter, std::move(tokens.value()), grammar);
        return parser.parseFilter();
    } catch (const ParseFailure& f) {
        return StoreError {ErrorCode::InvalidParameterValue, f.message};
    }
}

Result<std::vector<SearchOrder>> parseSearchOrderBy(const std::vector<std::string>& clauses, SearchGrammar grammar)
{
    std::vector<SearchOrder> orders;
    std::vector<std::string_view> written;
    for (const std::string& clause : clauses) {
        auto tokens = tokenizeSearch(clause);
        if (!tokens) {
            return StoreError {ErrorCode::InvalidParameterValue,
                tokens.error().message + " in order_by clause '" + searchQuoteForMessage(clause) + "'"};
        }
        try {
            Parser parser(clause, std::move(tokens.value()), grammar);
            SearchOrder order = parser.parseOrder();
            const auto same = [&](const SearchOrder& o) { return o.field == order.field; };
            // MLflow's file store sorts by every key in turn, so a repeated key changes nothing: the
            // first one decides. (Its SQL store raises INTERNAL_ERROR there, a defect: docs/search.md.)
            if (grammar == SearchGrammar::Runs && std::any_of(orders.begin(), orders.end(), same))
                continue;
            for (std::size_t i = 0; i < orders.size(); ++i) {
                if (orders[i].field == order.field) {
                    return StoreError {ErrorCode::InvalidParameterValue,
                        "`order_by` contains duplicate fields: '" + searchQuoteForMessage(clause)
                            + "' orders by the same field as '" + searchQuoteForMessage(written[i]) + "'"};
                }
            }
            orders.push_back(std::move(order));
            written.push_back(clause);
        } catch (const ParseFailure& f) {
            return StoreError {ErrorCode::InvalidParameterValue, f.message};
        }
    }
    return orders;
}

} // namespace runlens
