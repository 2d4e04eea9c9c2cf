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
 * A model-version filter and order_by (formats §D.6): attributes name, run_id (also IN), source_path
 * (matches `source`) and version_number, plus tags.<key>; OR, NOT and parentheses as for runs.
 * Deleted versions never match, and prompts are left out unless the filter names
 * mlflow.prompt.is_prompt (MLflow's add_prompt_filter_string).
 */
class ModelVersionSearch
{
public:
    static Result<ModelVersionSearch> parse(std::string_view filter, const std::vector<std::string>& orderBy);

    bool hasFilter() const;
    bool matches(const ModelVersion& version) const;
    /** order_by (default last_updated_timestamp DESC, name ASC, version_number DESC), then name ASC and
     *  version_number DESC as tie-breakers. Stable. */
    void sort(std::vector<ModelVersion>& versions) const;
    bool lessThan(const ModelVersion& a, const ModelVersion& b) const;

    const SearchExpression* expression() const;

    struct Impl;

private:
    std::shared_ptr<const Impl> m_impl;
};

} // namespace runlens
