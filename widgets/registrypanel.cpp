// SPDX-License-Identifier: Apache-2.0
#include "registrypanel.h"

#include "text/numberformat.h"

#include "aliasdialog.h"
#include "auditlog.h"
#include "auditlogview.h"
#include "modelversionsmodel.h"
#include "readonlynote.h"
#include "registrymodel.h"
#include "stagetransitiondialog.h"
#include "store.h"
#include "storesession.h"

#include <QComboBox>
#include <QDateTime>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <map>
#include <set>

namespace runlens {

namespace {

QString q(const std::string& s)
{
    return QString::fromStdString(s);
}

std::string s(const QString& text)
{
    return text.toStdString();
}

QString errorText(const StoreError& e)
{
    return q(e.toString());
}

/** Runs work on a worker and hands its result to done on the receiver's thread, unless the receiver is gone. */
template<typename T>
void runAsync(QObject* receiver, std::function<T()> work, std::function<void(T)> done)
{
    auto* watcher = new QFutureWatcher<T>(receiver);
    QObject::connect(watcher, &QFutureWatcher<T>::finished, receiver, [watcher, done] {
        watcher->deleteLater();
        done(watcher->result());
    });
    watcher->setFuture(QtConcurrent::run(std::move(work)));
}

QString versionText(std::optional<qint64> v)
{
    return v ? QStringLiteral("v%1").arg(*v) : QString();
}

std::optional<qint64> aliasTarget(const std::vector<ModelVersion>& versions, const std::string& alias)
{
    for (const ModelVersion& v : versions)
        for (const std::string& a : v.aliases)
            if (a == alias)
                return v.version;
    return std::nullopt;
}

struct ComparePair
{
    std::optional<Run> left;
    std::optional<Run> right;
    QString error;
};

} // namespace

RegistryPanel::RegistryPanel(StoreSession* session, QWidget* parent)
    : QWidget(parent)
    , m_session(session)
    , m_auditPath(AuditLog::defaultPath())
    , m_models(new RegistryModel(this))
    , m_modelsProxy(new QSortFilterProxyModel(this))
    , m_versions(new ModelVersionsModel(this))
{
    buildUi();
    if (m_session) {
        connect(
            m_session, &StoreSession::opened, this, [this](const QString& uri) { setStore(m_session->store(), uri); });
        connect(m_session, &StoreSession::opening, this, [this] { setStore(nullptr, QString()); });
        if (m_session->isOpen())
            setStore(m_session->store(), m_session->uri());
    }
    setStore(m_store, m_uri);
}

void RegistryPanel::buildUi()
{
    m_readOnly = new QLabel(this);
    m_readOnly->setWordWrap(true);
    m_readOnly->setForegroundRole(QPalette::PlaceholderText);
    m_message = new QLabel(this);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->setAutoFillBackground(true);
    m_message->setBackgroundRole(QPalette::AlternateBase);
    m_message->setMargin(6);
    m_message->hide();

    m_search = new QLineEdit(this);
    m_search->setPlaceholderText(tr("Search models, aliases, tags…"));
    m_search->setClearButtonEnabled(true);
    m_modelsProxy->setSourceModel(m_models);
    m_modelsProxy->setFilterRole(RegistryModel::SearchTextRole);
    m_modelsProxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    connect(m_search, &QLineEdit::textChanged, m_modelsProxy, &QSortFilterProxyModel::setFilterFixedString);

    m_modelsView = new QTableView(this);
    m_modelsView->setModel(m_modelsProxy);
    m_modelsView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_modelsView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_modelsView->verticalHeader()->hide();
    m_modelsView->horizontalHeader()->setStretchLastSection(true);
    m_modelsView->setWordWrap(false);
    connect(m_modelsView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
        &RegistryPanel::onModelSelectionChanged);

    m_title = new QLabel(this);
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.2);
    m_title->setFont(titleFont);
    m_details = new QLabel(this);
    m_details->setWordWrap(true);
    m_details->setTextFormat(Qt::PlainText);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_modelDescription = new QPushButton(tr("Edit description…"), this);
    m_modelTag = new QPushButton(tr("Set tag…"), this);
    m_modelDeleteTag = new QPushButton(tr("Delete tag…"), this);
    connect(m_modelDescription, &QPushButton::clicked, this, [this] { askDescription(false); });
    connect(m_modelTag, &QPushButton::clicked, this, [this] { askTag(false); });
    connect(m_modelDeleteTag, &QPushButton::clicked, this, [this] { askDeleteTag(false); });
    auto* modelButtons = new QHBoxLayout;
    modelButtons->addWidget(m_modelDescription);
    modelButtons->addWidget(m_modelTag);
    modelButtons->addWidget(m_modelDeleteTag);
    modelButtons->addStretch();

