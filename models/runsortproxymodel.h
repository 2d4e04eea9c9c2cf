// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QCollator>
#include <QSet>
#include <QSortFilterProxyModel>

#include <optional>

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

    /**
     * Also keeps only the runs with these ids (RunTableModel::RunIdRole), e.g. those passing the
     * parallel-coordinates brushes; nullopt lifts the restriction. The quick search still applies.
     */
    void setRunIdFilter(std::optional<QSet<QString>> runIds);
    const std::optional<QSet<QString>>& runIdFilter() const { return m_runIds; }

protected:
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QCollator m_collator;
    std::optional<QSet<QString>> m_runIds;
};

} // namespace runlens
