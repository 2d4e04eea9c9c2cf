// SPDX-License-Identifier: Apache-2.0
#include "runeditor.h"

#include "readonlynote.h"
#include "store.h"

#include <QAction>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSet>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace runlens {

namespace {

constexpr const char* kNoteTag = "mlflow.note.content";

struct WriteOutcome
{
    QStringList done;
    QString error;
};

QString runsText(int n)
{
    return n == 1 ? RunEditor::tr("1 run") : RunEditor::tr("%1 runs").arg(n);
}

} // namespace

RunEditor::RunEditor(QThreadPool* pool, QWidget* dialogParent)
    : QObject(dialogParent)
    , m_pool(pool)
    , m_dialogParent(dialogParent)
    , m_rename(new QAction(tr("&Rename Run\u2026"), this))
    , m_setTag(new QAction(tr("Set &Tag\u2026"), this))
    , m_deleteTag(new QAction(tr("Delete T&ag\u2026"), this))
    , m_description(new QAction(tr("Edit &Description\u2026"), this))
    , m_delete(new QAction(tr("De&lete Runs\u2026"), this))
    , m_restore(new QAction(tr("Re&store Runs"), this))
{
    m_rename->setShortcut(QKeySequence(Qt::Key_F2));
    m_rename->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_delete->setShortcut(QKeySequence::Delete);
    m_delete->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(m_rename, &QAction::triggered, this, &RunEditor::askRename);
    connect(m_setTag, &QAction::triggered, this, &RunEditor::askSetTag);
    connect(m_deleteTag, &QAction::triggered, this, &RunEditor::askDeleteTag);
    connect(m_description, &QAction::triggered, this, &RunEditor::askDescription);
    connect(m_delete, &QAction::triggered, this, &RunEditor::askDelete);
    connect(m_restore, &QAction::triggered, this, &RunEditor::askRestore);
    setStore(nullptr, {});
}

void RunEditor::setStore(std::shared_ptr<Store> store, const QString& uri)
{
    m_store = std::move(store);
    m_readOnlyReason = ReadOnlyNote::reason(m_store.get(), ReadOnlyNote::Edits::Runs, uri);
    m_targets.clear();
    updateActions();
}

void RunEditor::setTargets(const QList<Target>& targets)
{
    m_targets = targets;
    updateActions();
}

QString RunEditor::readOnlyNote() const
{
    return ReadOnlyNote::sentence(m_readOnlyReason);
}

QList<QAction*> RunEditor::actions() const
{
    return {m_rename, m_setTag, m_deleteTag, m_description, m_delete, m_restore};
}

void RunEditor::addToMenu(QMenu* menu) const
{
    menu->addAction(m_rename);
    menu->addAction(m_description);
    menu->addSeparator();
    menu->addAction(m_setTag);
    menu->addAction(m_deleteTag);
    menu->addSeparator();
    menu->addAction(m_delete);
    menu->addAction(m_restore);
}

QStringList RunEditor::targetIds() const
{
    QStringList ids;
    for (const Target& t : m_targets)
        ids << t.runId;
    return ids;
}

void RunEditor::updateActions()
{
    const bool writable = m_store && m_readOnlyReason.isEmpty() && !m_busy;
    const int n = static_cast<int>(m_targets.size());
    bool anyActive = false;
    bool anyDeleted = false;
    bool anyTags = false;
    for (const Target& t : m_targets) {
        (t.deleted ? anyDeleted : anyActive) = true;
        anyTags = anyTags || !t.tagKeys.isEmpty();
    }
    m_rename->setEnabled(writable && n == 1);
    m_description->setEnabled(writable && n == 1);
    m_setTag->setEnabled(writable && n > 0);
    m_deleteTag->setEnabled(writable && anyTags);
    m_delete->setEnabled(writable && anyActive);
    m_restore->setEnabled(writable && anyDeleted);
    m_delete->setText(n > 1 ? tr("De&lete %1\u2026").arg(runsText(n)) : tr("De&lete Run\u2026"));
    m_restore->setText(n > 1 ? tr("Re&store %1").arg(runsText(n)) : tr("Re&store Run"));
    // A disabled action says why, so a read-only store is not a mystery.
    const QString why = m_busy ? tr("Another edit is still being written") : readOnlyNote();
    for (QAction* action : actions())
        action->setToolTip(why.isEmpty() ? action->text().remove(QLatin1Char('&')) : why);
}

