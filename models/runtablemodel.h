// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "series/metricsummary.h"
#include "snapshots.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace runlens {

/**
 * Runs as a table: fixed run columns, then one column per param key and one per latest-metric key
 * found in the loaded runs, then one per user tag key. DisplayRole is formatted for people; SortRole holds the raw
 * value to compare (an invalid QVariant when the run lacks the value), RawValueRole the exact stored value.
 */
class RunTableModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Role
    {
        RawValueRole = Qt::UserRole + 1,
        SortRole,
        RunIdRole,
        ColumnKindRole, // header: a ColumnKind as int
        ColumnKeyRole, // header: the param or metric key
        ColumnGroupRole, // header: "Run", "Parameters" or "Metrics"
        ExportRole, // the text to copy or export: as shown, but metrics with every digit
        ParentRunIdRole, // the run id in the mlflow.parentRunId tag; empty for a run that is not nested
        // Answered by RunSortProxyModel in nested mode (the tree depends on which runs are loaded);
        // invalid in flat mode.
        DepthRole, // 0 for a root run, 1 for its children, ...
        ChildCountRole, // runs in the table whose parent is this run
        ExpandedRole, // false when this run's children are hidden
    };

    /** The tag MLflow sets on a nested run: the id of its parent run. */
    static constexpr const char* kParentRunIdTag = "mlflow.parentRunId";

    enum class ColumnKind
    {
        Name,
        Experiment,
        Status,
        Start,
        Duration,
        User,
        Param,
        Metric,
        Tag, // user tags; MLflow's own mlflow.* tags are shown in the run's details
    };
    Q_ENUM(ColumnKind)

    struct Column
    {
        ColumnKind kind = ColumnKind::Name;
        std::string key; // param or metric key
        QString title;
        bool numeric = false; // every present value is a number: right-aligned
    };

    /** What a metric column shows: MLflow's latest value (the default), or a statistic of the history. */
    struct MetricMode
    {
        MetricStatistic statistic = MetricStatistic::Latest;
        std::int64_t step = 0; // AtStep only
        friend bool operator==(const MetricMode&, const MetricMode&) = default;
    };

    explicit RunTableModel(QObject* parent = nullptr);

    /**
     * Replaces the runs. `experimentNames` maps ids to names; when the runs span more than one
     * experiment an Experiment column is shown. When the experiments stay the same (a refresh or a new
     * filter), columns are inserted and removed in place and rows are updated keyed by run id
     * (dataChanged, removes, inserts at the end) instead of a reset.
     */
    void setRuns(RunListSnapshot runs, const QHash<QString, QString>& experimentNames = {});
    void clear();

    /** The runs shown, in the store's order; after a refresh the rows may be in another order. */
    RunListSnapshot runs() const { return m_runs; }
    const Run* runAt(int row) const;
    const Column& columnAt(int column) const { return m_columns.at(static_cast<std::size_t>(column)); }
    /** The column showing this kind (and key, for params and metrics); -1 when there is none. */
    int columnOf(ColumnKind kind, const QString& key = {}) const;
    int paramColumnCount() const { return m_paramCount; }
    int metricColumnCount() const { return m_metricCount; }
    int tagColumnCount() const { return m_tagCount; }

    /**
     * Shows `mode` in the column of metric `key` (it stays set across refreshes and new runs). Until
     * setMetricValues() delivers the values for that mode, its cells are empty and say they are loading.
     */
    void setMetricMode(const QString& key, MetricMode mode);
    MetricMode metricMode(const QString& key) const;
    /** Metric keys whose column shows something other than the latest value. */
    QStringList metricKeysWithModes() const;
    /** The points `mode` picks per run id, read from the histories; ignored if the mode changed since. */
    void setMetricValues(const QString& key, MetricMode mode, std::unordered_map<std::string, MetricPoint> values);
    bool metricValuesPending(const QString& key) const;
    /** "min", "max", "@ step 100", or empty for the latest value. */
    static QString metricModeSuffix(MetricMode mode);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    /** As the CLI writes durations: "850ms", "12.3s", "4m 05s". */
    static QString formatDuration(qint64 milliseconds);
    static QString formatMetric(double value);

private:
    std::vector<Column> buildColumns(const RunList* runs) const;
    void updateColumns(std::vector<Column> columns);
    void countColumns();
    void updateRuns(RunListSnapshot fresh);
    void relayoutRuns(const RunList& fresh, const std::unordered_map<std::string_view, const Run*>& byId);
    // Past this many removed ranges or new rows a refresh is one layout change, not row signals.
    static constexpr int kMaxRowSignals = 32;
    QVariant displayValue(const Run& run, const Column& column) const;
    QVariant rawValue(const Run& run, const Column& column) const;
    QVariant sortValue(const Run& run, const Column& column) const;
    QVariant toolTip(const Run& run, const Column& column) const;
    /** The point a metric cell shows under its column's mode; null when there is none (yet). */
    const MetricPoint* metricPoint(const Run& run, const Column& column) const;
    void metricColumnChanged(const std::string& key);

    struct MetricModeState
    {
        MetricMode mode;
        bool loaded = false;
        std::unordered_map<std::string, MetricPoint> values; // by run id
    };

    RunListSnapshot m_runs;
    std::vector<const Run*> m_rows; // row -> run, pointing into m_runs
    std::map<std::string, MetricModeState> m_metricModes; // only keys not showing the latest value
    QHash<QString, QString> m_experimentNames;
    std::vector<Column> m_columns;
    int m_paramCount = 0;
    int m_metricCount = 0;
    int m_tagCount = 0;
};

} // namespace runlens
