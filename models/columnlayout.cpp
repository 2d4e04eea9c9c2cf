// SPDX-License-Identifier: Apache-2.0
#include "columnlayout.h"

#include "runtablemodel.h"

#include <QAbstractItemModel>
#include <QSettings>
#include <QUrl>

namespace runlens {

QString ColumnLayout::columnId(const QAbstractItemModel& model, int column)
{
    const auto kind = static_cast<RunTableModel::ColumnKind>(
        model.headerData(column, Qt::Horizontal, RunTableModel::ColumnKindRole).toInt());
    const QString key = model.headerData(column, Qt::Horizontal, RunTableModel::ColumnKeyRole).toString();
    switch (kind) {
    case RunTableModel::ColumnKind::Name:
        return QStringLiteral("run:name");
    case RunTableModel::ColumnKind::Experiment:
        return QStringLiteral("run:experiment");
    case RunTableModel::ColumnKind::Status:
        return QStringLiteral("run:status");
    case RunTableModel::ColumnKind::Start:
        return QStringLiteral("run:start");
    case RunTableModel::ColumnKind::Duration:
        return QStringLiteral("run:duration");
    case RunTableModel::ColumnKind::User:
        return QStringLiteral("run:user");
    case RunTableModel::ColumnKind::Param:
        return QStringLiteral("param:") + key;
    case RunTableModel::ColumnKind::Metric:
        return QStringLiteral("metric:") + key;
    case RunTableModel::ColumnKind::Tag:
        return QStringLiteral("tag:") + key;
    }
    return QStringLiteral("other:") + key;
}

int ColumnLayout::columnOf(const QAbstractItemModel& model, const QString& id)
{
    for (int c = 0; c < model.columnCount(); ++c) {
        if (columnId(model, c) == id)
            return c;
    }
    return -1;
}

QString ColumnLayout::settingsKey(const QString& storeUri, QStringList experimentIds)
{
    experimentIds.sort();
    return QStringLiteral("Columns/") + QString::fromLatin1(QUrl::toPercentEncoding(storeUri)) + QLatin1Char('/')
        + QString::fromLatin1(QUrl::toPercentEncoding(experimentIds.join(QLatin1Char(','))));
}

ColumnLayout ColumnLayout::load(const QString& storeUri, const QStringList& experimentIds)
{
    QSettings settings;
    settings.beginGroup(settingsKey(storeUri, experimentIds));
    ColumnLayout layout;
    layout.hidden = settings.value(QStringLiteral("hidden")).toStringList();
    layout.pinned = settings.value(QStringLiteral("pinned")).toStringList();
    layout.order = settings.value(QStringLiteral("order")).toStringList();
    layout.differOnly = settings.value(QStringLiteral("differOnly"), false).toBool();
    layout.sortColumn = settings.value(QStringLiteral("sortColumn")).toString();
    layout.sortDescending = settings.value(QStringLiteral("sortDescending"), true).toBool();
    const QVariantMap widths = settings.value(QStringLiteral("widths")).toMap();
    for (auto it = widths.constBegin(); it != widths.constEnd(); ++it) {
        bool ok = false;
        const int width = it.value().toInt(&ok);
        if (ok && width > 0)
            layout.widths.insert(it.key(), width);
    }
    return layout;
}

void ColumnLayout::save(const QString& storeUri, const QStringList& experimentIds) const
{
    QSettings settings;
    settings.beginGroup(settingsKey(storeUri, experimentIds));
    settings.setValue(QStringLiteral("hidden"), hidden);
    settings.setValue(QStringLiteral("pinned"), pinned);
    settings.setValue(QStringLiteral("order"), order);
    settings.setValue(QStringLiteral("differOnly"), differOnly);
    settings.setValue(QStringLiteral("sortColumn"), sortColumn);
    settings.setValue(QStringLiteral("sortDescending"), sortDescending);
    QVariantMap widthMap;
    for (auto it = widths.constBegin(); it != widths.constEnd(); ++it)
        widthMap.insert(it.key(), it.value());
    settings.setValue(QStringLiteral("widths"), widthMap);
}

QList<int> uniformColumns(const QAbstractItemModel& model)
{
    QList<int> uniform;
    const int rows = model.rowCount();
    if (rows < 2)
        return uniform;
    for (int column = 0; column < model.columnCount(); ++column) {
        const auto kind = static_cast<RunTableModel::ColumnKind>(
            model.headerData(column, Qt::Horizontal, RunTableModel::ColumnKindRole).toInt());
        if (kind != RunTableModel::ColumnKind::Param && kind != RunTableModel::ColumnKind::Metric
            && kind != RunTableModel::ColumnKind::Tag)
            continue;
        // The exact stored value: "0.1" and "0.10" are different params even if they read alike.
        const QVariant first = model.index(0, column).data(RunTableModel::RawValueRole);
        bool same = true;
        for (int row = 1; row < rows && same; ++row) {
            const QVariant value = model.index(row, column).data(RunTableModel::RawValueRole);
            same = value.isValid() == first.isValid() && (!value.isValid() || value == first);
        }
        if (same)
            uniform << column;
    }
    return uniform;
}

} // namespace runlens
