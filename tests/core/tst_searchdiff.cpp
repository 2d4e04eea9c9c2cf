// SPDX-License-Identifier: Apache-2.0
// Differential test of run search: thousands of generated filters and order-bys
// (tests/data/search-diff/queries.json, made by tools/searchdiff.py from a fixed seed) answered by
// the real MLflow 2.22 and 3.6 on their fixture stores, file and sqlite (answers-*.json). Runlens
// must give MLflow's runs in MLflow's order, or an error of MLflow's class. Where it differs on
// purpose, the difference is one of kIntended below, each with its reason; docs/search.md lists them.
#include "search/searchdialect.h"
#include "search/searchlexer.h"
#include "storefactory.h"

#include <QFile>
#include <QTest>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <set>

using namespace runlens;
using Json = nlohmann::json;

namespace {

Json loadJson(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Json();
    const QByteArray bytes = file.readAll();
    return Json::parse(bytes.constData(), bytes.constData() + bytes.size(), nullptr, false);
}

const Json& queries()
{
    static const Json all = loadJson(QStringLiteral(RUNLENS_TEST_DATA_DIR "/search-diff/queries.json"));
    return all["queries"];
}

ViewType viewNamed(const std::string& name)
{
    if (name == "ACTIVE_ONLY")
        return ViewType::ActiveOnly;
    if (name == "DELETED_ONLY")
        return ViewType::DeletedOnly;
    return ViewType::All;
}

std::string oneLine(std::string text)
{
    std::replace(text.begin(), text.end(), '\n', ' ');
    return text;
}

std::string describe(const Json& answer, const Json& runIds)
{
    if (answer.contains("error"))
        return answer["error"].get<std::string>() + " "
            + oneLine(answer.value("message", std::string()).substr(0, 120));
    std::string out = "[";
    for (const Json& i : answer["runs"])
        out += (out.size() > 1 ? "," : "") + runIds[i.get<std::size_t>()].get<std::string>().substr(0, 6);
    return out + "]";
}

std::string describe(const Result<RunList>& got)
{
    if (!got)
        return std::string(errorCodeName(got.error().code)) + " (" + oneLine(got.error().message.substr(0, 120)) + ")";
    std::string out = "[";
    for (const Run& r : got->runs)
        out += (out.size() > 1 ? "," : "") + r.info.runId.substr(0, 6);
    return out + "]";
}

bool sameAnswer(const Json& answer, const Json& runIds, const Result<RunList>& got)
{
    if (answer.contains("error"))
        return !got && errorCodeName(got.error().code) == answer["error"].get<std::string>();
    if (!got || got->runs.size() != answer["runs"].size())
        return false;
    for (std::size_t i = 0; i < got->runs.size(); ++i) {
        if (got->runs[i].info.runId != runIds[answer["runs"][i].get<std::size_t>()].get<std::string>())
            return false;
    }
    return true;
}

/** One query as both answered it. */
struct Answers
{
    const std::string& version; // "2.22", "3.6"
    SearchDialect dialect;
    const std::string& filter;
    const std::vector<std::string>& orderBy;
    const Json& mlflow; // {"runs": [...]} or {"error": CODE, "message": ...}
    const Json& runIds; // the store's run ids, which mlflow["runs"] indexes
    const Result<RunList>& runlens;
    const std::set<std::string>& nanMetrics; // metrics whose latest value is NaN in some run

