// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QTableView>

namespace runlens {

class RunTableHeaderView;

/**
 * The runs table: sortable by clicking a header, a group band over params and metrics, and column
 * widths fitted to a sample of the contents whenever the model resets. The sort column is kept
 * across resets by its kind and key, since column positions change with the loaded keys.
 */
class RunTableView final : public QTableView
{
    Q_OBJECT
public:
    explicit RunTableView(QWidget* parent = nullptr);

    void setModel(QAbstractItemModel* model) override;
    RunTableHeaderView* runHeader() const { return m_header; }

    /** Widest a column gets from fitting; a person may drag it wider. */
    static constexpr int kMaxFittedWidth = 280;

private:
    void rememberSort();
    void restoreSortAndFit();
    void fitColumns();

    RunTableHeaderView* m_header = nullptr;
    int m_sortKind = -1;
    QString m_sortKey;
    Qt::SortOrder m_sortOrder = Qt::DescendingOrder;
    QMetaObject::Connection m_aboutToReset;
    QMetaObject::Connection m_reset;
};

} // namespace runlens
