// SPDX-License-Identifier: Apache-2.0
#pragma once

// Mouse actions on the runs table, as a person does them.

#include "runtableview.h"

#include <QHeaderView>
#include <QTest>

namespace runlens::test {

/** Clicks a header section below the group band, where a click sorts. */
inline void clickHeader(RunTableView* view, int logicalColumn)
{
    view->scrollTo(view->model()->index(0, logicalColumn), QAbstractItemView::EnsureVisible);
    QHeaderView* header = view->horizontalHeader();
    const int x = header->sectionViewportPosition(logicalColumn) + header->sectionSize(logicalColumn) / 2;
    QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, QPoint(x, header->height() - 4));
}

} // namespace runlens::test
