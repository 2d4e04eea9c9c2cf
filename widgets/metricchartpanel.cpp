// SPDX-License-Identifier: Apache-2.0
#include "metricchartpanel.h"

#include "chartlegend.h"
#include "flowlayout.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFutureWatcher>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QSpinBox>
#include <QStyle>
#include <QThreadPool>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <set>

namespace runlens {

namespace {

constexpr int kPushDelayMs = 30; // hands arriving histories to the charts in batches
constexpr int kChartMinHeight = 280;
// Past this many lines a chart's own legend cuts names short; one list beside the grid takes over.
constexpr int kInlineLegendLines = 8;

// What a worker hands back; default-constructible so it can travel in a QFuture.
struct LoadedHistory
{
    HistoryPtr history;
    QString error;
};

const char* const kGroupNone = "";

} // namespace

MetricChartPanel::MetricChartPanel(QWidget* parent)
    : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);

    // The settings wrap to a second row in a narrow window; a label stays with its control.
    auto* barHost = new QWidget(this);
    auto* bar = new FlowLayout(barHost, 12, 4);
    bar->setContentsMargins(6, 4, 6, 4);
    const auto group = [barHost, bar](std::initializer_list<QWidget*> widgets) {
        auto* box = new QWidget(barHost);
        auto* row = new QHBoxLayout(box);
        row->setContentsMargins(0, 0, 0, 0);
        row->setSpacing(4);
        for (QWidget* w : widgets)
            row->addWidget(w);
        bar->addWidget(box);
    };
    m_xAxisBox = new QComboBox(this);
    m_xAxisBox->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    group({new QLabel(tr("X:"), this), m_xAxisBox});
    m_logX = new QCheckBox(tr("Log x"), this);
    m_logY = new QCheckBox(tr("Log y"), this);
    group({m_logX, m_logY});
    m_smoothingBox = new QComboBox(this);
    m_smoothingBox->addItem(tr("None"), int(SmoothingKind::None));
    m_smoothingBox->addItem(tr("EMA"), int(SmoothingKind::Ema));
    m_smoothingBox->addItem(tr("Moving average"), int(SmoothingKind::MovingAverage));
    m_emaWeight = new QDoubleSpinBox(this);
    m_emaWeight->setRange(0.0, 0.999);
    m_emaWeight->setDecimals(3);
    m_emaWeight->setSingleStep(0.05);
    m_emaWeight->setToolTip(tr("EMA weight: 0 keeps the raw values, 0.99 is very smooth"));
    m_window = new QSpinBox(this);
    m_window->setRange(1, 100001);
    m_window->setSingleStep(2);
    m_window->setSuffix(tr(" pts"));
    m_window->setToolTip(tr("Moving-average window, in points, centred on each point"));
    group({new QLabel(tr("Smoothing:"), this), m_smoothingBox, m_emaWeight, m_window});
    m_outliers = new QCheckBox(tr("Ignore outliers"), this);
    m_outliers->setToolTip(tr("Fit the y axis to the 5th–95th percentile of the visible values"));
    bar->addWidget(m_outliers);
    m_groupBox = new QComboBox(this);
    m_groupBox->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_bandBox = new QComboBox(this);
    m_bandBox->addItem(tr("min–max"), int(BandKind::MinMax));
    m_bandBox->addItem(tr("±σ"), int(BandKind::StdDev));
    group({new QLabel(tr("Group:"), this), m_groupBox, m_bandBox});
    auto* reset = new QPushButton(tr("Reset zoom"), this);
    bar->addWidget(reset);
    m_status = new QLabel(this);
    bar->addWidget(m_status);
    layout->addWidget(barHost);
    m_note = new QLabel(this);
    m_note->setWordWrap(true);
    m_note->setContentsMargins(8, 0, 8, 4);
    m_note->hide();
    layout->addWidget(m_note);

    m_scroll = new QScrollArea(this);
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);
    m_sectionsHost = new QWidget;
    m_sectionsLayout = new QVBoxLayout(m_sectionsHost);
    m_sectionsLayout->setContentsMargins(6, 0, 6, 6);
    m_scroll->setWidget(m_sectionsHost);
    auto* body = new QHBoxLayout;
    body->setContentsMargins(0, 0, 0, 0);
    body->addWidget(m_scroll, 1);
    m_legend = new ChartLegend(this);
    m_legend->hide();
    body->addWidget(m_legend);
    layout->addLayout(body, 1);
    connect(m_legend, &ChartLegend::entryHovered, this, [this](const QString& id) {
        for (MetricChartView* chart : std::as_const(m_charts))
            chart->setHighlightedRun(id);
    });
    connect(m_legend, &ChartLegend::hiddenToggled, this, &MetricChartPanel::setRunHidden);

    m_pushTimer.setSingleShot(true);
    m_pushTimer.setInterval(kPushDelayMs);
    connect(&m_pushTimer, &QTimer::timeout, this, &MetricChartPanel::pushToCharts);

    const auto changed = [this] { readControls(); };
    connect(m_xAxisBox, &QComboBox::currentIndexChanged, this, changed);
    connect(m_logX, &QCheckBox::toggled, this, changed);
    connect(m_logY, &QCheckBox::toggled, this, changed);
    connect(m_smoothingBox, &QComboBox::currentIndexChanged, this, changed);
    connect(m_emaWeight, &QDoubleSpinBox::valueChanged, this, changed);
    connect(m_window, &QSpinBox::valueChanged, this, changed);
    connect(m_outliers, &QCheckBox::toggled, this, changed);
    connect(m_groupBox, &QComboBox::currentIndexChanged, this, changed);
    connect(m_bandBox, &QComboBox::currentIndexChanged, this, changed);
    connect(reset, &QPushButton::clicked, this, &MetricChartPanel::resetZoom);

    fillControls();
    rebuildCharts();
    updateStatus();
}

