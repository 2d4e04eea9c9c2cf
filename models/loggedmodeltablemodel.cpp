// SPDX-License-Identifier: Apache-2.0
#include "loggedmodeltablemodel.h"

#include "store.h"
#include "storesession.h"
#include "text/numberformat.h"

#include <QDateTime>
#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <set>

namespace runlens {

namespace {

QString text(const std::string& s)
{
    return QString::fromStdString(s);
}

QString text(const std::optional<std::string>& s)
{
    return s ? QString::fromStdString(*s) : QString();
}

} // namespace

LoggedModelTableModel::LoggedModelTableModel(StoreSession* session, QObject* parent)
    : QAbstractTableModel(parent)
    , m_session(session)
{ }

void LoggedModelTableModel::load(const QStringList& experimentIds, const QString& filter)
{
    m_experimentIds = experimentIds;
    m_filter = filter;
    reload();
}

void LoggedModelTableModel::reload()
{
    const std::uint64_t generation = ++m_generation;
    if (m_experimentIds.isEmpty() || !m_session || !m_session->store()) {
        m_loading = false;
        setModels({});
        return;
    }
    LoggedModelQuery query;
    for (const QString& id : m_experimentIds)
        query.experimentIds.push_back(id.toStdString());
    query.filter = m_filter.toStdString();
    m_loading = true;
    Q_EMIT loadingStarted();
    (void)QtConcurrent::run(m_session->threadPool(),
        [self = QPointer<LoggedModelTableModel>(this), store = m_session->store(), query, generation] {
            auto result = store->searchLoggedModels(query);
            QMetaObject::invokeMethod(
                self,
                [self, result = std::make_shared<Result<LoggedModelList>>(std::move(result)), generation] {
                    if (!self || generation != self->m_generation)
                        return;
                    self->m_loading = false;
                    if (!*result) {
                        self->setModels({});
                        Q_EMIT self->loadFailed(QString::fromStdString(result->error().message));
                        return;
                    }
                    const int problems = static_cast<int>((*result)->problems.size());
                    self->setModels(std::move((*result)->models));
                    Q_EMIT self->loaded(static_cast<int>(self->m_models.size()), problems);
                },
                Qt::QueuedConnection);
        });
}

void LoggedModelTableModel::clear()
{
    m_experimentIds.clear();
    reload();
}

void LoggedModelTableModel::setModels(std::vector<LoggedModel> models)
{
    beginResetModel();
    m_models = std::move(models);
    m_latest.clear();
    std::set<QString> labels;
    std::set<QString> params;
    for (const LoggedModel& m : m_models) {
        m_latest.push_back(latestModelMetrics(m));
        for (const ModelMetric& metric : m_latest.back())
            labels.insert(QString::fromStdString(modelMetricLabel(metric)));
        for (const KeyValue& p : m.params)
            params.insert(QString::fromStdString(p.key));
    }
    m_metricLabels = QStringList(labels.begin(), labels.end());
    m_paramKeys = QStringList(params.begin(), params.end());
    // Which of a row's metrics each metric column shows, worked out once rather than per paint.
    m_metricCells.assign(m_models.size(), std::vector<int>(static_cast<std::size_t>(m_metricLabels.size()), -1));
    for (std::size_t row = 0; row < m_models.size(); ++row) {
        for (std::size_t i = 0; i < m_latest[row].size(); ++i) {
            const auto column = std::lower_bound(m_metricLabels.begin(), m_metricLabels.end(),
                QString::fromStdString(modelMetricLabel(m_latest[row][i])));
            m_metricCells[row][static_cast<std::size_t>(column - m_metricLabels.begin())] = static_cast<int>(i);
        }
    }
    endResetModel();
}

const LoggedModel* LoggedModelTableModel::modelAt(int row) const
{
    return row >= 0 && row < static_cast<int>(m_models.size()) ? &m_models[static_cast<std::size_t>(row)] : nullptr;
}

int LoggedModelTableModel::rowOf(const QString& modelId) const
{
    for (std::size_t i = 0; i < m_models.size(); ++i) {
        if (text(m_models[i].modelId) == modelId)
            return static_cast<int>(i);
    }
    return -1;
}

int LoggedModelTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_models.size());
}

int LoggedModelTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(FixedColumnCount + m_metricLabels.size() + m_paramKeys.size());
}

QVariant LoggedModelTableModel::data(const QModelIndex& index, int role) const
{
    const LoggedModel* m = modelAt(index.row());
    if (!m || index.column() < 0)
        return {};
    if (role == ModelIdRole)
        return text(m->modelId);
    const bool sort = role == SortRole;
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole && !sort && role != Qt::TextAlignmentRole)
        return {};
    const int column = index.column();
    if (column < FixedColumnCount) {
        if (role == Qt::TextAlignmentRole)
            return {};
        switch (static_cast<FixedColumn>(column)) {
        case NameColumn:
            return text(m->name);
        case StatusColumn:
            return QString::fromLatin1(loggedModelStatusName(m->status));
        case SourceRunColumn:
            return text(m->sourceRunId);
        case TypeColumn:
            return text(m->modelType);
        case CreatedColumn:
            if (sort)
                return QVariant::fromValue<qlonglong>(m->creationTimestamp);
            return QDateTime::fromMSecsSinceEpoch(m->creationTimestamp).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        case ModelIdColumn:
            return text(m->modelId);
        case FixedColumnCount:
            break;
        }
        return {};
    }
    const int metricColumn = column - FixedColumnCount;
    if (metricColumn < m_metricLabels.size()) {
        if (role == Qt::TextAlignmentRole)
            return QVariant::fromValue<int>(Qt::AlignRight | Qt::AlignVCenter);
        const auto row = static_cast<std::size_t>(index.row());
        const int cell = m_metricCells[row][static_cast<std::size_t>(metricColumn)];
        if (cell >= 0) {
            const ModelMetric& metric = m_latest[row][static_cast<std::size_t>(cell)];
            if (sort)
                return metric.point.value;
            if (role == Qt::ToolTipRole) {
                return tr("%1 = %2 at step %3%4")
                    .arg(text(metric.key), QString::fromStdString(formatDouble(metric.point.value)))
                    .arg(metric.point.step)
                    .arg(metric.datasetName
                            ? tr(" on dataset %1 (digest %2)").arg(text(metric.datasetName), text(metric.datasetDigest))
                            : QString());
            }
            return QString::fromStdString(formatNumber(metric.point.value));
        }
        return {};
    }
    const int paramColumn = metricColumn - static_cast<int>(m_metricLabels.size());
    if (paramColumn < m_paramKeys.size() && role != Qt::TextAlignmentRole) {
        if (const std::string* v = m->param(m_paramKeys[paramColumn].toStdString()))
            return text(*v);
    }
    return {};
}

QVariant LoggedModelTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || (role != Qt::DisplayRole && role != Qt::ToolTipRole))
        return {};
    switch (section) {
    case NameColumn:
        return tr("Model");
    case StatusColumn:
        return tr("Status");
    case SourceRunColumn:
        return tr("Source run");
    case TypeColumn:
        return tr("Type");
    case CreatedColumn:
        return tr("Created");
    case ModelIdColumn:
        return tr("Model ID");
    default:
        break;
    }
    const int metricColumn = section - FixedColumnCount;
    if (metricColumn >= 0 && metricColumn < m_metricLabels.size())
        return m_metricLabels[metricColumn];
    const int paramColumn = metricColumn - static_cast<int>(m_metricLabels.size());
    if (paramColumn >= 0 && paramColumn < m_paramKeys.size())
        return role == Qt::ToolTipRole ? tr("param %1").arg(m_paramKeys[paramColumn]) : m_paramKeys[paramColumn];
    return {};
}

} // namespace runlens
