// SPDX-License-Identifier: Apache-2.0
// MlrunsStore writes on a copy of the MLflow 2.22 fixture. The fixture itself holds the result of the
// same operations done by MLflow (README: renamed run, restored run, stage moves, aliases, a deleted
// version), so doing them again here must give those files byte for byte, timestamps aside; every
// test also checks that nothing else in the store changed.

#include "io/atomicfile.h"
#include "io/yamlmeta.h"
#include "io/yamlwriter.h"
#include "stores/mlruns/mlrunsstore.h"

#include <QTemporaryDir>
#include <QTest>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace runlens;
namespace fs = std::filesystem;

namespace {

const std::string kFixture = RUNLENS_FIXTURE_DIR "/file/mlruns";
const std::string kImage = "900844674041952973";
const std::string kRenamed = "f316c9f4747b43e4bac4816beaa3d303";
const std::string kRestored = "d4dbbfaac27a44339c7f693ec419ddbf";
const std::string kDeleted = "640e58612fa04e8ba762287352448dfc";
const std::string kResnetRun = "e10f02a4494e4ac79d6440711e2ebdaf";
const std::string kResnet = "models/resnet-classifier";

std::string readFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void writeFile(const std::string& path, const std::string& content)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
}

std::int64_t nowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// Every file of a tree, relative path -> bytes.
using Snapshot = std::map<std::string, std::string>;

Snapshot snapshot(const std::string& root)
{
    Snapshot out;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        if (entry.is_regular_file())
            out[fs::relative(entry.path(), root).string()] = readFile(entry.path().string());
    }
    return out;
}

// Paths added, removed or changed between two snapshots.
std::set<std::string> changed(const Snapshot& a, const Snapshot& b)
{
    std::set<std::string> out;
    for (const auto& [path, bytes] : a) {
        auto it = b.find(path);
        if (it == b.end() || it->second != bytes)
            out.insert(path);
    }
    for (const auto& [path, bytes] : b) {
        if (!a.contains(path))
            out.insert(path);
    }
    return out;
}

// The text with the line "key: ..." replaced (or removed when value is empty).
std::string withLine(const std::string& text, const std::string& key, const std::string& value)
{
    std::string out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (line.starts_with(key + ": ")) {
            if (!value.empty())
                out += key + ": " + value + "\n";
        } else {
            out += line + "\n";
        }
    }
    return out;
}

std::optional<std::int64_t> intKey(const std::string& text, const std::string& key)
{
    auto meta = YamlMeta::parse(text);
    if (!meta)
        return std::nullopt;
    auto v = meta->scalar(key);
    if (!v)
        return std::nullopt;
    return std::stoll(*v);
}

class StoreCopy
{
public:
    StoreCopy()
    {
        m_root = m_dir.path().toStdString() + "/mlruns";
        fs::copy(kFixture, m_root, fs::copy_options::recursive);
        ::chmod(m_dir.path().toUtf8().constData(), 0755);
        auto store = MlrunsStore::open(m_root);
        if (store)
            m_store = std::move(store.value());
    }
    ~StoreCopy() { ::chmod(m_root.c_str(), 0755); }
    const std::string& root() const { return m_root; }
    std::string path(const std::string& relative) const { return m_root + "/" + relative; }
    std::string read(const std::string& relative) const { return readFile(path(relative)); }
    MlrunsStore& store() { return *m_store; }
    Snapshot snap() const { return snapshot(m_root); }

private:
    QTemporaryDir m_dir;
    std::string m_root;
    std::unique_ptr<MlrunsStore> m_store;
};

std::string fixture(const std::string& relative)
{
    return readFile(kFixture + "/" + relative);
}

std::string runMeta(const std::string& runId)
{
    return kImage + "/" + runId + "/meta.yaml";
}

const ModelVersion* findVersion(const std::vector<ModelVersion>& versions, std::int64_t n)
{
    for (const ModelVersion& v : versions) {
        if (v.version == n)
            return &v;
    }
    return nullptr;
}

} // namespace

