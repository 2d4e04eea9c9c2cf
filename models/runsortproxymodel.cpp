// SPDX-License-Identifier: Apache-2.0
#include "runsortproxymodel.h"

#include "runtablemodel.h"

#include <QColor>

#include <algorithm>
#include <cmath>
#include <iterator>

namespace runlens {

namespace {

// 0: a value to compare; 1: NaN, a value without order; 2: no value at all.
int missingRank(const QVariant& value)
{
    if (!value.isValid())
        return 2;
    if (value.typeId() == QMetaType::Double && std::isnan(value.toDouble()))
        return 1;
    return 0;
}

bool isInteger(const QVariant& v)
{
    const int type = v.typeId();
    return type == QMetaType::LongLong || type == QMetaType::Int || type == QMetaType::ULongLong
        || type == QMetaType::UInt;
}

bool isNumber(const QVariant& v)
{
    return isInteger(v) || v.typeId() == QMetaType::Double || v.typeId() == QMetaType::Float;
}

// Splits at digit runs so "trial-2" sorts before "trial-10" in every locale; QCollator's numeric
// mode does nothing under the C locale, which is common on servers and in containers.
int naturalCompare(const QString& a, const QString& b, const QCollator& collator)
{
    qsizetype i = 0;
    qsizetype j = 0;
    while (i < a.size() && j < b.size()) {
        const bool digitA = a[i].isDigit();
        const bool digitB = b[j].isDigit();
        qsizetype endA = i;
        while (endA < a.size() && a[endA].isDigit() == digitA)
            ++endA;
        qsizetype endB = j;
        while (endB < b.size() && b[endB].isDigit() == digitB)
            ++endB;
        const QStringView chunkA = QStringView(a).mid(i, endA - i);
        const QStringView chunkB = QStringView(b).mid(j, endB - j);
        int c = 0;
        if (digitA && digitB) {
            // Compare digit runs by value without overflow: fewer significant digits is smaller.
            qsizetype za = 0;
            while (za + 1 < chunkA.size() && chunkA[za] == u'0')
                ++za;
            qsizetype zb = 0;
            while (zb + 1 < chunkB.size() && chunkB[zb] == u'0')
                ++zb;
            const QStringView sigA = chunkA.mid(za);
            const QStringView sigB = chunkB.mid(zb);
            if (sigA.size() != sigB.size())
                c = sigA.size() < sigB.size() ? -1 : 1;
            else
                c = sigA.compare(sigB);
        } else {
            c = collator.compare(chunkA, chunkB);
        }
        if (c != 0)
            return c < 0 ? -1 : 1;
        i = endA;
        j = endB;
    }
    if (i < a.size())
        return 1;
    if (j < b.size())
        return -1;
    return 0;
}

// One run of digits or of non-digits in a text sort value, as naturalCompare() splits it.
struct TextChunk
{
    qsizetype begin = 0;
    qsizetype end = 0;
    qsizetype significant = 0; // digits: first significant digit (one zero stays for "000")
    int rank = -1; // non-digits: collation rank, -1 when not ranked
    bool digits = false;
};

std::vector<TextChunk> splitChunks(const QString& text)
{
    std::vector<TextChunk> chunks;
    qsizetype i = 0;
    while (i < text.size()) {
        TextChunk chunk;
        chunk.begin = i;
        chunk.digits = text[i].isDigit();
        qsizetype end = i;
        while (end < text.size() && text[end].isDigit() == chunk.digits)
            ++end;
        chunk.end = end;
        chunk.significant = i;
        if (chunk.digits) {
            while (chunk.significant + 1 < end && text[chunk.significant] == u'0')
                ++chunk.significant;
        }
        chunks.push_back(chunk);
        i = end;
    }
    return chunks;
}

// Orders values whose missingRank() is not 0: NaN and missing last in both directions.
bool missingLessThan(int rankA, int rankB, Qt::SortOrder order)
{
    if (rankA == rankB)
        return false;
    // A descending sort asks lessThan(right, left); flip so the blanks still land at the bottom.
    return order == Qt::AscendingOrder ? rankA < rankB : rankA > rankB;
}

} // namespace

struct RunSortProxyModel::SortKey
{
    enum class Kind : quint8
    {
        Integer,
        Real,
        Text
    };
    int missing = 2; // missingRank() of the value
    Kind kind = Kind::Text;
    qint64 integer = 0;
    double real = 0;
    QString text;
    std::vector<TextChunk> chunks;
};

struct RunSortProxyModel::RunTree
{
    std::vector<int> parent; // source row of the parent run; -1 for a root
    std::vector<int> depth;
    std::vector<int> childCount;
    std::vector<QString> runId;
    QHash<QString, int> rowOfRun;
    bool branches = false; // some run has a child
};

RunSortProxyModel::RunSortProxyModel(QObject* parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(RunTableModel::SortRole);
    m_collator.setCaseSensitivity(Qt::CaseInsensitive);
}

RunSortProxyModel::~RunSortProxyModel() = default;

int RunSortProxyModel::compareValues(const QVariant& left, const QVariant& right) const
{
    const bool leftNumber = isNumber(left);
    const bool rightNumber = isNumber(right);
    if (leftNumber && rightNumber) {
        if (isInteger(left) && isInteger(right)) {
            // Epoch milliseconds exceed double's exact range only in theory, but compare exactly anyway.
            const qint64 a = left.toLongLong();
            const qint64 b = right.toLongLong();
            return a < b ? -1 : (a > b ? 1 : 0);
        }
        const double a = left.toDouble();
        const double b = right.toDouble();
        return a < b ? -1 : (a > b ? 1 : 0);
    }
    if (leftNumber != rightNumber)
        return leftNumber ? -1 : 1;
    return naturalCompare(left.toString(), right.toString(), m_collator);
}

void RunSortProxyModel::setSourceModel(QAbstractItemModel* source)
{
    if (source == sourceModel()) {
        QSortFilterProxyModel::setSourceModel(source);
        return;
    }
    for (const QMetaObject::Connection& connection : std::as_const(m_sourceConnections))
        disconnect(connection);
    m_sourceConnections.clear();
    dropSortKeys();
    dropTree();
    m_parentOfRun.clear();
    m_resortPending = false;
    if (source) {
        // Connected before the base class connects, so the keys are current when it re-sorts.
        auto drop = [this] {
            dropSortKeys();
            dropTree();
            m_resortPending = false;
        };
        m_sourceConnections = {
            connect(source, &QAbstractItemModel::dataChanged, this, &RunSortProxyModel::treeDataChanged),
            connect(source, &QAbstractItemModel::dataChanged, this, &RunSortProxyModel::sourceDataChanged),
            connect(source, &QAbstractItemModel::rowsInserted, this, &RunSortProxyModel::sourceRowsInserted),
            connect(source, &QAbstractItemModel::rowsInserted, this,
                [this](const QModelIndex& parent, int first, int last) {
                    if (!parent.isValid())
                        treeRowsInserted(first, last);
                }),
            connect(source, &QAbstractItemModel::rowsAboutToBeRemoved, this,
                [this](const QModelIndex& parent, int first, int last) {
                    if (!parent.isValid())
                        treeRowsAboutToBeRemoved(first, last);
                }),
            connect(source, &QAbstractItemModel::rowsRemoved, this, [this] { dropTree(); }),
            connect(source, &QAbstractItemModel::rowsRemoved, this, &RunSortProxyModel::sourceRowsRemoved),
            connect(source, &QAbstractItemModel::rowsMoved, this, drop),
            connect(source, &QAbstractItemModel::columnsInserted, this, drop),
            connect(source, &QAbstractItemModel::columnsRemoved, this, drop),
            connect(source, &QAbstractItemModel::columnsMoved, this, drop),
            connect(source, &QAbstractItemModel::layoutAboutToBeChanged, this, drop),
            connect(source, &QAbstractItemModel::layoutChanged, this, drop),
            connect(source, &QAbstractItemModel::modelAboutToBeReset, this, drop),
            connect(source, &QAbstractItemModel::modelReset, this, drop),
        };
    }
    if (source) {
        // Qt finds the sort column after a column change through source row 0, which the filter may have
        // hidden; then it drops the sort although the column is still there. Work out where it went.
        m_sourceConnections << connect(source, &QAbstractItemModel::columnsInserted, this,
            [this](const QModelIndex& parent, int first, int last) {
                const int column = m_treeOrderOnly ? -1 : sortColumn();
                if (!parent.isValid())
                    m_expectedSortColumn = column >= first ? column + (last - first + 1) : column;
            })
                            << connect(source, &QAbstractItemModel::columnsRemoved, this,
                                   [this](const QModelIndex& parent, int first, int last) {
                                       const int column = m_treeOrderOnly ? -1 : sortColumn();
                                       if (parent.isValid())
                                           return;
                                       if (column < first)
                                           m_expectedSortColumn = column;
                                       else
                                           m_expectedSortColumn = column > last ? column - (last - first + 1) : -1;
                                   });
    }
    QSortFilterProxyModel::setSourceModel(source);
    if (source) {
        m_sourceConnections << connect(
            source, &QAbstractItemModel::columnsInserted, this, &RunSortProxyModel::afterColumnChange)
                            << connect(source, &QAbstractItemModel::columnsRemoved, this,
                                   &RunSortProxyModel::afterColumnChange);
        // After the base class has placed inserted and changed rows: fix what a change to the tree needs.
        m_sourceConnections
            << connect(source, &QAbstractItemModel::rowsInserted, this, &RunSortProxyModel::afterSourceChange)
            << connect(source, &QAbstractItemModel::rowsRemoved, this, &RunSortProxyModel::afterSourceChange)
            << connect(source, &QAbstractItemModel::dataChanged, this, &RunSortProxyModel::afterSourceChange);
    }
}

bool RunSortProxyModel::lessThan(const QModelIndex& left, const QModelIndex& right) const
{
    if (m_nested && left.model() == sourceModel() && right.model() == sourceModel() && !left.parent().isValid()
        && !right.parent().isValid()) {
        const RunTree& t = tree();
        int x = left.row();
        int y = right.row();
        if (x == y || x < 0 || y < 0 || std::size_t(x) >= t.parent.size() || std::size_t(y) >= t.parent.size())
            return false;
        // Walk both up to the same depth: if they meet, one is the other's ancestor and goes above it.
        while (t.depth[std::size_t(x)] > t.depth[std::size_t(y)])
            x = t.parent[std::size_t(x)];
        while (t.depth[std::size_t(y)] > t.depth[std::size_t(x)])
            y = t.parent[std::size_t(y)];
        if (x == y) {
            // A descending sort asks lessThan(right, left): flip so the ancestor stays on top.
            const bool leftIsAncestor = x == left.row();
            return sortOrder() == Qt::AscendingOrder ? leftIsAncestor : !leftIsAncestor;
        }
        // Then up to the ancestors that are siblings; their order is the order of their subtrees.
        while (t.parent[std::size_t(x)] != t.parent[std::size_t(y)]) {
            x = t.parent[std::size_t(x)];
            y = t.parent[std::size_t(y)];
        }
        return siblingLessThan(x, y, left.column());
    }
    if (left.model() != sourceModel() || right.model() != sourceModel() || left.column() != right.column()
        || left.parent().isValid() || right.parent().isValid()) {
        // Not a row of the flat table the keys describe: compare the values themselves.
        const QVariant a = left.data(sortRole());
        const QVariant b = right.data(sortRole());
        const int rankA = missingRank(a);
        const int rankB = missingRank(b);
        if (rankA != 0 || rankB != 0)
            return missingLessThan(rankA, rankB, sortOrder());
        return compareValues(a, b) < 0;
    }
    if (!sortKeysCover(left, right))
        buildSortKeys(left.column());
    const SortKey& a = m_keys[std::size_t(left.row())];
    const SortKey& b = m_keys[std::size_t(right.row())];
    if (a.missing != 0 || b.missing != 0)
        return missingLessThan(a.missing, b.missing, sortOrder());
    return compareSortKeys(a, b) < 0;
}

RunSortProxyModel::SortKey RunSortProxyModel::makeSortKey(const QVariant& value) const
{
    SortKey key;
    key.missing = missingRank(value);
    if (key.missing != 0)
        return key;
    if (isNumber(value)) {
        key.kind = isInteger(value) ? SortKey::Kind::Integer : SortKey::Kind::Real;
        key.integer = value.toLongLong();
        key.real = value.toDouble();
        return key;
    }
    key.text = value.toString();
    key.chunks = splitChunks(key.text);
    if (!m_chunkRanks.isEmpty()) {
        for (TextChunk& chunk : key.chunks) {
            if (!chunk.digits)
                chunk.rank = m_chunkRanks.value(key.text.mid(chunk.begin, chunk.end - chunk.begin), -1);
        }
    }
    return key;
}

// Same result as compareValues() on the values the keys were made from.
int RunSortProxyModel::compareSortKeys(const SortKey& left, const SortKey& right) const
{
    const bool leftNumber = left.kind != SortKey::Kind::Text;
    const bool rightNumber = right.kind != SortKey::Kind::Text;
    if (leftNumber && rightNumber) {
        if (left.kind == SortKey::Kind::Integer && right.kind == SortKey::Kind::Integer)
            return left.integer < right.integer ? -1 : (left.integer > right.integer ? 1 : 0);
        return left.real < right.real ? -1 : (left.real > right.real ? 1 : 0);
    }
    if (leftNumber != rightNumber)
        return leftNumber ? -1 : 1;
    const std::size_t common = std::min(left.chunks.size(), right.chunks.size());
    for (std::size_t k = 0; k < common; ++k) {
        const TextChunk& a = left.chunks[k];
        const TextChunk& b = right.chunks[k];
        int c = 0;
        if (a.digits && b.digits) {
            const QStringView sigA = QStringView(left.text).mid(a.significant, a.end - a.significant);
            const QStringView sigB = QStringView(right.text).mid(b.significant, b.end - b.significant);
            if (sigA.size() != sigB.size())
                c = sigA.size() < sigB.size() ? -1 : 1;
            else
                c = sigA.compare(sigB);
        } else if (a.rank >= 0 && b.rank >= 0) {
            c = a.rank < b.rank ? -1 : (a.rank > b.rank ? 1 : 0);
        } else {
            c = m_collator.compare(QStringView(left.text).mid(a.begin, a.end - a.begin),
                QStringView(right.text).mid(b.begin, b.end - b.begin));
        }
        if (c != 0)
            return c < 0 ? -1 : 1;
    }
    if (left.chunks.size() != right.chunks.size())
        return left.chunks.size() > right.chunks.size() ? 1 : -1;
    return 0;
}

bool RunSortProxyModel::sortKeysCover(const QModelIndex& left, const QModelIndex& right) const
{
    return m_keyColumn == left.column() && m_keyRole == sortRole() && std::size_t(left.row()) < m_keys.size()
        && std::size_t(right.row()) < m_keys.size();
}

void RunSortProxyModel::buildSortKeys(int column) const
{
    m_keys.clear();
    m_chunkRanks.clear();
    const QAbstractItemModel* source = sourceModel();
    const int rows = source->rowCount();
    const int role = sortRole();
    m_keys.reserve(std::size_t(rows));
    for (int row = 0; row < rows; ++row)
        m_keys.push_back(makeSortKey(source->index(row, column).data(role)));

    // Rank each distinct text chunk once: a sweep has a handful ("run-", "adam"), and comparing ranks
    // replaces collating the same two chunks thousands of times.
    QStringList distinct;
    for (const SortKey& key : m_keys) {
        for (const TextChunk& chunk : key.chunks) {
            if (chunk.digits)
                continue;
            const QString text = key.text.mid(chunk.begin, chunk.end - chunk.begin);
            if (!m_chunkRanks.contains(text)) {
                m_chunkRanks.insert(text, -1);
                distinct.append(text);
            }
        }
    }
    std::sort(distinct.begin(), distinct.end(),
        [this](const QString& a, const QString& b) { return m_collator.compare(a, b) < 0; });
    int rank = -1;
    for (qsizetype i = 0; i < distinct.size(); ++i) {
        if (i == 0 || m_collator.compare(distinct[i - 1], distinct[i]) != 0)
            ++rank; // chunks the collator calls equal ("Adam", "adam") share a rank
        m_chunkRanks[distinct[i]] = rank;
    }
    for (SortKey& key : m_keys) {
        for (TextChunk& chunk : key.chunks) {
            if (!chunk.digits)
                chunk.rank = m_chunkRanks.value(key.text.mid(chunk.begin, chunk.end - chunk.begin));
        }
    }
    m_keyColumn = column;
    m_keyRole = role;
}

void RunSortProxyModel::dropSortKeys()
{
    m_keys.clear();
    m_keys.shrink_to_fit();
    m_chunkRanks.clear();
    m_keyColumn = -1;
    m_keyRole = -1;
}

void RunSortProxyModel::sourceDataChanged(
    const QModelIndex& topLeft, const QModelIndex& bottomRight, const QList<int>& roles)
{
    if (m_keyColumn < 0 || topLeft.parent().isValid())
        return;
    if (m_keyColumn < topLeft.column() || m_keyColumn > bottomRight.column())
        return;
    if (!roles.isEmpty() && !roles.contains(m_keyRole))
        return;
    const int first = topLeft.row();
    const int last = bottomRight.row();
    if (first < 0 || std::size_t(last) >= m_keys.size() || last - first + 1 > int(m_keys.size() / 4)) {
        // Most of the column changed: building anew on the next comparison costs about the same and
        // ranks the new text too.
        dropSortKeys();
        return;
    }
    // A few rows changed (a live refresh): renew their keys so the re-sort places them correctly.
    const QAbstractItemModel* source = sourceModel();
    for (int row = first; row <= last; ++row)
        m_keys[std::size_t(row)] = makeSortKey(source->index(row, m_keyColumn).data(m_keyRole));
}

void RunSortProxyModel::sourceRowsInserted(const QModelIndex& parent, int first, int last)
{
    if (m_keyColumn < 0 || parent.isValid())
        return;
    if (first < 0 || std::size_t(first) > m_keys.size()) {
        dropSortKeys();
        return;
    }
    const QAbstractItemModel* source = sourceModel();
    std::vector<SortKey> added;
    added.reserve(std::size_t(last - first + 1));
    for (int row = first; row <= last; ++row)
        added.push_back(makeSortKey(source->index(row, m_keyColumn).data(m_keyRole)));
    m_keys.insert(m_keys.begin() + first, std::make_move_iterator(added.begin()), std::make_move_iterator(added.end()));
}

void RunSortProxyModel::sourceRowsRemoved(const QModelIndex& parent, int first, int last)
{
    if (m_keyColumn < 0 || parent.isValid())
        return;
    if (first < 0 || last < first || std::size_t(last) >= m_keys.size()) {
        dropSortKeys();
        return;
    }
    m_keys.erase(m_keys.begin() + first, m_keys.begin() + last + 1);
}

void RunSortProxyModel::setRunIdFilter(std::optional<QSet<QString>> runIds)
{
    if (runIds == m_runIds)
        return;
    m_runIds = std::move(runIds);
    m_searchMatchesValid = false;
    invalidateFilter();
}

bool RunSortProxyModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    if (m_nested && !sourceParent.isValid()) {
        // Nested: a run below a collapsed run is hidden. The quick search and the run-id filter keep a
        // run that matches and, so it is seen in context, each of its ancestors even when the ancestor
        // does not match (data() greys such context rows); a matching parent does not bring its other
        // children along. A collapsed ancestor still hides a match below it: the ancestor's row shows
        // (closed), and expanding it reveals the match, so the arrows always tell the truth.
        if (hiddenByCollapse(sourceRow))
            return false;
        if (!searchActive())
            return true;
        const std::vector<quint8>& matches = searchMatches();
        return std::size_t(sourceRow) < matches.size() && matches[std::size_t(sourceRow)] != 0;
    }
    return rowMatches(sourceRow, sourceParent);
}

