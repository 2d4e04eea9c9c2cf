// SPDX-License-Identifier: Apache-2.0
#pragma once

// Compares what a Store reads with what real MLflow read back from the same data:
// tests/data/mlflow-2.22/expected.json and tests/data/mlflow-3.6/expected.json, one entry per store
// ("file", "sqlite"). Works on any Store. Fields only MLflow 3 reports (model inputs and outputs,
// a version's model_id) are compared where the expected entry has them.
// The functions return mismatches as readable lines instead of failing a QTest directly, so a test
// can report all of them at once, skip what it damaged on purpose, or run them in a child process.

#include "artifactlisting.h"
#include "entities.h"
#include "mlflow3fixture.h"
#include "store.h"

#include <QCryptographicHash>
#include <QFile>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace runlens::test {

using Json = nlohmann::json;

/** The whole expected.json of one fixture folder; a null Json when it cannot be read. */
inline Json loadExpectedJson(const char* fixture)
{
    QFile file(QStringLiteral(RUNLENS_TEST_DATA_DIR "/") + QLatin1String(fixture) + QStringLiteral("/expected.json"));
    if (!file.open(QIODevice::ReadOnly))
        return Json();
    const QByteArray bytes = file.readAll();
    return Json::parse(bytes.constData(), bytes.constData() + bytes.size(), nullptr, false);
}

inline const Json& storeEntry(const Json& all, const std::string& name)
{
    static const Json none;
    if (!all.is_object() || !all.contains("stores") || !all["stores"].contains(name))
        return none;
    return all["stores"][name];
}

/** MLflow 2.22's expected.json entry for one store ("file" or "sqlite"), loaded once. */
inline const Json& expectedStore(const std::string& name)
{
    static const Json all = loadExpectedJson("mlflow-2.22");
    return storeEntry(all, name);
}

/** MLflow 3.6's expected.json entry for one store ("file" or "sqlite"), loaded once. */
inline const Json& expectedStore3(const std::string& name)
{
    return mlflow3Expected(QString::fromStdString(name));
}

struct CompareOptions
{
    std::set<std::string> skipRuns; // run ids left out entirely (damaged on purpose)
    std::set<std::string> skipExperiments; // experiment ids left out with their runs
    bool artifacts = true; // recursive listing and the sha256 of every file
    bool registry = true;
    bool experimentIdsAsNumbers = false; // the SQL store orders ids as integers, the file store as text
};

/** A double of expected.json: a number, or "NaN", "Infinity", "-Infinity". */
inline double expectedDouble(const Json& value)
{
    if (value.is_string()) {
        const std::string text = value.get<std::string>();
        if (text == "NaN")
            return std::numeric_limits<double>::quiet_NaN();
        if (text == "Infinity")
            return std::numeric_limits<double>::infinity();
        if (text == "-Infinity")
            return -std::numeric_limits<double>::infinity();
    }
    return value.get<double>();
}

/** Bit-exact equality (so -0.0 differs from 0.0), with every NaN equal to every NaN. */
inline bool sameDouble(double a, double b)
{
    if (std::isnan(a) || std::isnan(b))
        return std::isnan(a) && std::isnan(b);
    std::uint64_t x = 0, y = 0;
    std::memcpy(&x, &a, sizeof a);
    std::memcpy(&y, &b, sizeof b);
    return x == y;
}

