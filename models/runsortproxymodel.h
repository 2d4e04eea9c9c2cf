// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QCollator>
#include <QHash>
#include <QRegularExpression>
#include <QSet>
#include <QSortFilterProxyModel>
#include <QStringList>

#include <memory>
#include <optional>
#include <vector>

namespace runlens {

/**
 * Sorts the runs table on RunTableModel::SortRole: numbers numerically, text in natural order
 * ("run-2" before "run-10"), numbers before text. Values that say nothing (NaN) and missing values
 * stay at the bottom in both directions, so "best first" never starts with a blank.
 *
 * Sorting 20,000 runs makes some 300,000 comparisons; fetching QVariants and collating strings in
 * each was most of the time. The sort values of the sorted column are therefore read once per source
 * row into keys (numbers as numbers, text split into natural-order chunks with each distinct text
 * chunk ranked once), kept until the source changes them, and compared without touching the source.
 * The keys give exactly the order compareValues() gives.
 *
 * Nested mode (setNestedRuns) shows MLflow's nested runs (tag mlflow.parentRunId) as a tree in the
 * flat table: a run sits right below its parent, after the parent's earlier children and their
 * subtrees; siblings and roots follow the sort column with the same blanks-last rules, and a parent
 * stays above its children in both orders. A run whose parent is not in the table, and every run of a
 * parent cycle in damaged data, is a root. The order is decided in lessThan() from the cached sort keys
 * and a per-source-row parent and depth, built once per source change: two rows are compared by
 * walking them up to the ancestors that are siblings, a few steps for any real sweep.
 */
class RunSortProxyModel final : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit RunSortProxyModel(QObject* parent = nullptr);
    ~RunSortProxyModel() override;

    /** -1, 0 or 1 for two present, non-NaN sort values. */
    int compareValues(const QVariant& left, const QVariant& right) const;

    /**
     * Also keeps only the runs with these ids (RunTableModel::RunIdRole), e.g. those passing the
     * parallel-coordinates brushes; nullopt lifts the restriction. The quick search still applies.
     */
    void setRunIdFilter(std::optional<QSet<QString>> runIds);
    const std::optional<QSet<QString>>& runIdFilter() const { return m_runIds; }

    void setSourceModel(QAbstractItemModel* sourceModel) override;

    /**
     * Shows nested runs as a tree (off by default). With no sort column the tree keeps the source's
     * order among siblings; sortColumn() then reports the Name column, which the tree sorts on.
     */
    void setNestedRuns(bool nested);
    bool nestedRuns() const { return m_nested; }
    /** Nested mode and at least one run in the table has a child: the tree has branches to draw. */
    bool hasNestedRuns() const;

    /** Shows or hides the runs below `runId` (nested mode). Every run starts expanded. */
    void setExpanded(const QString& runId, bool expanded);
    bool isExpanded(const QString& runId) const;
    /** Expands every run, including those collapsed one by one. */
    void expandAll();
    /**
     * Collapses every run with children, also those that gain children later (a live refresh), until
     * expandAll(); setExpanded() still opens single runs.
     */
    void collapseAll();

    /**
     * Also answers RunTableModel::DepthRole, ChildCountRole and ExpandedRole in nested mode. While a
     * search is active, ChildCountRole counts the children it shows (matches and their context).
     */
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

Q_SIGNALS:
    void nestedRunsChanged(bool nested);
    /** A run was expanded or collapsed (also by expandAll / collapseAll). */
    void expansionChanged();

protected:
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    struct SortKey;

    SortKey makeSortKey(const QVariant& value) const;
    int compareSortKeys(const SortKey& left, const SortKey& right) const;
    bool sortKeysCover(const QModelIndex& left, const QModelIndex& right) const;
    void buildSortKeys(int column) const;
    void dropSortKeys();
    void sourceDataChanged(const QModelIndex& topLeft, const QModelIndex& bottomRight, const QList<int>& roles);
    void sourceRowsInserted(const QModelIndex& parent, int first, int last);
    void sourceRowsRemoved(const QModelIndex& parent, int first, int last);

    // Nested mode.
    struct RunTree;
    const RunTree& tree() const;
    void dropTree();
    bool siblingLessThan(int left, int right, int column) const;
    bool hiddenByCollapse(int sourceRow) const;
    /** The quick search and the run-id filter on this row alone, as in flat mode. */
    bool rowMatches(int sourceRow, const QModelIndex& sourceParent) const;
    bool searchActive() const;
    /** Per source row: 0 hidden by the search, 1 matches, 2 shown only as the context of a match. */
    const std::vector<quint8>& searchMatches() const;
    /** Children of a source row that are shown: all of them, or those the active search keeps. */
    int shownChildCount(std::size_t sourceRow) const;
    void treeRowsInserted(int first, int last);
    void treeRowsAboutToBeRemoved(int first, int last);
    void treeDataChanged(const QModelIndex& topLeft, const QModelIndex& bottomRight, const QList<int>& roles);
    void afterSourceChange();
    void afterColumnChange();
    void expansionUpdated();

    QCollator m_collator;
    std::optional<QSet<QString>> m_runIds;

    // Sort keys of every source row for one column and role; m_keyColumn -1 when there are none.
    mutable std::vector<SortKey> m_keys;
    mutable int m_keyColumn = -1;
    mutable int m_keyRole = -1;
    // Collation rank of each distinct text chunk seen when the keys were built: equal ranks compare
    // equal under m_collator. Chunks that arrive later (live refresh) have no rank and are collated.
    mutable QHash<QString, int> m_chunkRanks;
    QList<QMetaObject::Connection> m_sourceConnections;

    bool m_nested = false;
    bool m_treeOrderOnly = false; // nested with no sort column: siblings keep the source's order
    // Run ids, so expansion survives refreshes and new experiments. Normally the collapsed runs; after
    // collapseAll() the runs opened since, every other parent being collapsed.
    QSet<QString> m_expansionExceptions;
    bool m_allCollapsed = false;
    mutable std::unique_ptr<RunTree> m_tree; // null until needed after a source change
    mutable std::vector<quint8> m_searchMatches;
    mutable std::vector<int> m_searchChildCounts; // per source row: children that are not 0 in m_searchMatches
    mutable bool m_searchMatchesValid = false;
    mutable QRegularExpression m_searchPattern; // what m_searchMatches were computed for
    mutable int m_searchColumn = 0;
    mutable int m_searchRole = 0;
    mutable QHash<QString, QString> m_parentOfRun; // run id -> parent id as last seen, to spot re-parenting
    int m_expectedSortColumn = -2; // where the sort column is after a column change; -2: none pending
    bool m_resortPending = false; // the tree of rows the proxy already placed changed
    QStringList m_countChanged; // parents whose child count a source change moved
};

} // namespace runlens
