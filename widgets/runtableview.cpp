// SPDX-License-Identifier: Apache-2.0
#include "runtableview.h"

#include "runitemdelegate.h"
#include "runtableheaderview.h"
#include "runtablemodel.h"

#include <QScrollBar>

#include <algorithm>

namespace runlens {

RunTableView::RunTableView(QWidget* parent)
    : QTableView(parent)
    , m_header(new RunTableHeaderView(this))
{
    m_header->setGroupRole(RunTableModel::ColumnGroupRole);
    m_header->setSectionsMovable(true);
    m_header->setStretchLastSection(false);
    m_header->setMinimumSectionSize(48);
    // Fitting reads this many rows per column, not all ten thousand.
    m_header->setResizeContentsPrecision(200);
    setHorizontalHeader(m_header);

    setItemDelegate(new RunItemDelegate(this));
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setAlternatingRowColors(true);
    setWordWrap(false);
    setShowGrid(false);
    setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    setTextElideMode(Qt::ElideRight);
    verticalHeader()->hide();
    verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
    setSortingEnabled(true);
}

void RunTableView::setModel(QAbstractItemModel* model)
{
    disconnect(m_aboutToReset);
    disconnect(m_reset);
    QTableView::setModel(model);
    if (!model)
        return;
    m_aboutToReset = connect(model, &QAbstractItemModel::modelAboutToBeReset, this, &RunTableView::rememberSort);
    m_reset = connect(model, &QAbstractItemModel::modelReset, this, &RunTableView::restoreSortAndFit);
    restoreSortAndFit();
}

void RunTableView::rememberSort()
{
    const int section = m_header->sortIndicatorSection();
    if (!model() || section < 0 || section >= model()->columnCount())
        return;
    m_sortKind = model()->headerData(section, Qt::Horizontal, RunTableModel::ColumnKindRole).toInt();
    m_sortKey = model()->headerData(section, Qt::Horizontal, RunTableModel::ColumnKeyRole).toString();
    m_sortOrder = m_header->sortIndicatorOrder();
}

void RunTableView::restoreSortAndFit()
{
    QAbstractItemModel* m = model();
    if (!m)
        return;
    // The first load sorts newest first, which is also the order MLflow lists runs in.
    if (m_sortKind < 0) {
        m_sortKind = static_cast<int>(RunTableModel::ColumnKind::Start);
        m_sortOrder = Qt::DescendingOrder;
    }
    int target = -1;
    for (int c = 0; c < m->columnCount(); ++c) {
        if (m->headerData(c, Qt::Horizontal, RunTableModel::ColumnKindRole).toInt() == m_sortKind
            && m->headerData(c, Qt::Horizontal, RunTableModel::ColumnKeyRole).toString() == m_sortKey) {
            target = c;
            break;
        }
    }
    if (target >= 0)
        sortByColumn(target, m_sortOrder);
    else if (m->columnCount() > 0)
        sortByColumn(-1, Qt::AscendingOrder); // the sorted key is gone: back to the store's order
    fitColumns();
}

void RunTableView::fitColumns()
{
    if (!model())
        return;
    resizeColumnsToContents();
    for (int c = 0; c < model()->columnCount(); ++c) {
        const int width = columnWidth(c);
        if (width > kMaxFittedWidth)
            setColumnWidth(c, kMaxFittedWidth);
    }
}

} // namespace runlens