bool RunSortProxyModel::rowMatches(int sourceRow, const QModelIndex& sourceParent) const
{
    if (m_runIds) {
        const QString runId
            = sourceModel()->index(sourceRow, 0, sourceParent).data(RunTableModel::RunIdRole).toString();
        if (!m_runIds->contains(runId))
            return false;
    }
    return QSortFilterProxyModel::filterAcceptsRow(sourceRow, sourceParent);
}

const RunSortProxyModel::RunTree& RunSortProxyModel::tree() const
{
    const QAbstractItemModel* source = sourceModel();
    const int rows = source ? source->rowCount() : 0;
    if (m_tree && m_tree->parent.size() == std::size_t(rows))
        return *m_tree;

    auto t = std::make_unique<RunTree>();
    const std::size_t n = std::size_t(rows);
    t->parent.assign(n, -1);
    t->depth.assign(n, 0);
    t->childCount.assign(n, 0);
    t->runId.resize(n);
    t->rowOfRun.reserve(rows);
    std::vector<QString> parentIds(n);
    m_parentOfRun.clear();
    for (int row = 0; row < rows; ++row) {
        const QModelIndex index = source->index(row, 0);
        t->runId[std::size_t(row)] = index.data(RunTableModel::RunIdRole).toString();
        parentIds[std::size_t(row)] = index.data(RunTableModel::ParentRunIdRole).toString();
        t->rowOfRun.insert(t->runId[std::size_t(row)], row);
        if (!parentIds[std::size_t(row)].isEmpty())
            m_parentOfRun.insert(t->runId[std::size_t(row)], parentIds[std::size_t(row)]);
    }
    // A parent that is not in the table (another experiment, deleted, not loaded) leaves a root; so does
    // a run naming itself.
    for (std::size_t row = 0; row < n; ++row) {
        if (parentIds[row].isEmpty())
            continue;
        const auto it = t->rowOfRun.constFind(parentIds[row]);
        if (it != t->rowOfRun.constEnd() && std::size_t(*it) != row)
            t->parent[row] = *it;
    }
    // Depths, walking each chain once. Damaged data can hold a parent cycle; every run on one becomes a
    // root (its other descendants hang below it as usual), so no walk up a chain can loop.
    std::vector<quint8> state(n, 0); // 0 not seen, 1 on the chain being walked, 2 done
    std::vector<int> chain;
    for (std::size_t start = 0; start < n; ++start) {
        if (state[start] != 0)
            continue;
        chain.clear();
        int r = int(start);
        while (r >= 0 && state[std::size_t(r)] == 0) {
            state[std::size_t(r)] = 1;
            chain.push_back(r);
            r = t->parent[std::size_t(r)];
        }
        if (r >= 0 && state[std::size_t(r)] == 1) {
            const auto cycle = std::find(chain.begin(), chain.end(), r);
            for (auto it = cycle; it != chain.end(); ++it) {
                t->parent[std::size_t(*it)] = -1;
                t->depth[std::size_t(*it)] = 0;
                state[std::size_t(*it)] = 2;
            }
            chain.erase(cycle, chain.end());
        }
        for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
            const int parent = t->parent[std::size_t(*it)];
            t->depth[std::size_t(*it)] = parent < 0 ? 0 : t->depth[std::size_t(parent)] + 1;
            state[std::size_t(*it)] = 2;
        }
    }
    for (std::size_t row = 0; row < n; ++row) {
        if (t->parent[row] >= 0) {
            ++t->childCount[std::size_t(t->parent[row])];
            t->branches = true;
        }
    }
    m_tree = std::move(t);
    return *m_tree;
}

