// SPDX-License-Identifier: Apache-2.0
// Logged models of an mlflow.db (MLflow 3, formats §B.3): logged_models with its params, tags and
// metrics tables, and the runs' model inputs and outputs in `inputs`.
#include "stores/sqlite/sqlitestoreimpl.h"

#include "search/loggedmodelsearch.h"

#include <limits>
#include <map>
#include <set>

namespace runlens {

Result<std::vector<LoggedModel>> SqliteStore::Impl::loadLoggedModels(
    SqliteConnection& c, const std::string& condition, const std::vector<std::string>& binds)
{
    std::vector<LoggedModel> models;
    if (!schema.hasTable("logged_models"))
        return models;
    // Rows in table order: SQLite returns ties of MLflow's ORDER BY in that order.
    auto statement = c.prepareCached(
        "SELECT model_id, experiment_id, name, artifact_location, creation_timestamp_ms, last_updated_timestamp_ms, "
        "status, lifecycle_stage, "
        + schema.columnOr("logged_models", "model_type", "NULL") + ", "
        + schema.columnOr("logged_models", "source_run_id", "NULL") + ", "
        + schema.columnOr("logged_models", "status_message", "NULL") + " FROM logged_models WHERE " + condition
        + " ORDER BY rowid");
    if (!statement)
        return statement.error();
    for (std::size_t i = 0; i < binds.size(); ++i)
        (*statement)->bindText(static_cast<int>(i + 1), binds[i]);
    std::map<std::string, std::size_t, std::less<>> byId;
    std::vector<Problem> ignored;
    auto status = forEachRow(**statement, [&](SqliteStatement& row) {
        LoggedModel m;
        m.modelId = row.text(0);
        m.experimentId = row.text(1);
        m.name = row.text(2);
        m.artifactLocation = row.text(3);
        m.creationTimestamp = row.optionalInt64(4).value_or(0);
        m.lastUpdatedTimestamp = row.optionalInt64(5).value_or(0);
        m.status = loggedModelStatusFromInt(row.int64(6)).value_or(LoggedModelStatus::Unspecified);
        m.lifecycleStage = stageFromText(row.isNull(7) ? std::string_view("active") : row.textView(7));
        m.modelType = row.optionalText(8);
        m.sourceRunId = row.optionalText(9);
        m.statusMessage = row.optionalText(10);
        byId.emplace(m.modelId, models.size());
        models.push_back(std::move(m));
    });
    if (!status)
        return status.error();
    if (models.empty())
        return models;

    const std::string ids = "(SELECT model_id FROM logged_models WHERE " + condition + ")";
    auto children = [&](const std::string& table, const std::string& sql, auto&& onRow) -> Status {
        if (!schema.hasTable(table))
            return Done {};
        auto rows = c.prepareCached(sql);
        if (!rows)
            return rows.error();
        for (std::size_t i = 0; i < binds.size(); ++i)
            (*rows)->bindText(static_cast<int>(i + 1), binds[i]);
        return forEachRow(**rows, [&](SqliteStatement& row) {
            if (const auto it = byId.find(row.textView(0)); it != byId.end())
                onRow(models[it->second], row);
        });
    };
    status = children("logged_model_params",
        "SELECT model_id, param_key, param_value FROM logged_model_params WHERE model_id IN " + ids,
        [](LoggedModel& m, SqliteStatement& row) {
            m.params.push_back({row.text(1), row.text(2)});
        });
    if (!status)
        return status.error();
    status = children("logged_model_tags",
        "SELECT model_id, tag_key, tag_value FROM logged_model_tags WHERE model_id IN " + ids,
        [](LoggedModel& m, SqliteStatement& row) {
            m.tags.push_back({row.text(1), row.text(2)});
        });
    if (!status)
        return status.error();
    // Every logged value, as SqlLoggedModel.to_mlflow_entity gives them: MLflow stores NaN as 0 here.
    status = children("logged_model_metrics",
        "SELECT model_id, metric_name, metric_timestamp_ms, metric_step, metric_value, run_id, dataset_name, "
        "dataset_digest FROM logged_model_metrics WHERE model_id IN "
            + ids + " ORDER BY rowid",
        [](LoggedModel& m, SqliteStatement& row) {
            ModelMetric metric;
            metric.key = row.text(1);
            metric.point.timestamp = row.int64(2);
            metric.point.step = row.int64(3);
            metric.point.value = row.isNull(4) ? std::numeric_limits<double>::quiet_NaN() : row.real(4);
            metric.runId = row.optionalText(5);
            metric.datasetName = row.optionalText(6);
            metric.datasetDigest = row.optionalText(7);
            m.metrics.push_back(std::move(metric));
        });
    if (!status)
        return status.error();
    for (auto& m : models) {
        sortByKey(m.params);
        sortByKey(m.tags);
    }
    return models;
}

Status SqliteStore::Impl::loadModelIo(
    SqliteConnection& c, const RunSelection& selection, std::vector<Run>& runs, RunIndex& index)
{
    if (!schema.hasTable("inputs"))
        return Done {};
    // Model inputs: RUN_INPUT run -> MODEL_INPUT model; outputs: RUN_OUTPUT run -> MODEL_OUTPUT model.
    return forChildRows(c, selection,
        "SELECT i.source_id, i.source_type, i.destination_id, " + schema.columnOr("inputs", "step", "0")
            + " FROM inputs i WHERE i.source_type IN ('RUN_INPUT', 'RUN_OUTPUT') AND i.destination_type IN "
              "('MODEL_INPUT', 'MODEL_OUTPUT') AND i.source_id IN {runs} ORDER BY i.rowid",
        [&](SqliteStatement& row) {
            const auto i = index.find(row.textView(0));
            if (!i)
                return;
            if (row.textView(1) == "RUN_INPUT")
                runs[*i].modelInputs.push_back({row.text(2)});
            else
                runs[*i].modelOutputs.push_back({row.text(2), row.isNull(3) ? 0 : row.int64(3)});
        });
}

Result<LoggedModelList> SqliteStore::searchLoggedModels(const LoggedModelQuery& query, TaskControl* control)
{
    auto search = LoggedModelSearch::parse(query.filter, query.orderBy, query.datasets);
    if (!search)
        return search.error();
    using List = Result<LoggedModelList>;
    return m_impl->read<List>(control, [&](SqliteConnection& c) -> List {
        std::string condition;
        std::vector<std::string> binds;
        if (query.experimentIds.empty()) {
            condition = "experiment_id IN (SELECT experiment_id FROM experiments WHERE lifecycle_stage = 'active'"
                + m_impl->workspaceFilter("experiments") + ")";
        } else {
            std::set<std::string> seen;
            for (const std::string& id : query.experimentIds) {
                if (!parseInt64(id)) {
                    return StoreError {ErrorCode::InvalidParameterValue,
                        "invalid experiment id '" + id + "': experiment ids in an mlflow.db are integers"};
                }
                if (seen.insert(id).second)
                    binds.push_back(id);
            }
            condition = "experiment_id IN (";
            for (std::size_t i = 0; i < binds.size(); ++i)
                condition += (i ? ", CAST(?" : "CAST(?") + std::to_string(i + 1) + " AS INTEGER)";
            condition += ")";
        }
        condition += " AND lifecycle_stage IS NOT 'deleted'";
        auto models = m_impl->loadLoggedModels(c, condition, binds);
        if (!models)
            return models.error();
        LoggedModelList list;
        list.models = search->apply(std::move(*models), SearchDialect::Sql, query.maxResults);
        return list;
    });
}

Result<LoggedModel> SqliteStore::loggedModel(const std::string& modelId)
{
    using One = Result<LoggedModel>;
    return m_impl->read<One>(nullptr, [&](SqliteConnection& c) -> One {
        auto models = m_impl->loadLoggedModels(c, "model_id = ?1 AND lifecycle_stage IS NOT 'deleted'", {modelId});
        if (!models)
            return models.error();
        if (models->empty())
            return StoreError {ErrorCode::ResourceDoesNotExist, "Logged model with ID '" + modelId + "' not found."};
        return std::move(models->front());
    });
}

} // namespace runlens
