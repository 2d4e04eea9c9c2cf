// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "entities.h"

#include <QAbstractTableModel>

#include <optional>
#include <string>
#include <vector>

namespace runlens {

/** One metric of a run: its latest value and, once its history is read, min, max and point count. */
struct MetricSummary
{
    std::string key;
    MetricPoint latest;
    std::optional<double> min; // NaN points are left out; NaN only when every point is NaN
    std::optional<double> max;
    std::optional<std::int64_t> points; // values logged
    std::string error; // why the history could not be read

    /** The summary of a full history (latest by MLflow's order). */
    static MetricSummary fromHistory(const std::string& key, const std::vector<MetricPoint>& history);
};

/** The metrics table of the run details: key, latest, min, max, steps. */
class RunDetailsMetricsModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        KeyColumn,
        LatestColumn,
        MinColumn,
        MaxColumn,
        StepsColumn,
        ColumnCount
    };
    /** The raw number (double, or qint64 for steps) for sorting; invalid while unknown. */
    static constexpr int SortRole = Qt::UserRole + 1;

    explicit RunDetailsMetricsModel(QObject* parent = nullptr);

    /** The run's latest metrics; min/max/steps stay empty until setHistories. */
    void setMetrics(const std::vector<Metric>& metrics, const std::vector<MetricDataset>& datasets = {});
    /** Fills min/max/steps for the keys it has; others keep what they had. */
    void setSummaries(const std::vector<MetricSummary>& summaries);
    const std::vector<MetricSummary>& summaries() const { return m_rows; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::vector<MetricSummary> m_rows;
    std::vector<QString> m_datasets; // per row: the latest value's dataset (MLflow 3), or empty
};

} // namespace runlens