void RunSortProxyModel::dropTree()
{
    m_tree.reset();
    m_searchMatchesValid = false;
}

bool RunSortProxyModel::siblingLessThan(int left, int right, int column) const
{
    // Ties keep the source's order in both directions (a descending sort asks lessThan(right, left)),
    // and make the order total, so no two subtrees interleave.
    const bool ascending = sortOrder() == Qt::AscendingOrder;
    const bool bySourceRow = ascending ? left < right : left > right;
    if (m_treeOrderOnly || column < 0)
        return bySourceRow;
    if (m_keyColumn != column || m_keyRole != sortRole() || m_keys.size() != m_tree->parent.size())
        buildSortKeys(column);
    const SortKey& a = m_keys[std::size_t(left)];
    const SortKey& b = m_keys[std::size_t(right)];
    if (a.missing != b.missing)
        return missingLessThan(a.missing, b.missing, sortOrder());
    if (a.missing == 0) {
        const int c = compareSortKeys(a, b);
        if (c != 0)
            return c < 0;
    }
    return bySourceRow;
}

bool RunSortProxyModel::hiddenByCollapse(int sourceRow) const
{
    if (!m_allCollapsed && m_expansionExceptions.isEmpty())
        return false;
    const RunTree& t = tree();
    if (sourceRow < 0 || std::size_t(sourceRow) >= t.parent.size())
        return false;
    for (int p = t.parent[std::size_t(sourceRow)]; p >= 0; p = t.parent[std::size_t(p)]) {
        if (!isExpanded(t.runId[std::size_t(p)]))
            return true;
    }
    return false;
}

