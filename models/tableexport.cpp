// SPDX-License-Identifier: Apache-2.0
#include "tableexport.h"

#include <QAbstractItemModel>

namespace runlens {

namespace {

QString tsvField(QString value)
{
    value.replace(QLatin1Char('\t'), QLatin1Char(' '));
    value.replace(QLatin1String("\r\n"), QLatin1String(" "));
    value.replace(QLatin1Char('\n'), QLatin1Char(' '));
    value.replace(QLatin1Char('\r'), QLatin1Char(' '));
    return value;
}

QString csvField(const QString& value)
{
    if (!value.contains(QLatin1Char(',')) && !value.contains(QLatin1Char('"')) && !value.contains(QLatin1Char('\n'))
        && !value.contains(QLatin1Char('\r')))
        return value;
    QString quoted = value;
    quoted.replace(QLatin1Char('"'), QLatin1String("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

QString join(const QStringList& fields, QString (*quote)(const QString&), QChar separator)
{
    QString line;
    for (int i = 0; i < fields.size(); ++i) {
        if (i > 0)
            line += separator;
        line += quote(fields.at(i));
    }
    return line;
}

QString tsvQuote(const QString& value)
{
    return tsvField(value);
}

} // namespace

TableText tableText(const QAbstractItemModel& model, const QList<int>& rows, const QList<int>& columns, int role)
{
    TableText table;
    table.header.reserve(columns.size());
    for (const int column : columns)
        table.header << model.headerData(column, Qt::Horizontal, Qt::DisplayRole).toString();
    table.rows.reserve(rows.size());
    for (const int row : rows) {
        QStringList fields;
        fields.reserve(columns.size());
        for (const int column : columns)
            fields << model.index(row, column).data(role).toString();
        table.rows << fields;
    }
    return table;
}

QString toTsv(const TableText& table)
{
    QString out = join(table.header, tsvQuote, QLatin1Char('\t')) + QLatin1Char('\n');
    for (const QStringList& row : table.rows)
        out += join(row, tsvQuote, QLatin1Char('\t')) + QLatin1Char('\n');
    return out;
}

QString toCsv(const TableText& table)
{
    QString out = join(table.header, csvField, QLatin1Char(',')) + QLatin1String("\r\n");
    for (const QStringList& row : table.rows)
        out += join(row, csvField, QLatin1Char(',')) + QLatin1String("\r\n");
    return out;
}

} // namespace runlens
