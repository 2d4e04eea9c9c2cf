// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "result.h"
#include "search/searchdialect.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runlens {

class LikePattern;

/** Which search language a filter or order_by is written in (formats §D.2, §D.6). */
enum class SearchGrammar
{
    Runs,
    ModelVersions,
    RegisteredModels,
    LoggedModels // MLflow 3's search_logged_models: the run language over a logged model's fields
};

enum class SearchEntity
{
    Metric,
    Param,
    Tag,
    Attribute,
    Dataset
};

enum class SearchComparator
{
    Equal,
    NotEqual,
    Less,
    LessEqual,
    Greater,
    GreaterEqual,
    Like,
    ILike,
    In,
    NotIn
};

/** The comparator as MLflow writes it: "=", "!=", ..., "LIKE", "NOT IN". */
std::string_view searchComparatorText(SearchComparator op);

/**
 * What a comparison or an order_by entry refers to. Keys are canonical: prefix aliases are resolved
 * into `entity`, quotes are removed, and attribute aliases are translated (created -> start_time,
 * `Run name` -> run_name, timestamp -> last_updated_timestamp).
 */
struct SearchField
{
    SearchEntity entity = SearchEntity::Attribute;
    std::string key;
    friend bool operator==(const SearchField&, const SearchField&) = default;
};

enum class SearchValueType
{
    String,
    Number, // metrics: a double
    Integer, // numeric attributes: milliseconds, version numbers
    List // IN / NOT IN
};

struct SearchComparison
{
    SearchField field;
    SearchComparator op = SearchComparator::Equal;
    SearchValueType valueType = SearchValueType::String;
    std::string text; // string value; for numbers the literal as written
    double number = 0.0;
    std::int64_t integer = 0;
    std::vector<std::string> list; // after MLflow's rule that drops entries with upper-case letters
    std::vector<std::string> listAsWritten; // before it (the SQL logged-model search keeps them all)
    std::shared_ptr<const LikePattern> like; // LIKE / ILIKE
    std::size_t position = 0; // character position of the identifier in the filter

    /** String comparison (=, !=, LIKE, ILIKE, IN, NOT IN) of a present value. */
    bool matchesString(std::string_view lhs) const;
    /** Numeric comparison with IEEE semantics (NaN only satisfies !=). */
    bool matchesNumber(double lhs) const;
    bool matchesInteger(std::int64_t lhs) const;
};

/** A parsed filter: MLflow's AND-ed comparisons, plus OR, NOT and parentheses. */
struct SearchExpression
{
    enum class Kind
    {
        Comparison,
        And,
        Or,
        Not
    };
    Kind kind = Kind::Comparison;
    SearchComparison comparison; // Kind::Comparison
    std::vector<SearchExpression> operands; // And/Or: two or more; Not: one

    /** Evaluates with `leaf(const SearchComparison&) -> bool` for each comparison reached. */
    template<typename Leaf>
    bool evaluate(const Leaf& leaf) const
    {
        switch (kind) {
        case Kind::Comparison:
            return leaf(comparison);
        case Kind::And:
            for (const auto& e : operands) {
                if (!e.evaluate(leaf))
                    return false;
            }
            return true;
        case Kind::Or:
            for (const auto& e : operands) {
                if (e.evaluate(leaf))
                    return true;
            }
            return false;
        case Kind::Not:
            return !operands.front().evaluate(leaf);
        }
        return false;
    }

    /** Calls `visit(const SearchComparison&)` for every comparison. */
    template<typename Visit>
    void forEachComparison(const Visit& visit) const
    {
        if (kind == Kind::Comparison)
            visit(comparison);
        for (const auto& e : operands)
            e.forEachComparison(visit);
    }

    /** True when only AND joins the comparisons (MLflow's own language). */
    bool isConjunction() const;
};

struct SearchOrder
{
    SearchField field;
    bool ascending = true;
};

/**
 * Parses a filter. Whitespace-only gives nullopt (matches everything). Invalid input gives
 * INVALID_PARAMETER_VALUE with MLflow's wording where it has one, naming the offending token and its
 * 0-based character position.
 */
Result<std::optional<SearchExpression>> parseSearchFilter(std::string_view filter, SearchGrammar grammar);

/** Parses order_by clauses (`identifier [ASC|DESC]`); the same field twice is an error. */
Result<std::vector<SearchOrder>> parseSearchOrderBy(const std::vector<std::string>& clauses, SearchGrammar grammar);

/** The comparison in MLflow's run-search syntax, or nullopt when MLflow's syntax cannot carry it. */
std::optional<std::string> renderMlflowComparison(const SearchComparison& comparison);
/** A conjunction of comparisons in MLflow's syntax ("a AND b"), or nullopt when MLflow cannot carry it. */
std::optional<std::string> renderMlflowFilter(const SearchExpression& expression);
/** An order_by entry in MLflow's run-search syntax. */
std::optional<std::string> renderMlflowOrder(const SearchOrder& order);

} // namespace runlens