    bool mlflowError(std::string_view code = {}) const
    {
        return mlflow.contains("error") && (code.empty() || mlflow["error"].get<std::string>() == code);
    }
    bool mlflowSays(std::string_view text) const
    {
        return mlflow.value("message", std::string()).find(text) != std::string::npos;
    }
    bool runlensSays(std::string_view text) const
    {
        return !runlens && runlens.error().message.find(text) != std::string::npos;
    }
    bool mlflowFoundNothing() const { return mlflow.contains("runs") && mlflow["runs"].empty(); }
    /** Both found runs, and every run MLflow found Runlens found too. */
    bool runlensFoundMore() const
    {
        if (!mlflow.contains("runs") || !runlens)
            return false;
        std::set<std::string> found;
        for (const Run& r : runlens->runs)
            found.insert(r.info.runId);
        for (const Json& i : mlflow["runs"]) {
            if (!found.count(runIds[i.get<std::size_t>()].get<std::string>()))
                return false;
        }
        return found.size() > mlflow["runs"].size();
    }
};

// The filter's tokens, or none when it does not tokenize.
std::vector<SearchToken> tokensOf(const std::string& filter)
{
    auto tokens = tokenizeSearch(filter);
    return tokens ? std::move(*tokens) : std::vector<SearchToken> {};
}

// Whether the filter uses what only Runlens reads: OR, NOT (other than NOT IN) or parentheses
// (other than an IN list's).
bool usesRunlensExtensions(const std::string& filter)
{
    const auto tokens = tokensOf(filter);
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const SearchToken& t = tokens[i];
        if (t.isKeyword("OR") || (t.isKeyword("NOT") && !(i + 1 < tokens.size() && tokens[i + 1].isKeyword("IN"))))
            return true;
        if (t.kind == SearchTokenKind::LParen && !(i > 0 && tokens[i - 1].isKeyword("IN")))
            return true;
    }
    return false;
}

// Whether a LIKE pattern holds one of `characters`.
bool likePatternHas(const std::string& filter, std::string_view characters)
{
    const auto tokens = tokensOf(filter);
    for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
        if ((tokens[i].isKeyword("LIKE") || tokens[i].isKeyword("ILIKE"))
            && tokens[i + 1].inner.find_first_of(characters) != std::string_view::npos)
            return true;
    }
    return false;
}

// The metric keys the filter compares.
std::set<std::string> comparedMetrics(const std::string& filter)
{
    std::set<std::string> keys;
    for (const SearchToken& t : tokensOf(filter)) {
        if (t.kind != SearchTokenKind::Word || t.firstDot == std::string_view::npos)
            continue;
        const std::string_view prefix = t.text.substr(0, t.firstDot);
        if (prefix != "metric" && prefix != "metrics")
            continue;
        std::string key(t.text.substr(t.firstDot + 1));
        if (key.size() >= 2 && (key.front() == '`' || key.front() == '"' || key.front() == '\''))
            key = key.substr(1, key.size() - 2);
        keys.insert(key);
    }
    return keys;
}

bool hasKeyword(const std::string& filter, std::string_view keyword)
{
    for (const SearchToken& t : tokensOf(filter)) {
        if (t.isKeyword(keyword))
            return true;
    }
    return false;
}

/** A way Runlens answers unlike MLflow on purpose; docs/search.md lists each with its reason. */
struct Intended
{
    const char* name;
    std::function<bool(const Answers&)> covers;
};

const std::vector<Intended> kIntended = {
    {"OR, NOT and parentheses are Runlens's own",
        [](const Answers& a) {
            return a.mlflowError("INVALID_PARAMETER_VALUE") && a.runlens && usesRunlensExtensions(a.filter);
        }},
    {"file store: LIKE is matched as LIKE, not as an unescaped regex",
        [](const Answers& a) {
            // A pattern with regex syntax in it: MLflow gives it the regex meaning or fails (a 500).
            // One with a wildcard: MLflow's '%' (".*") does not cross a newline, and '$' matches
            // before a final one.
            if (a.dialect != SearchDialect::FileStore)
                return false;
            if (likePatternHas(a.filter, ".^$*+?{}[]\\|()"))
                return a.mlflowError("INTERNAL_ERROR") || !a.mlflowError();
            return likePatternHas(a.filter, "%_") && !a.mlflowError() && a.runlens;
        }},
    {"sqlite: a dataset filter beside other clauses or an order_by works",
        [](const Answers& a) {
            return a.dialect == SearchDialect::Sql && a.runlens
                && (a.mlflowSays("no such column") || a.mlflowSays("Can't determine which FROM clause"));
        }},
    {"sqlite: a key named twice in order_by is ordered by its first mention",
        [](const Answers& a) {
            // MLflow fails before it looks further, so Runlens may answer, or report another error.
            return a.dialect == SearchDialect::Sql && a.mlflowError("INTERNAL_ERROR")
                && a.mlflowSays("`order_by` contains duplicate fields");
        }},
    {"file store: a time compared with a non-integer number is compared numerically",
        [](const Answers& a) {
            return a.dialect == SearchDialect::FileStore && a.mlflowError("INTERNAL_ERROR")
                && a.mlflowSays("invalid literal for int()");
        }},
    {"sqlite: a NaN metric compares as NaN, not as the 0 the table keeps",
        [](const Answers& a) {
            if (a.dialect != SearchDialect::Sql || a.mlflowError() || !a.runlens)
                return false;
            for (const std::string& key : comparedMetrics(a.filter)) {
                if (a.nanMetrics.count(key))
                    return true;
            }
            return false;
        }},
    {"sqlite: ILIKE folds every letter, not ASCII ones only",
        [](const Answers& a) {
            return a.dialect == SearchDialect::Sql && hasKeyword(a.filter, "ILIKE") && a.runlensFoundMore();
        }},
    {"an invalid comparator is an error even when no run reaches it",
        [](const Answers& a) { return a.mlflowFoundNothing() && a.runlensSays("Invalid comparator"); }},
    {"2.22: lists with double-quoted items or spaces inside the parentheses are read as 3.x reads them",
        [](const Answers& a) {
            return a.version == "2.22" && a.mlflowError("INVALID_PARAMETER_VALUE")
                && a.mlflowSays("While parsing a list in the query") && a.runlens;
        }},
};

