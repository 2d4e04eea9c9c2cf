// SPDX-License-Identifier: Apache-2.0
#include "experimentlistview.h"

#include <QHeaderView>
#include <QItemSelectionModel>

#include <algorithm>

namespace runlens {

ExperimentListView::ExperimentListView(QWidget* parent)
    : QTreeView(parent)
{
    setRootIsDecorated(false);
    setItemsExpandable(false);
    setUniformRowHeights(true);
    setAllColumnsShowFocus(true);
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setTextElideMode(Qt::ElideMiddle);
    header()->setStretchLastSection(false);
    header()->setSectionsMovable(false);
}

void ExperimentListView::setModel(QAbstractItemModel* model)
{
    QTreeView::setModel(model);
    if (!model)
        return;
    header()->setSectionResizeMode(0, QHeaderView::Stretch);
    if (model->columnCount() > 1)
        header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    connect(selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        // A reset or a drag produces bursts of changes; tell listeners only when the set differs.
        const QStringList ids = selectedExperimentIds();
        if (ids == m_lastEmitted)
            return;
        m_lastEmitted = ids;
        Q_EMIT experimentSelectionChanged(ids);
    });
    connect(model, &QAbstractItemModel::modelReset, this, [this] {
        const QStringList ids = selectedExperimentIds();
        if (ids != m_lastEmitted) {
            m_lastEmitted = ids;
            Q_EMIT experimentSelectionChanged(ids);
        }
    });
}

QStringList ExperimentListView::selectedExperimentIds() const
{
    if (!selectionModel())
        return {};
    QModelIndexList rows = selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end(), [](const QModelIndex& a, const QModelIndex& b) { return a.row() < b.row(); });
    QStringList ids;
    for (const QModelIndex& index : rows)
        ids << index.data(m_idRole).toString();
    return ids;
}

bool ExperimentListView::selectExperiments(const QStringList& ids)
{
    if (!model() || !selectionModel())
        return false;
    QItemSelection selection;
    QModelIndex first;
    for (int row = 0; row < model()->rowCount(); ++row) {
        const QModelIndex index = model()->index(row, 0);
        if (!ids.contains(index.data(m_idRole).toString()))
            continue;
        selection.select(index, index);
        if (!first.isValid())
            first = index;
    }
    if (!first.isValid())
        return false;
    selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    selectionModel()->setCurrentIndex(first, QItemSelectionModel::NoUpdate);
    scrollTo(first);
    return true;
}

} // namespace runlens
