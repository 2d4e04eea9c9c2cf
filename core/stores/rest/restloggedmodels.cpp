// SPDX-License-Identifier: Apache-2.0
// RestStore's reads of logged models (MLflow 3): logged-models/search and logged-models/{id}.
#include "stores/rest/reststore.h"

#include "search/loggedmodelsearch.h"
#include "stores/rest/reststoreimpl.h"

#include <QUrl>

#include <algorithm>

namespace runlens {

Result<LoggedModelList> RestStore::searchLoggedModels(const LoggedModelQuery& query, TaskControl* control)
{
    auto search = LoggedModelSearch::parse(query.filter, query.orderBy, query.datasets);
    if (!search)
        return search.error();
    // The server evaluates MLflow's own language; OR, NOT and parentheses are evaluated here over
    // every model of the experiments. So is a dataset named without a digest: MLflow 3.6's server
    // then matches no metric at all, where its stores match the name (docs/mlflow3.md).
    const bool nameOnlyDataset
        = std::any_of(query.datasets.begin(), query.datasets.end(), [](const DatasetFilter& d) { return !d.digest; });
    const auto serverFilter = nameOnlyDataset ? std::nullopt : search->mlflowCompatibleFilter();
    LoggedModelList list;
    std::vector<std::string> experimentIds = query.experimentIds;
    if (experimentIds.empty()) {
        auto experiments = m_impl->experiments(ViewType::ActiveOnly, control);
        if (!experiments)
            return experiments.error();
        for (const Experiment& e : experiments->experiments)
            experimentIds.push_back(e.experimentId);
        list.problems = std::move(experiments->problems);
    }
    if (experimentIds.empty())
        return list;
    std::vector<LoggedModel> models;
    auto status = m_impl->forEachPage(
        [&](const std::string& token) {
            json body = json::object();
            body["experiment_ids"] = experimentIds;
            if (serverFilter && !serverFilter->empty())
                body["filter"] = *serverFilter;
            if (serverFilter && !query.datasets.empty()) {
                json datasets = json::array();
                for (const DatasetFilter& d : query.datasets) {
                    json item = {{"dataset_name", d.name}};
                    if (d.digest)
                        item["dataset_digest"] = *d.digest;
                    datasets.push_back(std::move(item));
                }
                body["datasets"] = std::move(datasets);
            }
            if (serverFilter) {
                json orders = json::array();
                for (const LoggedModelOrder& o : query.orderBy) {
                    json item = {{"field_name", o.fieldName}, {"ascending", o.ascending}};
                    if (o.datasetName)
                        item["dataset_name"] = *o.datasetName;
                    if (o.datasetDigest)
                        item["dataset_digest"] = *o.datasetDigest;
                    orders.push_back(std::move(item));
                }
                if (!orders.empty())
                    body["order_by"] = std::move(orders);
            }
            body["max_results"] = m_impl->connection.loggedModelsPageSize;
            if (!token.empty())
                body["page_token"] = token;
            return m_impl->jsonRequest("POST", "/logged-models/search", body);
        },
        control,
        [&](const json& page, const HttpRequest& request, bool& stop) {
            auto s = m_impl->forEachItem(page, "models", request, [&](const json& item, std::size_t i) -> Status {
                auto model = mlflowjson::loggedModelFromJson(item);
                if (!model) {
                    list.problems.push_back(
                        {request.describe() + " models[" + std::to_string(i) + "]", model.error().message});
                    return Done {};
                }
                models.push_back(std::move(*model));
                return Done {};
            });
            // With the server's own order and filter, the first maxResults models are the answer.
            if (serverFilter && query.maxResults && models.size() >= *query.maxResults)
                stop = true;
            if (control)
                control->report(static_cast<std::int64_t>(models.size()), 0);
            return s;
        });
    if (!status)
        return status.error();
    if (serverFilter) {
        if (query.maxResults && models.size() > *query.maxResults)
            models.resize(*query.maxResults);
        list.models = std::move(models);
    } else {
        list.models = search->apply(std::move(models), SearchDialect::Sql, query.maxResults);
    }
    return list;
}

Result<LoggedModel> RestStore::loggedModel(const std::string& modelId)
{
    const QByteArray encoded = QUrl::toPercentEncoding(QString::fromStdString(modelId));
    auto request = m_impl->api("GET", "/logged-models/" + encoded.toStdString());
    auto reply = m_impl->call(request, nullptr);
    if (!reply)
        return reply.error();
    auto object = m_impl->member(*reply, "model", request);
    if (!object)
        return object.error();
    auto model = mlflowjson::loggedModelFromJson(**object);
    if (!model) {
        return StoreError {ErrorCode::InternalError,
            "the reply to " + m_impl->where(request) + " has a broken logged model: " + model.error().message};
    }
    return model;
}

} // namespace runlens
