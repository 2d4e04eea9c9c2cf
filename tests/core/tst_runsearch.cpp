// SPDX-License-Identifier: Apache-2.0
// The run search language on hand-built runs: parsing, evaluation in both of MLflow's dialects,
// ordering, errors with positions, the OR/NOT/parentheses extension and a small fuzz.
#include "search/likepattern.h"
#include "search/runsearch.h"

#include <QRandomGenerator>
#include <QTest>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>

using namespace runlens;
using namespace Qt::Literals::StringLiterals;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

class RunBuilder
{
public:
    RunBuilder(std::string id, std::string name)
    {
        m_run.info.runId = std::move(id);
        m_run.info.runName = name;
        m_run.info.userId = "alice";
        m_run.info.status = RunStatus::Finished;
        m_run.info.startTime = 1000;
        m_run.info.endTime = 2000;
        m_run.info.artifactUri = "file:///store/0/" + m_run.info.runId + "/artifacts";
        m_run.tags.push_back({"mlflow.runName", std::move(name)});
    }
    RunBuilder& metric(std::string key, double value)
    {
        m_run.metrics.push_back({std::move(key), MetricPoint {0, value, 0}});
        return *this;
    }
    RunBuilder& param(std::string key, std::string value)
    {
        m_run.params.push_back({std::move(key), std::move(value)});
        return *this;
    }
    RunBuilder& tag(std::string key, std::string value)
    {
        m_run.tags.push_back({std::move(key), std::move(value)});
        return *this;
    }
    RunBuilder& start(std::optional<std::int64_t> t)
    {
        m_run.info.startTime = t;
        return *this;
    }
    RunBuilder& end(std::optional<std::int64_t> t)
    {
        m_run.info.endTime = t;
        return *this;
    }
    RunBuilder& status(RunStatus s)
    {
        m_run.info.status = s;
        return *this;
    }
    RunBuilder& user(std::string u)
    {
        m_run.info.userId = std::move(u);
        return *this;
    }
    RunBuilder& input(std::string name, std::string digest, std::optional<std::string> context)
    {
        DatasetInput in;
        in.dataset.name = std::move(name);
        in.dataset.digest = std::move(digest);
        if (context)
            in.tags.push_back({"mlflow.data.context", *context});
        m_run.inputs.push_back(std::move(in));
        return *this;
    }
    RunBuilder& withoutNameTag()
    {
        m_run.tags.erase(std::remove_if(m_run.tags.begin(), m_run.tags.end(),
                             [](const KeyValue& kv) { return kv.key == "mlflow.runName"; }),
            m_run.tags.end());
        return *this;
    }
    operator Run() const
    {
        Run r = m_run;
        auto byKey = [](const auto& a, const auto& b) { return a.key < b.key; };
        std::sort(r.metrics.begin(), r.metrics.end(), byKey);
        std::sort(r.params.begin(), r.params.end(), byKey);
        std::sort(r.tags.begin(), r.tags.end(), byKey);
        return r;
    }

private:
    Run m_run;
};

// A small population with every kind of value the semantics care about.
std::vector<Run> population()
{
    return {
        RunBuilder("a1", "alpha")
            .metric("loss", 0.5)
            .metric("acc", 0.9)
            .param("lr", "0.01")
            .param("opt", "Adam")
            .tag("team", "vision")
            .start(1000)
            .end(1500)
            .input("cifar", "d1", "training"),
        RunBuilder("b2", "beta")
            .metric("loss", 1.5)
            .metric("acc", kNaN)
            .param("lr", "0.1")
            .param("opt", "sgd")
            .tag("team", "nlp")
            .start(3000)
            .end(std::nullopt)
            .status(RunStatus::Running),
        RunBuilder("c3", "gamma.x")
            .metric("loss", kInf)
            .param("lr", "0.001")
            .tag("team", "Vision")
            .start(2000)
            .end(2600)
            .user("bob")
            .input("imdb", "d2", "eval")
            .input("cifar", "d3", std::nullopt),
        RunBuilder("d4", "delta").metric("acc", 0.7).start(2000).status(RunStatus::Failed),
        RunBuilder("e5", "epsilon").start(std::nullopt).end(std::nullopt),
    };
}

// Names of the runs of population() the filter keeps, in population order.
QStringList matching(const QString& filter, SearchDialect dialect)
{
    const auto search = RunSearch::parse(filter.toStdString(), {});
    if (!search)
        return {QStringLiteral("ERROR: ") + QString::fromStdString(search.error().message)};
    QStringList names;
    for (const Run& r : population()) {
        if (search->matches(r, dialect))
            names << QString::fromStdString(r.info.runName);
    }
    return names;
}

QStringList ordered(const std::vector<std::string>& orderBy, std::vector<Run> runs = population())
{
    const auto search = RunSearch::parse("", orderBy);
    if (!search)
        return {QStringLiteral("ERROR: ") + QString::fromStdString(search.error().message)};
    search->sort(runs, SearchDialect::FileStore);
    QStringList names;
    for (const Run& r : runs)
        names << QString::fromStdString(r.info.runName);
    return names;
}

QStringList names(const char* list)
{
    return QString::fromUtf8(list).split(QLatin1Char(','), Qt::SkipEmptyParts);
}

} // namespace

