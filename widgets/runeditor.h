// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "result.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <string>

class QAction;
class QMenu;
class QThreadPool;
class QWidget;

namespace runlens {

class Store;

/**
 * Edits of runs (rename, tags, description, delete and restore) as actions for the runs table's
 * context menu and the details panel. The actions work on the runs set with setRuns(); each write
 * runs on a worker of the given pool, one edit at a time, and edited() or editFailed() follows on
 * the GUI thread. On a store that cannot write the actions are disabled and say why.
 */
class RunEditor final : public QObject
{
    Q_OBJECT
public:
    /** A run the actions apply to: its id, name and whether it is deleted (soft). */
    struct Target
    {
        QString runId;
        QString name;
        bool deleted = false;
        QString description; // mlflow.note.content
        QStringList tagKeys;
    };

    /** `dialogParent` owns the dialogs the actions open. */
    RunEditor(QThreadPool* pool, QWidget* dialogParent);

    void setStore(std::shared_ptr<Store> store, const QString& uri);
    void setTargets(const QList<Target>& targets);
    const QList<Target>& targets() const { return m_targets; }

    /** "This store is read-only: …"; empty when the store can write runs. */
    QString readOnlyNote() const;
    bool isBusy() const { return m_busy; }

    QAction* renameAction() const { return m_rename; }
    QAction* setTagAction() const { return m_setTag; }
    QAction* deleteTagAction() const { return m_deleteTag; }
    QAction* descriptionAction() const { return m_description; }
    QAction* deleteAction() const { return m_delete; }
    QAction* restoreAction() const { return m_restore; }
    QList<QAction*> actions() const;
    /** Adds the actions to a menu, in the order a person expects. */
    void addToMenu(QMenu* menu) const;

    // The writes behind the dialogs; each applies to the given runs and reports through the signals.
    void rename(const QString& runId, const QString& name);
    void setTag(const QStringList& runIds, const QString& key, const QString& value);
    void deleteTag(const QStringList& runIds, const QString& key);
    void setDescription(const QString& runId, const QString& markdown);
    void deleteRuns(const QStringList& runIds);
    void restoreRuns(const QStringList& runIds);

    /** The dialog an action opened last, while it is open (for tests and focus). */
    QWidget* openDialog() const { return m_dialog; }

Q_SIGNALS:
    /** A write succeeded for these runs; `what` says what changed ("Renamed run …"). */
    void edited(const QStringList& runIds, const QString& what);
    /** A write failed: nothing changed for the run named in the message and later runs were left. */
    void editFailed(const QString& message);

private:
    using Write = std::function<Status(Store&, const std::string& runId)>;
    void apply(const QStringList& runIds, const QString& what, Write write);
    void updateActions();
    QStringList targetIds() const;

    void askRename();
    void askSetTag();
    void askDeleteTag();
    void askDescription();
    void askDelete();
    void askRestore();

    QThreadPool* m_pool;
    QWidget* m_dialogParent;
    std::shared_ptr<Store> m_store;
    QString m_readOnlyReason;
    QList<Target> m_targets;
    bool m_busy = false;
    QPointer<QWidget> m_dialog;

    QAction* m_rename;
    QAction* m_setTag;
    QAction* m_deleteTag;
    QAction* m_description;
    QAction* m_delete;
    QAction* m_restore;
};

} // namespace runlens