class TestMlrunsWrites : public QObject
{
    Q_OBJECT

private slots:
    // ---- the YAML writer against every meta.yaml MLflow wrote ----

    void yamlWriterReproducesFixtureEntries()
    {
        int checked = 0;
        for (const auto& entry : fs::recursive_directory_iterator(kFixture)) {
            if (entry.path().filename() != "meta.yaml")
                continue;
            const std::string text = readFile(entry.path().string());
            auto meta = YamlMeta::parse(text);
            QVERIFY(meta.ok());
            // Cut the document at its top-level keys.
            std::vector<std::pair<std::string, std::string>> entries;
            std::istringstream in(text);
            std::string line;
            while (std::getline(in, line)) {
                if (!line.empty() && line.front() != ' ' && line.front() != '-')
                    entries.emplace_back(line.substr(0, line.find(':')), line + "\n");
                else
                    entries.back().second += line + "\n";
            }
            for (const auto& [key, bytes] : entries) {
                const YamlMeta::Value* value = meta->find(key);
                QVERIFY(value);
                if (value->kind == YamlMeta::Kind::Null) {
                    QCOMPARE(YamlWriter::rawEntry(key, "null"), bytes);
                } else if (value->kind == YamlMeta::Kind::Scalar) {
                    const auto asString = YamlWriter::stringEntry(key, value->text);
                    QVERIFY2(asString == bytes || YamlWriter::rawEntry(key, value->text) == bytes,
                        (entry.path().string() + ": " + bytes).c_str());
                    ++checked;
                }
            }
        }
        QVERIFY(checked > 300);
    }

    void yamlWriterQuotingAndFolding()
    {
        QCOMPARE(*YamlWriter::stringEntry("run_name", "123"), std::string("run_name: '123'\n"));
        QCOMPARE(*YamlWriter::stringEntry("current_stage", "None"), std::string("current_stage: None\n"));
        QCOMPARE(*YamlWriter::stringEntry("d", ""), std::string("d: ''\n"));
        QCOMPARE(*YamlWriter::stringEntry("d", "it's: here"), std::string("d: 'it''s: here'\n"));
        QCOMPARE(*YamlWriter::stringEntry("d", "true"), std::string("d: 'true'\n"));
        QCOMPARE(*YamlWriter::stringEntry("description", "a\n\nb"), std::string("description: 'a\n\n\n  b'\n"));
        QVERIFY(!YamlWriter::stringEntry("d", "tab\there"));
        QVERIFY(!YamlWriter::stringEntry("d", "space \nbreak"));
        // A long plain string folds at the first single space past column 80.
        const std::string words = "word word word word word word word word word word word word word word word word "
                                  "word word";
        const std::string entry = *YamlWriter::stringEntry("description", words);
        QVERIFY(entry.find("\n  word") != std::string::npos);
        auto back = YamlMeta::parse(entry);
        QVERIFY(back.ok());
        QCOMPARE(*back->scalar("description"), words);
    }

    // ---- runs ----

    void renameRunGivesMlflowsBytes()
    {
        StoreCopy copy;
        const Snapshot before = copy.snap();
        // The fixture's renamed run was created as 'old-name' and renamed by MLflow: do the same.
        QVERIFY(copy.store().renameRun(kRenamed, "old-name").ok());
        QCOMPARE(copy.store().run(kRenamed)->info.runName, std::string("old-name"));
        QCOMPARE(*findValue(copy.store().run(kRenamed)->tags, "mlflow.runName"), std::string("old-name"));
        QVERIFY(copy.store().renameRun(kRenamed, "renamed-run").ok());
        QCOMPARE(changed(before, copy.snap()), std::set<std::string> {});
        // A name YAML would read as a number is quoted, as PyYAML does.
        QVERIFY(copy.store().setRunTag(kRenamed, "mlflow.runName", "123").ok());
        QVERIFY(copy.read(runMeta(kRenamed)).find("run_name: '123'\n") != std::string::npos);
        QCOMPARE(copy.store().run(kRenamed)->info.runName, std::string("123"));
        QCOMPARE(changed(before, copy.snap()),
            (std::set<std::string> {runMeta(kRenamed), kImage + "/" + kRenamed + "/tags/mlflow.runName"}));
    }

