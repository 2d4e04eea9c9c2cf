// SPDX-License-Identifier: Apache-2.0
#include "runsortproxymodel.h"

#include "runtablemodel.h"

#include <cmath>

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

} // namespace

RunSortProxyModel::RunSortProxyModel(QObject* parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(RunTableModel::SortRole);
    m_collator.setCaseSensitivity(Qt::CaseInsensitive);
}

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

bool RunSortProxyModel::lessThan(const QModelIndex& left, const QModelIndex& right) const
{
    const QVariant a = left.data(sortRole());
    const QVariant b = right.data(sortRole());
    const int rankA = missingRank(a);
    const int rankB = missingRank(b);
    if (rankA != 0 || rankB != 0) {
        if (rankA == rankB)
            return false;
        // A descending sort asks lessThan(right, left); flip so the blanks still land at the bottom.
        return sortOrder() == Qt::AscendingOrder ? rankA < rankB : rankA > rankB;
    }
    return compareValues(a, b) < 0;
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
