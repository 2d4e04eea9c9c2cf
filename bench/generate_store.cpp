// SPDX-License-Identifier: Apache-2.0
// generate_store: writes MLflow stores laid out byte for byte as MLflow 2.22 writes them (formats §A and
// §B), for the benchmarks and for the bundled demo store. The same options always give the same bytes.
//
//   generate_store mlruns <out-dir> [shape options]   a file store (the folder becomes the mlruns root)
//   generate_store sqlite <out.db>  [shape options]   an mlflow.db at alembic revision 0584bdc529eb
//   generate_store demo   <out-dir> [--root-uri URI]  the small demo file store shipped with the app

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <functional>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <numbers>
#include <optional>
#include <random>
#include <regex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include <sqlite3.h>

#include "yamlwriter.h"

#include <QByteArray>
#include <QCryptographicHash>

namespace fs = std::filesystem;

namespace {

using KeyValues = std::vector<std::pair<std::string, std::string>>;

// ---------------------------------------------------------------------------------------------------
// Text encodings MLflow's Python writes.

// Python's repr() of a float: the shortest text that round-trips, in fixed notation for decimal
// exponents -4..15 and with ".0" on integral values, else d.ddde±XX (formats §A.5).
std::string pyFloat(double v)
{
    if (std::isnan(v))
        return "nan";
    if (std::isinf(v))
        return v > 0 ? "inf" : "-inf";
    char buf[64];
    const auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
    std::string_view sci(buf, static_cast<std::size_t>(res.ptr - buf));
    const bool negative = sci.front() == '-';
    if (negative)
        sci.remove_prefix(1);
    const auto e = sci.find('e');
    int exponent = 0;
    std::from_chars(sci.data() + e + 1 + (sci[e + 1] == '+' ? 1 : 0), sci.data() + sci.size(), exponent);
    std::string digits;
    for (char c : sci.substr(0, e)) {
        if (c != '.')
            digits += c;
    }
    std::string out;
    if (exponent < -4 || exponent >= 16) {
        out = digits.substr(0, 1);
        if (digits.size() > 1)
            out += '.' + digits.substr(1);
        const int absExp = std::abs(exponent);
        out += exponent < 0 ? "e-" : "e+";
        if (absExp < 10)
            out += '0';
        out += std::to_string(absExp);
    } else if (exponent < 0) {
        out = "0." + std::string(static_cast<std::size_t>(-exponent - 1), '0') + digits;
    } else {
        const auto intDigits = static_cast<std::size_t>(exponent) + 1;
        if (digits.size() <= intDigits)
            out = digits + std::string(intDigits - digits.size(), '0') + ".0";
        else
            out = digits.substr(0, intDigits) + '.' + digits.substr(intDigits);
    }
    return negative ? '-' + out : out;
}

// pathlib's as_uri(): file:// plus the path, every byte outside [A-Za-z0-9_.~/-] percent-encoded.
std::string fileUri(const fs::path& absolute)
{
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out = "file://";
    for (unsigned char c : absolute.generic_string()) {
        if (std::isalnum(c) || c == '_' || c == '.' || c == '-' || c == '~' || c == '/') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

std::string md5Hex(std::string_view data)
{
    const QByteArray hash = QCryptographicHash::hash(
        QByteArray(data.data(), static_cast<qsizetype>(data.size())), QCryptographicHash::Md5);
    return hash.toHex().toStdString();
}

// ---------------------------------------------------------------------------------------------------
// meta.yaml files are written by the core writer (PyYAML safe_dump rules, core/yamlwriter.h); here a
// value it cannot write is a bug in the generator.
class YamlDoc : public runlens::YamlWriter
{
public:
    std::string dump() const
    {
        std::string out = YamlWriter::dump();
        if (!error().empty())
            throw std::logic_error("generator bug: " + error());
        return out;
    }
};

// ---------------------------------------------------------------------------------------------------
// Deterministic randomness. std's distributions differ between standard libraries, so only the engine
// (fully specified) comes from std.

class Rng
{
public:
    explicit Rng(std::uint64_t seed)
        : m_engine(splitmix(seed))
    { }

    static std::uint64_t splitmix(std::uint64_t x)
    {
        x += 0x9E3779B97F4A7C15ull;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
        return x ^ (x >> 31);
    }

    std::uint64_t next() { return m_engine(); }
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
    bool chance(double p) { return uniform() < p; }
    double normal()
    {
        // Box-Muller; the second value is dropped to keep the stream simple.
        const double u1 = 1.0 - uniform();
        const double u2 = uniform();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
    }
    template<typename T>
    const T& pick(const std::vector<T>& items)
    {
        return items[below(items.size())];
    }

    // uuid.uuid4().hex, which MLflow uses for run ids.
    std::string uuid4Hex()
    {
        static constexpr char hex[] = "0123456789abcdef";
        std::string out(32, '0');
        std::uint64_t a = next();
        std::uint64_t b = next();
        for (int i = 0; i < 16; ++i) {
            out[static_cast<std::size_t>(i)] = hex[(a >> (60 - 4 * i)) & 15];
            out[static_cast<std::size_t>(16 + i)] = hex[(b >> (60 - 4 * i)) & 15];
        }
        out[12] = '4';
        out[16] = hex[8 + ((b >> 60) & 3)];
        return out;
    }

    // The file store's experiment ids are large random integers (18 digits in practice).
    std::string experimentId() { return std::to_string(100000000000000000ull + next() % 900000000000000000ull); }

private:
    std::mt19937_64 m_engine;
};

// ---------------------------------------------------------------------------------------------------
// What gets written, independent of the store format.

constexpr int kRunning = 1;
constexpr int kFinished = 3;
constexpr int kFailed = 4;
constexpr int kKilled = 5;

std::string_view statusName(int status)
{
    switch (status) {
    case kRunning:
        return "RUNNING";
    case kFailed:
        return "FAILED";
    case kKilled:
        return "KILLED";
    default:
        return "FINISHED";
    }
}

struct Point
{
    std::int64_t timestamp = 0;
    double value = 0.0;
    std::int64_t step = 0;
};

struct GenMetric
{
    std::string key;
    std::vector<Point> points;
};

struct GenDataset
{
    std::string name;
    std::string digest;
    std::string sourceType;
    std::string source;
    std::string schema;
    std::string profile;
    std::string id() const { return md5Hex(name + digest); }
};

struct GenInput
{
    GenDataset dataset;
    KeyValues tags;
};

struct GenRun
{
    std::string id;
    std::string name;
    std::string experimentId;
    std::string userId;
    int status = kFinished;
    std::int64_t startTime = 0;
    std::optional<std::int64_t> endTime;
    std::optional<std::int64_t> deletedTime; // set = deleted
    KeyValues params;
    KeyValues tags;
    std::vector<GenMetric> metrics;
    KeyValues artifacts; // relative path -> bytes
    std::vector<GenInput> inputs;

    void tag(std::string key, std::string value) { tags.emplace_back(std::move(key), std::move(value)); }
    bool hasTag(std::string_view key) const
    {
        return std::any_of(tags.begin(), tags.end(), [&](const auto& kv) { return kv.first == key; });
    }
    void param(std::string key, std::string value) { params.emplace_back(std::move(key), std::move(value)); }
};

struct GenExperiment
{
    std::string id;
    std::string name;
    std::int64_t creationTime = 0;
    std::int64_t lastUpdateTime = 0;
    KeyValues tags;
};

struct GenVersion
{
    std::int64_t version = 0;
    std::string stage = "None";
    std::string runId;
    std::string experimentId;
    std::int64_t creationTime = 0;
    std::int64_t lastUpdatedTime = 0;
    std::optional<std::string> description;
    KeyValues tags;
};

struct GenModel
{
    std::string name;
    std::optional<std::string> description;
    std::int64_t creationTime = 0;
    std::int64_t lastUpdatedTime = 0;
    KeyValues tags;
    std::vector<std::pair<std::string, std::int64_t>> aliases;
    std::vector<GenVersion> versions;
};

struct Totals
{
    std::int64_t files = 0;
    std::int64_t bytes = 0;
    std::int64_t runs = 0;
    std::int64_t points = 0;
};

// ---------------------------------------------------------------------------------------------------
// File store writer (formats §A).

class MlrunsWriter
{
public:
    MlrunsWriter(fs::path root, std::string rootUri)
        : m_root(std::move(root))
        , m_rootUri(std::move(rootUri))
    { }

    const Totals& totals() const { return m_totals; }

    void experiment(const GenExperiment& e)
    {
        const fs::path dir = m_root / e.id;
        YamlDoc doc;
        doc.str("artifact_location", m_rootUri + '/' + e.id);
        doc.integer("creation_time", e.creationTime);
        doc.str("experiment_id", e.id);
        doc.integer("last_update_time", e.lastUpdateTime);
        doc.str("lifecycle_stage", "active");
        doc.str("name", e.name);
        write(dir / "meta.yaml", doc.dump());
        writeKeyFiles(dir / "tags", e.tags);
    }

    void run(const GenRun& r)
    {
        const fs::path dir = m_root / r.experimentId / r.id;
        YamlDoc doc;
        doc.str("artifact_uri", artifactUri(r.experimentId, r.id));
        // MLflow drops deleted_time when it rewrites meta.yaml at the end of a run (formats §A.4).
        if (r.deletedTime)
            doc.integer("deleted_time", *r.deletedTime);
        doc.optInteger("end_time", r.endTime);
        doc.str("entry_point_name", "");
        doc.str("experiment_id", r.experimentId);
        doc.str("lifecycle_stage", r.deletedTime ? "deleted" : "active");
        doc.str("run_id", r.id);
        doc.str("run_name", r.name);
        doc.str("run_uuid", r.id);
        doc.str("source_name", "");
        doc.integer("source_type", 4);
        doc.str("source_version", "");
        doc.integer("start_time", r.startTime);
        doc.integer("status", r.status);
        doc.emptyList("tags");
        doc.str("user_id", r.userId);
        write(dir / "meta.yaml", doc.dump());

        fs::create_directories(dir / "metrics");
        for (const GenMetric& m : r.metrics) {
            std::string text;
            text.reserve(m.points.size() * 40);
            for (const Point& p : m.points) {
                text += std::to_string(p.timestamp);
                text += ' ';
                text += pyFloat(p.value);
                text += ' ';
                text += std::to_string(p.step);
                text += '\n';
            }
            write(dir / "metrics" / m.key, text);
            m_totals.points += static_cast<std::int64_t>(m.points.size());
        }
        fs::create_directories(dir / "params");
        writeKeyFiles(dir / "params", r.params);
        fs::create_directories(dir / "tags");
        writeKeyFiles(dir / "tags", r.tags);
        // MLflow creates the artifacts folder with the run; the demo store skips empty ones (git drops them).
        if (!r.artifacts.empty() || m_emptyArtifactDirs)
            fs::create_directories(dir / "artifacts");
        for (const auto& [path, bytes] : r.artifacts)
            write(dir / "artifacts" / path, bytes);
        for (const GenInput& in : r.inputs)
            input(r, in);
        ++m_totals.runs;
    }

    void registeredModel(const GenModel& m)
    {
        const fs::path dir = m_root / "models" / m.name;
        YamlDoc doc;
        KeyValues aliases;
        for (const auto& [alias, version] : m.aliases)
            aliases.emplace_back(alias, std::to_string(version));
        doc.map("aliases", aliases);
        doc.integer("creation_timestamp", m.creationTime);
        doc.optStr("description", m.description);
        doc.integer("last_updated_timestamp", m.lastUpdatedTime);
        doc.str("name", m.name);
        write(dir / "meta.yaml", doc.dump());
        writeKeyFiles(dir / "tags", m.tags);
        for (const auto& [alias, version] : m.aliases)
            write(dir / "aliases" / alias, std::to_string(version));
        for (const GenVersion& v : m.versions) {
            const std::string source = artifactUri(v.experimentId, v.runId) + "/model";
            YamlDoc vdoc;
            vdoc.emptyList("aliases");
            vdoc.integer("creation_timestamp", v.creationTime);
            vdoc.str("current_stage", v.stage);
            vdoc.optStr("description", v.description);
            vdoc.integer("last_updated_timestamp", v.lastUpdatedTime);
            vdoc.str("name", m.name);
            vdoc.str("run_id", v.runId);
            vdoc.null("run_link");
            vdoc.str("source", source);
            vdoc.str("status", "READY");
            vdoc.null("status_message");
            vdoc.str("storage_location", source);
            vdoc.null("user_id");
            vdoc.integer("version", v.version);
            const fs::path vdir = dir / ("version-" + std::to_string(v.version));
            write(vdir / "meta.yaml", vdoc.dump());
            writeKeyFiles(vdir / "tags", v.tags);
        }
    }

    void setEmptyArtifactDirs(bool on) { m_emptyArtifactDirs = on; }

private:
    std::string artifactUri(const std::string& experimentId, const std::string& runId) const
    {
        return m_rootUri + '/' + experimentId + '/' + runId + "/artifacts";
    }

    void input(const GenRun& r, const GenInput& in)
    {
        const std::string datasetId = in.dataset.id();
        const fs::path datasetMeta = m_root / r.experimentId / "datasets" / datasetId / "meta.yaml";
        if (!fs::exists(datasetMeta)) {
            YamlDoc doc;
            doc.str("digest", in.dataset.digest);
            doc.str("name", in.dataset.name);
            doc.str("profile", in.dataset.profile);
            doc.str("schema", in.dataset.schema);
            doc.str("source", in.dataset.source);
            doc.str("source_type", in.dataset.sourceType);
            write(datasetMeta, doc.dump());
        }
        // MLflow 2.x writes the dataset id as destination_id too (formats §A.9); copied as is.
        YamlDoc doc;
        doc.str("destination_id", datasetId);
        doc.str("destination_type", "RUN");
        doc.str("source_id", datasetId);
        doc.str("source_type", "DATASET");
        doc.map("tags", in.tags);
        write(m_root / r.experimentId / r.id / "inputs" / md5Hex(datasetId + r.id) / "meta.yaml", doc.dump());
    }

    void writeKeyFiles(const fs::path& dir, const KeyValues& items)
    {
        for (const auto& [key, value] : items)
            write(dir / key, value);
    }

    void write(const fs::path& path, std::string_view bytes)
    {
        FILE* f = std::fopen(path.c_str(), "wb");
        if (!f && errno == ENOENT) {
            fs::create_directories(path.parent_path());
            f = std::fopen(path.c_str(), "wb");
        }
        if (!f)
            throw std::runtime_error("cannot create " + path.string() + ": " + std::strerror(errno));
        const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
        if (std::fclose(f) != 0 || !ok)
            throw std::runtime_error("cannot write " + path.string() + ": " + std::strerror(errno));
        ++m_totals.files;
        m_totals.bytes += static_cast<std::int64_t>(bytes.size());
    }

    fs::path m_root;
    std::string m_rootUri;
    bool m_emptyArtifactDirs = true;
    Totals m_totals;
};

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

// ---------------------------------------------------------------------------------------------------
// Benchmark stores: N runs of one shape. Metric names m0..m9 and param names p0..p9 keep filters short;
// the values still behave like training (accuracies rise, losses decay, lr comes from a grid).

constexpr std::int64_t kBenchStart = 1767571200000; // 2026-01-05T00:00:00Z
constexpr std::int64_t kDay = 86400000;

const std::vector<std::string> kAdjectives
    = {"able", "bold", "brave", "bright", "calm", "clever", "crisp", "eager", "gentle", "glad", "grand", "honest",
        "jolly", "keen", "kind", "lively", "lucky", "mellow", "merry", "nimble", "polite", "proud", "quick", "quiet",
        "rare", "shy", "silent", "smiling", "steady", "sunny", "swift", "tidy", "valiant", "warm", "wise", "witty"};
const std::vector<std::string> kNouns = {"ant", "bass", "bat", "bear", "bee", "carp", "cat", "colt", "crab", "crow",
    "deer", "doe", "dove", "eel", "elk", "finch", "fox", "frog", "gnu", "goat", "hare", "hawk", "jay", "koi", "lark",
    "lynx", "mole", "moth", "newt", "owl", "panda", "pig", "ram", "seal", "shrew", "slug", "snail", "swan", "toad",
    "trout", "wasp", "whale", "wolf", "worm", "yak"};
const std::vector<std::string> kUsers = {"alice", "bob", "carol", "dave"};

// MLflow's generated run names: adjective-noun-number.
std::string generatedRunName(Rng& rng)
{
    return rng.pick(kAdjectives) + '-' + rng.pick(kNouns) + '-' + std::to_string(rng.below(1000));
}

double round4(double v)
{
    return std::round(v * 10000.0) / 10000.0;
}

struct Shape
{
    int runs = 2000;
    int params = 10;
    int metrics = 10;
    int historyMetrics = 2;
    int steps = 1000;
    int experiments = 1;
    std::uint64_t seed = 20260105;
};

class BenchPlan
{
public:
    BenchPlan(const Shape& shape, std::vector<std::string> experimentIds)
        : m_shape(shape)
        , m_experimentIds(std::move(experimentIds))
    {
        Rng ids(shape.seed);
        for (int i = 0; i < shape.runs; ++i)
            m_runIds.push_back(ids.uuid4Hex());
    }

    std::vector<GenExperiment> experiments() const
    {
        std::vector<GenExperiment> out;
        const std::int64_t created = kBenchStart - 2 * kDay;
        out.push_back(GenExperiment {"0", "Default", created, created, {}});
        for (std::size_t k = 0; k < m_experimentIds.size(); ++k) {
            const std::int64_t t = created + 60000 * static_cast<std::int64_t>(k + 1);
            char name[32];
            std::snprintf(name, sizeof name, "sweep-%02zu", k + 1);
            out.push_back(GenExperiment {m_experimentIds[k], name, t, t, {{"team", kUsers[k % kUsers.size()]}}});
        }
        return out;
    }

    std::size_t experimentOf(int i) const
    {
        return static_cast<std::size_t>(static_cast<std::int64_t>(i) * m_shape.experiments / m_shape.runs);
    }

    GenRun run(int i) const
    {
        static const std::vector<double> lrGrid = {0.1, 0.03, 0.01, 0.003, 0.001, 0.0003, 0.0001, 3e-05, 1e-05};
        static const std::vector<std::string> p1Values = {"1", "2", "5", "10", "20", "50", "100", "200", "500", "1000"};
        static const std::vector<std::vector<std::string>> choices = {
            {"adam", "adamw", "sgd", "rmsprop"},
            {"0.0", "0.1", "0.2", "0.3", "0.5"},
            {"16", "32", "64", "128", "256"},
            {"0.0", "1e-05", "0.0001", "0.001", "0.01"},
            {"resnet18", "resnet34", "resnet50", "vit-small", "convnext-tiny"},
        };
        static const std::vector<std::string> schedulers = {"cosine", "step", "linear", "constant", "onecycle"};

        Rng rng(m_shape.seed ^ Rng::splitmix(static_cast<std::uint64_t>(i) + 1));
        GenRun r;
        r.id = m_runIds[static_cast<std::size_t>(i)];
        r.experimentId = m_experimentIds[experimentOf(i)];
        r.name = generatedRunName(rng);
        r.userId = rng.pick(kUsers);
        r.startTime = kBenchStart + 45000 * static_cast<std::int64_t>(i) + static_cast<std::int64_t>(rng.below(5000));

        const double lr = rng.pick(lrGrid);
        for (int p = 0; p < m_shape.params; ++p) {
            std::string value;
            if (p == 0)
                value = pyFloat(lr);
            else if (p == 1)
                value = rng.pick(p1Values); // '10' for about a tenth of the runs
            else if (p <= 6)
                value = rng.pick(choices[static_cast<std::size_t>(p - 2)]);
            else if (p == 7)
                value = std::to_string(rng.below(100000)); // seed
            else if (p == 8)
                value = rng.chance(0.5) ? "True" : "False";
            else if (p == 9)
                value = rng.pick(schedulers);
            else
                value = std::to_string(rng.below(1000));
            r.param("p" + std::to_string(p), value);
        }

        const int lastRunning = std::max(1, m_shape.runs / 200);
        if (i >= m_shape.runs - lastRunning) {
            r.status = kRunning;
        } else {
            const double u = rng.uniform();
            r.status = u < 0.02 ? kFailed : u < 0.03 ? kKilled : kFinished;
        }

        // Final accuracy peaks at lr = 10^-2.5 and falls off on both sides.
        const double distance = std::log10(lr) + 2.5;
        const double quality = std::clamp(0.93 - 0.12 * distance * distance + 0.03 * rng.normal(), 0.12, 0.97);
        const int steps = m_shape.steps;
        const int logged = r.status == kFinished ? steps : std::max(1, static_cast<int>(steps * rng.uniform(0.2, 0.8)));
        const std::int64_t stepMs = 800 + static_cast<std::int64_t>(rng.below(800));

        std::int64_t t = r.startTime + 5000;
        std::vector<std::int64_t> stamps;
        stamps.reserve(static_cast<std::size_t>(logged));
        for (int s = 0; s < logged; ++s) {
            t += stepMs + static_cast<std::int64_t>(rng.below(40));
            stamps.push_back(t);
        }
        const int history = std::min(m_shape.historyMetrics, m_shape.metrics);
        for (int j = 0; j < history; ++j) {
            GenMetric m {"m" + std::to_string(j), {}};
            m.points.reserve(stamps.size());
            const double tau = steps / (4.0 + j);
            const double lossEnd = 0.05 + 1.6 * (1.0 - quality);
            for (int s = 0; s < logged; ++s) {
                double v;
                if (j % 2 == 0) {
                    v = 0.1 + (quality - 0.1) * (1.0 - std::exp(-s / tau)) + 0.01 * rng.normal();
                    v = round4(std::clamp(v, 0.0, 1.0));
                } else {
                    v = lossEnd + (2.3 - lossEnd) * std::exp(-s / tau);
                    v = std::max(0.001, v * (1.0 + 0.03 * rng.normal()));
                }
                m.points.push_back(Point {stamps[static_cast<std::size_t>(s)] + j, v, s});
            }
            r.metrics.push_back(std::move(m));
        }
        const std::int64_t lastStamp = stamps.back() + 2 + history;
        if (r.status != kRunning)
            r.endTime = lastStamp + 1000 + static_cast<std::int64_t>(rng.below(3000));
        // Summary metrics are logged once at the end (step 0), so unfinished runs lack them.
        if (r.status == kFinished) {
            for (int j = history; j < m_shape.metrics; ++j) {
                const double v = j % 2 == 0
                    ? round4(std::clamp(quality + 0.02 * rng.normal(), 0.0, 1.0))
                    : std::max(0.001, (0.05 + 1.6 * (1.0 - quality)) * (1.0 + 0.05 * rng.normal()));
                r.metrics.push_back(GenMetric {"m" + std::to_string(j), {Point {lastStamp + 10 + j, v, 0}}});
            }
        }

        r.tag("mlflow.runName", r.name);
        r.tag("mlflow.user", r.userId);
        r.tag("mlflow.source.name", "/home/" + r.userId + "/projects/sweep/train.py");
        r.tag("mlflow.source.type", "LOCAL");
        // Every 50th run is a sweep parent with five nested children right after it.
        const int parent = i - i % 50;
        if (i % 50 >= 1 && i % 50 <= 5 && experimentOf(parent) == experimentOf(i))
            r.tag("mlflow.parentRunId", m_runIds[static_cast<std::size_t>(parent)]);
        return r;
    }

private:
    Shape m_shape;
    std::vector<std::string> m_experimentIds;
    std::vector<std::string> m_runIds;
};

// ---------------------------------------------------------------------------------------------------
// The demo store: a few small, plausible projects a new user can click through.

constexpr std::int64_t kDemoStart = 1767603600000; // 2026-01-05T09:00:00Z
constexpr const char* kDemoRootUri = "file:///usr/share/runlens/demo/mlruns";

std::string jsonQuote(std::string_view s)
{
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    return out + '"';
}

// Looks like a number to JSON (so config.json holds numbers where a script would have had them).
bool jsonNumber(std::string_view s)
{
    if (s.empty())
        return false;
    double v = 0;
    const auto res = std::from_chars(s.data(), s.data() + s.size(), v);
    return res.ec == std::errc() && res.ptr == s.data() + s.size() && s != "nan" && s != "inf";
}

std::string configJson(const KeyValues& params)
{
    std::string out = "{\n";
    for (std::size_t i = 0; i < params.size(); ++i) {
        const auto& [key, value] = params[i];
        std::string rendered = jsonNumber(value) ? value : jsonQuote(value);
        if (value == "True" || value == "False")
            rendered = value == "True" ? "true" : "false";
        out += "  " + jsonQuote(key) + ": " + rendered + (i + 1 < params.size() ? ",\n" : "\n");
    }
    return out + "}";
}

std::string utcText(std::int64_t ms, bool withMicros)
{
    const std::time_t secs = static_cast<std::time_t>(ms / 1000);
    std::tm tm {};
    gmtime_r(&secs, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    std::string out = buf;
    if (withMicros) {
        char micros[16];
        std::snprintf(
            micros, sizeof micros, ".%03d%03d", static_cast<int>(ms % 1000), static_cast<int>((ms * 7) % 1000));
        out += micros;
    }
    return out;
}

struct Flavor
{
    std::string loaderModule; // e.g. mlflow.pytorch
    std::string block; // the flavor's own MLmodel section
    std::string requirements;
};

Flavor pytorchFlavor()
{
    return Flavor {"mlflow.pytorch", "  pytorch:\n    code: null\n    model_data: data\n    pytorch_version: 2.5.1\n",
        "mlflow==2.22.0\ncloudpickle==3.1.0\ntorch==2.5.1\ntorchvision==0.20.1\n"};
}

Flavor transformersFlavor()
{
    return Flavor {"mlflow.pytorch", "  pytorch:\n    code: null\n    model_data: data\n    pytorch_version: 2.5.1\n",
        "mlflow==2.22.0\ncloudpickle==3.1.0\ntorch==2.5.1\ntransformers==4.46.3\ntokenizers==0.20.3\n"};
}

Flavor xgboostFlavor()
{
    return Flavor {"mlflow.xgboost",
        "  xgboost:\n    code: null\n    data: model.xgb\n    model_class: xgboost.sklearn.XGBRegressor\n"
        "    model_format: xgb\n    xgb_version: 2.1.3\n",
        "mlflow==2.22.0\nxgboost==2.1.3\nscikit-learn==1.5.2\n"};
}

// Adds what mlflow.<flavor>.log_model(model, "model") leaves behind: the model folder and the history tag.
void logModel(GenRun& r, Rng& rng, const Flavor& flavor, std::int64_t sizeBytes)
{
    const std::string modelUuid = rng.uuid4Hex();
    const std::int64_t created = r.endTime.value_or(r.startTime) - 4000;
    const std::string when = utcText(created, true);
    std::string flavors = "  python_function:\n";
    if (flavor.loaderModule == "mlflow.pytorch")
        flavors += "    data: data\n";
    else
        flavors += "    data: model.xgb\n";
    flavors += "    env:\n      conda: conda.yaml\n      virtualenv: python_env.yaml\n";
    flavors += "    loader_module: " + flavor.loaderModule + "\n";
    if (flavor.loaderModule == "mlflow.pytorch")
        flavors += "    pickle_module_name: mlflow.pytorch.pickle_module\n";
    flavors += "    python_version: 3.11.7\n" + flavor.block;
    const std::string mlmodel = "artifact_path: model\nflavors:\n" + flavors
        + "mlflow_version: 2.22.0\nmodel_size_bytes: " + std::to_string(sizeBytes) + "\nmodel_uuid: " + modelUuid
        + "\nrun_id: " + r.id + "\nutc_time_created: '" + when + "'\n";
    r.artifacts.emplace_back("model/MLmodel", mlmodel);
    r.artifacts.emplace_back("model/requirements.txt", flavor.requirements);
    r.artifacts.emplace_back("model/python_env.yaml",
        "python: 3.11.7\nbuild_dependencies:\n- pip==24.3.1\n- setuptools==75.6.0\n- wheel==0.45.1\n"
        "dependencies:\n- -r requirements.txt\n");
    std::string conda = "channels:\n- conda-forge\ndependencies:\n- python=3.11.7\n- pip<=24.3.1\n- pip:\n";
    std::size_t begin = 0;
    const std::string& req = flavor.requirements;
    while (begin < req.size()) {
        const auto end = req.find('\n', begin);
        conda += "  - " + req.substr(begin, end - begin) + '\n';
        begin = end + 1;
    }
    r.artifacts.emplace_back("model/conda.yaml", conda + "name: mlflow-env\n");

    const std::string flavorName = flavor.loaderModule.substr(flavor.loaderModule.find('.') + 1);
    r.tag("mlflow.log-model.history",
        "[{\"run_id\": \"" + r.id + "\", \"artifact_path\": \"model\", \"utc_time_created\": \"" + when
            + "\", \"flavors\": {\"python_function\": {\"loader_module\": \"" + flavor.loaderModule
            + "\", \"python_version\": \"3.11.7\", \"env\": {\"conda\": \"conda.yaml\", \"virtualenv\": "
              "\"python_env.yaml\"}}, \""
            + flavorName + "\": {\"code\": null}}, \"model_uuid\": \"" + modelUuid
            + "\", \"mlflow_version\": \"2.22.0\", \"model_size_bytes\": " + std::to_string(sizeBytes) + "}]");
}

// How one supervised training run behaves over time.
struct Curve
{
    int points = 100; // logged points when the run finishes
    int stepStride = 1; // step value between points (epochs: 1; optimizer steps: the logging interval)
    int valEvery = 1; // validation metrics every this many points
    std::int64_t msPerPoint = 30000;
    double quality = 0.9; // final validation accuracy
    double chance = 0.1; // accuracy before training: 1 / number of classes
    double lossStart = 2.3;
    double lossEnd = 0.2; // final training loss
    double overfit = 0.0; // how far validation loss climbs back late in training
    double lr = 0.01;
    enum class Schedule
    {
        Cosine,
        WarmupLinear,
        Constant
    } schedule
        = Schedule::Cosine;
    bool trainAccuracy = false;
    bool f1 = false;
    bool lrMetric = true;
    std::optional<int> divergeAt; // point at which training loss becomes NaN
    int stopAt = -1; // unfinished runs stop logging here
};

// Fills r.metrics and returns the time of the last logged point.
std::int64_t trainingMetrics(GenRun& r, const Curve& c, Rng& rng)
{
    GenMetric trainLoss {"train/loss", {}}, trainAcc {"train/accuracy", {}}, valLoss {"val/loss", {}},
        valAcc {"val/accuracy", {}}, valF1 {"val/f1", {}}, lr {"lr", {}};
    const int n = c.stopAt >= 0 ? c.stopAt : c.points;
    const double tau = c.points / 5.0;
    std::int64_t t = r.startTime + 20000 + static_cast<std::int64_t>(rng.below(10000));
    for (int k = 0; k < n; ++k) {
        t += c.msPerPoint + static_cast<std::int64_t>(rng.below(static_cast<std::size_t>(c.msPerPoint / 20 + 1)));
        const std::int64_t step = static_cast<std::int64_t>(k) * c.stepStride;
        const double progress = static_cast<double>(k) / c.points;
        double loss = c.lossEnd + (c.lossStart - c.lossEnd) * std::exp(-k / tau);
        loss *= 1.0 + 0.04 * rng.normal();
        if (c.divergeAt && k >= *c.divergeAt - 8)
            loss *= std::exp(0.9 * (k - (*c.divergeAt - 8)));
        if (c.divergeAt && k >= *c.divergeAt)
            loss = std::numeric_limits<double>::quiet_NaN();
        trainLoss.points.push_back(Point {t, loss, step});
        if (c.trainAccuracy) {
            const double top = std::min(0.999, c.quality + 0.05 * progress);
            const double acc = c.chance + (top - c.chance) * (1.0 - std::exp(-k / (tau * 0.8)));
            trainAcc.points.push_back(Point {t, round4(std::clamp(acc + 0.006 * rng.normal(), 0.0, 1.0)), step});
        }
        if (c.lrMetric) {
            double rate = c.lr;
            if (c.schedule == Curve::Schedule::Cosine)
                rate = 0.5 * c.lr * (1.0 + std::cos(std::numbers::pi * progress));
            else if (c.schedule == Curve::Schedule::WarmupLinear)
                rate = progress < 0.06 ? c.lr * progress / 0.06 : c.lr * (1.0 - progress) / 0.94;
            lr.points.push_back(Point {t, rate, step});
        }
        if (k % c.valEvery == c.valEvery - 1 || k + 1 == c.points) {
            const std::int64_t tv = t + 1500 + static_cast<std::int64_t>(rng.below(500));
            const double late = std::max(0.0, progress - 0.55);
            double vloss = (c.lossEnd * 1.25 + 0.08) + (c.lossStart - c.lossEnd) * std::exp(-k / tau)
                + c.overfit * late * late * 4.0;
            vloss *= 1.0 + 0.03 * rng.normal();
            double vacc
                = c.chance + (c.quality - c.chance) * (1.0 - std::exp(-k / (tau * 0.9))) - c.overfit * late * 0.05;
            vacc = round4(std::clamp(vacc + 0.004 * rng.normal(), 0.0, 1.0));
            if (c.divergeAt && k >= *c.divergeAt - 4) {
                vloss = std::numeric_limits<double>::quiet_NaN();
                vacc = c.chance;
            }
            valLoss.points.push_back(Point {tv, vloss, step});
            valAcc.points.push_back(Point {tv + 1, vacc, step});
            if (c.f1)
                valF1.points.push_back(
                    Point {tv + 2, round4(std::clamp(vacc - 0.004 + 0.003 * rng.normal(), 0.0, 1.0)), step});
            t = tv;
        }
        if (c.divergeAt && k >= *c.divergeAt)
            break;
    }
    for (GenMetric* m : {&trainLoss, &trainAcc, &valLoss, &valAcc, &valF1, &lr}) {
        if (!m->points.empty())
            r.metrics.push_back(std::move(*m));
    }
    return t;
}

class DemoBuilder
{
public:
    explicit DemoBuilder(MlrunsWriter& writer)
        : m_writer(writer)
        , m_rng(20260105)
        , m_ids(0x52554E4C454E53ull) // separate stream: adding a run does not reshuffle every id
    { }

    void build()
    {
        defaultExperiment();
        cifar();
        sentiment();
        mnist();
        housing();
        registry();
    }

private:
    GenExperiment experiment(const std::string& id, const std::string& name, std::int64_t created, KeyValues tags)
    {
        GenExperiment e {id, name, created, created, std::move(tags)};
        m_writer.experiment(e);
        return e;
    }

    GenRun newRun(const GenExperiment& e, const std::string& name, const std::string& user, std::int64_t start,
        const std::string& script)
    {
        GenRun r;
        r.id = m_ids.uuid4Hex();
        r.name = name;
        r.experimentId = e.id;
        r.userId = user;
        r.startTime = start;
        r.tag("mlflow.runName", name);
        r.tag("mlflow.user", user);
        r.tag("mlflow.source.name", "/home/" + user + "/projects/" + script);
        r.tag("mlflow.source.type", "LOCAL");
        r.tag("mlflow.source.git.commit", m_commit);
        return r;
    }

    // Finishes a run whose metrics are in place: status, end time, config artifact, then writes it.
    void finish(GenRun& r, std::int64_t lastPoint, int status)
    {
        r.status = status;
        if (status != kRunning)
            r.endTime = lastPoint + 3000 + static_cast<std::int64_t>(m_rng.below(4000));
        r.artifacts.emplace(r.artifacts.begin(), "config.json", configJson(r.params) + "\n");
        m_writer.run(r);
        m_runs[r.name] = r;
    }

    void defaultExperiment()
    {
        m_commit = "3f9c2d41b7e85a06c1d2e3f4a5b6c7d8e9f0a1b2";
        const GenExperiment e = experiment("0", "Default", kDemoStart - 3 * kDay, {});
        {
            GenRun r = newRun(e, "smoke-test", "alice", kDemoStart - 3 * kDay + 3600000, "scratch/smoke.py");
            r.param("epochs", "3");
            r.param("lr", "0.01");
            Curve c;
            c.points = 3;
            c.msPerPoint = 4000;
            c.quality = 0.71;
            c.lossEnd = 0.9;
            c.lrMetric = false;
            finish(r, trainingMetrics(r, c, m_rng), kFinished);
        }
        {
            GenRun r = newRun(e, "debug-dataloader", "bob", kDemoStart - 2 * kDay + 7200000, "scratch/smoke.py");
            r.param("epochs", "50");
            r.param("lr", "0.01");
            r.param("num_workers", "8");
            Curve c;
            c.points = 50;
            c.stopAt = 6;
            c.msPerPoint = 9000;
            c.quality = 0.8;
            c.lossEnd = 0.5;
            c.lrMetric = false;
            r.tag("mlflow.note.content", "Stopped by hand: the dataloader workers were deadlocking on `/dev/shm`.");
            finish(r, trainingMetrics(r, c, m_rng), kKilled);
        }
    }

    Curve cifarCurve(double lr, const std::string& optimizer, const std::string& model, int epochs, int batch)
    {
        Curve c;
        c.points = epochs;
        c.trainAccuracy = true;
        c.msPerPoint = (model == "resnet50" ? 52000 : model == "resnet34" ? 34000 : 21000) * 128 / batch / 2 + 9000;
        c.lr = lr;
        // SGD wants a large lr; Adam-family optimizers want a small one (0.1 makes them diverge).
        const double best = optimizer == "sgd" ? -1.1 : -3.0;
        const double d = std::log10(lr) - best;
        double q = (model == "resnet50" ? 0.951 : model == "resnet34" ? 0.944 : 0.932) - 0.045 * d * d;
        q += (batch == 128 ? 0.003 : 0.0) + (epochs > 100 ? 0.008 : 0.0) + 0.003 * m_rng.normal();
        c.quality = std::clamp(q, 0.35, 0.97);
        c.lossEnd = std::max(0.004, 0.9 * (1.0 - c.quality) - 0.02);
        c.overfit = optimizer == "sgd" ? 0.05 : 0.25;
        return c;
    }

    void cifar()
    {
        m_commit = "a41e9b7c0d2f4e6a8b1c3d5e7f9a0b2c4d6e8f10";
        std::int64_t t = kDemoStart;
        const GenExperiment e = experiment(m_rng.experimentId(), "cifar10-resnet sweep", t - 1800000,
            {{"mlflow.note.content",
                 "ResNet on CIFAR-10: two baselines, then a learning-rate x batch-size x optimizer grid under one "
                 "parent run, then a long run with the best setting."},
                {"team", "vision"}, {"dataset", "cifar10"}});
        const auto addParams = [](GenRun& r, const std::string& model, const std::string& lr, int batch,
                                   const std::string& opt, const std::string& dropout, int epochs) {
            r.param("model", model);
            r.param("lr", lr);
            r.param("batch_size", std::to_string(batch));
            r.param("optimizer", opt);
            r.param("dropout", dropout);
            r.param("epochs", std::to_string(epochs));
            r.param("weight_decay", "0.0005");
            r.param("momentum", opt == "sgd" ? "0.9" : "0.0");
            r.param("augmentation", "crop+flip");
        };
        const auto cifarInputs = [](GenRun& r) {
            const std::string schema
                = "{\"mlflow_tensorspec\": {\"features\": \"[{\\\"type\\\": \\\"tensor\\\", "
                  "\\\"tensor-spec\\\": {\\\"dtype\\\": \\\"uint8\\\", \\\"shape\\\": [-1, 32, 32, "
                  "3]}}]\", \"targets\": null}}";
            r.inputs.push_back(
                GenInput {GenDataset {"cifar10-train", "6a1f4c2e", "local", "{\"uri\": \"/data/cifar10/train\"}",
                              schema, "{\"features_shape\": [50000, 32, 32, 3], \"features_size\": 153600000}"},
                    {{"mlflow.data.context", "training"}}});
            r.inputs.push_back(
                GenInput {GenDataset {"cifar10-test", "0d93b7aa", "local", "{\"uri\": \"/data/cifar10/test\"}", schema,
                              "{\"features_shape\": [10000, 32, 32, 3], \"features_size\": 30720000}"},
                    {{"mlflow.data.context", "eval"}}});
        };
        const auto report = [this](GenRun& r, double quality) {
            static const std::vector<std::string> classes
                = {"airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"};
            static const std::vector<double> difficulty
                = {0.0, -0.02, 0.04, 0.09, 0.03, 0.07, 0.0, 0.01, -0.015, -0.02};
            std::string text = "              precision    recall  f1-score   support\n\n";
            for (std::size_t i = 0; i < classes.size(); ++i) {
                const double p = std::clamp(quality - difficulty[i] + 0.008 * m_rng.normal(), 0.0, 1.0);
                const double rc = std::clamp(quality - difficulty[i] + 0.008 * m_rng.normal(), 0.0, 1.0);
                char line[96];
                std::snprintf(line, sizeof line, "%12s       %.2f      %.2f      %.2f      1000\n", classes[i].c_str(),
                    p, rc, 2 * p * rc / std::max(p + rc, 1e-9));
                text += line;
            }
            char tail[200];
            std::snprintf(tail, sizeof tail,
                "\n    accuracy                           %.2f     10000\n   macro avg       %.2f      %.2f      %.2f  "
                "   "
                "10000\nweighted avg       %.2f      %.2f      %.2f     10000\n",
                quality, quality, quality, quality, quality, quality, quality);
            r.artifacts.emplace_back("eval/classification_report.txt", text + tail);
        };

        // Baselines.
        for (const auto& [model, user] :
            {std::pair<std::string, std::string> {"resnet18", "alice"}, {"resnet50", "alice"}}) {
            GenRun r = newRun(e, model + "-baseline", user, t, "cifar10/train.py");
            addParams(r, model, "0.1", 128, "sgd", "0.0", 100);
            Curve c = cifarCurve(0.1, "sgd", model, 100, 128);
            cifarInputs(r);
            const std::int64_t last = trainingMetrics(r, c, m_rng);
            r.endTime = last + 3000;
            report(r, c.quality);
            logModel(r, m_rng, pytorchFlavor(), model == "resnet50" ? 94'371'840 : 44'784'128);
            m_quality[r.name] = c.quality;
            finish(r, last, kFinished);
            t += 900000;
        }
        // A run deleted from the UI after a preprocessing bug; kept so "show deleted" has something to show.
        {
            GenRun r = newRun(e, "resnet18-wrong-normalization", "bob", t, "cifar10/train.py");
            addParams(r, "resnet18", "0.1", 128, "sgd", "0.0", 100);
            Curve c = cifarCurve(0.1, "sgd", "resnet18", 100, 128);
            c.quality = 0.61;
            c.lossEnd = 0.95;
            c.stopAt = 37;
            const std::int64_t last = trainingMetrics(r, c, m_rng);
            r.deletedTime = last + 3600000;
            r.tag("mlflow.note.content", "Inputs were normalised with ImageNet statistics; rerun.");
            finish(r, last, kKilled);
            t += 600000;
        }
        // The grid, nested under one parent run.
        GenRun parent = newRun(e, "lr-bs-opt-grid", "alice", t, "cifar10/sweep.py");
        parent.param("search", "grid");
        parent.param("n_trials", "18");
        parent.param("model", "resnet34");
        parent.tag("mlflow.note.content",
            "Grid over **lr** {0.1, 0.05, 0.01} x **batch_size** {64, 128} x **optimizer** {sgd, adam, adamw}, "
            "100 epochs each, two trials at a time.");
        t += 60000;
        int trial = 0;
        double bestQuality = 0;
        std::string bestTrial;
        std::int64_t sweepEnd = t;
        for (const std::string lr : {"0.1", "0.05", "0.01"}) {
            for (const int batch : {64, 128}) {
                for (const std::string opt : {"sgd", "adam", "adamw"}) {
                    char name[32];
                    std::snprintf(name, sizeof name, "trial-%02d", trial);
                    const std::int64_t start = t + (trial / 2) * 3'600'000 + (trial % 2) * 45000;
                    GenRun r = newRun(e, name, "alice", start, "cifar10/sweep.py");
                    addParams(r, "resnet34", lr, batch, opt, "0.0", 100);
                    r.tag("mlflow.parentRunId", parent.id);
                    r.tag("trial_index", std::to_string(trial));
                    Curve c = cifarCurve(std::stod(lr), opt, "resnet34", 100, batch);
                    int status = kFinished;
                    if (opt == "adam" && lr == "0.1" && batch == 64) {
                        c.divergeAt = 14; // blows up: Adam at lr 0.1
                        status = kFailed;
                        r.artifacts.emplace_back("logs/stderr.txt",
                            "Traceback (most recent call last):\n  File \"/home/alice/projects/cifar10/sweep.py\", "
                            "line "
                            "88, in train_epoch\n    raise FloatingPointError(f\"loss is {loss.item()} at epoch "
                            "{epoch}\")\nFloatingPointError: loss is nan at epoch 14\n");
                    }
                    cifarInputs(r);
                    const std::int64_t last = trainingMetrics(r, c, m_rng);
                    if (status == kFinished) {
                        m_quality[r.name] = c.quality;
                        if (c.quality > bestQuality) {
                            bestQuality = c.quality;
                            bestTrial = r.name;
                        }
                        if (c.quality > 0.93) {
                            r.endTime = last + 3000;
                            logModel(r, m_rng, pytorchFlavor(), 85'262'336);
                        }
                    }
                    finish(r, last, status);
                    sweepEnd = std::max(sweepEnd, *m_runs[r.name].endTime);
                    ++trial;
                }
            }
        }
        parent.tag("best_trial", bestTrial);
        parent.metrics.push_back(GenMetric {"best_val_accuracy", {Point {sweepEnd + 2000, bestQuality, 0}}});
        parent.metrics.push_back(GenMetric {"n_failed_trials", {Point {sweepEnd + 2001, 1.0, 0}}});
        finish(parent, sweepEnd + 2000, kFinished);
        t = sweepEnd + 1'200'000;
        // The long run with the best setting.
        {
            GenRun r = newRun(e, "resnet34-long", "alice", t, "cifar10/train.py");
            addParams(r, "resnet34", "0.05", 128, "sgd", "0.0", 200);
            r.tag("mlflow.note.content", "Best grid setting, twice the epochs. Candidate for production.");
            Curve c = cifarCurve(0.05, "sgd", "resnet34", 200, 128);
            cifarInputs(r);
            const std::int64_t last = trainingMetrics(r, c, m_rng);
            r.endTime = last + 3000;
            report(r, c.quality);
            logModel(r, m_rng, pytorchFlavor(), 85'262'336);
            m_quality[r.name] = c.quality;
            finish(r, last, kFinished);
        }
    }

    void sentiment()
    {
        m_commit = "c7d8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f90";
        std::int64_t t = kDemoStart + kDay;
        const GenExperiment e = experiment(m_rng.experimentId(), "sentiment-bert", t - 3600000,
            {{"mlflow.note.content",
                 "Fine-tuning encoder models on SST-2 (binary sentiment). Metrics on the GLUE validation split."},
                {"team", "nlp"}, {"dataset", "sst2"}});
        const std::string schema = "{\"mlflow_colspec\": [{\"type\": \"string\", \"name\": \"sentence\", \"required\": "
                                   "true}, {\"type\": \"long\", \"name\": \"label\", \"required\": true}]}";
        const GenDataset train {"sst2-train", "2b7f90c1", "huggingface",
            "{\"path\": \"glue\", \"config_name\": \"sst2\", \"split\": \"train\"}", schema,
            "{\"num_rows\": 67349, \"num_elements\": 134698}"};
        const GenDataset validation {"sst2-validation", "9e04d5a3", "huggingface",
            "{\"path\": \"glue\", \"config_name\": \"sst2\", \"split\": \"validation\"}", schema,
            "{\"num_rows\": 872, \"num_elements\": 1744}"};

        struct Plan
        {
            std::string model;
            std::string lr;
            int batch;
            std::string dropout;
            int status;
        };
        std::vector<Plan> plans;
        for (const std::string lr : {"2e-05", "3e-05", "5e-05"}) {
            for (const int batch : {16, 32})
                plans.push_back({"bert-base-uncased", lr, batch, "0.1", kFinished});
        }
        plans.push_back({"bert-base-uncased", "3e-05", 16, "0.2", kFinished});
        plans.push_back({"bert-base-uncased", "3e-05", 32, "0.2", kFinished});
        plans.push_back({"bert-base-uncased", "0.0001", 32, "0.1", kKilled});
        for (const std::string lr : {"3e-05", "5e-05", "0.0001"})
            plans.push_back({"distilbert-base-uncased", lr, 32, "0.1", kFinished});
        plans.push_back({"roberta-base", "1e-05", 32, "0.1", kFinished});
        plans.push_back({"roberta-base", "2e-05", 32, "0.1", kFinished});
        plans.push_back({"roberta-base", "3e-05", 32, "0.1", kRunning});

        for (const Plan& p : plans) {
            const std::string shortName = p.model.substr(0, p.model.find('-'));
            const std::string name = shortName + "-lr" + p.lr + "-bs" + std::to_string(p.batch)
                + (p.dropout == "0.1" ? "" : "-do" + p.dropout.substr(2));
            const std::string user = shortName == "roberta" ? "carol" : "bob";
            GenRun r = newRun(e, name, user, t, "sst2/finetune.py");
            r.param("model_name", p.model);
            r.param("lr", p.lr);
            r.param("batch_size", std::to_string(p.batch));
            r.param("optimizer", "adamw");
            r.param("dropout", p.dropout);
            r.param("epochs", "3");
            r.param("warmup_ratio", "0.06");
            r.param("max_seq_length", "128");
            r.param("fp16", "True");
            r.inputs.push_back(GenInput {train, {{"mlflow.data.context", "training"}}});
            r.inputs.push_back(GenInput {validation, {{"mlflow.data.context", "eval"}}});

            const double lr = std::stod(p.lr);
            const double base = shortName == "roberta" ? 0.948 : shortName == "distilbert" ? 0.911 : 0.928;
            const double d = std::log10(lr) - std::log10(shortName == "distilbert" ? 5e-05 : 2.5e-05);
            Curve c;
            c.points = 252;
            c.stepStride = 16 * 50 / p.batch; // about 12,600 optimizer steps at bs 16, logged every 50
            c.valEvery = 21;
            c.msPerPoint = shortName == "distilbert" ? 9000 : 16000;
            c.quality = std::clamp(
                base - 0.09 * d * d + (p.dropout == "0.2" ? -0.003 : 0.0) + 0.002 * m_rng.normal(), 0.5, 0.97);
            c.lossStart = 0.70;
            c.chance = 0.5;
            c.lossEnd = std::max(0.02, 0.55 * (1.0 - c.quality) + 0.01);
            c.overfit = lr > 4e-05 ? 0.08 : 0.02;
            c.lr = lr;
            c.schedule = Curve::Schedule::WarmupLinear;
            c.f1 = true;
            if (p.status == kKilled)
                c.stopAt = 61;
            if (p.status == kRunning)
                c.stopAt = 140;
            const std::int64_t last = trainingMetrics(r, c, m_rng);
            if (p.status == kKilled)
                r.tag("mlflow.note.content", "Killed: loss plateaued at 0.69 (chance level) for 3k steps.");
            if (p.status == kFinished) {
                m_quality[r.name] = c.quality;
                r.endTime = last + 3000;
                if (c.quality > base - 0.012) {
                    logModel(r, m_rng, transformersFlavor(), shortName == "distilbert" ? 267'832'560 : 438'000'000);
                    r.artifacts.emplace_back("eval/misclassified.jsonl",
                        "{\"sentence\": \"it 's not a bad film , just not a particularly good one .\", \"label\": 0, "
                        "\"predicted\": 1}\n{\"sentence\": \"an ambitious , guilty-pleasure , daytime-drama-style "
                        "piece of filmmaking .\", \"label\": 1, \"predicted\": 0}\n{\"sentence\": \"the movie is "
                        "so thoroughly awful it becomes a kind of glorious mess .\", \"label\": 1, \"predicted\": "
                        "0}\n");
                }
            }
            finish(r, last, p.status);
            t += static_cast<std::int64_t>(c.msPerPoint) * 260 + 600000;
        }
    }

    void mnist()
    {
        m_commit = "e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4";
        std::int64_t t = kDemoStart + 3 * kDay;
        const GenExperiment e = experiment(m_rng.experimentId(), "mnist-mlp baseline", t - 600000,
            {{"mlflow.note.content", "Two-layer MLP on MNIST. Reference numbers for the tutorial."}});
        for (const int hidden : {128, 256, 512}) {
            for (const std::string dropout : {"0.0", "0.2"}) {
                for (const std::string opt : {"sgd", "adam"}) {
                    const std::string name
                        = "mlp" + std::to_string(hidden) + '-' + opt + (dropout == "0.0" ? "" : "-dropout");
                    GenRun r = newRun(e, name, "dave", t, "mnist/mlp.py");
                    r.param("hidden_units", std::to_string(hidden));
                    r.param("dropout", dropout);
                    r.param("optimizer", opt);
                    r.param("lr", opt == "sgd" ? "0.1" : "0.001");
                    r.param("batch_size", "64");
                    r.param("epochs", "10");
                    Curve c;
                    c.points = 100;
                    c.stepStride = 100;
                    c.valEvery = 10;
                    c.msPerPoint = 1800;
                    c.quality = std::clamp(0.962 + 0.006 * std::log2(hidden / 128.0) + (opt == "adam" ? 0.007 : 0.0)
                            + (dropout == "0.2" ? 0.003 : 0.0) + 0.002 * m_rng.normal(),
                        0.5, 0.99);
                    c.lossEnd = 0.03;
                    c.overfit = dropout == "0.0" ? 0.12 : 0.03;
                    c.lr = opt == "sgd" ? 0.1 : 0.001;
                    c.schedule = Curve::Schedule::Constant;
                    c.lrMetric = false;
                    const std::int64_t last = trainingMetrics(r, c, m_rng);
                    m_quality[r.name] = c.quality;
                    finish(r, last, kFinished);
                    t += 200000;
                }
            }
        }
    }

    void housing()
    {
        m_commit = "5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b";
        std::int64_t t = kDemoStart + 4 * kDay;
        const GenExperiment e = experiment(m_rng.experimentId(), "housing-xgboost", t - 600000,
            {{"mlflow.note.content", "Gradient-boosted trees on California housing (median value, $100k units)."},
                {"team", "tabular"}});
        for (const int depth : {4, 6, 8, 10}) {
            for (const std::string eta : {"0.1", "0.05"}) {
                GenRun r = newRun(e, "xgb-d" + std::to_string(depth) + "-eta" + eta, "carol", t, "housing/xgb.py");
                r.param("max_depth", std::to_string(depth));
                r.param("eta", eta);
                r.param("n_estimators", "200");
                r.param("subsample", "0.8");
                r.param("colsample_bytree", "0.8");
                r.param("objective", "reg:squarederror");
                const double floor = 0.43 + 0.012 * std::abs(depth - 7) + (eta == "0.05" ? 0.004 : 0.0);
                const double rate = eta == "0.1" ? 0.035 : 0.018;
                GenMetric history {"validation_0-rmse", {}};
                std::int64_t ts = t + 4000;
                double rmse = 0;
                for (int round = 0; round < 200; ++round) {
                    ts += 180 + static_cast<std::int64_t>(m_rng.below(40));
                    rmse = floor + (1.95 - floor) * std::exp(-rate * round) + 0.0008 * m_rng.normal();
                    if (depth >= 10)
                        rmse += 0.00012 * std::max(0, round - 120); // deep trees start to overfit
                    history.points.push_back(Point {ts, std::round(rmse * 1e5) / 1e5, round});
                }
                r.metrics.push_back(std::move(history));
                const double mae = rmse * 0.66;
                const double r2 = 1.0 - (rmse * rmse) / 1.3316;
                r.metrics.push_back(GenMetric {"rmse", {Point {ts + 300, rmse, 0}}});
                r.metrics.push_back(GenMetric {"mae", {Point {ts + 301, mae, 0}}});
                r.metrics.push_back(GenMetric {"r2", {Point {ts + 302, r2, 0}}});
                std::string importance = "feature,importance\n";
                const std::vector<std::pair<std::string, double>> features
                    = {{"MedInc", 0.48}, {"AveOccup", 0.14}, {"Latitude", 0.11}, {"Longitude", 0.1}, {"HouseAge", 0.07},
                        {"AveRooms", 0.05}, {"Population", 0.03}, {"AveBedrms", 0.02}};
                for (const auto& [feature, weight] : features)
                    importance += feature + ',' + pyFloat(round4(weight * (1.0 + 0.1 * m_rng.normal()))) + '\n';
                r.artifacts.emplace_back("feature_importance.csv", importance);
                r.endTime = ts + 2000;
                if (depth == 8 && eta == "0.05")
                    logModel(r, m_rng, xgboostFlavor(), 3'145'728);
                finish(r, ts, kFinished);
                t += 120000;
            }
        }
    }

    GenVersion version(const std::string& runName, std::int64_t number, const std::string& stage, std::int64_t created,
        std::int64_t updated, std::optional<std::string> description, KeyValues tags = {})
    {
        const GenRun& r = m_runs.at(runName);
        return GenVersion {
            number, stage, r.id, r.experimentId, created, updated, std::move(description), std::move(tags)};
    }

    // Best finished run among those whose name starts with prefix.
    std::string best(const std::string& prefix) const
    {
        std::string name;
        double q = -1;
        for (const auto& [runName, quality] : m_quality) {
            if (runName.starts_with(prefix) && quality > q && m_runs.at(runName).hasTag("mlflow.log-model.history")) {
                q = quality;
                name = runName;
            }
        }
        return name;
    }

    void registry()
    {
        const std::int64_t t = kDemoStart + 5 * kDay;
        GenModel cifar {"cifar10-resnet", std::string("ResNet image classifier for CIFAR-10 (32x32 RGB, 10 classes)."),
            t, t + 5 * 3600000, {{"task", "image-classification"}, {"team", "vision"}}, {}, {}};
        cifar.versions.push_back(version("resnet18-baseline", 1, "Archived", t, t + 4 * 3600000,
            std::string("First baseline, superseded by resnet34-long.")));
        cifar.versions.push_back(version("resnet34-long", 2, "Production", t + 3600000, t + 4 * 3600000,
            std::string("Best grid setting trained for 200 epochs."), {{"validation_status", "approved"}}));
        cifar.versions.push_back(version(best("trial-"), 3, "Staging", t + 2 * 3600000, t + 5 * 3600000,
            std::string("Best trial of the grid, 100 epochs."), {{"validation_status", "pending"}}));
        cifar.versions.push_back(
            version("resnet50-baseline", 4, "None", t + 3 * 3600000, t + 3 * 3600000, std::nullopt));
        cifar.aliases = {{"challenger", 3}, {"champion", 2}};
        m_writer.registeredModel(cifar);

        const std::int64_t s = t + kDay;
        GenModel bert {"sentiment-bert", std::string("Binary sentiment classifier fine-tuned on SST-2."), s,
            s + 3 * 3600000, {{"task", "text-classification"}, {"team", "nlp"}}, {}, {}};
        bert.versions.push_back(version(best("distilbert-"), 1, "Archived", s, s + 2 * 3600000,
            std::string("Small and fast; kept for the CPU endpoint experiments.")));
        bert.versions.push_back(version(best("bert-"), 2, "Production", s + 1800000, s + 2 * 3600000,
            std::string("bert-base, best validation accuracy of the sweep."), {{"validation_status", "approved"}}));
        bert.versions.push_back(
            version(best("roberta-"), 3, "Staging", s + 3 * 3600000, s + 3 * 3600000, std::nullopt));
        bert.aliases = {{"challenger", 3}, {"champion", 2}};
        m_writer.registeredModel(bert);

        const std::int64_t h = s + kDay;
        GenModel housing {"housing-xgb", std::nullopt, h, h, {{"task", "regression"}}, {}, {}};
        housing.versions.push_back(version("xgb-d8-eta0.05", 1, "None", h, h, std::nullopt));
        m_writer.registeredModel(housing);
    }

    MlrunsWriter& m_writer;
    Rng m_rng;
    Rng m_ids;
    std::string m_commit;
    std::map<std::string, GenRun> m_runs;
    std::map<std::string, double> m_quality;
};

// ---------------------------------------------------------------------------------------------------

[[noreturn]] void usage(const std::string& problem = {})
{
    if (!problem.empty())
        std::cerr << "generate_store: " << problem << "\n\n";
    std::cerr << "usage: generate_store mlruns <out-dir> [options]   write an MLflow file store\n"
                 "       generate_store sqlite <out.db> [options]    write an MLflow 2.22 mlflow.db\n"
                 "       generate_store demo <out-dir> [--root-uri URI]  write the bundled demo store\n"
                 "options: --runs N (2000) --params N (10) --metrics N (10) --history-metrics N (2)\n"
                 "         --steps N (1000) --experiments N (1) --seed N (20260105)\n"
                 "         --root-uri URI  artifact root written into meta.yaml (default: file URI of out-dir)\n"
                 "The output must not exist yet (or be an empty folder): nothing is ever overwritten.\n";
    std::exit(2);
}

std::int64_t parseCount(const std::string& option, const std::string& text, std::int64_t min)
{
    std::int64_t v = 0;
    const auto res = std::from_chars(text.data(), text.data() + text.size(), v);
    if (res.ec != std::errc() || res.ptr != text.data() + text.size() || v < min)
        usage(option + " needs an integer >= " + std::to_string(min) + ", got '" + text + "'");
    return v;
}

void requireFreshDir(const fs::path& dir)
{
    std::error_code ec;
    if (fs::exists(dir, ec) && !(fs::is_directory(dir, ec) && fs::is_empty(dir, ec)))
        throw std::runtime_error("'" + dir.string() + "' already exists and is not an empty folder; not touching it");
    fs::create_directories(dir);
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 3)
        usage();
    const std::string mode = argv[1];
    if (mode != "mlruns" && mode != "sqlite" && mode != "demo")
        usage("unknown mode '" + mode + "'");
    const fs::path out = fs::absolute(argv[2]).lexically_normal();
    Shape shape;
    std::string rootUri;
    for (int i = 3; i < argc; ++i) {
        const std::string option = argv[i];
        if (i + 1 >= argc)
            usage(option + " needs a value");
        const std::string value = argv[++i];
        if (option == "--root-uri")
            rootUri = value;
        else if (mode == "demo")
            usage("demo mode takes only --root-uri");
        else if (option == "--runs")
            shape.runs = static_cast<int>(parseCount(option, value, 1));
        else if (option == "--params")
            shape.params = static_cast<int>(parseCount(option, value, 0));
        else if (option == "--metrics")
            shape.metrics = static_cast<int>(parseCount(option, value, 0));
        else if (option == "--history-metrics")
            shape.historyMetrics = static_cast<int>(parseCount(option, value, 0));
        else if (option == "--steps")
            shape.steps = static_cast<int>(parseCount(option, value, 1));
        else if (option == "--experiments")
            shape.experiments = static_cast<int>(parseCount(option, value, 1));
        else if (option == "--seed")
            shape.seed = static_cast<std::uint64_t>(parseCount(option, value, 0));
        else
            usage("unknown option '" + option + "'");
    }
    shape.experiments = std::min(shape.experiments, shape.runs);

    const auto started = std::chrono::steady_clock::now();
    Totals totals;
    try {
        if (mode == "demo") {
            requireFreshDir(out);
            MlrunsWriter writer(out, rootUri.empty() ? kDemoRootUri : rootUri);
            writer.setEmptyArtifactDirs(false);
            DemoBuilder(writer).build();
            totals = writer.totals();
        } else if (mode == "mlruns") {
            requireFreshDir(out);
            Rng ids(shape.seed + 1);
            std::vector<std::string> experimentIds;
            for (int k = 0; k < shape.experiments; ++k)
                experimentIds.push_back(ids.experimentId());
            BenchPlan plan(shape, experimentIds);
            MlrunsWriter writer(out, rootUri.empty() ? fileUri(out) : rootUri);
            for (const GenExperiment& e : plan.experiments())
                writer.experiment(e);
            for (int i = 0; i < shape.runs; ++i)
                writer.run(plan.run(i));
            totals = writer.totals();
        } else {
            std::error_code ec;
            if (fs::exists(out, ec))
                throw std::runtime_error("'" + out.string() + "' already exists; not touching it");
            fs::create_directories(out.parent_path());
            std::vector<std::string> experimentIds;
            for (int k = 1; k <= shape.experiments; ++k)
                experimentIds.push_back(std::to_string(k)); // SQL ids count up from the Default experiment's 0
            BenchPlan plan(shape, experimentIds);
            SqliteWriter writer(out, rootUri.empty() ? (out.parent_path() / "mlruns").string() : rootUri);
            for (const GenExperiment& e : plan.experiments())
                writer.experiment(e);
            for (int i = 0; i < shape.runs; ++i)
                writer.run(plan.run(i));
            writer.finish();
            totals = writer.totals();
        }
    } catch (const std::exception& e) {
        std::cerr << "generate_store: " << e.what() << '\n';
        return 1;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::printf("%s: %lld runs, %lld metric points", out.c_str(), static_cast<long long>(totals.runs),
        static_cast<long long>(totals.points));
    if (mode != "sqlite")
        std::printf(", %lld files, %.1f MB", static_cast<long long>(totals.files), totals.bytes / 1e6);
    std::printf(" in %.1f s\n", seconds);
    return 0;
}
