// SPDX-License-Identifier: Apache-2.0
#include "rundiffview.h"

#include "rundiffmodel.h"
#include "store.h"
#include "storesession.h"
#include "textdiffview.h"

#include <QAction>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QCoreApplication>
#include <QFileInfo>
#include <QGridLayout>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMetaObject>
#include <QPainter>
#include <QPushButton>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <functional>
#include <string_view>
#include <unordered_map>

namespace runlens {

namespace {

constexpr int kMaxListedFiles = 2000;
constexpr int kMaxListDepth = 8;

QString toQString(const std::string& s)
{
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

// Files no line diff makes sense of; left out of the path lists (they can still be typed in).
bool isLikelyBinary(const QString& path)
{
    static const QStringList suffixes {QStringLiteral("png"), QStringLiteral("jpg"), QStringLiteral("jpeg"),
        QStringLiteral("gif"), QStringLiteral("webp"), QStringLiteral("bmp"), QStringLiteral("pkl"),
        QStringLiteral("pt"), QStringLiteral("pth"), QStringLiteral("bin"), QStringLiteral("npy"),
        QStringLiteral("npz"), QStringLiteral("parquet"), QStringLiteral("onnx"), QStringLiteral("h5"),
        QStringLiteral("gz"), QStringLiteral("zip"), QStringLiteral("tar"), QStringLiteral("safetensors")};
    return suffixes.contains(QFileInfo(path).suffix().toLower());
}

// Run columns' headers with a strip of the run's colour on top, as the table swatch and chart lines have.
class RunColorHeaderView final : public QHeaderView
{
public:
    explicit RunColorHeaderView(QWidget* parent)
        : QHeaderView(Qt::Horizontal, parent)
    { }

protected:
    void paintSection(QPainter* painter, const QRect& rect, int logicalIndex) const override
    {
        painter->save();
        QHeaderView::paintSection(painter, rect, logicalIndex);
        painter->restore();
        const QVariant colour
            = model() ? model()->headerData(logicalIndex, Qt::Horizontal, Qt::DecorationRole) : QVariant();
        if (colour.canConvert<QColor>())
            painter->fillRect(QRect(rect.left(), rect.top(), rect.width(), 4), colour.value<QColor>());
    }
};

} // namespace

RunDiffView::RunDiffView(StoreSession* session, QWidget* parent)
    : QWidget(parent)
    , m_model(new RunDiffModel(this))
{
    buildUi();
    if (session) {
        connect(session, &StoreSession::opened, this,
            [this, session] { setStore(session->store(), session->threadPool()); });
        connect(session, &StoreSession::opening, this, [this] { setStore(nullptr, nullptr); });
        if (session->isOpen())
            setStore(session->store(), session->threadPool());
    }
}

void RunDiffView::buildUi()
{
    m_baseline = new QComboBox(this);
    m_baseline->setToolTip(tr("The run the others are compared against"));
    m_statistic = new QComboBox(this);
    m_statistic->addItem(tr("Latest"), static_cast<int>(RunDiffModel::MetricStatistic::Latest));
    m_statistic->addItem(tr("Minimum"), static_cast<int>(RunDiffModel::MetricStatistic::Min));
    m_statistic->addItem(tr("Maximum"), static_cast<int>(RunDiffModel::MetricStatistic::Max));
    m_statistic->setToolTip(tr("Which value of each metric to compare; min and max read the full histories"));
    m_differencesOnly = new QCheckBox(tr("Differences only"), this);
    m_differencesOnly->setToolTip(tr("Hide rows where every run has the same value"));
    m_systemTags = new QCheckBox(tr("System tags"), this);
    m_systemTags->setToolTip(tr("Show MLflow's own tags (mlflow.*)"));
    m_status = new QLabel(this);
    m_status->setForegroundRole(QPalette::PlaceholderText);

    auto* toolbar = new QHBoxLayout;
    toolbar->addWidget(new QLabel(tr("Baseline:"), this));
    toolbar->addWidget(m_baseline);
    toolbar->addSpacing(12);
    toolbar->addWidget(new QLabel(tr("Metrics:"), this));
    toolbar->addWidget(m_statistic);
    toolbar->addSpacing(12);
    toolbar->addWidget(m_differencesOnly);
    toolbar->addWidget(m_systemTags);
    toolbar->addStretch(1);
    toolbar->addWidget(m_status);

    m_table = new QTableView(this);
    m_table->setHorizontalHeader(new RunColorHeaderView(m_table));
    m_table->setModel(m_model);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setWordWrap(false);
    m_table->setAlternatingRowColors(false);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_table->horizontalHeader()->setDefaultSectionSize(220);
    m_table->horizontalHeader()->setContextMenuPolicy(Qt::CustomContextMenu);
    m_table->horizontalHeader()->setHighlightSections(false);
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
    m_table->verticalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    connect(m_table->horizontalHeader(), &QHeaderView::customContextMenuRequested, this, &RunDiffView::showHeaderMenu);

    // In place of an empty table, a sentence on why it is empty and what to do.
    m_emptyNote = new QLabel(this);
    m_emptyNote->setAlignment(Qt::AlignCenter);
    m_emptyNote->setWordWrap(true);
    m_emptyNote->setForegroundRole(QPalette::PlaceholderText);
    m_tableOrNote = new QStackedWidget(this);
    m_tableOrNote->addWidget(m_table);
    m_tableOrNote->addWidget(m_emptyNote);

    auto* values = new QWidget(this);
    auto* valuesLayout = new QVBoxLayout(values);
    valuesLayout->addLayout(toolbar);
    valuesLayout->addWidget(m_tableOrNote, 1);

    // Text artifacts: a run and a path on each side.
    auto pathBox = [this] {
        auto* box = new QComboBox(this);
        box->setEditable(true);
        box->setInsertPolicy(QComboBox::NoInsert);
        box->setMinimumContentsLength(30);
        box->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        box->lineEdit()->setPlaceholderText(tr("path/in/artifacts.txt"));
        return box;
    };
    m_oldRun = new QComboBox(this);
    m_newRun = new QComboBox(this);
    m_oldPath = pathBox();
    m_newPath = pathBox();
    m_compare = new QPushButton(tr("Compare"), this);
    m_compare->setToolTip(
        tr("Show the line diff of the two files (each read up to %1 MB)").arg(TextDiffView::kDefaultSizeCap >> 20));
    m_textDiff = new TextDiffView(this);
    auto* picker = new QGridLayout;
    picker->addWidget(new QLabel(tr("Old:"), this), 0, 0);
    picker->addWidget(m_oldRun, 0, 1);
    picker->addWidget(m_oldPath, 0, 2);
    picker->addWidget(new QLabel(tr("New:"), this), 1, 0);
    picker->addWidget(m_newRun, 1, 1);
    picker->addWidget(m_newPath, 1, 2);
    picker->addWidget(m_compare, 1, 3);
    picker->setColumnStretch(2, 1);
    auto* texts = new QWidget(this);
    auto* textsLayout = new QVBoxLayout(texts);
    textsLayout->addLayout(picker);
    textsLayout->addWidget(m_textDiff, 1);

    m_tabs = new QTabWidget(this);
    m_tabs->addTab(values, tr("Values"));
    m_tabs->addTab(texts, tr("Text files"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_tabs);

    connect(m_baseline, &QComboBox::activated, m_model, &RunDiffModel::setBaselineColumn);
    connect(m_model, &RunDiffModel::baselineChanged, this, [this](int column) {
        const QSignalBlocker blocker(m_baseline);
        m_baseline->setCurrentIndex(column);
    });
    connect(m_statistic, &QComboBox::currentIndexChanged, this, [this] {
        m_model->setMetricStatistic(static_cast<RunDiffModel::MetricStatistic>(m_statistic->currentData().toInt()));
        updateHistoryStatus();
    });
    connect(m_differencesOnly, &QCheckBox::toggled, m_model, &RunDiffModel::setDifferencesOnly);
    connect(m_systemTags, &QCheckBox::toggled, m_model, &RunDiffModel::setShowSystemTags);
    connect(m_model, &RunDiffModel::historiesProgress, this, &RunDiffView::updateHistoryStatus);
    connect(m_model, &RunDiffModel::historiesLoaded, this, &RunDiffView::updateHistoryStatus);
    // Section rows span the whole width, so they read as headings.
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        m_table->clearSpans();
        for (int row = 0; row < m_model->rowCount(); ++row) {
            if (m_model->headerData(row, Qt::Vertical, RunDiffModel::RowKindRole).toInt()
                    == static_cast<int>(RunDiffModel::RowKind::Section)
                && m_model->columnCount() > 1)
                m_table->setSpan(row, 0, 1, m_model->columnCount());
        }
    });

