// SPDX-License-Identifier: Apache-2.0
#include "loggedmodelspanel.h"

#include "loggedmodeltablemodel.h"
#include "search/loggedmodelsearch.h"
#include "storesession.h"
#include "text/numberformat.h"

#include <QPointer>
#include <QtConcurrent>

#include <QDateTime>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QTextBrowser>
#include <QUrl>
#include <QVBoxLayout>

#include <algorithm>

namespace runlens {

namespace {

QString html(const std::string& s)
{
    return QString::fromStdString(s).toHtmlEscaped();
}

QString html(const std::optional<std::string>& s)
{
    return s ? html(*s) : QString();
}

// Missing values sort last in both directions, as MLflow orders logged models. An id filter
// (brushing in parallel coordinates) narrows the rows.
class ModelSortProxy final : public QSortFilterProxyModel
{
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;

    void setIdFilter(std::optional<QSet<QString>> ids)
    {
        m_ids = std::move(ids);
        invalidateRowsFilter();
    }

protected:
    bool filterAcceptsRow(int row, const QModelIndex& parent) const override
    {
        return !m_ids
            || m_ids->contains(
                sourceModel()->index(row, 0, parent).data(LoggedModelTableModel::ModelIdRole).toString());
    }

    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override
    {
        const QVariant a = left.data(LoggedModelTableModel::SortRole);
        const QVariant b = right.data(LoggedModelTableModel::SortRole);
        const bool aMissing = !a.isValid() || a.toString().isEmpty();
        const bool bMissing = !b.isValid() || b.toString().isEmpty();
        if (aMissing || bMissing) {
            if (aMissing == bMissing)
                return false;
            // The view reverses lessThan for descending order; keep missing values at the bottom.
            return sortOrder() == Qt::AscendingOrder ? bMissing : aMissing;
        }
        if (a.typeId() == QMetaType::Double || a.typeId() == QMetaType::LongLong)
            return a.toDouble() < b.toDouble();
        return QString::localeAwareCompare(a.toString(), b.toString()) < 0;
    }

private:
    std::optional<QSet<QString>> m_ids;
};

} // namespace

LoggedModelsPanel::LoggedModelsPanel(StoreSession* session, QWidget* parent)
    : QWidget(parent)
    , m_model(new LoggedModelTableModel(session, this))
    , m_proxy(new ModelSortProxy(this))
    , m_filter(new QLineEdit(this))
    , m_error(new QLabel(this))
    , m_status(new QLabel(this))
    , m_table(new QTableView(this))
    , m_details(new QTextBrowser(this))
    , m_splitter(new QSplitter(Qt::Horizontal, this))
    , m_session(session)
{
    setObjectName(QStringLiteral("loggedModelsPanel"));
    m_filter->setObjectName(QStringLiteral("loggedModelFilter"));
    m_filter->setPlaceholderText(tr("Filter models, e.g. metrics.accuracy > 0.9 AND params.lr = '0.01'  (Enter)"));
    m_filter->setClearButtonEnabled(true);
    m_error->setObjectName(QStringLiteral("loggedModelFilterError"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #b3261e;"));
    m_error->hide();
    m_status->setObjectName(QStringLiteral("loggedModelStatus"));
    m_status->setWordWrap(true);

    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(LoggedModelTableModel::SortRole);
    m_table->setObjectName(QStringLiteral("loggedModelTable"));
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(LoggedModelTableModel::CreatedColumn, Qt::DescendingOrder); // MLflow's order
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->setTextElideMode(Qt::ElideMiddle); // ids keep their ends readable
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionsMovable(true);
    m_table->horizontalHeader()->setHighlightSections(false);

    m_details->setObjectName(QStringLiteral("loggedModelDetails"));
    m_details->setOpenLinks(false);
    connect(m_details, &QTextBrowser::anchorClicked, this, [this](const QUrl& url) {
        if (url.scheme() == QLatin1String("run"))
            Q_EMIT runActivated(url.path());
    });

    m_splitter->addWidget(m_table);
    m_splitter->addWidget(m_details);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setChildrenCollapsible(false);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 0);
    layout->addWidget(m_filter);
    layout->addWidget(m_error);
    layout->addWidget(m_status);
    layout->addWidget(m_splitter, 1);

    connect(m_filter, &QLineEdit::returnPressed, this, [this] { applyFilter(m_filter->text()); });
    connect(m_model, &LoggedModelTableModel::loadingStarted, this,
        [this] { updateStatus(tr("Reading logged models\u2026")); });
    connect(m_model, &LoggedModelTableModel::loaded, this, [this](int models, int problems) {
        m_table->resizeColumnsToContents();
        // 32-hex ids need not push the metric columns off screen: a narrower column, the whole id
        // in the details; the user can widen it.
        const int idWidth = m_table->fontMetrics().horizontalAdvance(QStringLiteral("m-0123456789\u2026cdef")) + 12;
        for (int column : {int(LoggedModelTableModel::SourceRunColumn), int(LoggedModelTableModel::ModelIdColumn)})
            m_table->setColumnWidth(column, std::min(m_table->columnWidth(column), idWidth));
        QString text = models == 0
            ? (m_filter->text().trimmed().isEmpty()
                    ? tr("No logged models in this experiment. MLflow 3 logs one for each log_model(name=\u2026).")
                    : tr("No logged model matches the filter."))
            : (models == 1 ? tr("1 logged model") : tr("%1 logged models").arg(models));
        if (problems > 0)
            text += (problems == 1 ? tr(" \u2014 1 item could not be read (see View \u2192 Problems)")
                                   : tr(" \u2014 %1 items could not be read (see View \u2192 Problems)").arg(problems));
        updateStatus(text);
        showDetails();
    });
    connect(m_model, &LoggedModelTableModel::loadFailed, this,
        [this](const QString& message) { updateStatus(tr("Cannot read logged models: %1").arg(message)); });
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &LoggedModelsPanel::showDetails);
    connect(
        m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &LoggedModelsPanel::selectionChanged);
    updateStatus(tr("Select an experiment to see its logged models."));
    showDetails();
}

void LoggedModelsPanel::setExperiments(const QStringList& experimentIds)
{
    if (experimentIds == m_experimentIds && !experimentIds.isEmpty())
        return;
    m_experimentIds = experimentIds;
    if (experimentIds.isEmpty())
        updateStatus(tr("Select an experiment to see its logged models."));
    m_model->load(experimentIds, m_filter->text().trimmed());
}

bool LoggedModelsPanel::applyFilter(const QString& filter)
{
    m_filter->setText(filter);
    auto parsed = LoggedModelSearch::parse(filter.trimmed().toStdString(), {});
    if (!parsed) {
        m_error->setText(QString::fromStdString(parsed.error().message));
        m_error->show();
        return false;
    }
    m_error->hide();
    m_model->load(m_experimentIds, filter.trimmed());
    return true;
}

std::vector<LoggedModel> LoggedModelsPanel::selectedModels() const
{
    QModelIndexList rows = m_table->selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end(), [](const QModelIndex& a, const QModelIndex& b) { return a.row() < b.row(); });
    std::vector<LoggedModel> out;
    for (const QModelIndex& row : rows) {
        if (const LoggedModel* m = m_model->modelAt(m_proxy->mapToSource(row).row()))
            out.push_back(*m);
    }
    return out;
}

