// SPDX-License-Identifier: Apache-2.0
#include "runtablemodel.h"

#include "runcolors.h"
#include "text/numberformat.h"

#include <QColor>
#include <QDateTime>
#include <QLocale>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace runlens {

namespace {

// What the table shows of a run; a refresh re-reads the rest only when one of these moved.
bool sameRun(const Run& a, const Run& b)
{
    const RunInfo& x = a.info;
    const RunInfo& y = b.info;
    if (x.runName != y.runName || x.status != y.status || x.startTime != y.startTime || x.endTime != y.endTime
        || x.userId != y.userId || x.experimentId != y.experimentId || x.lifecycleStage != y.lifecycleStage
        || x.deletedTime != y.deletedTime || a.params != b.params || a.tags != b.tags
        || a.metrics.size() != b.metrics.size())
        return false;
    for (std::size_t i = 0; i < a.metrics.size(); ++i) {
        const Metric& m = a.metrics[i];
        const Metric& n = b.metrics[i];
        if (m.key != n.key || m.point.step != n.point.step || m.point.timestamp != n.point.timestamp
            || !(m.point.value == n.point.value || (std::isnan(m.point.value) && std::isnan(n.point.value))))
            return false;
    }
    return true;
}

QString toQString(const std::string& s)
{
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

// A param is a string in MLflow; it compares as a number when the whole string is one.
// MLflow's own tags (mlflow.runName, mlflow.user, mlflow.source.*, ...) are shown elsewhere.
bool isSystemTag(const std::string& key)
{
    return key.rfind("mlflow.", 0) == 0;
}

bool parseNumber(const std::string& text, double& value)
{
    if (text.empty())
        return false;
    const char* begin = text.data();
    const char* end = begin + text.size();
    const auto [ptr, ec] = std::from_chars(begin, end, value);
    return ec == std::errc() && ptr == end;
}

QString formatLocalTime(qint64 msecs)
{
    return QDateTime::fromMSecsSinceEpoch(msecs).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

QString fullTimeTip(qint64 msecs)
{
    const QDateTime local = QDateTime::fromMSecsSinceEpoch(msecs);
    return local.toString(Qt::ISODateWithMs) % QLatin1Char(' ') % local.timeZoneAbbreviation() % QStringLiteral(" (")
        % QString::number(msecs) % QStringLiteral(" ms since epoch)");
}

QString statusTitle(RunStatus status)
{
    switch (status) {
    case RunStatus::Running:
        return QStringLiteral("Running");
    case RunStatus::Scheduled:
        return QStringLiteral("Scheduled");
    case RunStatus::Finished:
        return QStringLiteral("Finished");
    case RunStatus::Failed:
        return QStringLiteral("Failed");
    case RunStatus::Killed:
        return QStringLiteral("Killed");
    }
    return {};
}

QColor statusColor(RunStatus status)
{
    switch (status) {
    case RunStatus::Running:
        return QColor(0x1f, 0x77, 0xd0);
    case RunStatus::Scheduled:
        return QColor(0x9a, 0x9a, 0x9a);
    case RunStatus::Finished:
        return QColor(0x2e, 0x9e, 0x44);
    case RunStatus::Failed:
        return QColor(0xd0, 0x32, 0x32);
    case RunStatus::Killed:
        return QColor(0xe0, 0x8a, 0x1e);
    }
    return {};
}

// Long or multi-line params (a JSON config, a path list) must not blow up row height.
QString oneLine(const std::string& value)
{
    QString text = toQString(value);
    if (text.size() > 300)
        text = text.left(300) + QChar(0x2026);
    text.replace(QLatin1Char('\n'), QChar(0x23CE));
    return text;
}

} // namespace

RunTableModel::RunTableModel(QObject* parent)
    : QAbstractTableModel(parent)
{ }

std::vector<RunTableModel::Column> RunTableModel::buildColumns(const RunList* runs) const
{
    // Union of keys over every run, hashed by views into the runs (alive for this call), then sorted:
    // at 20,000 runs x 100 keys a sorted map's string compares dominated a refresh.
    std::unordered_map<std::string_view, bool> params; // key -> every value is a number
    std::unordered_map<std::string_view, bool> metrics;
    std::unordered_map<std::string_view, bool> tags; // key -> every value is a number
    bool severalExperiments = false;
    if (runs) {
        const std::string* firstExperiment = nullptr;
        for (const Run& run : runs->runs) {
            if (!firstExperiment)
                firstExperiment = &run.info.experimentId;
            else if (*firstExperiment != run.info.experimentId)
                severalExperiments = true;
            for (const KeyValue& p : run.params) {
                auto [it, inserted] = params.try_emplace(p.key, true);
                double ignored = 0;
                if (it->second && !parseNumber(p.value, ignored))
                    it->second = false;
            }
            for (const Metric& m : run.metrics)
                metrics.try_emplace(m.key, true);
            for (const KeyValue& t : run.tags) {
                if (isSystemTag(t.key))
                    continue;
                auto [it, inserted] = tags.try_emplace(t.key, true);
                double ignored = 0;
                if (it->second && !parseNumber(t.value, ignored))
                    it->second = false;
            }
        }
    }
    std::vector<std::pair<std::string_view, bool>> paramKeys(params.begin(), params.end());
    std::sort(paramKeys.begin(), paramKeys.end());
    std::vector<std::string_view> metricKeys;
    metricKeys.reserve(metrics.size());
    for (const auto& entry : metrics)
        metricKeys.push_back(entry.first);
    std::sort(metricKeys.begin(), metricKeys.end());
    std::vector<std::pair<std::string_view, bool>> tagKeys(tags.begin(), tags.end());
    std::sort(tagKeys.begin(), tagKeys.end());

    std::vector<Column> columns;
    columns.push_back({ColumnKind::Name, {}, tr("Run"), false});
    if (severalExperiments)
        columns.push_back({ColumnKind::Experiment, {}, tr("Experiment"), false});
    columns.push_back({ColumnKind::Status, {}, tr("Status"), false});
    columns.push_back({ColumnKind::Start, {}, tr("Started"), false});
    columns.push_back({ColumnKind::Duration, {}, tr("Duration"), true});
    columns.push_back({ColumnKind::User, {}, tr("User"), false});
    for (const auto& [key, numeric] : paramKeys)
        columns.push_back({ColumnKind::Param, std::string(key), toQString(std::string(key)), numeric});
    for (const std::string_view key : metricKeys)
        columns.push_back({ColumnKind::Metric, std::string(key), toQString(std::string(key)), true});
    for (const auto& [key, numeric] : tagKeys)
        columns.push_back({ColumnKind::Tag, std::string(key), toQString(std::string(key)), numeric});
    return columns;
}

void RunTableModel::setRuns(RunListSnapshot runs, const QHash<QString, QString>& experimentNames)
{
    std::vector<Column> columns = buildColumns(runs.get());
    const auto sameColumns = [&] {
        if (columns.size() != m_columns.size())
            return false;
        for (std::size_t i = 0; i < columns.size(); ++i) {
            const Column& a = columns[i];
            const Column& b = m_columns[i];
            if (a.kind != b.kind || a.key != b.key || a.numeric != b.numeric)
                return false;
        }
        return true;
    };
    if (runs) {
        // Runs listed together get colours that differ (runColor); those they have stay.
        std::vector<std::string> ids;
        ids.reserve(runs->runs.size());
        for (const Run& run : runs->runs)
            ids.push_back(run.info.runId);
        assignRunColors(ids);
    }
    if (m_runs && runs && !m_runs->runs.empty() && experimentNames == m_experimentNames) {
        // A refresh: columns and rows change in place, so views keep selection, sort and scroll even
        // when a running run logs its first value of a new metric. Rows first: a column that comes
        // back (a filter was cleared) arrives with the runs that have it, so a view can fit it.
        const bool columnsChange = !sameColumns();
        updateRuns(std::move(runs));
        if (columnsChange)
            updateColumns(std::move(columns));
        return;
    }

    beginResetModel();
    m_runs = std::move(runs);
    m_rows.clear();
    if (m_runs) {
        m_rows.reserve(m_runs->runs.size());
        for (const Run& run : m_runs->runs)
            m_rows.push_back(&run);
    }
    m_experimentNames = experimentNames;
    m_columns = std::move(columns);
    countColumns();
    endResetModel();
}

void RunTableModel::countColumns()
{
    m_paramCount = m_metricCount = m_tagCount = 0;
    for (const Column& c : m_columns) {
        m_paramCount += c.kind == ColumnKind::Param;
        m_metricCount += c.kind == ColumnKind::Metric;
        m_tagCount += c.kind == ColumnKind::Tag;
    }
}

void RunTableModel::updateColumns(std::vector<Column> columns)
{
    // Both lists are ordered by (kind, key), the order buildColumns() makes, so a merge finds the change.
    const auto before
        = [](const Column& a, const Column& b) { return a.kind != b.kind ? a.kind < b.kind : a.key < b.key; };
    const auto contains = [&](const std::vector<Column>& list, const Column& c) {
        return std::binary_search(list.begin(), list.end(), c, before);
    };

    // Gone columns: contiguous ranges from the right, so earlier column numbers stay valid.
    int last = static_cast<int>(m_columns.size()) - 1;
    while (last >= 0) {
        if (contains(columns, m_columns[static_cast<std::size_t>(last)])) {
            --last;
            continue;
        }
        int first = last;
        while (first > 0 && !contains(columns, m_columns[static_cast<std::size_t>(first - 1)]))
            --first;
        beginRemoveColumns({}, first, last);
        m_columns.erase(m_columns.begin() + first, m_columns.begin() + last + 1);
        endRemoveColumns();
        last = first - 1;
    }

    // New columns: contiguous ranges from the left, each at its sorted place.
    std::size_t i = 0;
    while (i < columns.size()) {
        if (i < m_columns.size() && !before(columns[i], m_columns[i])) {
            if (m_columns[i].numeric != columns[i].numeric) {
                m_columns[i] = columns[i];
                const int column = static_cast<int>(i);
                Q_EMIT headerDataChanged(Qt::Horizontal, column, column);
                if (rowCount() > 0)
                    Q_EMIT dataChanged(index(0, column), index(rowCount() - 1, column));
            }
            ++i;
            continue;
        }
        std::size_t end = i + 1;
        while (end < columns.size() && (i >= m_columns.size() || before(columns[end], m_columns[i])))
            ++end;
        beginInsertColumns({}, static_cast<int>(i), static_cast<int>(end) - 1);
        m_columns.insert(m_columns.begin() + static_cast<std::ptrdiff_t>(i),
            columns.begin() + static_cast<std::ptrdiff_t>(i), columns.begin() + static_cast<std::ptrdiff_t>(end));
        endInsertColumns();
        i = end;
    }
    countColumns();
}

void RunTableModel::updateRuns(RunListSnapshot fresh)
{
    // Rows stay where they are, keyed by run id, so views keep selection, sort and scroll position.
    // Rows point into the snapshots; the previous one stays alive until every row points into the new.
    const RunListSnapshot previous = std::exchange(m_runs, fresh);
    std::unordered_map<std::string_view, const Run*> byId;
    byId.reserve(fresh->runs.size());
    for (const Run& run : fresh->runs)
        byId.emplace(run.info.runId, &run);

    const auto gone = [&](int row) { return !byId.count(m_rows[static_cast<std::size_t>(row)]->info.runId); };

    // A new filter removes thousands of scattered rows. Each removal signal costs a sorting proxy and
    // the view a pass over every row (20,000 runs filtered to half: minutes), so past a few ranges
    // the rows change in one layout change that moves the persistent indexes (selection, current
    // row) to where their runs now are.
    int removedRanges = 0;
    for (int r = 0; r < static_cast<int>(m_rows.size()) && removedRanges <= kMaxRowSignals; ++r) {
        if (gone(r) && (r == 0 || !gone(r - 1)))
            ++removedRanges;
    }
    // Many new runs (a filter cleared) land scattered in a sorted proxy: as many signals again.
    std::size_t newRuns = 0;
    if (fresh->runs.size() > m_rows.size() + kMaxRowSignals || removedRanges > 0) {
        std::unordered_set<std::string_view> shown;
        shown.reserve(m_rows.size());
        for (const Run* run : m_rows)
            shown.insert(run->info.runId);
        for (const Run& run : fresh->runs)
            newRuns += shown.count(run.info.runId) ? 0 : 1;
    }
    if (removedRanges > kMaxRowSignals || newRuns > std::size_t(kMaxRowSignals)) {
        relayoutRuns(*fresh, byId);
        return;
    }

    // Removed runs: contiguous ranges from the bottom up, so earlier row numbers stay valid.
    int row = static_cast<int>(m_rows.size()) - 1;
    while (row >= 0) {
        if (!gone(row)) {
            --row;
            continue;
        }
        int first = row;
        while (first > 0 && gone(first - 1))
            --first;
        beginRemoveRows({}, first, row);
        m_rows.erase(m_rows.begin() + first, m_rows.begin() + row + 1);
        endRemoveRows();
        row = first - 1;
    }

    // Changed runs: one dataChanged from the first to the last changed row. A sorting proxy handles
    // one signal over a range far faster than one per row (20,000 runs, 200 changed: ~25x).
    std::unordered_set<std::string_view> present;
    present.reserve(m_rows.size());
    int changedFirst = -1;
    int changedLast = -1;
    for (std::size_t i = 0; i < m_rows.size(); ++i) {
        const Run* next = byId.at(m_rows[i]->info.runId);
        present.insert(next->info.runId);
        const bool same = sameRun(*m_rows[i], *next);
        m_rows[i] = next;
        if (same)
            continue;
        if (changedFirst < 0)
            changedFirst = static_cast<int>(i);
        changedLast = static_cast<int>(i);
    }
    if (changedFirst >= 0)
        Q_EMIT dataChanged(index(changedFirst, 0), index(changedLast, static_cast<int>(m_columns.size()) - 1));

    // New runs at the end, in the store's order; a sorting proxy puts them in place.
    std::vector<const Run*> added;
    for (const Run& run : fresh->runs) {
        if (!present.count(run.info.runId))
            added.push_back(&run);
    }
    if (!added.empty()) {
        const int first = static_cast<int>(m_rows.size());
        beginInsertRows({}, first, first + static_cast<int>(added.size()) - 1);
        m_rows.insert(m_rows.end(), added.begin(), added.end());
        endInsertRows();
    }
}

void RunTableModel::relayoutRuns(const RunList& fresh, const std::unordered_map<std::string_view, const Run*>& byId)
{
    Q_EMIT layoutAboutToBeChanged();
    // Kept runs stay in their order, new ones follow in the store's order, as updateRuns places them.
    std::vector<const Run*> rows;
    rows.reserve(fresh.runs.size());
    std::unordered_map<std::string_view, int> newRow;
    newRow.reserve(fresh.runs.size());
    for (const Run* old : m_rows) {
        const auto it = byId.find(old->info.runId);
        if (it == byId.end())
            continue;
        newRow.emplace(it->second->info.runId, static_cast<int>(rows.size()));
        rows.push_back(it->second);
    }
    for (const Run& run : fresh.runs) {
        if (newRow.emplace(run.info.runId, static_cast<int>(rows.size())).second)
            rows.push_back(&run);
    }
    const QModelIndexList before = persistentIndexList();
    QModelIndexList after;
    after.reserve(before.size());
    for (const QModelIndex& index : before) {
        const auto it = newRow.find(m_rows[static_cast<std::size_t>(index.row())]->info.runId);
        after.push_back(it == newRow.end() ? QModelIndex() : createIndex(it->second, index.column()));
    }
    m_rows = std::move(rows);
    changePersistentIndexList(before, after);
    Q_EMIT layoutChanged();
}

const MetricPoint* RunTableModel::metricPoint(const Run& run, const Column& column) const
{
    const auto state = m_metricModes.find(column.key);
    if (state == m_metricModes.end()) {
        const Metric* m = run.metric(column.key);
        return m ? &m->point : nullptr;
    }
    const auto value = state->second.values.find(run.info.runId);
    return value != state->second.values.end() ? &value->second : nullptr;
}

QString RunTableModel::metricModeSuffix(MetricMode mode)
{
    switch (mode.statistic) {
    case MetricStatistic::Latest:
        return {};
    case MetricStatistic::Min:
        return tr("min");
    case MetricStatistic::Max:
        return tr("max");
    case MetricStatistic::AtStep:
        return tr("@ step %1").arg(mode.step);
    }
    return {};
}

void RunTableModel::setMetricMode(const QString& key, MetricMode mode)
{
    const std::string k = key.toStdString();
    if (mode.statistic == MetricStatistic::Latest) {
        if (m_metricModes.erase(k))
            metricColumnChanged(k);
        return;
    }
    const auto it = m_metricModes.find(k);
    if (it != m_metricModes.end() && it->second.mode == mode)
        return;
    m_metricModes[k] = MetricModeState {mode, false, {}};
    metricColumnChanged(k);
}

RunTableModel::MetricMode RunTableModel::metricMode(const QString& key) const
{
    const auto it = m_metricModes.find(key.toStdString());
    return it == m_metricModes.end() ? MetricMode {} : it->second.mode;
}

QStringList RunTableModel::metricKeysWithModes() const
{
    QStringList keys;
    for (const auto& entry : m_metricModes)
        keys << toQString(entry.first);
    return keys;
}

void RunTableModel::setMetricValues(
    const QString& key, MetricMode mode, std::unordered_map<std::string, MetricPoint> values)
{
    const auto it = m_metricModes.find(key.toStdString());
    if (it == m_metricModes.end() || !(it->second.mode == mode))
        return; // superseded by another mode
    it->second.values = std::move(values);
    it->second.loaded = true;
    metricColumnChanged(it->first);
}

bool RunTableModel::metricValuesPending(const QString& key) const
{
    const auto it = m_metricModes.find(key.toStdString());
    return it != m_metricModes.end() && !it->second.loaded;
}

void RunTableModel::metricColumnChanged(const std::string& key)
{
    const int column = columnOf(ColumnKind::Metric, toQString(key));
    if (column < 0)
        return;
    Q_EMIT headerDataChanged(Qt::Horizontal, column, column);
    if (rowCount() > 0)
        Q_EMIT dataChanged(index(0, column), index(rowCount() - 1, column));
}

void RunTableModel::clear()
{
    setRuns(nullptr);
}

const Run* RunTableModel::runAt(int row) const
{
    if (row < 0 || row >= static_cast<int>(m_rows.size()))
        return nullptr;
    return m_rows[static_cast<std::size_t>(row)];
}

int RunTableModel::columnOf(ColumnKind kind, const QString& key) const
{
    const std::string k = key.toStdString();
    for (std::size_t i = 0; i < m_columns.size(); ++i) {
        const Column& c = m_columns[i];
        if (c.kind != kind)
            continue;
        if ((kind == ColumnKind::Param || kind == ColumnKind::Metric || kind == ColumnKind::Tag) && c.key != k)
            continue;
        return static_cast<int>(i);
    }
    return -1;
}

int RunTableModel::rowCount(const QModelIndex& parent) const
{
    if (parent.isValid())
        return 0;
    return static_cast<int>(m_rows.size());
}

int RunTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_columns.size());
}

