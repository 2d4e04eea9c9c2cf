// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "entities.h"
#include "series/seriesalignment.h"
#include "series/seriesdecimation.h"
#include "series/seriesgrouping.h"
#include "series/smoothing.h"

#include <QChartView>
#include <QColor>
#include <QHash>
#include <QList>
#include <QSet>
#include <QStringList>
#include <QTimer>

#include <memory>
#include <optional>
#include <vector>

class QAbstractAxis;
class QGraphicsLineItem;
class QGraphicsRectItem;
class QGraphicsTextItem;
class QIODevice;
class QLineSeries;
class QRubberBand;
class QImage;
class QPainter;

namespace runlens {

class LogAxisLabels;

using HistoryPtr = std::shared_ptr<const std::vector<MetricPoint>>;

/** A run as charts see it: who it is, its colour (the same everywhere in the app) and its histories. */
struct ChartRun
{
    QString runId;
    QString name;
    QColor colour;
    std::vector<KeyValue> params; // sorted by key; for grouping
    std::vector<KeyValue> tags; // sorted by key; for grouping
    /** Loaded metric histories by key, in MLflow's order; a key not here is not loaded (yet). */
    QHash<QString, HistoryPtr> histories;
    /** Every metric key the run logged (its latest metrics); MetricChartPanel loads histories from these. */
    QStringList metricKeys;
};

enum class GroupSource
{
    None,
    Param,
    Tag,
};

/** What a chart shows and how; the panel applies one to all its charts. */
struct ChartSettings
{
    XAxisKind xAxis = XAxisKind::Step;
    QString xMetric; // the x metric when xAxis == XAxisKind::Metric
    bool logX = false;
    bool logY = false;
    Smoothing smoothing;
    bool ignoreOutliers = false; // y-range from the 5th to the 95th percentile of the visible values
    GroupSource groupSource = GroupSource::None;
    QString groupKey;
    BandKind band = BandKind::MinMax;

    friend bool operator==(const ChartSettings&, const ChartSettings&) = default;
};

/**
 * A chart of several runs × several metrics at full fidelity.
 *
 * Histories are aligned on the chosen x axis once, then on every change of the visible range the
 * visible part is decimated to the first, last, min and max point per pixel column (core/
 * seriesdecimation.h); the re-decimation is coalesced by a single-shot timer. QtCharts draws the
 * axes, grid and legend; the lines are drawn by a layer of our own, because QLineSeries rebuilds a
 * stroked outline of every point on each refill and 20 runs × 4 points per pixel column took
 * ~100 ms per frame that way (see bench/bench_chart.cpp). Dense lines are rasterised as one vertical
 * span per pixel column, which is exactly what an aliased line through those points covers; sparse
 * ones are drawn antialiased; exports to SVG get vector paths. Zoom with a rubber band (drag) or the wheel (Ctrl+wheel:
 * y), pan with Shift+drag or the middle button, reset with a double-click. Hovering shows every visible line's value at
 * the nearest x; clicking a legend entry hides that run. No OpenGL: QtCharts' OpenGL path crashes under the offscreen
 * platform and buys nothing at a few thousand points per series.
 */
class MetricChartView : public QChartView
{
    Q_OBJECT
public:
    explicit MetricChartView(QWidget* parent = nullptr);
    ~MetricChartView() override;

    /** The metrics this chart draws (one line per run and metric). */
    void setMetricKeys(const QStringList& keys);
    QStringList metricKeys() const { return m_keys; }

    /** Replaces the runs; lines whose history did not change keep their prepared data and the zoom stays. */
    void setRuns(const QList<ChartRun>& runs);
    const QList<ChartRun>& runs() const { return m_runs; }

    void setSettings(const ChartSettings& settings);
    const ChartSettings& settings() const { return m_settings; }

    /** The chart's own legend under the plot; a panel with many runs shows one legend for all. */
    void setLegendShown(bool shown);
    bool isLegendShown() const { return m_legendShown; }
    /** Each line's id (run id or group label), label and colour, once each, in legend order. */
    struct LegendEntry
    {
        QString id;
        QString label;
        QColor colour;
    };
    QList<LegendEntry> legendEntries() const;

    /** Draws one run (or group) over the others, which fade; empty: none. The legend's hover. */
    void setHighlightedRun(const QString& id);
    QString highlightedRun() const { return m_highlighted; }

    /** Hides or shows a run (or a group, by its label) in this chart, as a legend click does. */
    void setRunHidden(const QString& id, bool hidden);
    bool isRunHidden(const QString& id) const { return m_hidden.contains(id); }

    /** Shows all the data again and lets the y-range follow the visible data. */
    void resetZoom();
    void setXRange(double lo, double hi);
    void setYRange(double lo, double hi);
    std::pair<double, double> xRange() const { return m_xRange; }
    std::pair<double, double> yRange() const { return m_yRange; }
    bool isYAuto() const { return m_yAuto; }

    /** Redraws now if a redraw is pending (normally the coalescing timer does this). */
    void flush();
    /** How many times the lines were re-decimated and refilled; tests wait on it. */
    int redrawCount() const { return m_redrawCount; }
    bool isRedrawPending() const { return m_redrawTimer.isActive(); }

    /** The numbers along a log axis (empty for a linear one), bottom to top or left to right. */
    QStringList logAxisLabels(Qt::Orientation orientation) const;

    /** The plot area in this widget's coordinates, and where a data point lands in it. */
    QRectF plotAreaInView() const;
    QPointF pointToView(double x, double y) const;

