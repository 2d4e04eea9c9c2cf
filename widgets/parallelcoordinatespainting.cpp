// SPDX-License-Identifier: Apache-2.0
// ParallelCoordinatesView's drawing: the lines (painted for a few runs, rasterized on a worker for
// many), the axes, the hover and brush overlay, and the image and SVG exports.
#include "parallelcoordinatesview.h"

#include "chartexport.h"

#include <QPainter>

#include <algorithm>
#include <cmath>

namespace runlens {

namespace {

constexpr int kPainterRunLimit = 300; // above this, lines are rasterized directly (see drawLines)
constexpr int kAntialiasRunLimit = 3000; // above this, lines are faint enough that aliasing is not seen

// Viridis at five stops: perceptually even and readable by the colour-blind.
QColor scaleColor(double t)
{
    static const QColor stops[] = {QColor(0x44, 0x01, 0x54), QColor(0x3b, 0x52, 0x8b), QColor(0x21, 0x91, 0x8c),
        QColor(0x5e, 0xc9, 0x62), QColor(0xfd, 0xe7, 0x25)};
    t = std::clamp(t, 0.0, 1.0) * 4.0;
    const int i = std::min(3, static_cast<int>(t));
    const double f = t - i;
    const QColor& a = stops[i];
    const QColor& b = stops[i + 1];
    return QColor::fromRgbF(static_cast<float>(a.redF() + (b.redF() - a.redF()) * f),
        static_cast<float>(a.greenF() + (b.greenF() - a.greenF()) * f),
        static_cast<float>(a.blueF() + (b.blueF() - a.blueF()) * f));
}

// Many runs overlap: thinner ink keeps dense bundles readable instead of a solid block.
int lineAlpha(int runs)
{
    if (runs <= 50)
        return 230;
    return std::max(14, static_cast<int>(230.0 * std::sqrt(50.0 / runs)));
}
} // namespace

// --- painting ------------------------------------------------------------------------------------

QColor ParallelCoordinatesView::lineColor(int run) const
{
    if (!m_model.colorMetric().isEmpty()) {
        const float t = m_model.colorValue(run);
        return t < 0 ? QColor(150, 150, 150) : scaleColor(t);
    }
    return QColor::fromRgb(m_model.runRgb(run));
}

std::vector<ParallelCoordinatesView::LineBatch> ParallelCoordinatesView::collectLines(const Layout& layout) const
{
    const int axisCount = m_model.axisCount();
    const int runCount = m_model.runCount();
    std::vector<LineBatch> out;
    if (axisCount == 0 || runCount == 0)
        return out;
    // Highlighted runs (the selection) are few: they are drawn as strongly as a few runs would be.
    const int alpha = lineAlpha(m_model.highlightedCount());
    // One batch per colour: QPainter's cost is in state changes more than in segments. Faint lines
    // (outside the brushes, or not selected) come first so the kept ones are drawn over them.
    QHash<QRgb, std::size_t> index;
    out.push_back({QColor(170, 170, 170, std::max(20, lineAlpha(runCount) / 2)), {}});
    const bool byMetric = !m_model.colorMetric().isEmpty();
    std::vector<double> ys(static_cast<std::size_t>(axisCount));
    for (int r = 0; r < runCount; ++r) {
        for (int a = 0; a < axisCount; ++a)
            ys[static_cast<std::size_t>(a)] = runY(layout, a, r);
        std::size_t target = 0;
        if (m_model.passes(r) && m_model.highlighted(r)) {
            QRgb key = m_model.runRgb(r);
            if (byMetric) {
                // 64 steps of the scale are indistinguishable from continuous and keep batches few.
                const float t = m_model.colorValue(r);
                key = t < 0 ? qRgb(150, 150, 150) : scaleColor(std::round(t * 63.0) / 63.0).rgb();
            }
            const auto found = index.constFind(key);
            if (found == index.cend()) {
                QColor colour = QColor::fromRgb(key);
                colour.setAlpha(alpha);
                out.push_back({colour, {}});
                target = index.insert(key, out.size() - 1).value();
            } else {
                target = found.value();
            }
        }
        QList<QLineF>& lines = out[target].lines;
        if (axisCount == 1) {
            const double x = layout.x[0];
            lines.append(QLineF(x - 4, ys[0], x + 4, ys[0]));
        }
        for (int a = 0; a + 1 < axisCount; ++a)
            lines.append(QLineF(layout.x[static_cast<std::size_t>(a)], ys[static_cast<std::size_t>(a)],
                layout.x[static_cast<std::size_t>(a) + 1], ys[static_cast<std::size_t>(a) + 1]));
    }
    return out;
}

void ParallelCoordinatesView::paintLines(QPainter& painter, const Layout& layout) const
{
    const int runCount = m_model.runCount();
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing, true);
    for (const LineBatch& batch : collectLines(layout)) {
        painter.setPen(QPen(batch.colour, runCount <= 50 ? 2.0 : 1.0));
        painter.drawLines(batch.lines);
    }
    painter.restore();
}