QVariant RunTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Run* run = runAt(index.row());
    if (!run)
        return {};
    const Column& column = columnAt(index.column());
    switch (role) {
    case Qt::DisplayRole:
        return displayValue(*run, column);
    case Qt::ToolTipRole:
        return toolTip(*run, column);
    case RawValueRole:
        return rawValue(*run, column);
    case SortRole:
        return sortValue(*run, column);
    case RunIdRole:
        return toQString(run->info.runId);
    case ParentRunIdRole:
        if (const std::string* parent = run->tag(kParentRunIdTag))
            return toQString(*parent);
        return QString();
    case ExportRole:
        if (column.kind == ColumnKind::Metric) {
            if (const MetricPoint* p = metricPoint(*run, column))
                return QString::fromStdString(formatDouble(p->value));
            return QString();
        }
        return displayValue(*run, column);
    case Qt::TextAlignmentRole:
        return QVariant::fromValue(
            Qt::Alignment(column.numeric ? Qt::AlignRight | Qt::AlignVCenter : Qt::AlignLeft | Qt::AlignVCenter));
    case Qt::DecorationRole:
        if (column.kind == ColumnKind::Status)
            return statusColor(run->info.status);
        if (column.kind == ColumnKind::Name)
            return runColor(run->info.runId);
        return {};
    case Qt::ForegroundRole:
        // Non-finite metrics are real values but rarely what one hopes to see: mute them.
        if (column.kind == ColumnKind::Metric) {
            const MetricPoint* p = metricPoint(*run, column);
            if (p && !std::isfinite(p->value))
                return QColor(0x88, 0x88, 0x88);
        }
        return {};
    default:
        return {};
    }
}

