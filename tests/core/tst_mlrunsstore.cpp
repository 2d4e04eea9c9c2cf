// SPDX-License-Identifier: Apache-2.0
// MlrunsStore against the file store real MLflow 2.22 wrote, and against what MLflow itself read back
// from it (expected.json): every experiment, run, metric point, artifact byte and registry entry.

#include "artifactlisting.h"
#include "expectedjson.h"
#include "io/yamlmeta.h"
#include "stores/mlruns/metricfile.h"
#include "stores/mlruns/mlrunsstore.h"

#include <QDirIterator>
#include <QTest>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

using namespace runlens;
using runlens::test::Json;

namespace {

const std::string kFixture = RUNLENS_FIXTURE_DIR "/file/mlruns";
const std::string kResnetRun = "e10f02a4494e4ac79d6440711e2ebdaf";
const std::string kNanRun = "c6104765772644eaafbdc1e088822dbe";
const std::string kImageExperiment = "900844674041952973";

std::unique_ptr<MlrunsStore> openFixture()
{
    auto store = MlrunsStore::open(kFixture);
    if (!store)
        return nullptr;
    return std::move(store.value());
}

std::vector<const Json*> allExpectedRuns(const Json& storeJson)
{
    std::vector<const Json*> runs;
    for (const Json& e : storeJson["experiments"]) {
        for (const Json& r : e["runs"])
            runs.push_back(&r);
    }
    return runs;
}

std::string readFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

} // namespace