bool RunSortProxyModel::searchActive() const
{
    return m_runIds.has_value() || !filterRegularExpression().pattern().isEmpty();
}

const std::vector<quint8>& RunSortProxyModel::searchMatches() const
{
    const RunTree& t = tree();
    const QRegularExpression pattern = filterRegularExpression();
    if (m_searchMatchesValid && m_searchMatches.size() == t.parent.size() && m_searchPattern == pattern
        && m_searchColumn == filterKeyColumn() && m_searchRole == filterRole())
        return m_searchMatches;
    const std::size_t n = t.parent.size();
    m_searchMatches.assign(n, 0);
    m_searchChildCounts.assign(n, 0);
    for (std::size_t row = 0; row < n; ++row) {
        if (rowMatches(int(row), {}))
            m_searchMatches[row] = 1;
    }
    for (std::size_t row = 0; row < n; ++row) {
        if (m_searchMatches[row] != 1)
            continue;
        // Stops at an ancestor already marked: its own ancestors are marked, or will be when it is reached.
        for (int p = t.parent[row]; p >= 0 && m_searchMatches[std::size_t(p)] == 0; p = t.parent[std::size_t(p)])
            m_searchMatches[std::size_t(p)] = 2;
    }
    for (std::size_t row = 0; row < n; ++row) {
        if (m_searchMatches[row] != 0 && t.parent[row] >= 0)
            ++m_searchChildCounts[std::size_t(t.parent[row])];
    }
    m_searchPattern = pattern;
    m_searchColumn = filterKeyColumn();
    m_searchRole = filterRole();
    m_searchMatchesValid = true;
    return m_searchMatches;
}

