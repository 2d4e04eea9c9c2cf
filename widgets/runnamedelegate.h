// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QPointer>
#include <QStyledItemDelegate>

namespace runlens {

/**
 * The Run (name) column of the runs table when nested runs show as a tree: the cell is indented by
 * the run's depth, a parent gets a branch arrow (open or closed) in front of its name and its number
 * of children, greyed, at the right edge. What is left of the cell is painted by the delegate the
 * other columns use, so the run's colour swatch and the text look as in every other cell. In flat
 * mode, or when no run in the table has children, the cell is exactly the other delegate's.
 */
class RunNameDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
public:
    /** `content` paints the name itself (the table's own item delegate); it must outlive this one. */
    explicit RunNameDelegate(QAbstractItemDelegate* content, QObject* parent = nullptr);

    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;

    /** Where the branch arrow of `index` sits in a cell at `cell`; empty when the run has no children. */
    QRect branchRect(const QRect& cell, const QModelIndex& index, const QWidget* widget) const;
    /** Horizontal space per level of nesting. */
    static int indentation(const QWidget* widget);

private:
    struct Layout
    {
        bool tree = false; // draw as a tree at all
        QRect branch; // the arrow's slot
        QRect content; // what the content delegate paints
        QRect count; // the child count; empty for a run without children
        QString countText;
    };
    Layout layout(
        const QRect& cell, const QModelIndex& index, const QWidget* widget, const QFontMetrics& metrics) const;

    QPointer<QAbstractItemDelegate> m_content;
};

} // namespace runlens
