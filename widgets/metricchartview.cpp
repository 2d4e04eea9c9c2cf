// SPDX-License-Identifier: Apache-2.0
#include "metricchartview.h"

#include "chartexport.h"
#include "numberformat.h"

#include <QAreaSeries>
#include <QContextMenuEvent>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QFileDialog>
#include <QGraphicsLineItem>
#include <QGraphicsRectItem>
#include <QGraphicsTextItem>
#include <QIODevice>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QMenu>
#include <QMessageBox>
#include <QMouseEvent>
#include <QRubberBand>
#include <QScatterSeries>
#include <QValueAxis>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

namespace runlens {

namespace {

constexpr int kRedrawDelayMs = 16; // coalesces the range changes of one gesture into one redraw
constexpr double kOutlierLow = 0.05;
constexpr double kOutlierHigh = 0.95;
constexpr int kMinRubberBand = 4; // pixels; a smaller drag is a click

// Seven significant digits keep the hover readable; the CSV export has every digit.
QString valueText(double v)
{
    if (std::isnan(v))
        return QStringLiteral("NaN");
    if (std::isinf(v))
        return v > 0 ? QStringLiteral("inf") : QStringLiteral("-inf");
    return QString::number(v, 'g', 7);
}

// A tick interval of 1, 2 or 5 times a power of ten giving about `ticks` intervals over the span.
double niceInterval(double span, double ticks)
{
    const double raw = span / std::max(1.0, ticks);
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    const double r = raw / magnitude;
    return (r < 1.5 ? 1.0 : r < 3.5 ? 2.0 : r < 7.5 ? 5.0 : 10.0) * magnitude;
}

// Sets a range with ticks on round numbers (0, 500, 1000...) rather than odd equal parts. The order
// matters: QtCharts lays out ticks for the old interval over the new range (or the reverse) in between,
// so the interval grows before a widening and shrinks after a narrowing, never creating thousands of ticks.
void setRangeWithNiceTicks(QAbstractAxis* axis, double lo, double hi, double pixels, double pixelsPerTick)
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

QColor faded(QColor c, int alpha)
{
    c.setAlpha(alpha);
    return c;
}

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
        if (!cached || cached->history != history || cached->xHistory != xHistory || cached->axis != axis) {
            auto m = std::make_shared<Member>();
            m->runId = run.runId;
            m->runName = run.name;
            m->key = key;
            m->history = history;
            m->xHistory = xHistory;
            m->axis = axis;
            m->aligned = alignHistory(*history, axis, xHistory.get());
            cached = std::move(m);
        }
        cache.insert(cacheKey, cached);
        return cached;
    };
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
}

void MetricChartView::createSeries()
{
    chart()->removeAllSeries();
    const bool smoothing = m_settings.smoothing.kind != SmoothingKind::None;
    const auto attach = [this](QAbstractSeries* series) {
        chart()->addSeries(series);
        series->attachAxis(m_xAxis);
        series->attachAxis(m_yAxis);
    };
    // Added in layers (bands, raw, lines, markers) so no run's band covers another run's line.
    for (Line& line : m_lines) {
        if (!line.grouped)
            continue;
        line.bandUpper = new QLineSeries;
        line.bandLower = new QLineSeries;
        line.band = new QAreaSeries(line.bandUpper, line.bandLower);
        line.bandUpper->setParent(line.band);
        line.bandLower->setParent(line.band);
        line.band->setName(line.label);
        line.band->setBrush(faded(line.colour, 55));
        line.band->setPen(Qt::NoPen);
        attach(line.band);
    }
    if (smoothing) {
        for (Line& line : m_lines) {
            line.faint = new QLineSeries;
            line.faint->setName(line.label);
            QPen pen(faded(line.colour, 70));
            pen.setWidthF(1.0);
            line.faint->setPen(pen);
            attach(line.faint);
        }
    }
    for (Line& line : m_lines) {
        line.main = new QLineSeries;
        line.main->setName(line.label);
        QPen pen(line.colour);
        pen.setWidthF(smoothing || line.grouped ? 2.0 : 1.5);
        line.main->setPen(pen);
        attach(line.main);
    }
    for (Line& line : m_lines) {
        if (line.drawn().infCount() == 0)
            continue;
        line.infMarks = new QScatterSeries;
        line.infMarks->setName(line.label);
        line.infMarks->setMarkerShape(QScatterSeries::MarkerShapeTriangle);
        line.infMarks->setMarkerSize(9);
        line.infMarks->setColor(line.colour);
        line.infMarks->setBorderColor(line.colour.darker(130));
        attach(line.infMarks);
    }
    connectLegend();
    for (const Line& line : m_lines) {
        const bool visible = !m_hidden.contains(line.id);
        for (QAbstractSeries* s : {static_cast<QAbstractSeries*>(line.main), static_cast<QAbstractSeries*>(line.faint),
                 static_cast<QAbstractSeries*>(line.band), static_cast<QAbstractSeries*>(line.infMarks)}) {
            if (s)
                s->setVisible(visible);
        }
        updateLegendMarker(line);
    }
}

