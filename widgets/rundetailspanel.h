// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QWidget>

#include <string>

class QFormLayout;
class QAction;
class QLabel;
class QToolButton;
class QLineEdit;
class QStandardItemModel;
class QTabWidget;
class QTableView;
class QTextBrowser;
class QTreeWidget;
class QListWidget;

namespace runlens {

class ArtifactBrowser;
class RunDetailsModel;
class StoreSession;

/**
 * Everything about one run: overview with parent/child links, description (Markdown), parameters,
 * metrics with min/max/steps, tags, dataset inputs and artifacts. Loads through the session's workers.
 */
class RunDetailsPanel final : public QWidget
{
    Q_OBJECT
public:
    explicit RunDetailsPanel(StoreSession* session, QWidget* parent = nullptr);

    /** Shows a run (empty: nothing); results for the previously shown run are dropped. */
    void showRun(const std::string& runId);
    /** Edit actions (rename, tags, delete…) offered from an Edit button by the heading. */
    void setEditActions(const QList<QAction*>& actions);
    QToolButton* editButton() const { return m_editButton; }

    RunDetailsModel* model() const { return m_model; }
    QTabWidget* tabs() const { return m_tabs; }
    QTextBrowser* descriptionView() const { return m_description; }
    QTableView* paramsView() const { return m_paramsView; }
    QLineEdit* paramsFilter() const { return m_paramsFilter; }
    QTableView* metricsView() const { return m_metricsView; }
    QTreeWidget* tagsView() const { return m_tags; }
    QTableView* datasetsView() const { return m_datasetsView; }
    /** The run's logged models (MLflow 3): outputs with their step, then inputs. */
    QTableView* loggedModelsView() const { return m_loggedModelsView; }
    QListWidget* childrenView() const { return m_children; }
    QLabel* parentLabel() const { return m_parent; }
    ArtifactBrowser* artifacts() const { return m_artifacts; }
    /** The run the panel shows (empty: none). */
    const std::string& shownRunId() const;

Q_SIGNALS:
    /** The user followed a parent or child link. */
    void runActivated(const std::string& runId);
    /** The user opened one of the run's logged models. */
    void loggedModelActivated(const QString& modelId);

private:
    QToolButton* m_editButton = nullptr;
    void fillRun();
    void fillLinks();

    RunDetailsModel* m_model;
    QLabel* m_heading;
    QLabel* m_status;
    QTabWidget* m_tabs;
    QFormLayout* m_form;
    QLabel* m_name;
    QLabel* m_id;
    QLabel* m_runStatus;
    QLabel* m_start;
    QLabel* m_end;
    QLabel* m_duration;
    QLabel* m_user;
    QLabel* m_source;
    QLabel* m_lifecycle;
    QLabel* m_experiment;
    QLabel* m_parent;
    QListWidget* m_children;
    QTextBrowser* m_description;
    QLineEdit* m_paramsFilter;
    QTableView* m_paramsView;
    QStandardItemModel* m_params;
    QTableView* m_metricsView;
    QTreeWidget* m_tags;
    QTableView* m_datasetsView;
    QStandardItemModel* m_loggedModels = nullptr;
    QTableView* m_loggedModelsView = nullptr;
    QStandardItemModel* m_datasets;
    ArtifactBrowser* m_artifacts;
};

} // namespace runlens
