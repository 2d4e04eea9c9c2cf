// SPDX-License-Identifier: Apache-2.0
#include "metricchartview.h"

#include "chartexport.h"
#include "numberformat.h"

#include <QContextMenuEvent>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QFileDialog>
#include <QGraphicsItem>
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
#include <QPaintEngine>
#include <QPainter>
#include <QRubberBand>
#include <QValueAxis>
#include <QWheelEvent>
#include <QtConcurrent/QtConcurrentMap>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <tuple>

namespace runlens {

namespace {

constexpr int kRedrawDelayMs = 16; // coalesces the range changes of one gesture into one redraw
constexpr double kOutlierLow = 0.05;
constexpr double kOutlierHigh = 0.95;
constexpr int kMinRubberBand = 4; // pixels; a smaller drag is a click
constexpr std::size_t kParallelDecimation = 200000; // visible points above which lines decimate in parallel

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

// Where a value falls along an axis, 0 at lo and 1 at hi.
double axisFraction(double v, double lo, double hi, bool log)
{
    if (log)
        return (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo));
    return (v - lo) / (hi - lo);
}

// The vertical extent of a polyline in each pixel column of an image. Points come sorted by x, so the
// line's slice through one column is a single interval; filling it is exactly what drawing the line
// without antialiasing covers (which is why M4 decimation is pixel-exact), at a fraction of the cost
// of stroking thousands of segments.
class ColumnSpans
{
public:
    void reset(int width)
    {
        m_lo.assign(std::size_t(std::max(0, width)), std::numeric_limits<float>::infinity());
        m_hi.assign(std::size_t(std::max(0, width)), -std::numeric_limits<float>::infinity());
    }
    int width() const { return int(m_lo.size()); }
    bool has(int c) const { return m_lo[std::size_t(c)] <= m_hi[std::size_t(c)]; }
    float lo(int c) const { return m_lo[std::size_t(c)]; }
    float hi(int c) const { return m_hi[std::size_t(c)]; }

    void addPolyline(const std::vector<QPointF>& points)
    {
        if (points.size() == 1)
            extend(int(std::floor(points[0].x())), points[0].y(), points[0].y());
        for (std::size_t i = 1; i < points.size(); ++i)
            addSegment(points[i - 1], points[i]);
    }

    // Widens every span by one column to the right and half a pixel up and down: a 2-pixel line.
    void thicken()
    {
        for (int c = width() - 1; c >= 0; --c) {
            float lo = m_lo[std::size_t(c)];
            float hi = m_hi[std::size_t(c)];
            if (c > 0) {
                lo = std::min(lo, m_lo[std::size_t(c - 1)]);
                hi = std::max(hi, m_hi[std::size_t(c - 1)]);
            }
            if (lo <= hi) {
                m_lo[std::size_t(c)] = lo - 0.5f;
                m_hi[std::size_t(c)] = hi + 0.5f;
            }
        }
    }

private:
    void extend(int c, double a, double b)
    {
        if (c < 0 || c >= width())
            return;
        auto& lo = m_lo[std::size_t(c)];
        auto& hi = m_hi[std::size_t(c)];
        lo = std::min(lo, float(std::min(a, b)));
        hi = std::max(hi, float(std::max(a, b)));
    }

    void addSegment(QPointF p0, QPointF p1)
    {
        if (p1.x() < p0.x())
            std::swap(p0, p1);
        if (p1.x() < 0 || p0.x() >= width())
            return;
        const int c0 = std::max(0, int(std::floor(p0.x())));
        const int c1 = std::min(width() - 1, int(std::floor(p1.x())));
        const double dx = p1.x() - p0.x();
        if (dx <= 0) {
            extend(c0, p0.y(), p1.y());
            return;
        }
        const double slope = (p1.y() - p0.y()) / dx;
        for (int c = c0; c <= c1; ++c) {
            const double xa = std::max(p0.x(), double(c));
            const double xb = std::min(p1.x(), double(c + 1));
            extend(c, p0.y() + slope * (xa - p0.x()), p0.y() + slope * (xb - p0.x()));
        }
    }

