// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "parallelcoordinatesmodel.h"

#include <QColor>
#include <QFont>
#include <QFutureWatcher>
#include <QImage>
#include <QLineF>
#include <QPointer>
#include <QRectF>
#include <QTimer>
#include <QWidget>

#include <memory>
#include <optional>
#include <vector>

class QThreadPool;

namespace runlens {

/**
 * Runs as a parallel-coordinates plot: one vertical axis per param or metric, one line per run.
 *
 * Numeric axes are linear, log or quantile; categorical axes show every value in full (labels are
 * spaced apart, set smaller, and the view asks for more height when they still do not fit, so put it
 * in a QScrollArea). Runs lacking a value go to a "missing" lane under each axis. Drag a title to
 * reorder, double-click it (or use its context menu) to flip. Drag along an axis to brush a range;
 * brushes on several axes combine with AND; click the axis outside its brush to clear it.
 *
 * The lines are painted once into a cached image; hover, brush rectangles and a dragged title are
 * drawn over it, so moving the mouse never repaints ten thousand lines. That image is drawn on a
 * worker thread from an immutable copy of what it needs (a "line job"); until it arrives the
 * previous image stays on screen, results of superseded jobs are dropped, and changes that come
 * while a job runs are coalesced into one next job. lineCacheReady() says when it is current.
 *
 * New runs are placed on a worker as well (ParallelCoordinatesModel::setRuns): until runsApplied()
 * the previous runs stay on screen and can be hovered and brushed ("Loading…" when there were none);
 * then brushes, flips, scales and the order of the axes that remain carry over to the new runs.
 */
class ParallelCoordinatesView final : public QWidget
{
    Q_OBJECT
public:
    explicit ParallelCoordinatesView(QWidget* parent = nullptr);

    /**
     * Replaces the runs, placing them on a worker; runsApplied() follows. Until setAxes() is called,
     * the axes follow defaultAxes() of the runs.
     */
    void setRuns(RunListSnapshot runs);
    /** The same as setRuns(), on this thread (for measurements); runsApplied() is emitted before it returns. */
    void setRunsNow(RunListSnapshot runs);
    /** Whether runs given to setRuns() are still being placed (the previous ones are shown). */
    bool runsPending() const { return m_model.runsPending(); }
    /** Shows the axes that vary across the runs again, and follows them on later setRuns(). */
    void showDefaultAxes();
    /** The pool runs are placed and lines drawn on (the global one by default). */
    void setThreadPool(QThreadPool* pool);
    void setAxes(const QList<ParallelAxisSpec>& axes);
    QList<ParallelAxisSpec> axes() const { return m_model.axes(); }
    /** Every param and metric that varies across the runs (see ParallelCoordinatesModel::varies). */
    static QList<ParallelAxisSpec> defaultAxes(const RunList& runs);

    void setAxisScale(int axis, ParallelAxisScale scale);
    void setAxisFlipped(int axis, bool flipped);
    void moveAxis(int from, int to);

    /** Colours lines along a colour scale by this metric, with a legend; empty: by run colour. */
    void setColorMetric(const QString& key);
    QString colorMetric() const { return m_model.colorMetric(); }

    /** Draws these runs in colour over the others in grey (the selection); empty: every run. */
    void setHighlightedRuns(const QSet<QString>& runIds);

    void setBrush(int axis, std::optional<AxisBrush> brush);
    void clearBrushes();
    /** The ids of the runs inside every brush, or nullopt when nothing is brushed. */
    std::optional<QSet<QString>> brushedRunIds() const { return m_model.brushedRunIds(); }

    const ParallelCoordinatesModel& model() const { return m_model; }

    /** The plot without hover, at `size`; taller when categorical labels need more room. */
    QImage render(const QSize& size) const;
    using QWidget::render; // keep the QPaintDevice / QPainter overloads visible
    /** The plot as vector graphics; false with a message when the file cannot be written. */
    bool saveSvg(const QString& path, const QSize& size, QString* error = nullptr) const;