void LoggedModelsPanel::setModelIdFilter(std::optional<QSet<QString>> modelIds)
{
    static_cast<ModelSortProxy*>(m_proxy)->setIdFilter(std::move(modelIds));
}

bool LoggedModelsPanel::selectModel(const QString& modelId)
{
    const int row = m_model->rowOf(modelId);
    if (row < 0)
        return false;
    const QModelIndex index = m_proxy->mapFromSource(m_model->index(row, 0));
    m_table->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_table->scrollTo(index);
    return true;
}

void LoggedModelsPanel::updateStatus(const QString& text)
{
    m_status->setText(text);
}

void LoggedModelsPanel::showDetails()
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty()) {
        m_details->setHtml(m_model->rowCount() == 0
                ? QString()
                : tr("<p style='color:gray'>Select a model to see its params, tags and metrics.</p>"));
        return;
    }
    const LoggedModel* m = m_model->modelAt(m_proxy->mapToSource(rows.front()).row());
    if (!m)
        return;
    m_details->setHtml(detailsHtml(*m));
    Q_EMIT modelShown(QString::fromStdString(m->modelId));
}

void LoggedModelsPanel::showModel(const QString& modelId)
{
    if (selectModel(modelId))
        return;
    // A model of an experiment not selected (a registry link, say): read it and show it beside
    // the table, which keeps its experiments.
    m_table->clearSelection();
    m_details->setHtml(tr("<p style='color:gray'>Reading %1\u2026</p>").arg(modelId.toHtmlEscaped()));
    const std::shared_ptr<Store> store = m_session ? m_session->store() : nullptr;
    if (!store)
        return;
    const int request = ++m_showRequest;
    (void)QtConcurrent::run(m_session->threadPool(),
        [self = QPointer<LoggedModelsPanel>(this), store, id = modelId.toStdString(), request, modelId] {
            auto model = std::make_shared<Result<LoggedModel>>(store->loggedModel(id));
            QMetaObject::invokeMethod(qApp, [self, model, request, modelId] {
                if (!self || request != self->m_showRequest)
                    return;
                if (!*model) {
                    self->m_details->setHtml(tr("<p>Cannot read logged model %1: %2</p>")
                                                 .arg(modelId.toHtmlEscaped(),
                                                     QString::fromStdString(model->error().message).toHtmlEscaped()));
                    return;
                }
                const LoggedModel& m = **model;
                self->m_details->setHtml(tr("<p style='color:gray'>In experiment %1, which is not selected.</p>")
                                             .arg(QString::fromStdString(m.experimentId).toHtmlEscaped())
                    + self->detailsHtml(m));
                Q_EMIT self->modelShown(modelId);
            });
        });
}

