// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "entities.h"

#include <QAbstractTableModel>
#include <QStringList>

#include <cstdint>
#include <memory>
#include <vector>

namespace runlens {

class StoreSession;

/**
 * The logged models (MLflow 3) of the selected experiments as a table: fixed columns, then one per
 * metric and dataset (its latest value), then one per param. The store evaluates the filter in
 * MLflow's search_logged_models language; reads run on the session's workers.
 */
class LoggedModelTableModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Role
    {
        ModelIdRole = Qt::UserRole + 1,
        SortRole, // numbers as numbers, missing values as an invalid QVariant
    };
    enum FixedColumn
    {
        NameColumn,
        StatusColumn,
        SourceRunColumn,
        TypeColumn,
        CreatedColumn,
        ModelIdColumn,
        FixedColumnCount
    };

    explicit LoggedModelTableModel(StoreSession* session, QObject* parent = nullptr);

    /** Reads the models of these experiments matching `filter`; a newer call supersedes an older one. */
    void load(const QStringList& experimentIds, const QString& filter);
    /** Reads the current experiments again with the current filter. */
    void reload();
    void clear();

    const LoggedModel* modelAt(int row) const;
    /** The row of a model id, or -1. */
    int rowOf(const QString& modelId) const;
    QStringList metricColumns() const { return m_metricLabels; }
    QStringList paramColumns() const { return m_paramKeys; }
    bool isLoading() const { return m_loading; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    void loadingStarted();
    /** A read ended; `problems` counts the items the store skipped. */
    void loaded(int models, int problems);
    void loadFailed(const QString& message);

private:
    void setModels(std::vector<LoggedModel> models);

    StoreSession* m_session;
    QStringList m_experimentIds;
    QString m_filter;
    std::uint64_t m_generation = 0;
    bool m_loading = false;
    std::vector<LoggedModel> m_models;
    std::vector<std::vector<ModelMetric>> m_latest; // per model, latestModelMetrics()
    std::vector<std::vector<int>> m_metricCells; // per model and metric column: index into m_latest, or -1
    QStringList m_metricLabels;
    QStringList m_paramKeys;
};

} // namespace runlens
