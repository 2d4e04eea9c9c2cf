// SPDX-License-Identifier: Apache-2.0
#pragma once

// Shared by the files of MetricChartView (metricchartview.cpp, metricchartrender.cpp,
// metricchartinteraction.cpp) and by nothing else.

#include "metricchartview.h"

#include <QAbstractAxis>
#include <QColor>
#include <QGraphicsItem>
#include <QImage>
#include <QPaintEngine>
#include <QPainter>
#include <QString>

namespace runlens::metricchart {

/** Seven significant digits keep the hover readable; the CSV export has every digit. */
QString valueText(double v);

/** A tick interval of 1, 2 or 5 times a power of ten giving about `ticks` intervals over the span. */
double niceInterval(double span, double ticks);

/**
 * Sets a range with ticks on round numbers (0, 500, 1000...) rather than odd equal parts. The order
 * matters: QtCharts lays out ticks for the old interval over the new range (or the reverse) in between,
 * so the interval grows before a widening and shrinks after a narrowing, never creating thousands of ticks.
 */
void setRangeWithNiceTicks(QAbstractAxis* axis, double lo, double hi, double pixels, double pixelsPerTick);

inline QColor faded(QColor c, int alpha)
{
    c.setAlpha(alpha);
    return c;
}

} // namespace runlens::metricchart

namespace runlens {

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

} // namespace runlens
