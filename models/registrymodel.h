// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "entities.h"

#include <QAbstractTableModel>

#include <vector>

namespace runlens {

/** Registered models: name, aliases (first: MLflow prefers them to stages), latest per stage, description, tags. */
class RegistryModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        NameColumn,
        AliasesColumn,
        LatestColumn,
        DescriptionColumn,
        TagsColumn,
        ColumnCount
    };
    enum Role
    {
        NameRole = Qt::UserRole + 1,
        /** All text of the row, for the search box: name, aliases, description, tags. */
        SearchTextRole,
    };

    explicit RegistryModel(QObject* parent = nullptr);

    void setModels(std::vector<RegisteredModel> models);
    const std::vector<RegisteredModel>& models() const { return m_models; }
    /** The row of a model by name, -1 when absent. */
    int rowOf(const QString& name) const;
    const RegisteredModel* modelAt(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /** "champion → v2, challenger → v3" */
    static QString aliasesText(const RegisteredModel& model);
    /** "Production v2 · Staging v3 · None v4" */
    static QString latestText(const RegisteredModel& model);
    /** "owner=vision, task=image-classification" */
    static QString tagsText(const std::vector<KeyValue>& tags);

private:
    std::vector<RegisteredModel> m_models;
};

} // namespace runlens