    std::vector<float> m_lo;
    std::vector<float> m_hi;
};

// Fills pixel rows [lo, hi] of every column (clipped to the image), blending a colour in.
void fillColumns(QImage& image, int width, const std::function<bool(int, float&, float&)>& span, QColor colour)
{
    const int height = image.height();
    const QRgb premultiplied = qPremultiply(colour.rgba());
    const uint alpha = uint(qAlpha(premultiplied));
    uchar* bits = image.bits();
    const qsizetype stride = image.bytesPerLine();
    for (int c = 0; c < width && c < image.width(); ++c) {
        float lo, hi;
        if (!span(c, lo, hi) || hi < 0 || lo >= float(height))
            continue;
        const int r0 = std::clamp(int(std::floor(lo)), 0, height - 1);
        const int r1 = std::clamp(int(std::floor(hi)), 0, height - 1);
        for (int r = r0; r <= r1; ++r) {
            auto* pixel = reinterpret_cast<QRgb*>(bits + r * stride) + c;
            if (alpha == 255) {
                *pixel = premultiplied;
            } else {
                const QRgb d = *pixel;
                const uint inverse = 255 - alpha;
                *pixel = qRgba(qRed(premultiplied) + (qRed(d) * inverse + 127) / 255,
                    qGreen(premultiplied) + (qGreen(d) * inverse + 127) / 255,
                    qBlue(premultiplied) + (qBlue(d) * inverse + 127) / 255,
                    qAlpha(premultiplied) + (qAlpha(d) * inverse + 127) / 255);
            }
        }
    }
}

// A small triangle pointing out of the plot where a value is ±inf.
QPolygonF infinityMark(QPointF at, bool top, double size)
{
    const double d = top ? -1.0 : 1.0;
    return QPolygonF({at + QPointF(-size, 0), at + QPointF(size, 0), at + QPointF(0, d * size * 1.4)});
}

} // namespace

// Draws the chart's lines over QtCharts' plot area (above its grid and axis lines, z 2–3, and below its
// legend, z 5). On screen it paints a cached image rendered from the decimated points; painted into a
// vector device (SVG, PDF) it draws paths instead.
class MetricChartView::PlotLayer final : public QGraphicsItem
{
public:
    explicit PlotLayer(MetricChartView* view)
        : QGraphicsItem(view->chart())
        , m_view(view)
    {
        setZValue(4.5);
        setAcceptedMouseButtons(Qt::NoButton);
    }

    QRectF boundingRect() const override { return m_view->chart()->plotArea(); }

    void invalidate()
    {
        prepareGeometryChange();
        m_cache = QImage();
        update();
    }

    void paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*) override
    {
        const QRectF plot = m_view->chart()->plotArea();
        if (plot.isEmpty())
            return;
        if (painter->paintEngine() && painter->paintEngine()->type() == QPaintEngine::Raster) {
            const qreal dpr = painter->device() ? painter->device()->devicePixelRatioF() : 1.0;
            if (m_cache.isNull() || m_cacheRect != plot || m_cacheDpr != dpr) {
                m_cache = m_view->renderLines(plot, dpr);
                m_cacheRect = plot;
                m_cacheDpr = dpr;
            }
            painter->drawImage(plot.topLeft(), m_cache);
        } else {
            painter->save();
            painter->setClipRect(plot);
            m_view->paintLinesVector(painter, plot);
            painter->restore();
        }
    }

private:
    MetricChartView* m_view;
    QImage m_cache; // the lines as last rendered, reused while only the hover moves
    QRectF m_cacheRect;
    qreal m_cacheDpr = 0;
};

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
    legend->setVisible(!m_lines.empty());
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