    m_versionsView = new QTableView(this);
    m_versionsView->setModel(m_versions);
    m_versionsView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_versionsView->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_versionsView->verticalHeader()->hide();
    m_versionsView->horizontalHeader()->setStretchLastSection(true);
    m_versionsView->setWordWrap(false);
    connect(m_versionsView, &QTableView::clicked, this, [this](const QModelIndex& index) {
        if (index.column() == ModelVersionsModel::LoggedModelColumn) {
            const QString modelId = index.data(ModelVersionsModel::LoggedModelIdRole).toString();
            if (!modelId.isEmpty())
                Q_EMIT loggedModelActivated(modelId);
            return;
        }
        if (index.column() != ModelVersionsModel::SourceRunColumn)
            return;
        const QString runId = index.data(ModelVersionsModel::RunIdRole).toString();
        if (!runId.isEmpty())
            Q_EMIT runActivated(s(runId));
    });
    connect(
        m_versionsView->selectionModel(), &QItemSelectionModel::selectionChanged, this, &RegistryPanel::updateActions);

    m_alias = new QPushButton(tr("Set alias…"), this);
    m_deleteAlias = new QPushButton(tr("Delete alias…"), this);
    m_stage = new QPushButton(tr("Move to stage…"), this);
    m_versionDescription = new QPushButton(tr("Edit description…"), this);
    m_versionTag = new QPushButton(tr("Set tag…"), this);
    m_versionDeleteTag = new QPushButton(tr("Delete tag…"), this);
    m_compare = new QPushButton(tr("Compare"), this);
    m_compare->setToolTip(tr("Select two versions to compare their source runs"));
    connect(m_alias, &QPushButton::clicked, this, &RegistryPanel::askAlias);
    connect(m_deleteAlias, &QPushButton::clicked, this, &RegistryPanel::askDeleteAlias);
    connect(m_stage, &QPushButton::clicked, this, &RegistryPanel::askStage);
    connect(m_versionDescription, &QPushButton::clicked, this, [this] { askDescription(true); });
    connect(m_versionTag, &QPushButton::clicked, this, [this] { askTag(true); });
    connect(m_versionDeleteTag, &QPushButton::clicked, this, [this] { askDeleteTag(true); });
    connect(m_compare, &QPushButton::clicked, this, [this] {
        const QList<qint64> two = selectedVersions();
        if (two.size() == 2)
            compareVersions(std::min(two[0], two[1]), std::max(two[0], two[1]));
    });
    auto* versionButtons = new QHBoxLayout;
    for (QPushButton* b : {m_alias, m_deleteAlias, m_stage, m_versionDescription, m_versionTag, m_versionDeleteTag})
        versionButtons->addWidget(b);
    versionButtons->addStretch();
    versionButtons->addWidget(m_compare);

    auto* left = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_search);
    leftLayout->addWidget(m_modelsView);

    auto* right = new QWidget(this);
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(m_title);
    rightLayout->addWidget(m_details);
    rightLayout->addLayout(modelButtons);
    auto* versionsLabel = new QLabel(tr("Versions"), right);
    versionsLabel->setFont(m_title->font());
    rightLayout->addWidget(versionsLabel);
    rightLayout->addWidget(m_versionsView, 1);
    rightLayout->addLayout(versionButtons);

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(left);
    splitter->addWidget(right);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);

    m_auditView = new AuditLogView(this);
    m_tabs = new QTabWidget(this);
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(splitter, tr("Models"));
    m_tabs->addTab(m_auditView, tr("Audit log"));
    connect(m_tabs, &QTabWidget::currentChanged, this, [this](int index) {
        if (m_tabs->widget(index) == m_auditView)
            m_auditView->setLogPath(m_auditPath);
    });

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_readOnly);
    layout->addWidget(m_message);
    layout->addWidget(m_tabs, 1);
}

void RegistryPanel::setStore(std::shared_ptr<Store> store, const QString& uri)
{
    m_store = std::move(store);
    m_uri = uri;
    ++m_storeGeneration;
    m_writing = false;
    m_readOnlyReason = ReadOnlyNote::reason(m_store.get(), ReadOnlyNote::Edits::Registry, uri);
    m_readOnly->setText(readOnlyNote());
    m_readOnly->setVisible(m_store && !m_readOnlyReason.isEmpty());
    m_message->hide();
    m_models->setModels({});
    m_versions->setVersions({});
    m_currentModel.clear();
    showModelDetails();
    updateActions();
    if (m_store)
        reload();
}

