// SPDX-License-Identifier: Apache-2.0
// Model-version and registered-model search (formats §D.6): hand-built versions for each rule, and
// the registry MLflow wrote (expected.json, sqlite store) against the answers its server recorded
// (rest-transcript.jsonl).
#include "search/modelversionsearch.h"
#include "search/registeredmodelsearch.h"

#include <QFile>
#include <QTest>

#include <nlohmann/json.hpp>

#include <algorithm>

using namespace runlens;
using namespace Qt::Literals::StringLiterals;
using Json = nlohmann::json;

namespace {

ModelVersion version(std::string name, std::int64_t number, std::int64_t updated, std::vector<KeyValue> tags = {},
    std::string stage = "None")
{
    ModelVersion mv;
    mv.name = std::move(name);
    mv.version = number;
    mv.creationTimestamp = updated - 10;
    mv.lastUpdatedTimestamp = updated;
    mv.source = "models:/m-" + std::to_string(number);
    mv.runId = "run" + std::to_string(number);
    mv.currentStage = std::move(stage);
    std::sort(tags.begin(), tags.end(), [](const KeyValue& a, const KeyValue& b) { return a.key < b.key; });
    mv.tags = std::move(tags);
    return mv;
}

std::vector<ModelVersion> handBuilt()
{
    std::vector<ModelVersion> v = {
        version("churn", 1, 100, {{"validated", "yes"}}),
        version("churn", 2, 300, {{"validated", "no"}}),
        version("churn", 3, 200),
        version("Churn-Large", 1, 300),
        version("prompt-a", 1, 400, {{"mlflow.prompt.is_prompt", "true"}}),
        version("churn", 4, 500, {}, "Deleted_Internal"),
        version("notprompt", 1, 50, {{"mlflow.prompt.is_prompt", "false"}}),
    };
    v[2].runId.reset();
    return v;
}

// "name/version" of the versions that match, in the search's order.
QStringList search(
    const QString& filter, const QStringList& orderBy = {}, std::vector<ModelVersion> versions = handBuilt())
{
    std::vector<std::string> order;
    for (const QString& o : orderBy)
        order.push_back(o.toStdString());
    const auto s = ModelVersionSearch::parse(filter.toStdString(), order);
    if (!s)
        return {u"ERROR: "_s + QString::fromStdString(s.error().message)};
    std::vector<ModelVersion> kept;
    for (const auto& mv : versions) {
        if (s->matches(mv))
            kept.push_back(mv);
    }
    s->sort(kept);
    QStringList out;
    for (const auto& mv : kept)
        out << QString::fromStdString(mv.name) + u'/' + QString::number(mv.version);
    return out;
}

QStringList list(const char* csv)
{
    return QString::fromUtf8(csv).split(u',', Qt::SkipEmptyParts);
}

Json readJson(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Json();
    const QByteArray bytes = f.readAll();
    return Json::parse(bytes.constData(), bytes.constData() + bytes.size(), nullptr, false);
}

std::vector<KeyValue> tagsOf(const Json& object)
{
    std::vector<KeyValue> tags;
    for (const auto& [k, v] : object.items())
        tags.push_back({k, v.get<std::string>()});
    std::sort(tags.begin(), tags.end(), [](const KeyValue& a, const KeyValue& b) { return a.key < b.key; });
    return tags;
}

} // namespace

class TestModelVersionSearch : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void filters_data();
    void filters();
    void likeDialects();
    void ordering_data();
    void ordering();
    void errors_data();
    void errors();
    void registeredModels();
    void recordedRegistry();
};