    connect(m_model, &QAbstractItemModel::modelReset, this, &RunDiffView::updateEmptyNote);
    connect(m_model, &QAbstractItemModel::layoutChanged, this, &RunDiffView::updateEmptyNote);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &RunDiffView::updateEmptyNote);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &RunDiffView::updateEmptyNote);
    connect(m_differencesOnly, &QCheckBox::toggled, this, &RunDiffView::updateEmptyNote);

    // Listing walks the artifact tree (one call per folder on a server): only when the tab is looked at.
    connect(m_tabs, &QTabWidget::currentChanged, this, &RunDiffView::listArtifactsWhenShown);
    auto* copy = new QAction(tr("Copy"), m_table);
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetShortcut);
    connect(copy, &QAction::triggered, this, [this] { QGuiApplication::clipboard()->setText(tableAsTsv()); });
    m_table->addAction(copy);
    connect(m_oldRun, &QComboBox::currentIndexChanged, this, [this] { listArtifacts(m_oldRun, m_oldPath); });
    connect(m_newRun, &QComboBox::currentIndexChanged, this, [this] { listArtifacts(m_newRun, m_newPath); });
    // The same path on the other side is the usual comparison: pick it when the other run has it.
    connect(m_oldPath, &QComboBox::currentTextChanged, this, [this](const QString& path) {
        const int match = m_newPath->findText(path);
        if (match >= 0)
            m_newPath->setCurrentIndex(match);
    });
    connect(m_compare, &QPushButton::clicked, this, [this] {
        compareArtifacts(m_oldRun->currentIndex(), m_oldPath->currentText().trimmed(), m_newRun->currentIndex(),
            m_newPath->currentText().trimmed());
    });
    runsChanged();
    updateEmptyNote();
}

