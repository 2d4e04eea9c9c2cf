// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "genstore.h"

namespace genstore {

// ---------------------------------------------------------------------------------------------------
// SQLite writer (formats §B): MLflow 2.22's schema, statement for statement as sqlite_master holds it.

constexpr const char* kSchema[] = {
    "CREATE TABLE experiments (\n"
    "\texperiment_id INTEGER NOT NULL, \n"
    "\tname VARCHAR(256) NOT NULL, \n"
    "\tartifact_location VARCHAR(256), \n"
    "\tlifecycle_stage VARCHAR(32), creation_time BIGINT, last_update_time BIGINT, \n"
    "\tCONSTRAINT experiment_pk PRIMARY KEY (experiment_id), \n"
    "\tCONSTRAINT experiments_lifecycle_stage CHECK (lifecycle_stage IN ('active', 'deleted')), \n"
    "\tUNIQUE (name)\n"
    ")",
    "CREATE TABLE alembic_version (\n"
    "\tversion_num VARCHAR(32) NOT NULL, \n"
    "\tCONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n"
    ")",
    "CREATE TABLE experiment_tags (\n"
    "\t\"key\" VARCHAR(250) NOT NULL, \n"
    "\tvalue VARCHAR(5000), \n"
    "\texperiment_id INTEGER NOT NULL, \n"
    "\tCONSTRAINT experiment_tag_pk PRIMARY KEY (\"key\", experiment_id), \n"
    "\tFOREIGN KEY(experiment_id) REFERENCES experiments (experiment_id)\n"
    ")",
    "CREATE TABLE registered_models (\n"
    "\tname VARCHAR(256) NOT NULL, \n"
    "\tcreation_time BIGINT, \n"
    "\tlast_updated_time BIGINT, \n"
    "\tdescription VARCHAR(5000), \n"
    "\tCONSTRAINT registered_model_pk PRIMARY KEY (name), \n"
    "\tUNIQUE (name)\n"
    ")",
    "CREATE TABLE \"runs\" (\n"
    "\trun_uuid VARCHAR(32) NOT NULL, \n"
    "\tname VARCHAR(250), \n"
    "\tsource_type VARCHAR(20), \n"
    "\tsource_name VARCHAR(500), \n"
    "\tentry_point_name VARCHAR(50), \n"
    "\tuser_id VARCHAR(256), \n"
    "\tstatus VARCHAR(9), \n"
    "\tstart_time BIGINT, \n"
    "\tend_time BIGINT, \n"
    "\tsource_version VARCHAR(50), \n"
    "\tlifecycle_stage VARCHAR(20), \n"
    "\tartifact_uri VARCHAR(200), \n"
    "\texperiment_id INTEGER, deleted_time BIGINT, \n"
    "\tCONSTRAINT run_pk PRIMARY KEY (run_uuid), \n"
    "\tCONSTRAINT runs_lifecycle_stage CHECK (lifecycle_stage IN ('active', 'deleted')), \n"
    "\tCONSTRAINT source_type CHECK (source_type IN ('NOTEBOOK', 'JOB', 'LOCAL', 'UNKNOWN', 'PROJECT')), \n"
    "\tCHECK (status IN ('SCHEDULED', 'FAILED', 'FINISHED', 'RUNNING', 'KILLED')), \n"
    "\tFOREIGN KEY(experiment_id) REFERENCES experiments (experiment_id)\n"
    ")",
    "CREATE TABLE registered_model_tags (\n"
    "\t\"key\" VARCHAR(250) NOT NULL, \n"
    "\tvalue VARCHAR(5000), \n"
    "\tname VARCHAR(256) NOT NULL, \n"
    "\tCONSTRAINT registered_model_tag_pk PRIMARY KEY (\"key\", name), \n"
    "\tFOREIGN KEY(name) REFERENCES registered_models (name) ON UPDATE cascade\n"
    ")",
    "CREATE TABLE model_version_tags (\n"
    "\t\"key\" VARCHAR(250) NOT NULL, \n"
    "\tvalue VARCHAR(5000), \n"
    "\tname VARCHAR(256) NOT NULL, \n"
    "\tversion INTEGER NOT NULL, \n"
    "\tCONSTRAINT model_version_tag_pk PRIMARY KEY (\"key\", name, version), \n"
    "\tFOREIGN KEY(name, version) REFERENCES model_versions (name, version) ON UPDATE cascade\n"
    ")",
    "CREATE TABLE \"model_versions\" (\n"
    "\tname VARCHAR(256) NOT NULL, \n"
    "\tversion INTEGER NOT NULL, \n"
    "\tcreation_time BIGINT, \n"
    "\tlast_updated_time BIGINT, \n"
    "\tdescription VARCHAR(5000), \n"
    "\tuser_id VARCHAR(256), \n"
    "\tcurrent_stage VARCHAR(20), \n"
    "\tsource VARCHAR(500), \n"
    "\trun_id VARCHAR(32), \n"
    "\tstatus VARCHAR(20), \n"
    "\tstatus_message VARCHAR(500), \n"
    "\trun_link VARCHAR(500), storage_location VARCHAR(500), \n"
    "\tCONSTRAINT model_version_pk PRIMARY KEY (name, version), \n"
    "\tFOREIGN KEY(name) REFERENCES registered_models (name) ON UPDATE CASCADE\n"
    ")",
    "CREATE TABLE \"latest_metrics\" (\n"
    "\t\"key\" VARCHAR(250) NOT NULL, \n"
    "\tvalue FLOAT NOT NULL, \n"
    "\ttimestamp BIGINT, \n"
    "\tstep BIGINT NOT NULL, \n"
    "\tis_nan BOOLEAN NOT NULL, \n"
    "\trun_uuid VARCHAR(32) NOT NULL, \n"
    "\tCONSTRAINT latest_metric_pk PRIMARY KEY (\"key\", run_uuid), \n"
    "\tCHECK (is_nan IN (0, 1)), \n"
    "\tFOREIGN KEY(run_uuid) REFERENCES runs (run_uuid)\n"
    ")",
    "CREATE TABLE \"metrics\" (\n"
    "\t\"key\" VARCHAR(250) NOT NULL, \n"
    "\tvalue FLOAT NOT NULL, \n"
    "\ttimestamp BIGINT NOT NULL, \n"
    "\trun_uuid VARCHAR(32) NOT NULL, \n"
    "\tstep BIGINT DEFAULT '0' NOT NULL, \n"
    "\tis_nan BOOLEAN DEFAULT '0' NOT NULL, \n"
    "\tCONSTRAINT metric_pk PRIMARY KEY (\"key\", timestamp, step, run_uuid, value, is_nan), \n"
    "\tCHECK (is_nan IN (0, 1)), \n"
    "\tFOREIGN KEY(run_uuid) REFERENCES runs (run_uuid)\n"
    ")",
    "CREATE TABLE registered_model_aliases (\n"
    "\talias VARCHAR(256) NOT NULL, \n"
    "\tversion INTEGER NOT NULL, \n"
    "\tname VARCHAR(256) NOT NULL, \n"
    "\tCONSTRAINT registered_model_alias_pk PRIMARY KEY (name, alias), \n"
    "\tCONSTRAINT registered_model_alias_name_fkey FOREIGN KEY(name) REFERENCES registered_models (name) ON DELETE "
    "cascade ON UPDATE cascade\n"
    ")",
    "CREATE TABLE inputs (\n"
    "\tinput_uuid VARCHAR(36) NOT NULL, \n"
    "\tsource_type VARCHAR(36) NOT NULL, \n"
    "\tsource_id VARCHAR(36) NOT NULL, \n"
    "\tdestination_type VARCHAR(36) NOT NULL, \n"
    "\tdestination_id VARCHAR(36) NOT NULL, \n"
    "\tCONSTRAINT inputs_pk PRIMARY KEY (source_type, source_id, destination_type, destination_id)\n"
    ")",
    "CREATE TABLE input_tags (\n"
    "\tinput_uuid VARCHAR(36) NOT NULL, \n"
    "\tname VARCHAR(255) NOT NULL, \n"
    "\tvalue VARCHAR(500) NOT NULL, \n"
    "\tCONSTRAINT input_tags_pk PRIMARY KEY (input_uuid, name)\n"
    ")",
    "CREATE TABLE \"params\" (\n"
    "\t\"key\" VARCHAR(250) NOT NULL, \n"
    "\tvalue VARCHAR(8000) NOT NULL, \n"
    "\trun_uuid VARCHAR(32) NOT NULL, \n"
    "\tCONSTRAINT param_pk PRIMARY KEY (\"key\", run_uuid), \n"
    "\tFOREIGN KEY(run_uuid) REFERENCES runs (run_uuid)\n"
    ")",
    "CREATE TABLE trace_info (\n"
    "\trequest_id VARCHAR(50) NOT NULL, \n"
    "\texperiment_id INTEGER NOT NULL, \n"
    "\ttimestamp_ms BIGINT NOT NULL, \n"
    "\texecution_time_ms BIGINT, \n"
    "\tstatus VARCHAR(50) NOT NULL, \n"
    "\tCONSTRAINT trace_info_pk PRIMARY KEY (request_id), \n"
    "\tCONSTRAINT fk_trace_info_experiment_id FOREIGN KEY(experiment_id) REFERENCES experiments (experiment_id)\n"
    ")",
    "CREATE TABLE \"trace_tags\" (\n"
    "\t\"key\" VARCHAR(250) NOT NULL, \n"
    "\tvalue VARCHAR(8000), \n"
    "\trequest_id VARCHAR(50) NOT NULL, \n"
    "\tCONSTRAINT trace_tag_pk PRIMARY KEY (\"key\", request_id), \n"
    "\tCONSTRAINT fk_trace_tags_request_id FOREIGN KEY(request_id) REFERENCES trace_info (request_id) ON DELETE "
    "CASCADE\n"
    ")",
    "CREATE TABLE \"trace_request_metadata\" (\n"
    "\t\"key\" VARCHAR(250) NOT NULL, \n"
    "\tvalue VARCHAR(8000), \n"
    "\trequest_id VARCHAR(50) NOT NULL, \n"
    "\tCONSTRAINT trace_request_metadata_pk PRIMARY KEY (\"key\", request_id), \n"
    "\tCONSTRAINT fk_trace_request_metadata_request_id FOREIGN KEY(request_id) REFERENCES trace_info (request_id) ON "
    "DELETE CASCADE\n"
    ")",
    "CREATE TABLE \"tags\" (\n"
    "\t\"key\" VARCHAR(250) NOT NULL, \n"
    "\tvalue VARCHAR(8000), \n"
    "\trun_uuid VARCHAR(32) NOT NULL, \n"
    "\tCONSTRAINT tag_pk PRIMARY KEY (\"key\", run_uuid), \n"
    "\tFOREIGN KEY(run_uuid) REFERENCES runs (run_uuid)\n"
    ")",
    "CREATE TABLE \"datasets\" (\n"
    "\tdataset_uuid VARCHAR(36) NOT NULL, \n"
    "\texperiment_id INTEGER NOT NULL, \n"
    "\tname VARCHAR(500) NOT NULL, \n"
    "\tdigest VARCHAR(36) NOT NULL, \n"
    "\tdataset_source_type VARCHAR(36) NOT NULL, \n"
    "\tdataset_source TEXT NOT NULL, \n"
    "\tdataset_schema TEXT, \n"
    "\tdataset_profile TEXT, \n"
    "\tCONSTRAINT dataset_pk PRIMARY KEY (experiment_id, name, digest), \n"
    "\tCONSTRAINT fk_datasets_experiment_id_experiments FOREIGN KEY(experiment_id) REFERENCES experiments "
    "(experiment_id) ON DELETE CASCADE\n"
    ")",
    "CREATE INDEX index_metrics_run_uuid ON metrics (run_uuid)",
    "CREATE INDEX index_latest_metrics_run_uuid ON latest_metrics (run_uuid)",
    "CREATE INDEX index_inputs_input_uuid ON inputs (input_uuid)",
    "CREATE INDEX index_inputs_destination_type_destination_id_source_type ON inputs (destination_type, "
    "destination_id, source_type)",
    "CREATE INDEX index_params_run_uuid ON params (run_uuid)",
    "CREATE INDEX index_trace_info_experiment_id_timestamp_ms ON trace_info (experiment_id, timestamp_ms)",
    "CREATE INDEX index_trace_tags_request_id ON trace_tags (request_id)",
    "CREATE INDEX index_trace_request_metadata_request_id ON trace_request_metadata (request_id)",
    "CREATE INDEX index_tags_run_uuid ON tags (run_uuid)",
    "CREATE INDEX index_datasets_dataset_uuid ON datasets (dataset_uuid)",
    "CREATE INDEX index_datasets_experiment_id_dataset_source_type ON datasets (experiment_id, dataset_source_type)",
};

class Statement
{
public:
    Statement(sqlite3* db, const char* sql)
    {
        if (sqlite3_prepare_v2(db, sql, -1, &m_stmt, nullptr) != SQLITE_OK)
            throw std::runtime_error(std::string("cannot prepare '") + sql + "': " + sqlite3_errmsg(db));
    }
    ~Statement() { sqlite3_finalize(m_stmt); }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& text(int i, std::string_view s)
    {
        sqlite3_bind_text(m_stmt, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
        return *this;
    }
    Statement& integer(int i, std::int64_t v)
    {
        sqlite3_bind_int64(m_stmt, i, v);
        return *this;
    }
    Statement& optInteger(int i, std::optional<std::int64_t> v)
    {
        if (v)
            sqlite3_bind_int64(m_stmt, i, *v);
        else
            sqlite3_bind_null(m_stmt, i);
        return *this;
    }
    Statement& real(int i, double v)
    {
        sqlite3_bind_double(m_stmt, i, v);
        return *this;
    }
    void run()
    {
        const int rc = sqlite3_step(m_stmt);
        sqlite3_reset(m_stmt);
        sqlite3_clear_bindings(m_stmt);
        if (rc != SQLITE_DONE)
            throw std::runtime_error(std::string("insert failed: ") + sqlite3_errstr(rc));
    }

private:
    sqlite3_stmt* m_stmt = nullptr;
};

class SqliteWriter
{
public:
    SqliteWriter(const fs::path& dbPath, std::string artifactRoot)
        : m_artifactRoot(std::move(artifactRoot))
    {
        if (sqlite3_open_v2(dbPath.c_str(), &m_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK)
            throw std::runtime_error("cannot create " + dbPath.string() + ": " + sqlite3_errmsg(m_db));
        // A new file nobody else has open: no journal needed while filling it. Neither setting is stored in
        // the file, which stays in rollback-journal mode like MLflow's.
        exec("PRAGMA journal_mode = OFF");
        exec("PRAGMA synchronous = OFF");
        exec("PRAGMA cache_size = -262144");
        exec("BEGIN");
        for (const char* sql : kSchema)
            exec(sql);
        exec("INSERT INTO alembic_version (version_num) VALUES ('0584bdc529eb')");
        m_experiment = std::make_unique<Statement>(m_db,
            "INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, "
            "last_update_time) VALUES (?, ?, ?, 'active', ?, ?)");
        m_experimentTag = std::make_unique<Statement>(
            m_db, "INSERT INTO experiment_tags (\"key\", value, experiment_id) VALUES (?, ?, ?)");
        m_run = std::make_unique<Statement>(m_db,
            "INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status, "
            "start_time, end_time, source_version, lifecycle_stage, artifact_uri, experiment_id, deleted_time) "
            "VALUES (?, ?, 'UNKNOWN', '', '', ?, ?, ?, ?, '', ?, ?, ?, ?)");
        m_tag = std::make_unique<Statement>(m_db, "INSERT INTO tags (\"key\", value, run_uuid) VALUES (?, ?, ?)");
        m_param = std::make_unique<Statement>(m_db, "INSERT INTO params (\"key\", value, run_uuid) VALUES (?, ?, ?)");
        m_metric = std::make_unique<Statement>(
            m_db, "INSERT INTO metrics (\"key\", value, timestamp, run_uuid, step, is_nan) VALUES (?, ?, ?, ?, ?, ?)");
        m_latest = std::make_unique<Statement>(m_db,
            "INSERT INTO latest_metrics (\"key\", value, timestamp, step, is_nan, run_uuid) VALUES (?, ?, ?, ?, ?, ?)");
    }

    ~SqliteWriter()
    {
        m_experiment.reset();
        m_experimentTag.reset();
        m_run.reset();
        m_tag.reset();
        m_param.reset();
        m_metric.reset();
        m_latest.reset();
        sqlite3_close(m_db);
    }

    const Totals& totals() const { return m_totals; }

    void experiment(const GenExperiment& e)
    {
        const std::int64_t id = std::stoll(e.id);
        m_experiment->integer(1, id)
            .text(2, e.name)
            .text(3, m_artifactRoot + '/' + e.id)
            .integer(4, e.creationTime)
            .integer(5, e.lastUpdateTime)
            .run();
        for (const auto& [key, value] : e.tags)
            m_experimentTag->text(1, key).text(2, value).integer(3, id).run();
    }

    void run(const GenRun& r)
    {
        m_run->text(1, r.id)
            .text(2, r.name)
            .text(3, r.userId)
            .text(4, statusName(r.status))
            .integer(5, r.startTime)
            .optInteger(6, r.endTime)
            .text(7, r.deletedTime ? "deleted" : "active")
            .text(8, m_artifactRoot + '/' + r.experimentId + '/' + r.id + "/artifacts")
            .integer(9, std::stoll(r.experimentId))
            .optInteger(10, r.deletedTime)
            .run();
        for (const auto& [key, value] : r.tags)
            m_tag->text(1, key).text(2, value).text(3, r.id).run();
        for (const auto& [key, value] : r.params)
            m_param->text(1, key).text(2, value).text(3, r.id).run();
        for (const GenMetric& m : r.metrics) {
            if (m.points.empty())
                continue;
            const Point* latest = &m.points.front();
            for (const Point& p : m.points) {
                bindPoint(*m_metric, p);
                m_metric->text(1, m.key).integer(3, p.timestamp).text(4, r.id).integer(5, p.step).run();
                if (std::tie(p.step, p.timestamp) > std::tie(latest->step, latest->timestamp)
                    || (p.step == latest->step && p.timestamp == latest->timestamp && p.value > latest->value))
                    latest = &p;
            }
            bindPoint(*m_latest, *latest, 2, 5);
            m_latest->text(1, m.key).integer(3, latest->timestamp).integer(4, latest->step).text(6, r.id).run();
            m_totals.points += static_cast<std::int64_t>(m.points.size());
        }
        ++m_totals.runs;
    }

    void finish() { exec("COMMIT"); }

private:
    // NaN is stored as 0 with is_nan = 1, infinities as ±DBL_MAX (formats §B.4).
    static void bindPoint(Statement& s, const Point& p, int valueIndex = 2, int isNanIndex = 6)
    {
        double v = p.value;
        if (std::isinf(v))
            v = v > 0 ? std::numeric_limits<double>::max() : -std::numeric_limits<double>::max();
        s.real(valueIndex, std::isnan(v) ? 0.0 : v).integer(isNanIndex, std::isnan(v) ? 1 : 0);
    }

    void exec(const char* sql)
    {
        char* err = nullptr;
        if (sqlite3_exec(m_db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
            const std::string message = err ? err : "unknown error";
            sqlite3_free(err);
            throw std::runtime_error(std::string("SQLite: ") + message + " in: " + sql);
        }
    }

    sqlite3* m_db = nullptr;
    std::string m_artifactRoot;
    std::unique_ptr<Statement> m_experiment, m_experimentTag, m_run, m_tag, m_param, m_metric, m_latest;
    Totals m_totals;
};

} // namespace genstore