class TestRunSearch : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void emptyFilter();
    void filters_data();
    void filters();
    void nanAndInfinity_data();
    void nanAndInfinity();
    void likeDialects_data();
    void likeDialects();
    void runNameDialects();
    void invalidFilters_data();
    void invalidFilters();
    void orderBy_data();
    void orderBy();
    void orderByTieBreakers();
    void orderByErrors_data();
    void orderByErrors();
    void lessThanAgreesWithSort();
    void requiredFields();
    void mlflowCompatibility_data();
    void mlflowCompatibility();
    void fuzz();
};

void TestRunSearch::emptyFilter()
{
    // Only the empty filter matches everything; MLflow rejects one of only whitespace.
    for (const char* f : {"   ", "\t\n"}) {
        const auto s = RunSearch::parse(f, {});
        QVERIFY(!s);
        QCOMPARE(s.error().code, ErrorCode::InvalidParameterValue);
    }
    // MLflow's parser drops AND tokens, so a filter of only ANDs has no clause either.
    for (const char* f : {"", "AND", "and AND"}) {
        const auto s = RunSearch::parse(f, {});
        QVERIFY(s);
        QVERIFY(!s->hasFilter());
        QVERIFY(!s->hasOrderBy());
        QVERIFY(!s->expression());
        for (const Run& r : population())
            QVERIFY(s->matches(r, SearchDialect::Sql));
    }
    // A default-constructed search behaves as the empty one.
    RunSearch none;
    QVERIFY(none.matches(population().front(), SearchDialect::FileStore));
    QCOMPARE(none.requiredFields(), static_cast<RunFields>(RunField::Info));
}

