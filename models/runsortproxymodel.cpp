// SPDX-License-Identifier: Apache-2.0
#include "runsortproxymodel.h"

#include "runtablemodel.h"

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
    if (source) {
        // Connected before the base class connects, so the keys are current when it re-sorts.
        auto drop = [this] { dropSortKeys(); };
        m_sourceConnections = {
            connect(source, &QAbstractItemModel::dataChanged, this, &RunSortProxyModel::sourceDataChanged),
            connect(source, &QAbstractItemModel::rowsInserted, this, &RunSortProxyModel::sourceRowsInserted),
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
    QSortFilterProxyModel::setSourceModel(source);
}

bool RunSortProxyModel::lessThan(const QModelIndex& left, const QModelIndex& right) const
{
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
    invalidateFilter();
}

bool RunSortProxyModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    if (m_runIds) {
        const QString runId
            = sourceModel()->index(sourceRow, 0, sourceParent).data(RunTableModel::RunIdRole).toString();
        if (!m_runIds->contains(runId))
            return false;
    }
    return QSortFilterProxyModel::filterAcceptsRow(sourceRow, sourceParent);
}

} // namespace runlens