namespace {

// A colour ready to blend over opaque RGB32 pixels: red and blue packed apart so one multiply
// blends both.
struct PackedColour
{
    quint32 redBlue;
    quint32 green;
    int alpha; // 0..256
};

inline void blendPixel(QRgb* pixel, const PackedColour& c, int alpha)
{
    const quint32 d = *pixel;
    const quint32 keep = static_cast<quint32>(256 - alpha);
    const quint32 a = static_cast<quint32>(alpha);
    const quint32 rb = ((c.redBlue * a + (d & 0xff00ffu) * keep) >> 8) & 0xff00ffu;
    const quint32 g = ((c.green * a + (d & 0x00ff00u) * keep) >> 8) & 0x00ff00u;
    *pixel = 0xff000000u | rb | g;
}

// A one-pixel line straight into the image's memory, walking its longer extent: Xiaolin Wu's
// antialiasing (two pixels per step, split by coverage) or, for many faint lines where it cannot be
// seen, the nearest pixel only.
void drawLine(QRgb* bits, qsizetype stride, int width, int height, double x0, double y0, double x1, double y1,
    const PackedColour& colour, bool antialias)
{
    const bool steep = std::abs(y1 - y0) > std::abs(x1 - x0);
    if (steep) {
        std::swap(x0, y0);
        std::swap(x1, y1);
    }
    if (x0 > x1) {
        std::swap(x0, x1);
        std::swap(y0, y1);
    }
    const int majorLimit = steep ? height : width;
    const int minorLimit = steep ? width : height;
    const qsizetype majorStep = steep ? stride : 1;
    const qsizetype minorStep = steep ? 1 : stride;
    const double dx = x1 - x0;
    const double gradient = dx == 0 ? 0.0 : (y1 - y0) / dx;
    const int first = std::max(0, static_cast<int>(std::lround(x0)));
    const int last = std::min(majorLimit - 1, static_cast<int>(std::lround(x1)));
    double y = y0 + gradient * (first - x0);
    for (int x = first; x <= last; ++x, y += gradient) {
        if (antialias) {
            const int yi = static_cast<int>(std::floor(y));
            const int f = static_cast<int>((y - yi) * 256.0);
            QRgb* pixel = bits + x * majorStep + yi * minorStep;
            if (yi >= 0 && yi < minorLimit)
                blendPixel(pixel, colour, (colour.alpha * (256 - f)) >> 8);
            if (yi + 1 >= 0 && yi + 1 < minorLimit)
                blendPixel(pixel + minorStep, colour, (colour.alpha * f) >> 8);
        } else {
            const int yi = static_cast<int>(y + 0.5);
            if (yi >= 0 && yi < minorLimit)
                blendPixel(bits + x * majorStep + yi * minorStep, colour, colour.alpha);
        }
    }
}

} // namespace