/** One logged-model query as MLflow (on this store and on the other kind) and Runlens answered it. */
struct ModelAnswers
{
    SearchDialect dialect;
    const std::string& filter;
    const Json& query; // as recorded: filter, datasets, order_by
    const Json& mlflow; // {"models": [...]} or {"error": ..., "message": ..., "exception"?: ...}
    const Json& otherStore; // MLflow's answer on the other kind of store
    const Result<LoggedModelList>& runlens;

    bool says(std::string_view text) const
    {
        return mlflow.value("message", std::string()).find(text) != std::string::npos;
    }
    bool runlensSays(std::string_view text) const
    {
        return !runlens && runlens.error().message.find(text) != std::string::npos;
    }
    bool runlensRejects() const { return !runlens && runlens.error().code == ErrorCode::InvalidParameterValue; }
};

struct ModelIntended
{
    const char* name;
    std::function<bool(const ModelAnswers&)> covers;
};

// Whether the filter holds an IN / NOT IN list with an entry that has a capital letter.
bool listHasCapitals(const std::string& filter)
{
    const auto tokens = tokensOf(filter);
    bool inList = false;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        if (tokens[i].isKeyword("IN") && i + 1 < tokens.size() && tokens[i + 1].kind == SearchTokenKind::LParen)
            inList = true;
        else if (tokens[i].kind == SearchTokenKind::RParen)
            inList = false;
        else if (inList
            && std::any_of(tokens[i].inner.begin(), tokens[i].inner.end(), [](char c) { return c >= 'A' && c <= 'Z'; }))
            return true;
    }
    return false;
}

bool mentionsStatus(const std::string& filter)
{
    for (const SearchToken& t : tokensOf(filter)) {
        if (t.kind == SearchTokenKind::Word
            && (t.text == "status" || t.text.ends_with(".status") || t.text.ends_with(".`status`")))
            return true;
    }
    return false;
}

// Whether a comparison's value is written in double quotes (tags.x = "y").
bool hasDoubleQuotedValue(const std::string& filter)
{
    const auto tokens = tokensOf(filter);
    for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
        const bool comparator = tokens[i].kind == SearchTokenKind::Comparator || tokens[i].isKeyword("LIKE")
            || tokens[i].isKeyword("ILIKE");
        if (comparator && tokens[i + 1].kind == SearchTokenKind::Word && tokens[i + 1].wholeQuote == '"')
            return true;
    }
    return false;
}

