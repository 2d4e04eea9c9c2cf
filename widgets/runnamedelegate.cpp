// SPDX-License-Identifier: Apache-2.0
#include "runnamedelegate.h"

#include "runsortproxymodel.h"
#include "runtablemodel.h"

#include <QApplication>
#include <QPainter>
#include <QStyle>

#include <algorithm>

namespace runlens {

namespace {

const RunSortProxyModel* runProxy(const QModelIndex& index)
{
    return qobject_cast<const RunSortProxyModel*>(index.model());
}

QStyle* styleOf(const QWidget* widget)
{
    return widget ? widget->style() : QApplication::style();
}

} // namespace

RunNameDelegate::RunNameDelegate(QAbstractItemDelegate* content, QObject* parent)
    : QStyledItemDelegate(parent)
    , m_content(content)
{ }

int RunNameDelegate::indentation(const QWidget* widget)
{
    return styleOf(widget)->pixelMetric(QStyle::PM_TreeViewIndentation, nullptr, widget);
}

RunNameDelegate::Layout RunNameDelegate::layout(
    const QRect& cell, const QModelIndex& index, const QWidget* widget, const QFontMetrics& metrics) const
{
    Layout l;
    const RunSortProxyModel* proxy = runProxy(index);
    const QVariant depth = index.data(RunTableModel::DepthRole);
    // Without a single branch the slot for arrows would only push every name to the right.
    if (!proxy || !depth.isValid() || !proxy->hasNestedRuns()) {
        l.content = cell;
        return l;
    }
    l.tree = true;
    const int indent = indentation(widget);
    const int left = cell.left() + depth.toInt() * indent;
    l.branch = QRect(left, cell.top(), indent, cell.height()).intersected(cell);
    l.content = cell;
    l.content.setLeft(std::min(left + indent, cell.right()));
    const int children = index.data(RunTableModel::ChildCountRole).toInt();
    if (children > 0) {
        l.countText = QStringLiteral("(%1)").arg(children);
        const int width = metrics.horizontalAdvance(l.countText) + metrics.averageCharWidth();
        // The count gives way to the name when the column is narrow.
        if (l.content.width() > 3 * width) {
            l.count = QRect(l.content.right() - width + 1, cell.top(), width, cell.height());
            l.content.setRight(l.count.left() - 1);
        }
    } else {
        l.branch = QRect(l.branch.topLeft(), QSize(0, l.branch.height()));
    }
    return l;
}

QRect RunNameDelegate::branchRect(const QRect& cell, const QModelIndex& index, const QWidget* widget) const
{
    const QFontMetrics metrics(widget ? widget->font() : QApplication::font());
    const Layout l = layout(cell, index, widget, metrics);
    return l.tree ? l.branch : QRect();
}

void RunNameDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    QAbstractItemDelegate* content = m_content ? m_content.data() : nullptr;
    const Layout l = layout(option.rect, index, option.widget, option.fontMetrics);
    if (!l.tree) {
        if (content)
            content->paint(painter, option, index);
        else
            QStyledItemDelegate::paint(painter, option, index);
        return;
    }
    QStyle* style = styleOf(option.widget);

    // The row's background (selection, alternate colour) across the indent and the count as well.
    QStyleOptionViewItem panel(option);
    initStyleOption(&panel, index);
    panel.text.clear();
    panel.icon = QIcon();
    panel.features &= ~(QStyleOptionViewItem::HasDisplay | QStyleOptionViewItem::HasDecoration);
    panel.state &= ~QStyle::State_HasFocus;
    style->drawControl(QStyle::CE_ItemViewItem, &panel, painter, option.widget);

    if (!l.countText.isEmpty()) {
        QStyleOption branch;
        branch.initFrom(option.widget);
        branch.rect = l.branch;
        branch.palette = option.palette;
        branch.state = QStyle::State_Children | (option.state & (QStyle::State_Selected | QStyle::State_Enabled));
        if (index.data(RunTableModel::ExpandedRole).toBool())
            branch.state |= QStyle::State_Open;
        style->drawPrimitive(QStyle::PE_IndicatorBranch, &branch, painter, option.widget);
    }
    if (!l.count.isEmpty()) {
        painter->save();
        const bool selected = option.state & QStyle::State_Selected;
        QColor color = option.palette.color(selected ? QPalette::HighlightedText : QPalette::Text);
        color.setAlphaF(selected ? 0.75f : 0.5f);
        painter->setPen(color);
        painter->setFont(option.font);
        painter->drawText(l.count.adjusted(0, 0, -option.fontMetrics.averageCharWidth() / 2, 0),
            Qt::AlignRight | Qt::AlignVCenter, l.countText);
        painter->restore();
    }

    QStyleOptionViewItem name(option);
    name.rect = l.content;
    if (content)
        content->paint(painter, name, index);
    else
        QStyledItemDelegate::paint(painter, name, index);
}

QSize RunNameDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    QSize size = m_content ? m_content->sizeHint(option, index) : QStyledItemDelegate::sizeHint(option, index);
    const Layout l = layout(QRect(0, 0, 100000, size.height()), index, option.widget, option.fontMetrics);
    if (l.tree)
        size.rwidth() += l.content.left() + (l.count.isEmpty() ? 0 : l.count.width());
    return size;
}

} // namespace runlens