void MetricChartView::redraw()
{
    m_redrawTimer.stop();
    const QRectF plot = chart()->plotArea();
    // One bucket per device pixel column: on a HiDPI screen a logical pixel holds two.
    const int buckets = std::max(1, int(std::ceil(plot.width() * devicePixelRatioF())));
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
    std::vector<std::size_t> shownLines;
    std::size_t visiblePoints = 0;
    for (std::size_t i = 0; i < m_lines.size(); ++i) {
        if (!m_hidden.contains(m_lines[i].id)) {
            shownLines.push_back(i);
            visiblePoints += m_lines[i].raw.indexRange(xLo, xHi).size();
        }
    }
    const auto decimateLine = [&](std::size_t i) {
        const Line& line = m_lines[i];
        Pending& p = pending[i];
        p.main = decimate(line.shown(), xLo, xHi, buckets, options);
        if (!line.smoothed.empty())
            p.faint = decimate(line.raw, xLo, xHi, buckets, options);
        if (line.grouped) {
            p.upper = decimate(line.upper, xLo, xHi, buckets, upper);
            p.lower = decimate(line.lower, xLo, xHi, buckets, lower);
        }
    };
    // Series are immutable, so lines decimate in parallel; worth it only when there is a lot to scan.
    if (shownLines.size() > 1 && visiblePoints > kParallelDecimation)
        QtConcurrent::blockingMap(shownLines, decimateLine);
    else
        std::for_each(shownLines.begin(), shownLines.end(), decimateLine);

    for (const std::size_t i : shownLines) {
        const Line& line = m_lines[i];
        const Pending& p = pending[i];
        extend(p.main);
        extend(p.faint);
        extend(p.upper);
        extend(p.lower);
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
    const auto toPoints = [&](const MetricSeries&, const Decimation& d, QList<QPointF>* infinities) {
        QList<QPointF> points;
        points.reserve(qsizetype(d.indices.size()));
        for (std::size_t k = 0; k < d.x.size(); ++k) {
            const double x = d.x[k];
            double y = d.y[k];
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
        line.drawn = {};
        if (m_hidden.contains(line.id))
            continue;
        const Pending& p = pending[i];
        line.drawn.main = toPoints(line.shown(), p.main, &line.drawn.infinities);
        if (!line.smoothed.empty())
            line.drawn.raw = toPoints(line.raw, p.faint, nullptr);
        if (line.grouped) {
            line.drawn.upper = toPoints(line.upper, p.upper, nullptr);
            line.drawn.lower = toPoints(line.lower, p.lower, nullptr);
        }
    }
    m_layer->invalidate();
    // Tick spacing depends on the plot size, known for sure only now (the first ranges are set before
    // the chart is laid out).
    for (const auto& [axis, range, pixels, perTick] :
        {std::tuple(m_xAxis, m_xRange, plot.width(), 110.0), std::tuple(m_yAxis, m_yRange, plot.height(), 60.0)}) {
        if (auto* value = qobject_cast<QValueAxis*>(axis))
            value->setTickInterval(niceInterval(range.second - range.first, std::max(100.0, pixels) / perTick));
    }
    // The pointer still points at the same pixel, but at other data now.
    if (m_hoverBox->isVisible())
        hoverAt(m_hoverPos);
    ++m_redrawCount;
    Q_EMIT redrawn();
}

QPointF MetricChartView::toChart(const QPointF& value, const QRectF& plot) const
{
    const double tx = axisFraction(value.x(), m_xRange.first, m_xRange.second, m_settings.logX);
    const double ty = axisFraction(value.y(), m_yRange.first, m_yRange.second, m_settings.logY);
    return {plot.left() + tx * plot.width(), plot.bottom() - ty * plot.height()};
}

QImage MetricChartView::renderLines(const QRectF& plot, qreal dpr) const
{
    QImage image(std::max(1, int(std::ceil(plot.width() * dpr))), std::max(1, int(std::ceil(plot.height() * dpr))),
        QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    const int width = image.width();
    std::vector<QPointF> pixels;
    const auto toPixels = [&](const QList<QPointF>& values) {
        pixels.resize(std::size_t(values.size()));
        for (qsizetype i = 0; i < values.size(); ++i)
            pixels[std::size_t(i)] = (toChart(values[i], plot) - plot.topLeft()) * dpr;
        return !pixels.empty();
    };
    ColumnSpans spans;
    ColumnSpans other;
    QPainter painter(&image); // only for the few lines sparse enough to draw antialiased, and markers
    painter.setRenderHint(QPainter::Antialiasing);
    // A line is drawn antialiased when its segments are long enough for jagged steps to show.
    const auto drawLine = [&](const QList<QPointF>& values, QColor colour, double thickness, double sparseThickness) {
        if (!toPixels(values))
            return;
        if (pixels.size() * 3 <= std::size_t(width)) {
            if (pixels.size() * 8 <= std::size_t(width)) {
                // Few points (a metric logged once per epoch, or once at all): mark each, since a
                // single point draws no line and a handful are hard to read off one.
                const double radius = 2.5 * dpr;
                painter.setPen(Qt::NoPen);
                painter.setBrush(colour);
                for (const QPointF& p : pixels)
                    painter.drawEllipse(p, radius, radius);
                painter.setBrush(Qt::NoBrush);
            }
            // Cosmetic one-pixel pens take Qt's fast path; wider pens go through its stroker, ~50x
            // slower. A thicker line is a few one-pixel passes, offset.
            QPen pen(colour, 0);
            painter.setPen(pen);
            const int passes = std::max(1, int(std::lround(sparseThickness * dpr)));
            for (int pass = 0; pass < passes; ++pass) {
                // Passes at -(n-1)/2, ..., +(n-1)/2 pixels: each moves one pixel down from the last.
                const double shift = pass == 0 ? -(passes - 1) / 2.0 : 1.0;
                if (shift != 0) {
                    for (QPointF& p : pixels)
                        p.ry() += shift;
                }
                painter.drawPolyline(pixels.data(), int(pixels.size()));
            }
            return;
        }
        spans.reset(width);
        spans.addPolyline(pixels);
        for (int i = 1; i < int(std::lround(thickness * dpr)); ++i)
            spans.thicken();
        fillColumns(
            image, width,
            [&](int c, float& lo, float& hi) {
                if (!spans.has(c))
                    return false;
                lo = spans.lo(c);
                hi = spans.hi(c);
                return true;
            },
            colour);
    };

    // Layers: every band first, then raw lines, then lines, then markers, so no band hides a line.
    for (const Line& line : m_lines) {
        if (line.drawn.upper.isEmpty() || line.drawn.lower.isEmpty())
            continue;
        toPixels(line.drawn.upper);
        spans.reset(width);
        spans.addPolyline(pixels);
        toPixels(line.drawn.lower);
        other.reset(width);
        other.addPolyline(pixels);
        fillColumns(
            image, width,
            [&](int c, float& lo, float& hi) {
                if (!spans.has(c) || !other.has(c))
                    return false;
                lo = std::min(spans.lo(c), other.lo(c));
                hi = std::max(spans.hi(c), other.hi(c));
                return true;
            },
            faded(line.colour, 55));
    }
    for (const Line& line : m_lines)
        drawLine(line.drawn.raw, faded(line.colour, 70), 1.0, 1.0);
    for (const Line& line : m_lines)
        drawLine(line.drawn.main, line.colour, line.smoothed.empty() && !line.grouped ? 1.0 : 2.0, 2.0);
    painter.setPen(Qt::NoPen);
    for (const Line& line : m_lines) {
        painter.setBrush(line.colour);
        for (const QPointF& value : line.drawn.infinities) {
            const QPointF at = (toChart(value, plot) - plot.topLeft()) * dpr;
            painter.drawPolygon(infinityMark(at, value.y() >= m_yRange.second, 4.5 * dpr));
        }
    }
    painter.end();
    image.setDevicePixelRatio(dpr);
    return image;
}

void MetricChartView::paintLinesVector(QPainter* painter, const QRectF& plot) const
{
    painter->setRenderHint(QPainter::Antialiasing);
    const auto polyline = [&](const QList<QPointF>& values) {
        QPolygonF points;
        points.reserve(values.size());
        for (const QPointF& v : values)
            points.append(toChart(v, plot));
        return points;
    };
    for (const Line& line : m_lines) {
        if (line.drawn.upper.isEmpty() || line.drawn.lower.isEmpty())
            continue;
        QPolygonF band = polyline(line.drawn.upper);
        const QPolygonF lower = polyline(line.drawn.lower);
        for (auto it = lower.rbegin(); it != lower.rend(); ++it)
            band.append(*it);
        painter->setPen(Qt::NoPen);
        painter->setBrush(faded(line.colour, 55));
        painter->drawPolygon(band);
    }
    painter->setBrush(Qt::NoBrush);
    for (const Line& line : m_lines) {
        if (line.drawn.raw.isEmpty())
            continue;
        painter->setPen(QPen(faded(line.colour, 70), 1.0));
        painter->drawPolyline(polyline(line.drawn.raw));
    }
    for (const Line& line : m_lines) {
        if (line.drawn.main.isEmpty())
            continue;
        QPen pen(line.colour, line.smoothed.empty() && !line.grouped ? 1.2 : 2.0);
        pen.setJoinStyle(Qt::RoundJoin);
        painter->setPen(pen);
        painter->drawPolyline(polyline(line.drawn.main));
    }
    painter->setPen(Qt::NoPen);
    for (const Line& line : m_lines) {
        painter->setBrush(line.colour);
        for (const QPointF& value : line.drawn.infinities)
            painter->drawPolygon(infinityMark(toChart(value, plot), value.y() >= m_yRange.second, 4.5));
    }
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

MetricChartView::DrawnLine MetricChartView::drawnLine(const QString& id, const QString& key) const
{
    for (const Line& line : m_lines) {
        if (line.id == id && line.key == key)
            return line.drawn;
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
    m_hoverPos = pos;

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