void TestModelVersionSearch::filters_data()
{
    QTest::addColumn<QString>("filter");
    QTest::addColumn<QStringList>("expected"); // default order: last_updated DESC, name ASC, version DESC

    QTest::newRow("everything, deleted and prompts left out")
        << QString() << list("Churn-Large/1,churn/2,churn/3,churn/1,notprompt/1");
    QTest::newRow("name =") << u"name = 'churn'"_s << list("churn/2,churn/3,churn/1");
    QTest::newRow("name case-sensitive") << u"name = 'CHURN'"_s << QStringList();
    QTest::newRow("name ILIKE") << u"name ILIKE 'churn%'"_s << list("Churn-Large/1,churn/2,churn/3,churn/1");
    QTest::newRow("attribute prefix") << u"attribute.name != 'churn'"_s << list("Churn-Large/1,notprompt/1");
    QTest::newRow("version_number") << u"version_number >= 2"_s << list("churn/2,churn/3");
    QTest::newRow("version_number and name") << u"name = 'churn' AND version_number < 3"_s << list("churn/2,churn/1");
    QTest::newRow("run_id") << u"run_id = 'run1'"_s << list("Churn-Large/1,churn/1,notprompt/1");
    QTest::newRow("run_id missing never matches") << u"run_id != 'run1'"_s << list("churn/2");
    QTest::newRow("run_id IN") << u"run_id IN ('run2', 'run3')"_s << list("churn/2");
    QTest::newRow("source_path") << u"source_path LIKE '%-2'"_s << list("churn/2");
    QTest::newRow("tag") << u"tags.validated = 'yes'"_s << list("churn/1");
    QTest::newRow("tag singular, missing never matches") << u"tag.validated != 'yes'"_s << list("churn/2");
    QTest::newRow("tag key quoted") << u"tags.`validated` LIKE 'n%'"_s << list("churn/2");
    QTest::newRow("naming the prompt tag keeps prompts")
        << u"tags.`mlflow.prompt.is_prompt` = 'true'"_s << list("prompt-a/1");
    QTest::newRow("prompt tag named anywhere") << u"name LIKE '%' OR tags.`mlflow.prompt.is_prompt` = 'x'"_s
                                               << list("prompt-a/1,Churn-Large/1,churn/2,churn/3,churn/1,notprompt/1");
    QTest::newRow("OR and NOT") << u"NOT name = 'churn' OR version_number = 1"_s
                                << list("Churn-Large/1,churn/1,notprompt/1");
}

void TestModelVersionSearch::filters()
{
    QFETCH(QString, filter);
    QFETCH(QStringList, expected);
    QCOMPARE(search(filter), expected);
}

void TestModelVersionSearch::likeDialects()
{
    // '.' is literal on every store (MLflow's file registry turns the pattern into a regex, where it
    // matches any character: docs/search.md).
    QCOMPARE(search(u"name LIKE 'Churn.Large'"_s), QStringList());
    QCOMPARE(search(u"name LIKE 'Churn-Large'"_s), list("Churn-Large/1"));
}

void TestModelVersionSearch::ordering_data()
{
    QTest::addColumn<QStringList>("orderBy");
    QTest::addColumn<QStringList>("expected");

    QTest::newRow("name ASC, then version DESC")
        << QStringList {u"name ASC"_s} << list("Churn-Large/1,churn/3,churn/2,churn/1,notprompt/1");
    QTest::newRow("version_number") << QStringList {u"version_number"_s}
                                    << list("Churn-Large/1,churn/1,notprompt/1,churn/2,churn/3");
    QTest::newRow("creation_timestamp DESC")
        << QStringList {u"creation_timestamp DESC"_s} << list("Churn-Large/1,churn/2,churn/3,churn/1,notprompt/1");
    QTest::newRow("last_updated ASC") << QStringList {u"attribute.last_updated_timestamp ASC"_s}
                                      << list("notprompt/1,churn/1,churn/3,Churn-Large/1,churn/2");
}

void TestModelVersionSearch::ordering()
{
    QFETCH(QStringList, orderBy);
    QFETCH(QStringList, expected);
    QCOMPARE(search(QString(), orderBy), expected);
}