QVariant RunTableModel::displayValue(const Run& run, const Column& column) const
{
    const RunInfo& info = run.info;
    switch (column.kind) {
    case ColumnKind::Name:
        return toQString(info.runName.empty() ? info.runId : info.runName);
    case ColumnKind::Experiment: {
        const QString id = toQString(info.experimentId);
        return m_experimentNames.value(id, id);
    }
    case ColumnKind::Status:
        return statusTitle(info.status);
    case ColumnKind::Start:
        return info.startTime ? formatLocalTime(*info.startTime) : QString();
    case ColumnKind::Duration:
        if (info.startTime && info.endTime)
            return formatDuration(*info.endTime - *info.startTime);
        return {};
    case ColumnKind::User:
        return toQString(info.userId);
    case ColumnKind::Param:
        if (const std::string* value = run.param(column.key))
            return oneLine(*value);
        return {};
    case ColumnKind::Metric:
        if (const MetricPoint* p = metricPoint(run, column))
            return formatMetric(p->value);
        return {};
    case ColumnKind::Tag:
        if (const std::string* value = run.tag(column.key))
            return oneLine(*value);
        return {};
    }
    return {};
}

QVariant RunTableModel::rawValue(const Run& run, const Column& column) const
{
    const RunInfo& info = run.info;
    switch (column.kind) {
    case ColumnKind::Name:
        return toQString(info.runName);
    case ColumnKind::Experiment:
        return toQString(info.experimentId);
    case ColumnKind::Status:
        return QString::fromLatin1(runStatusName(info.status));
    case ColumnKind::Start:
        return info.startTime ? QVariant::fromValue<qint64>(*info.startTime) : QVariant();
    case ColumnKind::Duration:
        if (info.startTime && info.endTime)
            return QVariant::fromValue<qint64>(*info.endTime - *info.startTime);
        return {};
    case ColumnKind::User:
        return toQString(info.userId);
    case ColumnKind::Param:
        if (const std::string* value = run.param(column.key))
            return toQString(*value);
        return {};
    case ColumnKind::Metric:
        if (const MetricPoint* p = metricPoint(run, column))
            return p->value;
        return {};
    case ColumnKind::Tag:
        if (const std::string* value = run.tag(column.key))
            return toQString(*value);
        return {};
    }
    return {};
}