    void deleteAndRestoreGiveMlflowsBytes()
    {
        StoreCopy copy;
        const Snapshot before = copy.snap();
        const std::int64_t start = nowMs();
        QVERIFY(copy.store().deleteRun(kRestored).ok());
        const std::string deleted = copy.read(runMeta(kRestored));
        const auto when = intKey(deleted, "deleted_time");
        QVERIFY(when && *when >= start && *when <= nowMs());
        // Same bytes as MLflow's delete: lifecycle_stage deleted, deleted_time in key order.
        std::string expected = withLine(fixture(runMeta(kRestored)), "lifecycle_stage", "deleted");
        expected.insert(expected.find("end_time:"), "deleted_time: " + std::to_string(*when) + "\n");
        QCOMPARE(deleted, expected);
        QCOMPARE(copy.store().run(kRestored)->info.lifecycleStage, LifecycleStage::Deleted);
        QCOMPARE(copy.store().deleteRun(kRestored).error().code, ErrorCode::InvalidParameterValue);
        // Restoring gives exactly the file MLflow left after its own delete + restore.
        QVERIFY(copy.store().restoreRun(kRestored).ok());
        QCOMPARE(changed(before, copy.snap()), std::set<std::string> {});
        QCOMPARE(copy.store().restoreRun(kRestored).error().code, ErrorCode::InvalidParameterValue);

        // The deleted run: restore drops deleted_time, delete sets it again.
        QVERIFY(copy.store().restoreRun(kDeleted).ok());
        QCOMPARE(copy.read(runMeta(kDeleted)),
            withLine(withLine(fixture(runMeta(kDeleted)), "lifecycle_stage", "active"), "deleted_time", ""));
        RunQuery query;
        query.experimentIds = {kImage};
        auto active = copy.store().searchRuns(query);
        QVERIFY(std::any_of(
            active->runs.begin(), active->runs.end(), [](const Run& r) { return r.info.runId == kDeleted; }));
        QVERIFY(copy.store().deleteRun(kDeleted).ok());
        QVERIFY(intKey(copy.read(runMeta(kDeleted)), "deleted_time").has_value());
        QCOMPARE(changed(before, copy.snap()), std::set<std::string> {runMeta(kDeleted)});
    }

    void runTags()
    {
        StoreCopy copy;
        const Snapshot before = copy.snap();
        const std::string tags = kImage + "/" + kRenamed + "/tags/";
        QVERIFY(copy.store().setRunTag(kRenamed, "note", "first\nsecond").ok());
        QVERIFY(copy.store().setRunTag(kRenamed, "team/owner", "vision").ok());
        QCOMPARE(copy.read(tags + "note"), std::string("first\nsecond"));
        QCOMPARE(copy.read(tags + "team/owner"), std::string("vision"));
        auto run = copy.store().run(kRenamed);
        QCOMPARE(*findValue(run->tags, "note"), std::string("first\nsecond"));
        QCOMPARE(*findValue(run->tags, "team/owner"), std::string("vision"));
        QCOMPARE(changed(before, copy.snap()), (std::set<std::string> {tags + "note", tags + "team/owner"}));
        QVERIFY(copy.store().setRunTag(kRenamed, "note", "").ok());
        QCOMPARE(*findValue(copy.store().run(kRenamed)->tags, "note"), std::string());
        QVERIFY(copy.store().deleteRunTag(kRenamed, "note").ok());
        QVERIFY(copy.store().deleteRunTag(kRenamed, "team/owner").ok());
        QCOMPARE(copy.store().deleteRunTag(kRenamed, "note").error().code, ErrorCode::ResourceDoesNotExist);
        QCOMPARE(changed(before, copy.snap()), std::set<std::string> {});

        // Refused without touching anything: bad keys, long values, deleted or unknown runs.
        for (const std::string key : {"", "../escape", "/abs", "a//b", "a/./b", "semi;colon", "trail/"})
            QCOMPARE(copy.store().setRunTag(kRenamed, key, "x").error().code, ErrorCode::InvalidParameterValue);
        QCOMPARE(copy.store().setRunTag(kRenamed, "k", std::string(8001, 'x')).error().code,
            ErrorCode::InvalidParameterValue);
        QVERIFY(copy.store().setRunTag(kRenamed, "k", std::string(8000, 'x')).ok());
        QVERIFY(copy.store().deleteRunTag(kRenamed, "k").ok());
        auto onDeleted = copy.store().setRunTag(kDeleted, "k", "v");
        QCOMPARE(onDeleted.error().code, ErrorCode::InvalidParameterValue);
        QVERIFY(onDeleted.error().message.find("active") != std::string::npos);
        QCOMPARE(copy.store().renameRun(kDeleted, "x").error().code, ErrorCode::InvalidParameterValue);
        QCOMPARE(copy.store().deleteRunTag(kDeleted, "mlflow.user").error().code, ErrorCode::InvalidParameterValue);
        QCOMPARE(copy.store().setRunTag("0123456789abcdef0123456789abcdef", "k", "v").error().code,
            ErrorCode::ResourceDoesNotExist);
        QCOMPARE(copy.store().renameRun(kRenamed, "tab\tname").error().code, ErrorCode::InvalidParameterValue);
        QCOMPARE(changed(before, copy.snap()), std::set<std::string> {});
    }

