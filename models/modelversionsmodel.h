// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "entities.h"

#include <QAbstractTableModel>
#include <QHash>

#include <vector>

namespace runlens {

/** The versions of one registered model, newest first; aliases come before the (deprecated) stage. */
class ModelVersionsModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        VersionColumn,
        AliasesColumn,
        StageColumn,
        SourceRunColumn,
        LoggedModelColumn, // MLflow 3: the logged model the version was made from
        StatusColumn,
        CreatedColumn,
        DescriptionColumn,
        TagsColumn,
        ColumnCount
    };
    enum Role
    {
        VersionRole = Qt::UserRole + 1, // qint64
        RunIdRole, // QString, empty when the version has no source run
        LoggedModelIdRole, // QString, empty when the version was not made from a logged model
    };

    explicit ModelVersionsModel(QObject* parent = nullptr);

    void setVersions(std::vector<ModelVersion> versions);
    /**
     * Names of source runs by run id, read after the versions: the Source run column shows a run's
     * name as the runs table does, and its id until the name is known or when the run cannot be read.
     */
    void setRunNames(const QHash<QString, QString>& names);
    const std::vector<ModelVersion>& versions() const { return m_versions; }
    const ModelVersion* versionAt(int row) const;
    /** The row of a version number, -1 when absent. */
    int rowOf(qint64 version) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::vector<ModelVersion> m_versions;
    QHash<QString, QString> m_runNames;
};

} // namespace runlens
