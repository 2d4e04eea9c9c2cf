// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

class QAbstractItemModel;

namespace runlens {

/**
 * How a person arranged the runs table for one set of experiments: hidden and pinned columns, the
 * order they dragged columns into, the widths they dragged columns to, the sort, and whether only
 * differing columns show. Columns are named by a stable id ("metric:loss") since their positions
 * change with the loaded keys.
 */
struct ColumnLayout
{
    QStringList hidden;
    QStringList pinned; // in their left-to-right order
    QStringList order; // every column id as last shown, left to right
    bool differOnly = false;
    QString sortColumn; // empty: newest first, as MLflow lists runs
    bool sortDescending = true;
    QHash<QString, int> widths; // only columns the person resized; the rest are fitted to their contents

    bool operator==(const ColumnLayout&) const = default;

    /** The id of a column of a RunTableModel-shaped header (ColumnKindRole, ColumnKeyRole). */
    static QString columnId(const QAbstractItemModel& model, int column);
    /** The column with that id, -1 when the model has none. */
    static int columnOf(const QAbstractItemModel& model, const QString& id);
    /** The QSettings group for a store and a set of experiments (order of ids does not matter). */
    static QString settingsKey(const QString& storeUri, QStringList experimentIds);

    static ColumnLayout load(const QString& storeUri, const QStringList& experimentIds);
    void save(const QString& storeUri, const QStringList& experimentIds) const;
};

/**
 * Param, metric and tag columns whose value is the same in every row of `model` (a missing value
 * counts as a value), i.e. the columns "Show only columns that differ" hides. Run columns never are.
 * With fewer than two rows nothing differs, so nothing is listed.
 */
QList<int> uniformColumns(const QAbstractItemModel& model);

} // namespace runlens