    void unknownMetaKeysAreKept()
    {
        StoreCopy copy;
        // A newer MLflow may add keys; a rewrite keeps them, byte for byte, in key order.
        std::string meta = copy.read(runMeta(kRenamed));
        meta.insert(meta.find("end_time:"), "custom_list:\n- odd: item\n- two\ncustom_map:\n  nested: value\n");
        meta += "zz_future: 'keep me'\n";
        writeFile(copy.path(runMeta(kRenamed)), meta);
        auto renamed = copy.store().renameRun(kRenamed, "other");
        QVERIFY2(renamed.ok(), renamed.ok() ? "" : renamed.error().toString().c_str());
        QCOMPARE(copy.read(runMeta(kRenamed)), withLine(meta, "run_name", "other"));
        // A layout MLflow never writes is refused, not guessed at.
        writeFile(copy.path(runMeta(kRenamed)), "'quoted key': 1\n" + meta);
        QCOMPARE(copy.store().renameRun(kRenamed, "again").error().code, ErrorCode::InvalidParameterValue);
        QCOMPARE(copy.read(runMeta(kRenamed)), "'quoted key': 1\n" + meta);
    }

    // ---- registry ----

    void stageTransitions()
    {
        StoreCopy copy;
        const Snapshot before = copy.snap();
        const std::int64_t start = nowMs();
        // Moving v2 to Production again, as MLflow did, gives its files with new timestamps only.
        auto v2 = copy.store().transitionModelVersionStage("resnet-classifier", 2, "PRODUCTION", true);
        QVERIFY(v2.ok());
        QCOMPARE(v2->currentStage, std::string("Production"));
        QVERIFY(v2->lastUpdatedTimestamp >= start);
        const std::string stamp = std::to_string(v2->lastUpdatedTimestamp);
        QCOMPARE(copy.read(kResnet + "/version-2/meta.yaml"),
            withLine(fixture(kResnet + "/version-2/meta.yaml"), "last_updated_timestamp", stamp));
        QCOMPARE(copy.read(kResnet + "/meta.yaml"),
            withLine(fixture(kResnet + "/meta.yaml"), "last_updated_timestamp", stamp));
        QCOMPARE(changed(before, copy.snap()),
            (std::set<std::string> {kResnet + "/version-2/meta.yaml", kResnet + "/meta.yaml"}));

        // v3 to production, archiving the others there: v2 is archived with the same timestamp.
        auto v3 = copy.store().transitionModelVersionStage("resnet-classifier", 3, "production", true);
        QVERIFY(v3.ok());
        QCOMPARE(v3->aliases, std::vector<std::string> {"challenger"});
        auto versions = copy.store().modelVersions("resnet-classifier");
        QVERIFY(versions.ok());
        QCOMPARE(findVersion(*versions, 3)->currentStage, std::string("Production"));
        QCOMPARE(findVersion(*versions, 2)->currentStage, std::string("Archived"));
        QCOMPARE(findVersion(*versions, 2)->lastUpdatedTimestamp, v3->lastUpdatedTimestamp);
        QCOMPARE(findVersion(*versions, 1)->currentStage, std::string("Archived"));
        QCOMPARE(findVersion(*versions, 1)->lastUpdatedTimestamp, std::int64_t(1795663693296)); // untouched
        QCOMPARE(findVersion(*versions, 4)->currentStage, std::string("None"));
        auto models = copy.store().registeredModels();
        for (const RegisteredModel& m : *models) {
            if (m.name == "resnet-classifier")
                QCOMPARE(m.lastUpdatedTimestamp, v3->lastUpdatedTimestamp);
        }
        // Without archiving, two versions may share a stage; 'none' is canonicalised to None.
        QVERIFY(copy.store().transitionModelVersionStage("resnet-classifier", 4, "production", false).ok());
        QVERIFY(copy.store().transitionModelVersionStage("resnet-classifier", 2, "none", false).ok());
        QVERIFY(copy.read(kResnet + "/version-2/meta.yaml").find("current_stage: None\n") != std::string::npos);
        versions = copy.store().modelVersions("resnet-classifier");
        QCOMPARE(findVersion(*versions, 3)->currentStage, std::string("Production"));
        QCOMPARE(findVersion(*versions, 4)->currentStage, std::string("Production"));
    }