ParallelCoordinatesView::LineJob ParallelCoordinatesView::makeLineJob(
    const Layout& layout, std::shared_ptr<const PixelRows> rows) const
{
    // O(runs) on the calling thread: which runs pass the brushes and their colours.
    LineJob job;
    job.pixels = layout.size;
    job.background = palette().color(QPalette::Base).rgb();
    job.x = layout.x;
    job.y = std::move(rows);
    const int runCount = m_model.runCount();
    if (m_model.axisCount() == 0 || runCount == 0)
        return job;
    job.painterLines = runCount <= kPainterRunLimit;
    job.antialias = runCount <= kAntialiasRunLimit;
    job.penWidth = runCount <= 50 ? 2.0 : 1.0;
    // Runs in their own order, not grouped by colour: where thousands overlap, the mix of colours
    // shows instead of whichever colour happened to be drawn last. Faint runs (outside the brushes,
    // or not selected) first, under the rest.
    // Highlighted runs (the selection) are few: they are drawn as strongly as a few runs would be.
    const int alpha = lineAlpha(m_model.highlightedCount());
    const int faintAlpha = std::max(20, lineAlpha(runCount) / 2);
    job.colours.resize(static_cast<std::size_t>(runCount));
    job.alphas.resize(static_cast<std::size_t>(runCount));
    job.order.reserve(static_cast<std::size_t>(runCount));
    const bool byMetric = !m_model.colorMetric().isEmpty();
    for (int pass = 0; pass < 2; ++pass) {
        for (int r = 0; r < runCount; ++r) {
            if ((m_model.passes(r) && m_model.highlighted(r)) != (pass == 1))
                continue;
            const auto i = static_cast<std::size_t>(r);
            job.order.push_back(r);
            if (pass == 0) {
                job.colours[i] = qRgb(170, 170, 170);
                job.alphas[i] = faintAlpha;
                continue;
            }
            QRgb rgb = m_model.runRgb(r);
            if (byMetric) {
                const float t = m_model.colorValue(r);
                rgb = t < 0 ? qRgb(150, 150, 150) : scaleColor(t).rgb();
            }
            job.colours[i] = rgb;
            job.alphas[i] = alpha;
        }
    }
    return job;
}

void ParallelCoordinatesView::drawLines(QImage& image, const LineJob& job)
{
    const std::size_t axisCount = job.x.size();
    if (axisCount == 0 || job.order.empty() || !job.y || job.y->size() != axisCount)
        return;
    const PixelRows& ys = *job.y;
    if (job.painterLines) {
        QPainter painter(&image);
        painter.setRenderHint(QPainter::Antialiasing, true);
        QList<QLineF> lines;
        for (const int r : job.order) {
            const auto i = static_cast<std::size_t>(r);
            lines.clear();
            if (axisCount == 1)
                lines.append(QLineF(job.x[0] - 4, ys[0][i], job.x[0] + 4, ys[0][i]));
            for (std::size_t a = 0; a + 1 < axisCount; ++a)
                lines.append(QLineF(job.x[a], ys[a][i], job.x[a + 1], ys[a + 1][i]));
            QColor colour = QColor::fromRgb(job.colours[i]);
            colour.setAlpha(job.alphas[i]);
            painter.setPen(QPen(colour, job.penWidth));
            painter.drawLines(lines);
        }
        return;
    }
    // QPainter's general path costs microseconds per translucent segment; 200,000 of them are
    // drawn here directly, an order of magnitude faster.
    const double ratio = image.devicePixelRatio();
    auto* bits = reinterpret_cast<QRgb*>(image.bits());
    const qsizetype stride = image.bytesPerLine() / 4;
    std::vector<PackedColour> colours(job.colours.size());
    for (std::size_t i = 0; i < colours.size(); ++i) {
        const QRgb rgb = job.colours[i];
        colours[i] = {rgb & 0xff00ffu, rgb & 0x00ff00u, job.alphas[i] * 256 / 255};
    }
    const int width = image.width();
    const int height = image.height();
    if (axisCount == 1) {
        const double x = job.x[0] * ratio;
        for (const int r : job.order) {
            const double y = ys[0][static_cast<std::size_t>(r)] * ratio;
            drawLine(bits, stride, width, height, x - 4 * ratio, y, x + 4 * ratio, y,
                colours[static_cast<std::size_t>(r)], job.antialias);
        }
        return;
    }
    // Gap by gap between neighbouring axes: a strip of the image stays in the cache while its lines
    // are drawn, instead of every steep line missing it on every row.
    for (std::size_t gap = 0; gap + 1 < axisCount; ++gap) {
        const double x0 = job.x[gap] * ratio;
        const double x1 = job.x[gap + 1] * ratio;
        const auto& left = ys[gap];
        const auto& right = ys[gap + 1];
        for (const int r : job.order) {
            const auto i = static_cast<std::size_t>(r);
            drawLine(bits, stride, width, height, x0, left[i] * ratio, x1, right[i] * ratio, colours[i], job.antialias);
        }
    }
}

QImage ParallelCoordinatesView::renderLineJob(const LineJob& job)
{
    // Runs on a worker: touches nothing but the job. Opaque RGB32, so showing it is a copy.
    QImage image(job.pixels, QImage::Format_RGB32);
    image.setDevicePixelRatio(job.ratio);
    image.fill(job.background);
    drawLines(image, job);
    if (!job.axes.isNull()) {
        QPainter painter(&image);
        painter.drawImage(QPointF(0, 0), job.axes);
    }
    return image;
}

