// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "entities.h"
#include "result.h"
#include "search/searchexpression.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace runlens {

/**
 * A registered-model filter and order_by (formats §D.6): attribute name and tags.<key>; order by name,
 * last_updated_timestamp (alias timestamp) or creation_timestamp. Prompts are left out unless the
 * filter names mlflow.prompt.is_prompt.
 */
class RegisteredModelSearch
{
public:
    static Result<RegisteredModelSearch> parse(std::string_view filter, const std::vector<std::string>& orderBy);

    bool hasFilter() const;
    bool matches(const RegisteredModel& model) const;
    /** order_by, then name ASC (also the default). Stable. */
    void sort(std::vector<RegisteredModel>& models) const;
    bool lessThan(const RegisteredModel& a, const RegisteredModel& b) const;

    const SearchExpression* expression() const;

    struct Impl;

private:
    std::shared_ptr<const Impl> m_impl;
};

} // namespace runlens
