// SPDX-License-Identifier: Apache-2.0
#pragma once

// An in-memory Store with a registry and a few runs, for testing GUI write flows without a real store.
// Its registry writes follow MLflow's rules closely enough for the panel's flows; it is not a reference.

#include "store.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <mutex>

namespace runlens {

class FakeStore final : public Store
{
public:
    Capabilities caps
        = static_cast<Capabilities>(Capability::Registry) | static_cast<Capabilities>(Capability::WriteRegistry);
    std::map<std::string, RegisteredModel> models; // versions live in `versions`
    std::map<std::string, std::vector<ModelVersion>> versions;
    std::map<std::string, Run> runs;
    /** When set, every write fails with this error and changes nothing. */
    std::optional<StoreError> failWrites;
    int writes = 0;

    std::string uri() const override { return "fake:///registry"; }
    StoreKind kind() const override { return StoreKind::File; }
    Capabilities capabilities() const override { return caps; }

    Result<ExperimentList> experiments(ViewType) override { return ExperimentList {}; }
    Result<Experiment> experiment(const std::string& id) override { return missing("experiment " + id); }
    Result<RunList> searchRuns(const RunQuery&, TaskControl*) override { return RunList {}; }
    Result<Run> run(const std::string& runId) override
    {
        std::lock_guard lock(m_mutex);
        auto it = runs.find(runId);
        if (it == runs.end())
            return missing("run " + runId);
        return it->second;
    }
    Result<std::vector<MetricPoint>> metricHistory(const std::string&, const std::string&) override
    {
        return std::vector<MetricPoint> {};
    }
    Result<std::vector<FileInfo>> listArtifacts(const std::string&, const std::string&) override
    {
        return std::vector<FileInfo> {};
    }
    Result<std::string> readArtifact(const std::string&, const std::string&, std::int64_t) override
    {
        return std::string {};
    }

    Result<std::vector<RegisteredModel>> registeredModels() override
    {
        std::lock_guard lock(m_mutex);
        std::vector<RegisteredModel> out;
        for (const auto& [name, m] : models) {
            RegisteredModel copy = m;
            copy.aliases.clear();
            copy.latestVersions.clear();
            std::map<std::string, ModelVersion> latest;
            for (const ModelVersion& v : versions[name]) {
                for (const std::string& a : v.aliases)
                    copy.aliases.push_back({a, v.version});
                auto& slot = latest[v.currentStage];
                if (slot.version < v.version)
                    slot = v;
            }
            std::sort(copy.aliases.begin(), copy.aliases.end(),
                [](const ModelAlias& a, const ModelAlias& b) { return a.alias < b.alias; });
            for (auto& [stage, v] : latest)
                copy.latestVersions.push_back(v);
            std::sort(copy.latestVersions.begin(), copy.latestVersions.end(),
                [](const ModelVersion& a, const ModelVersion& b) { return a.version < b.version; });
            out.push_back(copy);
        }
        return out;
    }
    Result<std::vector<ModelVersion>> modelVersions(const std::string& name) override
    {
        std::lock_guard lock(m_mutex);
        if (!models.count(name))
            return missing("registered model " + name);
        return versions[name];
    }

    Result<ModelVersion> transitionModelVersionStage(
        const std::string& model, std::int64_t version, const std::string& stage, bool archiveExisting) override
    {
        std::lock_guard lock(m_mutex);
        if (failWrites)
            return *failWrites;
        ModelVersion* v = find(model, version);
        if (!v)
            return missing(model + " version " + std::to_string(version));
        std::string canonical;
        for (const char* s : {"None", "Staging", "Production", "Archived"})
            if (lower(s) == lower(stage))
                canonical = s;
        if (canonical.empty())
            return StoreError {ErrorCode::InvalidParameterValue, "invalid stage " + stage};
        if (archiveExisting && canonical != "Staging" && canonical != "Production")
            return StoreError {
                ErrorCode::InvalidParameterValue, "archive_existing_versions needs Staging or Production"};
        if (archiveExisting)
            for (ModelVersion& other : versions[model])
                if (other.version != version && other.currentStage == canonical)
                    other.currentStage = "Archived";
        v->currentStage = canonical;
        ++writes;
        return *v;
    }
    Status setModelAlias(const std::string& model, const std::string& alias, std::int64_t version) override
    {
        std::lock_guard lock(m_mutex);
        if (failWrites)
            return *failWrites;
        ModelVersion* target = find(model, version);
        if (!target)
            return missing(model + " version " + std::to_string(version));
        removeAlias(model, alias);
        target->aliases.push_back(alias);
        std::sort(target->aliases.begin(), target->aliases.end());
        ++writes;
        return Done {};
    }
    Status deleteModelAlias(const std::string& model, const std::string& alias) override
    {
        std::lock_guard lock(m_mutex);
        if (failWrites)
            return *failWrites;
        if (!models.count(model))
            return missing("registered model " + model);
        removeAlias(model, alias);
        ++writes;
        return Done {};
    }
    Status setRegisteredModelTag(const std::string& model, const std::string& key, const std::string& value) override
    {
        std::lock_guard lock(m_mutex);
        if (failWrites)
            return *failWrites;
        auto it = models.find(model);
        if (it == models.end())
            return missing("registered model " + model);
        setTag(it->second.tags, key, value);
        ++writes;
        return Done {};
    }
    Status deleteRegisteredModelTag(const std::string& model, const std::string& key) override
    {
        std::lock_guard lock(m_mutex);
        if (failWrites)
            return *failWrites;
        auto it = models.find(model);
        if (it == models.end())
            return missing("registered model " + model);
        if (!eraseTag(it->second.tags, key))
            return missing("tag " + key);
        ++writes;
        return Done {};
    }
    Status deleteModelVersionTag(const std::string& model, std::int64_t version, const std::string& key) override
    {
        std::lock_guard lock(m_mutex);
        if (failWrites)
            return *failWrites;
        ModelVersion* v = find(model, version);
        if (!v)
            return missing(model + " version " + std::to_string(version));
        if (!eraseTag(v->tags, key))
            return missing("tag " + key);
        ++writes;
        return Done {};
    }
    Status updateRegisteredModelDescription(const std::string& model, const std::string& description) override
    {
        std::lock_guard lock(m_mutex);
        if (failWrites)
            return *failWrites;
        auto it = models.find(model);
        if (it == models.end())
            return missing("registered model " + model);
        it->second.description = description;
        ++writes;
        return Done {};
    }
    Status setModelVersionTag(
        const std::string& model, std::int64_t version, const std::string& key, const std::string& value) override
    {
        std::lock_guard lock(m_mutex);
        if (failWrites)
            return *failWrites;
        ModelVersion* v = find(model, version);
        if (!v)
            return missing(model + " version " + std::to_string(version));
        setTag(v->tags, key, value);
        ++writes;
        return Done {};
    }
    Status updateModelVersionDescription(
        const std::string& model, std::int64_t version, const std::string& description) override
    {
        std::lock_guard lock(m_mutex);
        if (failWrites)
            return *failWrites;
        ModelVersion* v = find(model, version);
        if (!v)
            return missing(model + " version " + std::to_string(version));
        v->description = description;
        ++writes;
        return Done {};
    }