QImage ParallelCoordinatesView::paintAxesLayer(const QSize& pixels, qreal ratio) const
{
    // Text needs the widget's fonts, so the axes are drawn here, once per layout, not per brush.
    QImage layer(pixels, QImage::Format_ARGB32_Premultiplied);
    layer.setDevicePixelRatio(ratio);
    layer.fill(Qt::transparent);
    QPainter painter(&layer);
    painter.setRenderHint(QPainter::Antialiasing, true);
    painter.setRenderHint(QPainter::TextAntialiasing, true);
    paintAxes(painter, m_layout);
    return layer;
}

void ParallelCoordinatesView::paintAxes(QPainter& painter, const Layout& layout) const
{
    const QPalette pal = palette();
    const QColor text = pal.color(QPalette::WindowText);
    QColor halo = pal.color(QPalette::Base);
    halo.setAlpha(215);
    const QFontMetricsF tickMetrics(layout.tickFont);
    for (int i = 0; i < m_model.axisCount(); ++i) {
        const auto& axis = m_model.axis(i);
        const double x = layout.x[static_cast<std::size_t>(i)];
        painter.setPen(QPen(text, 1.2));
        painter.drawLine(QPointF(x, layout.valueTop), QPointF(x, layout.valueBottom));

        painter.setFont(layout.titleFont);
        drawWrapped(painter, QRectF(x - 4, layout.titleTop, layout.column - 8, layout.titleBottom - layout.titleTop),
            Qt::AlignLeft | Qt::AlignBottom, breakable(titleText(i)));

        if (axis.categorical) {
            painter.setFont(layout.labelFont);
            for (const Label& label : layout.labels[static_cast<std::size_t>(i)]) {
                painter.setPen(QPen(text, 1));
                painter.drawLine(QPointF(x - 3, label.anchorY), QPointF(x + 3, label.anchorY));
                const double mid = label.rect.center().y();
                if (std::abs(mid - label.anchorY) > 2) // a leader to a label pushed away from its value
                    painter.drawLine(QPointF(x + 3, label.anchorY), QPointF(label.rect.left() - 1, mid));
                painter.fillRect(label.rect.adjusted(-2, 0, 2, 0), halo);
                drawWrapped(painter, label.rect, Qt::AlignLeft | Qt::AlignVCenter | Qt::TextDontClip, label.text);
            }
        } else {
            painter.setFont(layout.tickFont);
            for (const auto& tick : m_model.ticks(i)) {
                const double y = layout.yAt(tick.position);
                painter.setPen(QPen(text, 1));
                painter.drawLine(QPointF(x - 3, y), QPointF(x + 3, y));
                const QRectF box(x + 6, y - tickMetrics.height() / 2, layout.column - 14, tickMetrics.height());
                const QRectF used
                    = tickMetrics.boundingRect(box, Qt::AlignLeft | Qt::AlignVCenter | Qt::TextDontClip, tick.label);
                painter.fillRect(used.adjusted(-1, 0, 1, 0), halo);
                painter.drawText(box, Qt::AlignLeft | Qt::AlignVCenter | Qt::TextDontClip, tick.label);
            }
        }

        // The missing lane: a short stub below a gap, so it never reads as part of the scale.
        painter.setPen(QPen(text, 1.2, Qt::DotLine));
        painter.drawLine(
            QPointF(x, layout.laneY - layout.laneHeight / 2), QPointF(x, layout.laneY + layout.laneHeight / 2));
        if (axis.missingCount > 0) {
            painter.setFont(layout.tickFont);
            const QString label = m_model.laneLabel(i);
            const QRectF box(x + 6, layout.laneY - tickMetrics.height() / 2, layout.column - 14, tickMetrics.height());
            painter.fillRect(
                tickMetrics.boundingRect(box, Qt::AlignLeft | Qt::AlignVCenter | Qt::TextDontClip, label), halo);
            painter.setPen(text);
            painter.drawText(box, Qt::AlignLeft | Qt::AlignVCenter | Qt::TextDontClip, label);
        }
    }

    if (!layout.legend.isEmpty()) {
        painter.setFont(layout.tickFont);
        painter.setPen(text);
        const QString lowText = QString::number(m_model.colorMin(), 'g', 6);
        const QString highText = QString::number(m_model.colorMax(), 'g', 6);
        const QString title = m_model.colorMetric();
        const double textWidth = tickMetrics.horizontalAdvance(title) + 8;
        const QRectF titleBox(layout.legend.left(), layout.legend.top(), textWidth, layout.legend.height());
        painter.drawText(titleBox, Qt::AlignLeft | Qt::AlignVCenter, title);
        const double lowWidth = tickMetrics.horizontalAdvance(lowText) + 6;
        const double highWidth = tickMetrics.horizontalAdvance(highText) + 6;
        painter.drawText(QRectF(titleBox.right(), layout.legend.top(), lowWidth, layout.legend.height()),
            Qt::AlignRight | Qt::AlignVCenter, lowText);
        const double barLeft = titleBox.right() + lowWidth + 4;
        const double barWidth = std::min(240.0, layout.legend.right() - barLeft - highWidth - 4);
        const QRectF bar(barLeft, layout.legend.center().y() - 5, std::max(20.0, barWidth), 10);
        QLinearGradient gradient(bar.topLeft(), bar.topRight());
        for (int s = 0; s <= 8; ++s)
            gradient.setColorAt(s / 8.0, scaleColor(s / 8.0));
        painter.fillRect(bar, gradient);
        painter.drawText(QRectF(bar.right() + 4, layout.legend.top(), highWidth, layout.legend.height()),
            Qt::AlignLeft | Qt::AlignVCenter, highText);
    }
}