void MetricChartView::connectLegend()
{
    QLegend* legend = chart()->legend();
    for (const Line& line : m_lines) {
        // Only the main line has a legend entry; its raw copy, band and markers follow it.
        for (QAbstractSeries* s : {static_cast<QAbstractSeries*>(line.faint), static_cast<QAbstractSeries*>(line.band),
                 static_cast<QAbstractSeries*>(line.infMarks)}) {
            if (!s)
                continue;
            for (QLegendMarker* marker : legend->markers(s))
                marker->setVisible(false);
        }
        const QString id = line.id;
        for (QLegendMarker* marker : legend->markers(line.main))
            connect(marker, &QLegendMarker::clicked, this, [this, id] { toggleHidden(id); });
    }
    legend->setVisible(!m_lines.empty());
}

void MetricChartView::updateLegendMarker(const Line& line)
{
    const bool hidden = m_hidden.contains(line.id);
    for (QLegendMarker* marker : chart()->legend()->markers(line.main)) {
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
    for (const Line& line : m_lines) {
        if (line.id != id)
            continue;
        for (QAbstractSeries* s : {static_cast<QAbstractSeries*>(line.main), static_cast<QAbstractSeries*>(line.faint),
                 static_cast<QAbstractSeries*>(line.band), static_cast<QAbstractSeries*>(line.infMarks)}) {
            if (s)
                s->setVisible(!hidden);
        }
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

void MetricChartView::redraw()
{
    m_redrawTimer.stop();
    const QRectF plot = chart()->plotArea();
    const int buckets = std::max(1, int(std::ceil(plot.width())));
    m_decimatedWidth = plot.width();
    const auto [xLo, xHi] = m_xRange;
    DecimationOptions options;
    options.scale = m_settings.logX ? AxisScale::Log : AxisScale::Linear;
    options.minPositive = m_settings.logY;
    DecimationOptions upper = options;
    upper.mode = DecimationMode::Upper;
    DecimationOptions lower = options;
    lower.mode = DecimationMode::Lower;

    struct Pending
    {
        Decimation main;
        Decimation faint;
        Decimation upper;
        Decimation lower;
    };
    std::vector<Pending> pending(m_lines.size());
    std::vector<std::pair<const MetricSeries*, IndexRange>> visible; // raw values, for outlier clipping
    double yLo = std::numeric_limits<double>::infinity();
    double yHi = -std::numeric_limits<double>::infinity();
    std::optional<double> minPositive;
    const auto extend = [&](const Decimation& d) {
        if (d.yMin) {
            yLo = std::min(yLo, *d.yMin);
            yHi = std::max(yHi, *d.yMax);
        }
        if (d.yMinPositive)
            minPositive = minPositive ? std::min(*minPositive, *d.yMinPositive) : *d.yMinPositive;
    };
    for (std::size_t i = 0; i < m_lines.size(); ++i) {
        const Line& line = m_lines[i];
        if (m_hidden.contains(line.id))
            continue;
        Pending& p = pending[i];
        p.main = decimate(line.drawn(), xLo, xHi, buckets, options);
        extend(p.main);
        if (line.faint) {
            p.faint = decimate(line.raw, xLo, xHi, buckets, options);
            extend(p.faint);
        }
        if (line.band) {
            p.upper = decimate(line.upper, xLo, xHi, buckets, upper);
            p.lower = decimate(line.lower, xLo, xHi, buckets, lower);
            extend(p.upper);
            extend(p.lower);
        }
        if (line.grouped) {
            for (const auto& member : line.members)
                visible.emplace_back(&member->aligned.series, member->aligned.series.indexRange(xLo, xHi));
        } else {
            visible.emplace_back(&line.raw, p.main.visible);
        }
    }
    if (m_yAuto) {
        const auto [lo, hi] = autoYRange(visible, yLo, yHi, minPositive);
        applyYRange(lo, hi);
    }

    // Far-away points (a neighbour beyond a gap, a huge finite value) are pulled in to a bounded distance
    // so the painter's coordinates stay sane; the visible part of each segment barely moves.
    const auto [vLo, vHi] = m_yRange;
    const double ySpan = vHi - vLo;
    const double xSpan = xHi - xLo;
    const auto clampY = [&](double y) {
        if (m_settings.logY)
            return y <= 0 ? vLo : std::clamp(y, vLo / 1e6, vHi * 1e6);
        return std::clamp(y, vLo - 1000 * ySpan, vHi + 1000 * ySpan);
    };
    const auto clampX = [&](double x) {
        if (m_settings.logX)
            return std::clamp(x, xLo / 1e6, xHi * 1e6);
        return std::clamp(x, xLo - 1000 * xSpan, xHi + 1000 * xSpan);
    };
    const auto toPoints = [&](const MetricSeries& s, const Decimation& d, QList<QPointF>* infinities) {
        QList<QPointF> points;
        points.reserve(qsizetype(d.indices.size()));
        for (const std::size_t i : d.indices) {
            const double x = s.x(i);
            double y = s.y(i);
            if (m_settings.logX && !(x > 0))
                continue;
            if (std::isinf(y)) {
                y = y > 0 ? vHi : vLo; // drawn at the axis edge and marked
                if (infinities)
                    infinities->append(QPointF(clampX(x), y));
            } else {
                y = clampY(y);
            }
            points.append(QPointF(clampX(x), y));
        }
        return points;
    };

    for (std::size_t i = 0; i < m_lines.size(); ++i) {
        Line& line = m_lines[i];
        if (m_hidden.contains(line.id))
            continue;
        const Pending& p = pending[i];
        QList<QPointF> infinities;
        // One replace() per series: appending point by point costs a relayout per point.
        line.main->replace(toPoints(line.drawn(), p.main, &infinities));
        if (line.faint)
            line.faint->replace(toPoints(line.raw, p.faint, nullptr));
        if (line.band) {
            line.bandUpper->replace(toPoints(line.upper, p.upper, nullptr));
            line.bandLower->replace(toPoints(line.lower, p.lower, nullptr));
        }
        if (line.infMarks)
            line.infMarks->replace(infinities);
    }
    // Tick spacing depends on the plot size, known for sure only now (the first ranges are set before
    // the chart is laid out).
    for (const auto& [axis, range, pixels, perTick] :
        {std::tuple(m_xAxis, m_xRange, plot.width(), 110.0), std::tuple(m_yAxis, m_yRange, plot.height(), 60.0)}) {
        if (auto* value = qobject_cast<QValueAxis*>(axis))
            value->setTickInterval(niceInterval(range.second - range.first, std::max(100.0, pixels) / perTick));
    }
    ++m_redrawCount;
    Q_EMIT redrawn();
}

QRectF MetricChartView::plotAreaInView() const
{
    const QRectF scene = chart()->mapRectToScene(chart()->plotArea());
    return QRectF(mapFromScene(scene.topLeft()), mapFromScene(scene.bottomRight()));
}

double MetricChartView::xToPixel(double x) const
{
    const QRectF plot = plotAreaInView();
    const auto [lo, hi] = m_xRange;
    const double t
        = m_settings.logX ? (std::log10(x) - std::log10(lo)) / (std::log10(hi) - std::log10(lo)) : (x - lo) / (hi - lo);
    return plot.left() + t * plot.width();
}

double MetricChartView::pixelToX(double px) const
{
    const QRectF plot = plotAreaInView();
    const auto [lo, hi] = m_xRange;
    const double t = (px - plot.left()) / plot.width();
    if (m_settings.logX)
        return std::pow(10.0, std::log10(lo) + t * (std::log10(hi) - std::log10(lo)));
    return lo + t * (hi - lo);
}

double MetricChartView::yToPixel(double y) const
{
    const QRectF plot = plotAreaInView();
    const auto [lo, hi] = m_yRange;
    const double t
        = m_settings.logY ? (std::log10(y) - std::log10(lo)) / (std::log10(hi) - std::log10(lo)) : (y - lo) / (hi - lo);
    return plot.bottom() - t * plot.height();
}

double MetricChartView::pixelToY(double py) const
{
    const QRectF plot = plotAreaInView();
    const auto [lo, hi] = m_yRange;
    const double t = (plot.bottom() - py) / plot.height();
    if (m_settings.logY)
        return std::pow(10.0, std::log10(lo) + t * (std::log10(hi) - std::log10(lo)));
    return lo + t * (hi - lo);
}

QPointF MetricChartView::pointToView(double x, double y) const
{
    return {xToPixel(x), yToPixel(y)};
}

QList<QPointF> MetricChartView::drawnPoints(const QString& id, const QString& key) const
{
    for (const Line& line : m_lines) {
        if (line.id == id && line.key == key && line.main && line.main->isVisible())
            return line.main->points();
    }
    return {};
}

void MetricChartView::hoverAt(const QPointF& pos)
{
    const QRectF plot = plotAreaInView();
    if (!plot.contains(pos)) {
        clearHover();
        return;
    }
    // Snap to the data x nearest to the pointer over all visible lines, then read every line there
    // from its full-resolution series.
    const double at = pixelToX(pos.x());
    std::optional<double> snap;
    for (const Line& line : m_lines) {
        if (m_hidden.contains(line.id))
            continue;
        if (const auto i = line.raw.nearest(at)) {
            const double x = line.raw.x(*i);
            if (!snap || std::abs(xToPixel(x) - pos.x()) < std::abs(xToPixel(*snap) - pos.x()))
                snap = x;
        }
    }
    if (!snap || (m_settings.logX && !(*snap > 0))) {
        clearHover();
        return;
    }
    QString html = QStringLiteral("<b>%1</b>").arg(formatX(*snap).toHtmlEscaped());
    QString plain = formatX(*snap);
    for (const Line& line : m_lines) {
        if (m_hidden.contains(line.id))
            continue;
        const auto i = line.raw.nearest(*snap);
        if (!i)
            continue;
        QString value = valueText(line.raw.y(*i));
        if (!line.smoothed.empty())
            value += tr(" (smoothed %1)").arg(valueText(line.smoothed.y(*i)));
        if (line.grouped)
            value += QStringLiteral(" [%1, %2]").arg(valueText(line.lower.y(*i)), valueText(line.upper.y(*i)));
        if (line.raw.x(*i) != *snap)
            value += QStringLiteral(" @ ") + formatX(line.raw.x(*i));
        html += QStringLiteral("<br><span style=\"color:%1\">&#9679;</span> %2: %3")
                    .arg(line.colour.name(), line.label.toHtmlEscaped(), value.toHtmlEscaped());
        plain += QLatin1Char('\n') + line.label + QStringLiteral(": ") + value;
    }
    m_hoverText = plain;

    const double px = xToPixel(*snap);
    const QPointF top = mapToScene(QPoint(int(std::lround(px)), int(plot.top())));
    const QPointF bottom = mapToScene(QPoint(int(std::lround(px)), int(plot.bottom())));
    m_hoverLine->setLine(QLineF(chart()->mapFromScene(top), chart()->mapFromScene(bottom)));
    m_hoverLine->show();

    m_hoverLabel->setHtml(html);
    const QRectF text = m_hoverLabel->boundingRect();
    m_hoverBox->setRect(text);
    QPointF place = pos + QPointF(14, 14);
    if (place.x() + text.width() > plot.right())
        place.setX(pos.x() - 14 - text.width());
    if (place.y() + text.height() > plot.bottom())
        place.setY(std::max(plot.top(), plot.bottom() - text.height()));
    m_hoverBox->setPos(chart()->mapFromScene(mapToScene(place.toPoint())));
    m_hoverBox->show();
}

void MetricChartView::clearHover()
{
    m_hoverText.clear();
    if (m_hoverLine)
        m_hoverLine->hide();
    if (m_hoverBox)
        m_hoverBox->hide();
}

void MetricChartView::resizeEvent(QResizeEvent* event)
{
    QChartView::resizeEvent(event);
    scheduleRedraw(); // the number of pixel columns changed
}

void MetricChartView::mousePressEvent(QMouseEvent* event)
{
    const QPointF pos = event->position();
    const bool inPlot = plotAreaInView().contains(pos);
    if (inPlot
        && (event->button() == Qt::MiddleButton
            || (event->button() == Qt::LeftButton && (event->modifiers() & Qt::ShiftModifier)))) {
        m_panning = true;
        m_panLast = pos;
        viewport()->setCursor(Qt::ClosedHandCursor);
        event->accept();
        return;
    }
    if (inPlot && event->button() == Qt::LeftButton) {
        if (!m_rubberBand)
            m_rubberBand = new QRubberBand(QRubberBand::Rectangle, viewport());
        m_rubberOrigin = pos.toPoint();
        m_rubberBand->setGeometry(QRect(m_rubberOrigin, QSize()));
        m_rubberBand->show();
        event->accept();
        return;
    }
    if (event->button() == Qt::RightButton) {
        event->accept(); // the context menu, not QChartView's zoom-out
        return;
    }
    QChartView::mousePressEvent(event); // legend clicks go to the scene
}

void MetricChartView::mouseMoveEvent(QMouseEvent* event)
{
    const QPointF pos = event->position();
    if (m_panning) {
        const QRectF plot = plotAreaInView();
        const double dx = pos.x() - m_panLast.x();
        const double dy = pos.y() - m_panLast.y();
        m_panLast = pos;
        m_xAuto = false;
        applyXRange(pixelToX(plot.left() - dx), pixelToX(plot.right() - dx));
        if (!m_yAuto) // an automatic y-range keeps following the data instead
            applyYRange(pixelToY(plot.bottom() - dy), pixelToY(plot.top() - dy));
        clearHover();
        scheduleRedraw();
        event->accept();
        return;
    }
    if (m_rubberBand && m_rubberBand->isVisible()) {
        const QRect plot = plotAreaInView().toRect();
        QPoint to = pos.toPoint();
        to.setX(std::clamp(to.x(), plot.left(), plot.right()));
        to.setY(std::clamp(to.y(), plot.top(), plot.bottom()));
        m_rubberBand->setGeometry(QRect(m_rubberOrigin, to).normalized());
        event->accept();
        return;
    }
    QChartView::mouseMoveEvent(event);
    hoverAt(pos);
}

void MetricChartView::mouseReleaseEvent(QMouseEvent* event)
{
    if (m_panning && (event->button() == Qt::MiddleButton || event->button() == Qt::LeftButton)) {
        m_panning = false;
        viewport()->unsetCursor();
        event->accept();
        return;
    }
    if (m_rubberBand && m_rubberBand->isVisible() && event->button() == Qt::LeftButton) {
        m_rubberBand->hide();
        const QRect r = m_rubberBand->geometry();
        if (r.width() >= kMinRubberBand) {
            const double xLo = pixelToX(r.left());
            const double xHi = pixelToX(r.right());
            m_xAuto = false;
            applyXRange(xLo, xHi);
            // A flat band zooms x only and lets y follow the data; a box also fixes y.
            if (r.height() >= kMinRubberBand) {
                m_yAuto = false;
                applyYRange(pixelToY(r.bottom()), pixelToY(r.top()));
            }
            clearHover();
            scheduleRedraw();
        }
        event->accept();
        return;
    }
    if (event->button() == Qt::RightButton) {
        event->accept();
        return;
    }
    QChartView::mouseReleaseEvent(event);
}

void MetricChartView::mouseDoubleClickEvent(QMouseEvent* event)
{
    if (event->button() == Qt::LeftButton && plotAreaInView().contains(event->position())) {
        resetZoom();
        event->accept();
        return;
    }
    QChartView::mouseDoubleClickEvent(event);
}

void MetricChartView::wheelEvent(QWheelEvent* event)
{
    const QPointF pos = event->position();
    const QRectF plot = plotAreaInView();
    if (!plot.contains(pos) || event->angleDelta().y() == 0) {
        event->ignore(); // let a surrounding scroll area scroll
        return;
    }
    const double factor = std::pow(0.8, event->angleDelta().y() / 120.0); // < 1 zooms in
    const auto zoomed = [factor](double lo, double hi, double at, bool log) {
        if (log) {
            const double l = std::log10(lo), h = std::log10(hi), c = std::log10(at);
            return std::make_pair(std::pow(10.0, c - (c - l) * factor), std::pow(10.0, c + (h - c) * factor));
        }
        return std::make_pair(at - (at - lo) * factor, at + (hi - at) * factor);
    };
    if (event->modifiers() & Qt::ControlModifier) {
        const auto [lo, hi] = zoomed(m_yRange.first, m_yRange.second, pixelToY(pos.y()), m_settings.logY);
        if (hi - lo > std::abs(hi) * 1e-12) {
            m_yAuto = false;
            applyYRange(lo, hi);
        }
    } else {
        const auto [lo, hi] = zoomed(m_xRange.first, m_xRange.second, pixelToX(pos.x()), m_settings.logX);
        if (hi - lo > std::abs(hi) * 1e-12) { // stop before the range collapses into rounding
            m_xAuto = false;
            applyXRange(lo, hi);
        }
    }
    clearHover();
    scheduleRedraw();
    event->accept();
}

void MetricChartView::leaveEvent(QEvent* event)
{
    clearHover();
    QChartView::leaveEvent(event);
}

void MetricChartView::contextMenuEvent(QContextMenuEvent* event)
{
    QMenu menu(this);
    menu.addAction(tr("Reset zoom"), this, &MetricChartView::resetZoom);
    menu.addSeparator();
    const QString base = m_keys.isEmpty() ? QStringLiteral("chart") : m_keys.join(QLatin1Char('_'));
    const auto exportTo
        = [this, base](const QString& title, const QString& suffix, const QString& filter, auto&& write) {
              QString name = base;
              name.replace(QLatin1Char('/'), QLatin1Char('_'));
              const QString path = QFileDialog::getSaveFileName(this, title, name + suffix, filter);
              if (path.isEmpty())
                  return;
              QString error;
              if (!write(path, &error))
                  QMessageBox::warning(this, title, error);
          };
    menu.addAction(tr("Export PNG…"), this, [this, exportTo] {
        exportTo(tr("Export chart as PNG"), QStringLiteral(".png"), tr("PNG images (*.png)"),
            [this](const QString& path, QString* error) { return ChartExport::savePng(this, path, error); });
    });
    menu.addAction(tr("Export SVG…"), this, [this, exportTo] {
        exportTo(tr("Export chart as SVG"), QStringLiteral(".svg"), tr("SVG images (*.svg)"),
            [this](const QString& path, QString* error) { return ChartExport::saveSvg(this, path, error); });
    });
    menu.addAction(tr("Export data as CSV…"), this, [this, exportTo] {
        exportTo(tr("Export chart data as CSV"), QStringLiteral(".csv"), tr("CSV files (*.csv)"),
            [this](const QString& path, QString* error) { return ChartExport::saveCsv(*this, path, error); });
    });
    menu.exec(event->globalPos());
}

bool MetricChartView::writeCsv(QIODevice& out, QString* error) const
{
    QByteArray buffer;
    const auto flush = [&]() {
        if (out.write(buffer) != buffer.size()) {
            if (error)
                *error = tr("Could not write the CSV data: %1").arg(out.errorString());
            return false;
        }
        buffer.clear();
        return true;
    };
    const auto number = [](double v) { return QByteArray::fromStdString(formatDouble(v)); };
    buffer += "run_id,run_name,metric,step,timestamp,value,x,smoothed\n";
    for (const Line& line : m_lines) {
        for (const auto& member : line.members) {
            const auto& history = *member->history;
            const auto& aligned = member->aligned;
            const QByteArray prefix = ChartExport::csvField(member->runId) + ','
                + ChartExport::csvField(member->runName) + ',' + ChartExport::csvField(member->key) + ',';
            // A grouped line smooths the mean, not its members, so they have no smoothed value.
            const bool smoothed = !line.smoothed.empty() && !line.grouped;
            std::vector<bool> written(history.size(), false);
            const auto row = [&](std::size_t source, const QByteArray& x, const QByteArray& smooth) {
                const MetricPoint& p = history[source];
                buffer += prefix;
                buffer += QByteArray::number(qint64(p.step)) + ',' + QByteArray::number(qint64(p.timestamp)) + ','
                    + number(p.value) + ',' + x + ',' + smooth + '\n';
                written[source] = true;
            };
            for (std::size_t i = 0; i < aligned.series.size(); ++i) {
                row(aligned.source[i], number(aligned.series.x(i)),
                    smoothed ? number(line.smoothed.y(i)) : QByteArray());
                if (buffer.size() > (1 << 20) && !flush())
                    return false;
            }
            // Points with no place on this x axis are still data: written with an empty x.
            for (std::size_t i = 0; i < history.size(); ++i) {
                if (!written[i])
                    row(i, QByteArray(), QByteArray());
            }
        }
    }
    return flush();
}

} // namespace runlens
