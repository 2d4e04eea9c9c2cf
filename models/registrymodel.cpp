// SPDX-License-Identifier: Apache-2.0
#include "registrymodel.h"

namespace runlens {

namespace {
QString q(const std::string& s)
{
    return QString::fromStdString(s);
}
} // namespace

RegistryModel::RegistryModel(QObject* parent)
    : QAbstractTableModel(parent)
{ }

void RegistryModel::setModels(std::vector<RegisteredModel> models)
{
    beginResetModel();
    m_models = std::move(models);
    endResetModel();
}

int RegistryModel::rowOf(const QString& name) const
{
    const std::string key = name.toStdString();
    for (std::size_t i = 0; i < m_models.size(); ++i)
        if (m_models[i].name == key)
            return static_cast<int>(i);
    return -1;
}

const RegisteredModel* RegistryModel::modelAt(int row) const
{
    if (row < 0 || row >= static_cast<int>(m_models.size()))
        return nullptr;
    return &m_models[static_cast<std::size_t>(row)];
}

int RegistryModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_models.size());
}

int RegistryModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString RegistryModel::aliasesText(const RegisteredModel& model)
{
    QStringList parts;
    for (const ModelAlias& a : model.aliases)
        parts.append(QStringLiteral("%1 → v%2").arg(q(a.alias)).arg(a.version));
    return parts.join(QStringLiteral(", "));
}

QString RegistryModel::latestText(const RegisteredModel& model)
{
    // Production first: it is what people look for; then the other stages in lifecycle order.
    static const char* const order[] = {"Production", "Staging", "None", "Archived"};
    QStringList parts;
    for (const char* stage : order)
        for (const ModelVersion& v : model.latestVersions)
            if (v.currentStage == stage)
                parts.append(QStringLiteral("%1 v%2").arg(QLatin1String(stage)).arg(v.version));
    return parts.join(QStringLiteral(" · "));
}

QString RegistryModel::tagsText(const std::vector<KeyValue>& tags)
{
    QStringList parts;
    for (const KeyValue& kv : tags)
        parts.append(q(kv.key) + QLatin1Char('=') + q(kv.value));
    return parts.join(QStringLiteral(", "));
}

QVariant RegistryModel::data(const QModelIndex& index, int role) const
{
    const RegisteredModel* m = index.isValid() ? modelAt(index.row()) : nullptr;
    if (!m)
        return {};
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn:
            return q(m->name);
        case AliasesColumn:
            return aliasesText(*m);
        case LatestColumn:
            return latestText(*m);
        case DescriptionColumn:
            // One line in the table; the panel shows the whole text.
            return q(m->description.value_or(std::string())).section(QLatin1Char('\n'), 0, 0);
        case TagsColumn:
            return tagsText(m->tags);
        }
        return {};
    case Qt::ToolTipRole:
        if (index.column() == DescriptionColumn && m->description)
            return q(*m->description);
        return {};
    case NameRole:
        return q(m->name);
    case SearchTextRole:
        return QStringList {q(m->name), aliasesText(*m), q(m->description.value_or(std::string())), tagsText(m->tags)}
            .join(QLatin1Char('\n'));
    }
    return {};
}

QVariant RegistryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case NameColumn:
        return tr("Model");
    case AliasesColumn:
        return tr("Aliases");
    case LatestColumn:
        return tr("Latest per stage");
    case DescriptionColumn:
        return tr("Description");
    case TagsColumn:
        return tr("Tags");
    }
    return {};
}

} // namespace runlens