void RunEditor::apply(const QStringList& runIds, const QString& what, Write write)
{
    if (!m_store || !m_readOnlyReason.isEmpty()) {
        Q_EMIT editFailed(readOnlyNote());
        return;
    }
    if (m_busy) {
        Q_EMIT editFailed(tr("Another edit is still being written."));
        return;
    }
    if (runIds.isEmpty())
        return;
    m_busy = true;
    updateActions();
    auto* watcher = new QFutureWatcher<WriteOutcome>(this);
    connect(watcher, &QFutureWatcher<WriteOutcome>::finished, this, [this, watcher, what] {
        const WriteOutcome outcome = watcher->result();
        watcher->deleteLater();
        m_busy = false;
        updateActions();
        if (!outcome.done.isEmpty())
            Q_EMIT edited(outcome.done, what);
        if (!outcome.error.isEmpty())
            Q_EMIT editFailed(outcome.error);
    });
    // Runs are written one by one; the first failure stops the rest, so the message names one run.
    watcher->setFuture(QtConcurrent::run(m_pool, [store = m_store, runIds, write = std::move(write)] {
        WriteOutcome outcome;
        for (const QString& id : runIds) {
            const Status status = write(*store, id.toStdString());
            if (!status.ok()) {
                outcome.error
                    = tr("Could not change run %1: %2").arg(id, QString::fromStdString(status.error().toString()));
                break;
            }
            outcome.done << id;
        }
        return outcome;
    }));
}

void RunEditor::rename(const QString& runId, const QString& name)
{
    apply({runId}, tr("Renamed the run to \u201c%1\u201d").arg(name),
        [name = name.toStdString()](Store& store, const std::string& id) { return store.renameRun(id, name); });
}

void RunEditor::setTag(const QStringList& runIds, const QString& key, const QString& value)
{
    apply(runIds, tr("Set tag %1 on %2").arg(key, runsText(static_cast<int>(runIds.size()))),
        [key = key.toStdString(), value = value.toStdString()](
            Store& store, const std::string& id) { return store.setRunTag(id, key, value); });
}

void RunEditor::deleteTag(const QStringList& runIds, const QString& key)
{
    apply(runIds, tr("Deleted tag %1 from %2").arg(key, runsText(static_cast<int>(runIds.size()))),
        [key = key.toStdString()](Store& store, const std::string& id) { return store.deleteRunTag(id, key); });
}

void RunEditor::setDescription(const QString& runId, const QString& markdown)
{
    // MLflow keeps a run's description in a tag; an empty one is stored as such, as MLflow's UI does.
    apply({runId}, tr("Updated the description"), [text = markdown.toStdString()](Store& store, const std::string& id) {
        return store.setRunTag(id, kNoteTag, text);
    });
}

void RunEditor::deleteRuns(const QStringList& runIds)
{
    apply(runIds, tr("Deleted %1").arg(runsText(static_cast<int>(runIds.size()))),
        [](Store& store, const std::string& id) { return store.deleteRun(id); });
}

void RunEditor::restoreRuns(const QStringList& runIds)
{
    apply(runIds, tr("Restored %1").arg(runsText(static_cast<int>(runIds.size()))),
        [](Store& store, const std::string& id) { return store.restoreRun(id); });
}