void TestRunSearch::filters_data()
{
    QTest::addColumn<QString>("filter");
    QTest::addColumn<QStringList>("expected"); // same in both dialects

    // Metrics: every comparator on the latest value; a run lacking the metric never matches.
    QTest::newRow("metric =") << u"metrics.loss = 0.5"_s << names("alpha");
    QTest::newRow("metric !=") << u"metrics.loss != 0.5"_s << names("beta,gamma.x");
    QTest::newRow("metric <") << u"metrics.loss < 1.5"_s << names("alpha");
    QTest::newRow("metric <=") << u"metrics.loss <= 1.5"_s << names("alpha,beta");
    QTest::newRow("metric >") << u"metrics.loss > 0.5"_s << names("beta,gamma.x");
    QTest::newRow("metric >=") << u"metrics.loss >= 0.5"_s << names("alpha,beta,gamma.x");
    QTest::newRow("metric alias") << u"metric.loss >= 0.5"_s << names("alpha,beta,gamma.x");
    QTest::newRow("missing metric !=") << u"metrics.nope != 1"_s << QStringList();
    QTest::newRow("negative literal") << u"metrics.loss > -1"_s << names("alpha,beta,gamma.x");
    QTest::newRow("decimal without integer part") << u"metrics.loss = .5"_s << names("alpha");
    QTest::newRow("exponent") << u"metrics.loss = 5e-1"_s << names("alpha");
    QTest::newRow("exponent upper case") << u"metrics.loss = 15E-1"_s << names("beta");
    // MLflow drops every AND token: leading, trailing and repeated ones are accepted.
    QTest::newRow("dangling AND") << u"metrics.loss < 1 AND"_s << names("alpha");
    // A time compared with a number that is no integer: numerically, as MLflow's SQL store does.
    QTest::newRow("start_time with a float") << u"start_time > 1.5e3"_s << names("beta,gamma.x,delta");
    QTest::newRow("single-quoted key") << u"metrics.'loss' < 1"_s << names("alpha");
    QTest::newRow("empty key, as MLflow reads it") << u"metrics. > 1"_s << names("");
    QTest::newRow("leading and doubled AND") << u"AND metrics.loss < 1 and AND metrics.acc > 0"_s << names("alpha");
    QTest::newRow("trailing dot") << u"metrics.loss < 1."_s << names("alpha");
    QTest::newRow("no spaces") << u"metrics.loss<1"_s << names("alpha");
    QTest::newRow("no spaces, negative") << u"metrics.loss>-1"_s << names("alpha,beta,gamma.x");

    // Params and tags: strings, case-sensitive, no escapes; missing never matches (even !=).
    QTest::newRow("param =") << u"params.lr = '0.01'"_s << names("alpha");
    QTest::newRow("param = is text equality") << u"params.lr = '0.010'"_s << QStringList();
    QTest::newRow("param !=") << u"params.lr != '0.01'"_s << names("beta,gamma.x");
    QTest::newRow("param aliases") << u"param.lr = '0.1' and parameter.lr = '0.1' and parameters.lr = '0.1'"_s
                                   << names("beta");
    QTest::newRow("param double-quoted value") << u"params.lr = \"0.1\""_s << names("beta");
    QTest::newRow("param = case-sensitive") << u"params.opt = 'adam'"_s << QStringList();
    QTest::newRow("param LIKE") << u"params.opt LIKE 'A%'"_s << names("alpha");
    QTest::newRow("param LIKE case-sensitive") << u"params.opt LIKE 'a%'"_s << QStringList();
    QTest::newRow("param ILIKE") << u"params.opt ILIKE 'a%'"_s << names("alpha");
    QTest::newRow("param like lower-case keyword") << u"params.opt like '%d%'"_s << names("alpha,beta");
    QTest::newRow("param LIKE underscore") << u"params.lr LIKE '0.0_'"_s << names("alpha");
    QTest::newRow("tag =") << u"tags.team = 'vision'"_s << names("alpha");
    QTest::newRow("tag ILIKE") << u"tags.team ILIKE 'VISION'"_s << names("alpha,gamma.x");
    QTest::newRow("tag alias") << u"tag.team != 'nlp'"_s << names("alpha,gamma.x");
    QTest::newRow("tag with dots in key") << u"tags.mlflow.runName = 'delta'"_s << names("delta");
    QTest::newRow("tag key in backticks") << u"tags.`mlflow.runName` = 'delta'"_s << names("delta");
    QTest::newRow("tag key in double quotes") << u"tags.\"mlflow.runName\" = 'delta'"_s << names("delta");
    QTest::newRow("missing tag !=") << u"tags.absent != 'x'"_s << QStringList();

    // Attributes, with and without a prefix, and their aliases.
    QTest::newRow("run_id") << u"attributes.run_id = 'b2'"_s << names("beta");
    QTest::newRow("run_name no prefix") << u"run_name = 'beta'"_s << names("beta");
    QTest::newRow("attr alias") << u"attr.run_name = 'beta'"_s << names("beta");
    QTest::newRow("run alias") << u"run.run_name LIKE '%ta'"_s << names("beta,delta");
    QTest::newRow("attribute alias") << u"attribute.user_id = 'bob'"_s << names("gamma.x");
    QTest::newRow("Run name alias") << u"`Run name` = 'beta'"_s << names("beta");
    QTest::newRow("run name alias quoted") << u"attributes.\"run name\" = 'beta'"_s << names("beta");
    QTest::newRow("Run Name alias") << u"attributes.`Run Name` ILIKE 'BETA'"_s << names("beta");
    QTest::newRow("status") << u"status = 'RUNNING'"_s << names("beta");
    QTest::newRow("status lower-case never matches") << u"status = 'running'"_s << QStringList();
    QTest::newRow("status !=") << u"attributes.status != 'FINISHED'"_s << names("beta,delta");
    QTest::newRow("user_id") << u"user_id != 'alice'"_s << names("gamma.x");
    QTest::newRow("artifact_uri") << u"artifact_uri LIKE '%/c3/%'"_s << names("gamma.x");
    QTest::newRow("start_time") << u"start_time >= 2000"_s << names("beta,gamma.x,delta");
    QTest::newRow("created alias") << u"attributes.created = 2000"_s << names("gamma.x,delta");
    QTest::newRow("Created alias") << u"Created < 2000"_s << names("alpha");
    QTest::newRow("end_time null never matches") << u"end_time != 1"_s << names("alpha,gamma.x,delta");
    QTest::newRow("start_time null never matches") << u"start_time > 0"_s << names("alpha,beta,gamma.x,delta");

    // IN / NOT IN for run ids; entries with upper-case letters are dropped as MLflow does.
    QTest::newRow("run_id IN") << u"run_id IN ('a1', 'd4')"_s << names("alpha,delta");
    QTest::newRow("run_id in lower-case") << u"run_id in ('a1')"_s << names("alpha");
    QTest::newRow("run_id NOT IN") << u"attributes.run_id NOT IN ('a1','d4')"_s << names("beta,gamma.x,epsilon");
    QTest::newRow("run_id not in lower-case") << u"run_id not   in ('a1')"_s << names("beta,gamma.x,delta,epsilon");
    QTest::newRow("run_id IN drops upper case") << u"run_id IN ('A1', 'b2')"_s << names("beta");
    QTest::newRow("run_id NOT IN drops upper case")
        << u"run_id NOT IN ('A1')"_s << names("alpha,beta,gamma.x,delta,epsilon");

    // Datasets: any input matching counts; a run without inputs never matches.
    QTest::newRow("dataset name") << u"datasets.name = 'cifar'"_s << names("alpha,gamma.x");
    QTest::newRow("dataset name !=") << u"datasets.name != 'cifar'"_s << names("gamma.x");
    QTest::newRow("dataset digest") << u"dataset.digest = 'd3'"_s << names("gamma.x");
    QTest::newRow("dataset context") << u"datasets.context = 'eval'"_s << names("gamma.x");
    QTest::newRow("dataset context !=") << u"datasets.context != 'eval'"_s << names("alpha");
    QTest::newRow("dataset IN") << u"datasets.name IN ('imdb', 'mnist')"_s << names("gamma.x");
    QTest::newRow("dataset NOT IN") << u"datasets.digest NOT IN ('d1')"_s << names("gamma.x");
    QTest::newRow("dataset LIKE") << u"datasets.name LIKE 'ci%' AND datasets.context = 'training'"_s << names("alpha");

    // AND and the extension: OR, NOT, parentheses; NOT > AND > OR.
    QTest::newRow("AND") << u"metrics.loss < 2 AND params.opt = 'sgd'"_s << names("beta");
    QTest::newRow("and lower-case") << u"metrics.loss < 2 and params.opt = 'sgd'"_s << names("beta");
    QTest::newRow("OR") << u"params.lr = '0.01' OR params.lr = '0.1'"_s << names("alpha,beta");
    QTest::newRow("or lower-case") << u"params.lr = '0.01' or tags.team = 'nlp'"_s << names("alpha,beta");
    QTest::newRow("AND binds tighter than OR")
        << u"run_id = 'a1' OR run_id = 'b2' AND status = 'FAILED'"_s << names("alpha");
    QTest::newRow("parentheses") << u"(run_id = 'a1' OR run_id = 'd4') AND status = 'FAILED'"_s << names("delta");
    QTest::newRow("NOT") << u"NOT status = 'FINISHED'"_s << names("beta,delta");
    QTest::newRow("NOT binds tighter than AND") << u"NOT status = 'FINISHED' AND start_time > 2500"_s << names("beta");
    QTest::newRow("NOT parentheses") << u"NOT (metrics.loss > 1 OR run_id = 'a1')"_s << names("delta,epsilon");
    QTest::newRow("NOT of missing is true") << u"not metrics.loss = 0.5"_s << names("beta,gamma.x,delta,epsilon");
    QTest::newRow("double NOT") << u"NOT NOT run_id = 'a1'"_s << names("alpha");
    QTest::newRow("nested parentheses") << u"((run_id = 'a1'))"_s << names("alpha");
}