MetricChartPanel::~MetricChartPanel() = default;

void MetricChartPanel::setHistoryLoader(HistoryLoader loader, QThreadPool* pool)
{
    m_loader = std::move(loader);
    m_pool = pool;
    ++m_generation;
    m_inFlight.clear();
    m_failed.clear();
    m_failures.clear();
    requestMissing();
    updateStatus();
}

void MetricChartPanel::setRuns(const QList<ChartRun>& runs)
{
    m_runs = runs;
    QSet<QString> ids;
    for (const ChartRun& run : m_runs) {
        ids.insert(run.runId);
        for (auto it = run.histories.begin(); it != run.histories.end(); ++it) {
            if (it.value())
                m_histories.insert(cacheKey(run.runId, it.key()), it.value());
        }
    }
    // Keep memory to the runs on show: histories of runs no longer charted are dropped.
    for (auto it = m_histories.begin(); it != m_histories.end();) {
        if (!ids.contains(it.key().section(QLatin1Char('\n'), 0, 0)))
            it = m_histories.erase(it);
        else
            ++it;
    }
    fillControls();
    rebuildCharts();
    requestMissing();
    m_allDirty = true;
    pushToCharts();
    updateStatus();
}

void MetricChartPanel::setHistory(const QString& runId, const QString& key, HistoryPtr history)
{
    m_histories.insert(cacheKey(runId, key), std::move(history));
    m_failed.remove(cacheKey(runId, key));
    markDirty(key);
}

void MetricChartPanel::reloadHistories()
{
    ++m_generation;
    m_inFlight.clear();
    m_failed.clear();
    m_failures.clear();
    // Histories given with the runs stay; loaded ones are fetched again.
    QHash<QString, HistoryPtr> given;
    for (const ChartRun& run : m_runs) {
        for (auto it = run.histories.begin(); it != run.histories.end(); ++it)
            given.insert(cacheKey(run.runId, it.key()), it.value());
    }
    m_histories = given;
    requestMissing();
    updateStatus();
}

QString MetricChartPanel::sectionOf(const QString& key)
{
    const qsizetype slash = key.lastIndexOf(QLatin1Char('/'));
    return slash > 0 ? key.left(slash) : QString();
}