    void stageErrorsChangeNothing()
    {
        StoreCopy copy;
        const Snapshot before = copy.snap();
        QCOMPARE(copy.store().transitionModelVersionStage("resnet-classifier", 2, "prod", false).error().code,
            ErrorCode::InvalidParameterValue);
        QCOMPARE(copy.store().transitionModelVersionStage("resnet-classifier", 2, "Archived", true).error().code,
            ErrorCode::InvalidParameterValue);
        QCOMPARE(copy.store().transitionModelVersionStage("resnet-classifier", 9, "Staging", false).error().code,
            ErrorCode::ResourceDoesNotExist);
        QCOMPARE(copy.store().transitionModelVersionStage("no-such-model", 1, "Staging", false).error().code,
            ErrorCode::ResourceDoesNotExist);
        // sentiment-bert/2 was deleted by MLflow: it stays on disk but does not exist.
        QCOMPARE(copy.store().transitionModelVersionStage("sentiment-bert", 2, "Staging", false).error().code,
            ErrorCode::ResourceDoesNotExist);
        QCOMPARE(copy.store().setModelAlias("sentiment-bert", "x", 2).error().code, ErrorCode::ResourceDoesNotExist);
        QCOMPARE(copy.store().setModelVersionTag("sentiment-bert", 2, "k", "v").error().code,
            ErrorCode::ResourceDoesNotExist);
        QCOMPARE(copy.store().updateModelVersionDescription("sentiment-bert", 2, "d").error().code,
            ErrorCode::ResourceDoesNotExist);
        QCOMPARE(changed(before, copy.snap()), std::set<std::string> {});
    }

