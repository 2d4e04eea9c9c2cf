// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "entities.h"
#include "result.h"
#include "search/searchdialect.h"
#include "search/searchexpression.h"
#include "store.h"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runlens {

/**
 * A logged-model filter and order (formats §D.7): MLflow's run-search language over a logged model's
 * metrics, params, tags and attributes, with OR, NOT and parentheses as for runs.
 *
 * The two dialects differ as MLflow's stores do: the file store compares a metric filter against the
 * model's first metric of that key (its latest per dataset) and orders by the latest by timestamp;
 * the SQL store accepts a model when any logged value of the metric matches and orders by the latest
 * by (timestamp, step). Ties end in creation_timestamp DESC, then model_id (file store) or the
 * store's order (SQL).
 */
class LoggedModelSearch
{
public:
    static Result<LoggedModelSearch> parse(std::string_view filter, const std::vector<LoggedModelOrder>& orderBy,
        std::vector<DatasetFilter> datasets = {});

    /** Parses `field [ASC|DESC]` (the CLI and the app's sort) into an order entry. */
    static Result<LoggedModelOrder> parseOrder(std::string_view clause);

    bool hasFilter() const;
    bool matches(const LoggedModel& model, SearchDialect dialect) const;
    /** Stable: models that tie on every key keep their input order. */
    void sort(std::vector<LoggedModel>& models, SearchDialect dialect) const;
    /** Keeps the active models that match, in this search's order, at most maxResults of them. */
    std::vector<LoggedModel> apply(
        std::vector<LoggedModel>&& models, SearchDialect dialect, std::optional<std::size_t> maxResults = {}) const;

    const std::string& filterText() const;
    const std::vector<LoggedModelOrder>& orderBy() const;
    const std::vector<DatasetFilter>& datasets() const;
    /**
     * The filter in MLflow's syntax when a server answers it as Runlens does: only AND-ed
     * comparisons, and no status comparison (see stringAttribute); else nullopt.
     */
    std::optional<std::string> mlflowCompatibleFilter() const;

    struct Impl;

private:
    std::shared_ptr<const Impl> m_impl;
};

/** The value a metric filter or order reads on one dataset restriction (MLflow's _is_metric_on_dataset). */
bool isMetricOnDataset(const ModelMetric& metric, const DatasetFilter& dataset);

} // namespace runlens
