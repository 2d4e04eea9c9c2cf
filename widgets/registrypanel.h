// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "entities.h"

#include <QPointer>
#include <QWidget>

#include <functional>
#include <memory>
#include <string>

class QDialog;
class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTabWidget;
class QTableView;

namespace runlens {

class AuditLogView;
class ModelVersionsModel;
class RegistryModel;
class Store;
class StoreSession;

/**
 * The model registry: registered models (search, aliases, latest per stage, description, tags) and the
 * versions of the selected one, with stage and alias changes, description and tag edits, a side-by-side
 * comparison of two versions' source runs, and the local audit log of stage and alias changes.
 *
 * Every store call runs on a worker; writes reload afterwards, and their errors go to the message bar.
 */
class RegistryPanel final : public QWidget
{
    Q_OBJECT
public:
    /** Follows the session: shows each store it opens. */
    explicit RegistryPanel(StoreSession* session, QWidget* parent = nullptr);

    /** Shows this store (a session's, or one a caller opened itself); null clears the panel. */
    void setStore(std::shared_ptr<Store> store, const QString& uri);
    /** Where stage and alias changes are logged; the default is AuditLog::defaultPath(). */
    void setAuditLogPath(const QString& path);
    QString auditLogPath() const { return m_auditPath; }

    /** Lists the models again (keeping the selection), then the selected model's versions. */
    void reload();
    void selectModel(const QString& name);
    QString currentModel() const { return m_currentModel; }
    void setSearchText(const QString& text);

    // The actions; the dialogs end here. Each writes off the GUI thread, then writeFinished() follows.
    void transitionStage(qint64 version, const QString& stage, bool archiveExisting);
    void setAlias(const QString& alias, qint64 version);
    void deleteAlias(const QString& alias);
    void setModelDescription(const QString& description);
    void setVersionDescription(qint64 version, const QString& description);
    void setModelTag(const QString& key, const QString& value);
    void deleteModelTag(const QString& key);
    void setVersionTag(qint64 version, const QString& key, const QString& value);
    void deleteVersionTag(qint64 version, const QString& key);
    /** Loads both versions' source runs and shows their params and metrics side by side. */
    void compareVersions(qint64 left, qint64 right);

    /** Whether writes are possible: the store says it can write the registry and none is in flight. */
    bool canWrite() const;
    /** "This store is read-only: …"; empty when the store can write. */
    QString readOnlyNote() const;
    QString messageText() const;
    RegistryModel* registryModel() const { return m_models; }
    ModelVersionsModel* versionsModel() const { return m_versions; }
    QTableView* modelsView() const { return m_modelsView; }
    QTableView* versionsView() const { return m_versionsView; }
    AuditLogView* auditLogView() const { return m_auditView; }
    /** The last comparison window, while it is open. */
    QDialog* comparisonDialog() const;

    /** Rows of a comparison: kind ("param"/"metric"), key, left value, right value; params first, by key. */
    static QList<QStringList> comparisonRows(const Run* left, const Run* right);

Q_SIGNALS:
    /** A version's source run was clicked. */
    void runActivated(std::string runId);
    /** A version's logged model (MLflow 3) was clicked. */
    void loggedModelActivated(const QString& modelId);
    void modelsLoaded();
    void versionsLoaded();
    /** The names of the shown versions' source runs were read. */
    void runNamesLoaded();
    void writeFinished(bool ok, const QString& message);
    void comparisonReady(int rows);

private:
    struct WriteOutcome
    {
        bool ok = false;
        QString message;
    };
    using WriteWork = std::function<WriteOutcome(Store&)>;

    void buildUi();
    void runWrite(const QString& what, WriteWork work);
    void loadVersions();
    void loadRunNames();
    void showModelDetails();
    void updateActions();
    void showMessage(const QString& text, bool error);
    void onModelSelectionChanged();
    qint64 selectedVersion() const;
    QList<qint64> selectedVersions() const;

    void askStage();
    void askAlias();
    void askDeleteAlias();
    void askDescription(bool forVersion);
    void askTag(bool forVersion);
    void askDeleteTag(bool forVersion);

    StoreSession* m_session;
    std::shared_ptr<Store> m_store;
    QString m_uri;
    QString m_auditPath;
    QString m_readOnlyReason;
    QString m_currentModel;
    bool m_writing = false;
    quint64 m_modelsGeneration = 0;
    quint64 m_versionsGeneration = 0;
    quint64 m_storeGeneration = 0;

    RegistryModel* m_models;
    QSortFilterProxyModel* m_modelsProxy;
    ModelVersionsModel* m_versions;

    QTabWidget* m_tabs = nullptr;
    QLabel* m_readOnly = nullptr;
    QLabel* m_message = nullptr;
    QLineEdit* m_search = nullptr;
    QTableView* m_modelsView = nullptr;
    QTableView* m_versionsView = nullptr;
    QLabel* m_title = nullptr;
    QLabel* m_details = nullptr;
    QPushButton* m_modelDescription = nullptr;
    QPushButton* m_modelTag = nullptr;
    QPushButton* m_modelDeleteTag = nullptr;
    QPushButton* m_stage = nullptr;
    QPushButton* m_alias = nullptr;
    QPushButton* m_deleteAlias = nullptr;
    QPushButton* m_versionDescription = nullptr;
    QPushButton* m_versionTag = nullptr;
    QPushButton* m_versionDeleteTag = nullptr;
    QPushButton* m_compare = nullptr;
    AuditLogView* m_auditView = nullptr;
    QPointer<QDialog> m_compareDialog;
};

} // namespace runlens