inline std::string describeDouble(double v)
{
    if (std::isnan(v))
        return "NaN";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

inline std::optional<std::int64_t> expectedOptionalInt(const Json& value)
{
    if (value.is_null())
        return std::nullopt;
    return value.get<std::int64_t>();
}

inline std::optional<std::string> expectedOptionalString(const Json& value)
{
    if (value.is_null())
        return std::nullopt;
    return value.get<std::string>();
}

inline std::string describe(const std::optional<std::int64_t>& v)
{
    return v ? std::to_string(*v) : std::string("null");
}

inline std::string describe(const std::optional<std::string>& v)
{
    return v ? "'" + *v + "'" : std::string("null");
}

inline std::map<std::string, std::string> expectedMap(const Json& object)
{
    std::map<std::string, std::string> out;
    for (auto it = object.begin(); it != object.end(); ++it)
        out[it.key()] = it.value().get<std::string>();
    return out;
}

inline std::map<std::string, std::string> toMap(const std::vector<KeyValue>& list)
{
    std::map<std::string, std::string> out;
    for (const KeyValue& kv : list)
        out[kv.key] = kv.value;
    return out;
}

inline std::string describe(const std::map<std::string, std::string>& map)
{
    std::string out = "{";
    for (const auto& [k, v] : map) {
        if (out.size() > 1)
            out += ", ";
        out += "'" + k + "': '" + (v.size() > 60 ? v.substr(0, 60) + "..." : v) + "'";
    }
    return out + "}";
}

/** Compares two key/value maps; what differs goes to `out` prefixed with `what`. */
inline void compareMaps(const std::string& what, const std::map<std::string, std::string>& expected,
    const std::map<std::string, std::string>& actual, std::vector<std::string>& out)
{
    if (expected == actual)
        return;
    for (const auto& [k, v] : expected) {
        const auto it = actual.find(k);
        if (it == actual.end())
            out.push_back(what + ": missing key '" + k + "'");
        else if (it->second != v)
            out.push_back(what + ": key '" + k + "' is '" + it->second + "', expected '" + v + "'");
    }
    for (const auto& [k, v] : actual) {
        if (!expected.count(k))
            out.push_back(what + ": unexpected key '" + k + "' = '" + v + "'");
    }
}

#define RUNLENS_EXPECT_EQ(what, expected, actual)                                                                      \
    do {                                                                                                               \
        if (!((expected) == (actual)))                                                                                 \
            out.push_back(                                                                                             \
                std::string(what) + ": got " + describeValue(actual) + ", expected " + describeValue(expected));       \
    } while (false)

inline std::string describeValue(const std::string& v)
{
    return "'" + v + "'";
}
inline std::string describeValue(std::int64_t v)
{
    return std::to_string(v);
}
inline std::string describeValue(bool v)
{
    return v ? "true" : "false";
}
inline std::string describeValue(const std::optional<std::int64_t>& v)
{
    return describe(v);
}
inline std::string describeValue(const std::optional<std::string>& v)
{
    return describe(v);
}
inline std::string describeValue(const std::vector<std::string>& v)
{
    std::string out = "[";
    for (const auto& s : v)
        out += (out.size() > 1 ? ", '" : "'") + s + "'";
    return out + "]";
}

/** Keys that must be missing from a run (damaged on purpose) and are not compared. */
struct RunExclusions
{
    std::set<std::string> metrics;
    std::set<std::string> params;
};

/**
 * Compares one run with its expected.json entry: info, params, tags, latest metrics, full metric
 * histories (via store.metricHistory), dataset inputs, and with options.artifacts the recursive
 * artifact listing and the sha256 of every artifact file.
 */
inline std::vector<std::string> compareRun(Store& store, const Run& run, const Json& expected,
    const CompareOptions& options = {}, const RunExclusions& excluded = {})
{
    std::vector<std::string> out;
    const std::string id = expected["run_id"].get<std::string>();
    const std::string p = "run " + id + " (" + expected["run_name"].get<std::string>() + ")";
    RUNLENS_EXPECT_EQ(p + " run_id", id, run.info.runId);
    RUNLENS_EXPECT_EQ(p + " run_name", expected["run_name"].get<std::string>(), run.info.runName);
    RUNLENS_EXPECT_EQ(p + " experiment_id", expected["experiment_id"].get<std::string>(), run.info.experimentId);
    RUNLENS_EXPECT_EQ(p + " user_id", expected["user_id"].get<std::string>(), run.info.userId);
    RUNLENS_EXPECT_EQ(
        p + " status", expected["status"].get<std::string>(), std::string(runStatusName(run.info.status)));
    RUNLENS_EXPECT_EQ(p + " start_time", expectedOptionalInt(expected["start_time"]), run.info.startTime);
    RUNLENS_EXPECT_EQ(p + " end_time", expectedOptionalInt(expected["end_time"]), run.info.endTime);
    RUNLENS_EXPECT_EQ(p + " lifecycle_stage", expected["lifecycle_stage"].get<std::string>(),
        std::string(lifecycleStageName(run.info.lifecycleStage)));
    RUNLENS_EXPECT_EQ(p + " artifact_uri", expected["artifact_uri"].get<std::string>(), run.info.artifactUri);

    auto params = expectedMap(expected["params"]);
    for (const auto& key : excluded.params) {
        params.erase(key);
        if (run.param(key))
            out.push_back(p + ": param '" + key + "' should be missing");
    }
    auto actualParams = toMap(run.params);
    for (const auto& key : excluded.params)
        actualParams.erase(key);
    compareMaps(p + " params", params, actualParams, out);
    compareMaps(p + " tags", expectedMap(expected["tags"]), toMap(run.tags), out);

    // Latest metrics: value bit-exact, step and timestamp exact.
    const Json& latest = expected["latest_metrics"];
    std::set<std::string> expectedKeys;
    for (auto it = latest.begin(); it != latest.end(); ++it) {
        if (excluded.metrics.count(it.key()))
            continue;
        expectedKeys.insert(it.key());
        const Metric* metric = run.metric(it.key());
        if (!metric) {
            out.push_back(p + ": missing metric '" + it.key() + "'");
            continue;
        }
        const double value = expectedDouble(it.value()["value"]);
        if (!sameDouble(value, metric->point.value))
            out.push_back(p + " metric '" + it.key() + "' latest value " + describeDouble(metric->point.value)
                + ", expected " + describeDouble(value));
        RUNLENS_EXPECT_EQ(
            p + " metric '" + it.key() + "' latest step", it.value()["step"].get<std::int64_t>(), metric->point.step);
        RUNLENS_EXPECT_EQ(p + " metric '" + it.key() + "' latest timestamp",
            it.value()["timestamp"].get<std::int64_t>(), metric->point.timestamp);
        // MLflow 3: the dataset the latest value was logged on, where the store keeps it.
        const MetricDataset* dataset = run.metricDataset(it.key());
        if (it.value().contains("dataset_name")) {
            const std::string name = it.value()["dataset_name"].get<std::string>();
            const std::string digest = it.value().value("dataset_digest", std::string());
            if (!dataset || dataset->name != name || dataset->digest != digest)
                out.push_back(p + " metric '" + it.key() + "' dataset: got "
                    + (dataset ? "'" + dataset->name + "@" + dataset->digest + "'" : std::string("none"))
                    + ", expected '" + name + "@" + digest + "'");
        } else if (dataset) {
            out.push_back(p + " metric '" + it.key() + "' has dataset '" + dataset->name + "', expected none");
        }
        if (expected["metrics"].contains(it.key()) && !sameDouble(expectedDouble(expected["metrics"][it.key()]), value))
            out.push_back(p + ": expected.json disagrees with itself on metric '" + it.key() + "'");
    }
    for (const Metric& metric : run.metrics) {
        if (!expectedKeys.count(metric.key) && !excluded.metrics.count(metric.key))
            out.push_back(p + ": unexpected metric '" + metric.key + "'");
        if (excluded.metrics.count(metric.key))
            out.push_back(p + ": metric '" + metric.key + "' should be missing");
    }

    // Full histories, in MLflow's order.
    const Json& histories = expected["metric_histories"];
    for (auto it = histories.begin(); it != histories.end(); ++it) {
        if (excluded.metrics.count(it.key()))
            continue;
        auto history = store.metricHistoryWithSources(id, it.key());
        if (!history) {
            out.push_back(p + " metric history '" + it.key() + "': " + history.error().toString());
            continue;
        }
        const Json& points = it.value();
        if (history->points.size() != points.size()) {
            out.push_back(p + " metric history '" + it.key() + "': " + std::to_string(history->points.size())
                + " points, expected " + std::to_string(points.size()));
            continue;
        }
        for (std::size_t i = 0; i < points.size(); ++i) {
            // The 4th element, when there, holds what MLflow 3 says the point was logged on.
            const Json wantSource = points[i].size() > 3 ? points[i][3] : Json::object();
            Json gotSource = Json::object();
            if (const PointSource* source = history->sourceOf(i)) {
                if (!source->datasetName.empty())
                    gotSource["dataset_name"] = source->datasetName;
                if (!source->datasetDigest.empty())
                    gotSource["dataset_digest"] = source->datasetDigest;
                if (!source->modelId.empty())
                    gotSource["model_id"] = source->modelId;
            }
            if (gotSource != wantSource) {
                out.push_back(p + " metric history '" + it.key() + "' point " + std::to_string(i) + " was logged on "
                    + gotSource.dump() + ", expected " + wantSource.dump());
                break;
            }
            const MetricPoint& point = history->points[i];
            const std::int64_t step = points[i][0].get<std::int64_t>();
            const std::int64_t timestamp = points[i][1].get<std::int64_t>();
            const double value = expectedDouble(points[i][2]);
            if (point.step != step || point.timestamp != timestamp || !sameDouble(point.value, value)) {
                out.push_back(p + " metric history '" + it.key() + "' point " + std::to_string(i) + ": got ["
                    + std::to_string(point.step) + ", " + std::to_string(point.timestamp) + ", "
                    + describeDouble(point.value) + "], expected [" + std::to_string(step) + ", "
                    + std::to_string(timestamp) + ", " + describeDouble(value) + "]");
                break;
            }
        }
    }

    // Dataset inputs, order-insensitive (the file store lists them in directory order).
    auto inputKey
        = [](const std::string& name, const std::string& digest, const std::map<std::string, std::string>& tags) {
              return name + "\n" + digest + "\n" + describe(tags);
          };
    std::map<std::string, const Json*> expectedInputs;
    for (const Json& input : expected["inputs"])
        expectedInputs[inputKey(input["dataset"]["name"].get<std::string>(),
            input["dataset"]["digest"].get<std::string>(), expectedMap(input["tags"]))]
            = &input;
    if (expectedInputs.size() != run.inputs.size())
        out.push_back(p + ": " + std::to_string(run.inputs.size()) + " dataset inputs, expected "
            + std::to_string(expectedInputs.size()));
    for (const DatasetInput& input : run.inputs) {
        const auto it = expectedInputs.find(inputKey(input.dataset.name, input.dataset.digest, toMap(input.tags)));
        if (it == expectedInputs.end()) {
            out.push_back(
                p + ": unexpected dataset input '" + input.dataset.name + "' with tags " + describe(toMap(input.tags)));
            continue;
        }
        const Json& d = (*it->second)["dataset"];
        RUNLENS_EXPECT_EQ(p + " dataset source_type", d["source_type"].get<std::string>(), input.dataset.sourceType);
        RUNLENS_EXPECT_EQ(p + " dataset source", d["source"].get<std::string>(), input.dataset.source);
        RUNLENS_EXPECT_EQ(p + " dataset schema", d["schema"].get<std::string>(), input.dataset.schema);
        RUNLENS_EXPECT_EQ(p + " dataset profile", d["profile"].get<std::string>(), input.dataset.profile);
    }

    // MLflow 3's links to logged models, order-insensitive (the file store lists folders).
    if (expected.contains("model_inputs")) {
        std::vector<std::string> want, got;
        for (const Json& m : expected["model_inputs"])
            want.push_back(m["model_id"].get<std::string>());
        for (const ModelInput& m : run.modelInputs)
            got.push_back(m.modelId);
        std::sort(want.begin(), want.end());
        std::sort(got.begin(), got.end());
        RUNLENS_EXPECT_EQ(p + " model_inputs", want, got);
    }
    if (expected.contains("model_outputs")) {
        std::vector<std::string> want, got;
        for (const Json& m : expected["model_outputs"])
            want.push_back(m["model_id"].get<std::string>() + "@" + std::to_string(m["step"].get<std::int64_t>()));
        for (const ModelOutput& m : run.modelOutputs)
            got.push_back(m.modelId + "@" + std::to_string(m.step));
        std::sort(want.begin(), want.end());
        std::sort(got.begin(), got.end());
        RUNLENS_EXPECT_EQ(p + " model_outputs", want, got);
    }

    if (options.artifacts) {
        std::vector<Problem> problems;
        auto listing = listArtifactsRecursive(store, id, &problems);
        if (!listing) {
            out.push_back(p + " artifacts: " + listing.error().toString());
        } else {
            for (const Problem& problem : problems)
                out.push_back(p + " artifacts: problem at '" + problem.path + "': " + problem.reason);
            const Json& files = expected["artifacts"];
            if (files.size() != listing->size())
                out.push_back(p + " artifacts: " + std::to_string(listing->size()) + " entries, expected "
                    + std::to_string(files.size()));
            for (std::size_t i = 0; i < std::min(files.size(), listing->size()); ++i) {
                const FileInfo& info = (*listing)[i];
                const std::string where = p + " artifact " + std::to_string(i);
                RUNLENS_EXPECT_EQ(where + " path", files[i]["path"].get<std::string>(), info.path);
                RUNLENS_EXPECT_EQ(where + " is_dir", files[i]["is_dir"].get<bool>(), info.isDir);
                RUNLENS_EXPECT_EQ(where + " file_size", expectedOptionalInt(files[i]["file_size"]), info.fileSize);
            }
            const Json& hashes = expected["artifact_sha256"];
            std::size_t fileCount = 0;
            for (const FileInfo& info : *listing) {
                if (info.isDir)
                    continue;
                ++fileCount;
                if (!hashes.contains(info.path)) {
                    out.push_back(p + " artifact '" + info.path + "' has no expected sha256");
                    continue;
                }
                auto bytes = store.readArtifact(id, info.path, info.fileSize.value_or(0) + 1);
                if (!bytes) {
                    out.push_back(p + " artifact '" + info.path + "': " + bytes.error().toString());
                    continue;
                }
                const QByteArray hash = QCryptographicHash::hash(
                    QByteArrayView(bytes->data(), static_cast<qsizetype>(bytes->size())), QCryptographicHash::Sha256)
                                            .toHex();
                if (hash.toStdString() != hashes[info.path].get<std::string>())
                    out.push_back(p + " artifact '" + info.path + "' sha256 " + hash.toStdString() + ", expected "
                        + hashes[info.path].get<std::string>());
            }
            if (fileCount != hashes.size())
                out.push_back(p + " artifacts: " + std::to_string(fileCount) + " files, expected "
                    + std::to_string(hashes.size()) + " hashed files");
        }
    }
    return out;
}

/** MLflow's default run order: start_time DESC (missing last), run_id ASC. */
inline std::vector<std::string> expectedRunOrder(const std::vector<const Json*>& runs)
{
    std::vector<const Json*> sorted = runs;
    std::stable_sort(sorted.begin(), sorted.end(), [](const Json* a, const Json* b) {
        const auto sa = expectedOptionalInt((*a)["start_time"]);
        const auto sb = expectedOptionalInt((*b)["start_time"]);
        if (sa != sb) {
            if (!sa)
                return false;
            if (!sb)
                return true;
            return *sa > *sb;
        }
        return (*a)["run_id"].get<std::string>() < (*b)["run_id"].get<std::string>();
    });
    std::vector<std::string> ids;
    for (const Json* run : sorted)
        ids.push_back((*run)["run_id"].get<std::string>());
    return ids;
}

inline std::string experimentOrderKey(const std::string& id, bool asNumber)
{
    // Zero-padded so that text order is numeric order.
    return asNumber ? std::string(20 - std::min<std::size_t>(20, id.size()), '0') + id : id;
}

/** Experiments: experiments() for each view (content and order), and experiment(id) for each. */
inline std::vector<std::string> compareExperiments(
    Store& store, const Json& storeJson, const CompareOptions& options = {})
{
    std::vector<std::string> out;
    std::vector<const Json*> expected;
    for (const Json& e : storeJson["experiments"]) {
        if (!options.skipExperiments.count(e["experiment_id"].get<std::string>()))
            expected.push_back(&e);
    }
    auto compareOne = [&](const Experiment& actual, const Json& e) {
        const std::string p = "experiment " + actual.experimentId;
        RUNLENS_EXPECT_EQ(p + " name", e["name"].get<std::string>(), actual.name);
        RUNLENS_EXPECT_EQ(p + " artifact_location", e["artifact_location"].get<std::string>(), actual.artifactLocation);
        RUNLENS_EXPECT_EQ(p + " lifecycle_stage", e["lifecycle_stage"].get<std::string>(),
            std::string(lifecycleStageName(actual.lifecycleStage)));
        RUNLENS_EXPECT_EQ(p + " creation_time", expectedOptionalInt(e["creation_time"]), actual.creationTime);
        RUNLENS_EXPECT_EQ(p + " last_update_time", expectedOptionalInt(e["last_update_time"]), actual.lastUpdateTime);
        compareMaps(p + " tags", expectedMap(e["tags"]), toMap(actual.tags), out);
        if (e.contains("trace_count"))
            RUNLENS_EXPECT_EQ(p + " trace_count", expectedOptionalInt(e["trace_count"]), actual.traceCount);
    };
    for (const ViewType view : {ViewType::ActiveOnly, ViewType::DeletedOnly, ViewType::All}) {
        const std::string v = view == ViewType::ActiveOnly ? "ActiveOnly"
            : view == ViewType::DeletedOnly                ? "DeletedOnly"
                                                           : "All";
        auto list = store.experiments(view);
        if (!list) {
            out.push_back("experiments(" + v + "): " + list.error().toString());
            continue;
        }
        std::vector<const Json*> wanted;
        for (const Json* e : expected) {
            const bool deleted = (*e)["lifecycle_stage"].get<std::string>() == "deleted";
            if (view == ViewType::All || (view == ViewType::DeletedOnly) == deleted)
                wanted.push_back(e);
        }
        std::stable_sort(wanted.begin(), wanted.end(), [&](const Json* a, const Json* b) {
            const auto ca = expectedOptionalInt((*a)["creation_time"]);
            const auto cb = expectedOptionalInt((*b)["creation_time"]);
            if (ca != cb) {
                if (!ca)
                    return false;
                if (!cb)
                    return true;
                return *ca > *cb;
            }
            return experimentOrderKey((*a)["experiment_id"].get<std::string>(), options.experimentIdsAsNumbers)
                < experimentOrderKey((*b)["experiment_id"].get<std::string>(), options.experimentIdsAsNumbers);
        });
        std::vector<std::string> wantedIds, actualIds;
        for (const Json* e : wanted)
            wantedIds.push_back((*e)["experiment_id"].get<std::string>());
        for (const Experiment& e : list->experiments) {
            if (!options.skipExperiments.count(e.experimentId))
                actualIds.push_back(e.experimentId);
        }
        RUNLENS_EXPECT_EQ("experiments(" + v + ") ids in order", wantedIds, actualIds);
        for (const Experiment& actual : list->experiments) {
            for (const Json* e : wanted) {
                if ((*e)["experiment_id"].get<std::string>() == actual.experimentId)
                    compareOne(actual, *e);
            }
        }
    }
    for (const Json* e : expected) {
        const std::string id = (*e)["experiment_id"].get<std::string>();
        auto actual = store.experiment(id);
        if (!actual)
            out.push_back("experiment(" + id + "): " + actual.error().toString());
        else
            compareOne(*actual, *e);
    }
    return out;
}

/** Runs of every experiment: searchRuns (all views, default order) and run(id) both match. */
inline std::vector<std::string> compareRuns(Store& store, const Json& storeJson, const CompareOptions& options = {})
{
    std::vector<std::string> out;
    for (const Json& e : storeJson["experiments"]) {
        const std::string experimentId = e["experiment_id"].get<std::string>();
        if (options.skipExperiments.count(experimentId))
            continue;
        std::vector<const Json*> runs;
        for (const Json& r : e["runs"]) {
            if (!options.skipRuns.count(r["run_id"].get<std::string>()))
                runs.push_back(&r);
        }
        RunQuery query;
        query.experimentIds = {experimentId};
        query.view = ViewType::All;
        auto found = store.searchRuns(query);
        if (!found) {
            out.push_back("searchRuns(" + experimentId + "): " + found.error().toString());
            continue;
        }
        std::vector<std::string> actualIds;
        for (const Run& run : found->runs) {
            if (!options.skipRuns.count(run.info.runId))
                actualIds.push_back(run.info.runId);
        }
        RUNLENS_EXPECT_EQ("searchRuns(" + experimentId + ") ids in default order", expectedRunOrder(runs), actualIds);
        for (const Json* r : runs) {
            const std::string id = (*r)["run_id"].get<std::string>();
            const auto it = std::find_if(
                found->runs.begin(), found->runs.end(), [&](const Run& run) { return run.info.runId == id; });
            if (it != found->runs.end()) {
                CompareOptions quick = options;
                quick.artifacts = false; // checked once below, through run(id)
                for (auto& line : compareRun(store, *it, *r, quick))
                    out.push_back("searchRuns: " + line);
            }
            auto single = store.run(id);
            if (!single) {
                out.push_back("run(" + id + "): " + single.error().toString());
                continue;
            }
            for (auto& line : compareRun(store, *single, *r, options))
                out.push_back("run(id): " + line);
        }
    }
    return out;
}

/** A version number: MLflow 2.22's read-back wrote it as text, 3.6's as a number. */
inline std::int64_t expectedVersion(const Json& value)
{
    return value.is_string() ? std::stoll(value.get<std::string>()) : value.get<std::int64_t>();
}

/** Alias -> version as text, whichever way the read-back wrote the version. */
inline std::map<std::string, std::string> expectedAliases(const Json& object)
{
    std::map<std::string, std::string> out;
    for (auto it = object.begin(); it != object.end(); ++it)
        out[it.key()] = std::to_string(expectedVersion(it.value()));
    return out;
}

/** Registered models, their versions, stages, tags and aliases. */
inline std::vector<std::string> compareRegistry(Store& store, const Json& storeJson)
{
    std::vector<std::string> out;
    auto models = store.registeredModels();
    if (!models) {
        out.push_back("registeredModels(): " + models.error().toString());
        return out;
    }
    std::vector<std::string> expectedNames, actualNames;
    for (const Json& m : storeJson["registered_models"])
        expectedNames.push_back(m["name"].get<std::string>());
    for (const RegisteredModel& m : *models)
        actualNames.push_back(m.name);
    RUNLENS_EXPECT_EQ("registeredModels() names in order", expectedNames, actualNames);
    auto compareVersion = [&](const std::string& p, const ModelVersion& v, const Json& e) {
        RUNLENS_EXPECT_EQ(p + " current_stage", e["current_stage"].get<std::string>(), v.currentStage);
        RUNLENS_EXPECT_EQ(p + " status", e["status"].get<std::string>(), v.status);
        RUNLENS_EXPECT_EQ(p + " source", e["source"].get<std::string>(), v.source);
        RUNLENS_EXPECT_EQ(p + " run_id", expectedOptionalString(e["run_id"]), v.runId);
        RUNLENS_EXPECT_EQ(p + " run_link", expectedOptionalString(e["run_link"]), v.runLink);
        RUNLENS_EXPECT_EQ(p + " description", expectedOptionalString(e["description"]), v.description);
        RUNLENS_EXPECT_EQ(p + " user_id", expectedOptionalString(e["user_id"]), v.userId);
        RUNLENS_EXPECT_EQ(p + " status_message", expectedOptionalString(e["status_message"]), v.statusMessage);
        RUNLENS_EXPECT_EQ(p + " creation_timestamp", e["creation_timestamp"].get<std::int64_t>(), v.creationTimestamp);
        RUNLENS_EXPECT_EQ(
            p + " last_updated_timestamp", e["last_updated_timestamp"].get<std::int64_t>(), v.lastUpdatedTimestamp);
        compareMaps(p + " tags", expectedMap(e["tags"]), toMap(v.tags), out);
        std::vector<std::string> aliases = e["aliases"].get<std::vector<std::string>>();
        std::sort(aliases.begin(), aliases.end());
        RUNLENS_EXPECT_EQ(p + " aliases", aliases, v.aliases);
        if (e.contains("model_id"))
            RUNLENS_EXPECT_EQ(p + " model_id", expectedOptionalString(e["model_id"]), v.modelId);
        if (e.contains("download_uri") && v.storageLocation)
            RUNLENS_EXPECT_EQ(p + " storage_location", e["download_uri"].get<std::string>(), *v.storageLocation);
    };
    for (const Json& e : storeJson["registered_models"]) {
        const std::string name = e["name"].get<std::string>();
        const auto it
            = std::find_if(models->begin(), models->end(), [&](const RegisteredModel& m) { return m.name == name; });
        if (it == models->end())
            continue;
        const std::string p = "model '" + name + "'";
        RUNLENS_EXPECT_EQ(p + " description", expectedOptionalString(e["description"]), it->description);
        RUNLENS_EXPECT_EQ(
            p + " creation_timestamp", e["creation_timestamp"].get<std::int64_t>(), it->creationTimestamp);
        RUNLENS_EXPECT_EQ(
            p + " last_updated_timestamp", e["last_updated_timestamp"].get<std::int64_t>(), it->lastUpdatedTimestamp);
        compareMaps(p + " tags", expectedMap(e["tags"]), toMap(it->tags), out);
        std::map<std::string, std::string> aliases;
        for (const ModelAlias& alias : it->aliases)
            aliases[alias.alias] = std::to_string(alias.version);
        compareMaps(p + " aliases", expectedAliases(e["aliases"]), aliases, out);

        std::vector<std::string> expectedLatest, actualLatest;
        std::vector<const Json*> latestJson;
        for (const Json& l : e["latest_versions"])
            latestJson.push_back(&l);
        std::sort(latestJson.begin(), latestJson.end(), [](const Json* a, const Json* b) {
            return expectedVersion((*a)["version"]) < expectedVersion((*b)["version"]);
        });
        for (const Json* l : latestJson)
            expectedLatest.push_back(
                std::to_string(expectedVersion((*l)["version"])) + ":" + (*l)["current_stage"].get<std::string>());
        for (const ModelVersion& v : it->latestVersions)
            actualLatest.push_back(std::to_string(v.version) + ":" + v.currentStage);
        RUNLENS_EXPECT_EQ(p + " latest_versions", expectedLatest, actualLatest);

        auto versions = store.modelVersions(name);
        if (!versions) {
            out.push_back(p + " modelVersions(): " + versions.error().toString());
            continue;
        }
        std::vector<std::string> expectedVersions, actualVersions;
        for (const Json& v : e["versions"])
            expectedVersions.push_back(std::to_string(expectedVersion(v["version"])));
        for (const ModelVersion& v : *versions)
            actualVersions.push_back(std::to_string(v.version));
        RUNLENS_EXPECT_EQ(p + " versions", expectedVersions, actualVersions);
        for (const Json& ev : e["versions"]) {
            const std::int64_t number = expectedVersion(ev["version"]);
            for (const ModelVersion& v : *versions) {
                if (v.version == number) {
                    RUNLENS_EXPECT_EQ(p + " version " + std::to_string(number) + " name", name, v.name);
                    compareVersion(p + " version " + std::to_string(number), v, ev);
                }
            }
            for (const ModelVersion& v : it->latestVersions) {
                if (v.version == number)
                    compareVersion(p + " latest version " + std::to_string(number), v, ev);
            }
        }
    }
    return out;
}

/** Everything: experiments, runs (with artifacts) and, with options.registry, the model registry. */
inline std::vector<std::string> compareStoreWithExpected(
    Store& store, const Json& storeJson, const CompareOptions& options = {})
{
    std::vector<std::string> out = compareExperiments(store, storeJson, options);
    for (auto& line : compareRuns(store, storeJson, options))
        out.push_back(std::move(line));
    if (options.registry) {
        for (auto& line : compareRegistry(store, storeJson))
            out.push_back(std::move(line));
    }
    return out;
}

/** Mismatch lines as one message for QVERIFY2, at most `max` of them. */
inline std::string joinMismatches(const std::vector<std::string>& lines, std::size_t max = 40)
{
    std::string out;
    for (std::size_t i = 0; i < lines.size() && i < max; ++i)
        out += "\n  " + lines[i];
    if (lines.size() > max)
        out += "\n  ... and " + std::to_string(lines.size() - max) + " more";
    return out;
}

#undef RUNLENS_EXPECT_EQ

} // namespace runlens::test