void TestModelVersionSearch::errors_data()
{
    QTest::addColumn<QString>("filter");
    QTest::addColumn<QStringList>("orderBy");
    QTest::addColumn<QString>("message");

    QTest::newRow("attributes. is rejected")
        << u"attributes.name = 'x'"_s << QStringList() << u"Invalid entity type 'attributes' at position 0"_s;
    QTest::newRow("unknown attribute") << u"stage = 'None'"_s << QStringList()
                                       << u"Invalid attribute key 'stage' at position 0"_s;
    QTest::newRow("quoted attribute is not a key")
        << u"`name` = 'x'"_s << QStringList() << u"Invalid attribute key '`name`'"_s;
    QTest::newRow("version needs an integer")
        << u"version_number > '2'"_s << QStringList()
        << u"Expected an integer value for attribute 'version_number' at position 17"_s;
    QTest::newRow("NOT IN not supported")
        << u"run_id NOT IN ('a')"_s << QStringList() << u"Invalid comparator 'NOT IN' at position 7"_s;
    QTest::newRow("IN on name") << u"name IN ('a')"_s << QStringList() << u"Invalid comparator 'IN' at position 5"_s;
    QTest::newRow("metrics prefix") << u"metrics.x > 1"_s << QStringList() << u"Invalid entity type 'metrics'"_s;
    QTest::newRow("order by tag") << QString() << QStringList {u"tags.x"_s} << u"Invalid order_by entity: tag"_s;
    QTest::newRow("order by unknown") << QString() << QStringList {u"run_id"_s} << u"Invalid attribute key 'run_id'"_s;
    QTest::newRow("order twice") << QString() << QStringList {u"name"_s, u"name DESC"_s} << u"duplicate fields"_s;
}

void TestModelVersionSearch::errors()
{
    QFETCH(QString, filter);
    QFETCH(QStringList, orderBy);
    QFETCH(QString, message);
    std::vector<std::string> order;
    for (const QString& o : orderBy)
        order.push_back(o.toStdString());
    const auto s = ModelVersionSearch::parse(filter.toStdString(), order);
    QVERIFY(!s);
    QCOMPARE(s.error().code, ErrorCode::InvalidParameterValue);
    QVERIFY2(QString::fromStdString(s.error().message).contains(message), s.error().message.c_str());
}

void TestModelVersionSearch::registeredModels()
{
    auto model = [](std::string name, std::int64_t created, std::int64_t updated, std::vector<KeyValue> tags = {}) {
        RegisteredModel m;
        m.name = std::move(name);
        m.creationTimestamp = created;
        m.lastUpdatedTimestamp = updated;
        m.tags = std::move(tags);
        return m;
    };
    const std::vector<RegisteredModel> models = {
        model("b-model", 1, 30, {{"team", "vision"}}),
        model("a-model", 2, 20),
        model("prompt", 3, 10, {{"mlflow.prompt.is_prompt", "true"}}),
        model("c_model", 4, 40, {{"team", "nlp"}}),
    };
    auto run = [&](const char* filter, std::vector<std::string> order = {}) {
        const auto s = RegisteredModelSearch::parse(filter, order);
        if (!s)
            return QStringList {QString::fromStdString(s.error().message)};
        std::vector<RegisteredModel> kept;
        for (const auto& m : models) {
            if (s->matches(m))
                kept.push_back(m);
        }
        s->sort(kept);
        QStringList out;
        for (const auto& m : kept)
            out << QString::fromStdString(m.name);
        return out;
    };
    QCOMPARE(run(""), list("a-model,b-model,c_model"));
    QCOMPARE(run("name LIKE '%-%'"), list("a-model,b-model"));
    QCOMPARE(run("tags.team != 'nlp' OR name = 'a-model'"), list("a-model,b-model"));
    QCOMPARE(run("tags.`mlflow.prompt.is_prompt` = 'true'"), list("prompt"));
    QCOMPARE(run("", {"last_updated_timestamp DESC"}), list("c_model,b-model,a-model"));
    QCOMPARE(run("", {"timestamp"}), list("a-model,b-model,c_model"));
    QCOMPARE(run("", {"creation_timestamp DESC"}), list("c_model,a-model,b-model"));
    QCOMPARE(run("", {"name DESC"}), list("c_model,b-model,a-model"));
    QVERIFY(run("run_id = 'x'").front().contains(u"Invalid attribute key 'run_id'"_s));
    QVERIFY(run("", {"timestamp", "last_updated_timestamp"}).front().contains(u"duplicate fields"_s));
}

