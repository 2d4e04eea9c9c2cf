// SPDX-License-Identifier: Apache-2.0
#include "problemlistmodel.h"

#include <QHash>

#include <algorithm>

namespace runlens {

namespace {

QString toQString(const std::string& s)
{
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

} // namespace

ProblemListModel::ProblemListModel(QObject* parent)
    : QAbstractTableModel(parent)
{ }

void ProblemListModel::setProblems(const QString& source, const std::vector<Problem>& problems)
{
    auto it
        = std::find_if(m_bySource.begin(), m_bySource.end(), [&](const auto& entry) { return entry.first == source; });
    if (it == m_bySource.end()) {
        if (problems.empty())
            return;
        m_bySource.emplace_back(source, problems);
    } else {
        it->second = problems;
    }
    rebuild();
}

void ProblemListModel::clear()
{
    m_bySource.clear();
    rebuild();
}

void ProblemListModel::rebuild()
{
    beginResetModel();
    m_entries.clear();
    QHash<QPair<QString, QString>, std::size_t> seen;
    for (const auto& [source, problems] : m_bySource) {
        for (const Problem& p : problems) {
            const QString path = toQString(p.path);
            const QString reason = toQString(p.reason);
            const auto key = qMakePair(path, reason);
            if (auto found = seen.constFind(key); found != seen.constEnd()) {
                m_entries[*found].sources << source;
                continue;
            }
            seen.insert(key, m_entries.size());
            m_entries.push_back({path, reason, {source}});
        }
    }
    endResetModel();
}

int ProblemListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_entries.size());
}

int ProblemListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ProblemListModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Entry& entry = m_entries[static_cast<std::size_t>(index.row())];
    if (role == Qt::DisplayRole)
        return index.column() == PathColumn ? entry.path : entry.reason;
    if (role == Qt::ToolTipRole)
        return tr("%1\n%2\nFound while listing: %3")
            .arg(entry.path, entry.reason, entry.sources.join(QStringLiteral(", ")));
    return {};
}

QVariant ProblemListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && role == Qt::DisplayRole && section >= 0 && section < ColumnCount)
        return section == PathColumn ? tr("Item") : tr("Problem");
    return QAbstractTableModel::headerData(section, orientation, role);
}

QString ProblemListModel::summary(int maxLines) const
{
    QStringList lines;
    const int n = static_cast<int>(m_entries.size());
    for (int i = 0; i < n && i < maxLines; ++i)
        lines << m_entries[static_cast<std::size_t>(i)].path % QStringLiteral(": ")
                % m_entries[static_cast<std::size_t>(i)].reason;
    if (n > maxLines)
        lines << tr("… and %n more", nullptr, n - maxLines);
    return lines.join(QLatin1Char('\n'));
}

} // namespace runlens
