// SPDX-License-Identifier: Apache-2.0
#include "rundiffmodel.h"

#include "runcolors.h"
#include "store.h"
#include "text/numberformat.h"

#include <QBrush>
#include <QColor>
#include <QCoreApplication>
#include <QFont>
#include <QMetaObject>
#include <QtConcurrent/QtConcurrentRun>

#include <charconv>
#include <cmath>
#include <cstring>
#include <set>

namespace runlens {

namespace {

QString toQString(const std::string& s)
{
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

bool isSystemTag(const std::string& key)
{
    return key.rfind("mlflow.", 0) == 0;
}

// A param is text in MLflow; it counts as a number only when the whole string parses as one.
std::optional<double> parseNumber(const std::string& text)
{
    if (text.empty())
        return std::nullopt;
    double value = 0.0;
    const char* begin = text.data();
    const char* end = begin + text.size();
    if (*begin == '+')
        ++begin; // from_chars refuses a leading plus that Python's float() accepts
    const auto [ptr, ec] = std::from_chars(begin, end, value);
    if (ec != std::errc() || ptr != end)
        return std::nullopt;
    return value;
}

bool samePoint(const MetricPoint& a, const MetricPoint& b)
{
    // Bitwise on the value: NaN equals NaN here, which is what "unchanged since read" means.
    return a.step == b.step && a.timestamp == b.timestamp && std::memcmp(&a.value, &b.value, sizeof(double)) == 0;
}

// The run's own fields in the order the diff shows them, each with MLflow's name (the row's key) and
// its title.
struct InfoFieldSpec
{
    RunDiffModel::InfoField field;
    const char* key;
    const char* title;
};

constexpr InfoFieldSpec kInfoFields[] = {
    {RunDiffModel::InfoField::RunId, "run_id", QT_TRANSLATE_NOOP("RunDiffModel", "Run ID")},
    {RunDiffModel::InfoField::Name, "run_name", QT_TRANSLATE_NOOP("RunDiffModel", "Name")},
    {RunDiffModel::InfoField::Status, "status", QT_TRANSLATE_NOOP("RunDiffModel", "Status")},
    {RunDiffModel::InfoField::User, "user_id", QT_TRANSLATE_NOOP("RunDiffModel", "User")},
    {RunDiffModel::InfoField::Start, "start_time", QT_TRANSLATE_NOOP("RunDiffModel", "Start")},
    {RunDiffModel::InfoField::End, "end_time", QT_TRANSLATE_NOOP("RunDiffModel", "End")},
    {RunDiffModel::InfoField::Duration, "duration", QT_TRANSLATE_NOOP("RunDiffModel", "Duration")},
    {RunDiffModel::InfoField::Experiment, "experiment_id", QT_TRANSLATE_NOOP("RunDiffModel", "Experiment")},
};

const InfoFieldSpec& infoFieldSpec(RunDiffModel::InfoField field)
{
    for (const InfoFieldSpec& spec : kInfoFields) {
        if (spec.field == field)
            return spec;
    }
    return kInfoFields[0];
}

// Readable on light and dark palettes alike. Blue and orange, not green and red: whether higher is better
// depends on the metric (accuracy or loss), which the diff cannot know.
const QColor kHigher(0x1f, 0x6f, 0xd1);
const QColor kLower(0xd9, 0x6a, 0x00);
const QColor kDiffersBackground(255, 193, 7, 56);
const QColor kBaselineBackground(66, 133, 244, 28);
const QColor kSectionBackground(128, 128, 128, 48);

using RunSummaries = std::vector<std::pair<std::string, MetricSummary>>;

} // namespace

RunDiffModel::RunDiffModel(QObject* parent)
    : QAbstractTableModel(parent)
{
    m_rows = buildRows();
}

RunDiffModel::~RunDiffModel()
{
    cancelHistories();
}

void RunDiffModel::setStore(std::shared_ptr<Store> store, QThreadPool* pool)
{
    cancelHistories();
    m_store = std::move(store);
    m_pool = pool;
    m_summaries.clear();
    refreshRows();
    if (m_statistic != MetricStatistic::Latest)
        loadHistories();
}

void RunDiffModel::setRuns(std::vector<Run> runs)
{
    cancelHistories();
    const std::string baselineId = m_baseline < static_cast<int>(m_runs.size())
        ? m_runs[static_cast<std::size_t>(m_baseline)].info.runId
        : std::string();
    // Keep the summaries whose metric has not moved since its history was read.
    std::map<std::string, std::map<std::string, MetricSummary>> kept;
    for (const Run& run : runs) {
        auto it = m_summaries.find(run.info.runId);
        if (it == m_summaries.end())
            continue;
        for (const Metric& metric : run.metrics) {
            auto s = it->second.find(metric.key);
            if (s != it->second.end() && s->second.error.empty() && samePoint(s->second.latest, metric.point))
                kept[run.info.runId].emplace(metric.key, s->second);
        }
    }
    beginResetModel();
    m_summaries = std::move(kept);
    m_runs = std::move(runs);
    m_baseline = 0;
    for (std::size_t i = 0; i < m_runs.size(); ++i)
        if (m_runs[i].info.runId == baselineId)
            m_baseline = static_cast<int>(i);
    m_rows = buildRows();
    endResetModel();
    if (m_statistic != MetricStatistic::Latest)
        loadHistories();
}

void RunDiffModel::setRuns(const RunListSnapshot& snapshot, const std::vector<std::string>& runIds)
{
    std::vector<Run> runs;
    if (snapshot) {
        for (const std::string& id : runIds) {
            for (const Run& run : snapshot->runs) {
                if (run.info.runId == id) {
                    runs.push_back(run);
                    break;
                }
            }
        }
    }
    setRuns(std::move(runs));
}

void RunDiffModel::setExperimentNames(const QHash<QString, QString>& names)
{
    m_experimentNames = names;
    refreshRows();
}

void RunDiffModel::setBaselineColumn(int column)
{
    if (column < 0 || column >= static_cast<int>(m_runs.size()) || column == m_baseline)
        return;
    const int old = m_baseline;
    m_baseline = column;
    Q_EMIT headerDataChanged(Qt::Horizontal, std::min(old, column), std::max(old, column));
    refreshRows();
    Q_EMIT baselineChanged(column);
}

void RunDiffModel::setDifferencesOnly(bool on)
{
    if (m_differencesOnly == on)
        return;
    m_differencesOnly = on;
    refreshRows();
}

void RunDiffModel::setShowSystemTags(bool on)
{
    if (m_showSystemTags == on)
        return;
    m_showSystemTags = on;
    refreshRows();
}

void RunDiffModel::setMetricStatistic(MetricStatistic statistic)
{
    if (m_statistic == statistic)
        return;
    m_statistic = statistic;
    refreshRows();
    if (rowCount() > 0)
        Q_EMIT headerDataChanged(Qt::Vertical, 0, rowCount() - 1);
    if (statistic != MetricStatistic::Latest)
        loadHistories();
}

const MetricSummary* RunDiffModel::summary(const std::string& runId, const std::string& key) const
{
    auto it = m_summaries.find(runId);
    if (it == m_summaries.end())
        return nullptr;
    auto s = it->second.find(key);
    return s == it->second.end() ? nullptr : &s->second;
}

bool RunDiffModel::historiesComplete() const
{
    for (const Run& run : m_runs)
        for (const Metric& metric : run.metrics)
            if (!summary(run.info.runId, metric.key))
                return false;
    return true;
}

void RunDiffModel::cancelHistories()
{
    if (m_cancelled)
        m_cancelled->store(true);
    m_cancelled.reset();
    ++m_generation;
    m_pendingRuns = 0;
    m_totalRuns = 0;
}

void RunDiffModel::loadHistories()
{
    if (isLoadingHistories() || !m_store || !m_pool)
        return;
    const std::uint64_t generation = ++m_generation;
    m_cancelled = std::make_shared<std::atomic<bool>>(false);
    // One task per run: runs load in parallel, and each column fills in as soon as its run is read.
    for (const Run& run : m_runs) {
        std::vector<std::string> keys;
        for (const Metric& metric : run.metrics)
            if (!summary(run.info.runId, metric.key))
                keys.push_back(metric.key);
        if (keys.empty())
            continue;
        ++m_pendingRuns;
        (void)QtConcurrent::run(m_pool.data(),
            [self = QPointer<RunDiffModel>(this), store = m_store, runId = run.info.runId, keys, generation,
                cancelled = m_cancelled] {
                auto summaries = std::make_shared<RunSummaries>();
                for (const std::string& key : keys) {
                    if (cancelled->load())
                        return; // other runs are compared now
                    auto history = store->metricHistory(runId, key);
                    if (history) {
                        summaries->emplace_back(key, MetricSummary::fromHistory(key, history.value()));
                    } else {
                        MetricSummary failed;
                        failed.key = key;
                        failed.error = history.error().toString();
                        summaries->emplace_back(key, std::move(failed));
                    }
                }
                // Posted to the application: the model may be gone by now, which the GUI thread checks.
                QMetaObject::invokeMethod(
                    QCoreApplication::instance(),
                    [self, runId, summaries, generation] {
                        if (!self || generation != self->m_generation)
                            return;
                        auto& target = self->m_summaries[runId];
                        for (auto& [key, s] : *summaries)
                            target.insert_or_assign(key, std::move(s));
                        --self->m_pendingRuns;
                        Q_EMIT self->historiesProgress(self->m_totalRuns - self->m_pendingRuns, self->m_totalRuns);
                        if (self->m_statistic != MetricStatistic::Latest)
                            self->refreshRows();
                        if (self->m_pendingRuns == 0) {
                            self->m_cancelled.reset();
                            Q_EMIT self->historiesLoaded();
                        }
                    },
                    Qt::QueuedConnection);
            });
    }
    m_totalRuns = m_pendingRuns;
    if (m_pendingRuns > 0)
        Q_EMIT historiesProgress(0, m_totalRuns);
}

std::vector<RunDiffModel::Row> RunDiffModel::buildRows() const
{
    std::vector<Row> rows;
    if (m_runs.empty())
        return rows;
    auto addSection = [&](Section section, const std::vector<Row>& values) {
        if (values.empty())
            return;
        rows.push_back({RowKind::Section, section, InfoField::RunId, {}});
        rows.insert(rows.end(), values.begin(), values.end());
    };
    auto keep = [&](const Row& row) { return !m_differencesOnly || !sameValues(row); };

    std::vector<Row> info;
    for (const InfoFieldSpec& spec : kInfoFields) {
        Row row {RowKind::Value, Section::Info, spec.field, spec.key};
        if (keep(row))
            info.push_back(row);
    }
    addSection(Section::Info, info);

    auto keyed = [&](Section section, auto keysOf) {
        std::set<std::string> keys;
        for (const Run& run : m_runs)
            keysOf(run, keys);
        std::vector<Row> values;
        for (const std::string& key : keys) {
            Row row {RowKind::Value, section, InfoField::RunId, key};
            if (keep(row))
                values.push_back(row);
        }
        addSection(section, values);
    };
    keyed(Section::Params, [](const Run& run, std::set<std::string>& keys) {
        for (const KeyValue& p : run.params)
            keys.insert(p.key);
    });
    keyed(Section::Metrics, [](const Run& run, std::set<std::string>& keys) {
        for (const Metric& m : run.metrics)
            keys.insert(m.key);
    });
    keyed(Section::Tags, [this](const Run& run, std::set<std::string>& keys) {
        for (const KeyValue& t : run.tags)
            if (m_showSystemTags || !isSystemTag(t.key))
                keys.insert(t.key);
    });
    return rows;
}

void RunDiffModel::refreshRows()
{
    std::vector<Row> rows = buildRows();
    if (rows == m_rows) {
        if (!m_rows.empty() && !m_runs.empty())
            Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
        return;
    }
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
}

RunDiffModel::Cell RunDiffModel::cell(const Row& row, int column) const
{
    Cell c;
    if (row.kind != RowKind::Value || column < 0 || column >= static_cast<int>(m_runs.size()))
        return c;
    const Run& run = m_runs[static_cast<std::size_t>(column)];
    auto setText = [&c](const std::string& text) {
        c.present = true;
        c.text = toQString(text);
    };
    switch (row.section) {
    case Section::Info:
        switch (row.field) {
        case InfoField::RunId:
            setText(run.info.runId);
            break;
        case InfoField::Name:
            setText(run.info.runName);
            break;
        case InfoField::Status:
            setText(std::string(runStatusName(run.info.status)));
            break;
        case InfoField::User:
            if (!run.info.userId.empty())
                setText(run.info.userId);
            break;
        case InfoField::Start:
        case InfoField::End: {
            const auto& time = row.field == InfoField::Start ? run.info.startTime : run.info.endTime;
            if (time) {
                setText(formatTimestampUtc(*time));
                c.number = static_cast<double>(*time);
            }
            break;
        }
        case InfoField::Duration:
            if (run.info.startTime && run.info.endTime) {
                const std::int64_t millis = *run.info.endTime - *run.info.startTime;
                setText(formatDuration(millis));
                c.number = static_cast<double>(millis);
            }
            break;
        case InfoField::Experiment: {
            const QString id = toQString(run.info.experimentId);
            c.present = true;
            const QString name = m_experimentNames.value(id);
            c.text = name.isEmpty() ? id : name;
            break;
        }
        }
        break;
    case Section::Params:
        if (const std::string* value = run.param(row.key)) {
            setText(*value);
            c.number = parseNumber(*value);
        }
        break;
    case Section::Tags:
        if (const std::string* value = run.tag(row.key))
            setText(*value);
        break;
    case Section::Metrics: {
        const Metric* metric = run.metric(row.key);
        if (!metric)
            break;
        if (m_statistic == MetricStatistic::Latest) {
            setText(formatNumber(metric->point.value));
            c.number = metric->point.value;
            break;
        }
        const MetricSummary* s = summary(run.info.runId, row.key);
        if (!s) {
            c.present = true;
            c.pending = true;
            c.text = QStringLiteral("…");
            break;
        }
        if (!s->error.empty()) {
            c.present = true;
            c.pending = true; // unknown, so never "the same"
            c.text = QCoreApplication::translate("RunDiffModel", "(history unreadable)");
            c.error = toQString(s->error);
            break;
        }
        const std::optional<double>& value = m_statistic == MetricStatistic::Min ? s->min : s->max;
        if (value) {
            setText(formatNumber(*value));
            c.number = *value;
        }
        break;
    }
    }
    return c;
}

RunDiffModel::ChangeStyle RunDiffModel::changeStyle(const Row& row) const
{
    switch (row.section) {
    case Section::Params:
    case Section::Metrics:
        return ChangeStyle::Number;
    case Section::Info:
        return row.field == InfoField::Duration ? ChangeStyle::Duration : ChangeStyle::None;
    case Section::Tags:
        return ChangeStyle::None;
    }
    return ChangeStyle::None;
}

bool RunDiffModel::sameValues(const Row& row) const
{
    if (m_runs.empty())
        return true;
    const Cell first = cell(row, 0);
    if (first.pending)
        return false;
    for (int column = 1; column < static_cast<int>(m_runs.size()); ++column) {
        const Cell other = cell(row, column);
        // Text is compared even for numbers: it is exact (metrics print round-trip digits, params are
        // strings in MLflow, so "0.10" and "0.1" are different params).
        if (other.pending || other.present != first.present || other.text != first.text)
            return false;
    }
    return true;
}

QString RunDiffModel::rowTitle(const Row& row) const
{
    if (row.kind == RowKind::Section) {
        switch (row.section) {
        case Section::Info:
            return tr("Run");
        case Section::Params:
            return tr("Parameters");
        case Section::Metrics:
            switch (m_statistic) {
            case MetricStatistic::Latest:
                return tr("Metrics (latest)");
            case MetricStatistic::Min:
                return tr("Metrics (min)");
            case MetricStatistic::Max:
                return tr("Metrics (max)");
            }
            break;
        case Section::Tags:
            return tr("Tags");
        }
        return {};
    }
    if (row.section == Section::Info)
        return tr(infoFieldSpec(row.field).title);
    return toQString(row.key);
}

QString RunDiffModel::formatChange(double delta)
{
    QString text = QString::number(delta, 'g', 6);
    if (delta > 0)
        text.prepend(QLatin1Char('+'));
    return text;
}

int RunDiffModel::rowOf(Section section, const QString& key) const
{
    const std::string k = key.toStdString();
    for (std::size_t r = 0; r < m_rows.size(); ++r)
        if (m_rows[r].kind == RowKind::Value && m_rows[r].section == section && m_rows[r].key == k)
            return static_cast<int>(r);
    return -1;
}

int RunDiffModel::rowOf(InfoField field) const
{
    for (std::size_t r = 0; r < m_rows.size(); ++r)
        if (m_rows[r].kind == RowKind::Value && m_rows[r].section == Section::Info && m_rows[r].field == field)
            return static_cast<int>(r);
    return -1;
}

int RunDiffModel::valueRowCount(Section section) const
{
    int count = 0;
    for (const Row& row : m_rows)
        if (row.kind == RowKind::Value && row.section == section)
            ++count;
    return count;
}

int RunDiffModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() || m_runs.empty() ? 0 : static_cast<int>(m_rows.size());
}

int RunDiffModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_runs.size());
}