QStringList MetricChartPanel::sectionKeys(const QString& section) const
{
    const auto it = m_sectionKeys.find(section);
    return it == m_sectionKeys.end() ? QStringList() : it->second;
}

QList<MetricChartView*> MetricChartPanel::charts() const
{
    QList<MetricChartView*> out;
    for (const QString& section : m_sectionOrder) {
        for (const QString& key : sectionKeys(section))
            out.append(m_charts.value(key));
    }
    return out;
}

void MetricChartPanel::rebuildCharts()
{
    std::set<QString> keys;
    for (const ChartRun& run : m_runs) {
        for (const QString& key : run.metricKeys)
            keys.insert(key);
        for (auto it = run.histories.begin(); it != run.histories.end(); ++it)
            keys.insert(it.key());
    }

    // Take the charts out of the old sections, drop those whose metric is gone.
    for (auto it = m_charts.begin(); it != m_charts.end();) {
        it.value()->setParent(nullptr);
        if (!keys.count(it.key())) {
            delete it.value();
            it = m_charts.erase(it);
        } else {
            ++it;
        }
    }
    while (QLayoutItem* item = m_sectionsLayout->takeAt(0)) {
        delete item->widget();
        delete item;
    }

    m_sectionKeys.clear();
    for (const QString& key : keys)
        m_sectionKeys[sectionOf(key)].append(key); // std::map: "" (no prefix) sorts first
    m_sectionOrder.clear();
    for (const auto& [section, sectionKeyList] : m_sectionKeys)
        m_sectionOrder.append(section);

    if (keys.empty()) {
        auto* empty = new QLabel(tr("Select runs to chart their metrics."), m_sectionsHost);
        empty->setAlignment(Qt::AlignCenter);
        m_sectionsLayout->addWidget(empty, 1);
        return;
    }
    for (const QString& section : m_sectionOrder) {
        auto* box = new QWidget(m_sectionsHost);
        auto* boxLayout = new QVBoxLayout(box);
        boxLayout->setContentsMargins(0, 4, 0, 4);
        const QStringList& sectionKeyList = m_sectionKeys[section];
        auto* header = new QToolButton(box);
        header->setText(
            QStringLiteral("%1  (%2)").arg(section.isEmpty() ? tr("Charts") : section).arg(sectionKeyList.size()));
        header->setCheckable(true);
        header->setChecked(true);
        header->setArrowType(Qt::DownArrow);
        header->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
        header->setAutoRaise(true);
        boxLayout->addWidget(header);
        auto* body = new QWidget(box);
        auto* grid = new QGridLayout(body);
        grid->setContentsMargins(0, 0, 0, 0);
        for (int c = 0; c < m_columns; ++c)
            grid->setColumnStretch(c, 1);
        boxLayout->addWidget(body);
        connect(header, &QToolButton::toggled, body, [header, body](bool open) {
            body->setVisible(open);
            header->setArrowType(open ? Qt::DownArrow : Qt::RightArrow);
        });

        int index = 0;
        for (const QString& key : sectionKeyList) {
            MetricChartView* chart = m_charts.value(key);
            if (!chart) {
                chart = new MetricChartView;
                chart->setMinimumHeight(kChartMinHeight);
                chart->setSettings(m_settings);
                chart->setMetricKeys({key});
                for (const QString& id : std::as_const(m_hidden))
                    chart->setRunHidden(id, true);
                // A legend click hides the run in every chart, as one colour is one run everywhere.
                connect(chart, &MetricChartView::runHiddenToggled, this, &MetricChartPanel::setRunHidden);
                m_charts.insert(key, chart);
            }
            grid->addWidget(chart, index / m_columns, index % m_columns);
            chart->show();
            ++index;
        }
        m_sectionsLayout->addWidget(box);
    }
    m_sectionsLayout->addStretch(1);
}