void RunEditor::askRename()
{
    if (m_targets.size() != 1)
        return;
    const Target target = m_targets.front();
    auto* dialog = new QInputDialog(m_dialogParent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Rename Run"));
    dialog->setLabelText(tr("New name for run %1:").arg(target.runId));
    dialog->setTextValue(target.name);
    connect(dialog, &QInputDialog::textValueSelected, this, [this, target](const QString& name) {
        if (!name.trimmed().isEmpty() && name != target.name)
            rename(target.runId, name.trimmed());
    });
    m_dialog = dialog;
    dialog->open();
}

void RunEditor::askSetTag()
{
    const QStringList ids = targetIds();
    if (ids.isEmpty())
        return;
    auto* dialog = new QDialog(m_dialogParent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Set Tag on %1").arg(runsText(static_cast<int>(ids.size()))));
    auto* key = new QLineEdit(dialog);
    key->setObjectName(QStringLiteral("tagKey"));
    auto* value = new QLineEdit(dialog);
    value->setObjectName(QStringLiteral("tagValue"));
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, dialog);
    buttons->button(QDialogButtonBox::Ok)->setEnabled(false);
    connect(key, &QLineEdit::textChanged, dialog, [buttons](const QString& text) {
        buttons->button(QDialogButtonBox::Ok)->setEnabled(!text.trimmed().isEmpty());
    });
    auto* form = new QFormLayout(dialog);
    form->addRow(tr("Key:"), key);
    form->addRow(tr("Value:"), value);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    connect(dialog, &QDialog::accepted, this,
        [this, ids, key, value] { setTag(ids, key->text().trimmed(), value->text()); });
    m_dialog = dialog;
    dialog->open();
}

void RunEditor::askDeleteTag()
{
    QStringList keys;
    QSet<QString> seen;
    for (const Target& t : m_targets) {
        for (const QString& k : t.tagKeys) {
            if (!seen.contains(k)) {
                seen.insert(k);
                keys << k;
            }
        }
    }
    if (keys.isEmpty())
        return;
    keys.sort();
    const QStringList ids = targetIds();
    auto* dialog = new QInputDialog(m_dialogParent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Delete Tag"));
    dialog->setLabelText(tr("Tag to delete from %1:").arg(runsText(static_cast<int>(ids.size()))));
    dialog->setComboBoxItems(keys);
    dialog->setComboBoxEditable(false);
    connect(dialog, &QInputDialog::textValueSelected, this, [this, ids](const QString& key) {
        // Only the runs that have the tag: MLflow refuses to delete a tag a run does not have.
        QStringList having;
        for (const Target& t : m_targets) {
            if (ids.contains(t.runId) && t.tagKeys.contains(key))
                having << t.runId;
        }
        deleteTag(having, key);
    });
    m_dialog = dialog;
    dialog->open();
}

void RunEditor::askDescription()
{
    if (m_targets.size() != 1)
        return;
    const Target target = m_targets.front();
    auto* dialog = new QDialog(m_dialogParent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Description of %1").arg(target.name.isEmpty() ? target.runId : target.name));
    auto* text = new QPlainTextEdit(dialog);
    text->setObjectName(QStringLiteral("description"));
    text->setPlainText(target.description);
    auto* hint = new QLabel(tr("Markdown, shown in the run's details and in MLflow's UI."), dialog);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, dialog);
    auto* layout = new QVBoxLayout(dialog);
    layout->addWidget(text, 1);
    layout->addWidget(hint);
    layout->addWidget(buttons);
    dialog->resize(560, 360);
    connect(buttons, &QDialogButtonBox::accepted, dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    connect(dialog, &QDialog::accepted, this, [this, target, text] {
        if (text->toPlainText() != target.description)
            setDescription(target.runId, text->toPlainText());
    });
    m_dialog = dialog;
    dialog->open();
}

void RunEditor::askDelete()
{
    QStringList ids;
    for (const Target& t : m_targets) {
        if (!t.deleted)
            ids << t.runId;
    }
    if (ids.isEmpty())
        return;
    auto* box = new QMessageBox(QMessageBox::Question, tr("Delete Runs"),
        tr("Delete %1?")
            .arg(ids.size() == 1 && !m_targets.front().name.isEmpty()
                    ? QStringLiteral("\u201c%1\u201d").arg(m_targets.front().name)
                    : runsText(static_cast<int>(ids.size()))),
        QMessageBox::Cancel, m_dialogParent);
    box->setInformativeText(tr("Deleted runs are only marked as deleted, as MLflow does: nothing is removed "
                               "from disk, and View \u2192 Show Deleted Runs lets you restore them."));
    box->addButton(tr("Delete"), QMessageBox::DestructiveRole);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::buttonClicked, this, [this, box, ids](QAbstractButton* button) {
        if (box->buttonRole(button) == QMessageBox::DestructiveRole)
            deleteRuns(ids);
    });
    m_dialog = box;
    box->open();
}

void RunEditor::askRestore()
{
    QStringList ids;
    for (const Target& t : m_targets) {
        if (t.deleted)
            ids << t.runId;
    }
    restoreRuns(ids); // undoing a soft delete needs no confirmation
}

} // namespace runlens
