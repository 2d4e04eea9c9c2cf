// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "entities.h"

#include <QSet>
#include <QStringList>
#include <QWidget>

#include <optional>
#include <vector>

class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QSplitter;
class QTableView;
class QTextBrowser;

namespace runlens {

class LoggedModelTableModel;
class StoreSession;

/**
 * The Models view (MLflow 3): the logged models of the selected experiments in a sortable table with
 * a metric column per dataset, a filter in MLflow's search_logged_models language, and the selected
 * model's params, tags, metrics and origin beside it.
 */
class LoggedModelsPanel final : public QWidget
{
    Q_OBJECT
public:
    explicit LoggedModelsPanel(StoreSession* session, QWidget* parent = nullptr);

    /** Shows the models of these experiments (empty: none), keeping the filter. */
    void setExperiments(const QStringList& experimentIds);
    /** Applies a filter as if typed and Enter pressed; false (and the error shown) when it does not parse. */
    bool applyFilter(const QString& filter);
    /** Selects a model by id; false when the table lacks it. */
    bool selectModel(const QString& modelId);
    /** Selects a model, or when the table lacks it reads it and shows its details alone. */
    void showModel(const QString& modelId);
    /** The selected models, in the table's order. */
    std::vector<LoggedModel> selectedModels() const;
    /** Shows only these models (nullopt: all), as parallel coordinates' brushes narrow them. */
    void setModelIdFilter(std::optional<QSet<QString>> modelIds);

    LoggedModelTableModel* model() const { return m_model; }
    QSortFilterProxyModel* proxy() const { return m_proxy; }
    QTableView* table() const { return m_table; }
    QLineEdit* filterEdit() const { return m_filter; }
    QLabel* statusLabel() const { return m_status; }
    QTextBrowser* detailsView() const { return m_details; }

Q_SIGNALS:
    /** The user followed the link to a model's source run. */
    void runActivated(const QString& runId);
    /** The table's selection changed. */
    void selectionChanged();
    /** A model's details are on show (selected in the table, or read by showModel). */
    void modelShown(const QString& modelId);

private:
    void showDetails();
    QString detailsHtml(const LoggedModel& model) const;
    void updateStatus(const QString& text);

    LoggedModelTableModel* m_model;
    QSortFilterProxyModel* m_proxy;
    QLineEdit* m_filter;
    QLabel* m_error;
    QLabel* m_status;
    QTableView* m_table;
    QTextBrowser* m_details;
    QSplitter* m_splitter;
    QStringList m_experimentIds;
    StoreSession* m_session;
    int m_showRequest = 0; // the latest showModel read; older answers are dropped
};

} // namespace runlens
