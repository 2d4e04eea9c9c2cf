// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QHash>
#include <QIcon>
#include <QStyledItemDelegate>

namespace runlens {

/**
 * Draws a colour given as a cell's decoration (a run's status) as a small round dot, where the
 * default delegate would fill the whole decoration square and make the table look like a chart. The
 * Run column's colour (the run's own, as in charts) is a small square swatch instead.
 */
class RunItemDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override;

private:
    QIcon dot(const QColor& color, int size) const;
    QIcon square(const QColor& color, int size) const;

    mutable QHash<QPair<QRgb, int>, QIcon> m_dots;
};

} // namespace runlens
