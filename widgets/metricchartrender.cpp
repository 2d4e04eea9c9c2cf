// SPDX-License-Identifier: Apache-2.0
// MetricChartView's drawing: decimating the visible points, the raster image of the lines and the
// vector paths for SVG and PDF, and the value <-> pixel mapping.
#include "metricchartview.h"

#include "columnspans.h"
#include "metricchartviewparts.h"

#include <QLineSeries>
#include <QPaintEngine>
#include <QPainter>
#include <QValueAxis>
#include <QtConcurrent/QtConcurrentMap>

#include <algorithm>
#include <cmath>
#include <limits>

namespace runlens {

using metricchart::faded;
using metricchart::niceInterval;

namespace {

constexpr std::size_t kParallelDecimation = 200000; // visible points above which lines decimate in parallel

// Where a value falls along an axis, 0 at lo and 1 at hi.
double axisFraction(double v, double lo, double hi, bool log)
{
    if (log)
        return (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo));
    return (v - lo) / (hi - lo);
}

// A small triangle pointing out of the plot where a value is ±inf.
QPolygonF infinityMark(QPointF at, bool top, double size)
{
    const double d = top ? -1.0 : 1.0;
    return QPolygonF({at + QPointF(-size, 0), at + QPointF(size, 0), at + QPointF(0, d * size * 1.4)});
}

} // namespace

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
    // With a run highlighted (hovered in the legend) the others fade and it is drawn last, on top.
    const bool highlighting = !m_highlighted.isEmpty();
    const auto colourOf = [&](const Line& line) { return highlighting ? faded(line.colour, 25) : line.colour; };
    for (const Line& line : m_lines)
        drawLine(line.drawn.raw, faded(line.colour, 70), 1.0, 1.0);
    for (const Line& line : m_lines) {
        if (line.id != m_highlighted)
            drawLine(line.drawn.main, colourOf(line), line.smoothed.empty() && !line.grouped ? 1.0 : 2.0, 2.0);
    }
    for (const Line& line : m_lines) {
        if (highlighting && line.id == m_highlighted)
            drawLine(line.drawn.main, line.colour, 2.0, 2.0);
    }
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

} // namespace runlens