QString RunDiffView::emptyText() const
{
    const int runs = m_model->columnCount();
    if (runs == 0)
        return tr("Select runs in the table to compare them side by side.");
    for (int row = 0; row < m_model->rowCount(); ++row) {
        if (m_model->headerData(row, Qt::Vertical, RunDiffModel::RowKindRole).toInt()
            != static_cast<int>(RunDiffModel::RowKind::Section))
            return {};
    }
    if (!m_differencesOnly->isChecked())
        return tr("The selected run has no params, metrics or tags to show.");
    if (runs == 1)
        return tr("One run has nothing to differ from. Select another run to compare with, or clear "
                  "\u201cDifferences only\u201d to see all of its values.");
    return tr("These %1 runs have the same params, metrics and tags. Clear \u201cDifferences only\u201d to see "
              "them.")
        .arg(runs);
}

void RunDiffView::updateEmptyNote()
{
    const QString text = emptyText();
    m_emptyNote->setText(text);
    m_tableOrNote->setCurrentWidget(text.isEmpty() ? static_cast<QWidget*>(m_table) : m_emptyNote);
}

void RunDiffView::setStore(std::shared_ptr<Store> store, QThreadPool* pool)
{
    m_store = std::move(store);
    m_pool = pool;
    ++m_listGeneration;
    m_model->setStore(m_store, pool);
    m_textDiff->setStore(m_store, pool);
    m_textDiff->showMessage(tr("Choose two text files to compare."));
    m_listingStale = true;
    listArtifactsWhenShown();
}

void RunDiffView::listArtifactsWhenShown()
{
    if (!m_listingStale || m_tabs->currentIndex() != 1)
        return;
    m_listingStale = false;
    listArtifacts(m_oldRun, m_oldPath);
    listArtifacts(m_newRun, m_newPath);
}

