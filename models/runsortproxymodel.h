// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QCollator>
#include <QSortFilterProxyModel>

namespace runlens {

/**
 * Sorts the runs table on RunTableModel::SortRole: numbers numerically, text in natural order
 * ("run-2" before "run-10"), numbers before text. Values that say nothing (NaN) and missing values
 * stay at the bottom in both directions, so "best first" never starts with a blank.
 */
class RunSortProxyModel final : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit RunSortProxyModel(QObject* parent = nullptr);

    /** -1, 0 or 1 for two present, non-NaN sort values. */
    int compareValues(const QVariant& left, const QVariant& right) const;

protected:
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;

private:
    QCollator m_collator;
};

} // namespace runlens
