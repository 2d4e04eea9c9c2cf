// SPDX-License-Identifier: Apache-2.0
#include "scatterplotview.h"

#include "chartexport.h"

#include <QEvent>
#include <QFontMetricsF>
#include <QLinearGradient>
#include <QMouseEvent>
#include <QPainter>

#include <algorithm>
#include <array>
#include <cmath>

namespace runlens {

namespace {

constexpr double kRadius = 3.5; // a dot
constexpr double kHighlightRadius = 6.0; // a selected run's dot
constexpr double kTickLength = 5.0;
const QColor kNoValue(175, 175, 175);
const QColor kAxisColour(90, 90, 90);
const QColor kGridColour(232, 232, 232);
const QColor kTextColour(40, 40, 40);

// Viridis at nine stops: perceptually even and readable by people with colour-vision deficiencies.
constexpr std::array<QRgb, 9> kViridis
    = {0x440154, 0x482878, 0x3e4989, 0x31688e, 0x26828e, 0x1f9e89, 0x35b779, 0x6ece58, 0xfde725};

// Ten well-separated hues (matplotlib's tab10 with its grey swapped out: grey means "no value").
constexpr std::array<QRgb, 10> kCategories
    = {0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2, 0xbcbd22, 0x17becf, 0x393b79};
constexpr double kCategoryLabelWidth = 160.0;

QString elided(const QFontMetricsF& metrics, const QString& text, double width)
{
    return metrics.elidedText(text, Qt::ElideMiddle, width);
}

} // namespace

ScatterPlotView::ScatterPlotView(QWidget* parent)
    : QWidget(parent)
{
    setMouseTracking(true);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setFocusPolicy(Qt::ClickFocus);
    relayout();
}

ScatterPlotView::~ScatterPlotView() = default;

void ScatterPlotView::setData(std::shared_ptr<const ScatterData> data)
{
    m_data = std::move(data);
    clearHover();
    relayout();
}

void ScatterPlotView::setHighlightedRuns(const QSet<QString>& runIds)
{
    if (runIds == m_highlighted)
        return;
    m_highlighted = runIds;
    relayout(); // the draw order and dot sizes change
}

QRectF ScatterPlotView::plotRect() const
{
    ensureLayout();
    return m_plot;
}

void ScatterPlotView::ensureLayout() const
{
    if (m_layoutSize != size())
        const_cast<ScatterPlotView*>(this)->relayout();
}

QPointF ScatterPlotView::dataToPixel(double x, double y) const
{
    ensureLayout();
    return {
        m_plot.left() + m_xAxis.fraction(x) * m_plot.width(), m_plot.bottom() - m_yAxis.fraction(y) * m_plot.height()};
}

QPointF ScatterPlotView::pixelToData(const QPointF& pos) const
{
    ensureLayout();
    return {m_xAxis.valueAt((pos.x() - m_plot.left()) / m_plot.width()),
        m_yAxis.valueAt((m_plot.bottom() - pos.y()) / m_plot.height())};
}

QColor ScatterPlotView::scaleColour(double t)
{
    if (!std::isfinite(t))
        return kNoValue;
    t = std::clamp(t, 0.0, 1.0) * double(kViridis.size() - 1);
    const int i = std::min(int(t), int(kViridis.size()) - 2);
    const double f = t - i;
    const QColor a(kViridis[std::size_t(i)]);
    const QColor b(kViridis[std::size_t(i) + 1]);
    return QColor::fromRgbF(float(a.redF() + f * (b.redF() - a.redF())),
        float(a.greenF() + f * (b.greenF() - a.greenF())), float(a.blueF() + f * (b.blueF() - a.blueF())));
}

QColor ScatterPlotView::categoryColour(int index)
{
    return QColor(kCategories[std::size_t(std::max(0, index)) % kCategories.size()]);
}

QColor ScatterPlotView::pointColour(const ScatterPoint& point) const
{
    if (!m_data || !m_data->colourField().isValid())
        return point.runColour;
    if (std::isnan(point.colour))
        return kNoValue;
    if (m_data->colourCategorical())
        return categoryColour(int(point.colour));
    const double lo = m_data->colourMin();
    const double hi = m_data->colourMax();
    // 256 steps are more than the eye tells apart and keep the sprite cache small.
    const double t = hi > lo ? (point.colour - lo) / (hi - lo) : 0.5;
    return scaleColour(std::round(t * 255.0) / 255.0);
}

void ScatterPlotView::relayout()
{
    const QFontMetricsF metrics(font());
    const double lineHeight = metrics.height();
    const std::size_t n = m_data ? m_data->points().size() : 0;
    m_layoutSize = size();

    m_xAxis = m_data ? m_data->xAxis() : ScatterAxis {};
    m_yAxis = m_data ? m_data->yAxis() : ScatterAxis {};
    m_legend = m_data && m_data->colourField().isValid() && !std::isnan(m_data->colourMin());

    // The y labels' width decides the left margin, which decides how many x ticks fit.
    const double top = 12.0;
    const double bottom = kTickLength + 4.0 + lineHeight + 6.0 + lineHeight + 6.0;
    const double plotHeight = std::max(20.0, height() - top - bottom);
    m_yTicks = m_yAxis.ticks(std::max(2, int(plotHeight / (lineHeight * 2.2))));
    double yLabelWidth = 0.0;
    for (const double v : m_yTicks)
        yLabelWidth = std::max(yLabelWidth, metrics.horizontalAdvance(m_yAxis.tickLabel(v, m_yTicks)));
    const double left = 8.0 + lineHeight + 8.0 + yLabelWidth + 4.0 + kTickLength;

    double right = 16.0;
    if (m_legend && m_data->colourCategorical()) {
        double labelWidth = 0.0;
        for (const QString& category : m_data->colourCategories())
            labelWidth = std::max(labelWidth, metrics.horizontalAdvance(category));
        labelWidth = std::clamp(labelWidth, metrics.horizontalAdvance(QStringLiteral("+99 more")), kCategoryLabelWidth);
        right = 18.0 + 12.0 + 6.0 + labelWidth + 8.0 + lineHeight + 6.0;
    } else if (m_legend) {
        const ScatterAxis scale {m_data->colourMin(), m_data->colourMax(), false, m_data->colourField().isTime()};
        const QList<double> ticks = scale.ticks(5);
        double labelWidth = 0.0;
        for (const double v : ticks)
            labelWidth = std::max(labelWidth, metrics.horizontalAdvance(scale.tickLabel(v, ticks)));
        right = 18.0 + 14.0 + kTickLength + 4.0 + labelWidth + 8.0 + lineHeight + 6.0;
    }
    m_plot = QRectF(left, top, std::max(20.0, width() - left - right), plotHeight);
    if (m_legend)
        m_legendBar = QRectF(m_plot.right() + 18.0, m_plot.top() + 8.0, 14.0, std::max(10.0, m_plot.height() - 16.0));

    // Time labels are wider than numbers; leave room for each.
    const double xLabelWidth = m_xAxis.time ? metrics.horizontalAdvance(QStringLiteral("00-00 00:00")) + 24.0
                                            : metrics.horizontalAdvance(QStringLiteral("-0.0000")) + 28.0;
    m_xTicks = m_xAxis.ticks(std::max(2, int(m_plot.width() / xLabelWidth)));

    m_pixels.resize(n);
    m_isHighlighted.assign(n, 0);
    m_drawOrder.clear();
    m_drawOrder.reserve(n);
    std::vector<int> highlighted;
    for (std::size_t i = 0; i < n; ++i) {
        const ScatterPoint& p = m_data->points()[i];
        m_pixels[i] = dataToPixel(p.x, p.y);
        if (!m_highlighted.isEmpty() && m_highlighted.contains(p.runId)) {
            m_isHighlighted[i] = 1;
            highlighted.push_back(int(i));
        } else {
            m_drawOrder.push_back(int(i));
        }
    }
    m_drawOrder.insert(m_drawOrder.end(), highlighted.begin(), highlighted.end());
    buildIndex();
    if (m_hovered >= int(n))
        clearHover();
    invalidateLayer();
}

void ScatterPlotView::buildIndex()
{
    // A counting sort of the points into cells: two passes, no per-cell allocations.
    m_cols = std::max(1, int(std::ceil(m_plot.width() / m_cellSize)) + 1);
    m_rows = std::max(1, int(std::ceil(m_plot.height() / m_cellSize)) + 1);
    const auto cellOf = [this](const QPointF& p) {
        const int cx = std::clamp(int((p.x() - m_plot.left()) / m_cellSize), 0, m_cols - 1);
        const int cy = std::clamp(int((p.y() - m_plot.top()) / m_cellSize), 0, m_rows - 1);
        return cy * m_cols + cx;
    };
    m_cellStart.assign(std::size_t(m_cols) * std::size_t(m_rows) + 1, 0);
    for (const QPointF& p : m_pixels)
        ++m_cellStart[std::size_t(cellOf(p)) + 1];
    for (std::size_t c = 1; c < m_cellStart.size(); ++c)
        m_cellStart[c] += m_cellStart[c - 1];
    m_cellItems.assign(m_pixels.size(), 0);
    std::vector<int> fill(m_cellStart.begin(), m_cellStart.end() - 1);
    for (std::size_t i = 0; i < m_pixels.size(); ++i)
        m_cellItems[std::size_t(fill[std::size_t(cellOf(m_pixels[i]))]++)] = int(i);
}

double ScatterPlotView::pointRadius(int index) const
{
    return m_isHighlighted[std::size_t(index)] ? kHighlightRadius : kRadius;
}

int ScatterPlotView::pointAt(const QPointF& pos) const
{
    ensureLayout();
    if (m_pixels.empty())
        return -1;
    const double reach = kHitRadius + kHighlightRadius - kRadius; // highlighted dots are larger
    const int cx0 = std::max(0, int(std::floor((pos.x() - reach - m_plot.left()) / m_cellSize)));
    const int cx1 = std::min(m_cols - 1, int(std::floor((pos.x() + reach - m_plot.left()) / m_cellSize)));
    const int cy0 = std::max(0, int(std::floor((pos.y() - reach - m_plot.top()) / m_cellSize)));
    const int cy1 = std::min(m_rows - 1, int(std::floor((pos.y() + reach - m_plot.top()) / m_cellSize)));
    int best = -1;
    double bestDistance = 0.0;
    for (int cy = cy0; cy <= cy1; ++cy) {
        for (int cx = cx0; cx <= cx1; ++cx) {
            const int cell = cy * m_cols + cx;
            for (int k = m_cellStart[std::size_t(cell)]; k < m_cellStart[std::size_t(cell) + 1]; ++k) {
                const int i = m_cellItems[std::size_t(k)];
                const QPointF d = m_pixels[std::size_t(i)] - pos;
                const double distance = std::hypot(d.x(), d.y()) - (pointRadius(i) - kRadius);
                if (distance > kHitRadius)
                    continue;
                // On a tie the dot drawn later (on top) wins: highlighted ones, then the later index.
                if (best < 0 || distance < bestDistance
                    || (distance == bestDistance
                        && std::pair(m_isHighlighted[std::size_t(i)], i)
                            > std::pair(m_isHighlighted[std::size_t(best)], best))) {
                    best = i;
                    bestDistance = distance;
                }
            }
        }
    }
    return best;
}

int ScatterPlotView::pointsWithin(const QPointF& at, double radius) const
{
    const int cx0 = std::max(0, int(std::floor((at.x() - radius - m_plot.left()) / m_cellSize)));
    const int cx1 = std::min(m_cols - 1, int(std::floor((at.x() + radius - m_plot.left()) / m_cellSize)));
    const int cy0 = std::max(0, int(std::floor((at.y() - radius - m_plot.top()) / m_cellSize)));
    const int cy1 = std::min(m_rows - 1, int(std::floor((at.y() + radius - m_plot.top()) / m_cellSize)));
    int count = 0;
    for (int cy = cy0; cy <= cy1; ++cy) {
        for (int cx = cx0; cx <= cx1; ++cx) {
            const int cell = cy * m_cols + cx;
            for (int k = m_cellStart[std::size_t(cell)]; k < m_cellStart[std::size_t(cell) + 1]; ++k) {
                const QPointF d = m_pixels[std::size_t(m_cellItems[std::size_t(k)])] - at;
                count += d.x() * d.x() + d.y() * d.y() <= radius * radius;
            }
        }
    }
    return count;
}

int ScatterPlotView::pointAtByScan(const QPointF& pos) const
{
    ensureLayout();
    int best = -1;
    double bestDistance = 0.0;
    for (std::size_t i = 0; i < m_pixels.size(); ++i) {
        const QPointF d = m_pixels[i] - pos;
        const double distance = std::hypot(d.x(), d.y()) - (pointRadius(int(i)) - kRadius);
        if (distance > kHitRadius)
            continue;
        if (best < 0 || distance < bestDistance
            || (distance == bestDistance
                && std::pair(m_isHighlighted[i], int(i)) > std::pair(m_isHighlighted[std::size_t(best)], best))) {
            best = int(i);
            bestDistance = distance;
        }
    }
    return best;
}

QString ScatterPlotView::runAt(const QPointF& pos) const
{
    const int i = pointAt(pos);
    return i < 0 ? QString() : m_data->points()[std::size_t(i)].runId;
}

void ScatterPlotView::hoverAt(const QPointF& pos)
{
    const int hit = pointAt(pos);
    if (hit < 0) {
        clearHover();
        return;
    }
    const ScatterPoint& p = m_data->points()[std::size_t(hit)];
    const ScatterField x = m_data->xField();
    const ScatterField y = m_data->yField();
    const ScatterField c = m_data->colourField();
    QString name = p.runName.isEmpty() ? p.runId : p.runName;
    QStringList lines {name, x.label() + QStringLiteral(": ") + ScatterData::formatValue(x, p.x),
        y.label() + QStringLiteral(": ") + ScatterData::formatValue(y, p.y)};
    if (c.isValid())
        lines << c.label() + QStringLiteral(": ")
                + (std::isnan(p.colour) ? QStringLiteral("\u2013") : m_data->colourText(p.colour));
    // Sweeps over a grid of params put many runs on the same pixel; say so, since only one shows.
    const int hidden = pointsWithin(m_pixels[std::size_t(hit)], 1.0) - 1;
    if (hidden == 1)
        lines << tr("and 1 more run here");
    else if (hidden > 1)
        lines << tr("and %1 more runs here").arg(hidden);
    m_hoverText = lines.join(QLatin1Char('\n'));
    if (hit != m_hovered) {
        m_hovered = hit;
        update();
    }
}

void ScatterPlotView::clearHover()
{
    m_hoverText.clear();
    if (m_hovered >= 0) {
        m_hovered = -1;
        update();
    }
}

void ScatterPlotView::invalidateLayer()
{
    m_layerValid = false;
    update();
}

const QImage& ScatterPlotView::sprite(QRgb colour, bool highlighted, qreal dpr) const
{
    const quint64 key = (quint64(colour) << 8) | (quint64(highlighted) << 7) | quint64(std::lround(dpr * 4.0) & 0x7f);
    auto it = m_sprites.find(key);
    if (it != m_sprites.end())
        return *it;
    const double radius = highlighted ? kHighlightRadius : kRadius;
    const int side = int(std::ceil(2.0 * radius + 3.0));
    QImage image(QSize(side, side) * dpr, QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(dpr);
    image.fill(Qt::transparent);
    {
        QPainter painter(&image);
        painter.setRenderHint(QPainter::Antialiasing);
        const QColor fill = QColor::fromRgba(colour);
        if (highlighted)
            painter.setPen(QPen(QColor(20, 20, 20), 1.6));
        else
            painter.setPen(QPen(fill.darker(140), 0.8));
        painter.setBrush(fill);
        painter.drawEllipse(QPointF(side / 2.0, side / 2.0), radius, radius);
    }
    return *m_sprites.insert(key, image);
}

void ScatterPlotView::paintAxes(QPainter& painter) const
{
    const QFontMetricsF metrics(painter.font());
    painter.setRenderHint(QPainter::Antialiasing, false);
    painter.setPen(QPen(kGridColour, 1));
    for (const double v : m_xTicks) {
        const double px = std::round(dataToPixel(v, m_yAxis.valueAt(0.5)).x());
        painter.drawLine(QPointF(px, m_plot.top()), QPointF(px, m_plot.bottom()));
    }
    for (const double v : m_yTicks) {
        const double py = std::round(dataToPixel(m_xAxis.valueAt(0.5), v).y());
        painter.drawLine(QPointF(m_plot.left(), py), QPointF(m_plot.right(), py));
    }
    painter.setPen(QPen(kAxisColour, 1));
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(m_plot);

    painter.setPen(kTextColour);
    const double lineHeight = metrics.height();
    for (const double v : m_xTicks) {
        const double px = std::round(dataToPixel(v, m_yAxis.valueAt(0.5)).x());
        painter.setPen(kAxisColour);
        painter.drawLine(QPointF(px, m_plot.bottom()), QPointF(px, m_plot.bottom() + kTickLength));
        painter.setPen(kTextColour);
        const QString label = m_xAxis.tickLabel(v, m_xTicks);
        const double w = metrics.horizontalAdvance(label);
        painter.drawText(
            QRectF(px - w / 2 - 2, m_plot.bottom() + kTickLength + 2, w + 4, lineHeight), Qt::AlignCenter, label);
    }
    for (const double v : m_yTicks) {
        const double py = std::round(dataToPixel(m_xAxis.valueAt(0.5), v).y());
        painter.setPen(kAxisColour);
        painter.drawLine(QPointF(m_plot.left() - kTickLength, py), QPointF(m_plot.left(), py));
        painter.setPen(kTextColour);
        const QString label = m_yAxis.tickLabel(v, m_yTicks);
        painter.drawText(QRectF(0, py - lineHeight / 2, m_plot.left() - kTickLength - 4, lineHeight),
            Qt::AlignRight | Qt::AlignVCenter, label);
    }

    if (!m_data)
        return;
    QFont bold = painter.font();
    bold.setBold(true);
    painter.setFont(bold);
    const QFontMetricsF boldMetrics(bold);
    const QString xTitle = elided(boldMetrics,
        m_data->xField().label() + (m_data->logX() ? QStringLiteral("  (log)") : QString()), m_plot.width());
    painter.drawText(
        QRectF(m_plot.left(), m_plot.bottom() + kTickLength + 4 + lineHeight + 4, m_plot.width(), boldMetrics.height()),
        Qt::AlignCenter, xTitle);
    const QString yTitle = elided(boldMetrics,
        m_data->yField().label() + (m_data->logY() ? QStringLiteral("  (log)") : QString()), m_plot.height());
    painter.save();
    painter.translate(8.0, m_plot.center().y());
    painter.rotate(-90);
    painter.drawText(QRectF(-m_plot.height() / 2, 0, m_plot.height(), boldMetrics.height()), Qt::AlignCenter, yTitle);
    painter.restore();
}

void ScatterPlotView::paintLegend(QPainter& painter) const
{
    if (!m_legend)
        return;
    const QFontMetricsF metrics(painter.font());
    if (m_data->colourCategorical()) {
        paintCategories(painter);
        return;
    }
    QLinearGradient gradient(m_legendBar.bottomLeft(), m_legendBar.topLeft());
    for (int i = 0; i <= 16; ++i)
        gradient.setColorAt(i / 16.0, scaleColour(i / 16.0));
    painter.setRenderHint(QPainter::Antialiasing, false);
    painter.setPen(QPen(kAxisColour, 1));
    painter.setBrush(gradient);
    painter.drawRect(m_legendBar);

    const double lo = m_data->colourMin();
    const double hi = m_data->colourMax();
    const ScatterAxis scale = hi > lo ? ScatterAxis {lo, hi, false, m_data->colourField().isTime()}
                                      : ScatterAxis::around(lo, hi, false, m_data->colourField().isTime());
    const QList<double> ticks = hi > lo ? scale.ticks(5) : QList<double> {lo};
    const double lineHeight = metrics.height();
    for (const double v : ticks) {
        const double f = hi > lo ? scale.fraction(v) : 0.5;
        const double py = std::round(m_legendBar.bottom() - f * m_legendBar.height());
        painter.setPen(kAxisColour);
        painter.drawLine(QPointF(m_legendBar.right(), py), QPointF(m_legendBar.right() + kTickLength, py));
        painter.setPen(kTextColour);
        painter.drawText(QRectF(m_legendBar.right() + kTickLength + 3, py - lineHeight / 2, 200, lineHeight),
            Qt::AlignLeft | Qt::AlignVCenter, scale.tickLabel(v, ticks));
    }
    paintLegendTitle(painter);
}

void ScatterPlotView::paintCategories(QPainter& painter) const
{
    // One row per category, a dot of its colour and its text; what does not fit is counted.
    const QFontMetricsF metrics(painter.font());
    const double row = metrics.height() + 2.0;
    const QStringList& categories = m_data->colourCategories();
    const auto fitting = qsizetype(std::max(1.0, std::floor(m_legendBar.height() / row)));
    const qsizetype shown = categories.size() <= fitting ? categories.size() : fitting - 1;
    const double labelLeft = m_legendBar.left() + 18.0;
    const double labelWidth = width() - labelLeft - metrics.height() - 12.0;
    painter.setRenderHint(QPainter::Antialiasing);
    for (qsizetype i = 0; i < shown; ++i) {
        const double y = m_legendBar.top() + double(i) * row;
        const QColor colour = categoryColour(int(i));
        painter.setPen(QPen(colour.darker(140), 0.8));
        painter.setBrush(colour);
        painter.drawEllipse(QPointF(m_legendBar.left() + 6.0, y + row / 2), 5.0, 5.0);
        painter.setPen(kTextColour);
        painter.drawText(QRectF(labelLeft, y, labelWidth, row), Qt::AlignLeft | Qt::AlignVCenter,
            metrics.elidedText(categories.at(i), Qt::ElideMiddle, labelWidth));
    }
    if (shown < categories.size()) {
        painter.setPen(QColor(110, 110, 110));
        painter.drawText(QRectF(labelLeft, m_legendBar.top() + double(shown) * row, labelWidth, row),
            Qt::AlignLeft | Qt::AlignVCenter, tr("+%1 more").arg(categories.size() - shown));
    }
    paintLegendTitle(painter);
}

void ScatterPlotView::paintLegendTitle(QPainter& painter) const
{
    // The legend's title runs up the right edge, like the y axis title on the left.
    QFont bold = painter.font();
    bold.setBold(true);
    painter.setFont(bold);
    const QFontMetricsF boldMetrics(bold);
    painter.save();
    painter.translate(width() - 6.0 - boldMetrics.height(), m_legendBar.center().y());
    painter.rotate(-90);
    painter.drawText(QRectF(-m_plot.height() / 2, 0, m_plot.height(), boldMetrics.height()), Qt::AlignCenter,
        elided(boldMetrics, m_data->colourField().label(), m_plot.height()));
    painter.restore();
}

void ScatterPlotView::paintPoints(QPainter& painter, bool vector) const
{
    if (!m_data)
        return;
    const auto& points = m_data->points();
    painter.save();
    painter.setClipRect(m_plot.adjusted(-kHighlightRadius, -kHighlightRadius, kHighlightRadius, kHighlightRadius));
    if (vector) {
        painter.setRenderHint(QPainter::Antialiasing);
        for (const int i : m_drawOrder) {
            const QColor fill = pointColour(points[std::size_t(i)]);
            const bool highlighted = m_isHighlighted[std::size_t(i)];
            painter.setPen(highlighted ? QPen(QColor(20, 20, 20), 1.6) : QPen(fill.darker(140), 0.8));
            painter.setBrush(fill);
            const double r = highlighted ? kHighlightRadius : kRadius;
            painter.drawEllipse(m_pixels[std::size_t(i)], r, r);
        }
    } else {
        // Stamping a cached sprite is several times faster than rasterising each ellipse.
        const qreal dpr = painter.device() ? painter.device()->devicePixelRatioF() : 1.0;
        for (const int i : m_drawOrder) {
            const bool highlighted = m_isHighlighted[std::size_t(i)];
            const QImage& image = sprite(pointColour(points[std::size_t(i)]).rgba(), highlighted, dpr);
            const double half = image.width() / image.devicePixelRatio() / 2.0;
            const QPointF at = m_pixels[std::size_t(i)];
            painter.drawImage(QPointF(std::round(at.x() - half), std::round(at.y() - half)), image);
        }
    }
    painter.restore();
}

void ScatterPlotView::paintMessage(QPainter& painter) const
{
    QString message;
    if (!m_data || !m_data->xField().isValid() || !m_data->yField().isValid())
        message = tr("Choose what to plot on X and Y.");
    else if (m_data->runCount() == 0)
        message = tr("No runs to plot.");
    else if (m_data->points().empty())
        message = tr("None of the %1 runs has both %2 and %3.")
                      .arg(m_data->runCount())
                      .arg(m_data->xField().label(), m_data->yField().label());
    if (message.isEmpty())
        return;
    painter.setPen(QColor(110, 110, 110));
    painter.drawText(m_plot.adjusted(10, 10, -10, -10), Qt::AlignCenter | Qt::TextWordWrap, message);
}

void ScatterPlotView::render(QPainter& painter, bool vector) const
{
    ensureLayout();
    painter.save();
    painter.setFont(font());
    painter.fillRect(QRectF(0, 0, width(), height()), Qt::white);
    paintAxes(painter);
    painter.setFont(font());
    paintPoints(painter, vector);
    paintLegend(painter);
    painter.setFont(font());
    paintMessage(painter);
    painter.restore();
}

void ScatterPlotView::paintEvent(QPaintEvent*)
{
    const qreal dpr = devicePixelRatioF();
    if (!m_layerValid || m_layer.size() != size() * dpr) {
        m_layer = QImage(size() * dpr, QImage::Format_ARGB32_Premultiplied);
        m_layer.setDevicePixelRatio(dpr);
        QPainter layerPainter(&m_layer);
        layerPainter.setRenderHint(QPainter::TextAntialiasing);
        render(layerPainter, false);
        m_layerValid = true;
        ++m_layerRenders;
    }
    QPainter painter(this);
    painter.drawImage(QPointF(0, 0), m_layer);
    if (m_hovered >= 0 && m_data && std::size_t(m_hovered) < m_pixels.size())
        paintHover(painter);
}

void ScatterPlotView::paintHover(QPainter& painter) const
{
    // The hovered dot drawn again on top, ringed in white and dark so it stands out in a dense cloud.
    painter.setRenderHint(QPainter::Antialiasing);
    const QPointF at = m_pixels[std::size_t(m_hovered)];
    const double r = pointRadius(m_hovered) + 1.5;
    painter.setPen(QPen(QColor(20, 20, 20), 1.5));
    painter.setBrush(pointColour(m_data->points()[std::size_t(m_hovered)]));
    painter.drawEllipse(at, r, r);
    painter.setBrush(Qt::NoBrush);
    painter.setPen(QPen(Qt::white, 3.0));
    painter.drawEllipse(at, r + 3.0, r + 3.0);
    painter.setPen(QPen(QColor(20, 20, 20), 1.5));
    painter.drawEllipse(at, r + 4.5, r + 4.5);

    // The run's values in a box beside the dot, kept inside the widget: a tooltip that is part of
    // the plot, so it follows the pointer without a delay and shows in screenshots.
    const QStringList lines = m_hoverText.split(QLatin1Char('\n'));
    QFont bold = font();
    bold.setBold(true);
    const QFontMetricsF metrics(font());
    const QFontMetricsF boldMetrics(bold);
    double textWidth = boldMetrics.horizontalAdvance(lines.value(0));
    for (qsizetype i = 1; i < lines.size(); ++i)
        textWidth = std::max(textWidth, metrics.horizontalAdvance(lines.at(i)));
    textWidth = std::min(textWidth, std::max(120.0, width() * 0.6));
    const double lineHeight = metrics.height();
    QRectF box(0, 0, textWidth + 16, lineHeight * double(lines.size()) + 10);
    const double gap = r + 10;
    box.moveTopLeft(at + QPointF(gap, gap));
    if (box.right() > width() - 2)
        box.moveRight(at.x() - gap);
    if (box.bottom() > height() - 2)
        box.moveBottom(at.y() - gap);
    box.moveLeft(std::max(2.0, box.left()));
    box.moveTop(std::max(2.0, box.top()));
    painter.setPen(QPen(QColor(160, 160, 160), 1));
    painter.setBrush(QColor(255, 255, 255, 240));
    painter.drawRoundedRect(box, 3, 3);
    painter.setPen(kTextColour);
    QRectF line(box.left() + 8, box.top() + 5, textWidth, lineHeight);
    for (qsizetype i = 0; i < lines.size(); ++i) {
        painter.setFont(i == 0 ? bold : font());
        painter.drawText(line, Qt::AlignLeft | Qt::AlignVCenter,
            (i == 0 ? boldMetrics : metrics).elidedText(lines.at(i), Qt::ElideRight, textWidth));
        line.translate(0, lineHeight);
    }
}

void ScatterPlotView::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    relayout();
}

void ScatterPlotView::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange || event->type() == QEvent::PaletteChange)
        relayout();
}

