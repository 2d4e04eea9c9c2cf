// SPDX-License-Identifier: Apache-2.0
#include "stores/sqlite/sqlitestoreimpl.h"

#include "search/runsearch.h"

#include <tuple>

namespace runlens {

namespace sqlitedetail {

void RunSelection::bindTo(SqliteStatement& statement) const
{
    int index = 1;
    for (const auto& value : binds) {
        if (const auto* number = std::get_if<std::int64_t>(&value))
            statement.bindInt64(index++, *number);
        else if (const auto* real = std::get_if<double>(&value))
            statement.bindDouble(index++, *real);
        else
            statement.bindText(index++, std::get<std::string>(value));
    }
}

RunSelection selectionOfIds(const std::vector<Run>& runs)
{
    std::string json = "[";
    for (const auto& run : runs) {
        if (json.size() > 1)
            json += ',';
        json += '"';
        for (const char ch : run.info.runId) {
            if (ch == '"' || ch == '\\')
                json += '\\';
            json += ch;
        }
        json += '"';
    }
    json += ']';
    RunSelection selection;
    selection.sql = "r.run_uuid IN (SELECT value FROM json_each(?1))";
    selection.binds.emplace_back(std::move(json));
    return selection;
}

} // namespace sqlitedetail

Result<RunSelection> SqliteStore::Impl::selectionFor(
    SqliteConnection& c, const std::vector<std::string>& experimentIds, ViewType view)
{
    RunSelection selection;
    const std::string stages(stagesSql(view));
    if (experimentIds.empty()) {
        // "Every experiment in the view": deleted runs also live in active experiments, so a view
        // that includes deleted runs covers every experiment, as the file store does.
        const std::string experimentStages(stagesSql(view == ViewType::ActiveOnly ? view : ViewType::All));
        selection.sql = "r.experiment_id IN (SELECT e.experiment_id FROM experiments e WHERE e.lifecycle_stage IN "
            + experimentStages + workspaceFilter("experiments", "e") + ")";
    } else {
        std::vector<std::int64_t> ids;
        for (const auto& text : experimentIds) {
            const auto id = parseInt64(text);
            if (!id) {
                return StoreError {ErrorCode::ResourceDoesNotExist, "No Experiment with id=" + text + " exists"};
            }
            ids.push_back(*id);
        }
        std::sort(ids.begin(), ids.end());
        ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
        std::string list;
        for (const auto id : ids)
            list += (list.empty() ? "" : ", ") + std::to_string(id);
        // Every requested experiment must exist (in this workspace); the ids are validated
        // integers, so writing them into the SQL text is safe.
        auto found = c.prepare("SELECT experiment_id FROM experiments WHERE experiment_id IN (" + list + ")"
            + workspaceFilter("experiments"));
        if (!found)
            return found.error();
        std::vector<std::int64_t> existing;
        auto status = forEachRow(*found, [&](SqliteStatement& row) { existing.push_back(row.int64(0)); });
        if (!status)
            return status.error();
        for (const auto id : ids) {
            if (std::find(existing.begin(), existing.end(), id) == existing.end()) {
                return StoreError {
                    ErrorCode::ResourceDoesNotExist, "No Experiment with id=" + std::to_string(id) + " exists"};
            }
        }
        selection.sql = "r.experiment_id IN (" + list + ")";
    }
    selection.sql += " AND r.lifecycle_stage IN " + stages;
    return selection;
}

RunSelection SqliteStore::Impl::selectionForRun(const std::string& runId) const
{
    RunSelection selection;
    selection.sql = "r.run_uuid = ?1";
    if (schema.hasColumn("experiments", "workspace"))
        selection.sql += " AND r.experiment_id IN (SELECT experiment_id FROM experiments WHERE workspace = 'default')";
    selection.binds.emplace_back(runId);
    return selection;
}

Status SqliteStore::Impl::forChildRows(SqliteConnection& c, const RunSelection& selection, std::string sql,
    const std::function<void(SqliteStatement&)>& row)
{
    const std::string runs = "(SELECT r.run_uuid FROM runs r WHERE " + selection.sql + ")";
    sql.replace(sql.find("{runs}"), 6, runs);
    auto statement = c.prepare(sql);
    if (!statement)
        return statement.error();
    selection.bindTo(*statement);
    return forEachRow(*statement, row);
}

Result<RunList> SqliteStore::Impl::loadRuns(
    SqliteConnection& c, const RunSelection& selection, RunFields fields, TaskControl* control)
{
    constexpr std::int64_t kPhases = 6;
    std::int64_t phase = 0;
    auto progress = [&]() -> bool {
        if (control)
            control->report(++phase, kPhases);
        return !isCancelled(control);
    };

    RunList list;
    RunIndex index;
    const bool hasName = schema.hasColumn("runs", "name");
    {
        auto statement = c.prepare("SELECT r.run_uuid, " + std::string(hasName ? "r.name" : "NULL")
            + ", r.experiment_id, r.user_id, r.status, r.start_time, r.end_time, "
            + schema.columnOr("runs", "deleted_time", "NULL") + ", r.artifact_uri, r.lifecycle_stage FROM runs r WHERE "
            + selection.sql);
        if (!statement)
            return statement.error();
        selection.bindTo(*statement);
        auto status = forEachRow(*statement, [&](SqliteStatement& row) {
            Run run;
            RunInfo& info = run.info;
            info.runId = row.text(0);
            const auto runStatus = runStatusFromName(row.textView(4));
            if (!runStatus) {
                list.problems.push_back(Problem {"runs/" + info.runId,
                    "unknown run status '" + row.text(4)
                        + "' (expected RUNNING, SCHEDULED, FINISHED, FAILED or "
                          "KILLED); the run is skipped"});
                return;
            }
            info.status = *runStatus;
            info.runName = row.text(1);
            info.experimentId = row.text(2);
            info.userId = row.text(3);
            info.startTime = row.optionalInt64(5);
            info.endTime = row.optionalInt64(6);
            info.deletedTime = row.optionalInt64(7);
            info.artifactUri = row.text(8);
            info.lifecycleStage = stageFromText(row.textView(9));
            index.add(info.runId, list.runs.size());
            list.runs.push_back(std::move(run));
        });
        if (!status)
            return status.error();
    }
    if (!progress())
        return cancelledError();

    auto& runs = list.runs;
    if (runs.empty())
        return list;
    const RunSelection byIds = selection.filtered ? selectionOfIds(runs) : RunSelection {};
    const RunSelection& children = selection.filtered ? byIds : selection;

    if (has(fields, RunField::Params)) {
        auto status = forChildRows(c, children,
            "SELECT p.run_uuid, p.key, p.value FROM params p WHERE p.run_uuid IN {runs}", [&](SqliteStatement& row) {
                if (const auto i = index.find(row.textView(0)))
                    runs[*i].params.push_back(KeyValue {row.text(1), row.text(2)});
            });
        if (!status)
            return status.error();
    }
    if (!progress())
        return cancelledError();

    const bool needNameTag = std::any_of(runs.begin(), runs.end(), [](const Run& r) { return r.info.runName.empty(); });
    if (has(fields, RunField::Tags)) {
        auto status = forChildRows(c, children,
            "SELECT t.run_uuid, t.key, t.value FROM tags t WHERE t.run_uuid IN {runs}", [&](SqliteStatement& row) {
                if (const auto i = index.find(row.textView(0)))
                    runs[*i].tags.push_back(KeyValue {row.text(1), row.text(2)});
            });
        if (!status)
            return status.error();
        for (auto& run : runs) {
            sortByKey(run.tags);
            if (run.info.runName.empty()) {
                if (const auto* name = run.tag(kRunNameTag))
                    run.info.runName = *name;
            }
        }
    } else if (needNameTag) {
        // Runs from before MLflow 1.30 (or renamed through the tag only) keep their name in the tag.
        auto status = forChildRows(c, children,
            "SELECT t.run_uuid, t.value FROM tags t WHERE t.key = 'mlflow.runName' AND t.run_uuid IN {runs}",
            [&](SqliteStatement& row) {
                if (const auto i = index.find(row.textView(0)); i && runs[*i].info.runName.empty())
                    runs[*i].info.runName = row.text(1);
            });
        if (!status)
            return status.error();
    }
    if (!progress())
        return cancelledError();

    if (has(fields, RunField::Metrics)) {
        auto status = loadLatestMetrics(c, children, runs, index, list.problems);
        if (!status)
            return status.error();
    }
    if (!progress())
        return cancelledError();

    if (has(fields, RunField::Inputs)) {
        auto status = loadInputs(c, children, runs, index);
        if (!status)
            return status.error();
        status = loadModelIo(c, children, runs, index);
        if (!status)
            return status.error();
    }
    if (!progress())
        return cancelledError();

    for (auto& run : runs)
        sortByKey(run.params);
    progress();
    return list;
}

namespace {

// A metric row's timestamp, step and value (columns 3, 4, 2 of the queries below), or false with a
// Problem: SQLite keeps text in a REAL column and a 1e30 step in a BIGINT one, and reading them as
// numbers would quietly show 0.0 or 9223372036854775807 instead.
bool readMetricCells(SqliteStatement& row, const char* table, std::string_view runId, std::string_view key,
    MetricPoint& point, double& stored, std::vector<Problem>& problems)
{
    std::string why;
    const auto value = row.number(2, why);
    const auto timestamp = value ? row.integer(3, why) : std::nullopt;
    const auto step = timestamp ? row.integer(4, why) : std::nullopt;
    if (!step) {
        const char* field = !value ? "value" : !timestamp ? "timestamp" : "step";
        problems.push_back(Problem {std::string(table) + "/" + std::string(runId) + "/" + std::string(key),
            std::string("the ") + field + " is " + why + "; the row is skipped"});
        return false;
    }
    stored = *value;
    point.value = row.int64(5) ? std::numeric_limits<double>::quiet_NaN() : *value;
    point.timestamp = *timestamp;
    point.step = *step;
    return true;
}

} // namespace

Status SqliteStore::Impl::loadLatestMetrics(SqliteConnection& c, const RunSelection& selection, std::vector<Run>& runs,
    RunIndex& index, std::vector<Problem>& problems)
{
    if (schema.hasTable("latest_metrics")) {
        auto status = forChildRows(c, selection,
            "SELECT m.run_uuid, m.key, m.value, m.timestamp, " + schema.columnOr("latest_metrics", "step", "0") + ", "
                + schema.columnOr("latest_metrics", "is_nan", "0")
                + " FROM latest_metrics m WHERE m.run_uuid IN {runs}",
            [&](SqliteStatement& row) {
                const auto i = index.find(row.textView(0));
                if (!i)
                    return;
                Metric metric;
                metric.key = row.text(1);
                double stored = 0.0;
                if (readMetricCells(row, "latest_metrics", row.textView(0), metric.key, metric.point, stored, problems))
                    runs[*i].metrics.push_back(std::move(metric));
            });
        if (!status)
            return status;
    } else {
        // Before MLflow 1.3 there was no latest_metrics table: take, per key, the point with the
        // largest (step, timestamp, stored value), as MLflow's own comparison does — on the
        // stored value, where NaN is 0 — keeping the first logged point on ties.
        struct Latest
        {
            MetricPoint point;
            double stored = 0.0;
        };
        std::vector<std::map<std::string, Latest, std::less<>>> latest(runs.size());
        auto status = forChildRows(c, selection,
            "SELECT m.run_uuid, m.key, m.value, m.timestamp, " + schema.columnOr("metrics", "step", "0") + ", "
                + schema.columnOr("metrics", "is_nan", "0")
                + " FROM metrics m WHERE m.run_uuid IN {runs} ORDER BY m.rowid",
            [&](SqliteStatement& row) {
                const auto i = index.find(row.textView(0));
                if (!i)
                    return;
                Latest candidate;
                const auto key = row.textView(1);
                if (!readMetricCells(row, "metrics", row.textView(0), key, candidate.point, candidate.stored, problems))
                    return;
                auto& perKey = latest[*i];
                auto it = perKey.find(key);
                if (it == perKey.end()) {
                    perKey.emplace(std::string(key), candidate);
                    return;
                }
                const auto& current = it->second;
                if (std::tuple(candidate.point.step, candidate.point.timestamp, candidate.stored)
                    > std::tuple(current.point.step, current.point.timestamp, current.stored))
                    it->second = candidate;
            });
        if (!status)
            return status;
        for (std::size_t i = 0; i < runs.size(); ++i) {
            for (auto& [key, value] : latest[i])
                runs[i].metrics.push_back(Metric {key, value.point});
        }
    }
    for (auto& run : runs) {
        std::sort(
            run.metrics.begin(), run.metrics.end(), [](const Metric& a, const Metric& b) { return a.key < b.key; });
    }
    return Done {};
}

Status SqliteStore::Impl::loadInputs(
    SqliteConnection& c, const RunSelection& selection, std::vector<Run>& runs, RunIndex& index)
{
    if (!schema.hasTable("inputs") || !schema.hasTable("datasets"))
        return Done {};
    // MLflow reads dataset inputs as inputs(destination RUN) joined to datasets on source_id; within
    // a run they come in the order of the destination index, which is the order they were logged.
    std::map<std::string, std::pair<std::size_t, std::size_t>, std::less<>> byInput; // input -> (run, slot)
    auto status = forChildRows(c, selection,
        "SELECT i.destination_id, i.input_uuid, d.name, d.digest, d.dataset_source_type, d.dataset_source, "
        "d.dataset_schema, d.dataset_profile FROM inputs i JOIN datasets d ON d.dataset_uuid = i.source_id "
        "WHERE i.destination_type = 'RUN' AND i.destination_id IN {runs} ORDER BY i.destination_id, i.rowid",
        [&](SqliteStatement& row) {
            const auto i = index.find(row.textView(0));
            if (!i)
                return;
            DatasetInput input;
            input.dataset.name = row.text(2);
            input.dataset.digest = row.text(3);
            input.dataset.sourceType = row.text(4);
            input.dataset.source = row.text(5);
            input.dataset.schema = row.text(6);
            input.dataset.profile = row.text(7);
            byInput.emplace(row.text(1), std::pair(*i, runs[*i].inputs.size()));
            runs[*i].inputs.push_back(std::move(input));
        });
    if (!status || byInput.empty() || !schema.hasTable("input_tags"))
        return status;
    status = forChildRows(c, selection,
        "SELECT t.input_uuid, t.name, t.value FROM input_tags t WHERE t.input_uuid IN (SELECT i.input_uuid FROM "
        "inputs i WHERE i.destination_type = 'RUN' AND i.destination_id IN {runs})",
        [&](SqliteStatement& row) {
            const auto it = byInput.find(row.textView(0));
            if (it != byInput.end())
                runs[it->second.first].inputs[it->second.second].tags.push_back(KeyValue {row.text(1), row.text(2)});
        });
    for (auto& run : runs) {
        for (auto& input : run.inputs)
            sortByKey(input.tags);
    }
    return status;
}

Result<RunList> SqliteStore::searchRuns(const RunQuery& query, TaskControl* control)
{
    auto search = RunSearch::parse(query.filter, query.orderBy);
    if (!search)
        return search.error();
    const RunFields fields = query.fields | search->requiredFields() | static_cast<RunFields>(RunField::Info);
    bool filteredInSql = false;
    auto loaded = m_impl->read<Result<RunList>>(control, [&](SqliteConnection& c) -> Result<RunList> {
        auto selection = m_impl->selectionFor(c, query.experimentIds, query.view);
        if (!selection)
            return selection.error();
        if (search->hasFilter()) {
            // The filter runs in SQL, so only matching runs are read; where SQL cannot express it
            // exactly, it selects a superset and the in-memory match below decides.
            SqlRunFilter pushed = SqlRunFilter::build(*search, m_impl->schema, "r");
            selection->sql = "(" + selection->sql + ") AND (" + pushed.where + ")";
            for (auto& value : pushed.bindings)
                selection->binds.push_back(std::move(value));
            selection->filtered = true;
            filteredInSql = pushed.complete;
        }
        return m_impl->loadRuns(c, *selection, fields, control);
    });
    if (!loaded)
        return loaded;
    // Ordering (and any filtering SQL could not do) runs here, off the connection's thread.
    auto& runs = loaded->runs;
    if (search->hasFilter() && !filteredInSql)
        std::erase_if(runs, [&](const Run& run) { return !search->matches(run, SearchDialect::Sql); });
    search->sort(runs, SearchDialect::Sql);
    if (query.maxResults && runs.size() > *query.maxResults)
        runs.resize(*query.maxResults);
    return loaded;
}

Result<Run> SqliteStore::run(const std::string& runId)
{
    return m_impl->read<Result<Run>>(nullptr, [&](SqliteConnection& c) -> Result<Run> {
        auto list = m_impl->loadRuns(c, m_impl->selectionForRun(runId), kAllRunFields, nullptr);
        if (!list)
            return list.error();
        // A run that was skipped says why; a run that loaded without a broken metric row is still
        // the run, as in the file store.
        if (list->runs.empty() && !list->problems.empty()) {
            const auto& problem = list->problems.front();
            return StoreError {ErrorCode::InternalError, "cannot read run " + runId + ": " + problem.reason};
        }
        if (list->runs.empty())
            return StoreError {ErrorCode::ResourceDoesNotExist, "Run with id=" + runId + " not found"};
        return std::move(list->runs.front());
    });
}

} // namespace runlens