void RunSortProxyModel::treeRowsInserted(int first, int last)
{
    dropTree();
    if (!m_nested)
        return;
    const RunTree& t = tree();
    for (std::size_t row = 0; row < t.parent.size(); ++row) {
        const int parent = t.parent[row];
        const bool inserted = int(row) >= first && int(row) <= last;
        if (parent < 0 || (parent >= first && parent <= last) == inserted)
            continue;
        if (inserted)
            m_countChanged << t.runId[std::size_t(parent)]; // a new child of a run already shown
        else
            m_resortPending = true; // a run already shown found its parent: it moves below it
    }
}

void RunSortProxyModel::treeRowsAboutToBeRemoved(int first, int last)
{
    if (!m_nested)
        return;
    const RunTree& t = tree(); // the source still holds the rows
    for (std::size_t row = 0; row < t.parent.size(); ++row) {
        const int parent = t.parent[row];
        const bool removed = int(row) >= first && int(row) <= last;
        if (parent < 0 || (parent >= first && parent <= last) == removed)
            continue;
        if (removed)
            m_countChanged << t.runId[std::size_t(parent)];
        else
            m_resortPending = true; // its parent goes: it becomes a root
    }
}

void RunSortProxyModel::treeDataChanged(
    const QModelIndex& topLeft, const QModelIndex& bottomRight, const QList<int>& roles)
{
    m_searchMatchesValid = false;
    if (topLeft.parent().isValid())
        return;
    if (!m_nested) {
        dropTree();
        return;
    }
    if (!roles.isEmpty() && !roles.contains(RunTableModel::ParentRunIdRole) && !roles.contains(sortRole()))
        return;
    const QAbstractItemModel* source = sourceModel();
    for (int row = topLeft.row(); row <= bottomRight.row(); ++row) {
        const QModelIndex index = source->index(row, 0);
        const QString runId = index.data(RunTableModel::RunIdRole).toString();
        if (m_parentOfRun.value(runId) != index.data(RunTableModel::ParentRunIdRole).toString()) {
            dropTree();
            m_resortPending = true;
            return;
        }
    }
    // The base class moves a changed row on its own; a parent's subtree must move with it.
    const int column = sortColumn();
    if (m_treeOrderOnly || column < topLeft.column() || column > bottomRight.column())
        return;
    const RunTree& t = tree();
    for (int row = topLeft.row(); row <= bottomRight.row() && std::size_t(row) < t.childCount.size(); ++row) {
        if (t.childCount[std::size_t(row)] > 0) {
            m_resortPending = true;
            return;
        }
    }
}

