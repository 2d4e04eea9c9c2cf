// SPDX-License-Identifier: Apache-2.0
#include "runtableview.h"

#include "runitemdelegate.h"
#include "runnamedelegate.h"
#include "runsortproxymodel.h"
#include "runtableheaderview.h"
#include "runtablemodel.h"
#include "tableexport.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QKeyEvent>
#include <QMouseEvent>
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
    // The run name is always the model's first column.
    m_nameDelegate = new RunNameDelegate(itemDelegate(), this);
    setItemDelegateForColumn(0, m_nameDelegate);
    m_expandAll = new QAction(tr("E&xpand All Runs"), this);
    m_expandAll->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Right));
    m_expandAll->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_collapseAll = new QAction(tr("Co&llapse All Runs"), this);
    m_collapseAll->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Left));
    m_collapseAll->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(m_expandAll);
    addAction(m_collapseAll);
    connect(m_expandAll, &QAction::triggered, this, [this] {
        if (RunSortProxyModel* proxy = runProxy())
            proxy->expandAll();
    });
    connect(m_collapseAll, &QAction::triggered, this, [this] {
        if (RunSortProxyModel* proxy = runProxy())
            proxy->collapseAll();
    });
    updateTreeActions();
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
    connect(m_header, &QHeaderView::sectionResized, this,
        [this](int logical, int, int newSize) { onSectionResized(logical, newSize); });
    connect(m_header, &QHeaderView::sortIndicatorChanged, this, &RunTableView::onSortIndicatorChanged);
}

