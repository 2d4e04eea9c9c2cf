// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "mlrunswriter.h"

namespace genstore {

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

} // namespace genstore
