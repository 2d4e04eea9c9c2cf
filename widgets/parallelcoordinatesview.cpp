// SPDX-License-Identifier: Apache-2.0
#include "parallelcoordinatesview.h"

#include "chartexport.h"

#include <QContextMenuEvent>
#include <QHash>
#include <QMenu>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QSaveFile>
#include <QSvgGenerator>
#include <QThreadPool>
#include <QToolTip>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>

namespace runlens {

namespace {

constexpr double kMargin = 12.0;
constexpr double kLaneGap = 14.0; // between the lowest value and the missing lane
constexpr double kLaneHeight = 14.0;
constexpr double kBrushReach = 10.0; // pixels either side of an axis that start a brush
constexpr double kHoverReach = 6.0;
constexpr double kLabelPadding = 10.0;
constexpr int kMinimumLabelPointSize = 6;
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

QRectF wrappedRect(const QFontMetricsF& metrics, double width, const QString& text)
{
    return metrics.boundingRect(QRectF(0, 0, width, 1e6), Qt::TextWrapAnywhere | Qt::AlignLeft, text);
}

} // namespace

ParallelCoordinatesView::ParallelCoordinatesView(QWidget* parent)
    : QWidget(parent)
{
    setMouseTracking(true);
    setAttribute(Qt::WA_OpaquePaintEvent);
    m_jobTimer.setSingleShot(true);
    m_jobTimer.setInterval(0);
    connect(&m_jobTimer, &QTimer::timeout, this, &ParallelCoordinatesView::startLineJob);
    connect(&m_jobWatcher, &QFutureWatcher<RenderedLines>::finished, this, &ParallelCoordinatesView::lineJobFinished);
    connect(&m_model, &ParallelCoordinatesModel::runsApplied, this, &ParallelCoordinatesView::modelRunsApplied);
}

void ParallelCoordinatesView::setThreadPool(QThreadPool* pool)
{
    m_pool = pool;
    m_model.setThreadPool(pool);
}

QList<ParallelAxisSpec> ParallelCoordinatesView::defaultAxes(const RunList& runs)
{
    return ParallelCoordinatesModel::defaultAxes(runs);
}

void ParallelCoordinatesView::setRuns(RunListSnapshot runs)
{
    // Placed on a worker: the current runs stay on screen (and can be brushed) until they arrive.
    m_model.setRuns(std::move(runs),
        m_axesChosen ? ParallelCoordinatesModel::AxisChoice::Keep : ParallelCoordinatesModel::AxisChoice::Default);
    update(); // "Loading…" when nothing was shown
}

void ParallelCoordinatesView::setRunsNow(RunListSnapshot runs)
{
    m_model.setRunsNow(std::move(runs),
        m_axesChosen ? ParallelCoordinatesModel::AxisChoice::Keep : ParallelCoordinatesModel::AxisChoice::Default);
}

void ParallelCoordinatesView::showDefaultAxes()
{
    m_axesChosen = false;
    m_model.showDefaultAxes();
    update();
}

void ParallelCoordinatesView::modelRunsApplied()
{
    // Run indices changed: the hovered run stays hovered if it is still there, by id.
    m_hovered = m_model.indexOfRun(m_hoveredId);
    if (m_hovered < 0 && !m_hoveredId.isEmpty()) {
        m_hoveredId.clear();
        QToolTip::hideText();
        Q_EMIT runHovered(QString());
    }
    // Axis indices may have changed too: a drag follows its axis, or ends when the axis went away.
    if (m_dragAxis >= 0) {
        m_dragAxis = m_model.indexOf(m_dragSpec);
        if (m_dragAxis < 0)
            m_drag = Drag::None;
    }
    axesReplaced();
    if (m_brushReported || m_model.hasBrush())
        emitBrushChanged(); // the same ranges now keep other runs
    Q_EMIT runsApplied();
}

void ParallelCoordinatesView::emitBrushChanged()
{
    m_brushReported = m_model.hasBrush();
    Q_EMIT brushChanged();
}

void ParallelCoordinatesView::setAxes(const QList<ParallelAxisSpec>& axes)
{
    m_axesChosen = true;
    const bool hadBrush = m_model.hasBrush();
    const auto before = m_model.brushedRunIds();
    m_model.setAxes(axes);
    axesReplaced();
    if (hadBrush && before != m_model.brushedRunIds())
        emitBrushChanged();
}

void ParallelCoordinatesView::axesReplaced()
{
    relayout();
    requestLineCache();
    update();
    Q_EMIT axesChanged();
}

void ParallelCoordinatesView::setAxisScale(int axis, ParallelAxisScale scale)
{
    const auto before = m_model.brushedRunIds();
    m_model.setScale(axis, scale);
    axesReplaced();
    if (before != m_model.brushedRunIds())
        emitBrushChanged();
}

void ParallelCoordinatesView::setAxisFlipped(int axis, bool flipped)
{
    m_model.setFlipped(axis, flipped);
    axesReplaced();
}

void ParallelCoordinatesView::moveAxis(int from, int to)
{
    m_model.moveAxis(from, to);
    axesReplaced();
}

void ParallelCoordinatesView::setColorMetric(const QString& key)
{
    m_model.setColorMetric(key);
    relayout(); // the legend takes room at the bottom
    requestLineCache();
    update();
}

void ParallelCoordinatesView::setBrush(int axis, std::optional<AxisBrush> brush)
{
    m_model.setBrush(axis, brush);
    scheduleLineCache();
    emitBrushChanged();
}

void ParallelCoordinatesView::clearBrushes()
{
    if (!m_model.hasBrush())
        return;
    m_model.clearBrushes();
    scheduleLineCache();
    emitBrushChanged();
}

void ParallelCoordinatesView::scheduleLineCache()
{
    requestLineCache();
    update(); // the brush rectangles are overlay: they move at once
}

void ParallelCoordinatesView::requestLineCache()
{
    ++m_generation;
    startLineJobSoon();
}

void ParallelCoordinatesView::startLineJobSoon()
{
    // A hidden view draws nothing: its first paint asks again.
    if (!m_jobRunning && imageStale() && isVisible() && !m_jobTimer.isActive())
        m_jobTimer.start();
}

void ParallelCoordinatesView::startLineJob()
{
    if (m_jobRunning || !imageStale())
        return;
    const qreal ratio = devicePixelRatioF();
    const QSize pixels = (QSizeF(size()) * ratio).toSize();
    if (m_axesLayerDirty || m_axesLayer.size() != pixels) {
        m_axesLayer = paintAxesLayer(pixels, ratio);
        m_axesLayerDirty = false;
    }
    LineJob job = makeLineJob(m_layout, m_pixelY);
    job.generation = m_generation;
    job.pixels = pixels;
    job.ratio = ratio;
    job.axes = m_axesLayer;
    m_jobRunning = true;
    QThreadPool* pool = m_pool ? m_pool.data() : QThreadPool::globalInstance();
    m_jobWatcher.setFuture(QtConcurrent::run(pool, [job = std::move(job)] {
        return RenderedLines {job.generation, renderLineJob(job)};
    }));
}

void ParallelCoordinatesView::lineJobFinished()
{
    m_jobRunning = false;
    RenderedLines result = m_jobWatcher.result();
    // A result for an older state is dropped: the next job (started below) draws the current one.
    if (result.generation == m_generation) {
        m_cache = std::move(result.image);
        m_shownGeneration = result.generation;
        update();
        if (!m_model.runsPending())
            Q_EMIT lineCacheReady(); // else it follows once the new runs are drawn
    }
    startLineJobSoon();
}

QSize ParallelCoordinatesView::sizeHint() const
{
    return {900, 460};
}

QSize ParallelCoordinatesView::minimumSizeHint() const
{
    return {320, 220};
}

// --- layout --------------------------------------------------------------------------------------

ParallelCoordinatesView::Layout ParallelCoordinatesView::computeLayout(const QSize& size) const
{
    Layout layout;
    layout.size = size;
    const int axisCount = m_model.axisCount();
    const QFont base = font();
    layout.titleFont = base;
    layout.titleFont.setBold(true);
    layout.tickFont = base;
    layout.tickFont.setPointSizeF(std::max<qreal>(kMinimumLabelPointSize, base.pointSizeF() * 0.85));
    layout.labelFont = layout.tickFont;

    layout.column = axisCount > 0 ? (size.width() - 2 * kMargin) / axisCount : 0;
    for (int i = 0; i < axisCount; ++i)
        layout.x.push_back(kMargin + 4 + i * layout.column);

    // Titles wrap inside their column; the tallest sets where the axes start.
    const QFontMetricsF titleMetrics(layout.titleFont);
    double titleHeight = titleMetrics.height() * 2;
    for (int i = 0; i < axisCount; ++i)
        titleHeight = std::max(titleHeight, wrappedRect(titleMetrics, layout.column - 8, titleText(i)).height());
    layout.titleTop = kMargin / 2;
    layout.titleBottom = layout.titleTop + titleHeight;
    layout.valueTop = layout.titleBottom + QFontMetricsF(layout.tickFont).height();

    double bottom = size.height() - kMargin / 2;
    if (!m_model.colorMetric().isEmpty()) {
        const double legendHeight = QFontMetricsF(layout.tickFont).height() + 12;
        layout.legend = QRectF(kMargin, bottom - legendHeight, size.width() - 2 * kMargin, legendHeight);
        bottom -= legendHeight + 4;
    }
    layout.laneHeight = kLaneHeight;
    layout.laneY = bottom - kLaneHeight / 2;
    layout.valueBottom = bottom - kLaneHeight - kLaneGap;
    const double available = std::max(20.0, layout.valueBottom - layout.valueTop);

    // Categorical labels: every value in full, wrapped to its column. Take the largest font at which
    // they fit one above the other. The height they need at the smallest font depends on the width
    // only, so asking for it as a minimum height is stable (no grow-shrink loop in a scroll area).
    const double labelWidth = std::max(24.0, layout.column - kLabelPadding - 6);
    auto labelsHeight = [&](qreal point) {
        QFont font = layout.tickFont;
        font.setPointSizeF(point);
        const QFontMetricsF metrics(font);
        double tallest = 0;
        for (int i = 0; i < axisCount; ++i) {
            const auto& axis = m_model.axis(i);
            if (!axis.categorical)
                continue;
            double sum = 0;
            for (const QString& category : axis.categories)
                sum += wrappedRect(metrics, labelWidth, category).height() + 1;
            tallest = std::max(tallest, sum);
        }
        return tallest;
    };
    qreal point = layout.tickFont.pointSizeF();
    while (point - 0.5 >= kMinimumLabelPointSize && labelsHeight(point) > available)
        point -= 0.5;
    layout.labelFont.setPointSizeF(point);
    const double neededAtSmallest = labelsHeight(std::min<qreal>(point, kMinimumLabelPointSize));
    if (neededAtSmallest > 0)
        layout.requiredHeight = static_cast<int>(std::ceil(size.height() - available + neededAtSmallest));

    const QFontMetricsF labelMetrics(layout.labelFont);
    layout.labels.resize(static_cast<std::size_t>(axisCount));
    for (int i = 0; i < axisCount; ++i) {
        const auto& axis = m_model.axis(i);
        if (!axis.categorical)
            continue;
        std::vector<Label>& labels = layout.labels[static_cast<std::size_t>(i)];
        const QList<ParallelCoordinatesModel::Tick> ticks = m_model.ticks(i);
        for (const auto& tick : ticks) {
            Label label;
            label.text = tick.label;
            label.anchorY = layout.yAt(tick.position);
            const QRectF box = wrappedRect(labelMetrics, labelWidth, tick.label);
            label.rect = QRectF(layout.x[static_cast<std::size_t>(i)] + kLabelPadding, label.anchorY - box.height() / 2,
                labelWidth, box.height());
            labels.push_back(label);
        }
        // Spread them top to bottom without overlap: push down, then back up from the bottom.
        std::sort(labels.begin(), labels.end(), [](const Label& a, const Label& b) { return a.anchorY < b.anchorY; });
        const double top = layout.valueTop - labelMetrics.height() / 2;
        const double floor = layout.valueBottom + labelMetrics.height() / 2;
        double next = top;
        for (Label& label : labels) {
            label.rect.moveTop(std::max(label.rect.top(), next));
            next = label.rect.bottom() + 1;
        }
        double limit = floor;
        for (auto it = labels.rbegin(); it != labels.rend(); ++it) {
            if (it->rect.bottom() > limit)
                it->rect.moveBottom(limit);
            limit = it->rect.top() - 1;
        }
    }
    return layout;
}

void ParallelCoordinatesView::relayout()
{
    m_layout = computeLayout(size());
    m_pixelY = pixelRows(m_layout);
    m_axesLayerDirty = true;
    // Categorical labels never overlap: ask for the height they need at the smallest font (a
    // surrounding scroll area then scrolls), and give it back when they no longer need it.
    const int wanted = m_layout.requiredHeight > minimumSizeHint().height() ? m_layout.requiredHeight : 0;
    if (minimumHeight() != wanted)
        setMinimumHeight(wanted);
}

std::shared_ptr<const ParallelCoordinatesView::PixelRows> ParallelCoordinatesView::pixelRows(const Layout& layout) const
{
    // Replaced, never changed in place: a running line job may still read the previous rows.
    auto rows = std::make_shared<PixelRows>(static_cast<std::size_t>(m_model.axisCount()));
    for (int a = 0; a < m_model.axisCount(); ++a) {
        auto& ys = (*rows)[static_cast<std::size_t>(a)];
        ys.resize(static_cast<std::size_t>(m_model.runCount()));
        for (int r = 0; r < m_model.runCount(); ++r)
            ys[static_cast<std::size_t>(r)] = static_cast<float>(runY(layout, a, r));
    }
    return rows;
}

double ParallelCoordinatesView::runY(const Layout& layout, int axis, int run) const
{
    const float p = m_model.position(axis, run);
    return p < 0.0f ? layout.laneY : layout.yAt(p);
}

QString ParallelCoordinatesView::titleText(int axis) const
{
    const auto& a = m_model.axis(axis);
    QString detail = a.spec.kind == ParallelAxisSpec::Kind::Param ? tr("param") : tr("metric");
    if (!a.categorical && a.scale == ParallelAxisScale::Log)
        detail += tr(" · log");
    else if (!a.categorical && a.scale == ParallelAxisScale::Quantile)
        detail += tr(" · quantile");
    if (a.flipped)
        detail += tr(" · flipped");
    return a.spec.key + QLatin1Char('\n') + detail;
}

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
    const int alpha = lineAlpha(runCount);
    // One batch per colour: QPainter's cost is in state changes more than in segments. Faint lines
    // (outside the brushes) come first so the kept ones are drawn over them.
    QHash<QRgb, std::size_t> index;
    out.push_back({QColor(170, 170, 170, std::max(20, alpha / 2)), {}});
    const bool byMetric = !m_model.colorMetric().isEmpty();
    std::vector<double> ys(static_cast<std::size_t>(axisCount));
    for (int r = 0; r < runCount; ++r) {
        for (int a = 0; a < axisCount; ++a)
            ys[static_cast<std::size_t>(a)] = runY(layout, a, r);
        std::size_t target = 0;
        if (m_model.passes(r)) {
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
    // shows instead of whichever colour happened to be drawn last. Faint runs first, under the rest.
    const int alpha = lineAlpha(runCount);
    const int faintAlpha = std::max(20, alpha / 2);
    job.colours.resize(static_cast<std::size_t>(runCount));
    job.alphas.resize(static_cast<std::size_t>(runCount));
    job.order.reserve(static_cast<std::size_t>(runCount));
    const bool byMetric = !m_model.colorMetric().isEmpty();
    for (int pass = 0; pass < 2; ++pass) {
        for (int r = 0; r < runCount; ++r) {
            if (m_model.passes(r) != (pass == 1))
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
        painter.drawText(QRectF(x - 4, layout.titleTop, layout.column - 8, layout.titleBottom - layout.titleTop),
            Qt::TextWrapAnywhere | Qt::AlignLeft | Qt::AlignBottom, titleText(i));

        if (axis.categorical) {
            painter.setFont(layout.labelFont);
            for (const Label& label : layout.labels[static_cast<std::size_t>(i)]) {
                painter.setPen(QPen(text, 1));
                painter.drawLine(QPointF(x - 3, label.anchorY), QPointF(x + 3, label.anchorY));
                const double mid = label.rect.center().y();
                if (std::abs(mid - label.anchorY) > 2) // a leader to a label pushed away from its value
                    painter.drawLine(QPointF(x + 3, label.anchorY), QPointF(label.rect.left() - 1, mid));
                painter.fillRect(label.rect.adjusted(-2, 0, 2, 0), halo);
                painter.drawText(
                    label.rect, Qt::TextWrapAnywhere | Qt::AlignLeft | Qt::AlignVCenter | Qt::TextDontClip, label.text);
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
            const QString label = tr("missing (%1)").arg(axis.missingCount);
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
        painter.drawText(ghost, Qt::TextWrapAnywhere | Qt::AlignLeft | Qt::AlignBottom, titleText(m_dragAxis));
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
    // Atomic, as every export: the file appears only once complete, an existing one stays on failure.
    QSaveFile file(path);
    if (!ChartExport::openForWriting(file, error))
        return false;
    QSvgGenerator generator;
    generator.setOutputDevice(&file);
    generator.setSize(layout.size);
    generator.setViewBox(QRect(QPoint(0, 0), layout.size));
    generator.setTitle(tr("Parallel coordinates"));
    QPainter painter;
    if (!painter.begin(&generator)) {
        file.cancelWriting();
        if (error)
            *error = tr("Cannot start the SVG drawing for %1").arg(path);
        return false;
    }
    paintPlot(painter, layout, true);
    painter.end();
    return ChartExport::commitFile(file, error);
}

// --- geometry and hit testing --------------------------------------------------------------------

QRectF ParallelCoordinatesView::titleRect(int axis) const
{
    const double x = m_layout.x.at(static_cast<std::size_t>(axis));
    return QRectF(x - 4, m_layout.titleTop, m_layout.column - 8, m_layout.titleBottom - m_layout.titleTop);
}

QPointF ParallelCoordinatesView::pointAt(int axis, double position) const
{
    return QPointF(m_layout.x.at(static_cast<std::size_t>(axis)), m_layout.yAt(position));
}

QPointF ParallelCoordinatesView::missingLanePoint(int axis) const
{
    return QPointF(m_layout.x.at(static_cast<std::size_t>(axis)), m_layout.laneY);
}

QList<QPair<QRectF, QString>> ParallelCoordinatesView::categoryLabels(int axis) const
{
    QList<QPair<QRectF, QString>> out;
    for (const Label& label : m_layout.labels.at(static_cast<std::size_t>(axis)))
        out << qMakePair(label.rect, label.text);
    return out;
}

int ParallelCoordinatesView::axisNear(const QPointF& pos, double reach) const
{
    if (pos.y() < m_layout.valueTop - 4 || pos.y() > m_layout.laneY + m_layout.laneHeight / 2 + 2)
        return -1;
    for (int i = 0; i < m_model.axisCount(); ++i) {
        if (std::abs(pos.x() - m_layout.x[static_cast<std::size_t>(i)]) <= reach)
            return i;
    }
    return -1;
}

int ParallelCoordinatesView::titleAt(const QPointF& pos) const
{
    for (int i = 0; i < m_model.axisCount(); ++i) {
        if (titleRect(i).contains(pos))
            return i;
    }
    return -1;
}

double ParallelCoordinatesView::positionAtY(double y) const
{
    if (y > m_layout.valueBottom + kLaneGap / 2)
        return -1.0; // in the lane
    return std::clamp((m_layout.valueBottom - y) / (m_layout.valueBottom - m_layout.valueTop), 0.0, 1.0);
}

QString ParallelCoordinatesView::runAt(const QPointF& pos) const
{
    const int run = runIndexAt(pos);
    return run >= 0 ? m_model.runId(run) : QString();
}

int ParallelCoordinatesView::runIndexAt(const QPointF& pos) const
{
    const int axisCount = m_model.axisCount();
    const int runCount = m_model.runCount();
    if (axisCount == 0 || runCount == 0 || m_pixelY->size() != static_cast<std::size_t>(axisCount))
        return -1;
    // Only the segments of the gap under the mouse can be near it: O(runs), not O(runs x axes).
    const auto& xs = m_layout.x;
    int left = 0;
    double f = 0;
    if (axisCount > 1 && pos.x() > xs[0]) {
        left = std::min(axisCount - 2, static_cast<int>((pos.x() - xs[0]) / m_layout.column));
        f = std::clamp((pos.x() - xs[static_cast<std::size_t>(left)]) / m_layout.column, 0.0, 1.0);
    }
    if (pos.x() < xs[0] - kHoverReach || pos.x() > xs.back() + kHoverReach)
        return -1;
    const auto& a = (*m_pixelY)[static_cast<std::size_t>(left)];
    const auto& b = (*m_pixelY)[static_cast<std::size_t>(std::min(left + 1, axisCount - 1))];
    const bool brushed = m_model.hasBrush();
    int best = -1;
    double bestDistance = kHoverReach;
    bool bestPasses = false;
    const float y = static_cast<float>(pos.y());
    const float ff = static_cast<float>(f);
    for (int r = 0; r < runCount; ++r) {
        const float ya = a[static_cast<std::size_t>(r)];
        const double distance = std::abs(ya + (b[static_cast<std::size_t>(r)] - ya) * ff - y);
        if (distance > kHoverReach)
            continue;
        // Lines kept by the brushes win over faint ones at the same distance.
        const bool passes = !brushed || m_model.passes(r);
        if (best < 0 || (passes && !bestPasses) || (passes == bestPasses && distance < bestDistance)) {
            best = r;
            bestDistance = distance;
            bestPasses = passes;
        }
    }
    return best;
}

QString ParallelCoordinatesView::hoveredRunId() const
{
    return m_hovered >= 0 ? m_model.runId(m_hovered) : QString();
}

QString ParallelCoordinatesView::toolTipFor(int run) const
{
    QString text = QStringLiteral("<b>%1</b>").arg(m_model.runName(run).toHtmlEscaped());
    text += QStringLiteral("<br><span style='color:gray'>%1</span>").arg(m_model.runId(run).toHtmlEscaped());
    text += QStringLiteral("<table>");
    for (int a = 0; a < m_model.axisCount(); ++a) {
        QString value = m_model.displayValue(a, run).toHtmlEscaped();
        value.replace(QLatin1Char('\n'), QStringLiteral("<br>"));
        text += QStringLiteral("<tr><td>%1</td><td>%2</td></tr>").arg(m_model.axis(a).spec.key.toHtmlEscaped(), value);
    }
    return text + QStringLiteral("</table>");
}

void ParallelCoordinatesView::setHoveredRun(int run, const QPoint& globalPos)
{
    if (run == m_hovered)
        return;
    m_hovered = run;
    m_hoveredId = run >= 0 ? m_model.runId(run) : QString();
    update();
    if (run >= 0)
        QToolTip::showText(globalPos, toolTipFor(run), this);
    else
        QToolTip::hideText();
    Q_EMIT runHovered(hoveredRunId());
}

// --- interaction ---------------------------------------------------------------------------------

void ParallelCoordinatesView::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    relayout();
    requestLineCache();
}

void ParallelCoordinatesView::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange || event->type() == QEvent::PaletteChange) {
        relayout();
        requestLineCache();
        update();
    }
}

void ParallelCoordinatesView::mousePressEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton) {
        QWidget::mousePressEvent(event);
        return;
    }
    m_pressPos = m_dragPos = event->position();
    m_dragMoved = false;
    m_drag = Drag::None;
    m_dragAxis = titleAt(m_pressPos);
    if (m_dragAxis >= 0) {
        m_drag = Drag::Title;
    } else if ((m_dragAxis = axisNear(m_pressPos, kBrushReach)) >= 0) {
        m_drag = Drag::Brush;
    }
    m_dragSpec = m_dragAxis >= 0 ? m_model.axis(m_dragAxis).spec : ParallelAxisSpec {};
}

void ParallelCoordinatesView::mouseMoveEvent(QMouseEvent* event)
{
    const QPointF pos = event->position();
    if (m_drag == Drag::None) {
        setHoveredRun(runIndexAt(pos), event->globalPosition().toPoint());
        return;
    }
    m_dragPos = pos;
    if (!m_dragMoved && (pos - m_pressPos).manhattanLength() < 4)
        return;
    m_dragMoved = true;
    if (m_drag == Drag::Title) {
        update();
        return;
    }
    // Brushing: the range between press and mouse; reaching below the values takes in the lane.
    const double from = positionAtY(m_pressPos.y());
    const double to = positionAtY(pos.y());
    const bool lane = from < 0 || to < 0;
    m_model.brushPositions(m_dragAxis, from, to, lane);
    scheduleLineCache();
    emitBrushChanged();
}

void ParallelCoordinatesView::mouseReleaseEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton) {
        QWidget::mouseReleaseEvent(event);
        return;
    }
    const Drag drag = std::exchange(m_drag, Drag::None);
    const QPointF pos = event->position();
    if (drag == Drag::Title) {
        if (m_dragMoved) {
            const int target = std::clamp(
                static_cast<int>(std::lround((pos.x() - m_layout.x[0]) / m_layout.column)), 0, m_model.axisCount() - 1);
            moveAxis(m_dragAxis, target);
        }
        update();
    } else if (drag == Drag::Brush && !m_dragMoved) {
        // A click on the axis outside its brush clears it.
        const auto& axis = m_model.axis(m_dragAxis);
        if (axis.brush) {
            bool inside = false;
            if (pos.y() > m_layout.valueBottom + kLaneGap / 2) {
                inside = axis.brush->missing;
            } else if (const auto extent = m_model.brushExtent(m_dragAxis)) {
                inside = pos.y() >= m_layout.yAt(extent->second) - 1 && pos.y() <= m_layout.yAt(extent->first) + 1;
            }
            if (!inside)
                setBrush(m_dragAxis, std::nullopt);
        }
    } else if (drag == Drag::None && (pos - m_pressPos).manhattanLength() < 4) {
        const QString id = runAt(pos);
        if (!id.isEmpty())
            Q_EMIT runClicked(id);
    }
    m_dragAxis = -1;
    m_dragMoved = false;
}

