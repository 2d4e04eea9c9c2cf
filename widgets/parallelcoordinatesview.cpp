// SPDX-License-Identifier: Apache-2.0
#include "parallelcoordinatesview.h"

#include <QContextMenuEvent>
#include <QHash>
#include <QMenu>
#include <QMouseEvent>
#include <QPainter>
#include <QRegularExpression>
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

void ParallelCoordinatesView::setHighlightedRuns(const QSet<QString>& runIds)
{
    m_model.setHighlightedRuns(runIds);
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

QString ParallelCoordinatesView::breakable(const QString& text, int maxChars)
{
    QString cut = maxChars >= 0 && text.size() > maxChars ? text.left(maxChars - 1) + QChar(0x2026) : text;
    QString out;
    out.reserve(cut.size() + cut.size() / 4);
    for (const QChar c : cut) {
        out += c;
        if (c == QLatin1Char('_') || c == QLatin1Char('.') || c == QLatin1Char('/') || c == QLatin1Char('-')
            || c == QLatin1Char(':'))
            out += QChar(0x200B);
    }
    return out;
}

int ParallelCoordinatesView::wrapFlag(const QFontMetricsF& metrics, double width, const QString& text)
{
    static const QRegularExpression breaks(QStringLiteral("[\\s\\x{200B}]+"));
    for (const QString& word : text.split(breaks, Qt::SkipEmptyParts)) {
        if (metrics.horizontalAdvance(word) > width)
            return Qt::TextWrapAnywhere;
    }
    return Qt::TextWordWrap;
}

QRectF ParallelCoordinatesView::wrappedRect(const QFontMetricsF& metrics, double width, const QString& text)
{
    return metrics.boundingRect(QRectF(0, 0, width, 1e6), wrapFlag(metrics, width, text) | Qt::AlignLeft, text);
}

void ParallelCoordinatesView::drawWrapped(QPainter& painter, const QRectF& rect, int alignment, const QString& text)
{
    painter.drawText(rect, wrapFlag(QFontMetricsF(painter.font()), rect.width(), text) | alignment, text);
}

int ParallelCoordinatesView::minimumPlotWidth(int axisCount)
{
    return static_cast<int>(std::ceil(axisCount * kMinColumn + 2 * kMargin));
}

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
    if (axisCount > 0 && layout.column < kMinColumn) {
        // Too narrow for its axes (an export at a fixed size): the image grows instead of breaking titles.
        layout.column = kMinColumn;
        layout.size.setWidth(minimumPlotWidth(axisCount));
    }
    for (int i = 0; i < axisCount; ++i)
        layout.x.push_back(kMargin + 4 + i * layout.column);

    // Titles wrap inside their column; the tallest sets where the axes start.
    const QFontMetricsF titleMetrics(layout.titleFont);
    double titleHeight = titleMetrics.height() * 2;
    for (int i = 0; i < axisCount; ++i)
        titleHeight
            = std::max(titleHeight, wrappedRect(titleMetrics, layout.column - 8, breakable(titleText(i))).height());
    layout.titleTop = kMargin / 2;
    layout.titleBottom = layout.titleTop + titleHeight;
    layout.valueTop = layout.titleBottom + QFontMetricsF(layout.tickFont).height();

    double bottom = size.height() - kMargin / 2;
    if (!m_model.colorMetric().isEmpty()) {
        const double legendHeight = QFontMetricsF(layout.tickFont).height() + 12;
        layout.legend = QRectF(kMargin, bottom - legendHeight, layout.size.width() - 2 * kMargin, legendHeight);
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
                sum += wrappedRect(metrics, labelWidth, breakable(category, kMaxLabelChars)).height() + 1;
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
            label.text = breakable(tick.label, kMaxLabelChars);
            label.anchorY = layout.yAt(tick.position);
            const QRectF box = wrappedRect(labelMetrics, labelWidth, label.text);
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
    // Every axis gets a column wide enough for its title: many axes scroll sideways instead.
    const int wantedWidth = std::max(minimumSizeHint().width(), minimumPlotWidth(m_model.axisCount()));
    if (minimumWidth() != wantedWidth)
        setMinimumWidth(wantedWidth);
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