void ParallelCoordinatesView::paintPlot(QPainter& painter, const Layout& layout, bool lines) const
{
    painter.fillRect(QRectF(QPointF(0, 0), QSizeF(layout.size)), palette().color(QPalette::Base));
    if (lines)
        paintLines(painter, layout);
    painter.setRenderHint(QPainter::Antialiasing, true);
    painter.setRenderHint(QPainter::TextAntialiasing, true);
    paintAxes(painter, layout);
}

void ParallelCoordinatesView::paintImage(QImage& image, const Layout& layout) const
{
    // The same lines as the worker draws, then the axes straight onto them.
    image.fill(palette().color(QPalette::Base));
    drawLines(image, makeLineJob(layout, &layout == &m_layout ? m_pixelY : pixelRows(layout)));
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing, true);
    painter.setRenderHint(QPainter::TextAntialiasing, true);
    paintAxes(painter, layout);
}

void ParallelCoordinatesView::renderLineCache()
{
    if (m_layout.size != size())
        relayout();
    m_jobTimer.stop();
    ++m_generation; // a job still running is now stale
    const qreal ratio = devicePixelRatioF();
    const QSize pixels = (QSizeF(size()) * ratio).toSize();
    QImage image(pixels, QImage::Format_RGB32);
    image.setDevicePixelRatio(ratio);
    paintImage(image, m_layout);
    m_cache = std::move(image);
    m_shownGeneration = m_generation;
    update();
}

void ParallelCoordinatesView::paintEvent(QPaintEvent*)
{
    if (m_layout.size != size()) {
        relayout();
        ++m_generation;
    }
    if (!imageStale() && !m_cache.isNull() && m_cache.devicePixelRatio() != devicePixelRatioF())
        ++m_generation; // moved to a screen of another density: redraw at its resolution
    startLineJobSoon();
    // The newest image that has arrived, even when a newer one is being drawn: never wait here.
    QPainter painter(this);
    const QColor base = palette().color(QPalette::Base);
    const bool loading = m_model.runsPending() && m_model.runCount() == 0;
    if (m_cache.isNull() || loading) {
        painter.fillRect(rect(), base);
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(rect(), Qt::AlignCenter, loading ? tr("Loading…") : tr("Drawing…"));
        return;
    }
    painter.drawImage(QPointF(0, 0), m_cache);
    const QSizeF shown = QSizeF(m_cache.size()) / m_cache.devicePixelRatio();
    if (shown.width() < width())
        painter.fillRect(QRectF(shown.width(), 0, width() - shown.width(), height()), base);
    if (shown.height() < height())
        painter.fillRect(QRectF(0, shown.height(), width(), height() - shown.height()), base);
    paintOverlay(painter);
}

