// SPDX-License-Identifier: Apache-2.0
#include "runtableheaderview.h"

#include <QPainter>
#include <QStyleOptionHeader>

namespace runlens {

RunTableHeaderView::RunTableHeaderView(QWidget* parent)
    : QHeaderView(Qt::Horizontal, parent)
{
    setSectionsClickable(true);
    setHighlightSections(false);
    setSortIndicatorShown(true);
    setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    setTextElideMode(Qt::ElideRight);
}

int RunTableHeaderView::bandHeight() const
{
    return m_groupRole < 0 ? 0 : fontMetrics().height() + 6;
}

QString RunTableHeaderView::groupOf(int logicalIndex) const
{
    if (m_groupRole < 0 || !model())
        return {};
    return model()->headerData(logicalIndex, orientation(), m_groupRole).toString();
}

QSize RunTableHeaderView::sizeHint() const
{
    QSize size = QHeaderView::sizeHint();
    size.setHeight(size.height() + bandHeight());
    return size;
}

void RunTableHeaderView::paintSection(QPainter* painter, const QRect& rect, int logicalIndex) const
{
    // The titles take the lower part; paintEvent draws the group band over the upper part.
    QRect lower = rect;
    lower.setTop(rect.top() + bandHeight());
    QHeaderView::paintSection(painter, lower, logicalIndex);
}

void RunTableHeaderView::initStyleOptionForIndex(QStyleOptionHeader* option, int logicalIndex) const
{
    QHeaderView::initStyleOptionForIndex(option, logicalIndex);
    // Qt's convention is a down arrow for ascending; MLflow's, and most tables', is an up arrow.
    if (option->sortIndicator == QStyleOptionHeader::SortDown)
        option->sortIndicator = QStyleOptionHeader::SortUp;
    else if (option->sortIndicator == QStyleOptionHeader::SortUp)
        option->sortIndicator = QStyleOptionHeader::SortDown;
}

void RunTableHeaderView::paintEvent(QPaintEvent* event)
{
    QHeaderView::paintEvent(event);
    const int band = bandHeight();
    if (band <= 0 || !model() || count() == 0)
        return;

    QPainter painter(viewport());
    const auto drawGroup = [&](int firstVisual, int lastVisual) {
        const int first = logicalIndex(firstVisual);
        const int last = logicalIndex(lastVisual);
        const int left = sectionViewportPosition(first);
        const int right = sectionViewportPosition(last) + sectionSize(last);
        if (right < 0 || left > viewport()->width())
            return;
        QStyleOptionHeader option;
        initStyleOption(&option);
        option.rect = QRect(left, 0, right - left, band);
        option.section = first;
        option.position = QStyleOptionHeader::Middle;
        option.textAlignment = Qt::AlignCenter;
        option.state |= QStyle::State_Raised;
        // Keep the name in view while its group is scrolled partly off the left edge.
        const QRect visibleRect = option.rect.intersected(viewport()->rect());
        style()->drawControl(QStyle::CE_HeaderSection, &option, &painter, this);
        const QString text = groupOf(first);
        if (!text.isEmpty()) {
            QFont bold = font();
            bold.setBold(true);
            painter.setFont(bold);
            painter.setPen(palette().color(QPalette::WindowText));
            painter.drawText(visibleRect.adjusted(4, 0, -4, 0), Qt::AlignCenter,
                QFontMetrics(bold).elidedText(text, Qt::ElideRight, visibleRect.width() - 8));
        }
    };

    int runStart = -1;
    QString runGroup;
    for (int visual = 0; visual < count(); ++visual) {
        const int logical = logicalIndex(visual);
        if (isSectionHidden(logical))
            continue;
        const QString group = groupOf(logical);
        if (runStart < 0) {
            runStart = visual;
            runGroup = group;
            continue;
        }
        if (group != runGroup) {
            int end = visual - 1;
            while (end > runStart && isSectionHidden(logicalIndex(end)))
                --end;
            drawGroup(runStart, end);
            runStart = visual;
            runGroup = group;
        }
    }
    if (runStart >= 0) {
        int end = count() - 1;
        while (end > runStart && isSectionHidden(logicalIndex(end)))
            --end;
        drawGroup(runStart, end);
    }
}

} // namespace runlens