    /** What is drawn for a line, in data coordinates (±inf already moved to the axis edge). */
    struct DrawnLine
    {
        QList<QPointF> main; // the line: raw values, or smoothed ones, or a group's mean
        QList<QPointF> raw; // the faint raw line behind a smoothed one
        QList<QPointF> upper; // a group's band
        QList<QPointF> lower;
        QList<QPointF> infinities; // ±inf values, marked at the axis edge
    };
    /** What is drawn for a run's (or group's) metric; empty when hidden or unknown. */
    DrawnLine drawnLine(const QString& id, const QString& key) const;
    /** drawnLine(id, key).main */
    QList<QPointF> drawnPoints(const QString& id, const QString& key) const { return drawnLine(id, key).main; }
    /** The hover text as plain text (empty when the pointer is not over the plot). */
    QString hoverText() const { return m_hoverText; }
    /** Shows the hover for a position in this widget's coordinates, as moving the mouse there does. */
    void hoverAt(const QPointF& viewPos);
    void clearHover();

    /**
     * Writes every loaded point of every line (not the decimated ones) as CSV: run_id, run_name,
     * metric, step, timestamp, value, x, smoothed. Values are written as MLflow writes them (Python
     * repr). Grouped lines write their member runs' points.
     */
    bool writeCsv(QIODevice& out, QString* error = nullptr) const;

Q_SIGNALS:
    /** The lines were refilled for the current range. */
    void redrawn();
    /** A legend click hid or showed a run (or group) here; the panel mirrors it in its other charts. */
    void runHiddenToggled(const QString& id, bool hidden);

protected:
    void resizeEvent(QResizeEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;

private:
    // One run's history aligned on the current x axis; shared between rebuilds while it is unchanged.
    struct Member
    {
        QString runId;
        QString runName;
        QString key;
        HistoryPtr history;
        HistoryPtr xHistory; // the x metric's history (XAxisKind::Metric)
        XAxisKind axis = XAxisKind::Step;
        AlignedSeries aligned;
        // The smoothed values for the last smoothing asked for (GUI thread only).
        mutable std::optional<Smoothing> smoothedWith;
        mutable MetricSeries smoothed;
    };
    // One drawn line: a run's metric, or a group's mean with its band.
    struct Line
    {
        QString id; // run id, or group label
        QString key;
        QString label;
        QColor colour;
        std::vector<std::shared_ptr<const Member>> members;
        MetricSeries raw; // the run's series, or the group mean
        MetricSeries smoothed; // empty without smoothing
        MetricSeries lower; // group band
        MetricSeries upper;
        bool grouped = false;
        QLineSeries* legendEntry = nullptr; // holds no points: the legend marker and the axes binding
        DrawnLine drawn; // what the last redraw decided to draw, in data coordinates
        const MetricSeries& shown() const { return smoothed.empty() ? raw : smoothed; }
    };
    class PlotLayer;
    friend class PlotLayer;

    void rebuild(bool keepRange);
    void prepareLines();
    void createSeries();
    void createAxes();
    void connectLegend();
    void updateLegendMarker(const Line& line);
    void scheduleRedraw();
    void redraw();
    std::pair<double, double> fullXRange() const;
    std::pair<double, double> autoYRange(const std::vector<std::pair<const MetricSeries*, IndexRange>>& visible,
        double lo, double hi, std::optional<double> minPositive) const;
    void applyXRange(double lo, double hi);
    void applyYRange(double lo, double hi);
    void onXAxisChanged(double lo, double hi);
    void onYAxisChanged(double lo, double hi);
    QImage renderLines(const QRectF& plot, qreal dpr) const;
    void paintLinesVector(QPainter* painter, const QRectF& plot) const;
    QPointF toChart(const QPointF& value, const QRectF& plot) const; // data -> chart coordinates
    double xToPixel(double x) const; // view coordinates
    double pixelToX(double px) const;
    double yToPixel(double y) const;
    double pixelToY(double py) const;
    QString formatX(double x) const;
    QString xAxisTitle() const;
    void toggleHidden(const QString& id);

    QStringList m_keys;
    QList<ChartRun> m_runs;
    ChartSettings m_settings;
    QSet<QString> m_hidden;
    bool m_legendShown = true;
    QString m_highlighted;
    QHash<QString, std::shared_ptr<const Member>> m_memberCache; // runId + key
    std::vector<Line> m_lines;

    QAbstractAxis* m_xAxis = nullptr;
    QAbstractAxis* m_yAxis = nullptr;
    LogAxisLabels* m_xLogLabels = nullptr; // labels of a log axis, which Qt gives only at powers of ten
    LogAxisLabels* m_yLogLabels = nullptr;
    std::pair<double, double> m_xRange {0.0, 1.0};
    std::pair<double, double> m_yRange {0.0, 1.0};
    bool m_xAuto = true; // follow the data until the user zooms
    bool m_yAuto = true;
    int m_settingRange = 0; // > 0 while we move the axes ourselves

    QTimer m_redrawTimer;
    double m_decimatedWidth = 0.0; // plot width of the last decimation
    int m_redrawCount = 0;

    bool m_panning = false;
    QPointF m_panLast;
    QRubberBand* m_rubberBand = nullptr;
    PlotLayer* m_layer = nullptr;
    QPoint m_rubberOrigin;
    QGraphicsLineItem* m_hoverLine = nullptr;
    QGraphicsRectItem* m_hoverBox = nullptr;
    QGraphicsTextItem* m_hoverLabel = nullptr;
    QString m_hoverText;
    QPointF m_hoverPos; // where the hover was last asked for, in view coordinates
};

} // namespace runlens
