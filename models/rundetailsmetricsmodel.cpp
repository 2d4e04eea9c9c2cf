// SPDX-License-Identifier: Apache-2.0
#include "rundetailsmetricsmodel.h"

#include "text/numberformat.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

namespace runlens {

namespace {

QString toQString(const std::string& s)
{
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

QString number(double value)
{
    // The table's format; a cell's tooltip has every digit.
    return toQString(formatNumber(value));
}

} // namespace

MetricSummary MetricSummary::fromHistory(const std::string& key, const std::vector<MetricPoint>& history)
{
    MetricSummary summary;
    summary.key = key;
    summary.points = static_cast<std::int64_t>(history.size());
    if (history.empty())
        return summary;
    summary.latest = history.front();
    double lo = std::numeric_limits<double>::quiet_NaN();
    double hi = lo;
    for (const MetricPoint& point : history) {
        if (isLaterPoint(point, summary.latest))
            summary.latest = point;
        if (std::isnan(point.value))
            continue;
        if (std::isnan(lo) || point.value < lo)
            lo = point.value;
        if (std::isnan(hi) || point.value > hi)
            hi = point.value;
    }
    summary.min = lo;
    summary.max = hi;
    return summary;
}

RunDetailsMetricsModel::RunDetailsMetricsModel(QObject* parent)
    : QAbstractTableModel(parent)
{ }

void RunDetailsMetricsModel::setMetrics(const std::vector<Metric>& metrics, const std::vector<MetricDataset>& datasets)
{
    beginResetModel();
    m_rows.clear();
    m_datasets.clear();
    m_rows.reserve(metrics.size());
    for (const Metric& metric : metrics) {
        MetricSummary row;
        row.key = metric.key;
        row.latest = metric.point;
        m_rows.push_back(std::move(row));
        const auto d = std::find_if(
            datasets.begin(), datasets.end(), [&](const MetricDataset& x) { return x.key == metric.key; });
        m_datasets.push_back(
            d == datasets.end() ? QString() : tr("%1 (digest %2)").arg(toQString(d->name), toQString(d->digest)));
    }
    endResetModel();
}

void RunDetailsMetricsModel::setSummaries(const std::vector<MetricSummary>& summaries)
{
    std::unordered_map<std::string, const MetricSummary*> byKey;
    for (const MetricSummary& summary : summaries)
        byKey.emplace(summary.key, &summary);
    for (std::size_t row = 0; row < m_rows.size(); ++row) {
        const auto found = byKey.find(m_rows[row].key);
        if (found == byKey.end())
            continue;
        // Keep the run's own latest value: it is what MLflow shows for the run.
        const MetricPoint latest = m_rows[row].latest;
        m_rows[row] = *found->second;
        m_rows[row].latest = latest;
    }
    if (!m_rows.empty())
        Q_EMIT dataChanged(index(0, MinColumn), index(rowCount() - 1, StepsColumn));
}

int RunDetailsMetricsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int RunDetailsMetricsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RunDetailsMetricsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const MetricSummary& row = m_rows[static_cast<std::size_t>(index.row())];
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case KeyColumn:
            return toQString(row.key);
        case LatestColumn:
            return number(row.latest.value);
        case MinColumn:
            return row.min ? number(*row.min) : QVariant();
        case MaxColumn:
            return row.max ? number(*row.max) : QVariant();
        case StepsColumn:
            return row.points ? QVariant(QString::number(*row.points)) : QVariant();
        default:
            return {};
        }
    }
    if (role == SortRole) {
        switch (index.column()) {
        case KeyColumn:
            return toQString(row.key);
        case LatestColumn:
            return row.latest.value;
        case MinColumn:
            return row.min ? QVariant(*row.min) : QVariant();
        case MaxColumn:
            return row.max ? QVariant(*row.max) : QVariant();
        case StepsColumn:
            return row.points ? QVariant(static_cast<qint64>(*row.points)) : QVariant();
        default:
            return {};
        }
    }
    if (role == Qt::ToolTipRole) {
        if (!row.error.empty())
            return tr("Could not read the history: %1").arg(toQString(row.error));
        const QString& dataset = m_datasets[static_cast<std::size_t>(index.row())];
        if (index.column() == KeyColumn && !dataset.isEmpty())
            return tr("Latest value logged on dataset %1").arg(dataset);
        if (index.column() == LatestColumn)
            return tr("%1 at step %2, %3%4")
                .arg(toQString(formatDouble(row.latest.value)))
                .arg(row.latest.step)
                .arg(toQString(formatTimestampUtc(row.latest.timestamp)),
                    dataset.isEmpty() ? QString() : tr(", dataset %1").arg(dataset));
        if (index.column() == StepsColumn)
            return tr("Values logged");
        return {};
    }
    if (role == Qt::TextAlignmentRole && index.column() != KeyColumn)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant RunDetailsMetricsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case KeyColumn:
        return tr("Metric");
    case LatestColumn:
        return tr("Latest");
    case MinColumn:
        return tr("Min");
    case MaxColumn:
        return tr("Max");
    case StepsColumn:
        return tr("Steps");
    default:
        return {};
    }
}

} // namespace runlens