QString RunDiffView::tableAsTsv() const
{
    // Tabs and line breaks inside values would break the columns; they become spaces.
    auto clean = [](QString text) {
        text.replace(QLatin1Char('\t'), QLatin1Char(' '));
        text.replace(QLatin1Char('\n'), QLatin1Char(' '));
        return text;
    };
    QList<int> rows, columns;
    const QModelIndexList selected
        = m_table->selectionModel() ? m_table->selectionModel()->selectedIndexes() : QModelIndexList();
    for (const QModelIndex& index : selected) {
        if (!rows.contains(index.row()))
            rows << index.row();
        if (!columns.contains(index.column()))
            columns << index.column();
    }
    if (rows.isEmpty()) {
        for (int row = 0; row < m_model->rowCount(); ++row)
            rows << row;
        for (int column = 0; column < m_model->columnCount(); ++column)
            columns << column;
    }
    std::sort(rows.begin(), rows.end());
    std::sort(columns.begin(), columns.end());
    QStringList lines;
    QStringList header {QString()};
    for (int column : columns)
        header << clean(m_model->headerData(column, Qt::Horizontal).toString());
    lines << header.join(QLatin1Char('\t'));
    for (int row : rows) {
        QStringList cells {clean(m_model->headerData(row, Qt::Vertical).toString())};
        const bool section = m_model->headerData(row, Qt::Vertical, RunDiffModel::RowKindRole).toInt()
            == static_cast<int>(RunDiffModel::RowKind::Section);
        for (int column : columns)
            cells << (section ? QString() : clean(m_model->index(row, column).data().toString()));
        lines << cells.join(QLatin1Char('\t'));
    }
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

void RunDiffView::setRuns(std::vector<Run> runs)
{
    // A shift-click can select thousands of runs; side by side, only the first few can be read anyway.
    m_selectedCount = static_cast<int>(runs.size());
    if (runs.size() > static_cast<std::size_t>(kMaxComparedRuns))
        runs.resize(static_cast<std::size_t>(kMaxComparedRuns));
    m_model->setRuns(std::move(runs));
    runsChanged();
}

void RunDiffView::setRuns(const RunListSnapshot& snapshot, const std::vector<std::string>& runIds)
{
    std::vector<Run> runs;
    if (snapshot) {
        std::unordered_map<std::string_view, const Run*> byId;
        for (const Run& run : snapshot->runs)
            byId.emplace(run.info.runId, &run);
        for (const std::string& id : runIds)
            if (auto it = byId.find(id); it != byId.end())
                runs.push_back(*it->second);
    }
    setRuns(std::move(runs));
}

void RunDiffView::setExperimentNames(const QHash<QString, QString>& names)
{
    m_model->setExperimentNames(names);
}

void RunDiffView::runsChanged()
{
    const std::vector<Run>& runs = m_model->runs();
    QStringList names;
    for (const Run& run : runs)
        names << (run.info.runName.empty() ? toQString(run.info.runId) : toQString(run.info.runName));
    {
        const QSignalBlocker b1(m_baseline), b2(m_oldRun), b3(m_newRun);
        m_baseline->clear();
        m_baseline->addItems(names);
        m_baseline->setCurrentIndex(m_model->baselineColumn());
        m_oldRun->clear();
        m_oldRun->addItems(names);
        m_newRun->clear();
        m_newRun->addItems(names);
        // Compare the baseline's files with the next run's by default.
        const int baseline = m_model->baselineColumn();
        m_oldRun->setCurrentIndex(runs.empty() ? -1 : baseline);
        m_newRun->setCurrentIndex(runs.size() < 2 ? (runs.empty() ? -1 : 0) : (baseline == 0 ? 1 : 0));
    }
    for (int i = 0; i < static_cast<int>(runs.size()); ++i) {
        const QString tip = toQString(runs[static_cast<std::size_t>(i)].info.runId);
        m_baseline->setItemData(i, tip, Qt::ToolTipRole);
        m_oldRun->setItemData(i, tip, Qt::ToolTipRole);
        m_newRun->setItemData(i, tip, Qt::ToolTipRole);
    }
    m_baseline->setEnabled(runs.size() > 1);
    m_compare->setEnabled(!runs.empty());
    m_listingStale = true;
    listArtifactsWhenShown();
    updateHistoryStatus();
    m_table->resizeColumnsToContents();
    for (int column = 0; column < m_model->columnCount(); ++column)
        m_table->setColumnWidth(column, std::clamp(m_table->columnWidth(column), 120, 420));
}

void RunDiffView::listArtifacts(QComboBox* runBox, QComboBox* pathBox)
{
    const int column = runBox->currentIndex();
    const std::uint64_t generation = ++m_listGeneration;
    pathBox->setProperty("listGeneration", QVariant::fromValue<qulonglong>(generation));
    const QString typed = pathBox->currentText();
    pathBox->clear();
    pathBox->setEditText(typed);
    if (column < 0 || column >= static_cast<int>(m_model->runs().size()) || !m_store || !m_pool)
        return;
    const std::string runId = m_model->runs()[static_cast<std::size_t>(column)].info.runId;
    (void)QtConcurrent::run(m_pool.data(),
        [self = QPointer<RunDiffView>(this), store = m_store, runId, pathBox = QPointer<QComboBox>(pathBox), column,
            generation] {
            auto files = std::make_shared<QStringList>();
            std::function<void(const std::string&, int)> walk = [&](const std::string& path, int depth) {
                auto listing = store->listArtifacts(runId, path);
                if (!listing)
                    return;
                for (const FileInfo& info : listing.value()) {
                    if (files->size() >= kMaxListedFiles)
                        return;
                    if (info.isDir) {
                        if (depth < kMaxListDepth)
                            walk(info.path, depth + 1);
                    } else if (!isLikelyBinary(toQString(info.path))) {
                        files->push_back(toQString(info.path));
                    }
                }
            };
            walk({}, 0);
            QMetaObject::invokeMethod(
                QCoreApplication::instance(),
                [self, pathBox, files, column, generation] {
                    if (!self || !pathBox || pathBox->property("listGeneration").value<qulonglong>() != generation)
                        return;
                    const QString typed = pathBox->currentText();
                    pathBox->addItems(*files);
                    // Keep what was there; else the other side's path when this run has it too.
                    QComboBox* other = pathBox == self->m_oldPath ? self->m_newPath : self->m_oldPath;
                    const int keep = pathBox->findText(typed);
                    const int same = pathBox->findText(other->currentText());
                    if (!typed.isEmpty() && keep >= 0)
                        pathBox->setCurrentIndex(keep);
                    else if (same >= 0)
                        pathBox->setCurrentIndex(same);
                    else if (typed.isEmpty() && pathBox->count() > 0)
                        pathBox->setCurrentIndex(0);
                    else
                        pathBox->setEditText(typed);
                    Q_EMIT self->artifactsListed(column);
                },
                Qt::QueuedConnection);
        });
}

void RunDiffView::compareArtifacts(int oldColumn, const QString& oldPath, int newColumn, const QString& newPath)
{
    m_tabs->setCurrentIndex(1);
    const auto& runs = m_model->runs();
    const int count = static_cast<int>(runs.size());
    if (oldColumn < 0 || oldColumn >= count || newColumn < 0 || newColumn >= count || oldPath.isEmpty()
        || newPath.isEmpty()) {
        m_textDiff->showMessage(tr("Choose a run and a file on each side."));
        Q_EMIT m_textDiff->diffShown(); // the answer to this request, like a diff would be
        return;
    }
    const Run& oldRun = runs[static_cast<std::size_t>(oldColumn)];
    const Run& newRun = runs[static_cast<std::size_t>(newColumn)];
    auto title = [](const Run& run, const QString& path) {
        const QString name = run.info.runName.empty() ? toQString(run.info.runId) : toQString(run.info.runName);
        return QStringLiteral("%1:%2").arg(name, path);
    };
    m_textDiff->showArtifacts(
        oldRun.info.runId, oldPath, title(oldRun, oldPath), newRun.info.runId, newPath, title(newRun, newPath));
}

void RunDiffView::showHeaderMenu(const QPoint& pos)
{
    const int column = m_table->horizontalHeader()->logicalIndexAt(pos);
    if (column < 0)
        return;
    QMenu menu(this);
    QAction* baseline = menu.addAction(tr("Use as Baseline"));
    baseline->setEnabled(column != m_model->baselineColumn());
    connect(baseline, &QAction::triggered, this, [this, column] { m_model->setBaselineColumn(column); });
    menu.exec(m_table->horizontalHeader()->mapToGlobal(pos));
}

QString RunDiffView::statusText() const
{
    return m_status->text();
}

void RunDiffView::updateHistoryStatus()
{
    QStringList notes;
    if (m_selectedCount > m_model->columnCount())
        notes << tr("Comparing the first %1 of %2 selected runs.").arg(m_model->columnCount()).arg(m_selectedCount);
    if (m_model->metricStatistic() != RunDiffModel::MetricStatistic::Latest && m_model->isLoadingHistories())
        notes << tr("Reading metric histories…");
    m_status->setText(notes.join(QLatin1Char(' ')));
}

} // namespace runlens