void TestModelVersionSearch::recordedRegistry()
{
    // The sqlite store's registry as MLflow read it back, searched as the recorded server answered.
    const Json expected = readJson(QStringLiteral(RUNLENS_TEST_DATA_DIR "/mlflow-2.22/expected.json"));
    QVERIFY(expected.is_object());
    std::vector<ModelVersion> versions;
    std::vector<RegisteredModel> models;
    for (const Json& m : expected["stores"]["sqlite"]["registered_models"]) {
        RegisteredModel rm;
        rm.name = m["name"].get<std::string>();
        rm.creationTimestamp = m["creation_timestamp"].get<std::int64_t>();
        rm.lastUpdatedTimestamp = m["last_updated_timestamp"].get<std::int64_t>();
        rm.tags = tagsOf(m["tags"]);
        models.push_back(rm);
        for (const Json& v : m["versions"]) {
            ModelVersion mv;
            mv.name = rm.name;
            mv.version = std::stoll(v["version"].get<std::string>());
            mv.creationTimestamp = v["creation_timestamp"].get<std::int64_t>();
            mv.lastUpdatedTimestamp = v["last_updated_timestamp"].get<std::int64_t>();
            mv.currentStage = v["current_stage"].get<std::string>();
            if (v["run_id"].is_string())
                mv.runId = v["run_id"].get<std::string>();
            mv.tags = tagsOf(v["tags"]);
            versions.push_back(mv);
        }
    }
    QVERIFY(!versions.empty());

    QFile transcript(QStringLiteral(RUNLENS_TEST_DATA_DIR "/mlflow-2.22/rest-transcript.jsonl"));
    QVERIFY(transcript.open(QIODevice::ReadOnly));
    int checked = 0;
    while (!transcript.atEnd()) {
        const QByteArray line = transcript.readLine();
        const Json ex = Json::parse(line.constData(), line.constData() + line.size(), nullptr, false);
        const std::string path = ex.value("path", "");
        const bool mvSearch = path == "/api/2.0/mlflow/model-versions/search";
        const bool rmSearch = path == "/api/2.0/mlflow/registered-models/search";
        if ((!mvSearch && !rmSearch) || ex["status"] != 200 || !ex["query"].is_object())
            continue;
        const Json& q = ex["query"];
        if (q.contains("page_token"))
            continue; // later pages continue an earlier request
        const std::string filter = q.value("filter", "");
        if (filter.find("scratch") != std::string::npos)
            continue; // a model created later in the recording, absent from expected.json
        std::vector<std::string> order;
        if (q.contains("order_by"))
            order.push_back(q["order_by"].get<std::string>());
        const std::size_t limit = q.contains("max_results") ? q["max_results"].get<std::size_t>() : 1000;

        QStringList recorded;
        QStringList ours;
        if (mvSearch) {
            for (const Json& v : ex["response_body"]["model_versions"])
                recorded << QString::fromStdString(
                    v["name"].get<std::string>() + "/" + v["version"].get<std::string>());
            const auto s = ModelVersionSearch::parse(filter, order);
            QVERIFY(s);
            std::vector<ModelVersion> kept;
            for (const auto& mv : versions) {
                if (s->matches(mv))
                    kept.push_back(mv);
            }
            s->sort(kept);
            for (std::size_t i = 0; i < kept.size() && i < limit; ++i)
                ours << QString::fromStdString(kept[i].name) + u'/' + QString::number(kept[i].version);
        } else {
            for (const Json& m : ex["response_body"]["registered_models"])
                recorded << QString::fromStdString(m["name"].get<std::string>());
            const auto s = RegisteredModelSearch::parse(filter, order);
            QVERIFY(s);
            std::vector<RegisteredModel> kept;
            for (const auto& m : models) {
                if (s->matches(m))
                    kept.push_back(m);
            }
            s->sort(kept);
            for (std::size_t i = 0; i < kept.size() && i < limit; ++i)
                ours << QString::fromStdString(kept[i].name);
        }
        QCOMPARE(ours, recorded);
        ++checked;
    }
    QCOMPARE(checked, 5); // registered-models ×2, model-versions ×3
}

QTEST_GUILESS_MAIN(TestModelVersionSearch)
#include "tst_modelversionsearch.moc"