void MetricChartPanel::requestMissing()
{
    for (const ChartRun& run : std::as_const(m_runs)) {
        QStringList keys = run.metricKeys;
        if (m_settings.xAxis == XAxisKind::Metric && !m_settings.xMetric.isEmpty()
            && !keys.contains(m_settings.xMetric))
            keys.append(m_settings.xMetric);
        for (const QString& key : std::as_const(keys)) {
            const QString k = cacheKey(run.runId, key);
            if (!m_histories.contains(k) && !m_inFlight.contains(k) && !m_failed.contains(k))
                request(run.runId, key);
        }
    }
}

void MetricChartPanel::request(const QString& runId, const QString& key)
{
    if (!m_loader)
        return;
    m_inFlight.insert(cacheKey(runId, key));
    auto* watcher = new QFutureWatcher<LoadedHistory>(this);
    const quint64 generation = m_generation;
    connect(watcher, &QFutureWatcher<LoadedHistory>::finished, this, [this, watcher, generation, runId, key] {
        const LoadedHistory loaded = watcher->result();
        watcher->deleteLater();
        deliver(generation, runId, key, loaded.history, loaded.error);
    });
    QThreadPool* pool = m_pool ? m_pool.data() : QThreadPool::globalInstance();
    watcher->setFuture(
        QtConcurrent::run(pool, [loader = m_loader, run = runId.toStdString(), metric = key.toStdString()] {
            LoadedHistory out;
            auto result = loader(run, metric);
            if (result.ok())
                out.history = std::make_shared<const std::vector<MetricPoint>>(std::move(result).value());
            else
                out.error = QString::fromStdString(result.error().message);
            return out;
        }));
}

void MetricChartPanel::deliver(
    quint64 generation, const QString& runId, const QString& key, HistoryPtr history, const QString& error)
{
    if (generation != m_generation)
        return; // superseded by a reload or another loader
    const QString k = cacheKey(runId, key);
    m_inFlight.remove(k);
    const bool charted = std::any_of(m_runs.begin(), m_runs.end(), [&](const ChartRun& r) { return r.runId == runId; });
    if (charted) {
        if (history) {
            m_histories.insert(k, std::move(history));
            Q_EMIT historyLoaded(runId, key);
            markDirty(key);
        } else {
            m_failed.insert(k);
            m_failures.append(QStringLiteral("%1 / %2: %3").arg(runId, key, error));
            Q_EMIT historyFailed(runId, key, error);
        }
    }
    updateStatus();
    if (m_inFlight.isEmpty())
        Q_EMIT loadsFinished();
}

void MetricChartPanel::markDirty(const QString& key)
{
    if (m_settings.xAxis == XAxisKind::Metric && key == m_settings.xMetric)
        m_allDirty = true;
    else
        m_dirtyKeys.insert(key);
    if (!m_pushTimer.isActive())
        m_pushTimer.start();
}

void MetricChartPanel::pushToCharts()
{
    m_pushTimer.stop();
    if (m_allDirty) {
        for (MetricChartView* chart : std::as_const(m_charts))
            pushToChart(chart);
    } else {
        for (const QString& key : std::as_const(m_dirtyKeys)) {
            if (MetricChartView* chart = m_charts.value(key))
                pushToChart(chart);
        }
    }
    m_allDirty = false;
    m_dirtyKeys.clear();
    updateLegend();
}

void MetricChartPanel::setRunHidden(const QString& id, bool hidden)
{
    // Whichever legend was clicked, the run goes in every chart, as one colour is one run everywhere.
    if (hidden)
        m_hidden.insert(id);
    else
        m_hidden.remove(id);
    for (MetricChartView* chart : std::as_const(m_charts))
        chart->setRunHidden(id, hidden); // the chart clicked already is: a no-op there
    m_legend->setEntryHidden(id, hidden);
}

QString MetricChartPanel::note() const
{
    return m_note->isHidden() ? QString() : m_note->text();
}