void RunSortProxyModel::afterSourceChange()
{
    if (!m_nested) {
        m_resortPending = false;
        m_countChanged.clear();
        return;
    }
    if (m_resortPending) {
        m_resortPending = false;
        m_countChanged.clear();
        invalidate();
        return;
    }
    // A change may make a match of a run whose ancestors were hidden, or end one.
    if (searchActive())
        invalidateRowsFilter();
    if (m_countChanged.isEmpty())
        return;
    const QStringList parents = std::exchange(m_countChanged, {});
    const RunTree& t = tree();
    for (const QString& runId : parents) {
        const int row = t.rowOfRun.value(runId, -1);
        const QModelIndex index = row >= 0 ? mapFromSource(sourceModel()->index(row, 0)) : QModelIndex();
        if (index.isValid())
            Q_EMIT dataChanged(index, index, {RunTableModel::ChildCountRole, RunTableModel::ExpandedRole});
    }
}

void RunSortProxyModel::afterColumnChange()
{
    const int expected = std::exchange(m_expectedSortColumn, -2);
    if (expected == -2)
        return;
    if (m_nested && expected < 0) {
        if (!m_treeOrderOnly || sortColumn() != 0)
            sort(-1, Qt::AscendingOrder);
        return;
    }
    if (!m_treeOrderOnly && expected != sortColumn())
        QSortFilterProxyModel::sort(expected, sortOrder());
}

