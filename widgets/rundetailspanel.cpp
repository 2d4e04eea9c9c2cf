// SPDX-License-Identifier: Apache-2.0
#include "rundetailspanel.h"

#include "artifactbrowser.h"
#include "artifacttreemodel.h"
#include "rundetailsmetricsmodel.h"
#include "rundetailsmodel.h"
#include "text/numberformat.h"

#include <QApplication>
#include <QClipboard>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QScrollArea>
#include <QSortFilterProxyModel>
#include <QStandardItemModel>
#include <QTabWidget>
#include <QTableView>
#include <QTextBrowser>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace runlens {

namespace {

constexpr const char* kNoteTag = "mlflow.note.content";

QString toQString(const std::string& s)
{
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

QLabel* valueLabel(QWidget* parent)
{
    auto* label = new QLabel(parent);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::LinksAccessibleByMouse);
    label->setWordWrap(true);
    return label;
}

QTableView* tableView(QWidget* parent)
{
    auto* view = new QTableView(parent);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSortingEnabled(true);
    view->setWordWrap(false);
    view->verticalHeader()->hide();
    view->horizontalHeader()->setStretchLastSection(true);
    return view;
}

QString timeText(const std::optional<std::int64_t>& millis)
{
    return millis ? toQString(formatTimestampUtc(*millis)) : QStringLiteral("—");
}

QString linkText(const RunLink& link)
{
    const QString name = link.runName.empty() ? toQString(link.runId) : toQString(link.runName);
    return QStringLiteral("<a href=\"%1\">%2</a>").arg(toQString(link.runId).toHtmlEscaped(), name.toHtmlEscaped());
}

} // namespace