    void aliases()
    {
        StoreCopy copy;
        const Snapshot before = copy.snap();
        // The fixture's 'temp' alias on v4 was set and deleted by MLflow.
        QVERIFY(copy.store().setModelAlias("resnet-classifier", "temp", 4).ok());
        QCOMPARE(copy.read(kResnet + "/aliases/temp"), std::string("4"));
        auto versions = copy.store().modelVersions("resnet-classifier");
        QCOMPARE(findVersion(*versions, 4)->aliases, std::vector<std::string> {"temp"});
        const auto touched = intKey(copy.read(kResnet + "/meta.yaml"), "last_updated_timestamp");
        QVERIFY(touched && *touched > 1795663693314);
        // One alias, one version: setting it again moves it.
        QVERIFY(copy.store().setModelAlias("resnet-classifier", "champion", 3).ok());
        versions = copy.store().modelVersions("resnet-classifier");
        QCOMPARE(findVersion(*versions, 2)->aliases, std::vector<std::string> {});
        QCOMPARE(findVersion(*versions, 3)->aliases, (std::vector<std::string> {"challenger", "champion"}));
        QVERIFY(copy.store().setModelAlias("resnet-classifier", "champion", 2).ok());
        QVERIFY(copy.store().deleteModelAlias("resnet-classifier", "temp").ok());
        QVERIFY(copy.store().deleteModelAlias("resnet-classifier", "temp").ok()); // absent: no error
        const std::set<std::string> changes = changed(before, copy.snap());
        QCOMPARE(changes, std::set<std::string> {kResnet + "/meta.yaml"});
        QCOMPARE(copy.read(kResnet + "/meta.yaml"),
            withLine(fixture(kResnet + "/meta.yaml"), "last_updated_timestamp",
                std::to_string(*intKey(copy.read(kResnet + "/meta.yaml"), "last_updated_timestamp"))));

        for (const std::string& bad :
            std::vector<std::string> {"latest", "LATEST", "v1", "V12", "a b", "", "a.b", std::string(256, 'a')})
            QCOMPARE(
                copy.store().setModelAlias("resnet-classifier", bad, 2).error().code, ErrorCode::InvalidParameterValue);
        QVERIFY(copy.store().setModelAlias("resnet-classifier", "v1x-ok_", 2).ok());
        QVERIFY(copy.store().deleteModelAlias("resnet-classifier", "v1x-ok_").ok());
        QCOMPARE(copy.store().deleteModelAlias("no-such-model", "a").error().code, ErrorCode::ResourceDoesNotExist);
        QCOMPARE(
            copy.store().setModelAlias("resnet-classifier", "x", 42).error().code, ErrorCode::ResourceDoesNotExist);
    }

    void registryTagsAndDescriptions()
    {
        StoreCopy copy;
        const Snapshot before = copy.snap();
        QVERIFY(copy.store().setRegisteredModelTag("resnet-classifier", "stage/gate", "passed").ok());
        QCOMPARE(copy.read(kResnet + "/tags/stage/gate"), std::string("passed"));
        QVERIFY(copy.store().setModelVersionTag("resnet-classifier", 3, "iteration", "22").ok());
        QCOMPARE(copy.read(kResnet + "/version-3/tags/iteration"), std::string("22"));
        auto versions = copy.store().modelVersions("resnet-classifier");
        QCOMPARE(*findValue(findVersion(*versions, 3)->tags, "iteration"), std::string("22"));
        QVERIFY(copy.store().setModelVersionTag("resnet-classifier", 3, "iteration", "2").ok());
        QVERIFY(copy.store().deleteRegisteredModelTag("resnet-classifier", "stage/gate").ok());
        QVERIFY(copy.store().deleteRegisteredModelTag("resnet-classifier", "absent").ok());
        QVERIFY(copy.store().deleteModelVersionTag("resnet-classifier", 3, "absent").ok());
        QCOMPARE(copy.store().setRegisteredModelTag("resnet-classifier", "k", std::string(5001, 'x')).error().code,
            ErrorCode::InvalidParameterValue);
        // Only the model's last_updated_timestamp moved (MLflow's file store bumps it for tags).
        auto changes = changed(before, copy.snap());
        changes.erase(kResnet + "/tags/stage"); // not a file
        QCOMPARE(changes, std::set<std::string> {kResnet + "/meta.yaml"});

        // Descriptions: MLflow's multi-line description gives its bytes back.
        const std::string description = "ResNet-50 classifier for CIFAR-10.\n\nSecond paragraph.";
        QVERIFY(copy.store().updateRegisteredModelDescription("resnet-classifier", "short").ok());
        QVERIFY(copy.store().updateRegisteredModelDescription("resnet-classifier", description).ok());
        const std::string meta = copy.read(kResnet + "/meta.yaml");
        QCOMPARE(meta,
            withLine(fixture(kResnet + "/meta.yaml"), "last_updated_timestamp",
                std::to_string(*intKey(meta, "last_updated_timestamp"))));
        QVERIFY(copy.store().updateModelVersionDescription("resnet-classifier", 1, "first version — baseline").ok());
        const std::string v1 = copy.read(kResnet + "/version-1/meta.yaml");
        QCOMPARE(v1,
            withLine(fixture(kResnet + "/version-1/meta.yaml"), "last_updated_timestamp",
                std::to_string(*intKey(v1, "last_updated_timestamp"))));
        QCOMPARE(copy.store().modelVersions("resnet-classifier")->front().description,
            std::optional<std::string>("first version — baseline"));
        // A null description becomes a string; the version's time moves, the model's does not.
        const std::string modelBefore = copy.read("models/sentiment-bert/meta.yaml");
        QVERIFY(copy.store().updateModelVersionDescription("sentiment-bert", 1, "").ok());
        QVERIFY(copy.read("models/sentiment-bert/version-1/meta.yaml").find("description: ''\n") != std::string::npos);
        QCOMPARE(copy.read("models/sentiment-bert/meta.yaml"), modelBefore);
        QCOMPARE(copy.store().updateRegisteredModelDescription("resnet-classifier", "tab\there").error().code,
            ErrorCode::InvalidParameterValue);
        // The Unicode model's folder and meta are found and rewritten as such.
        QVERIFY(copy.store().setRegisteredModelTag("Ünïcode model ✓", "ключ", "значение ✓").ok());
        QCOMPARE(copy.read("models/Ünïcode model ✓/tags/ключ"), std::string("значение ✓"));
    }