void RunSortProxyModel::setNestedRuns(bool nested)
{
    if (m_nested == nested)
        return;
    const int column = m_treeOrderOnly ? -1 : sortColumn();
    m_nested = nested;
    dropTree();
    m_resortPending = false;
    m_countChanged.clear();
    if (nested && column < 0) {
        m_treeOrderOnly = true;
        QSortFilterProxyModel::sort(0, Qt::AscendingOrder);
    } else if (!nested && m_treeOrderOnly) {
        m_treeOrderOnly = false;
        QSortFilterProxyModel::sort(-1, Qt::AscendingOrder);
    }
    invalidate();
    Q_EMIT nestedRunsChanged(nested);
}

bool RunSortProxyModel::hasNestedRuns() const
{
    return m_nested && sourceModel() && tree().branches;
}

void RunSortProxyModel::sort(int column, Qt::SortOrder order)
{
    // With no sort column the base class keeps the source's order and never asks lessThan(), where the
    // tree is made; so sort on the first column, comparing siblings by source row only.
    const bool treeOnly = m_nested && column < 0;
    const int sortOn = treeOnly ? 0 : column;
    const Qt::SortOrder direction = treeOnly ? Qt::AscendingOrder : order;
    if (treeOnly != m_treeOrderOnly) {
        m_treeOrderOnly = treeOnly;
        if (dynamicSortFilter() && sortColumn() == sortOn && sortOrder() == direction) {
            invalidate(); // the base class would see nothing to do
            return;
        }
    }
    QSortFilterProxyModel::sort(sortOn, direction);
}

