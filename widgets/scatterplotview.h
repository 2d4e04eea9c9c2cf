// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "scatterdata.h"

#include <QHash>
#include <QImage>
#include <QList>
#include <QSet>
#include <QWidget>

#include <memory>
#include <vector>

class QPainter;

namespace runlens {

/**
 * A scatter plot of runs drawn with QPainter: one dot per run at (x, y), in the run's colour, on a
 * colour scale of a third field, or by category of a text param (with a legend); axes with nice
 * ticks, linear or log.
 *
 * Built for sweeps of tens of thousands of runs: dots are stamped from cached pre-rendered sprites
 * (one per colour), the finished plot is kept as an image so hovering only draws the hover ring, and
 * the point under the pointer is found through a grid of pixel cells rather than by scanning every
 * point (bench/bench_scatter.cpp measures both). Hovering shows the run's values in a box by the dot;
 * clicking a dot emits runClicked(); runs selected elsewhere (setHighlightedRuns) are drawn larger,
 * outlined and on top.
 */
class ScatterPlotView : public QWidget
{
    Q_OBJECT
public:
    explicit ScatterPlotView(QWidget* parent = nullptr);
    ~ScatterPlotView() override;

    void setData(std::shared_ptr<const ScatterData> data);
    const ScatterData* data() const { return m_data.get(); }

    /** Runs drawn larger and outlined (the table's selection). */
    void setHighlightedRuns(const QSet<QString>& runIds);
    const QSet<QString>& highlightedRuns() const { return m_highlighted; }

    /** The plot area in widget coordinates and where a data value lands in it (and back). */
    QRectF plotRect() const;
    QPointF dataToPixel(double x, double y) const;
    QPointF pixelToData(const QPointF& pos) const;
    /** The axes as drawn (data range with margins, log or linear). */
    ScatterAxis xAxis() const
    {
        ensureLayout();
        return m_xAxis;
    }
    ScatterAxis yAxis() const
    {
        ensureLayout();
        return m_yAxis;
    }
    /** Tick values drawn on each axis. */
    QList<double> xTicks() const
    {
        ensureLayout();
        return m_xTicks;
    }
    QList<double> yTicks() const
    {
        ensureLayout();
        return m_yTicks;
    }

    /** The point (index into data()->points()) nearest to `pos` within the hit radius; -1 if none. */
    int pointAt(const QPointF& pos) const;
    /** The same answer by checking every point; the reference the grid index is tested against. */
    int pointAtByScan(const QPointF& pos) const;
    /** The run id under `pos`, empty if none. */
    QString runAt(const QPointF& pos) const;
    /** How far from a dot's centre the pointer still hits it, in pixels. */
    static constexpr double kHitRadius = 7.0;

    /** Hover as moving the pointer to `pos` does (ring and value box); clearHover() removes it. */
    void hoverAt(const QPointF& pos);
    void clearHover();
    int hoveredPoint() const { return m_hovered; }
    /** The hover box as plain text: run name, then one "label: value" line per field. */
    QString hoverText() const { return m_hoverText; }

    /** The colour of a position (0..1) on the colour scale (viridis: dark blue to yellow). */
    static QColor scaleColour(double t);
    /** The colour of a category (a text param's value) by its index; ten hues, then they repeat. */
    static QColor categoryColour(int index);
    /** The colour a point is drawn in: the run colour, its place on the scale, or grey without a value. */
    QColor pointColour(const ScatterPoint& point) const;

    /** Draws the plot (without hover) on any painter, e.g. for exports; `vector` draws dots as shapes. */
    void render(QPainter& painter, bool vector) const;
    /** PNG at `scale` times the widget size; SVG as vector graphics. Written atomically. */
    bool savePng(const QString& path, QString* error = nullptr, qreal scale = 2.0) const;
    bool saveSvg(const QString& path, QString* error = nullptr) const;

    /** How many times the plot layer was redrawn (hover alone does not redraw it); for tests. */
    int layerRenderCount() const { return m_layerRenders; }

    QSize sizeHint() const override { return {640, 480}; }
    QSize minimumSizeHint() const override { return {240, 180}; }

Q_SIGNALS:
    /** The person clicked a run's dot. */
    void runClicked(const QString& runId);

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void relayout();
    // Layout follows the size even while hidden (a hidden widget gets its resize event only when shown).
    void ensureLayout() const;
    void buildIndex();
    int pointsWithin(const QPointF& at, double radius) const;
    void invalidateLayer();
    double pointRadius(int index) const;
    const QImage& sprite(QRgb colour, bool highlighted, qreal dpr) const;
    void paintAxes(QPainter& painter) const;
    void paintLegend(QPainter& painter) const;
    void paintCategories(QPainter& painter) const;
    void paintLegendTitle(QPainter& painter) const;
    void paintPoints(QPainter& painter, bool vector) const;
    void paintMessage(QPainter& painter) const;
    void paintHover(QPainter& painter) const;

    std::shared_ptr<const ScatterData> m_data;
    QSet<QString> m_highlighted;
    std::vector<char> m_isHighlighted; // per point
    std::vector<int> m_drawOrder; // highlighted points last, so they are on top

    // Layout, recomputed on data and size changes.
    ScatterAxis m_xAxis;
    ScatterAxis m_yAxis;
    QList<double> m_xTicks;
    QList<double> m_yTicks;
    QRectF m_plot;
    QSize m_layoutSize;
    bool m_legend = false;
    QRectF m_legendBar;
    std::vector<QPointF> m_pixels; // per point, widget coordinates

    // Hit-test grid: point indices bucketed by pixel cell, stored contiguously per cell.
    double m_cellSize = 16.0;
    int m_cols = 0;
    int m_rows = 0;
    std::vector<int> m_cellStart; // m_cols * m_rows + 1 offsets into m_cellItems
    std::vector<int> m_cellItems;

    int m_hovered = -1;
    QString m_hoverText;
    QPointF m_pressPos;
    bool m_pressed = false;

    mutable QImage m_layer; // the plot without hover, reused while only the hover moves
    mutable bool m_layerValid = false;
    mutable int m_layerRenders = 0;
    mutable QHash<quint64, QImage> m_sprites;
};

} // namespace runlens