RunDetailsPanel::RunDetailsPanel(StoreSession* session, QWidget* parent)
    : QWidget(parent)
    , m_model(new RunDetailsModel(session, this))
    , m_heading(new QLabel(this))
    , m_status(new QLabel(this))
    , m_tabs(new QTabWidget(this))
{
    QFont headingFont = m_heading->font();
    headingFont.setPointSizeF(headingFont.pointSizeF() * 1.3);
    headingFont.setBold(true);
    m_heading->setFont(headingFont);
    m_heading->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setWordWrap(true);

    // Overview
    auto* overview = new QWidget(this);
    m_form = new QFormLayout;
    m_name = valueLabel(overview);
    m_id = valueLabel(overview);
    m_id->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    auto* copyId = new QToolButton(overview);
    copyId->setText(tr("Copy"));
    copyId->setToolTip(tr("Copy the run id"));
    connect(copyId, &QToolButton::clicked, this, [this] { QApplication::clipboard()->setText(m_id->text()); });
    auto* idRow = new QHBoxLayout;
    idRow->addWidget(m_id, 1);
    idRow->addWidget(copyId);
    m_runStatus = valueLabel(overview);
    m_start = valueLabel(overview);
    m_end = valueLabel(overview);
    m_duration = valueLabel(overview);
    m_user = valueLabel(overview);
    m_source = valueLabel(overview);
    m_lifecycle = valueLabel(overview);
    m_experiment = valueLabel(overview);
    m_parent = valueLabel(overview);
    m_parent->setTextFormat(Qt::RichText);
    connect(m_parent, &QLabel::linkActivated, this,
        [this](const QString& runId) { Q_EMIT runActivated(runId.toStdString()); });
    m_children = new QListWidget(overview);
    m_children->setMaximumHeight(120);
    connect(m_children, &QListWidget::itemActivated, this,
        [this](QListWidgetItem* item) { Q_EMIT runActivated(item->data(Qt::UserRole).toString().toStdString()); });
    m_form->addRow(tr("Name"), m_name);
    m_form->addRow(tr("Run ID"), idRow);
    m_form->addRow(tr("Status"), m_runStatus);
    m_form->addRow(tr("Started"), m_start);
    m_form->addRow(tr("Ended"), m_end);
    m_form->addRow(tr("Duration"), m_duration);
    m_form->addRow(tr("User"), m_user);
    m_form->addRow(tr("Source"), m_source);
    m_form->addRow(tr("Lifecycle"), m_lifecycle);
    m_form->addRow(tr("Experiment"), m_experiment);
    m_form->addRow(tr("Parent run"), m_parent);
    m_form->addRow(tr("Child runs"), m_children);
    auto* overviewLayout = new QVBoxLayout(overview);
    overviewLayout->addLayout(m_form);
    overviewLayout->addStretch(1);
    // The overview scrolls in a short window rather than set the whole window's minimum height.
    auto* overviewScroll = new QScrollArea(this);
    overviewScroll->setWidgetResizable(true);
    // Only up and down: long values are cut at the panel's edge, as before, not scrolled sideways.
    overviewScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    overview->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    overviewScroll->setFrameShape(QFrame::NoFrame);
    overviewScroll->setWidget(overview);
    m_tabs->addTab(overviewScroll, tr("Overview"));

    // Description
    m_description = new QTextBrowser(this);
    m_description->setOpenExternalLinks(true);
    m_tabs->addTab(m_description, tr("Description"));

    // Parameters
    auto* paramsPage = new QWidget(this);
    m_paramsFilter = new QLineEdit(paramsPage);
    m_paramsFilter->setPlaceholderText(tr("Search parameters"));
    m_paramsFilter->setClearButtonEnabled(true);
    m_params = new QStandardItemModel(0, 2, this);
    m_params->setHorizontalHeaderLabels({tr("Parameter"), tr("Value")});
    auto* paramsProxy = new QSortFilterProxyModel(this);
    paramsProxy->setSourceModel(m_params);
    paramsProxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    paramsProxy->setFilterKeyColumn(-1); // key or value
    connect(m_paramsFilter, &QLineEdit::textChanged, paramsProxy, &QSortFilterProxyModel::setFilterFixedString);
    m_paramsView = tableView(paramsPage);
    m_paramsView->setModel(paramsProxy);
    m_paramsView->sortByColumn(0, Qt::AscendingOrder);
    auto* paramsLayout = new QVBoxLayout(paramsPage);
    paramsLayout->addWidget(m_paramsFilter);
    paramsLayout->addWidget(m_paramsView);
    m_tabs->addTab(paramsPage, tr("Parameters"));

    // Metrics
    auto* metricsProxy = new QSortFilterProxyModel(this);
    metricsProxy->setSourceModel(m_model->metricsModel());
    metricsProxy->setSortRole(RunDetailsMetricsModel::SortRole);
    m_metricsView = tableView(this);
    m_metricsView->setModel(metricsProxy);
    m_metricsView->horizontalHeader()->setStretchLastSection(false);
    m_metricsView->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_metricsView->sortByColumn(0, Qt::AscendingOrder);
    m_tabs->addTab(m_metricsView, tr("Metrics"));

    // Tags
    m_tags = new QTreeWidget(this);
    m_tags->setHeaderLabels({tr("Tag"), tr("Value")});
    m_tags->setRootIsDecorated(true);
    m_tags->setUniformRowHeights(true);
    m_tags->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_tabs->addTab(m_tags, tr("Tags"));

    // Datasets
    m_datasets = new QStandardItemModel(0, 5, this);
    m_datasets->setHorizontalHeaderLabels({tr("Name"), tr("Digest"), tr("Context"), tr("Source type"), tr("Source")});
    m_datasetsView = tableView(this);
    m_datasetsView->setModel(m_datasets);
    m_datasetsView->setSortingEnabled(false);
    m_tabs->addTab(m_datasetsView, tr("Datasets"));

    // Logged models (MLflow 3) the run produced or used; double-click opens one in the Models view.
    m_loggedModels = new QStandardItemModel(0, 3, this);
    m_loggedModels->setHorizontalHeaderLabels({tr("Logged model"), tr("Role"), tr("Step")});
    m_loggedModelsView = tableView(this);
    m_loggedModelsView->setObjectName(QStringLiteral("runLoggedModels"));
    m_loggedModelsView->setModel(m_loggedModels);
    m_loggedModelsView->setSortingEnabled(false);
    m_tabs->addTab(m_loggedModelsView, tr("Models"));
    connect(m_loggedModelsView, &QTableView::doubleClicked, this,
        [this](const QModelIndex& index) { Q_EMIT loggedModelActivated(index.siblingAtColumn(0).data().toString()); });

    // Artifacts
    m_artifacts = new ArtifactBrowser(session, this);
    m_tabs->addTab(m_artifacts, tr("Artifacts"));

    auto* layout = new QVBoxLayout(this);
    m_editButton = new QToolButton(this);
    m_editButton->setObjectName(QStringLiteral("editButton"));
    m_editButton->setText(tr("Edit"));
    m_editButton->setToolTip(tr("Rename, tag, describe, delete or restore the selected runs"));
    m_editButton->setPopupMode(QToolButton::InstantPopup);
    m_editButton->setMenu(new QMenu(m_editButton));
    m_editButton->hide();
    auto* headingRow = new QHBoxLayout;
    headingRow->addWidget(m_heading, 1);
    headingRow->addWidget(m_editButton, 0, Qt::AlignTop);
    layout->addLayout(headingRow);
    layout->addWidget(m_status);
    layout->addWidget(m_tabs, 1);

    connect(m_model, &RunDetailsModel::runLoaded, this, &RunDetailsPanel::fillRun);
    connect(m_model, &RunDetailsModel::linksLoaded, this, &RunDetailsPanel::fillLinks);
    connect(m_model, &RunDetailsModel::runFailed, this, [this](const QString& message) {
        m_status->setText(tr("Could not load the run: %1").arg(message));
        m_status->show();
    });
    showRun({});
}