    /** A model "clf" with v1 Archived, v2 Production (@champion), v3 Staging (@challenger), v4 None. */
    static std::shared_ptr<FakeStore> sample()
    {
        auto store = std::make_shared<FakeStore>();
        RegisteredModel m;
        m.name = "clf";
        m.description = "An image classifier";
        m.tags = {{"owner", "vision"}};
        store->models["clf"] = m;
        const char* stages[] = {"Archived", "Production", "Staging", "None"};
        for (int i = 1; i <= 4; ++i) {
            ModelVersion v;
            v.name = "clf";
            v.version = i;
            v.currentStage = stages[i - 1];
            v.runId = "run" + std::to_string(i);
            v.source = "runs:/run" + std::to_string(i) + "/model";
            v.creationTimestamp = 1700000000000 + i;
            if (i == 2)
                v.aliases = {"champion"};
            if (i == 3)
                v.aliases = {"challenger"};
            store->versions["clf"].push_back(v);
            Run run;
            run.info.runId = "run" + std::to_string(i);
            run.info.runName = "train-" + std::to_string(i);
            run.params = {{"lr", i < 3 ? "0.1" : "0.01"}, {"optimizer", "adam"}};
            run.metrics = {{"accuracy", {1, 0.8 + 0.01 * i, 10}}};
            store->runs[run.info.runId] = run;
        }
        RegisteredModel other;
        other.name = "other";
        store->models["other"] = other;
        return store;
    }

    std::string stageOf(const std::string& model, std::int64_t version)
    {
        std::lock_guard lock(m_mutex);
        ModelVersion* v = find(model, version);
        return v ? v->currentStage : std::string();
    }
    std::optional<std::int64_t> aliasOf(const std::string& model, const std::string& alias)
    {
        std::lock_guard lock(m_mutex);
        for (const ModelVersion& v : versions[model])
            if (std::find(v.aliases.begin(), v.aliases.end(), alias) != v.aliases.end())
                return v.version;
        return std::nullopt;
    }

private:
    static StoreError missing(const std::string& what)
    {
        return {ErrorCode::ResourceDoesNotExist, what + " does not exist"};
    }
    static std::string lower(std::string s)
    {
        for (char& c : s)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return s;
    }
    static void setTag(std::vector<KeyValue>& tags, const std::string& key, const std::string& value)
    {
        for (KeyValue& kv : tags)
            if (kv.key == key) {
                kv.value = value;
                return;
            }
        tags.push_back({key, value});
        std::sort(tags.begin(), tags.end(), [](const KeyValue& a, const KeyValue& b) { return a.key < b.key; });
    }
    static bool eraseTag(std::vector<KeyValue>& tags, const std::string& key)
    {
        const auto before = tags.size();
        tags.erase(
            std::remove_if(tags.begin(), tags.end(), [&](const KeyValue& kv) { return kv.key == key; }), tags.end());
        return tags.size() != before;
    }
    ModelVersion* find(const std::string& model, std::int64_t version)
    {
        auto it = versions.find(model);
        if (it == versions.end())
            return nullptr;
        for (ModelVersion& v : it->second)
            if (v.version == version)
                return &v;
        return nullptr;
    }
    void removeAlias(const std::string& model, const std::string& alias)
    {
        for (ModelVersion& v : versions[model])
            v.aliases.erase(std::remove(v.aliases.begin(), v.aliases.end(), alias), v.aliases.end());
    }

    std::mutex m_mutex;
};

} // namespace runlens