const std::vector<ModelIntended> kModelIntended = {
    {"file store: LIKE is matched as LIKE, not as an unescaped regex",
        [](const ModelAnswers& a) {
            return a.dialect == SearchDialect::FileStore && likePatternHas(a.filter, ".^$*+?{}[]\\|()%_")
                && (!a.mlflow.contains("error") || a.mlflow.contains("exception"));
        }},
    {"file store: IN lists keep their entries with capitals (status IN ('READY'))",
        [](const ModelAnswers& a) {
            return a.dialect == SearchDialect::FileStore && listHasCapitals(a.filter) && !a.mlflow.contains("error")
                && a.runlens;
        }},
    {"sqlite: status compares by name",
        [](const ModelAnswers& a) {
            return a.dialect == SearchDialect::Sql && mentionsStatus(a.filter) && !a.mlflow.contains("error")
                && a.runlens;
        }},
    {"creation_time and last_updated_time are the timestamps' aliases",
        [](const ModelAnswers& a) {
            return a.mlflow.contains("error") && (a.says("creation_time") || a.says("last_updated_time"));
        }},
    {"where MLflow fails inside (INTERNAL_ERROR, a 500), Runlens answers or says what is wrong",
        [](const ModelAnswers& a) {
            return (a.mlflow.contains("exception") || a.mlflow.value("error", std::string()) == "INTERNAL_ERROR")
                && (a.runlens || a.runlensRejects());
        }},
    {"the grammar both stores read: what one MLflow store alone accepts is rejected",
        [](const ModelAnswers& a) {
            return !a.mlflow.contains("error") && a.otherStore.contains("error") && a.runlensRejects();
        }},
    {"sqlite: the prefix aliases (metric., param., tag., attr.) are read as on the file store",
        [](const ModelAnswers& a) {
            return a.dialect == SearchDialect::Sql && a.says("Invalid entity type")
                && (a.runlens || a.runlensRejects());
        }},
    {"sqlite: a double-quoted value (tags.x = \"y\") is read without its quotes, as on the file store",
        [](const ModelAnswers& a) {
            return a.dialect == SearchDialect::Sql && hasDoubleQuotedValue(a.filter) && !a.mlflow.contains("error")
                && a.runlens;
        }},
    {"sqlite: a quoted key (params.\"x\", metrics.'y') is unquoted, as on the file store",
        [](const ModelAnswers& a) {
            const bool quotedKey = a.filter.find(".'") != std::string::npos || a.filter.find(".\"") != std::string::npos
                || a.filter.find(".`") != std::string::npos;
            return a.dialect == SearchDialect::Sql && quotedKey && !a.mlflow.contains("error") && a.runlens;
        }},
};

// The first intended difference of a table that covers what both answered, or null.
template<typename Table, typename What>
const typename Table::value_type* intendedDifference(const Table& table, const What& answers)
{
    for (const auto& d : table) {
        if (d.covers(answers))
            return &d;
    }
    return nullptr;
}

// RUNLENS_SEARCHDIFF_SHOW=N lists the first N unexplained differences (25 by default).
int differencesShown()
{
    return qEnvironmentVariableIsSet("RUNLENS_SEARCHDIFF_SHOW")
        ? qEnvironmentVariableIntValue("RUNLENS_SEARCHDIFF_SHOW")
        : 25;
}

} // namespace