void RunTableView::setModel(QAbstractItemModel* model)
{
    for (const QMetaObject::Connection& connection : std::as_const(m_modelConnections))
        disconnect(connection);
    m_modelConnections.clear();
    disconnect(m_nestedChanged);
    QTableView::setModel(model);
    if (RunSortProxyModel* proxy = runProxy())
        m_nestedChanged = connect(proxy, &RunSortProxyModel::nestedRunsChanged, this, &RunTableView::updateTreeActions);
    updateTreeActions();
    if (!model)
        return;
    // The header handles these signals before this view does; what it resizes or re-sorts on the
    // way is the model's doing, not the person's.
    const auto changing = [this] { m_applyingLayout = true; };
    const auto changed = [this] { m_applyingLayout = false; };
    m_modelConnections = {
        connect(model, &QAbstractItemModel::modelAboutToBeReset, this, changing),
        connect(model, &QAbstractItemModel::modelReset, this, &RunTableView::restoreSortAndFit),
        connect(model, &QAbstractItemModel::columnsAboutToBeInserted, this, changing),
        connect(model, &QAbstractItemModel::columnsInserted, this,
            [this](const QModelIndex&, int first, int last) { onColumnsInserted(first, last); }),
        connect(model, &QAbstractItemModel::columnsAboutToBeRemoved, this, changing),
        connect(model, &QAbstractItemModel::columnsRemoved, this, changed),
    };
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

void RunTableView::onColumnsInserted(int first, int last)
{
    extendSelectionToColumns(first, last);
    m_applyingLayout = true;
    fitColumns(first, last);
    m_applyingLayout = false;
    // A filter that narrowed the columns was cleared, or a running run logged a new key: the columns
    // come back where, as wide and as hidden as the layout says, and a sorted one is sorted again.
    applyColumnLayout();
    if (m_header->sortIndicatorSection() < 0)
        applySort();
}

void RunTableView::restoreSortAndFit()
{
    if (!model())
        return;
    m_applyingLayout = true;
    fitColumns(0, model()->columnCount() - 1);
    m_applyingLayout = false;
    applySort(true); // fresh rows are in the store's order until sorted
    applyColumnLayout();
}

void RunTableView::applySort(bool force)
{
    QAbstractItemModel* m = model();
    if (!m || m->columnCount() == 0)
        return;
    // With no sort of the person's, newest first, which is also the order MLflow lists runs in.
    const bool chosen = !m_layout.sortColumn.isEmpty();
    const QString id = chosen ? m_layout.sortColumn : QStringLiteral("run:start");
    const Qt::SortOrder order = !chosen || m_layout.sortDescending ? Qt::DescendingOrder : Qt::AscendingOrder;
    const int target = ColumnLayout::columnOf(*m, id);
    if (!force && target == m_header->sortIndicatorSection() && (target < 0 || order == m_header->sortIndicatorOrder()))
        return;
    m_applyingLayout = true;
    if (target >= 0)
        sortByColumn(target, order);
    else
        sortByColumn(-1, Qt::AscendingOrder); // the sorted key is gone: back to the store's order
    m_applyingLayout = false;
}

void RunTableView::onSortIndicatorChanged(int logical, Qt::SortOrder order)
{
    // -1 only comes from this view or from Qt dropping a removed column; neither is a choice.
    if (m_applyingLayout || !model() || logical < 0)
        return;
    m_layout.sortColumn = ColumnLayout::columnId(*model(), logical);
    m_layout.sortDescending = order == Qt::DescendingOrder;
    Q_EMIT columnLayoutChanged(m_layout);
}

void RunTableView::onSectionResized(int logical, int newSize)
{
    if (m_applyingLayout || !model() || newSize <= 0 || m_header->isSectionHidden(logical))
        return;
    m_layout.widths.insert(ColumnLayout::columnId(*model(), logical), newSize);
    Q_EMIT columnLayoutChanged(m_layout);
}

void RunTableView::setColumnLayout(const ColumnLayout& layout)
{
    m_layout = layout;
    applySort();
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
    for (auto it = m_layout.widths.constBegin(); it != m_layout.widths.constEnd(); ++it) {
        const int c = logicalById.value(it.key(), -1);
        if (c >= 0 && m_header->sectionSize(c) != it.value() && !m_header->isSectionHidden(c))
            m_header->resizeSection(c, it.value());
    }
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

RunSortProxyModel* RunTableView::runProxy() const
{
    return qobject_cast<RunSortProxyModel*>(model());
}

void RunTableView::updateTreeActions()
{
    const RunSortProxyModel* proxy = runProxy();
    const bool tree = proxy && proxy->nestedRuns();
    m_expandAll->setEnabled(tree);
    m_collapseAll->setEnabled(tree);
}

bool RunTableView::toggleBranchAt(const QPoint& position)
{
    RunSortProxyModel* proxy = runProxy();
    const QModelIndex index = indexAt(position);
    if (!proxy || !index.isValid() || index.column() != 0)
        return false;
    if (!m_nameDelegate->branchRect(visualRect(index), index, this).contains(position))
        return false;
    const QString runId = index.data(RunTableModel::RunIdRole).toString();
    proxy->setExpanded(runId, !proxy->isExpanded(runId));
    return true;
}

void RunTableView::mousePressEvent(QMouseEvent* event)
{
    // A click on the arrow opens or closes the run without selecting it.
    if (event->button() == Qt::LeftButton && toggleBranchAt(event->position().toPoint())) {
        event->accept();
        return;
    }
    QTableView::mousePressEvent(event);
}

void RunTableView::mouseDoubleClickEvent(QMouseEvent* event)
{
    // The second click of a quick double click on the arrow toggles again, as in a tree view.
    if (event->button() == Qt::LeftButton && toggleBranchAt(event->position().toPoint())) {
        event->accept();
        return;
    }
    QTableView::mouseDoubleClickEvent(event);
}

bool RunTableView::stepInTree(bool right)
{
    RunSortProxyModel* proxy = runProxy();
    const QModelIndex current = currentIndex();
    if (!proxy || !proxy->nestedRuns() || !current.isValid())
        return false;
    const QString runId = current.data(RunTableModel::RunIdRole).toString();
    const int children = current.data(RunTableModel::ChildCountRole).toInt();
    const int depth = current.data(RunTableModel::DepthRole).toInt();
    const bool expanded = children > 0 && proxy->isExpanded(runId);
    int target = -1;
    if (right) {
        if (children > 0 && !expanded) {
            proxy->setExpanded(runId, true);
            return true;
        }
        // Open already: to the first child shown (the quick search may hide them all).
        if (expanded && current.row() + 1 < proxy->rowCount()
            && proxy->index(current.row() + 1, 0).data(RunTableModel::DepthRole).toInt() > depth)
            target = current.row() + 1;
    } else {
        if (expanded) {
            proxy->setExpanded(runId, false);
            return true;
        }
        // Closed or a leaf: to the parent, the nearest row above that is one level up.
        for (int row = current.row() - 1; depth > 0 && row >= 0; --row) {
            if (proxy->index(row, 0).data(RunTableModel::DepthRole).toInt() < depth) {
                target = row;
                break;
            }
        }
    }
    if (target < 0)
        return children > 0 || depth > 0; // a tree key on a tree row; nothing to do
    const QModelIndex next = proxy->index(target, current.column());
    selectionModel()->setCurrentIndex(next, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    scrollTo(next);
    return true;
}

void RunTableView::keyPressEvent(QKeyEvent* event)
{
    const Qt::KeyboardModifiers modifiers = event->modifiers() & ~Qt::KeypadModifier;
    if ((event->key() == Qt::Key_Right || event->key() == Qt::Key_Left) && modifiers == Qt::NoModifier
        && stepInTree(event->key() == Qt::Key_Right)) {
        event->accept();
        return;
    }
    // The default copies one cell; a row of a runs table is what one wants in a spreadsheet.
    if (event == QKeySequence::Copy) {
        copySelection();
        event->accept();
        return;
    }
    QTableView::keyPressEvent(event);
}

void RunTableView::fitColumns(int first, int last)
{
    if (!model())
        return;
    if (first == 0 && last == model()->columnCount() - 1)
        resizeColumnsToContents();
    else {
        for (int c = first; c <= last; ++c)
            resizeColumnToContents(c);
    }
    for (int c = first; c <= last; ++c) {
        const int width = columnWidth(c);
        if (width > kMaxFittedWidth)
            setColumnWidth(c, kMaxFittedWidth);
    }
}

} // namespace runlens