void RegistryPanel::setAuditLogPath(const QString& path)
{
    m_auditPath = path;
    if (m_tabs->currentWidget() == m_auditView)
        m_auditView->setLogPath(path);
}

QString RegistryPanel::readOnlyNote() const
{
    return ReadOnlyNote::sentence(m_readOnlyReason);
}

QString RegistryPanel::messageText() const
{
    return m_message->isVisible() || !m_message->isHidden() ? m_message->text() : QString();
}

bool RegistryPanel::canWrite() const
{
    return m_store && m_readOnlyReason.isEmpty() && !m_writing;
}

void RegistryPanel::showMessage(const QString& text, bool error)
{
    m_message->setText(text);
    m_message->setForegroundRole(error ? QPalette::BrightText : QPalette::WindowText);
    m_message->setBackgroundRole(error ? QPalette::Highlight : QPalette::AlternateBase);
    m_message->setVisible(!text.isEmpty());
}

void RegistryPanel::reload()
{
    if (!m_store)
        return;
    const quint64 generation = ++m_modelsGeneration;
    const quint64 storeGeneration = m_storeGeneration;
    std::shared_ptr<Store> store = m_store;
    runAsync<Result<std::vector<RegisteredModel>>>(
        this, [store] { return store->registeredModels(); },
        [this, generation, storeGeneration](Result<std::vector<RegisteredModel>> r) {
            if (generation != m_modelsGeneration || storeGeneration != m_storeGeneration)
                return; // superseded
            if (!r) {
                showMessage(tr("Cannot list registered models: %1").arg(errorText(r.error())), true);
                Q_EMIT modelsLoaded();
                return;
            }
            const QString keep = m_currentModel;
            m_models->setModels(std::move(r).value());
            m_modelsView->resizeColumnsToContents();
            int row = m_models->rowOf(keep);
            if (row < 0 && m_models->rowCount() > 0)
                row = 0;
            if (row >= 0) {
                const QModelIndex proxy = m_modelsProxy->mapFromSource(m_models->index(row, 0));
                if (proxy.isValid())
                    m_modelsView->selectionModel()->setCurrentIndex(
                        proxy, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
            }
            // The selection may not have changed (same model): its details and versions still must.
            m_currentModel = row >= 0 ? q(m_models->modelAt(row)->name) : QString();
            showModelDetails();
            loadVersions();
            Q_EMIT modelsLoaded();
        });
}

void RegistryPanel::selectModel(const QString& name)
{
    const int row = m_models->rowOf(name);
    if (row < 0)
        return;
    const QModelIndex proxy = m_modelsProxy->mapFromSource(m_models->index(row, 0));
    if (proxy.isValid())
        m_modelsView->selectionModel()->setCurrentIndex(
            proxy, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
}

void RegistryPanel::setSearchText(const QString& text)
{
    m_search->setText(text);
}

void RegistryPanel::onModelSelectionChanged()
{
    const QModelIndex current = m_modelsProxy->mapToSource(m_modelsView->selectionModel()->currentIndex());
    const RegisteredModel* m = current.isValid() ? m_models->modelAt(current.row()) : nullptr;
    const QString name = m ? q(m->name) : QString();
    if (name == m_currentModel)
        return;
    m_currentModel = name;
    showModelDetails();
    m_versions->setVersions({});
    loadVersions();
}

void RegistryPanel::loadVersions()
{
    const quint64 generation = ++m_versionsGeneration;
    if (!m_store || m_currentModel.isEmpty()) {
        m_versions->setVersions({});
        updateActions();
        return;
    }
    const qint64 keep = selectedVersion();
    std::shared_ptr<Store> store = m_store;
    const std::string model = s(m_currentModel);
    runAsync<Result<std::vector<ModelVersion>>>(
        this, [store, model] { return store->modelVersions(model); },
        [this, generation, keep](Result<std::vector<ModelVersion>> r) {
            if (generation != m_versionsGeneration)
                return;
            if (!r) {
                m_versions->setVersions({});
                showMessage(tr("Cannot list the versions of %1: %2").arg(m_currentModel, errorText(r.error())), true);
            } else {
                m_versions->setVersions(std::move(r).value());
                m_versionsView->resizeColumnsToContents();
                const int row = m_versions->rowOf(keep);
                m_versionsView->selectionModel()->setCurrentIndex(m_versions->index(row >= 0 ? row : 0, 0),
                    QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
                loadRunNames();
            }
            updateActions();
            Q_EMIT versionsLoaded();
        });
}

void RegistryPanel::loadRunNames()
{
    std::vector<std::string> ids;
    for (const ModelVersion& v : m_versions->versions()) {
        if (v.runId && std::find(ids.begin(), ids.end(), *v.runId) == ids.end())
            ids.push_back(*v.runId);
    }
    if (ids.empty())
        return;
    const quint64 generation = m_versionsGeneration;
    std::shared_ptr<Store> store = m_store;
    // A run that cannot be read (deleted for good, or another server's) keeps showing its id.
    runAsync<QHash<QString, QString>>(
        this,
        [store, ids] {
            QHash<QString, QString> names;
            for (const std::string& id : ids) {
                if (auto run = store->run(id); run && !run.value().info.runName.empty())
                    names.insert(q(id), q(run.value().info.runName));
            }
            return names;
        },
        [this, generation](const QHash<QString, QString>& names) {
            if (generation != m_versionsGeneration)
                return;
            m_versions->setRunNames(names);
            m_versionsView->resizeColumnToContents(ModelVersionsModel::SourceRunColumn);
            Q_EMIT runNamesLoaded();
        });
}

void RegistryPanel::showModelDetails()
{
    const int row = m_models->rowOf(m_currentModel);
    const RegisteredModel* m = m_models->modelAt(row);
    if (!m) {
        m_title->setText(m_store ? tr("No registered model selected") : tr("No store open"));
        m_details->clear();
        return;
    }
    m_title->setText(q(m->name));
    QStringList lines;
    const QString aliases = RegistryModel::aliasesText(*m);
    lines.append(tr("Aliases: %1").arg(aliases.isEmpty() ? tr("none") : aliases));
    const QString latest = RegistryModel::latestText(*m);
    lines.append(tr("Latest per stage: %1").arg(latest.isEmpty() ? tr("no versions") : latest));
    const QString tags = RegistryModel::tagsText(m->tags);
    lines.append(tr("Tags: %1").arg(tags.isEmpty() ? tr("none") : tags));
    lines.append(m->description && !m->description->empty() ? q(*m->description) : tr("No description."));
    m_details->setText(lines.join(QLatin1Char('\n')));
}

qint64 RegistryPanel::selectedVersion() const
{
    const QModelIndex current = m_versionsView->selectionModel()->currentIndex();
    if (!current.isValid() || !m_versionsView->selectionModel()->isRowSelected(current.row(), {}))
        return -1;
    return current.data(ModelVersionsModel::VersionRole).value<qint64>();
}

QList<qint64> RegistryPanel::selectedVersions() const
{
    QList<qint64> out;
    for (const QModelIndex& index : m_versionsView->selectionModel()->selectedRows())
        out.append(index.data(ModelVersionsModel::VersionRole).value<qint64>());
    return out;
}

void RegistryPanel::updateActions()
{
    const bool write = canWrite();
    const bool model = !m_currentModel.isEmpty();
    const bool oneVersion = selectedVersions().size() == 1;
    const RegisteredModel* m = m_models->modelAt(m_models->rowOf(m_currentModel));
    m_modelDescription->setEnabled(write && model);
    m_modelTag->setEnabled(write && model);
    m_modelDeleteTag->setEnabled(write && m && !m->tags.empty());
    m_alias->setEnabled(write && model && m_versions->rowCount() > 0);
    m_deleteAlias->setEnabled(write && m && !m->aliases.empty());
    m_stage->setEnabled(write && oneVersion);
    m_versionDescription->setEnabled(write && oneVersion);
    m_versionTag->setEnabled(write && oneVersion);
    const ModelVersion* v = oneVersion ? m_versions->versionAt(m_versions->rowOf(selectedVersion())) : nullptr;
    m_versionDeleteTag->setEnabled(write && v && !v->tags.empty());
    m_compare->setEnabled(m_store && selectedVersions().size() == 2);
    const QString why = m_readOnlyReason.isEmpty() ? QString() : readOnlyNote();
    for (QPushButton* b : {m_modelDescription, m_modelTag, m_modelDeleteTag, m_alias, m_deleteAlias, m_stage,
             m_versionDescription, m_versionTag, m_versionDeleteTag})
        b->setToolTip(why);
}

void RegistryPanel::runWrite(const QString& what, WriteWork work)
{
    if (!canWrite()) {
        const QString why = m_writing ? tr("another change is still being written") : readOnlyNote();
        showMessage(tr("%1: not done, %2").arg(what, why), true);
        Q_EMIT writeFinished(false, why);
        return;
    }
    m_writing = true;
    updateActions();
    const quint64 storeGeneration = m_storeGeneration;
    std::shared_ptr<Store> store = m_store;
    runAsync<WriteOutcome>(
        this, [store, work] { return work(*store); },
        [this, what, storeGeneration](WriteOutcome outcome) {
            if (storeGeneration != m_storeGeneration)
                return; // another store is shown now
            m_writing = false;
            const QString text = outcome.ok ? (outcome.message.isEmpty() ? what : outcome.message)
                                            : tr("%1 failed: %2").arg(what, outcome.message);
            showMessage(text, !outcome.ok);
            if (m_tabs->currentWidget() == m_auditView)
                m_auditView->reload();
            reload();
            updateActions();
            Q_EMIT writeFinished(outcome.ok, text);
        });
}

void RegistryPanel::transitionStage(qint64 version, const QString& stage, bool archiveExisting)
{
    const std::string model = s(m_currentModel);
    const QString uri = m_uri;
    const QString audit = m_auditPath;
    const std::string target = s(stage);
    runWrite(tr("Move %1 v%2 to %3").arg(m_currentModel).arg(version).arg(stage), [=](Store& store) -> WriteOutcome {
        // Read the stages before and after so the log records every version that moved,
        // including the ones archive_existing_versions archived.
        auto before = store.modelVersions(model);
        auto r = store.transitionModelVersionStage(model, version, target, archiveExisting);
        if (!r)
            return {false, errorText(r.error())};
        std::map<qint64, std::string> oldStages;
        if (before)
            for (const ModelVersion& v : *before)
                oldStages[v.version] = v.currentStage;
        auto after = store.modelVersions(model);
        QList<AuditEntry> entries;
        const QDateTime now = QDateTime::currentDateTimeUtc();
        const auto entry = [&](qint64 v, const std::string& from, const std::string& to) {
            entries.append({now, AuditLog::currentUser(), uri, q(model), v, QStringLiteral("stage"), q(from), q(to)});
        };
        entry(version, oldStages.count(version) ? oldStages[version] : std::string(), r->currentStage);
        if (after)
            for (const ModelVersion& v : *after)
                if (v.version != version && oldStages.count(v.version) && oldStages[v.version] != v.currentStage)
                    entry(v.version, oldStages[v.version], v.currentStage);
        QString error;
        if (!AuditLog(audit).append(entries, &error))
            return {true,
                QObject::tr("Moved v%1 to %2, but the audit log was not written: %3")
                    .arg(version)
                    .arg(q(r->currentStage), error)};
        QStringList archived;
        for (qsizetype i = 1; i < entries.size(); ++i)
            archived.append(QStringLiteral("v%1").arg(entries[i].version));
        return {true,
            archived.isEmpty() ? QObject::tr("Moved v%1 to %2.").arg(version).arg(q(r->currentStage))
                               : QObject::tr("Moved v%1 to %2 and archived %3.")
                                     .arg(version)
                                     .arg(q(r->currentStage), archived.join(QStringLiteral(", ")))};
    });
}

void RegistryPanel::setAlias(const QString& alias, qint64 version)
{
    const std::string model = s(m_currentModel);
    const QString uri = m_uri;
    const QString audit = m_auditPath;
    const std::string name = s(alias);
    runWrite(tr("Set @%1 of %2 to v%3").arg(alias, m_currentModel).arg(version), [=](Store& store) -> WriteOutcome {
        auto before = store.modelVersions(model);
        const std::optional<qint64> previous = before ? aliasTarget(*before, name) : std::nullopt;
        Status st = store.setModelAlias(model, name, version);
        if (!st)
            return {false, errorText(st.error())};
        QString error;
        const bool logged = AuditLog(audit).append(
            {{QDateTime::currentDateTimeUtc(), AuditLog::currentUser(), uri, q(model), version,
                QStringLiteral("alias @") + q(name), versionText(previous), versionText(version)}},
            &error);
        const QString done = previous && *previous != version
            ? QObject::tr("Moved @%1 from v%2 to v%3.").arg(q(name)).arg(*previous).arg(version)
            : QObject::tr("@%1 points to v%2.").arg(q(name)).arg(version);
        return {true, logged ? done : done + QObject::tr(" The audit log was not written: %1").arg(error)};
    });
}

void RegistryPanel::deleteAlias(const QString& alias)
{
    const std::string model = s(m_currentModel);
    const QString uri = m_uri;
    const QString audit = m_auditPath;
    const std::string name = s(alias);
    runWrite(tr("Delete @%1 of %2").arg(alias, m_currentModel), [=](Store& store) -> WriteOutcome {
        auto before = store.modelVersions(model);
        const std::optional<qint64> previous = before ? aliasTarget(*before, name) : std::nullopt;
        Status st = store.deleteModelAlias(model, name);
        if (!st)
            return {false, errorText(st.error())};
        if (!previous)
            return {true, QObject::tr("@%1 did not exist; nothing changed.").arg(q(name))};
        QString error;
        const bool logged = AuditLog(audit).append(
            {{QDateTime::currentDateTimeUtc(), AuditLog::currentUser(), uri, q(model), *previous,
                QStringLiteral("alias @") + q(name), versionText(previous), QString()}},
            &error);
        const QString done = QObject::tr("Deleted @%1 (it pointed to v%2).").arg(q(name)).arg(*previous);
        return {true, logged ? done : done + QObject::tr(" The audit log was not written: %1").arg(error)};
    });
}

void RegistryPanel::setModelDescription(const QString& description)
{
    const std::string model = s(m_currentModel);
    const std::string text = s(description);
    runWrite(tr("Edit the description of %1").arg(m_currentModel), [=](Store& store) -> WriteOutcome {
        Status st = store.updateRegisteredModelDescription(model, text);
        return st ? WriteOutcome {true, QObject::tr("Description of %1 saved.").arg(q(model))}
                  : WriteOutcome {false, errorText(st.error())};
    });
}

void RegistryPanel::setVersionDescription(qint64 version, const QString& description)
{
    const std::string model = s(m_currentModel);
    const std::string text = s(description);
    runWrite(tr("Edit the description of %1 v%2").arg(m_currentModel).arg(version), [=](Store& store) -> WriteOutcome {
        Status st = store.updateModelVersionDescription(model, version, text);
        return st ? WriteOutcome {true, QObject::tr("Description of %1 v%2 saved.").arg(q(model)).arg(version)}
                  : WriteOutcome {false, errorText(st.error())};
    });
}

void RegistryPanel::setModelTag(const QString& key, const QString& value)
{
    const std::string model = s(m_currentModel);
    const std::string k = s(key), v = s(value);
    runWrite(tr("Set tag %1 of %2").arg(key, m_currentModel), [=](Store& store) -> WriteOutcome {
        Status st = store.setRegisteredModelTag(model, k, v);
        return st ? WriteOutcome {true, QObject::tr("Tag %1 of %2 set.").arg(q(k), q(model))}
                  : WriteOutcome {false, errorText(st.error())};
    });
}

void RegistryPanel::deleteModelTag(const QString& key)
{
    const std::string model = s(m_currentModel);
    const std::string k = s(key);
    runWrite(tr("Delete tag %1 of %2").arg(key, m_currentModel), [=](Store& store) -> WriteOutcome {
        Status st = store.deleteRegisteredModelTag(model, k);
        return st ? WriteOutcome {true, QObject::tr("Tag %1 of %2 deleted.").arg(q(k), q(model))}
                  : WriteOutcome {false, errorText(st.error())};
    });
}

void RegistryPanel::setVersionTag(qint64 version, const QString& key, const QString& value)
{
    const std::string model = s(m_currentModel);
    const std::string k = s(key), v = s(value);
    runWrite(tr("Set tag %1 of %2 v%3").arg(key, m_currentModel).arg(version), [=](Store& store) -> WriteOutcome {
        Status st = store.setModelVersionTag(model, version, k, v);
        return st ? WriteOutcome {true, QObject::tr("Tag %1 of %2 v%3 set.").arg(q(k), q(model)).arg(version)}
                  : WriteOutcome {false, errorText(st.error())};
    });
}

void RegistryPanel::deleteVersionTag(qint64 version, const QString& key)
{
    const std::string model = s(m_currentModel);
    const std::string k = s(key);
    runWrite(tr("Delete tag %1 of %2 v%3").arg(key, m_currentModel).arg(version), [=](Store& store) -> WriteOutcome {
        Status st = store.deleteModelVersionTag(model, version, k);
        return st ? WriteOutcome {true, QObject::tr("Tag %1 of %2 v%3 deleted.").arg(q(k), q(model)).arg(version)}
                  : WriteOutcome {false, errorText(st.error())};
    });
}

QDialog* RegistryPanel::comparisonDialog() const
{
    return m_compareDialog;
}

QList<QStringList> RegistryPanel::comparisonRows(const Run* left, const Run* right)
{
    QList<QStringList> rows;
    std::set<std::string> keys;
    for (const Run* r : {left, right})
        if (r)
            for (const KeyValue& kv : r->params)
                keys.insert(kv.key);
    for (const std::string& key : keys) {
        const std::string* a = left ? left->param(key) : nullptr;
        const std::string* b = right ? right->param(key) : nullptr;
        rows.append({QStringLiteral("param"), q(key), a ? q(*a) : QString(), b ? q(*b) : QString()});
    }
    keys.clear();
    for (const Run* r : {left, right})
        if (r)
            for (const Metric& m : r->metrics)
                keys.insert(m.key);
    for (const std::string& key : keys) {
        const Metric* a = left ? left->metric(key) : nullptr;
        const Metric* b = right ? right->metric(key) : nullptr;
        rows.append({QStringLiteral("metric"), q(key), a ? q(formatNumber(a->point.value)) : QString(),
            b ? q(formatNumber(b->point.value)) : QString()});
    }
    return rows;
}

void RegistryPanel::compareVersions(qint64 left, qint64 right)
{
    const ModelVersion* a = m_versions->versionAt(m_versions->rowOf(left));
    const ModelVersion* b = m_versions->versionAt(m_versions->rowOf(right));
    if (!m_store || !a || !b)
        return;
    const std::optional<std::string> runA = a->runId, runB = b->runId;
    const QString model = m_currentModel;
    std::shared_ptr<Store> store = m_store;
    runAsync<ComparePair>(
        this,
        [store, runA, runB] {
            ComparePair pair;
            QStringList errors;
            const auto load = [&](const std::optional<std::string>& id, std::optional<Run>& out) {
                if (!id || id->empty())
                    return;
                auto r = store->run(*id);
                if (r)
                    out = std::move(r).value();
                else
                    errors.append(errorText(r.error()));
            };
            load(runA, pair.left);
            load(runB, pair.right);
            pair.error = errors.join(QLatin1Char('\n'));
            return pair;
        },
        [this, model, left, right](ComparePair pair) {
            if (!pair.error.isEmpty())
                showMessage(tr("Cannot load a source run: %1").arg(pair.error), true);
            const QList<QStringList> rows
                = comparisonRows(pair.left ? &*pair.left : nullptr, pair.right ? &*pair.right : nullptr);
            if (m_compareDialog)
                m_compareDialog->close();
            auto* dialog = new QDialog(this);
            dialog->setAttribute(Qt::WA_DeleteOnClose);
            dialog->setWindowTitle(tr("%1: v%2 and v%3 side by side").arg(model).arg(left).arg(right));
            auto* table = new QTableWidget(static_cast<int>(rows.size()), 4, dialog);
            const auto runLabel = [](qint64 v, const std::optional<Run>& r) {
                return r ? QStringLiteral("v%1 (%2)")
                               .arg(v)
                               .arg(q(r->info.runName.empty() ? r->info.runId : r->info.runName))
                         : QStringLiteral("v%1 (no run)").arg(v);
            };
            table->setHorizontalHeaderLabels(
                {tr("Kind"), tr("Key"), runLabel(left, pair.left), runLabel(right, pair.right)});
            table->verticalHeader()->hide();
            table->setEditTriggers(QAbstractItemView::NoEditTriggers);
            for (int r = 0; r < rows.size(); ++r) {
                const bool differs = rows[r][2] != rows[r][3];
                for (int c = 0; c < 4; ++c) {
                    auto* item = new QTableWidgetItem(rows[r][c]);
                    if (differs && c >= 2) {
                        QFont font = item->font();
                        font.setBold(true); // the values that differ are what a comparison is for
                        item->setFont(font);
                    }
                    table->setItem(r, c, item);
                }
            }
            table->resizeColumnsToContents();
            table->horizontalHeader()->setStretchLastSection(true);
            auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
            connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::close);
            auto* layout = new QVBoxLayout(dialog);
            layout->addWidget(new QLabel(tr("Differing values are in bold."), dialog));
            layout->addWidget(table);
            layout->addWidget(buttons);
            dialog->resize(760, 520);
            m_compareDialog = dialog;
            dialog->show();
            Q_EMIT comparisonReady(static_cast<int>(rows.size()));
        });
}

void RegistryPanel::askStage()
{
    const qint64 version = selectedVersion();
    if (version < 0)
        return;
    auto* dialog = new StageTransitionDialog(m_currentModel, m_versions->versions(), version, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this,
        [this, dialog, version] { transitionStage(version, dialog->stage(), dialog->archiveExisting()); });
    dialog->open();
}

void RegistryPanel::askAlias()
{
    const RegisteredModel* m = m_models->modelAt(m_models->rowOf(m_currentModel));
    if (!m)
        return;
    std::vector<qint64> versions;
    for (const ModelVersion& v : m_versions->versions())
        versions.push_back(v.version);
    auto* dialog = new AliasDialog(m_currentModel, m->aliases, versions, selectedVersion(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { setAlias(dialog->alias(), dialog->version()); });
    dialog->open();
}

void RegistryPanel::askDeleteAlias()
{
    const RegisteredModel* m = m_models->modelAt(m_models->rowOf(m_currentModel));
    if (!m || m->aliases.empty())
        return;
    QStringList items;
    for (const ModelAlias& a : m->aliases)
        items.append(QStringLiteral("%1 (v%2)").arg(q(a.alias)).arg(a.version));
    auto* dialog = new QInputDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Delete an alias of %1").arg(m_currentModel));
    dialog->setLabelText(tr("Alias to delete:"));
    dialog->setComboBoxItems(items);
    connect(dialog, &QInputDialog::textValueSelected, this,
        [this](const QString& item) { deleteAlias(item.section(QLatin1Char(' '), 0, 0)); });
    dialog->open();
}

void RegistryPanel::askDescription(bool forVersion)
{
    const qint64 version = forVersion ? selectedVersion() : -1;
    QString current;
    if (forVersion) {
        const ModelVersion* v = m_versions->versionAt(m_versions->rowOf(version));
        if (!v)
            return;
        current = q(v->description.value_or(std::string()));
    } else {
        const RegisteredModel* m = m_models->modelAt(m_models->rowOf(m_currentModel));
        if (!m)
            return;
        current = q(m->description.value_or(std::string()));
    }
    auto* dialog = new QInputDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setOption(QInputDialog::UsePlainTextEditForTextInput);
    dialog->setWindowTitle(forVersion ? tr("Description of %1 v%2").arg(m_currentModel).arg(version)
                                      : tr("Description of %1").arg(m_currentModel));
    dialog->setLabelText(tr("Description:"));
    dialog->setTextValue(current);
    connect(dialog, &QInputDialog::textValueSelected, this, [this, forVersion, version](const QString& text) {
        if (forVersion)
            setVersionDescription(version, text);
        else
            setModelDescription(text);
    });
    dialog->open();
}

void RegistryPanel::askTag(bool forVersion)
{
    const qint64 version = forVersion ? selectedVersion() : -1;
    std::vector<KeyValue> tags;
    if (forVersion) {
        const ModelVersion* v = m_versions->versionAt(m_versions->rowOf(version));
        if (!v)
            return;
        tags = v->tags;
    } else {
        const RegisteredModel* m = m_models->modelAt(m_models->rowOf(m_currentModel));
        if (!m)
            return;
        tags = m->tags;
    }
    auto* dialog = new QDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(forVersion ? tr("Set a tag of %1 v%2").arg(m_currentModel).arg(version)
                                      : tr("Set a tag of %1").arg(m_currentModel));
    auto* key = new QComboBox(dialog);
    key->setEditable(true);
    for (const KeyValue& kv : tags)
        key->addItem(q(kv.key), q(kv.value));
    key->setCurrentText(QString());
    auto* value = new QLineEdit(dialog);
    // Picking an existing key shows its value, so editing a tag starts from what is there.
    connect(key, &QComboBox::currentIndexChanged, dialog,
        [key, value](int i) { value->setText(key->itemData(i).toString()); });
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, dialog);
    buttons->button(QDialogButtonBox::Ok)->setEnabled(false);
    connect(key, &QComboBox::currentTextChanged, dialog, [buttons](const QString& text) {
        buttons->button(QDialogButtonBox::Ok)->setEnabled(!text.trimmed().isEmpty());
    });
    connect(buttons, &QDialogButtonBox::accepted, dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    auto* form = new QFormLayout(dialog);
    form->addRow(tr("Key:"), key);
    form->addRow(tr("Value:"), value);
    form->addRow(buttons);
    connect(dialog, &QDialog::accepted, this, [this, forVersion, version, key, value] {
        if (forVersion)
            setVersionTag(version, key->currentText().trimmed(), value->text());
        else
            setModelTag(key->currentText().trimmed(), value->text());
    });
    dialog->open();
}

void RegistryPanel::askDeleteTag(bool forVersion)
{
    const qint64 version = forVersion ? selectedVersion() : -1;
    QStringList keys;
    if (forVersion) {
        if (const ModelVersion* v = m_versions->versionAt(m_versions->rowOf(version)))
            for (const KeyValue& kv : v->tags)
                keys.append(q(kv.key));
    } else if (const RegisteredModel* m = m_models->modelAt(m_models->rowOf(m_currentModel))) {
        for (const KeyValue& kv : m->tags)
            keys.append(q(kv.key));
    }
    if (keys.isEmpty())
        return;
    auto* dialog = new QInputDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Delete a tag"));
    dialog->setLabelText(tr("Tag to delete:"));
    dialog->setComboBoxItems(keys);
    connect(dialog, &QInputDialog::textValueSelected, this, [this, forVersion, version](const QString& k) {
        if (forVersion)
            deleteVersionTag(version, k);
        else
            deleteModelTag(k);
    });
    dialog->open();
}

} // namespace runlens