void TestRunSearch::filters()
{
    QFETCH(QString, filter);
    QFETCH(QStringList, expected);
    QCOMPARE(matching(filter, SearchDialect::FileStore), expected);
    QCOMPARE(matching(filter, SearchDialect::Sql), expected);
}

void TestRunSearch::nanAndInfinity_data()
{
    QTest::addColumn<QString>("filter");
    QTest::addColumn<QStringList>("fileStore");
    QTest::addColumn<QStringList>("sql");

    // beta's acc is NaN: it satisfies only != on every store. (MLflow's SQL store compares the 0 it
    // keeps for a NaN instead; Runlens does not copy that: docs/search.md.)
    QTest::newRow("NaN = 0") << u"metrics.acc = 0"_s << QStringList() << QStringList();
    QTest::newRow("NaN != 0") << u"metrics.acc != 0"_s << names("alpha,beta,delta") << names("alpha,beta,delta");
    QTest::newRow("NaN < 0.8") << u"metrics.acc < 0.8"_s << names("delta") << names("delta");
    QTest::newRow("NaN >= 0") << u"metrics.acc >= 0"_s << names("alpha,delta") << names("alpha,delta");
    QTest::newRow("NaN != 5") << u"metrics.acc != 5"_s << names("alpha,beta,delta") << names("alpha,beta,delta");
    // gamma's loss is +inf: greater than any finite literal; a literal beyond the double range is inf.
    QTest::newRow("inf > max double") << u"metrics.loss > 1.7976931348623157e308"_s << names("gamma.x")
                                      << names("gamma.x");
    QTest::newRow("inf = 1e999") << u"metrics.loss = 1e999"_s << names("gamma.x") << names("gamma.x");
    QTest::newRow("tiny literal is 0") << u"metrics.loss > 1e-999"_s << names("alpha,beta,gamma.x")
                                       << names("alpha,beta,gamma.x");
}

void TestRunSearch::nanAndInfinity()
{
    QFETCH(QString, filter);
    QFETCH(QStringList, fileStore);
    QFETCH(QStringList, sql);
    QCOMPARE(matching(filter, SearchDialect::FileStore), fileStore);
    QCOMPARE(matching(filter, SearchDialect::Sql), sql);
}

void TestRunSearch::likeDialects_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<bool>("ilike");
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("expected");

    // One meaning on every store: '%' any run (newlines too), '_' one character, all else literal.
    QTest::newRow("% and _") << u"a_c%"_s << false << u"abcdef"_s << true;
    QTest::newRow("whole string") << u"bc"_s << false << u"abcd"_s << false;
    QTest::newRow("empty pattern") << u""_s << false << u""_s << true;
    QTest::newRow("% matches empty") << u"%"_s << false << u""_s << true;
    QTest::newRow("_ needs one char") << u"_"_s << false << u""_s << false;
    QTest::newRow("_ is one code point") << u"_"_s << false << u"é"_s << true;
    QTest::newRow("dot is literal") << u"gamma.%"_s << false << u"gammaXy"_s << false;
    QTest::newRow("dot matches a dot") << u"gamma.%"_s << false << u"gamma.x"_s << true;
    QTest::newRow("% crosses a newline") << u"%second%"_s << false << u"first\nsecond"_s << true;
    QTest::newRow("no match before a final newline") << u"abc"_s << false << u"abc\n"_s << false;
    QTest::newRow("parentheses literal") << u"%(v2)%"_s << false << u"model (v2)"_s << true;
    QTest::newRow("parentheses are no group") << u"%(v2)%"_s << false << u"model v2"_s << false;
    QTest::newRow("brackets literal") << u"run-[0-9]"_s << false << u"run-7"_s << false;
    QTest::newRow("plus literal") << u"a+"_s << false << u"aaa"_s << false;
    QTest::newRow("bar literal") << u"cat|dog"_s << false << u"cat|dog"_s << true;
    QTest::newRow("backslash literal") << u"v\\d"_s << false << u"v\\d"_s << true;
    QTest::newRow("star literal") << u"%*"_s << false << u"x*"_s << true;
    QTest::newRow("star is no repeat") << u"%*"_s << false << u"xy"_s << false;
    QTest::newRow("ILIKE ASCII") << u"ALPHA%"_s << true << u"alphabet"_s << true;
    QTest::newRow("ILIKE folds every letter") << u"émile"_s << true << u"ÉMILE"_s << true;
    QTest::newRow("ILIKE Greek") << u"%ΣΟΦΊΑ"_s << true << u"σοφία"_s << true;
    QTest::newRow("LIKE case-sensitive") << u"Alpha"_s << false << u"alpha"_s << false;
    QTest::newRow("LIKE case-sensitive beyond ASCII") << u"É%"_s << false << u"école"_s << false;
    QTest::newRow("percent in the middle") << u"a%z"_s << false << u"abcz"_s << true;
    QTest::newRow("backtracking %") << u"%ab%ab"_s << false << u"xxabyyab"_s << true;
}