bool RunSortProxyModel::isExpanded(const QString& runId) const
{
    return m_expansionExceptions.contains(runId) == m_allCollapsed;
}

void RunSortProxyModel::setExpanded(const QString& runId, bool expanded)
{
    if (expanded == isExpanded(runId))
        return;
    // An exception is an expanded run after collapseAll() and a collapsed one otherwise.
    if (m_expansionExceptions.contains(runId))
        m_expansionExceptions.remove(runId);
    else
        m_expansionExceptions.insert(runId);
    expansionUpdated();
}

void RunSortProxyModel::expandAll()
{
    if (!m_allCollapsed && m_expansionExceptions.isEmpty())
        return;
    m_allCollapsed = false;
    m_expansionExceptions.clear();
    expansionUpdated();
}

void RunSortProxyModel::collapseAll()
{
    if (m_allCollapsed && m_expansionExceptions.isEmpty())
        return;
    m_allCollapsed = true;
    m_expansionExceptions.clear();
    expansionUpdated();
}

int RunSortProxyModel::shownChildCount(std::size_t sourceRow) const
{
    if (!searchActive())
        return tree().childCount[sourceRow];
    searchMatches(); // brings m_searchChildCounts up to date
    return sourceRow < m_searchChildCounts.size() ? m_searchChildCounts[sourceRow] : 0;
}

void RunSortProxyModel::expansionUpdated()
{
    if (m_nested) {
        invalidateRowsFilter();
        if (rowCount() > 0)
            Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, 0), {RunTableModel::ExpandedRole});
    }
    Q_EMIT expansionChanged();
}

QVariant RunSortProxyModel::data(const QModelIndex& index, int role) const
{
    if (role == RunTableModel::DepthRole || role == RunTableModel::ChildCountRole
        || role == RunTableModel::ExpandedRole) {
        if (!m_nested || !index.isValid() || !sourceModel())
            return {};
        const RunTree& t = tree();
        const std::size_t row = std::size_t(mapToSource(index).row());
        if (row >= t.parent.size())
            return {};
        if (role == RunTableModel::DepthRole)
            return t.depth[row];
        if (role == RunTableModel::ChildCountRole)
            return shownChildCount(row);
        return shownChildCount(row) > 0 && isExpanded(t.runId[row]);
    }
    if (role == Qt::ForegroundRole && m_nested && index.isValid() && searchActive()) {
        // Rows shown only because a descendant matches are context: greyed.
        const std::vector<quint8>& matches = searchMatches();
        const std::size_t row = std::size_t(mapToSource(index).row());
        if (row < matches.size() && matches[row] == 2)
            return QColor(0x88, 0x88, 0x88);
    }
    return QSortFilterProxyModel::data(index, role);
}

} // namespace runlens