void MetricChartPanel::updateLegend()
{
    // Every chart's lines, each once, in the grid's order: a run lacking one metric is still listed.
    QList<ChartLegend::Entry> entries;
    QSet<QString> seen;
    for (const QString& section : std::as_const(m_sectionOrder)) {
        for (const QString& key : sectionKeys(section)) {
            const MetricChartView* chart = m_charts.value(key);
            for (const MetricChartView::LegendEntry& e :
                chart ? chart->legendEntries() : QList<MetricChartView::LegendEntry>()) {
                if (!seen.contains(e.id)) {
                    seen.insert(e.id);
                    entries.append({e.id, e.label, e.colour});
                }
            }
        }
    }
    const bool shared = entries.size() > kInlineLegendLines;
    for (MetricChartView* chart : std::as_const(m_charts))
        chart->setLegendShown(!shared);
    if (shared) {
        m_legend->setEntries(entries, m_hidden);
        // As wide as the longest name needs, within reason; longer ones are cut in the middle.
        int widest = 0;
        for (const ChartLegend::Entry& e : std::as_const(entries))
            widest = std::max(widest, fontMetrics().horizontalAdvance(e.label));
        const int chars = fontMetrics().averageCharWidth();
        const int chrome = 4 * fontMetrics().height() + style()->pixelMetric(QStyle::PM_ScrollBarExtent);
        m_legend->setFixedWidth(std::clamp(widest + chrome, 16 * chars, 48 * chars));
    }
    m_legend->setVisible(shared);
}

void MetricChartPanel::pushToChart(MetricChartView* chart)
{
    // Each chart gets only the histories it draws (its metric, and the x metric).
    QStringList keys = chart->metricKeys();
    if (m_settings.xAxis == XAxisKind::Metric && !m_settings.xMetric.isEmpty())
        keys.append(m_settings.xMetric);
    QList<ChartRun> runs;
    runs.reserve(m_runs.size());
    for (const ChartRun& run : std::as_const(m_runs)) {
        ChartRun r;
        r.runId = run.runId;
        r.name = run.name;
        r.colour = run.colour;
        r.params = run.params;
        r.tags = run.tags;
        r.metricKeys = run.metricKeys;
        for (const QString& key : std::as_const(keys)) {
            if (const HistoryPtr h = m_histories.value(cacheKey(run.runId, key)))
                r.histories.insert(key, h);
        }
        runs.append(std::move(r));
    }
    chart->setRuns(runs);
}

void MetricChartPanel::setSettings(const ChartSettings& settings)
{
    m_settings = settings;
    fillControls();
    for (MetricChartView* chart : std::as_const(m_charts))
        chart->setSettings(m_settings);
    requestMissing();
    m_allDirty = true;
    pushToCharts();
    updateStatus();
}

void MetricChartPanel::setColumnCount(int columns)
{
    columns = std::max(1, columns);
    if (columns == m_columns)
        return;
    m_columns = columns;
    rebuildCharts();
}

void MetricChartPanel::resetZoom()
{
    for (MetricChartView* chart : std::as_const(m_charts))
        chart->resetZoom();
}