QVariant RunDiffModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& row = m_rows[static_cast<std::size_t>(index.row())];
    const int column = index.column();
    switch (role) {
    case RowKindRole:
        return static_cast<int>(row.kind);
    case SectionRole:
        return static_cast<int>(row.section);
    case RowKeyRole:
        return toQString(row.key);
    case Qt::FontRole:
        if (row.kind == RowKind::Section) {
            QFont font;
            font.setBold(true);
            return font;
        }
        return {};
    default:
        break;
    }
    if (row.kind == RowKind::Section) {
        if (role == Qt::BackgroundRole)
            return QBrush(kSectionBackground);
        return {};
    }

    const Cell value = cell(row, column);
    const bool isBaseline = column == m_baseline;
    const Cell base = isBaseline ? value : cell(row, m_baseline);
    const ChangeStyle style = changeStyle(row);
    // The change against the baseline: 0 same, +1 higher, -1 lower, 2 differs otherwise.
    std::optional<int> change;
    if (!isBaseline && !value.pending && !base.pending && (value.present || base.present)) {
        if (value.present != base.present)
            change = 2;
        else if (style != ChangeStyle::None && value.number && base.number && !std::isnan(*value.number)
            && !std::isnan(*base.number))
            change = *value.number > *base.number ? 1 : (*value.number < *base.number ? -1 : 0);
        else
            change = value.text == base.text ? 0 : 2;
    }

    switch (role) {
    case Qt::DisplayRole: {
        if (!value.present)
            return QStringLiteral("—");
        // Long values (multi-line tags, notes) show their first line; the tooltip has the rest.
        QString text = value.text.section(QLatin1Char('\n'), 0, 0);
        if (text.size() < value.text.size())
            text += QStringLiteral(" …");
        if (change && (*change == 1 || *change == -1) && std::isfinite(*value.number) && std::isfinite(*base.number)) {
            const double delta = *value.number - *base.number;
            const QString absolute = style == ChangeStyle::Duration
                ? (delta > 0 ? QStringLiteral("+") : QStringLiteral("-"))
                    + toQString(formatDuration(static_cast<std::int64_t>(std::llround(std::abs(delta)))))
                : formatChange(delta);
            if (*base.number != 0.0) {
                const double percent = 100.0 * delta / std::abs(*base.number);
                const QString pct
                    = std::abs(percent) >= 0.1 ? QString::number(percent, 'f', 1) : QString::number(percent, 'g', 2);
                text
                    += QStringLiteral(" (%1, %2%3%)").arg(absolute, percent > 0 ? QStringLiteral("+") : QString(), pct);
            } else {
                text += QStringLiteral(" (%1)").arg(absolute);
            }
        }
        return text;
    }
    case Qt::ToolTipRole: {
        if (!value.error.isEmpty())
            return tr("Could not read the history: %1").arg(value.error);
        if (!value.present)
            return tr("Not set in this run");
        // A number with every digit: the cell shows it as the table does.
        QString tip = value.number ? toQString(formatDouble(*value.number)) : value.text.left(4000);
        if (!isBaseline && base.present && change && *change != 0)
            tip += QStringLiteral("\n\n")
                + tr("Baseline: %1").arg(base.number ? toQString(formatDouble(*base.number)) : base.text.left(1000));
        // The cell rounds the change to six digits; here it is with every digit.
        if ((change == 1 || change == -1) && style == ChangeStyle::Number)
            tip += QStringLiteral("\n") + tr("Change: %1").arg(toQString(formatDouble(*value.number - *base.number)));
        return tip;
    }
    case Qt::ForegroundRole:
        if (change && *change == 1)
            return QBrush(kHigher);
        if (change && *change == -1)
            return QBrush(kLower);
        return {};
    case Qt::BackgroundRole:
        // Ids, names and times differ between any two runs; marking them would only add noise.
        if (change && *change == 2
            && !(row.section == Section::Info && style == ChangeStyle::None && row.field != InfoField::Status
                && row.field != InfoField::User && row.field != InfoField::Experiment))
            return QBrush(kDiffersBackground);
        if (isBaseline)
            return QBrush(kBaselineBackground);
        return {};
    case RawValueRole:
        if (!value.present || value.pending)
            return {};
        if (value.number)
            return *value.number;
        return value.text;
    case ChangeRole:
        return change ? QVariant(*change) : QVariant();
    default:
        return {};
    }
}

