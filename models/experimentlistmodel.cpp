// SPDX-License-Identifier: Apache-2.0
#include "experimentlistmodel.h"

#include <QFont>

#include <QDateTime>

namespace runlens {

namespace {

QString toQString(const std::string& s)
{
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

} // namespace

ExperimentListModel::ExperimentListModel(QObject* parent)
    : QAbstractTableModel(parent)
{ }

void ExperimentListModel::setExperiments(ExperimentListSnapshot experiments)
{
    beginResetModel();
    m_experiments = std::move(experiments);
    endResetModel();
}

void ExperimentListModel::setRunCounts(const QHash<QString, int>& counts)
{
    m_counts = counts;
    m_countsKnown = true;
    const int rows = rowCount();
    if (rows > 0)
        Q_EMIT dataChanged(index(0, NameColumn), index(rows - 1, RunCountColumn));
}

void ExperimentListModel::clear()
{
    beginResetModel();
    m_experiments.reset();
    m_counts.clear();
    m_countsKnown = false;
    endResetModel();
}

const Experiment* ExperimentListModel::experimentAt(int row) const
{
    if (!m_experiments || row < 0 || row >= static_cast<int>(m_experiments->experiments.size()))
        return nullptr;
    return &m_experiments->experiments[static_cast<std::size_t>(row)];
}

int ExperimentListModel::rowOf(const QString& experimentId) const
{
    if (!m_experiments)
        return -1;
    const std::string id = experimentId.toStdString();
    const auto& list = m_experiments->experiments;
    for (std::size_t i = 0; i < list.size(); ++i) {
        if (list[i].experimentId == id)
            return static_cast<int>(i);
    }
    return -1;
}

QHash<QString, QString> ExperimentListModel::names() const
{
    QHash<QString, QString> out;
    if (m_experiments) {
        for (const Experiment& e : m_experiments->experiments)
            out.insert(toQString(e.experimentId), toQString(e.name));
    }
    return out;
}

int ExperimentListModel::rowCount(const QModelIndex& parent) const
{
    if (parent.isValid() || !m_experiments)
        return 0;
    return static_cast<int>(m_experiments->experiments.size());
}

int ExperimentListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ExperimentListModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Experiment* experiment = experimentAt(index.row());
    if (!experiment)
        return {};
    const QString id = toQString(experiment->experimentId);
    const QVariant count = m_countsKnown ? QVariant(m_counts.value(id, 0)) : QVariant();

    switch (role) {
    case Qt::DisplayRole:
        if (index.column() == NameColumn) {
            if (experiment->lifecycleStage == LifecycleStage::Deleted)
                return tr("%1 (deleted)").arg(toQString(experiment->name));
            return toQString(experiment->name);
        }
        return count.isValid() ? QVariant(QString::number(count.toInt())) : QVariant();
    case Qt::FontRole:
        if (experiment->lifecycleStage == LifecycleStage::Deleted) {
            QFont font;
            font.setItalic(true);
            return font;
        }
        return {};
    case DeletedRole:
        return experiment->lifecycleStage == LifecycleStage::Deleted;
    case Qt::ToolTipRole:
        return toolTip(*experiment);
    case Qt::TextAlignmentRole:
        if (index.column() == RunCountColumn)
            return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
        return {};
    case ExperimentIdRole:
        return id;
    case RunCountRole:
        return count;
    case RawValueRole:
        return index.column() == NameColumn ? QVariant(toQString(experiment->name)) : count;
    default:
        return {};
    }
}

QVariant ExperimentListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::DisplayRole)
        return section == NameColumn ? tr("Experiment") : tr("Runs");
    if (role == Qt::ToolTipRole)
        return section == NameColumn ? tr("Experiment name") : tr("Number of active runs");
    if (role == Qt::TextAlignmentRole && section == RunCountColumn)
        return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
    return {};
}

QString ExperimentListModel::toolTip(const Experiment& experiment) const
{
    QStringList lines;
    lines << toQString(experiment.name);
    lines << tr("Id: %1").arg(toQString(experiment.experimentId));
    if (experiment.creationTime) {
        lines << tr("Created: %1")
                     .arg(QDateTime::fromMSecsSinceEpoch(*experiment.creationTime)
                              .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")));
    }
    lines << tr("Artifacts: %1").arg(toQString(experiment.artifactLocation));
    if (experiment.traceCount && *experiment.traceCount > 0) {
        lines << (*experiment.traceCount == 1
                ? tr("1 trace (MLflow tracing; not shown in Runlens)")
                : tr("%1 traces (MLflow tracing; not shown in Runlens)").arg(*experiment.traceCount));
    }
    if (const std::string* note = findValue(experiment.tags, "mlflow.note.content")) {
        QString text = toQString(*note);
        if (text.size() > 500)
            text = text.left(500) + QChar(0x2026);
        lines << QString() << text;
    }
    return lines.join(QLatin1Char('\n'));
}

} // namespace runlens