QString LoggedModelsPanel::detailsHtml(const LoggedModel& model) const
{
    const LoggedModel* m = &model;
    QString out = QStringLiteral("<h3>%1</h3><table cellspacing='2'>").arg(html(m->name));
    auto row = [&](const QString& key, const QString& value) {
        out += QStringLiteral("<tr><td style='color:gray'>%1</td><td>%2</td></tr>").arg(key, value);
    };
    row(tr("Model ID"), html(m->modelId));
    row(tr("Status"),
        QString::fromLatin1(loggedModelStatusName(m->status))
            + (m->statusMessage && !m->statusMessage->empty() ? QStringLiteral(" \u2014 ") + html(m->statusMessage)
                                                              : QString()));
    if (m->sourceRunId && !m->sourceRunId->empty()) {
        row(tr("Source run"), QStringLiteral("<a href='run:%1'>%1</a>").arg(html(m->sourceRunId)));
    }
    if (m->modelType)
        row(tr("Type"), html(m->modelType));
    row(tr("Created"), QDateTime::fromMSecsSinceEpoch(m->creationTimestamp).toString(Qt::ISODate).toHtmlEscaped());
    row(tr("Artifacts"), html(m->artifactLocation));
    out += QStringLiteral("</table>");
    const auto metrics = latestModelMetrics(*m);
    if (!metrics.empty()) {
        out += tr("<h4>Metrics</h4><table cellspacing='2'><tr><th align='left'>Metric</th><th align='left'>Dataset"
                  "</th><th align='right'>Value</th><th align='right'>Step</th></tr>");
        for (const ModelMetric& metric : metrics) {
            out += QStringLiteral("<tr><td>%1</td><td>%2</td><td align='right'>%3</td><td align='right'>%4</td></tr>")
                       .arg(html(metric.key),
                           metric.datasetName ? html(metric.datasetName) + QStringLiteral(" <span style='color:gray'>")
                                   + html(metric.datasetDigest) + QStringLiteral("</span>")
                                              : QString(),
                           QString::fromStdString(formatDouble(metric.point.value)))
                       .arg(metric.point.step);
        }
        out += QStringLiteral("</table>");
    }
    auto keyValues = [&](const QString& title, const std::vector<KeyValue>& items) {
        if (items.empty())
            return;
        out += QStringLiteral("<h4>%1</h4><table cellspacing='2'>").arg(title);
        for (const KeyValue& kv : items)
            out += QStringLiteral("<tr><td>%1</td><td>%2</td></tr>").arg(html(kv.key), html(kv.value));
        out += QStringLiteral("</table>");
    };
    keyValues(tr("Params"), m->params);
    keyValues(tr("Tags"), m->tags);
    return out;
}

} // namespace runlens
