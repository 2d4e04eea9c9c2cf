// SPDX-License-Identifier: Apache-2.0
#include "runitemdelegate.h"

#include "runtablemodel.h"

#include <QPainter>
#include <QPixmap>

namespace runlens {

void RunItemDelegate::initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    const QVariant decoration = index.data(Qt::DecorationRole);
    if (decoration.typeId() != QMetaType::QColor)
        return;
    const int size = option->fontMetrics.height() * 3 / 4;
    // The run's own colour is a square swatch, so it never reads as a status dot.
    const bool swatch = index.model()->headerData(index.column(), Qt::Horizontal, RunTableModel::ColumnKindRole).toInt()
        == static_cast<int>(RunTableModel::ColumnKind::Name);
    option->icon = swatch ? square(decoration.value<QColor>(), size) : dot(decoration.value<QColor>(), size);
    option->decorationSize = QSize(size, size);
}

QIcon RunItemDelegate::square(const QColor& color, int size) const
{
    const auto key = qMakePair(color.rgba(), -size);
    if (auto it = m_dots.constFind(key); it != m_dots.constEnd())
        return *it;
    QPixmap pixmap(size, size);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    painter.setBrush(color);
    const qreal d = size * 0.75;
    painter.drawRoundedRect(QRectF((size - d) / 2, (size - d) / 2, d, d), 2, 2);
    painter.end();
    QIcon icon(pixmap);
    m_dots.insert(key, icon);
    return icon;
}

QIcon RunItemDelegate::dot(const QColor& color, int size) const
{
    const auto key = qMakePair(color.rgba(), size);
    if (auto it = m_dots.constFind(key); it != m_dots.constEnd())
        return *it;
    QPixmap pixmap(size, size);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    painter.setBrush(color);
    const qreal d = size * 0.7;
    painter.drawEllipse(QRectF((size - d) / 2, (size - d) / 2, d, d));
    painter.end();
    QIcon icon(pixmap);
    m_dots.insert(key, icon);
    return icon;
}

} // namespace runlens