void ParallelCoordinatesView::mouseDoubleClickEvent(QMouseEvent* event)
{
    const int axis = titleAt(event->position());
    if (event->button() == Qt::LeftButton && axis >= 0) {
        m_drag = Drag::None;
        setAxisFlipped(axis, !m_model.axis(axis).flipped);
        return;
    }
    QWidget::mouseDoubleClickEvent(event);
}

void ParallelCoordinatesView::contextMenuEvent(QContextMenuEvent* event)
{
    int axis = titleAt(event->pos());
    if (axis < 0)
        axis = axisNear(event->pos(), kBrushReach * 2);
    QMenu menu(this);
    if (axis >= 0) {
        const auto& a = m_model.axis(axis);
        QAction* flip = menu.addAction(tr("Flip axis"));
        flip->setCheckable(true);
        flip->setChecked(a.flipped);
        connect(flip, &QAction::triggered, this, [this, axis](bool on) { setAxisFlipped(axis, on); });
        if (!a.categorical) {
            menu.addSeparator();
            const std::pair<QString, ParallelAxisScale> scales[] = {{tr("Linear scale"), ParallelAxisScale::Linear},
                {tr("Log scale"), ParallelAxisScale::Log}, {tr("Quantile scale"), ParallelAxisScale::Quantile}};
            for (const auto& [label, scale] : scales) {
                QAction* action = menu.addAction(label);
                action->setCheckable(true);
                action->setChecked(a.scale == scale);
                connect(action, &QAction::triggered, this, [this, axis, scale = scale] { setAxisScale(axis, scale); });
            }
        }
        menu.addSeparator();
        QAction* clear = menu.addAction(tr("Clear brush"));
        clear->setEnabled(a.brush.has_value());
        connect(clear, &QAction::triggered, this, [this, axis] { setBrush(axis, std::nullopt); });
        if (a.spec.kind == ParallelAxisSpec::Kind::Metric) {
            const QString key = a.spec.key;
            connect(menu.addAction(tr("Colour lines by %1").arg(key)), &QAction::triggered, this,
                [this, key] { setColorMetric(key); });
        }
        const ParallelAxisSpec spec = a.spec;
        connect(menu.addAction(tr("Hide axis")), &QAction::triggered, this, [this, spec] {
            QList<ParallelAxisSpec> specs = axes();
            specs.removeAll(spec);
            setAxes(specs);
        });
    }
    if (!m_model.colorMetric().isEmpty())
        connect(menu.addAction(tr("Colour lines by run")), &QAction::triggered, this, [this] { setColorMetric({}); });
    if (m_model.hasBrush())
        connect(menu.addAction(tr("Clear all brushes")), &QAction::triggered, this, [this] { clearBrushes(); });
    if (!menu.isEmpty())
        menu.exec(event->globalPos());
}

void ParallelCoordinatesView::leaveEvent(QEvent* event)
{
    QWidget::leaveEvent(event);
    if (m_drag == Drag::None)
        setHoveredRun(-1, {});
}

} // namespace runlens