class TestMlrunsStore : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY2(test::expectedStore("file").is_object(), "expected.json is missing or unreadable");
        QVERIFY2(std::filesystem::is_directory(kFixture), "the extracted fixture is missing");
    }

    void opensAndDescribesItself()
    {
        auto store = openFixture();
        QVERIFY(store);
        QCOMPARE(store->kind(), StoreKind::File);
        QVERIFY(has(store->capabilities(), Capability::Registry));
        // The fixture copy in the build tree is writable, so the store offers its writes
        // (tst_mlrunswrites covers the read-only case).
        QVERIFY(has(store->capabilities(), Capability::WriteRuns));
        QVERIFY(has(store->capabilities(), Capability::WriteRegistry));
        QVERIFY(store->uri().starts_with("file:///"));
        QVERIFY(store->uri().ends_with("/file/mlruns"));
        QCOMPARE(store->root().string(), std::filesystem::path(kFixture).lexically_normal().string());

        auto missing = MlrunsStore::open(kFixture + "/no-such-folder");
        QVERIFY(!missing);
        QCOMPARE(missing.error().code, ErrorCode::ResourceDoesNotExist);
        auto file = MlrunsStore::open(kFixture + "/0/meta.yaml");
        QVERIFY(!file);
        QCOMPARE(file.error().code, ErrorCode::InvalidParameterValue);
    }

    // The whole store, field by field, as MLflow read it back.
    void matchesWhatMlflowRead()
    {
        auto store = openFixture();
        QVERIFY(store);
        const auto mismatches = test::compareStoreWithExpected(*store, test::expectedStore("file"));
        QVERIFY2(mismatches.empty(), test::joinMismatches(mismatches).c_str());
    }

    void readsWithoutProblems()
    {
        auto store = openFixture();
        QVERIFY(store);
        auto experiments = store->experiments(ViewType::All);
        QVERIFY(experiments);
        QVERIFY(experiments->problems.empty());
        QCOMPARE(experiments->experiments.size(), std::size_t(6));
        RunQuery query;
        query.view = ViewType::All;
        auto runs = store->searchRuns(query);
        QVERIFY(runs);
        for (const Problem& p : runs->problems)
            qWarning("problem: %s: %s", p.path.c_str(), p.reason.c_str());
        QVERIFY(runs->problems.empty());
        QCOMPARE(runs->runs.size(), allExpectedRuns(test::expectedStore("file")).size());
    }

    void experimentViews()
    {
        auto store = openFixture();
        QVERIFY(store);
        auto active = store->experiments(ViewType::ActiveOnly);
        auto deleted = store->experiments(ViewType::DeletedOnly);
        auto all = store->experiments(ViewType::All);
        QVERIFY(active && deleted && all);
        QCOMPARE(active->experiments.size(), std::size_t(5));
        QCOMPARE(deleted->experiments.size(), std::size_t(1));
        QCOMPARE(deleted->experiments.front().experimentId, std::string("843118843192616787"));
        QCOMPARE(deleted->experiments.front().lifecycleStage, LifecycleStage::Deleted);
        QCOMPARE(all->experiments.size(), std::size_t(6));
        // creation_time DESC, then experiment_id ASC.
        for (std::size_t i = 1; i < all->experiments.size(); ++i)
            QVERIFY(*all->experiments[i - 1].creationTime >= *all->experiments[i].creationTime);
        QCOMPARE(all->experiments.back().experimentId, std::string("0"));

        auto one = store->experiment("843118843192616787");
        QVERIFY(one);
        QCOMPARE(one->name, std::string("to-be-deleted"));
        QCOMPARE(test::toMap(one->tags).at("reason"), std::string("obsolete"));
        auto unknown = store->experiment("12345");
        QVERIFY(!unknown);
        QCOMPARE(unknown.error().code, ErrorCode::ResourceDoesNotExist);
        auto invalid = store->experiment("../0");
        QVERIFY(!invalid);
        QCOMPARE(invalid.error().code, ErrorCode::InvalidParameterValue);
    }

    // Default order over every experiment: start_time DESC, run_id ASC; and per view.
    void searchDefaultOrder()
    {
        auto store = openFixture();
        QVERIFY(store);
        const Json& file = test::expectedStore("file");
        for (const ViewType view : {ViewType::ActiveOnly, ViewType::DeletedOnly, ViewType::All}) {
            std::vector<const Json*> wanted;
            for (const Json& e : file["experiments"]) {
                const bool experimentDeleted = e["lifecycle_stage"].get<std::string>() == "deleted";
                for (const Json& r : e["runs"]) {
                    const bool deleted = r["lifecycle_stage"].get<std::string>() == "deleted";
                    // An empty experiment list means the active experiments, plus .trash unless ActiveOnly.
                    if (view == ViewType::ActiveOnly && experimentDeleted)
                        continue;
                    if (viewIncludes(view, deleted ? LifecycleStage::Deleted : LifecycleStage::Active))
                        wanted.push_back(&r);
                }
            }
            RunQuery query;
            query.view = view;
            auto runs = store->searchRuns(query);
            QVERIFY(runs);
            std::vector<std::string> ids;
            for (const Run& run : runs->runs)
                ids.push_back(run.info.runId);
            QCOMPARE(ids, test::expectedRunOrder(wanted));
        }

        // Per experiment the order is the reverse of MLflow's start_time ASC listing, ties by run_id.
        for (const Json& e : file["experiments"]) {
            RunQuery query;
            query.experimentIds = {e["experiment_id"].get<std::string>()};
            query.view = ViewType::All;
            auto runs = store->searchRuns(query);
            QVERIFY(runs);
            std::vector<std::string> reversed = e["run_ids_start_time_asc"].get<std::vector<std::string>>();
            std::reverse(reversed.begin(), reversed.end());
            std::vector<std::string> ids;
            for (const Run& run : runs->runs)
                ids.push_back(run.info.runId);
            std::vector<const Json*> expected;
            for (const Json& r : e["runs"])
                expected.push_back(&r);
            QCOMPARE(ids, test::expectedRunOrder(expected));
            std::vector<std::string> sortedA = ids, sortedB = reversed;
            std::sort(sortedA.begin(), sortedA.end());
            std::sort(sortedB.begin(), sortedB.end());
            QCOMPARE(sortedA, sortedB);
        }
    }

    void searchInfoOnly()
    {
        auto store = openFixture();
        QVERIFY(store);
        RunQuery full;
        full.view = ViewType::All;
        RunQuery info = full;
        info.fields = static_cast<RunFields>(RunField::Info);
        auto a = store->searchRuns(full);
        auto b = store->searchRuns(info);
        QVERIFY(a && b);
        QCOMPARE(a->runs.size(), b->runs.size());
        for (std::size_t i = 0; i < a->runs.size(); ++i) {
            QCOMPARE(b->runs[i].info.runId, a->runs[i].info.runId);
            QCOMPARE(b->runs[i].info.runName, a->runs[i].info.runName);
            QCOMPARE(b->runs[i].info.startTime, a->runs[i].info.startTime);
            QVERIFY(b->runs[i].params.empty());
            QVERIFY(b->runs[i].metrics.empty());
            QVERIFY(b->runs[i].tags.empty());
            QVERIFY(b->runs[i].inputs.empty());
        }
        RunQuery limited = info;
        limited.maxResults = 3;
        auto c = store->searchRuns(limited);
        QVERIFY(c);
        QCOMPARE(c->runs.size(), std::size_t(3));
        QCOMPARE(c->runs[2].info.runId, a->runs[2].info.runId);
    }

    void searchErrors()
    {
        auto store = openFixture();
        QVERIFY(store);
        RunQuery query;
        query.experimentIds = {"999"};
        auto unknown = store->searchRuns(query);
        QVERIFY(!unknown);
        QCOMPARE(unknown.error().code, ErrorCode::ResourceDoesNotExist);
        query.experimentIds = {"../0"};
        auto invalid = store->searchRuns(query);
        QVERIFY(!invalid);
        QCOMPARE(invalid.error().code, ErrorCode::InvalidParameterValue);
        // The deleted experiment is found by id, in .trash.
        query.experimentIds = {"843118843192616787"};
        query.view = ViewType::DeletedOnly;
        auto trashed = store->searchRuns(query);
        QVERIFY(trashed);
        QCOMPARE(trashed->runs.size(), std::size_t(1));
        QCOMPARE(trashed->runs.front().info.runId, std::string("fe73d1f5432d4639aaea20059e46990a"));
    }

    void progressAndCancel()
    {
        auto store = openFixture();
        QVERIFY(store);
        std::mutex mutex;
        std::vector<std::pair<std::int64_t, std::int64_t>> reports;
        TaskControl control([&](std::int64_t done, std::int64_t total) {
            std::lock_guard lock(mutex);
            reports.emplace_back(done, total);
        });
        RunQuery query;
        query.view = ViewType::All;
        auto runs = store->searchRuns(query, &control);
        QVERIFY(runs);
        QVERIFY(!reports.empty());
        const std::int64_t total = reports.back().second;
        QVERIFY(total >= static_cast<std::int64_t>(runs->runs.size()));
        QCOMPARE(reports.back().first, total);
        for (std::size_t i = 1; i < reports.size(); ++i) {
            QVERIFY(reports[i].first >= reports[i - 1].first);
            QCOMPARE(reports[i].second, total);
        }

        // Cancelling from the first progress report stops the search with Cancelled.
        TaskControl* self = nullptr;
        TaskControl cancelling([&](std::int64_t done, std::int64_t) {
            if (done > 0)
                self->cancel();
        });
        self = &cancelling;
        auto cancelled = store->searchRuns(query, &cancelling);
        QVERIFY(!cancelled);
        QCOMPARE(cancelled.error().code, ErrorCode::Cancelled);

        TaskControl early;
        early.cancel();
        auto before = store->searchRuns(query, &early);
        QVERIFY(!before);
        QCOMPARE(before.error().code, ErrorCode::Cancelled);
    }

    void runLookup()
    {
        auto store = openFixture();
        QVERIFY(store);
        auto unknown = store->run("0123456789abcdef0123456789abcdef");
        QVERIFY(!unknown);
        QCOMPARE(unknown.error().code, ErrorCode::ResourceDoesNotExist);
        auto invalid = store->run("../../etc");
        QVERIFY(!invalid);
        QCOMPARE(invalid.error().code, ErrorCode::InvalidParameterValue);
        // A run inside the deleted experiment, found through .trash.
        auto trashed = store->run("fe73d1f5432d4639aaea20059e46990a");
        QVERIFY(trashed);
        QCOMPARE(trashed->info.lifecycleStage, LifecycleStage::Deleted);
        QCOMPARE(trashed->info.experimentId, std::string("843118843192616787"));
    }

    void metricValuesAreExact()
    {
        auto store = openFixture();
        QVERIFY(store);
        auto run = store->run(kResnetRun);
        QVERIFY(run);
        // 2^53 + 1 survives: steps never pass through a double.
        const Metric* weird = run->metric("weird_steps");
        QVERIFY(weird);
        QCOMPARE(weird->point.step, std::int64_t(9007199254740993));
        QCOMPARE(weird->point.value, 2.0);
        QVERIFY(run->metric("train/loss"));
        QVERIFY(run->metric("准确率"));
        QCOMPARE(*run->param("model/arch"), std::string("resnet50"));
        QCOMPARE(*run->param("newline_value"), std::string("first line\nsecond line"));
        QCOMPARE(*run->param("empty_value"), std::string());

        auto nan = store->run(kNanRun);
        QVERIFY(nan);
        QVERIFY(std::isnan(nan->metric("nan_only")->point.value));
        QCOMPARE(nan->metric("inf_last")->point.value, std::numeric_limits<double>::infinity());
        QCOMPARE(nan->metric("neg_inf_last")->point.value, -std::numeric_limits<double>::infinity());
        auto history = store->metricHistory(kNanRun, "weird_values");
        QVERIFY(history);
        QCOMPARE(history->size(), std::size_t(9));
        QVERIFY(std::signbit((*history)[5].value) && (*history)[5].value == 0.0);
        QCOMPARE((*history)[6].value, 1e308);
        QCOMPARE((*history)[7].value, 5e-324);
    }

    void metricHistoryEdges()
    {
        auto store = openFixture();
        QVERIFY(store);
        auto none = store->metricHistory(kResnetRun, "no_such_metric");
        QVERIFY(none);
        QVERIFY(none->empty());
        // A folder of nested keys is not a metric.
        auto folder = store->metricHistory(kResnetRun, "train");
        QVERIFY(folder);
        QVERIFY(folder->empty());
        auto nested = store->metricHistory(kResnetRun, "train/loss");
        QVERIFY(nested);
        QCOMPARE(nested->size(), std::size_t(3000));
        for (const char* bad : {"../meta.yaml", "/etc/passwd", "train/../../meta.yaml", "", "a//b"}) {
            auto escaped = store->metricHistory(kResnetRun, bad);
            QVERIFY2(!escaped, bad);
            QCOMPARE(escaped.error().code, ErrorCode::InvalidParameterValue);
        }
        auto unknownRun = store->metricHistory("0123456789abcdef0123456789abcdef", "x");
        QVERIFY(!unknownRun);
        QCOMPARE(unknownRun.error().code, ErrorCode::ResourceDoesNotExist);
    }

    void artifacts()
    {
        auto store = openFixture();
        QVERIFY(store);
        auto top = store->listArtifacts(kResnetRun);
        QVERIFY(top);
        QCOMPARE(top->size(), std::size_t(10));
        QCOMPARE(top->front().path, std::string("config"));
        QVERIFY(top->front().isDir);
        QVERIFY(!top->front().fileSize);
        auto nested = store->listArtifacts(kResnetRun, "nested/a/b");
        QVERIFY(nested);
        QCOMPARE(nested->size(), std::size_t(1));
        QCOMPARE(nested->front().path, std::string("nested/a/b/c"));
        auto intoFile = store->listArtifacts(kResnetRun, "notes.txt");
        QVERIFY(intoFile);
        QVERIFY(intoFile->empty());
        auto missing = store->listArtifacts(kResnetRun, "nope");
        QVERIFY(missing);
        QVERIFY(missing->empty());
        for (const char* bad : {"..", "../..", "/etc", "nested/../../.."}) {
            auto escaped = store->listArtifacts(kResnetRun, bad);
            QVERIFY2(!escaped, bad);
            QCOMPARE(escaped.error().code, ErrorCode::InvalidParameterValue);
            auto read = store->readArtifact(kResnetRun, std::string(bad) + "/meta.yaml", 100);
            QVERIFY(!read);
            QCOMPARE(read.error().code, ErrorCode::InvalidParameterValue);
        }

        auto notes = store->readArtifact(kResnetRun, "notes.txt", 1000);
        QVERIFY(notes);
        QCOMPARE(notes->size(), std::size_t(56));
        auto head = store->readArtifact(kResnetRun, "notes.txt", 5);
        QVERIFY(head);
        QCOMPARE(*head, notes->substr(0, 5));
        auto empty = store->readArtifact(kResnetRun, "empty.bin", 10);
        QVERIFY(empty);
        QVERIFY(empty->empty());
        auto dir = store->readArtifact(kResnetRun, "model", 10);
        QVERIFY(!dir);
        QCOMPARE(dir.error().code, ErrorCode::InvalidParameterValue);
        auto absent = store->readArtifact(kResnetRun, "absent.txt", 10);
        QVERIFY(!absent);
        QCOMPARE(absent.error().code, ErrorCode::ResourceDoesNotExist);

        // The recorded artifact_uri points at the machine the store was written on; the listing
        // comes from the artifacts folder next to the run instead.
        auto run = store->run(kResnetRun);
        QVERIFY(run);
        QVERIFY(run->info.artifactUri.starts_with("file:///home/alice/"));
        std::vector<Problem> problems;
        auto all = listArtifactsRecursive(*store, kResnetRun, &problems);
        QVERIFY(all);
        QVERIFY(problems.empty());
        std::size_t expected = 0;
        for (const Json* r : allExpectedRuns(test::expectedStore("file"))) {
            if ((*r)["run_id"] == kResnetRun)
                expected = (*r)["artifacts"].size();
        }
        QCOMPARE(all->size(), expected);
        QCOMPARE(all->size(), std::size_t(23));
    }

    void registry()
    {
        auto store = openFixture();
        QVERIFY(store);
        auto versions = store->modelVersions("sentiment-bert");
        QVERIFY(versions);
        // Version 2 was deleted: it stays on disk as Deleted_Internal and must not show.
        QCOMPARE(versions->size(), std::size_t(2));
        QCOMPARE(versions->at(0).version, std::int64_t(1));
        QCOMPARE(versions->at(1).version, std::int64_t(3));
        auto unknown = store->modelVersions("nope");
        QVERIFY(!unknown);
        QCOMPARE(unknown.error().code, ErrorCode::ResourceDoesNotExist);
        auto invalid = store->modelVersions("../models");
        QVERIFY(!invalid);
        QCOMPARE(invalid.error().code, ErrorCode::InvalidParameterValue);
        auto models = store->registeredModels();
        QVERIFY(models);
        const auto it = std::find_if(
            models->begin(), models->end(), [](const RegisteredModel& m) { return m.name == "resnet-classifier"; });
        QVERIFY(it != models->end());
        // The alias folder wins over the stale lists in meta.yaml ('temp' was deleted).
        QCOMPARE(it->aliases.size(), std::size_t(2));
        QCOMPARE(it->aliases[0].alias, std::string("challenger"));
        QCOMPARE(it->aliases[0].version, std::int64_t(3));
        QVERIFY(it->description);
        QCOMPARE(*it->description, std::string("ResNet-50 classifier for CIFAR-10.\n\nSecond paragraph."));
    }

    // ---- the parsers underneath ----

    // The fast meta.yaml reader must agree with yaml-cpp on every file MLflow wrote.
    void yamlFastPathAgreesWithYamlCpp()
    {
        int files = 0, fast = 0;
        QDirIterator it(QString::fromStdString(kFixture), QStringList {QStringLiteral("*.yaml")},
            QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const std::string path = it.next().toStdString();
            const std::string text = readFile(path);
            auto quick = YamlMeta::parse(text);
            auto full = YamlMeta::parseWithYamlCpp(text);
            QVERIFY2(quick && full, path.c_str());
            QVERIFY2(quick->sameContent(*full), path.c_str());
            ++files;
            fast += quick->usedFastPath() ? 1 : 0;
        }
        QCOMPARE(files, 43);
        QVERIFY(fast > files / 2); // most metas take the fast path
    }

    void yamlCases_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("plain") << QByteArray("a: b\nc: 12\n");
        QTest::newRow("quoted") << QByteArray("id: '0'\nname: 'it''s'\nempty: ''\n");
        QTest::newRow("null forms") << QByteArray("a: null\nb: ~\nc:\nd: Null\n");
        QTest::newRow("None is text") << QByteArray("current_stage: None\n");
        QTest::newRow("empty containers") << QByteArray("tags: []\naliases: {}\n");
        QTest::newRow("folded quoted") << QByteArray("d: 'first line\n\n  second'\n");
        QTest::newRow("folded plain") << QByteArray("d: a long\n  plain text\nx: 1\n");
        QTest::newRow("double quoted") << QByteArray("d: \"tab\\there\"\n");
        QTest::newRow("nested mapping") << QByteArray("tags:\n  a: b\n  c: d\nz: 1\n");
        QTest::newRow("block list") << QByteArray("tags:\n- a\n- b\n");
        QTest::newRow("comment") << QByteArray("a: b # note\n");
        QTest::newRow("colon in value") << QByteArray("uri: file:///x/y\nname: a:b\n");
        QTest::newRow("unicode") << QByteArray("name: Überlauf-✓-测试 run\n");
        QTest::newRow("document marker") << QByteArray("---\na: b\n...\n");
        QTest::newRow("crlf") << QByteArray("a: b\r\nc: d\r\n");
        QTest::newRow("trailing spaces") << QByteArray("a: b   \n");
        QTest::newRow("duplicate keys") << QByteArray("a: 1\na: 2\n");
        QTest::newRow("indicator start") << QByteArray("a: '@x'\nb: -1\nc: -inf\n");
    }

    void yamlCases()
    {
        QFETCH(QByteArray, text);
        const std::string_view view(text.constData(), static_cast<std::size_t>(text.size()));
        auto quick = YamlMeta::parse(view);
        auto full = YamlMeta::parseWithYamlCpp(view);
        QCOMPARE(quick.ok(), full.ok());
        if (quick.ok())
            QVERIFY(quick->sameContent(*full));
    }

    void yamlErrors()
    {
        for (const char* bad : {"", "   \n", "- a\n- b\n", "just text", "a: [unclosed\n", "\x01\x02\xff\xfe: ]["}) {
            auto parsed = YamlMeta::parse(bad);
            QVERIFY2(!parsed, bad);
            QVERIFY(!parsed.error().message.empty());
        }
        auto nullWord = YamlMeta::parse("a: null\nb: 'null'\n");
        QVERIFY(nullWord);
        QVERIFY(!nullWord->scalar("a"));
        QCOMPARE(*nullWord->scalar("b"), std::string("null"));
    }

    void metricNumbers()
    {
        std::int64_t i = 0;
        QVERIFY(parseMetricInt("9007199254740993", i) && i == 9007199254740993LL);
        QVERIFY(parseMetricInt("-5", i) && i == -5);
        QVERIFY(parseMetricInt("+7", i) && i == 7);
        QVERIFY(!parseMetricInt("1.0", i));
        QVERIFY(!parseMetricInt("99999999999999999999", i));
        QVERIFY(!parseMetricInt("", i));
        QVERIFY(!parseMetricInt("+-1", i));
        double d = 0;
        QVERIFY(parseMetricDouble("nan", d) && std::isnan(d));
        QVERIFY(parseMetricDouble("NaN", d) && std::isnan(d));
        QVERIFY(parseMetricDouble("inf", d) && d == std::numeric_limits<double>::infinity());
        QVERIFY(parseMetricDouble("-Infinity", d) && d == -std::numeric_limits<double>::infinity());
        QVERIFY(parseMetricDouble("-0.0", d) && d == 0.0 && std::signbit(d));
        QVERIFY(parseMetricDouble("1e+308", d) && d == 1e308);
        QVERIFY(parseMetricDouble("5e-324", d) && d == 5e-324);
        QVERIFY(parseMetricDouble("5", d) && d == 5.0);
        QVERIFY(parseMetricDouble("+.5", d) && d == 0.5);
        QVERIFY(parseMetricDouble("1.", d) && d == 1.0);
        // Python turns out-of-range literals into inf and 0; so does the parser.
        QVERIFY(parseMetricDouble("1e400", d) && d == std::numeric_limits<double>::infinity());
        QVERIFY(parseMetricDouble("-1e-400", d) && d == 0.0 && std::signbit(d));
        for (const char* bad : {"", "abc", "1.2.3", "e5", "1e", "nan(1)", "0x10", "1,5", "- 1", "infinit"})
            QVERIFY2(!parseMetricDouble(bad, d), bad);
    }

    // The one-pass reader of MLflow's common line and the general parser must agree on every line.
    void metricLineForms_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<bool>("valid");
        QTest::newRow("common") << QByteArray("1735689600000 0.5 7") << true;
        QTest::newRow("scientific") << QByteArray("1 -1e-05 3") << true;
        QTest::newRow("exponent sign") << QByteArray("1 1.5E+20 3") << true;
        QTest::newRow("integer value") << QByteArray("1 5 3") << true;
        QTest::newRow("inf") << QByteArray("1 inf 3") << true;
        QTest::newRow("nan upper") << QByteArray("1 NaN 3") << true;
        QTest::newRow("negative step") << QByteArray("1 2 -5") << true;
        QTest::newRow("19-digit step") << QByteArray("1 2 9223372036854775807") << true;
        QTest::newRow("crlf") << QByteArray("1 2 3\r") << true;
        QTest::newRow("trailing space") << QByteArray("1 2 3 ") << true;
        QTest::newRow("leading space") << QByteArray(" 1 2 3") << true;
        QTest::newRow("plus step") << QByteArray("1 2 +3") << true;
        QTest::newRow("two fields") << QByteArray("1 2") << true;
        QTest::newRow("five fields") << QByteArray("1 2 3 ds abc") << true;
        QTest::newRow("four fields") << QByteArray("1 2 3 ds") << false;
        QTest::newRow("bad exponent") << QByteArray("1 1e 3") << false;
        QTest::newRow("dot only") << QByteArray("1 . 3") << false;
        QTest::newRow("step overflow") << QByteArray("1 2 99999999999999999999") << false;
        QTest::newRow("float step") << QByteArray("1 2 3.0") << false;
        QTest::newRow("double space") << QByteArray("1 2  3") << false;
        QTest::newRow("tab") << QByteArray("1\t2 3") << false;
    }

    void metricLineForms()
    {
        QFETCH(QByteArray, line);
        QFETCH(bool, valid);
        const std::string text = line.toStdString();
        MetricScanner fast;
        fast.addText(text + "\n");
        const auto a = fast.finish();
        MetricScanner general;
        general.addLine(text);
        const auto b = general.finish();
        QCOMPARE(a.ok, valid);
        QCOMPARE(b.ok, valid);
        if (valid) {
            QCOMPARE(a.latest.step, b.latest.step);
            QCOMPARE(a.latest.timestamp, b.latest.timestamp);
            QVERIFY(test::sameDouble(a.latest.value, b.latest.value));
        }
    }

    void metricScanner()
    {
        {
            // Python's max over (step, timestamp, value): step first, then timestamp, then value.
            MetricScanner s;
            QVERIFY(s.addText("10 1.0 5\n20 0.5 5\n5 9.0 4\n20 0.7 5\n20 0.6 5\n"));
            const auto r = s.finish();
            QVERIFY(r.ok);
            QCOMPARE(r.count, std::int64_t(5));
            QCOMPARE(r.latest.value, 0.7);
            QCOMPARE(r.latest.timestamp, std::int64_t(20));
        }
        {
            // A NaN at the top stays when tied: nothing compares greater than it.
            MetricScanner s;
            QVERIFY(s.addText("1 nan 0\n1 5 0\n"));
            QVERIFY(std::isnan(s.finish().latest.value));
        }
        {
            // 2-field (pre-1.0) and 5-field (3.x dataset) lines.
            std::vector<MetricPoint> history;
            MetricScanner s(&history);
            QVERIFY(s.addText("100 0.5\n200 0.25 3 train abc123\n"));
            const auto r = s.finish();
            QVERIFY(r.ok);
            QCOMPARE(history.size(), std::size_t(2));
            QCOMPARE(history[0].step, std::int64_t(0));
            QCOMPARE(history[1].step, std::int64_t(3));
            QCOMPARE(r.latest.value, 0.25);
        }
        {
            MetricScanner s;
            QVERIFY(!s.addText("1 2 3\n1 2 3 4\n"));
            const auto r = s.finish();
            QVERIFY(!r.ok);
            QCOMPARE(r.errorLine, std::int64_t(2));
            QVERIFY(r.reason.find("found 4") != std::string::npos);
        }
        {
            MetricScanner s;
            s.addText("1 2 3\n1 x 3\n");
            const auto r = s.finish();
            QCOMPARE(r.errorLine, std::int64_t(2));
            QVERIFY(r.reason.find("'x' is not a number") != std::string::npos);
        }
        {
            MetricScanner s;
            s.addText("1 2 3\n17356");
            const auto r = s.finish();
            QVERIFY(!r.ok);
            QVERIFY(r.reason.find("truncated") != std::string::npos);
        }
        {
            MetricScanner s;
            QVERIFY(!s.finish().ok); // an empty file is malformed for MLflow
        }
        {
            // Two spaces make an empty field, as split(" ") does.
            MetricScanner s;
            s.addText("1  2 3\n");
            QVERIFY(!s.finish().ok);
        }
    }
};

QTEST_GUILESS_MAIN(TestMlrunsStore)
#include "tst_mlrunsstore.moc"