class TestSearchDiff : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QVERIFY2(queries().size() >= 3000, "search-diff/queries.json is missing or short"); }

    void answersAsMlflow_data()
    {
        QTest::addColumn<QString>("version");
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("storePath");
        QTest::newRow("2.22 file") << QStringLiteral("2.22") << QStringLiteral("file")
                                   << QStringLiteral(RUNLENS_FIXTURE_DIR "/file/mlruns");
        QTest::newRow("2.22 sqlite") << QStringLiteral("2.22") << QStringLiteral("sqlite")
                                     << QStringLiteral(RUNLENS_FIXTURE_DIR "/sqlite/mlflow.db");
        QTest::newRow("3.6 file") << QStringLiteral("3.6") << QStringLiteral("file")
                                  << QStringLiteral(RUNLENS_FIXTURE_DIR "/mlflow3/file/mlruns");
        QTest::newRow("3.6 sqlite") << QStringLiteral("3.6") << QStringLiteral("sqlite")
                                    << QStringLiteral(RUNLENS_FIXTURE_DIR "/mlflow3/sqlite/mlflow.db");
    }

    void answersAsMlflow()
    {
        QFETCH(QString, version);
        QFETCH(QString, kind);
        QFETCH(QString, storePath);
        const Json recorded
            = loadJson(QStringLiteral(RUNLENS_TEST_DATA_DIR "/search-diff/answers-%1.json").arg(version));
        QVERIFY2(recorded.is_object(), "the recorded answers are missing or unreadable");
        const Json& answers = recorded["stores"][kind.toStdString()];
        QCOMPARE(answers["answers"].size(), queries().size());
        auto store = openStore(storePath.toStdString());
        QVERIFY2(store, store ? "" : store.error().toString().c_str());
        const SearchDialect dialect = kind == QLatin1String("file") ? SearchDialect::FileStore : SearchDialect::Sql;
        std::set<std::string> nanMetrics;
        {
            RunQuery all;
            all.experimentIds = answers["experiments"].get<std::vector<std::string>>();
            all.view = ViewType::All;
            auto runs = (*store)->searchRuns(all);
            QVERIFY2(runs, runs ? "" : runs.error().toString().c_str());
            for (const Run& r : runs->runs) {
                for (const Metric& m : r.metrics) {
                    if (std::isnan(m.point.value))
                        nanMetrics.insert(m.key);
                }
            }
        }

        const int kShown = differencesShown();
        std::map<std::string, int> intended; // difference name -> queries it explained
        std::string unexplained;
        int unexplainedCount = 0;
        int errors = 0;
        int nonEmpty = 0;
        for (std::size_t i = 0; i < queries().size(); ++i) {
            const Json& q = queries()[i];
            const Json& answer = answers["answers"][i];
            RunQuery query;
            query.experimentIds = answers["experiments"].get<std::vector<std::string>>();
            query.view = viewNamed(q["view"].get<std::string>());
            // A filter naming a run id was recorded with the store's own id in it.
            query.filter = answer.value("filter", q["filter"].get<std::string>());
            query.orderBy = q["order_by"].get<std::vector<std::string>>();
            query.maxResults = 1000;
            query.fields = static_cast<RunFields>(RunField::Info);
            const auto got = (*store)->searchRuns(query);
            errors += answer.contains("error");
            nonEmpty += answer.contains("runs") && !answer["runs"].empty();
            if (sameAnswer(answer, answers["run_ids"], got))
                continue;
            const std::string versionName = version.toStdString();
            if (const Intended* d = intendedDifference(kIntended,
                    Answers {versionName, dialect, query.filter, query.orderBy, answer, answers["run_ids"], got,
                        nanMetrics})) {
                ++intended[d->name];
                continue;
            }
            if (++unexplainedCount <= kShown) {
                // Printed one by one: QtTest cuts a long failure message short.
                unexplained = "\n  #" + std::to_string(i) + " " + q["view"].get<std::string>()
                    + " filter: " + oneLine(query.filter) + "\n     order_by: " + Json(query.orderBy).dump()
                    + "\n     MLflow: " + describe(answer, answers["run_ids"]) + "\n     Runlens: " + describe(got);
                qInfo("%s", unexplained.c_str());
            }
        }
        for (const auto& [name, count] : intended)
            qInfo("intended difference '%s': %d queries", name.c_str(), count);
        qInfo("%zu queries: %d MLflow errors, %d with runs", queries().size(), errors, nonEmpty);
        QVERIFY2(unexplainedCount == 0,
            (std::to_string(unexplainedCount) + " queries answered unlike MLflow " + version.toStdString() + " "
                + kind.toStdString() + " (listed above)")
                .c_str());
    }

    // The same for MLflow 3's search_logged_models: filter, datasets and order_by.
    void loggedModelsAsMlflow_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("storePath");
        QTest::newRow("3.6 file") << QStringLiteral("file")
                                  << QStringLiteral(RUNLENS_FIXTURE_DIR "/mlflow3/file/mlruns");
        QTest::newRow("3.6 sqlite") << QStringLiteral("sqlite")
                                    << QStringLiteral(RUNLENS_FIXTURE_DIR "/mlflow3/sqlite/mlflow.db");
    }

    void loggedModelsAsMlflow()
    {
        QFETCH(QString, kind);
        QFETCH(QString, storePath);
        const Json queries = loadJson(QStringLiteral(RUNLENS_TEST_DATA_DIR "/search-diff/queries-logged-models.json"));
        const Json recorded
            = loadJson(QStringLiteral(RUNLENS_TEST_DATA_DIR "/search-diff/answers-logged-models-3.6.json"));
        QVERIFY2(queries.is_object() && recorded.is_object(), "the logged-model queries or answers are unreadable");
        QVERIFY(queries["queries"].size() >= 2000);
        const Json& answers = recorded["stores"][kind.toStdString()];
        const Json& other = recorded["stores"][kind == QLatin1String("file") ? "sqlite" : "file"];
        QCOMPARE(answers["answers"].size(), queries["queries"].size());
        auto store = openStore(storePath.toStdString());
        QVERIFY2(store, store ? "" : store.error().toString().c_str());
        const SearchDialect dialect = kind == QLatin1String("file") ? SearchDialect::FileStore : SearchDialect::Sql;

        const int kShown = differencesShown();
        std::map<std::string, int> intended;
        int unexplained = 0;
        int found = 0;
        for (std::size_t i = 0; i < queries["queries"].size(); ++i) {
            const Json& q = queries["queries"][i];
            const Json& answer = answers["answers"][i];
            LoggedModelQuery query;
            query.experimentIds = answers["experiments"].get<std::vector<std::string>>();
            query.filter = q["filter"].get<std::string>();
            for (const Json& d : q.value("datasets", Json::array())) {
                DatasetFilter filter {d["dataset_name"].get<std::string>(), std::nullopt};
                if (d.contains("dataset_digest"))
                    filter.digest = d["dataset_digest"].get<std::string>();
                query.datasets.push_back(filter);
            }
            for (const Json& o : q.value("order_by", Json::array())) {
                LoggedModelOrder order;
                order.fieldName = o["field_name"].get<std::string>();
                order.ascending = o.value("ascending", true);
                if (o.contains("dataset_name"))
                    order.datasetName = o["dataset_name"].get<std::string>();
                if (o.contains("dataset_digest"))
                    order.datasetDigest = o["dataset_digest"].get<std::string>();
                query.orderBy.push_back(order);
            }
            query.maxResults = 1000;
            const auto got = (*store)->searchLoggedModels(query);
            found += answer.contains("models") && !answer["models"].empty();
            std::vector<std::string> ids;
            if (got) {
                for (const LoggedModel& m : got->models)
                    ids.push_back(m.modelId);
            }
            const bool same = answer.contains("error")
                ? !got && errorCodeName(got.error().code) == answer["error"].get<std::string>()
                : got && ids == answer["models"].get<std::vector<std::string>>();
            if (same)
                continue;
            const ModelAnswers a {dialect, query.filter, q, answer, other["answers"][i], got};
            if (const ModelIntended* d = intendedDifference(kModelIntended, a)) {
                ++intended[d->name];
                continue;
            }
            if (++unexplained <= kShown) {
                qInfo("\n  #%zu filter: %s\n     query: %s\n     MLflow: %s %s\n     Runlens: %s", i,
                    oneLine(query.filter).c_str(), q.dump().c_str(),
                    answer.contains("error") ? answer["error"].get<std::string>().c_str()
                                             : answer["models"].dump().c_str(),
                    oneLine(answer.value("message", std::string())).substr(0, 120).c_str(),
                    got ? Json(ids).dump().c_str()
                        : (std::string(errorCodeName(got.error().code)) + " " + oneLine(got.error().message)).c_str());
            }
        }
        for (const auto& [name, count] : intended)
            qInfo("intended difference '%s': %d queries", name.c_str(), count);
        qInfo("%zu logged-model queries, %d with models", queries["queries"].size(), found);
        QVERIFY2(unexplained == 0,
            (std::to_string(unexplained) + " logged-model queries answered unlike MLflow 3.6 " + kind.toStdString())
                .c_str());
    }
};

QTEST_GUILESS_MAIN(TestSearchDiff)
#include "tst_searchdiff.moc"
