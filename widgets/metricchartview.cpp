// SPDX-License-Identifier: Apache-2.0
#include "metricchartview.h"

#include "logaxislabels.h"
#include "metricchartviewparts.h"
#include "text/numberformat.h"

#include <QDateTime>
#include <QDateTimeAxis>
#include <QGraphicsLineItem>
#include <QGraphicsRectItem>
#include <QGraphicsTextItem>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QValueAxis>
#include <QtConcurrent/QtConcurrentMap>

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

namespace runlens {

using metricchart::faded;
using metricchart::setRangeWithNiceTicks;
using metricchart::valueText;

QString metricchart::valueText(double v)
{
    if (std::isnan(v))
        return QStringLiteral("NaN");
    if (std::isinf(v))
        return v > 0 ? QStringLiteral("inf") : QStringLiteral("-inf");
    return QString::number(v, 'g', 7);
}

double metricchart::niceInterval(double span, double ticks)
{
    const double raw = span / std::max(1.0, ticks);
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    const double r = raw / magnitude;
    return (r < 1.5 ? 1.0 : r < 3.5 ? 2.0 : r < 7.5 ? 5.0 : 10.0) * magnitude;
}

void metricchart::setRangeWithNiceTicks(QAbstractAxis* axis, double lo, double hi, double pixels, double pixelsPerTick)
{
    auto* value = qobject_cast<QValueAxis*>(axis);
    if (!value) {
        axis->setRange(lo, hi);
        return;
    }
    const double interval = niceInterval(hi - lo, pixels / pixelsPerTick);
    value->setTickType(QValueAxis::TicksDynamic);
    value->setTickAnchor(0.0);
    if (interval >= value->tickInterval()) {
        value->setTickInterval(interval);
        value->setRange(lo, hi);
    } else {
        value->setRange(lo, hi);
        value->setTickInterval(interval);
    }
}

namespace {

constexpr int kRedrawDelayMs = 16; // coalesces the range changes of one gesture into one redraw
constexpr double kOutlierLow = 0.05;
constexpr double kOutlierHigh = 0.95;

const std::string* groupValue(const ChartRun& run, const ChartSettings& s)
{
    const std::string key = s.groupKey.toStdString();
    return s.groupSource == GroupSource::Param ? findValue(run.params, key) : findValue(run.tags, key);
}

} // namespace

MetricChartView::MetricChartView(QWidget* parent)
    : QChartView(parent)
{
    // Full-resolution data stays in core series; QtCharts only ever holds the decimated points.
    setRenderHint(QPainter::Antialiasing, true);
    setRubberBand(QChartView::NoRubberBand); // our own, so a click is not a zoom and ranges stay ours
    setMouseTracking(true);
    viewport()->setMouseTracking(true);
    setMinimumSize(240, 180);
    chart()->setMargins(QMargins(4, 4, 4, 4));
    chart()->legend()->setAlignment(Qt::AlignBottom);
    chart()->legend()->setShowToolTips(true);

    m_redrawTimer.setSingleShot(true);
    m_redrawTimer.setInterval(kRedrawDelayMs);
    connect(&m_redrawTimer, &QTimer::timeout, this, &MetricChartView::redraw);
    // Axis labels of a new range can narrow the plot by a few pixels; QtCharts rescales the points
    // itself, so only a real change of width (a resize) needs a new decimation.
    connect(chart(), &QChart::plotAreaChanged, this, [this](const QRectF& plot) {
        m_layer->invalidate();
        if (std::abs(plot.width() - m_decimatedWidth) > 0.05 * std::max(1.0, m_decimatedWidth))
            scheduleRedraw();
    });

    m_hoverLine = new QGraphicsLineItem(chart());
    m_hoverLine->setPen(QPen(QColor(70, 70, 70, 190), 0));
    m_hoverLine->setZValue(1000);
    m_hoverLine->hide();
    m_hoverBox = new QGraphicsRectItem(chart());
    m_hoverBox->setBrush(QColor(255, 255, 255, 235));
    m_hoverBox->setPen(QPen(QColor(160, 160, 160), 0));
    m_hoverBox->setZValue(1001);
    m_hoverBox->hide();
    m_hoverLabel = new QGraphicsTextItem(m_hoverBox);
    m_layer = new PlotLayer(this);

    createAxes();
}

MetricChartView::~MetricChartView() = default;

void MetricChartView::setMetricKeys(const QStringList& keys)
{
    if (keys == m_keys)
        return;
    m_keys = keys;
    chart()->setTitle(keys.size() == 1 ? keys.front() : QString());
    rebuild(false);
}

void MetricChartView::setRuns(const QList<ChartRun>& runs)
{
    m_runs = runs;
    rebuild(true);
}

void MetricChartView::setSettings(const ChartSettings& settings)
{
    if (settings == m_settings)
        return;
    const bool axesChange = settings.xAxis != m_settings.xAxis || settings.xMetric != m_settings.xMetric
        || settings.logX != m_settings.logX || settings.groupSource != m_settings.groupSource
        || settings.groupKey != m_settings.groupKey;
    const bool grouping = settings.groupSource != m_settings.groupSource || settings.groupKey != m_settings.groupKey;
    if (grouping)
        m_hidden.clear(); // ids change between runs and groups
    m_settings = settings;
    if (axesChange)
        m_xAuto = true;
    m_yAuto = true;
    rebuild(!axesChange);
}

void MetricChartView::rebuild(bool keepRange)
{
    clearHover();
    prepareLines();
    // New axes and series make QtCharts move the axes on its own; those moves are not the user's.
    ++m_settingRange;
    createAxes();
    createSeries();
    --m_settingRange;
    if (!keepRange || m_xAuto) {
        const auto [lo, hi] = fullXRange();
        applyXRange(lo, hi);
    } else {
        applyXRange(m_xRange.first, m_xRange.second);
    }
    scheduleRedraw();
}

void MetricChartView::prepareLines()
{
    m_lines.clear();
    QHash<QString, std::shared_ptr<const Member>> cache;
    std::vector<std::shared_ptr<Member>> fresh;
    const XAxisKind axis = m_settings.xAxis;
    const auto memberFor = [&](const ChartRun& run, const QString& key) -> std::shared_ptr<const Member> {
        const HistoryPtr history = run.histories.value(key);
        if (!history)
            return nullptr; // not loaded yet
        HistoryPtr xHistory;
        if (axis == XAxisKind::Metric) {
            xHistory = run.histories.value(m_settings.xMetric);
            if (!xHistory)
                return nullptr;
        }
        const QString cacheKey = run.runId + QLatin1Char('\n') + key;
        auto cached = m_memberCache.value(cacheKey);
        if (!cached || cached->history != history || cached->xHistory != xHistory || cached->axis != axis
            || cached->runName != run.name) {
            auto m = std::make_shared<Member>();
            m->runId = run.runId;
            m->runName = run.name;
            m->key = key;
            m->history = history;
            m->xHistory = xHistory;
            m->axis = axis;
            fresh.push_back(m); // aligned below, all at once
            cached = std::move(m);
            m_memberCache.insert(cacheKey, cached);
        }
        cache.insert(cacheKey, cached);
        return cached;
    };
    // Align every new history first, in parallel: a million points take tens of milliseconds.
    for (const QString& key : std::as_const(m_keys)) {
        for (const ChartRun& run : std::as_const(m_runs))
            memberFor(run, key);
    }
    QtConcurrent::blockingMap(fresh,
        [](const std::shared_ptr<Member>& m) { m->aligned = alignHistory(*m->history, m->axis, m->xHistory.get()); });
    const bool multiKey = m_keys.size() > 1;
    const bool smoothing = m_settings.smoothing.kind != SmoothingKind::None;

    if (m_settings.groupSource == GroupSource::None || m_settings.groupKey.isEmpty()) {
        for (const QString& key : m_keys) {
            for (const ChartRun& run : m_runs) {
                auto member = memberFor(run, key);
                if (!member)
                    continue;
                Line line;
                line.id = run.runId;
                line.key = key;
                line.label = multiKey ? run.name + QStringLiteral(" · ") + key : run.name;
                line.colour = run.colour;
                line.raw = member->aligned.series;
                line.members.push_back(std::move(member));
                m_lines.push_back(std::move(line));
            }
        }
    } else {
        // Groups in order of first appearance; the group takes its first run's colour.
        QStringList labels;
        QHash<QString, QList<const ChartRun*>> groups;
        for (const ChartRun& run : m_runs) {
            const std::string* value = groupValue(run, m_settings);
            const QString label = m_settings.groupKey + QLatin1Char('=')
                + (value ? QString::fromStdString(*value) : QStringLiteral("(none)"));
            if (!groups.contains(label))
                labels.append(label);
            groups[label].append(&run);
        }
        for (const QString& key : m_keys) {
            for (const QString& label : labels) {
                Line line;
                line.grouped = true;
                line.id = label;
                line.key = key;
                line.colour = groups[label].front()->colour;
                std::vector<const MetricSeries*> series;
                for (const ChartRun* run : groups[label]) {
                    if (auto member = memberFor(*run, key)) {
                        series.push_back(&member->aligned.series);
                        line.members.push_back(std::move(member));
                    }
                }
                if (line.members.empty())
                    continue;
                line.label = QStringLiteral("%1 (%2)").arg(label).arg(line.members.size());
                if (multiKey)
                    line.label += QStringLiteral(" · ") + key;
                SeriesBand band = aggregateSeries(series, m_settings.band);
                line.raw = std::move(band.mean);
                line.lower = std::move(band.lower);
                line.upper = std::move(band.upper);
                m_lines.push_back(std::move(line));
            }
        }
    }
    m_memberCache = std::move(cache);

    if (smoothing) {
        for (Line& line : m_lines) {
            if (line.grouped) {
                line.smoothed = line.raw.withY(smooth(line.raw.ys(), m_settings.smoothing));
                continue;
            }
            // Runs keep their smoothed values while histories of other runs arrive.
            const Member& member = *line.members.front();
            if (member.smoothedWith != m_settings.smoothing) {
                member.smoothed = line.raw.withY(smooth(line.raw.ys(), m_settings.smoothing));
                member.smoothedWith = m_settings.smoothing;
            }
            line.smoothed = member.smoothed;
        }
    }
}

void MetricChartView::createAxes()
{
    delete m_xLogLabels; // their label axes go with the chart's axes below
    delete m_yLogLabels;
    m_xLogLabels = m_yLogLabels = nullptr;
    for (QAbstractAxis* axis : chart()->axes()) {
        chart()->removeAxis(axis);
        delete axis;
    }
    m_xAxis = nullptr;
    m_yAxis = nullptr;

    if (m_settings.logX) {
        auto* axis = new QLogValueAxis;
        axis->setBase(10);
        axis->setLabelFormat(QStringLiteral("%g"));
        axis->setMinorTickCount(-1);
        connect(axis, &QLogValueAxis::rangeChanged, this, &MetricChartView::onXAxisChanged);
        m_xAxis = axis;
    } else if (m_settings.xAxis == XAxisKind::WallTime) {
        auto* axis = new QDateTimeAxis;
        axis->setFormat(QStringLiteral("MM-dd hh:mm"));
        axis->setTickCount(5);
        connect(axis, &QDateTimeAxis::rangeChanged, this, [this](const QDateTime& lo, const QDateTime& hi) {
            onXAxisChanged(double(lo.toMSecsSinceEpoch()), double(hi.toMSecsSinceEpoch()));
        });
        m_xAxis = axis;
    } else {
        auto* axis = new QValueAxis;
        axis->setLabelFormat(QStringLiteral("%.6g"));
        connect(axis, &QValueAxis::rangeChanged, this, &MetricChartView::onXAxisChanged);
        m_xAxis = axis;
    }
    m_xAxis->setTitleText(xAxisTitle());

    if (m_settings.logY) {
        auto* axis = new QLogValueAxis;
        axis->setBase(10);
        axis->setLabelFormat(QStringLiteral("%g"));
        axis->setMinorTickCount(-1);
        connect(axis, &QLogValueAxis::rangeChanged, this, &MetricChartView::onYAxisChanged);
        m_yAxis = axis;
    } else {
        auto* axis = new QValueAxis;
        axis->setLabelFormat(QStringLiteral("%.6g"));
        connect(axis, &QValueAxis::rangeChanged, this, &MetricChartView::onYAxisChanged);
        m_yAxis = axis;
    }
    chart()->addAxis(m_xAxis, Qt::AlignBottom);
    chart()->addAxis(m_yAxis, Qt::AlignLeft);
    if (m_settings.logX)
        m_xLogLabels = new LogAxisLabels(static_cast<QLogValueAxis*>(m_xAxis), chart(), Qt::AlignBottom, this);
    if (m_settings.logY)
        m_yLogLabels = new LogAxisLabels(static_cast<QLogValueAxis*>(m_yAxis), chart(), Qt::AlignLeft, this);
}

QStringList MetricChartView::logAxisLabels(Qt::Orientation orientation) const
{
    const LogAxisLabels* labels = orientation == Qt::Horizontal ? m_xLogLabels : m_yLogLabels;
    return labels ? labels->labels() : QStringList();
}

void MetricChartView::createSeries()
{
    chart()->removeAllSeries();
    // One empty series per line: QtCharts draws its legend entry; our layer draws the data.
    for (Line& line : m_lines) {
        line.legendEntry = new QLineSeries;
        line.legendEntry->setName(line.label);
        QPen pen(line.colour);
        pen.setWidthF(2.0);
        line.legendEntry->setPen(pen);
        chart()->addSeries(line.legendEntry);
        line.legendEntry->attachAxis(m_xAxis);
        line.legendEntry->attachAxis(m_yAxis);
    }
    connectLegend();
    for (const Line& line : m_lines) {
        line.legendEntry->setVisible(!m_hidden.contains(line.id));
        updateLegendMarker(line);
    }
}

void MetricChartView::connectLegend()
{
    QLegend* legend = chart()->legend();
    for (const Line& line : m_lines) {
        const QString id = line.id;
        for (QLegendMarker* marker : legend->markers(line.legendEntry))
            connect(marker, &QLegendMarker::clicked, this, [this, id] { toggleHidden(id); });
    }
    legend->setVisible(m_legendShown && !m_lines.empty());
}

void MetricChartView::setHighlightedRun(const QString& id)
{
    if (id == m_highlighted)
        return;
    m_highlighted = id;
    m_layer->invalidate();
}

void MetricChartView::setLegendShown(bool shown)
{
    if (shown == m_legendShown)
        return;
    m_legendShown = shown;
    chart()->legend()->setVisible(m_legendShown && !m_lines.empty());
}

QList<MetricChartView::LegendEntry> MetricChartView::legendEntries() const
{
    QList<LegendEntry> entries;
    QSet<QString> seen;
    for (const Line& line : m_lines) {
        if (!seen.contains(line.id)) {
            seen.insert(line.id);
            entries.append({line.id, line.label, line.colour});
        }
    }
    return entries;
}

void MetricChartView::updateLegendMarker(const Line& line)
{
    const bool hidden = m_hidden.contains(line.id);
    for (QLegendMarker* marker : chart()->legend()->markers(line.legendEntry)) {
        // Hiding a series hides its marker too; keep it so the run can be shown again.
        marker->setVisible(true);
        marker->setLabelBrush(hidden ? QColor(160, 160, 160) : chart()->legend()->labelColor());
        marker->setBrush(hidden ? faded(line.colour, 50) : QBrush(line.colour));
        marker->setPen(hidden ? QPen(faded(line.colour, 50)) : QPen(line.colour));
    }
}

void MetricChartView::toggleHidden(const QString& id)
{
    const bool hidden = !m_hidden.contains(id);
    setRunHidden(id, hidden);
    Q_EMIT runHiddenToggled(id, hidden);
}

void MetricChartView::setRunHidden(const QString& id, bool hidden)
{
    if (hidden == m_hidden.contains(id))
        return;
    if (hidden)
        m_hidden.insert(id);
    else
        m_hidden.remove(id);
    for (Line& line : m_lines) {
        if (line.id != id)
            continue;
        line.legendEntry->setVisible(!hidden);
        if (hidden)
            line.drawn = {};
        updateLegendMarker(line);
    }
    clearHover();
    scheduleRedraw(); // the y-range follows the visible runs
}

QString MetricChartView::xAxisTitle() const
{
    switch (m_settings.xAxis) {
    case XAxisKind::Step:
        return tr("Step");
    case XAxisKind::WallTime:
        return tr("Wall time");
    case XAxisKind::RelativeTime:
        return tr("Relative time (s)");
    case XAxisKind::Metric:
        return m_settings.xMetric;
    }
    return {};
}

QString MetricChartView::formatX(double x) const
{
    switch (m_settings.xAxis) {
    case XAxisKind::Step:
        return tr("step %1").arg(QString::number(x, 'f', 0));
    case XAxisKind::WallTime:
        return QString::fromStdString(formatTimestampUtc(std::int64_t(std::llround(x))));
    case XAxisKind::RelativeTime:
        return QString::fromStdString(formatDuration(std::int64_t(std::llround(x * 1000.0))));
    case XAxisKind::Metric:
        return m_settings.xMetric + QStringLiteral(" = ") + valueText(x);
    }
    return {};
}

std::pair<double, double> MetricChartView::fullXRange() const
{
    double lo = std::numeric_limits<double>::infinity();
    double hi = -std::numeric_limits<double>::infinity();
    for (const Line& line : m_lines) {
        const MetricSeries& s = line.raw;
        if (s.empty())
            continue;
        if (m_settings.logX) {
            // A log axis starts at the first positive x (step 0 has no place on it).
            const auto it = std::upper_bound(s.xs().begin(), s.xs().end(), 0.0);
            if (it == s.xs().end())
                continue;
            lo = std::min(lo, *it);
        } else {
            lo = std::min(lo, s.xs().front());
        }
        hi = std::max(hi, s.xs().back());
    }
    if (!(lo <= hi))
        return m_settings.logX ? std::make_pair(1.0, 10.0) : std::make_pair(0.0, 1.0);
    if (lo == hi) {
        if (m_settings.logX)
            return {lo / 2, hi * 2};
        const double pad = m_settings.xAxis == XAxisKind::WallTime ? 1000.0 : std::max(0.5, std::abs(lo) * 0.05);
        return {lo - pad, hi + pad};
    }
    return {lo, hi};
}

void MetricChartView::applyXRange(double lo, double hi)
{
    if (!(lo < hi) || !std::isfinite(lo) || !std::isfinite(hi))
        return;
    if (m_settings.logX && !(lo > 0))
        return;
    m_xRange = {lo, hi};
    ++m_settingRange;
    if (auto* time = qobject_cast<QDateTimeAxis*>(m_xAxis))
        time->setRange(QDateTime::fromMSecsSinceEpoch(std::int64_t(std::floor(lo))),
            QDateTime::fromMSecsSinceEpoch(std::int64_t(std::ceil(hi))));
    else
        setRangeWithNiceTicks(m_xAxis, lo, hi, std::max(100.0, chart()->plotArea().width()), 110.0);
    --m_settingRange;
}

void MetricChartView::applyYRange(double lo, double hi)
{
    if (!(lo < hi) || !std::isfinite(lo) || !std::isfinite(hi))
        return;
    if (m_settings.logY && !(lo > 0))
        return;
    m_yRange = {lo, hi};
    ++m_settingRange;
    setRangeWithNiceTicks(m_yAxis, lo, hi, std::max(100.0, chart()->plotArea().height()), 60.0);
    --m_settingRange;
}

void MetricChartView::onXAxisChanged(double lo, double hi)
{
    if (m_settingRange > 0)
        return;
    // Moved by QtCharts itself (e.g. a keyboard zoom): follow it.
    m_xRange = {lo, hi};
    m_xAuto = false;
    scheduleRedraw();
}

void MetricChartView::onYAxisChanged(double lo, double hi)
{
    if (m_settingRange > 0)
        return;
    m_yRange = {lo, hi};
    m_yAuto = false;
    scheduleRedraw();
}

void MetricChartView::resetZoom()
{
    m_xAuto = true;
    m_yAuto = true;
    const auto [lo, hi] = fullXRange();
    applyXRange(lo, hi);
    scheduleRedraw();
}

void MetricChartView::setXRange(double lo, double hi)
{
    m_xAuto = false;
    applyXRange(lo, hi);
    scheduleRedraw();
}

void MetricChartView::setYRange(double lo, double hi)
{
    m_yAuto = false;
    applyYRange(lo, hi);
    scheduleRedraw();
}

void MetricChartView::scheduleRedraw()
{
    if (!m_redrawTimer.isActive())
        m_redrawTimer.start();
}

void MetricChartView::flush()
{
    if (m_redrawTimer.isActive()) {
        m_redrawTimer.stop();
        redraw();
    }
}

std::pair<double, double> MetricChartView::autoYRange(
    const std::vector<std::pair<const MetricSeries*, IndexRange>>& visible, double lo, double hi,
    std::optional<double> minPositive) const
{
    if (m_settings.ignoreOutliers) {
        if (const auto q = quantileRange(visible, kOutlierLow, kOutlierHigh)) {
            lo = q->first;
            hi = q->second;
        }
    }
    if (m_settings.logY) {
        if (!(lo > 0))
            lo = minPositive ? *minPositive : (hi > 0 ? hi / 10 : 0.1);
        if (!(hi > 0))
            hi = lo * 10;
        if (!(lo < hi))
            return {lo / 2, lo * 2};
        const double pad = std::pow(hi / lo, 0.05);
        return {lo / pad, hi * pad};
    }
    if (!(lo <= hi))
        return {0.0, 1.0};
    if (lo == hi) {
        const double pad = lo == 0 ? 1.0 : std::abs(lo) * 0.1;
        return {lo - pad, hi + pad};
    }
    const double pad = (hi - lo) * 0.05;
    return {lo - pad, hi + pad};
}

} // namespace runlens
