// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mlrunswriter.h"
#include "sqlitewriter.h"

namespace genstore {

// ---------------------------------------------------------------------------------------------------
// Benchmark stores: N runs of one shape. Metric names m0..m9 and param names p0..p9 keep filters short;
// the values still behave like training (accuracies rise, losses decay, lr comes from a grid).

constexpr std::int64_t kBenchStart = 1767571200000; // 2026-01-05T00:00:00Z

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

} // namespace genstore