void RunDetailsPanel::setEditActions(const QList<QAction*>& actions)
{
    QMenu* menu = m_editButton->menu();
    menu->clear();
    menu->addActions(actions);
    m_editButton->setVisible(!actions.isEmpty());
}

const std::string& RunDetailsPanel::shownRunId() const
{
    return m_artifacts->model()->runId(); // every run shown is given to the artifacts first
}

void RunDetailsPanel::showRun(const std::string& runId)
{
    if (!runId.empty() && runId == shownRunId()) {
        // The same run again (a live refresh): read it anew and update in place, so the artifact
        // tree keeps its expanded folders, selection and preview, and nothing flickers empty.
        m_artifacts->refresh();
        m_model->showRun(runId);
        return;
    }
    m_heading->setText(runId.empty() ? tr("No run selected") : tr("Loading…"));
    m_status->clear();
    m_status->setVisible(!runId.empty());
    if (!runId.empty())
        m_status->setText(tr("Loading run %1…").arg(toQString(runId)));
    for (QLabel* label :
        {m_name, m_id, m_runStatus, m_start, m_end, m_duration, m_user, m_source, m_lifecycle, m_experiment, m_parent})
        label->clear();
    m_children->clear();
    m_description->clear();
    m_params->removeRows(0, m_params->rowCount());
    m_tags->clear();
    m_datasets->removeRows(0, m_datasets->rowCount());
    m_loggedModels->removeRows(0, m_loggedModels->rowCount());
    m_artifacts->setRun(runId);
    setEnabled(true);
    m_model->showRun(runId);
}