void ParallelCoordinatesView::paintOverlay(QPainter& painter)
{
    painter.setRenderHint(QPainter::Antialiasing, true);
    const QColor highlight = palette().color(QPalette::Highlight);
    // Brushes: a translucent band along the axis over the range it keeps.
    for (int i = 0; i < m_model.axisCount(); ++i) {
        const auto& axis = m_model.axis(i);
        if (!axis.brush)
            continue;
        const double x = m_layout.x[static_cast<std::size_t>(i)];
        QColor fill = highlight;
        fill.setAlpha(60);
        painter.setPen(QPen(highlight, 1.5));
        painter.setBrush(fill);
        if (const auto extent = m_model.brushExtent(i)) {
            const double top = m_layout.yAt(extent->second);
            const double bottom = m_layout.yAt(extent->first);
            painter.drawRect(QRectF(x - 7, top, 14, std::max(2.0, bottom - top)));
        }
        if (axis.brush->missing)
            painter.drawRect(QRectF(x - 7, m_layout.laneY - m_layout.laneHeight / 2, 14, m_layout.laneHeight));
    }
    painter.setBrush(Qt::NoBrush);

    if (m_hovered >= 0 && m_hovered < m_model.runCount() && m_model.axisCount() > 0) {
        QPolygonF line;
        for (int a = 0; a < m_model.axisCount(); ++a)
            line << QPointF(m_layout.x[static_cast<std::size_t>(a)],
                (*m_pixelY)[static_cast<std::size_t>(a)][static_cast<std::size_t>(m_hovered)]);
        // Segment by segment: Qt's antialiased stroker takes a quarter of a second on one wide,
        // steep, self-crossing polyline, but milliseconds on its segments. The halo needs no
        // antialiasing; it only parts the line from the ones underneath.
        painter.setRenderHint(QPainter::Antialiasing, false);
        painter.setPen(QPen(palette().color(QPalette::Base), 5.0, Qt::SolidLine, Qt::RoundCap));
        for (qsizetype i = 0; i + 1 < line.size(); ++i)
            painter.drawLine(line[i], line[i + 1]);
        painter.setRenderHint(QPainter::Antialiasing, true);
        painter.setPen(QPen(lineColor(m_hovered).darker(110), 2.5, Qt::SolidLine, Qt::RoundCap));
        for (qsizetype i = 0; i + 1 < line.size(); ++i)
            painter.drawLine(line[i], line[i + 1]);
        painter.setBrush(lineColor(m_hovered));
        for (const QPointF& p : line)
            painter.drawEllipse(p, 3.5, 3.5);
        painter.setBrush(Qt::NoBrush);
    }

    if (m_drag == Drag::Title && m_dragMoved && m_dragAxis >= 0) {
        // Where the dragged axis would land, and its title following the mouse.
        const int target = std::clamp(static_cast<int>(std::lround((m_dragPos.x() - m_layout.x[0]) / m_layout.column)),
            0, m_model.axisCount() - 1);
        const double x = m_layout.x[static_cast<std::size_t>(target)];
        painter.setPen(QPen(highlight, 3));
        painter.drawLine(QPointF(x, m_layout.titleTop), QPointF(x, m_layout.valueBottom));
        QRectF ghost = titleRect(m_dragAxis);
        ghost.moveLeft(m_dragPos.x() - ghost.width() / 2);
        QColor fill = highlight;
        fill.setAlpha(40);
        painter.fillRect(ghost, fill);
        painter.setFont(m_layout.titleFont);
        painter.setPen(palette().color(QPalette::WindowText));
        drawWrapped(painter, ghost, Qt::AlignLeft | Qt::AlignBottom, breakable(titleText(m_dragAxis)));
    }
}

QImage ParallelCoordinatesView::render(const QSize& size) const
{
    Layout layout = computeLayout(size);
    if (layout.requiredHeight > size.height())
        layout = computeLayout(QSize(size.width(), layout.requiredHeight));
    QImage image(layout.size, QImage::Format_RGB32);
    paintImage(image, layout);
    return image;
}

bool ParallelCoordinatesView::saveSvg(const QString& path, const QSize& size, QString* error) const
{
    Layout layout = computeLayout(size);
    if (layout.requiredHeight > size.height())
        layout = computeLayout(QSize(size.width(), layout.requiredHeight));
    return ChartExport::saveSvgDrawing(
        path, layout.size, tr("Parallel coordinates"),
        [this, &layout](QPainter& painter) { paintPlot(painter, layout, true); }, error);
}
} // namespace runlens
