// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "entities.h"

#include <QAbstractTableModel>
#include <QString>

#include <vector>

namespace runlens {

/**
 * Items the store could not read, gathered from every listing: the path and the reason. Each listing
 * replaces its own share, and an item reported by two listings is shown once.
 */
class ProblemListModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        PathColumn,
        ReasonColumn,
        ColumnCount
    };

    explicit ProblemListModel(QObject* parent = nullptr);

    /** Replaces the problems reported by one source ("experiments", "runs", ...). */
    void setProblems(const QString& source, const std::vector<Problem>& problems);
    void clear();

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /** A few lines for a tooltip: the first problems and how many more there are. */
    QString summary(int maxLines = 8) const;

private:
    struct Entry
    {
        QString path;
        QString reason;
        QStringList sources;
    };
    void rebuild();

    std::vector<std::pair<QString, std::vector<Problem>>> m_bySource;
    std::vector<Entry> m_entries;
};

} // namespace runlens