    // Geometry, in widget coordinates: for tests, and for anyone placing things over the plot.
    QRectF titleRect(int axis) const;
    /** The pixel of a display position (0 bottom, 1 top) on an axis. */
    QPointF pointAt(int axis, double position) const;
    QPointF missingLanePoint(int axis) const;
    /** A categorical axis's labels as laid out: each text as drawn (see breakable()) and its box. */
    QList<QPair<QRectF, QString>> categoryLabels(int axis) const;
    QFont categoryLabelFont() const { return m_layout.labelFont; }
    /** The run whose line passes nearest to `pos` (within a few pixels), or an empty string. */
    QString runAt(const QPointF& pos) const;
    QString hoveredRunId() const;
    /**
     * Repaints the line cache now, on this thread (for exports and measurements). Normally the cache
     * is drawn on a worker after each change; a job still running is then superseded.
     */
    void renderLineCache();
    /**
     * Whether the image on screen is older than the current runs, axes, brushes and size, or new
     * runs are still being placed.
     */
    bool lineCachePending() const { return imageStale() || m_model.runsPending(); }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

Q_SIGNALS:
    void brushChanged();
    void axesChanged();
    void runHovered(const QString& runId);
    void runClicked(const QString& runId);
    /** A line cache drawn off the GUI thread reached the screen, and it shows the current state. */
    void lineCacheReady();
    /** Runs given to setRuns() replaced the previous ones in the model (the lines follow). */
    void runsApplied();

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void changeEvent(QEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    struct Label
    {
        QRectF rect;
        double anchorY = 0;
        QString text; // as drawn: at most kMaxLabelChars, with break points (see breakable())
    };
    /** Longer values (a 1,000-character param) are cut with an ellipsis; the CSV export has them whole. */
    static constexpr int kMaxLabelChars = 80;
    /** `text` cut to `maxChars`, with zero-width break points after _ . / - : so names wrap at their parts. */
    static QString breakable(const QString& text, int maxChars = -1);
    /** Word wrap when every word fits in `width`, else wrap anywhere: whole words where possible. */
    static int wrapFlag(const QFontMetricsF& metrics, double width, const QString& text);
    /** The box `text` takes wrapped to `width` with wrapFlag(). */
    static QRectF wrappedRect(const QFontMetricsF& metrics, double width, const QString& text);
    /** Draws `text` in `rect` in the painter's font, wrapped as wrappedRect() measured it. */
    static void drawWrapped(QPainter& painter, const QRectF& rect, int alignment, const QString& text);
    /** Columns narrower than this would break every title; the view asks for the width instead. */
    static constexpr double kMinColumn = 96.0;
    /** The narrowest plot that gives each of `axisCount` axes kMinColumn. */
    static int minimumPlotWidth(int axisCount);
    struct Layout
    {
        QSize size;
        std::vector<double> x; // per axis
        double column = 0; // width owned by each axis, its labels included
        double titleTop = 0;
        double titleBottom = 0;
        double valueTop = 0;
        double valueBottom = 0;
        double laneY = 0;
        double laneHeight = 0;
        QRectF legend;
        QFont titleFont;
        QFont labelFont;
        QFont tickFont;
        std::vector<std::vector<Label>> labels; // categorical axes
        int requiredHeight = 0;
        double yAt(double position) const { return valueBottom - position * (valueBottom - valueTop); }
    };
    enum class Drag
    {
        None,
        Title,
        Brush
    };

    Layout computeLayout(const QSize& size) const;
    void relayout();
    double runY(const Layout& layout, int axis, int run) const;
    struct LineBatch
    {
        QColor colour; // alpha included
        QList<QLineF> lines;
    };
    std::vector<LineBatch> collectLines(const Layout& layout) const;
    void paintPlot(QPainter& painter, const Layout& layout, bool lines) const;
    void paintImage(QImage& image, const Layout& layout) const;
    void paintLines(QPainter& painter, const Layout& layout) const;
    using PixelRows = std::vector<std::vector<float>>; // per axis, per run: a line's y in a layout
    std::shared_ptr<const PixelRows> pixelRows(const Layout& layout) const;
    /** Everything drawing the lines needs, copied: a worker reads it while the widget changes. */
    struct LineJob
    {
        quint64 generation = 0;
        QSize pixels;
        qreal ratio = 1.0;
        QRgb background = 0;
        std::vector<double> x; // per axis, logical pixels
        std::shared_ptr<const PixelRows> y;
        std::vector<int> order; // runs in drawing order: faint ones first
        std::vector<QRgb> colours; // per run
        std::vector<int> alphas; // per run, 0..255
        bool painterLines = false; // few runs: smoother, thicker lines through QPainter
        bool antialias = true;
        double penWidth = 1.0;
        QImage axes; // axes, ticks and labels over transparency, drawn over the lines
    };
    struct RenderedLines
    {
        quint64 generation = 0;
        QImage image;
    };
    LineJob makeLineJob(const Layout& layout, std::shared_ptr<const PixelRows> rows) const;
    static void drawLines(QImage& image, const LineJob& job);
    static QImage renderLineJob(const LineJob& job);
    QImage paintAxesLayer(const QSize& pixels, qreal ratio) const;
    void requestLineCache();
    void startLineJobSoon();
    void startLineJob();
    void lineJobFinished();
    void paintAxes(QPainter& painter, const Layout& layout) const;
    void paintOverlay(QPainter& painter);
    QColor lineColor(int run) const;
    QString titleText(int axis) const;
    int axisNear(const QPointF& pos, double reach) const;
    int titleAt(const QPointF& pos) const;
    int runIndexAt(const QPointF& pos) const;
    double positionAtY(double y) const;
    void setHoveredRun(int run, const QPoint& globalPos);
    QString toolTipFor(int run) const;
    void scheduleLineCache();
    void axesReplaced();
    void modelRunsApplied();
    void emitBrushChanged();
    bool imageStale() const { return m_shownGeneration != m_generation; }

    ParallelCoordinatesModel m_model;
    bool m_axesChosen = false; // setAxes() was called: keep them across setRuns()
    bool m_brushReported = false; // whether the last brushChanged() had a brush
    QPointer<QThreadPool> m_pool;
    Layout m_layout;
    QImage m_cache; // the last line image that was current when it arrived
    quint64 m_generation = 1; // bumped by every change the line image shows
    quint64 m_shownGeneration = 0; // the generation m_cache was drawn for
    bool m_jobRunning = false; // at most one job at a time; later changes wait and coalesce
    QTimer m_jobTimer; // zero-delay: changes made in one event-loop pass start one job
    QFutureWatcher<RenderedLines> m_jobWatcher;
    QImage m_axesLayer; // drawn on this thread (fonts), reused by jobs until the layout changes
    bool m_axesLayerDirty = true;
    std::shared_ptr<const PixelRows> m_pixelY = std::make_shared<const PixelRows>();
    int m_hovered = -1;
    QString m_hoveredId; // follows the hovered run across new runs
    ParallelAxisSpec m_dragSpec; // follows the dragged axis across new runs
    Drag m_drag = Drag::None;
    int m_dragAxis = -1;
    QPointF m_pressPos;
    QPointF m_dragPos;
    bool m_dragMoved = false;
};

} // namespace runlens