void TestRunSearch::likeDialects()
{
    QFETCH(QString, pattern);
    QFETCH(bool, ilike);
    QFETCH(QString, text);
    QFETCH(bool, expected);
    const LikePattern like(pattern.toStdString(), ilike);
    QCOMPARE(like.matches(text.toStdString()), expected);
}

void TestRunSearch::runNameDialects()
{
    // The SQL store matches run_name against the mlflow.runName tag; the file store uses the run name.
    const Run tagless = RunBuilder("z9", "zeta").withoutNameTag();
    const auto s = RunSearch::parse("run_name = 'zeta'", {});
    QVERIFY(s);
    QVERIFY(s->matches(tagless, SearchDialect::FileStore));
    QVERIFY(!s->matches(tagless, SearchDialect::Sql));
    QVERIFY(has(s->requiredFields(), RunField::Tags));
}

void TestRunSearch::invalidFilters_data()
{
    QTest::addColumn<QString>("filter");
    QTest::addColumn<QString>("message"); // a substring of the error, position included

    QTest::newRow("bad comparator")
        << u"metrics.loss <<< 1"_s << u"Invalid comparator '<<<' at position 13: expected one of =, !=, >, >=, <, <="_s;
    QTest::newRow("double equals") << u"params.a == 'x'"_s << u"Invalid comparator '==' at position 9"_s;
    QTest::newRow("LIKE on a metric") << u"metrics.loss LIKE 1"_s
                                      << u"Invalid comparator 'LIKE' at position 13: expected one of =, !=, >, >="_s;
    QTest::newRow("< on a param")
        << u"params.lr < '1'"_s
        << u"Invalid comparator '<' at position 10: expected one of =, !=, LIKE, ILIKE for parameter 'lr'"_s;
    QTest::newRow("IN on a param") << u"params.lr IN ('1')"_s << u"Invalid comparator 'IN' at position 10"_s;
    QTest::newRow("IN on status") << u"status IN ('FINISHED')"_s
                                  << u"only the 'run_id' attribute supports comparison with a list"_s;
    QTest::newRow("unknown entity") << u"foo.bar = 1"_s << u"Invalid entity type 'foo' at position 0"_s;
    QTest::newRow("prefix is case-sensitive")
        << u"METRICS.loss > 1"_s << u"Invalid entity type 'METRICS' at position 0"_s;
    QTest::newRow("unknown attribute") << u"attributes.color = 'red'"_s
                                       << u"Invalid attribute key 'color' at position 0"_s;
    QTest::newRow("lifecycle not filterable")
        << u"lifecycle_stage = 'active'"_s << u"Invalid attribute key 'lifecycle_stage'"_s;
    QTest::newRow("unknown dataset key") << u"datasets.source = 'x'"_s
                                         << u"Invalid dataset key 'source' at position 0"_s;
    QTest::newRow("metric needs a number")
        << u"metrics.loss > 'x'"_s << u"Expected a numeric value for metric 'loss' at position 15"_s;
    QTest::newRow("param needs a quoted string")
        << u"params.lr = 0.1"_s << u"Expected a quoted string value for parameter 'lr' at position 12"_s;
    QTest::newRow("unquoted string") << u"params.lr = abc"_s
                                     << u"Expected a quoted string value for parameter 'lr' at position 12"_s;
    QTest::newRow("backticks are no string") << u"params.lr = `abc`"_s << u"Expected a quoted string value"_s;
    QTest::newRow("start_time needs a number")
        << u"start_time > '1700'"_s << u"Expected an integer value for attribute 'start_time' at position 13"_s;
    QTest::newRow("unquoted key with slash")
        << u"metrics.train/loss < 1"_s << u"Unexpected character '/' at position 13"_s;
    QTest::newRow("unquoted key with dash") << u"params.a-b = 'x'"_s << u"at position 8"_s;
    QTest::newRow("unterminated string") << u"params.a = 'x"_s
                                         << u"Unterminated string literal (missing closing ') at position 11"_s;
    QTest::newRow("unterminated backtick")
        << u"metrics.`a > 1"_s << u"Unterminated backtick-quoted key (missing closing `) at position 8"_s;
    QTest::newRow("missing comparator") << u"metrics.loss 1"_s << u"Expected a comparator at position 13"_s;
    QTest::newRow("missing value") << u"metrics.loss <"_s
                                   << u"Expected a numeric value for metric 'loss' at position 14"_s;
    QTest::newRow("plus sign") << u"metrics.loss = +15E-1"_s << u"Unexpected character '+' at position 15"_s;
    QTest::newRow("plus in exponent") << u"metrics.loss = 1e+3"_s << u"Unexpected character '+' at position 17"_s;
    QTest::newRow("two comparisons without AND")
        << u"metrics.a < 1 metrics.b < 2"_s << u"Invalid clause in filter at position 14"_s;
    QTest::newRow("unbalanced )") << u"metrics.a < 1)"_s << u"Unbalanced ')' at position 13"_s;
    QTest::newRow("unclosed (") << u"(metrics.a < 1"_s << u"Unclosed '(' at position 0"_s;
    QTest::newRow("empty list") << u"run_id IN ()"_s << u"Empty list at position 10"_s;
    QTest::newRow("list of numbers") << u"run_id IN (1, 2)"_s << u"Ill-formed list at position 11"_s;
    QTest::newRow("list of words") << u"run_id IN (a)"_s << u"Ill-formed list at position 11"_s;
    QTest::newRow("IN needs a list") << u"run_id IN 'a'"_s
                                     << u"Expected a parenthesised list of quoted strings at position 10"_s;
    QTest::newRow("missing attribute") << u"attributes. = 'x'"_s << u"Missing key in 'attributes.' at position 0"_s;
    QTest::newRow("semicolon") << u"metrics.a < 1; drop"_s << u"Unexpected character ';' at position 13"_s;
    QTest::newRow("sign without number") << u"metrics.a < -x"_s << u"Unexpected character '-' at position 12"_s;
    QTest::newRow("position counts characters")
        << u"tags.`ü` = 'é' AND metrics.a <> 1"_s << u"Invalid comparator '<>' at position 29"_s;
    QTest::newRow("nesting limit") << QString(150, QLatin1Char('(')) + u"run_id = 'a'"_s
            + QString(150, QLatin1Char(')'))
                                   << u"Filter nests too deeply at position 100"_s;
}

