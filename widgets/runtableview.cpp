// SPDX-License-Identifier: Apache-2.0
#include "runtableview.h"

#include "runitemdelegate.h"
#include "runtableheaderview.h"
#include "runtablemodel.h"
#include "tableexport.h"

#include <QApplication>
#include <QClipboard>
#include <QKeyEvent>
#include <QScrollBar>
#include <QSet>

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
    connect(m_header, &QHeaderView::sectionMoved, this, &RunTableView::onSectionMoved);
}

void RunTableView::setModel(QAbstractItemModel* model)
{
    disconnect(m_aboutToReset);
    disconnect(m_reset);
    disconnect(m_columnsInserted);
    QTableView::setModel(model);
    if (!model)
        return;
    m_columnsInserted = connect(model, &QAbstractItemModel::columnsInserted, this,
        [this](const QModelIndex&, int first, int last) { extendSelectionToColumns(first, last); });
    m_aboutToReset = connect(model, &QAbstractItemModel::modelAboutToBeReset, this, &RunTableView::rememberSort);
    m_reset = connect(model, &QAbstractItemModel::modelReset, this, &RunTableView::restoreSortAndFit);
    restoreSortAndFit();
}

void RunTableView::extendSelectionToColumns(int first, int last)
{
    // Qt splits selected rows around inserted columns; a run that was selected stays wholly selected.
    if (!selectionModel() || selectionBehavior() != SelectRows)
        return;
    QItemSelection extra;
    for (const QItemSelectionRange& range : selectionModel()->selection())
        extra.select(model()->index(range.top(), first), model()->index(range.bottom(), last));
    if (!extra.isEmpty())
        selectionModel()->select(extra, QItemSelectionModel::Select);
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
    applyColumnLayout();
}

void RunTableView::setColumnLayout(const ColumnLayout& layout)
{
    m_layout = layout;
    applyColumnLayout();
}

void RunTableView::changeColumnLayout(const ColumnLayout& layout)
{
    setColumnLayout(layout);
    Q_EMIT columnLayoutChanged(m_layout);
}

void RunTableView::applyColumnLayout()
{
    QAbstractItemModel* m = model();
    if (!m)
        return;
    m_applyingLayout = true;
    const int count = m->columnCount();
    QHash<QString, int> logicalById;
    for (int c = 0; c < count; ++c)
        logicalById.insert(ColumnLayout::columnId(*m, c), c);

    // Target visual order: pinned, then the remembered order, then columns never seen before.
    QList<int> target;
    QSet<int> placed;
    const auto place = [&](const QString& id) {
        const auto it = logicalById.constFind(id);
        if (it != logicalById.constEnd() && !placed.contains(*it)) {
            target << *it;
            placed.insert(*it);
        }
    };
    for (const QString& id : m_layout.pinned)
        place(id);
    for (const QString& id : m_layout.order)
        place(id);
    for (int c = 0; c < count; ++c) {
        if (!placed.contains(c)) {
            target << c;
            placed.insert(c);
        }
    }
    for (int visual = 0; visual < target.size(); ++visual) {
        const int from = m_header->visualIndex(target.at(visual));
        if (from != visual)
            m_header->moveSection(from, visual);
    }

    QSet<int> hide;
    for (const QString& id : m_layout.hidden) {
        if (const auto it = logicalById.constFind(id); it != logicalById.constEnd())
            hide.insert(*it);
    }
    if (m_layout.differOnly) {
        for (const int c : uniformColumns(*m))
            hide.insert(c);
    }
    // The run name always shows: without it no row can be told apart.
    hide.remove(logicalById.value(QStringLiteral("run:name"), -1));
    for (int c = 0; c < count; ++c)
        m_header->setSectionHidden(c, hide.contains(c));
    m_applyingLayout = false;
}

void RunTableView::onSectionMoved()
{
    if (m_applyingLayout || !model())
        return;
    QStringList order;
    for (int visual = 0; visual < m_header->count(); ++visual)
        order << ColumnLayout::columnId(*model(), m_header->logicalIndex(visual));
    // A column dragged among the pinned ones (or out of them) changes the pinned set accordingly.
    QStringList pinned;
    for (const QString& id : order) {
        if (!m_layout.pinned.contains(id))
            break;
        pinned << id;
    }
    m_layout.order = order;
    m_layout.pinned = pinned;
    Q_EMIT columnLayoutChanged(m_layout);
}

QList<int> RunTableView::visibleColumns() const
{
    QList<int> columns;
    if (!model())
        return columns;
    for (int visual = 0; visual < m_header->count(); ++visual) {
        const int logical = m_header->logicalIndex(visual);
        if (logical >= 0 && !m_header->isSectionHidden(logical))
            columns << logical;
    }
    return columns;
}

QList<int> RunTableView::selectedRows() const
{
    QList<int> rows;
    if (!selectionModel())
        return rows;
    for (const QModelIndex& index : selectionModel()->selectedRows())
        rows << index.row();
    std::sort(rows.begin(), rows.end());
    return rows;
}

QString RunTableView::selectionAsTsv() const
{
    const QList<int> rows = selectedRows();
    if (rows.isEmpty())
        return {};
    return toTsv(tableText(*model(), rows, visibleColumns(), RunTableModel::ExportRole));
}

void RunTableView::copySelection()
{
    const QString text = selectionAsTsv();
    if (!text.isEmpty())
        QApplication::clipboard()->setText(text);
}

void RunTableView::keyPressEvent(QKeyEvent* event)
{
    // The default copies one cell; a row of a runs table is what one wants in a spreadsheet.
    if (event == QKeySequence::Copy) {
        copySelection();
        event->accept();
        return;
    }
    QTableView::keyPressEvent(event);
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
