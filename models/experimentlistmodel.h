// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "snapshots.h"

#include <QAbstractTableModel>
#include <QHash>

namespace runlens {

/** Experiments in the store's order, with the number of active runs in each once it is known. */
class ExperimentListModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        NameColumn,
        RunCountColumn,
        ColumnCount
    };
    enum Role
    {
        ExperimentIdRole = Qt::UserRole + 1,
        RunCountRole, // int, or invalid while not counted yet
        RawValueRole, // name or count, unformatted
        DeletedRole, // bool: the experiment is in MLflow's trash
    };

    explicit ExperimentListModel(QObject* parent = nullptr);

    /** Replaces the list in one reset; counts of experiments still listed are kept. */
    void setExperiments(ExperimentListSnapshot experiments);
    /** Active runs per experiment id; experiments absent from the map count 0. */
    void setRunCounts(const QHash<QString, int>& counts);
    void clear();

    ExperimentListSnapshot experiments() const { return m_experiments; }
    const Experiment* experimentAt(int row) const;
    int rowOf(const QString& experimentId) const;
    QHash<QString, QString> names() const;
    bool hasRunCounts() const { return m_countsKnown; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QString toolTip(const Experiment& experiment) const;

    ExperimentListSnapshot m_experiments;
    QHash<QString, int> m_counts;
    bool m_countsKnown = false;
};

} // namespace runlens