void TestRunSearch::invalidFilters()
{
    QFETCH(QString, filter);
    QFETCH(QString, message);
    const auto s = RunSearch::parse(filter.toStdString(), {});
    QVERIFY2(!s, qPrintable(QStringLiteral("accepted: ") + filter));
    QCOMPARE(s.error().code, ErrorCode::InvalidParameterValue);
    const QString actual = QString::fromStdString(s.error().message);
    QVERIFY2(actual.contains(message), qPrintable(actual));
}

void TestRunSearch::orderBy_data()
{
    QTest::addColumn<QStringList>("orderBy");
    QTest::addColumn<QStringList>("expected");

    // population(): start times alpha 1000, beta 3000, gamma.x 2000, delta 2000, epsilon none.
    QTest::newRow("default") << QStringList() << names("beta,gamma.x,delta,alpha,epsilon");
    // Metrics: values, then NaN, then missing, in both directions.
    QTest::newRow("metric ASC") << QStringList {u"metrics.acc ASC"_s} << names("delta,alpha,beta,gamma.x,epsilon");
    QTest::newRow("metric DESC") << QStringList {u"metrics.acc DESC"_s} << names("alpha,delta,beta,gamma.x,epsilon");
    QTest::newRow("metric inf") << QStringList {u"metrics.loss desc"_s} << names("gamma.x,beta,alpha,delta,epsilon");
    QTest::newRow("direction defaults to ASC")
        << QStringList {u"metrics.loss"_s} << names("alpha,beta,gamma.x,delta,epsilon");
    // Params/tags as strings, missing last both ways.
    QTest::newRow("param ASC") << QStringList {u"params.lr"_s} << names("gamma.x,alpha,beta,delta,epsilon");
    QTest::newRow("param DESC") << QStringList {u"params.lr DESC"_s} << names("beta,alpha,gamma.x,delta,epsilon");
    QTest::newRow("tag, byte order") << QStringList {u"tags.team"_s} << names("gamma.x,beta,alpha,delta,epsilon");
    QTest::newRow("tag key quoted") << QStringList {u"tags.`mlflow.runName` DESC"_s}
                                    << names("gamma.x,epsilon,delta,beta,alpha");
    // Numeric attributes numerically, nulls last.
    QTest::newRow("end_time ASC") << QStringList {u"attributes.end_time ASC"_s}
                                  << names("alpha,delta,gamma.x,beta,epsilon");
    QTest::newRow("end_time DESC") << QStringList {u"end_time DESC"_s} << names("gamma.x,delta,alpha,beta,epsilon");
    QTest::newRow("start_time ASC") << QStringList {u"start_time ASC"_s} << names("alpha,gamma.x,delta,beta,epsilon");
    QTest::newRow("created alias") << QStringList {u"created DESC"_s} << names("beta,gamma.x,delta,alpha,epsilon");
    QTest::newRow("run_name") << QStringList {u"run_name"_s} << names("alpha,beta,delta,epsilon,gamma.x");
    QTest::newRow("status then name") << QStringList {u"status"_s, u"run_name DESC"_s}
                                      << names("delta,gamma.x,epsilon,alpha,beta");
    QTest::newRow("user_id") << QStringList {u"attribute.user_id DESC"_s} << names("gamma.x,beta,delta,alpha,epsilon");
    // A key named twice: the first decides, as in MLflow's file store.
    QTest::newRow("duplicate") << QStringList {u"metrics.loss"_s, u"metric.loss DESC"_s}
                               << names("alpha,beta,gamma.x,delta,epsilon");
    QTest::newRow("duplicate via alias") << QStringList {u"start_time"_s, u"created DESC"_s}
                                         << names("alpha,gamma.x,delta,beta,epsilon");
    QTest::newRow("two keys") << QStringList {u"params.opt"_s, u"metrics.loss DESC"_s}
                              << names("alpha,beta,gamma.x,delta,epsilon");
}

void TestRunSearch::orderBy()
{
    QFETCH(QStringList, orderBy);
    QFETCH(QStringList, expected);
    std::vector<std::string> clauses;
    for (const QString& c : orderBy)
        clauses.push_back(c.toStdString());
    QCOMPARE(ordered(clauses), expected);
    // The input order never matters.
    auto reversed = population();
    std::reverse(reversed.begin(), reversed.end());
    QCOMPARE(ordered(clauses, reversed), expected);
}