void MetricChartPanel::fillControls()
{
    m_fillingControls = true;
    // X axis: the three time-like axes, then every metric of the runs.
    std::set<QString> metricKeys;
    std::set<QString> paramKeys;
    std::set<QString> tagKeys;
    for (const ChartRun& run : std::as_const(m_runs)) {
        for (const QString& key : run.metricKeys)
            metricKeys.insert(key);
        for (const auto& kv : run.params)
            paramKeys.insert(QString::fromStdString(kv.key));
        for (const auto& kv : run.tags) {
            // MLflow's own tags (source, user, git commit...) rarely make groups; the user's do.
            if (kv.key.rfind("mlflow.", 0) != 0)
                tagKeys.insert(QString::fromStdString(kv.key));
        }
    }
    m_xAxisBox->clear();
    m_xAxisBox->addItem(tr("Step"), QStringLiteral("step"));
    m_xAxisBox->addItem(tr("Wall time"), QStringLiteral("wall"));
    m_xAxisBox->addItem(tr("Relative time"), QStringLiteral("relative"));
    for (const QString& key : metricKeys)
        m_xAxisBox->addItem(key, QString(QStringLiteral("metric:") + key));
    QString current = QStringLiteral("step");
    if (m_settings.xAxis == XAxisKind::WallTime)
        current = QStringLiteral("wall");
    else if (m_settings.xAxis == XAxisKind::RelativeTime)
        current = QStringLiteral("relative");
    else if (m_settings.xAxis == XAxisKind::Metric) {
        current = QStringLiteral("metric:") + m_settings.xMetric;
        if (m_xAxisBox->findData(current) < 0)
            m_xAxisBox->addItem(m_settings.xMetric, current);
    }
    m_xAxisBox->setCurrentIndex(m_xAxisBox->findData(current));

    m_groupBox->clear();
    m_groupBox->addItem(tr("No grouping"), QString::fromLatin1(kGroupNone));
    for (const QString& key : paramKeys)
        m_groupBox->addItem(tr("param %1").arg(key), QString(QStringLiteral("param:") + key));
    for (const QString& key : tagKeys)
        m_groupBox->addItem(tr("tag %1").arg(key), QString(QStringLiteral("tag:") + key));
    QString group;
    if (m_settings.groupSource == GroupSource::Param)
        group = QStringLiteral("param:") + m_settings.groupKey;
    else if (m_settings.groupSource == GroupSource::Tag)
        group = QStringLiteral("tag:") + m_settings.groupKey;
    if (!group.isEmpty() && m_groupBox->findData(group) < 0)
        m_groupBox->addItem(group, group);
    m_groupBox->setCurrentIndex(std::max(0, m_groupBox->findData(group)));

    m_logX->setChecked(m_settings.logX);
    m_logY->setChecked(m_settings.logY);
    m_smoothingBox->setCurrentIndex(m_smoothingBox->findData(int(m_settings.smoothing.kind)));
    m_emaWeight->setValue(m_settings.smoothing.weight);
    m_window->setValue(m_settings.smoothing.window);
    m_emaWeight->setVisible(m_settings.smoothing.kind == SmoothingKind::Ema);
    m_window->setVisible(m_settings.smoothing.kind == SmoothingKind::MovingAverage);
    m_outliers->setChecked(m_settings.ignoreOutliers);
    m_bandBox->setCurrentIndex(m_bandBox->findData(int(m_settings.band)));
    m_bandBox->setEnabled(m_settings.groupSource != GroupSource::None);
    m_fillingControls = false;
}

void MetricChartPanel::readControls()
{
    if (m_fillingControls)
        return;
    ChartSettings s = m_settings;
    const QString x = m_xAxisBox->currentData().toString();
    s.xMetric.clear();
    if (x == QLatin1String("wall"))
        s.xAxis = XAxisKind::WallTime;
    else if (x == QLatin1String("relative"))
        s.xAxis = XAxisKind::RelativeTime;
    else if (x.startsWith(QLatin1String("metric:"))) {
        s.xAxis = XAxisKind::Metric;
        s.xMetric = x.mid(7);
    } else
        s.xAxis = XAxisKind::Step;
    s.logX = m_logX->isChecked();
    s.logY = m_logY->isChecked();
    s.smoothing.kind = SmoothingKind(m_smoothingBox->currentData().toInt());
    s.smoothing.weight = m_emaWeight->value();
    s.smoothing.window = m_window->value();
    s.ignoreOutliers = m_outliers->isChecked();
    const QString group = m_groupBox->currentData().toString();
    s.groupSource = GroupSource::None;
    s.groupKey.clear();
    if (group.startsWith(QLatin1String("param:"))) {
        s.groupSource = GroupSource::Param;
        s.groupKey = group.mid(6);
    } else if (group.startsWith(QLatin1String("tag:"))) {
        s.groupSource = GroupSource::Tag;
        s.groupKey = group.mid(4);
    }
    s.band = BandKind(m_bandBox->currentData().toInt());
    if (!(s == m_settings))
        setSettings(s);
}

