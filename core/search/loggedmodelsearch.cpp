// SPDX-License-Identifier: Apache-2.0
#include "search/loggedmodelsearch.h"

#include <algorithm>
#include <cmath>

namespace runlens {

namespace {

bool isNumericAttribute(std::string_view key)
{
    return key == "creation_timestamp" || key == "last_updated_timestamp";
}

// An attribute as MLflow reads it off the entity. The status is its name in both dialects: MLflow
// 3.6's SQL store compares the name with its integer column, so `status = 'READY'` matches nothing
// there (docs/mlflow3.md); Runlens matches the READY models, as the file store does.
std::optional<std::string> stringAttribute(const LoggedModel& m, std::string_view key)
{
    if (key == "name")
        return m.name;
    if (key == "model_id")
        return m.modelId;
    if (key == "model_type")
        return m.modelType;
    if (key == "source_run_id")
        return m.sourceRunId;
    if (key == "status")
        return std::string(loggedModelStatusName(m.status));
    return std::nullopt;
}

std::int64_t numericAttribute(const LoggedModel& m, std::string_view key)
{
    return key == "creation_timestamp" ? m.creationTimestamp : m.lastUpdatedTimestamp;
}

bool onAnyDataset(const ModelMetric& metric, const std::vector<DatasetFilter>& datasets)
{
    return datasets.empty() || std::any_of(datasets.begin(), datasets.end(), [&](const DatasetFilter& d) {
        return isMetricOnDataset(metric, d);
    });
}

bool matchesComparison(
    const SearchComparison& c, const LoggedModel& m, const std::vector<DatasetFilter>& datasets, SearchDialect dialect)
{
    switch (c.field.entity) {
    case SearchEntity::Metric:
        for (const ModelMetric& metric : m.metrics) {
            if (metric.key != c.field.key || !onAnyDataset(metric, datasets))
                continue;
            // The SQL store joins every logged value; the file store looks at the first match only.
            if (dialect == SearchDialect::FileStore)
                return c.matchesNumber(metric.point.value);
            if (c.matchesNumber(metric.point.value))
                return true;
        }
        return false;
    case SearchEntity::Param: {
        const std::string* v = findValue(m.params, c.field.key);
        return v && c.matchesString(*v);
    }
    case SearchEntity::Tag: {
        const std::string* v = findValue(m.tags, c.field.key);
        return v && c.matchesString(*v);
    }
    case SearchEntity::Attribute:
        if (isNumericAttribute(c.field.key)) {
            if (c.valueType == SearchValueType::Number) // a literal that is no 64-bit integer
                return c.matchesNumber(static_cast<double>(numericAttribute(m, c.field.key)));
            return c.matchesInteger(numericAttribute(m, c.field.key));
        }
        if (auto v = stringAttribute(m, c.field.key)) {
            // The file store applies the run-id rule that drops list entries with capitals
            // (status IN ('READY') matches nothing there, a defect Runlens leaves out for status);
            // the SQL store compares every entry.
            if ((dialect == SearchDialect::Sql || c.field.key == "status")
                && (c.op == SearchComparator::In || c.op == SearchComparator::NotIn)) {
                const bool found
                    = std::find(c.listAsWritten.begin(), c.listAsWritten.end(), *v) != c.listAsWritten.end();
                return c.op == SearchComparator::In ? found : !found;
            }
            return c.matchesString(*v);
        }
        return false;
    case SearchEntity::Dataset:
        return false; // refused by the parser
    }
    return false;
}

// The value an order entry sorts a model by; nullopt sorts last in both directions, as in MLflow.
struct SortValue
{
    enum class Kind
    {
        Missing,
        Number,
        Integer,
        Text
    };
    Kind kind = Kind::Missing;
    double number = 0.0;
    std::int64_t integer = 0;
    std::string text;
};

SortValue sortValue(const LoggedModel& m, const LoggedModelOrder& o, SearchDialect dialect)
{
    SortValue v;
    if (o.fieldName.starts_with("metrics.")) {
        const std::string_view key = std::string_view(o.fieldName).substr(8);
        const ModelMetric* latest = nullptr;
        for (const ModelMetric& metric : m.metrics) {
            if (metric.key != key || (o.datasetName && metric.datasetName != o.datasetName)
                || (o.datasetDigest && metric.datasetDigest != o.datasetDigest)) {
                continue;
            }
            // File store: the latest by timestamp, the first of equals; SQL: by timestamp, then step.
            const bool later = !latest || metric.point.timestamp > latest->point.timestamp
                || (dialect == SearchDialect::Sql && metric.point.timestamp == latest->point.timestamp
                    && metric.point.step > latest->point.step);
            if (later)
                latest = &metric;
        }
        if (latest) {
            v.kind = SortValue::Kind::Number;
            v.number = latest->point.value;
        }
        return v;
    }
    if (isNumericAttribute(o.fieldName)) {
        v.kind = SortValue::Kind::Integer;
        v.integer = numericAttribute(m, o.fieldName);
        return v;
    }
    if (o.fieldName == "status") {
        // The SQL store orders the integer it keeps; the file store the name (FAILED < PENDING < READY).
        if (dialect == SearchDialect::FileStore) {
            v.kind = SortValue::Kind::Text;
            v.text = std::string(loggedModelStatusName(m.status));
        } else {
            v.kind = SortValue::Kind::Integer;
            v.integer = static_cast<int>(m.status);
        }
        return v;
    }
    if (auto text = stringAttribute(m, o.fieldName)) {
        v.kind = SortValue::Kind::Text;
        v.text = std::move(*text);
    }
    return v;
}

// <0, 0, >0. NaN compares as neither less nor greater, as Python's and SQLite's comparisons do.
int compareValues(const SortValue& a, const SortValue& b, bool ascending)
{
    const bool aMissing = a.kind == SortValue::Kind::Missing;
    const bool bMissing = b.kind == SortValue::Kind::Missing;
    if (aMissing || bMissing)
        return aMissing == bMissing ? 0 : (aMissing ? 1 : -1);
    int c = 0;
    if (a.kind == SortValue::Kind::Number)
        c = a.number < b.number ? -1 : (b.number < a.number ? 1 : 0);
    else if (a.kind == SortValue::Kind::Integer)
        c = a.integer < b.integer ? -1 : (b.integer < a.integer ? 1 : 0);
    else
        c = a.text < b.text ? -1 : (b.text < a.text ? 1 : 0);
    return ascending ? c : -c;
}

std::string canonicalField(std::string_view name)
{
    if (name == "creation_time")
        return "creation_timestamp";
    if (name == "last_updated_time")
        return "last_updated_timestamp";
    return std::string(name);
}

bool isOrderAttribute(std::string_view name)
{
    return name == "name" || name == "model_id" || name == "model_type" || name == "status" || name == "source_run_id"
        || name == "creation_timestamp" || name == "last_updated_timestamp";
}

} // namespace

bool isMetricOnDataset(const ModelMetric& metric, const DatasetFilter& dataset)
{
    return metric.datasetName == dataset.name && (!dataset.digest || metric.datasetDigest == dataset.digest);
}

struct LoggedModelSearch::Impl
{
    std::string filterText;
    std::optional<SearchExpression> expression;
    bool filterHasMetric = false;
    std::vector<LoggedModelOrder> orders; // as given
    std::vector<LoggedModelOrder> sortOrders; // with the file store's tie-breakers
    std::vector<LoggedModelOrder> sqlSortOrders; // with the SQL store's (no model_id unless given)
    std::vector<DatasetFilter> datasets;
};

Result<LoggedModelSearch> LoggedModelSearch::parse(
    std::string_view filter, const std::vector<LoggedModelOrder>& orderBy, std::vector<DatasetFilter> datasets)
{
    auto expression = parseSearchFilter(filter, SearchGrammar::LoggedModels);
    if (!expression)
        return expression.error();
    for (const DatasetFilter& d : datasets) {
        if (d.name.empty()) {
            return StoreError {
                ErrorCode::InvalidParameterValue, "`dataset_name` in the `datasets` clause must be specified."};
        }
    }
    auto impl = std::make_shared<Impl>();
    impl->filterText = std::string(filter);
    impl->expression = std::move(*expression);
    if (impl->expression) {
        impl->expression->forEachComparison([&](const SearchComparison& c) {
            if (c.field.entity == SearchEntity::Metric)
                impl->filterHasMetric = true;
        });
    }
    bool hasCreation = false;
    bool hasModelId = false;
    for (LoggedModelOrder o : orderBy) {
        if (o.datasetDigest && !o.datasetName) {
            return StoreError {ErrorCode::InvalidParameterValue,
                "`dataset_digest` can only be specified if `dataset_name` is also specified."};
        }
        if (o.fieldName.find('.') != std::string::npos) {
            const std::string entity = o.fieldName.substr(0, o.fieldName.find('.'));
            if (entity != "metrics" || o.fieldName.size() == 8) {
                return StoreError {ErrorCode::InvalidParameterValue,
                    "Invalid order by field name: " + entity + ", only `metrics.<name>` is allowed."};
            }
        } else {
            o.fieldName = canonicalField(o.fieldName);
            if (!isOrderAttribute(o.fieldName)) {
                return StoreError {ErrorCode::InvalidParameterValue,
                    "Invalid order by field name: " + o.fieldName
                        + " (valid: metrics.<name>, name, model_id, model_type, status, source_run_id, "
                          "creation_timestamp, last_updated_timestamp)"};
            }
            if (o.datasetName) {
                return StoreError {ErrorCode::InvalidParameterValue,
                    "a dataset can only be given when ordering by a metric, not by " + o.fieldName};
            }
        }
        hasCreation = hasCreation || o.fieldName == "creation_timestamp";
        hasModelId = hasModelId || o.fieldName == "model_id";
        impl->orders.push_back(o);
    }
    impl->sortOrders = impl->orders;
    if (!hasCreation)
        impl->sortOrders.push_back({"creation_timestamp", false, {}, {}});
    impl->sqlSortOrders = impl->sortOrders; // SQL keeps its own order after these
    if (!hasModelId)
        impl->sortOrders.push_back({"model_id", true, {}, {}});
    impl->datasets = std::move(datasets);
    LoggedModelSearch search;
    search.m_impl = std::move(impl);
    return search;
}

Result<LoggedModelOrder> LoggedModelSearch::parseOrder(std::string_view clause)
{
    std::string_view text = clause;
    while (!text.empty() && text.front() == ' ')
        text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ')
        text.remove_suffix(1);
    LoggedModelOrder order;
    const auto space = text.rfind(' ');
    if (space != std::string_view::npos) {
        std::string direction(text.substr(space + 1));
        std::transform(direction.begin(), direction.end(), direction.begin(),
            [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
        if (direction == "ASC" || direction == "DESC") {
            order.ascending = direction == "ASC";
            text = text.substr(0, space);
            while (!text.empty() && text.back() == ' ')
                text.remove_suffix(1);
        }
    }
    if (text.empty()) {
        return StoreError {ErrorCode::InvalidParameterValue,
            "Invalid order_by clause '" + std::string(clause) + "': it names no field"};
    }
    std::string field(text);
    // `metrics.val loss` and metrics.`val/loss` name the same key; backticks only quote.
    if (const auto dot = field.find('.'); dot != std::string::npos) {
        std::string key = field.substr(dot + 1);
        if (key.size() >= 2 && key.front() == '`' && key.back() == '`')
            key = key.substr(1, key.size() - 2);
        field = field.substr(0, dot + 1) + key;
    }
    order.fieldName = std::move(field);
    return order;
}

bool LoggedModelSearch::hasFilter() const
{
    return m_impl->expression.has_value() || !m_impl->datasets.empty();
}

bool LoggedModelSearch::matches(const LoggedModel& model, SearchDialect dialect) const
{
    if (model.lifecycleStage != LifecycleStage::Active)
        return false;
    const auto& datasets = m_impl->datasets;
    // Datasets without a metric filter keep the models that have any metric on one of them.
    if (!datasets.empty() && !m_impl->filterHasMetric) {
        const bool any = std::any_of(model.metrics.begin(), model.metrics.end(),
            [&](const ModelMetric& metric) { return onAnyDataset(metric, datasets); });
        if (!any)
            return false;
    }
    if (!m_impl->expression)
        return true;
    return m_impl->expression->evaluate(
        [&](const SearchComparison& c) { return matchesComparison(c, model, datasets, dialect); });
}

void LoggedModelSearch::sort(std::vector<LoggedModel>& models, SearchDialect dialect) const
{
    const std::vector<LoggedModelOrder>& orders
        = dialect == SearchDialect::Sql ? m_impl->sqlSortOrders : m_impl->sortOrders;
    // Sort keys are computed once per model: a metric key scans the model's metrics.
    std::vector<std::vector<SortValue>> keys(models.size());
    for (std::size_t i = 0; i < models.size(); ++i) {
        for (const LoggedModelOrder& o : orders)
            keys[i].push_back(sortValue(models[i], o, dialect));
    }
    std::vector<std::size_t> index(models.size());
    for (std::size_t i = 0; i < index.size(); ++i)
        index[i] = i;
    std::stable_sort(index.begin(), index.end(), [&](std::size_t a, std::size_t b) {
        for (std::size_t k = 0; k < orders.size(); ++k) {
            if (const int c = compareValues(keys[a][k], keys[b][k], orders[k].ascending))
                return c < 0;
        }
        return false;
    });
    std::vector<LoggedModel> sorted;
    sorted.reserve(models.size());
    for (std::size_t i : index)
        sorted.push_back(std::move(models[i]));
    models = std::move(sorted);
}

std::vector<LoggedModel> LoggedModelSearch::apply(
    std::vector<LoggedModel>&& models, SearchDialect dialect, std::optional<std::size_t> maxResults) const
{
    std::erase_if(models, [&](const LoggedModel& m) { return !matches(m, dialect); });
    sort(models, dialect);
    if (maxResults && models.size() > *maxResults)
        models.resize(*maxResults);
    return std::move(models);
}

const std::string& LoggedModelSearch::filterText() const
{
    return m_impl->filterText;
}

const std::vector<LoggedModelOrder>& LoggedModelSearch::orderBy() const
{
    return m_impl->orders;
}

const std::vector<DatasetFilter>& LoggedModelSearch::datasets() const
{
    return m_impl->datasets;
}

std::optional<std::string> LoggedModelSearch::mlflowCompatibleFilter() const
{
    if (!m_impl->expression)
        return std::string();
    // A 3.6 server compares status on its SQL store's integer column: evaluated here instead.
    bool status = false;
    m_impl->expression->forEachComparison([&](const SearchComparison& c) {
        status = status || (c.field.entity == SearchEntity::Attribute && c.field.key == "status");
    });
    if (status)
        return std::nullopt;
    return renderMlflowFilter(*m_impl->expression);
}

} // namespace runlens
