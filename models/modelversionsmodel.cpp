// SPDX-License-Identifier: Apache-2.0
#include "modelversionsmodel.h"

#include "registrymodel.h"

#include <QDateTime>
#include <QFont>

#include <algorithm>

namespace runlens {

namespace {
QString q(const std::string& s)
{
    return QString::fromStdString(s);
}
} // namespace

ModelVersionsModel::ModelVersionsModel(QObject* parent)
    : QAbstractTableModel(parent)
{ }

void ModelVersionsModel::setVersions(std::vector<ModelVersion> versions)
{
    // Newest first: the version people act on is usually the latest one.
    std::sort(versions.begin(), versions.end(),
        [](const ModelVersion& a, const ModelVersion& b) { return a.version > b.version; });
    beginResetModel();
    m_versions = std::move(versions);
    m_runNames.clear();
    endResetModel();
}

void ModelVersionsModel::setRunNames(const QHash<QString, QString>& names)
{
    m_runNames = names;
    if (!m_versions.empty())
        Q_EMIT dataChanged(index(0, SourceRunColumn), index(rowCount() - 1, SourceRunColumn));
}

const ModelVersion* ModelVersionsModel::versionAt(int row) const
{
    if (row < 0 || row >= static_cast<int>(m_versions.size()))
        return nullptr;
    return &m_versions[static_cast<std::size_t>(row)];
}

int ModelVersionsModel::rowOf(qint64 version) const
{
    for (std::size_t i = 0; i < m_versions.size(); ++i)
        if (m_versions[i].version == version)
            return static_cast<int>(i);
    return -1;
}

int ModelVersionsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_versions.size());
}

int ModelVersionsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ModelVersionsModel::data(const QModelIndex& index, int role) const
{
    const ModelVersion* v = index.isValid() ? versionAt(index.row()) : nullptr;
    if (!v)
        return {};
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case VersionColumn:
            return QStringLiteral("v%1").arg(v->version);
        case AliasesColumn: {
            QStringList aliases;
            for (const std::string& a : v->aliases)
                aliases.append(QLatin1Char('@') + q(a));
            return aliases.join(QStringLiteral(" "));
        }
        case StageColumn:
            return q(v->currentStage);
        case SourceRunColumn: {
            if (!v->runId)
                return QString();
            const QString id = q(*v->runId);
            return m_runNames.value(id, id);
        }
        case LoggedModelColumn:
            return q(sourceLoggedModelId(*v).value_or(std::string()));
        case StatusColumn:
            return q(v->status);
        case CreatedColumn:
            return QDateTime::fromMSecsSinceEpoch(v->creationTimestamp).toString(QStringLiteral("yyyy-MM-dd HH:mm"));
        case DescriptionColumn:
            return q(v->description.value_or(std::string())).section(QLatin1Char('\n'), 0, 0);
        case TagsColumn:
            return RegistryModel::tagsText(v->tags);
        }
        return {};
    case Qt::ToolTipRole:
        switch (index.column()) {
        case SourceRunColumn:
            if (!v->runId)
                return tr("No source run");
            if (const auto name = m_runNames.constFind(q(*v->runId)); name != m_runNames.constEnd())
                return tr("Run %1 (%2)\nDouble-click to open it").arg(*name, q(*v->runId));
            return tr("Double-click to open run %1").arg(q(*v->runId));
        case LoggedModelColumn: {
            const auto id = sourceLoggedModelId(*v);
            if (!id)
                return tr("Not made from a logged model (source: %1)").arg(q(v->source));
            const QString where = v->storageLocation ? q(*v->storageLocation) : q(v->source);
            return tr("Click to open logged model %1\nStored at %2").arg(q(*id), where);
        }
        case StatusColumn:
            return v->statusMessage ? q(*v->statusMessage) : QVariant();
        case DescriptionColumn:
            return v->description ? q(*v->description) : QVariant();
        case CreatedColumn:
            return QDateTime::fromMSecsSinceEpoch(v->creationTimestamp, Qt::UTC).toString(Qt::ISODate);
        }
        return {};
    case Qt::FontRole:
        if ((index.column() == SourceRunColumn && v->runId)
            || (index.column() == LoggedModelColumn && sourceLoggedModelId(*v))) {
            QFont font;
            font.setUnderline(true); // reads as a link: a double-click opens the run
            return font;
        }
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == VersionColumn)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case VersionRole:
        return QVariant::fromValue<qint64>(v->version);
    case RunIdRole:
        return v->runId ? q(*v->runId) : QString();
    case LoggedModelIdRole:
        return q(sourceLoggedModelId(*v).value_or(std::string()));
    }
    return {};
}

QVariant ModelVersionsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case VersionColumn:
        return tr("Version");
    case AliasesColumn:
        return tr("Aliases");
    case StageColumn:
        return tr("Stage");
    case SourceRunColumn:
        return tr("Source run");
    case LoggedModelColumn:
        return tr("Logged model");
    case StatusColumn:
        return tr("Status");
    case CreatedColumn:
        return tr("Created");
    case DescriptionColumn:
        return tr("Description");
    case TagsColumn:
        return tr("Tags");
    }
    return {};
}

} // namespace runlens