void TestRunSearch::orderByTieBreakers()
{
    // Equal keys fall back to start_time DESC, then run_id ASC.
    std::vector<Run> runs = {
        RunBuilder("r3", "three").param("p", "same").start(5),
        RunBuilder("r1", "one").param("p", "same").start(5),
        RunBuilder("r2", "two").param("p", "same").start(9),
        RunBuilder("r0", "zero").param("p", "same").start(std::nullopt),
    };
    QCOMPARE(ordered({"params.p"}, runs), names("two,one,three,zero"));
    QCOMPARE(ordered({}, runs), names("two,one,three,zero"));
    // Ordering on start_time replaces the start_time tie-breaker; run_id still breaks ties.
    QCOMPARE(ordered({"start_time ASC"}, runs), names("one,three,two,zero"));
    // NaN ties with NaN: tie-breakers decide.
    std::vector<Run> nans = {
        RunBuilder("n2", "n2").metric("m", kNaN).start(1),
        RunBuilder("n1", "n1").metric("m", kNaN).start(1),
        RunBuilder("n3", "n3").metric("m", 1.0).start(1),
    };
    QCOMPARE(ordered({"metrics.m DESC"}, nans), names("n3,n1,n2"));
    QCOMPARE(ordered({"metrics.m"}, nans), names("n3,n1,n2"));
}

void TestRunSearch::orderByErrors_data()
{
    QTest::addColumn<QStringList>("orderBy");
    QTest::addColumn<QString>("message");

    QTest::newRow("bad direction")
        << QStringList {u"metrics.loss SIDEWAYS"_s}
        << u"Invalid ordering key 'SIDEWAYS' in order_by clause 'metrics.loss SIDEWAYS' at position 13: expected ASC or DESC"_s;
    QTest::newRow("extra token") << QStringList {u"metrics.loss ASC x"_s} << u"unexpected 'x' after the direction"_s;
    QTest::newRow("empty clause") << QStringList {u""_s} << u"Invalid order_by clause '': it names no field"_s;
    QTest::newRow("dataset") << QStringList {u"datasets.name"_s} << u"Invalid order_by entity type 'dataset'"_s;
    QTest::newRow("Run name alias not orderable")
        << QStringList {u"`Run name`"_s} << u"Invalid attribute key 'Run name'"_s;
    QTest::newRow("unknown attribute") << QStringList {u"experiment_id"_s}
                                       << u"Invalid attribute key 'experiment_id'"_s;
    QTest::newRow("lexer error") << QStringList {u"metrics.a/b"_s}
                                 << u"Unexpected character '/' at position 9|in order_by clause 'metrics.a/b'"_s;
}

void TestRunSearch::orderByErrors()
{
    QFETCH(QStringList, orderBy);
    QFETCH(QString, message);
    std::vector<std::string> clauses;
    for (const QString& c : orderBy)
        clauses.push_back(c.toStdString());
    const auto s = RunSearch::parse("", clauses);
    QVERIFY(!s);
    QCOMPARE(s.error().code, ErrorCode::InvalidParameterValue);
    const QString actual = QString::fromStdString(s.error().message);
    for (const QString& part : message.split(QLatin1Char('|')))
        QVERIFY2(actual.contains(part), qPrintable(actual));
}

void TestRunSearch::lessThanAgreesWithSort()
{
    const auto s = RunSearch::parse("", {"metrics.acc DESC", "params.lr"});
    QVERIFY(s);
    auto runs = population();
    s->sort(runs, SearchDialect::Sql);
    for (std::size_t i = 0; i + 1 < runs.size(); ++i) {
        QVERIFY(s->lessThan(runs[i], runs[i + 1], SearchDialect::Sql));
        QVERIFY(!s->lessThan(runs[i + 1], runs[i], SearchDialect::Sql));
    }
}

void TestRunSearch::requiredFields()
{
    auto fields = [](const char* filter, std::vector<std::string> order = {}) {
        const auto s = RunSearch::parse(filter, order);
        return s ? s->requiredFields() : 0u;
    };
    const RunFields info = static_cast<RunFields>(RunField::Info);
    QCOMPARE(fields(""), info);
    QCOMPARE(fields("status = 'FINISHED' AND start_time > 1"), info);
    QCOMPARE(fields("metrics.a > 1"), info | static_cast<RunFields>(RunField::Metrics));
    QCOMPARE(fields("", {"params.a"}), info | static_cast<RunFields>(RunField::Params));
    QCOMPARE(fields("tags.a = 'x' OR datasets.name = 'd'"),
        info | static_cast<RunFields>(RunField::Tags) | static_cast<RunFields>(RunField::Inputs));
    // Ordering by run_name reads the run name itself, so no tags are needed there.
    QCOMPARE(fields("", {"run_name"}), info);
}

