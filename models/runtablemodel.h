// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "snapshots.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QString>

#include <string>
#include <vector>

namespace runlens {

/**
 * Runs as a table: fixed run columns, then one column per param key and one per latest-metric key
 * found in the loaded runs. DisplayRole is formatted for people; SortRole holds the raw value to
 * compare (an invalid QVariant when the run lacks the value), RawValueRole the exact stored value.
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
    };

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
    };
    Q_ENUM(ColumnKind)

    struct Column
    {
        ColumnKind kind = ColumnKind::Name;
        std::string key; // param or metric key
        QString title;
        bool numeric = false; // every present value is a number: right-aligned
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

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    /** As the CLI writes durations: "850ms", "12.3s", "4m 05s". */
    static QString formatDuration(qint64 milliseconds);
    static QString formatMetric(double value);

private:
    std::vector<Column> buildColumns(const RunList* runs, int& paramCount, int& metricCount) const;
    void updateColumns(std::vector<Column> columns, int paramCount, int metricCount);
    void updateRuns(RunListSnapshot fresh);
    QVariant displayValue(const Run& run, const Column& column) const;
    QVariant rawValue(const Run& run, const Column& column) const;
    QVariant sortValue(const Run& run, const Column& column) const;
    QVariant toolTip(const Run& run, const Column& column) const;

    RunListSnapshot m_runs;
    std::vector<const Run*> m_rows; // row -> run, pointing into m_runs
    QHash<QString, QString> m_experimentNames;
    std::vector<Column> m_columns;
    int m_paramCount = 0;
    int m_metricCount = 0;
};

} // namespace runlens