QVariant RunTableModel::sortValue(const Run& run, const Column& column) const
{
    switch (column.kind) {
    case ColumnKind::Name:
        return displayValue(run, column);
    case ColumnKind::Experiment:
        return displayValue(run, column);
    case ColumnKind::Status:
        return statusTitle(run.info.status);
    case ColumnKind::Param:
    case ColumnKind::Tag:
        if (const std::string* value = column.kind == ColumnKind::Param ? run.param(column.key) : run.tag(column.key)) {
            double number = 0;
            if (parseNumber(*value, number))
                return number;
            return toQString(*value);
        }
        return {};
    default:
        return rawValue(run, column);
    }
}

QVariant RunTableModel::toolTip(const Run& run, const Column& column) const
{
    const RunInfo& info = run.info;
    switch (column.kind) {
    case ColumnKind::Name:
        return tr("%1\nRun id: %2").arg(toQString(info.runName), toQString(info.runId));
    case ColumnKind::Experiment:
        return tr("Experiment id: %1").arg(toQString(info.experimentId));
    case ColumnKind::Status:
        return QString::fromLatin1(runStatusName(info.status));
    case ColumnKind::Start:
        return info.startTime ? fullTimeTip(*info.startTime) : tr("No start time recorded");
    case ColumnKind::Duration:
        if (info.startTime && info.endTime)
            return tr("%1 ms").arg(*info.endTime - *info.startTime);
        return info.endTime ? tr("No start time recorded") : tr("Not ended");
    case ColumnKind::User:
        return {};
    case ColumnKind::Param:
    case ColumnKind::Tag:
        if (const std::string* value = column.kind == ColumnKind::Param ? run.param(column.key) : run.tag(column.key)) {
            QString text = toQString(*value);
            if (text.size() > 2000)
                text = text.left(2000) + QChar(0x2026);
            return text;
        }
        return tr("Not logged for this run");
    case ColumnKind::Metric: {
        const auto state = m_metricModes.find(column.key);
        if (state != m_metricModes.end() && !state->second.loaded)
            return tr("Reading the metric's histories\u2026");
        if (const MetricPoint* p = metricPoint(run, column)) {
            // Full precision here; the cell rounds to keep columns narrow.
            const QString what = state == m_metricModes.end() ? tr("latest") : metricModeSuffix(state->second.mode);
            return tr("%1 (%2)\nstep %3, logged %4")
                .arg(QString::number(p->value, 'g', QLocale::FloatingPointShortest), what)
                .arg(p->step)
                .arg(formatLocalTime(p->timestamp));
        }
        if (state != m_metricModes.end() && state->second.mode.statistic == MetricStatistic::AtStep
            && run.metric(column.key))
            return tr("Not logged at step %1 in this run").arg(state->second.mode.step);
        return tr("Not logged for this run");
    }
    }
    return {};
}