void TestRunSearch::mlflowCompatibility_data()
{
    QTest::addColumn<QString>("filter");
    QTest::addColumn<bool>("compatible");
    QTest::addColumn<QString>("rendered"); // mlflowCompatibleFilter() when compatible
    QTest::addColumn<QString>("server"); // mlflowServerFilter()

    QTest::newRow("empty") << u""_s << true << u""_s << u""_s;
    QTest::newRow("one comparison") << u"metrics.loss<1"_s << true << u"metrics.`loss` < 1"_s
                                    << u"metrics.`loss` < 1"_s;
    QTest::newRow("aliases canonical") << u"param.lr = \"0.1\" and Created >= 5"_s << true
                                       << u"params.`lr` = '0.1' AND attributes.start_time >= 5"_s
                                       << u"params.`lr` = '0.1' AND attributes.start_time >= 5"_s;
    QTest::newRow("parenthesised conjunction")
        << u"(run_id IN ('ab', 'CD')) AND (datasets.context like 'train%')"_s << true
        << u"attributes.run_id IN ('ab') AND datasets.context LIKE 'train%'"_s
        << u"attributes.run_id IN ('ab') AND datasets.context LIKE 'train%'"_s;
    QTest::newRow("number kept as written")
        << u"metrics.x > 1.0E3"_s << true << u"metrics.`x` > 1.0E3"_s << u"metrics.`x` > 1.0E3"_s;
    QTest::newRow("value with a quote") << u"tags.q = \"it's\""_s << true << u"tags.`q` = \"it's\""_s
                                        << u"tags.`q` = \"it's\""_s;
    QTest::newRow("OR is local") << u"metrics.a > 1 OR metrics.b > 1"_s << false << u""_s << u""_s;
    QTest::newRow("conjunct with OR inside")
        << u"metrics.a > 1 AND (tags.t = 'x' OR tags.t = 'y')"_s << false << u""_s << u"metrics.`a` > 1"_s;
    QTest::newRow("NOT is local") << u"NOT metrics.a > 1 AND params.p = 'v'"_s << false << u""_s
                                  << u"params.`p` = 'v'"_s;
    QTest::newRow("emptied list is local") << u"run_id IN ('ABC')"_s << false << u""_s << u""_s;
    // The trailing backslash escapes the closing quote, which closes only at the end of a filter;
    // written before another quoted value it would swallow that comparison, so it stays local.
    QTest::newRow("value ending in a backslash")
        << u"tags.a ILIKE '%\\' AND tags.b = \"x\""_s << false << u""_s << u"tags.`b` = 'x'"_s;
}

void TestRunSearch::mlflowCompatibility()
{
    QFETCH(QString, filter);
    QFETCH(bool, compatible);
    QFETCH(QString, rendered);
    QFETCH(QString, server);
    const auto s = RunSearch::parse(filter.toStdString(), {"metrics.`val loss` DESC", "created"});
    QVERIFY(s);
    const auto text = s->mlflowCompatibleFilter();
    QCOMPARE(text.has_value(), compatible);
    if (text) {
        QCOMPARE(QString::fromStdString(*text), rendered);
        // What is sent must parse back to the same search.
        const auto again = RunSearch::parse(*text, {});
        QVERIFY(again);
        for (const Run& r : population())
            QCOMPARE(again->matches(r, SearchDialect::Sql), s->matches(r, SearchDialect::Sql));
    }
    QCOMPARE(QString::fromStdString(s->mlflowServerFilter()), server);
    const auto order = s->mlflowOrderBy();
    QVERIFY(order);
    QCOMPARE(*order, (std::vector<std::string> {"metrics.`val loss` DESC", "attributes.start_time ASC"}));
}

void TestRunSearch::fuzz()
{
    // Random input must give a search or INVALID_PARAMETER_VALUE, never a crash; whatever parses must
    // evaluate and sort. Fixed seeds keep failures reproducible.
    const std::vector<std::string> vocabulary = {"metrics.loss", "params.`a b`", "tags.t", "run_id", "start_time",
        "datasets.name", "status", "`Run name`", "AND", "OR", "NOT", "IN", "NOT IN", "LIKE", "ilike", "(", ")", ",",
        "=", "!=", "<", ">=", "<<", "'x'", "'%a_'", "\"q\"", "1", "-2.5e3", ".5", "'", "`", "\"", "1e999", "ASC",
        "DESC", "\n", "é", "'[('", "'%(%'", "'\\'"};
    const auto runs = population();
    int parsed = 0;
    QRandomGenerator rng(20240613);
    for (int i = 0; i < 3000; ++i) {
        std::string text;
        const int n = rng.bounded(1, 12);
        for (int k = 0; k < n; ++k) {
            if (rng.bounded(4) == 0) {
                text += static_cast<char>(rng.bounded(256));
            } else {
                text += vocabulary[static_cast<std::size_t>(rng.bounded(static_cast<int>(vocabulary.size())))];
                text += ' ';
            }
        }
        const auto s = RunSearch::parse(text, {});
        if (!s) {
            QCOMPARE(s.error().code, ErrorCode::InvalidParameterValue);
            QVERIFY(s.error().message.find("position") != std::string::npos);
            continue;
        }
        ++parsed;
        for (const Run& r : runs) {
            s->matches(r, SearchDialect::FileStore);
            s->matches(r, SearchDialect::Sql);
        }
        (void)s->mlflowCompatibleFilter();
        const auto order = RunSearch::parse("", {text});
        if (order) {
            auto copy = runs;
            order->sort(copy, SearchDialect::Sql);
            QCOMPARE(copy.size(), runs.size());
        }
    }
    QVERIFY(parsed > 0); // the vocabulary does reach valid filters
    for (int i = 0; i < 2000; ++i) {
        std::string bytes(static_cast<std::size_t>(rng.bounded(0, 40)), '\0');
        for (char& c : bytes)
            c = static_cast<char>(rng.bounded(256));
        const auto s = RunSearch::parse(bytes, {bytes});
        if (!s)
            QCOMPARE(s.error().code, ErrorCode::InvalidParameterValue);
        const LikePattern like(bytes, i % 2);
        QVERIFY(like.matches(bytes) || bytes.find_first_of("%_") != std::string::npos || i % 2);
    }
}

QTEST_GUILESS_MAIN(TestRunSearch)
#include "tst_runsearch.moc"
