// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "columnlayout.h"

#include <QTableView>

namespace runlens {

class RunNameDelegate;
class RunSortProxyModel;
class RunTableHeaderView;

/**
 * The runs table: sortable by clicking a header, a group band over params and metrics, and column
 * widths fitted to a sample of the contents whenever the model resets or columns arrive. The sort
 * and the widths a person dragged are part of the ColumnLayout, by column id, since column
 * positions change with the loaded keys: a sorted column that goes away and comes back is sorted
 * again.
 *
 * Over a RunSortProxyModel in nested mode the Run column shows the runs as a tree: indented, with a
 * branch arrow that expands or collapses a parent on a click; Right/Left expand and collapse the
 * current run (or move to its first child / its parent, as in a tree), and expandAllAction() /
 * collapseAllAction() (Ctrl+Shift+Right / Ctrl+Shift+Left while the table has focus) open or close
 * every parent.
 */
class RunTableView final : public QTableView
{
    Q_OBJECT
public:
    explicit RunTableView(QWidget* parent = nullptr);

    void setModel(QAbstractItemModel* model) override;
    RunTableHeaderView* runHeader() const { return m_header; }
    RunNameDelegate* nameDelegate() const { return m_nameDelegate; }

    /** Expand / collapse every nested run; enabled while the model shows nested runs as a tree. */
    QAction* expandAllAction() const { return m_expandAll; }
    QAction* collapseAllAction() const { return m_collapseAll; }

    /** Logical columns in the order shown, hidden ones left out. */
    QList<int> visibleColumns() const;
    /** Selected rows of the view's model, top to bottom. */
    QList<int> selectedRows() const;
    /** The selected runs as tab-separated text with a header row: what Ctrl+C copies. */
    QString selectionAsTsv() const;
    /** Puts selectionAsTsv() on the clipboard (Ctrl+C); nothing when no row is selected. */
    void copySelection();

    /** The arrangement of columns (hidden, pinned, order, differ-only) as the person left it. */
    const ColumnLayout& columnLayout() const { return m_layout; }
    /**
     * Arranges the columns so: pinned first, then the saved order (new columns go at the end), the
     * saved widths, and sorts by the saved column.
     */
    void setColumnLayout(const ColumnLayout& layout);
    /** As setColumnLayout, for a change the person made: also emits columnLayoutChanged. */
    void changeColumnLayout(const ColumnLayout& layout);
    /** Re-applies the layout, e.g. after the rows changed and differ-only must be recomputed. */
    void applyColumnLayout();

    /** Widest a column gets from fitting; a person may drag it wider. */
    static constexpr int kMaxFittedWidth = 280;

protected:
    void keyPressEvent(QKeyEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;

Q_SIGNALS:
    /** The person changed the layout (moved, resized or sorted a column, or the column chooser). */
    void columnLayoutChanged(const runlens::ColumnLayout& layout);

private:
    void onSectionMoved();
    void onSectionResized(int logical, int newSize);
    void onSortIndicatorChanged(int logical, Qt::SortOrder order);
    void restoreSortAndFit();
    /** Sorts by the layout's column, when it is there and (unless forced) not already sorted by. */
    void applySort(bool force = false);
    void onColumnsInserted(int first, int last);
    void fitColumns(int first, int last);
    void extendSelectionToColumns(int first, int last);
    RunSortProxyModel* runProxy() const;
    void updateTreeActions();
    /** Toggles the run whose branch arrow is at `position`; false when there is no arrow there. */
    bool toggleBranchAt(const QPoint& position);
    /** Right / Left on a nested run; false when the key means nothing there. */
    bool stepInTree(bool right);

    RunTableHeaderView* m_header = nullptr;
    ColumnLayout m_layout;
    // Set while this view or the model moves, sizes or sorts columns: only the person's own changes
    // go into the layout.
    bool m_applyingLayout = false;
    QList<QMetaObject::Connection> m_modelConnections;
    QMetaObject::Connection m_nestedChanged;
    RunNameDelegate* m_nameDelegate = nullptr;
    QAction* m_expandAll = nullptr;
    QAction* m_collapseAll = nullptr;
};

} // namespace runlens