    // ---- permissions ----

    void capabilitiesFollowWritability()
    {
        StoreCopy copy;
        QVERIFY(has(copy.store().capabilities(), Capability::WriteRuns));
        QVERIFY(has(copy.store().capabilities(), Capability::WriteRegistry));
        QCOMPARE(AtomicFile::errorFor(EROFS, "write", "/x/meta.yaml").code, ErrorCode::PermissionDenied);
        // Root ignores file modes, so the read-only case runs in a child that drops to an unprivileged user.
        const std::vector<std::string> dirs = {"", kImage, kImage + "/" + kRenamed, kImage + "/" + kRenamed + "/tags",
            "models", kResnet, kResnet + "/version-2"};
        for (const std::string& d : dirs)
            ::chmod(copy.path(d).c_str(), 0555);
        ::chmod(copy.path(runMeta(kRenamed)).c_str(), 0444);
        const pid_t pid = ::fork();
        if (pid == 0) {
            if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0))
                ::_exit(10);
            auto store = MlrunsStore::open(copy.root());
            if (!store)
                ::_exit(11);
            const Capabilities caps = (*store)->capabilities();
            if (has(caps, Capability::WriteRuns) || has(caps, Capability::WriteRegistry)
                || !has(caps, Capability::Registry))
                ::_exit(12);
            auto tag = (*store)->setRunTag(kRenamed, "k", "v");
            if (tag.ok() || tag.error().code != ErrorCode::PermissionDenied
                || tag.error().message.find(kRenamed) == std::string::npos)
                ::_exit(13);
            auto stage = (*store)->transitionModelVersionStage("resnet-classifier", 2, "Staging", false);
            if (stage.ok() || stage.error().code != ErrorCode::PermissionDenied
                || stage.error().message.find("version-2") == std::string::npos)
                ::_exit(14);
            if (!(*store)->run(kRenamed).ok())
                ::_exit(15);
            ::_exit(0);
        }
        int status = 0;
        QCOMPARE(::waitpid(pid, &status, 0), pid);
        for (const std::string& d : dirs)
            ::chmod(copy.path(d).c_str(), 0755);
        QVERIFY(WIFEXITED(status));
        QCOMPARE(WEXITSTATUS(status), 0);
        QCOMPARE(copy.read(runMeta(kRenamed)), fixture(runMeta(kRenamed)));
    }
};

QTEST_GUILESS_MAIN(TestMlrunsWrites)
#include "tst_mlrunswrites.moc"
