// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QList>
#include <QString>
#include <QStringList>

class QAbstractItemModel;

namespace runlens {

/** A table as plain strings: a header row, then one row per exported row. */
struct TableText
{
    QStringList header;
    QList<QStringList> rows;
};

/**
 * The display text of `rows` x `columns` of a model (in the given order, e.g. visual order), with the
 * header titles. `role` is the cell text to take (e.g. an exact-value role). Read on the GUI thread; the result is
 * plain data a worker may write out.
 */
TableText tableText(
    const QAbstractItemModel& model, const QList<int>& rows, const QList<int>& columns, int role = Qt::DisplayRole);

/** Tab-separated, header first; tabs and newlines inside values become spaces so rows stay rows. */
QString toTsv(const TableText& table);
/** RFC 4180 CSV, header first, CRLF line ends; fields with commas, quotes or newlines are quoted. */
QString toCsv(const TableText& table);

} // namespace runlens