void MetricChartPanel::updateStatus()
{
    QString text;
    if (!m_inFlight.isEmpty())
        text = tr("Loading %n histories…", nullptr, int(m_inFlight.size()));
    if (!m_failures.isEmpty()) {
        if (!text.isEmpty())
            text += QStringLiteral("  ");
        text += tr("%n histories failed to load", nullptr, int(m_failures.size()));
    }
    m_status->setText(text);
    m_status->setToolTip(m_failures.join(QLatin1Char('\n')));

    // Against another metric, runs that did not log it have no x: say so rather than chart nothing.
    QString note;
    if (m_settings.xAxis == XAxisKind::Metric && !m_settings.xMetric.isEmpty() && !m_runs.isEmpty()) {
        const auto lacking = std::count_if(m_runs.begin(), m_runs.end(),
            [this](const ChartRun& run) { return !run.metricKeys.contains(m_settings.xMetric); });
        if (lacking == m_runs.size())
            note = tr("None of the selected runs logged %1, so no line has an x to be drawn at. Choose another "
                      "x axis.")
                       .arg(m_settings.xMetric);
        else if (lacking > 0)
            note = tr("%1 of the %2 selected runs did not log %3 and are left out of these charts.")
                       .arg(lacking)
                       .arg(m_runs.size())
                       .arg(m_settings.xMetric);
    }
    m_note->setText(note);
    m_note->setVisible(!note.isEmpty());
}

void MetricChartPanel::saveSettings(QSettings& settings) const
{
    settings.beginGroup(QStringLiteral("metricCharts"));
    settings.setValue(QStringLiteral("xAxis"), int(m_settings.xAxis));
    settings.setValue(QStringLiteral("xMetric"), m_settings.xMetric);
    settings.setValue(QStringLiteral("logX"), m_settings.logX);
    settings.setValue(QStringLiteral("logY"), m_settings.logY);
    settings.setValue(QStringLiteral("smoothing"), int(m_settings.smoothing.kind));
    settings.setValue(QStringLiteral("emaWeight"), m_settings.smoothing.weight);
    settings.setValue(QStringLiteral("window"), m_settings.smoothing.window);
    settings.setValue(QStringLiteral("ignoreOutliers"), m_settings.ignoreOutliers);
    settings.setValue(QStringLiteral("groupSource"), int(m_settings.groupSource));
    settings.setValue(QStringLiteral("groupKey"), m_settings.groupKey);
    settings.setValue(QStringLiteral("band"), int(m_settings.band));
    settings.setValue(QStringLiteral("columns"), m_columns);
    settings.endGroup();
}

void MetricChartPanel::restoreSettings(const QSettings& settings)
{
    const auto value = [&settings](const char* key, const QVariant& fallback) {
        return settings.value(QStringLiteral("metricCharts/") + QLatin1String(key), fallback);
    };
    ChartSettings s;
    s.xAxis = XAxisKind(std::clamp(value("xAxis", 0).toInt(), 0, int(XAxisKind::Metric)));
    s.xMetric = value("xMetric", QString()).toString();
    s.logX = value("logX", false).toBool();
    s.logY = value("logY", false).toBool();
    s.smoothing.kind = SmoothingKind(std::clamp(value("smoothing", 0).toInt(), 0, int(SmoothingKind::MovingAverage)));
    s.smoothing.weight = value("emaWeight", s.smoothing.weight).toDouble();
    s.smoothing.window = value("window", s.smoothing.window).toInt();
    s.ignoreOutliers = value("ignoreOutliers", false).toBool();
    s.groupSource = GroupSource(std::clamp(value("groupSource", 0).toInt(), 0, int(GroupSource::Tag)));
    s.groupKey = value("groupKey", QString()).toString();
    s.band = BandKind(std::clamp(value("band", 0).toInt(), 0, int(BandKind::StdDev)));
    if (s.xAxis == XAxisKind::Metric && s.xMetric.isEmpty())
        s.xAxis = XAxisKind::Step;
    setColumnCount(value("columns", 2).toInt());
    setSettings(s);
}

} // namespace runlens
