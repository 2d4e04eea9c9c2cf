// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "genstore.h"

namespace genstore {

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

} // namespace genstore