void RunDetailsPanel::fillRun()
{
    const Run* run = m_model->run();
    if (!run)
        return;
    const RunInfo& info = run->info;
    m_status->hide();
    m_heading->setText(info.runName.empty() ? toQString(info.runId) : toQString(info.runName));
    m_name->setText(toQString(info.runName));
    m_id->setText(toQString(info.runId));
    m_runStatus->setText(toQString(std::string(runStatusName(info.status))));
    m_start->setText(timeText(info.startTime));
    m_end->setText(timeText(info.endTime));
    if (info.startTime && info.endTime)
        m_duration->setText(toQString(formatDuration(*info.endTime - *info.startTime)));
    else
        m_duration->setText(QStringLiteral("—"));
    m_user->setText(toQString(info.userId));
    const std::string* source = run->tag("mlflow.source.name");
    m_source->setText(source ? toQString(*source) : QStringLiteral("—"));
    m_lifecycle->setText(toQString(std::string(lifecycleStageName(info.lifecycleStage))));
    m_experiment->setText(toQString(info.experimentId));
    m_parent->setText(run->tag("mlflow.parentRunId") ? tr("Loading…") : QStringLiteral("—"));

    const std::string* note = run->tag(kNoteTag);
    if (note && !note->empty())
        m_description->setMarkdown(toQString(*note));
    else
        m_description->setPlainText(tr("This run has no description."));

    for (const KeyValue& param : run->params)
        m_params->appendRow({new QStandardItem(toQString(param.key)), new QStandardItem(toQString(param.value))});
    m_paramsView->resizeColumnToContents(0);

    // User tags first; MLflow's own (mlflow.*) in a group the user can fold away.
    auto* system = new QTreeWidgetItem(QStringList {tr("System tags (mlflow.*)")});
    QFont bold = system->font(0);
    bold.setBold(true);
    system->setFont(0, bold);
    system->setFirstColumnSpanned(false);
    for (const KeyValue& tag : run->tags) {
        QString value = toQString(tag.value);
        auto* item = new QTreeWidgetItem(QStringList {toQString(tag.key), value.section(QLatin1Char('\n'), 0, 0)});
        item->setToolTip(1, value.left(4000));
        if (tag.key.rfind("mlflow.", 0) == 0)
            system->addChild(item);
        else
            m_tags->addTopLevelItem(item);
    }
    if (system->childCount() > 0) {
        m_tags->addTopLevelItem(system);
        system->setExpanded(false);
    } else {
        delete system;
    }

    for (const DatasetInput& input : run->inputs) {
        const std::string* context = findValue(input.tags, "mlflow.data.context");
        m_datasets->appendRow(
            {new QStandardItem(toQString(input.dataset.name)), new QStandardItem(toQString(input.dataset.digest)),
                new QStandardItem(context ? toQString(*context) : QString()),
                new QStandardItem(toQString(input.dataset.sourceType)),
                new QStandardItem(toQString(input.dataset.source))});
    }
    m_datasetsView->resizeColumnsToContents();

    for (const ModelOutput& output : run->modelOutputs) {
        m_loggedModels->appendRow({new QStandardItem(toQString(output.modelId)), new QStandardItem(tr("output")),
            new QStandardItem(QString::number(output.step))});
    }
    for (const ModelInput& input : run->modelInputs) {
        m_loggedModels->appendRow(
            {new QStandardItem(toQString(input.modelId)), new QStandardItem(tr("input")), new QStandardItem()});
    }
    m_loggedModelsView->resizeColumnsToContents();
}

void RunDetailsPanel::fillLinks()
{
    const RunLink& parent = m_model->parentRun();
    m_parent->setText(parent.runId.empty() ? QStringLiteral("—") : linkText(parent));
    m_children->clear();
    for (const RunLink& child : m_model->childRuns()) {
        auto* item = new QListWidgetItem(child.runName.empty() ? toQString(child.runId) : toQString(child.runName));
        item->setData(Qt::UserRole, toQString(child.runId));
        item->setToolTip(toQString(child.runId));
        m_children->addItem(item);
    }
    m_children->setVisible(m_children->count() > 0);
    if (QWidget* label = m_form->labelForField(m_children))
        label->setVisible(m_children->count() > 0);
}

} // namespace runlens