QVariant RunTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= static_cast<int>(m_columns.size()))
        return QAbstractTableModel::headerData(section, orientation, role);
    const Column& column = columnAt(section);
    switch (role) {
    case Qt::DisplayRole:
        if (column.kind == ColumnKind::Metric) {
            const auto state = m_metricModes.find(column.key);
            if (state != m_metricModes.end())
                return QString(column.title + QLatin1Char(' ') + metricModeSuffix(state->second.mode));
        }
        return column.title;
    case Qt::ToolTipRole:
        switch (column.kind) {
        case ColumnKind::Name:
            return tr("Run name");
        case ColumnKind::Experiment:
            return tr("Experiment the run belongs to");
        case ColumnKind::Status:
            return tr("Run status");
        case ColumnKind::Start:
            return tr("Start time, local time zone");
        case ColumnKind::Duration:
            return tr("End time minus start time");
        case ColumnKind::User:
            return tr("User who created the run");
        case ColumnKind::Param:
            return tr("Parameter %1\n(params.%1 in a search filter)").arg(column.title);
        case ColumnKind::Tag:
            return tr("Tag %1\n(tags.%1 in a search filter)").arg(column.title);
        case ColumnKind::Metric:
            if (m_metricModes.count(column.key))
                return tr("Metric %1, %2 of each run's history (right-click to change)\n"
                          "A search filter still uses the latest value: metrics.%1")
                    .arg(column.title, metricModeSuffix(m_metricModes.at(column.key).mode));
            return tr("Metric %1: the latest value, at the highest step (right-click for min, max or a step)\n"
                      "(metrics.%1 in a search filter)")
                .arg(column.title);
        }
        return {};
    case Qt::TextAlignmentRole:
        return QVariant::fromValue(
            Qt::Alignment(column.numeric ? Qt::AlignRight | Qt::AlignVCenter : Qt::AlignLeft | Qt::AlignVCenter));
    case Qt::InitialSortOrderRole:
        // A first click sorts ascending, except time, where the newest first is what one wants.
        return column.kind == ColumnKind::Start ? Qt::DescendingOrder : Qt::AscendingOrder;
    case ColumnKindRole:
        return static_cast<int>(column.kind);
    case ColumnKeyRole:
        return toQString(column.key);
    case ColumnGroupRole:
        if (column.kind == ColumnKind::Param)
            return tr("Parameters");
        if (column.kind == ColumnKind::Metric)
            return tr("Metrics");
        if (column.kind == ColumnKind::Tag)
            return tr("Tags");
        return tr("Run");
    default:
        return {};
    }
}

QHash<int, QByteArray> RunTableModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(RawValueRole, "rawValue");
    names.insert(SortRole, "sortValue");
    names.insert(RunIdRole, "runId");
    names.insert(ParentRunIdRole, "parentRunId");
    names.insert(DepthRole, "depth");
    names.insert(ChildCountRole, "childCount");
    names.insert(ExpandedRole, "expanded");
    return names;
}

QString RunTableModel::formatDuration(qint64 ms)
{
    // The CLI's wording, so a duration reads the same in a terminal and in the window.
    return QString::fromStdString(runlens::formatDuration(ms));
}

QString RunTableModel::formatMetric(double value)
{
    // The one format of every panel (Compare, details, logged models); the tooltip has every digit.
    return QString::fromStdString(formatNumber(value));
}

} // namespace runlens