QVariant RunDiffModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Vertical) {
        if (section < 0 || section >= rowCount())
            return {};
        const Row& row = m_rows[static_cast<std::size_t>(section)];
        switch (role) {
        case Qt::DisplayRole: {
            QString title = rowTitle(row);
            if (row.kind == RowKind::Value && row.section == Section::Metrics && m_statistic != MetricStatistic::Latest)
                title += m_statistic == MetricStatistic::Min ? tr(" (min)") : tr(" (max)");
            return title;
        }
        case Qt::ToolTipRole:
            return rowTitle(row);
        case Qt::FontRole:
            if (row.kind == RowKind::Section) {
                QFont font;
                font.setBold(true);
                return font;
            }
            return {};
        case RowKindRole:
            return static_cast<int>(row.kind);
        case SectionRole:
            return static_cast<int>(row.section);
        case RowKeyRole:
            return toQString(row.key);
        default:
            return {};
        }
    }
    if (section < 0 || section >= columnCount())
        return {};
    const Run& run = m_runs[static_cast<std::size_t>(section)];
    const bool baseline = section == m_baseline;
    switch (role) {
    case Qt::DisplayRole: {
        const QString name
            = run.info.runName.empty() ? toQString(run.info.runId.substr(0, 8)) : toQString(run.info.runName);
        return baseline ? tr("%1 (baseline)").arg(name) : name;
    }
    case Qt::ToolTipRole:
        return baseline ? tr("%1\n%2\nThe baseline: other runs show their change against it.")
                              .arg(toQString(run.info.runName), toQString(run.info.runId))
                        : tr("%1\n%2").arg(toQString(run.info.runName), toQString(run.info.runId));
    case Qt::ForegroundRole:
        return QBrush(runColor(run.info.runId));
    case Qt::DecorationRole:
        return runColor(run.info.runId);
    case Qt::FontRole:
        if (baseline) {
            QFont font;
            font.setBold(true);
            return font;
        }
        return {};
    case RunIdRole:
        return toQString(run.info.runId);
    case IsBaselineRole:
        return baseline;
    default:
        return {};
    }
}

} // namespace runlens