void ScatterPlotView::mouseMoveEvent(QMouseEvent* event)
{
    hoverAt(event->position());
    QWidget::mouseMoveEvent(event);
}

void ScatterPlotView::mousePressEvent(QMouseEvent* event)
{
    if (event->button() == Qt::LeftButton) {
        m_pressPos = event->position();
        m_pressed = true;
    }
    QWidget::mousePressEvent(event);
}

void ScatterPlotView::mouseReleaseEvent(QMouseEvent* event)
{
    if (event->button() == Qt::LeftButton && m_pressed) {
        m_pressed = false;
        // A click, not a drag: the run under the press is the one meant.
        const QPointF moved = event->position() - m_pressPos;
        if (std::abs(moved.x()) + std::abs(moved.y()) <= 6.0) {
            const QString id = runAt(m_pressPos);
            if (!id.isEmpty())
                Q_EMIT runClicked(id);
        }
    }
    QWidget::mouseReleaseEvent(event);
}

void ScatterPlotView::leaveEvent(QEvent* event)
{
    clearHover();
    QWidget::leaveEvent(event);
}

bool ScatterPlotView::savePng(const QString& path, QString* error, qreal scale) const
{
    QImage image(size() * scale, QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(scale);
    image.fill(Qt::white);
    {
        QPainter painter(&image);
        painter.setRenderHint(QPainter::TextAntialiasing);
        render(painter, false);
    }
    return ChartExport::savePngImage(image, path, error);
}

bool ScatterPlotView::saveSvg(const QString& path, QString* error) const
{
    return ChartExport::saveSvgDrawing(
        path, size(), QStringLiteral("Runlens scatter plot"), [this](QPainter& painter) { render(painter, true); },
        error);
}

} // namespace runlens
