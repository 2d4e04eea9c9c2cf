// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "snapshots.h"

#include <QColor>
#include <QFutureWatcher>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QString>
#include <QStringList>

#include <atomic>
#include <memory>
#include <optional>
#include <vector>

class QThreadPool;

namespace runlens {

/** What one parallel-coordinates axis shows: a param or a latest metric, by key. */
struct ParallelAxisSpec
{
    enum class Kind
    {
        Param,
        Metric
    };
    Kind kind = Kind::Param;
    QString key;
    friend bool operator==(const ParallelAxisSpec&, const ParallelAxisSpec&) = default;
};

/** How a numeric axis spreads its values; categorical axes ignore it. */
enum class ParallelAxisScale
{
    Linear,
    Log,
    Quantile
};

/**
 * A brushed range on one axis, in value space so it reads the same whatever the scale or flip:
 * numeric axes keep runs with low <= value <= high, categorical axes runs whose category index is in
 * [low, high]. `missing` also keeps the runs drawn in the axis's "missing" lane.
 */
struct AxisBrush
{
    double low = 0.0;
    double high = 0.0;
    bool missing = false;
};

/**
 * The data behind a parallel-coordinates plot, without any drawing: for every run and axis, where the
 * run's value sits on the axis (0 = bottom, 1 = top, or the missing lane), each axis's scale, flip and
 * brush, and which runs pass every brush. Kept apart from the widget so the numbers can be tested.
 *
 * Runs without a value, with a non-finite one (NaN, ±inf), or with a non-positive one on a log axis
 * are not dropped: they sit in the axis's lane below it, whose label says which kinds it holds.
 *
 * New runs are placed on a worker thread: setRuns() returns at once, build() turns an immutable
 * input (the runs snapshot, the axes, their scales, the colour metric) into a result on a thread
 * pool, and the result is swapped in on this object's thread, which then emits runsApplied(). Until
 * then every accessor describes the previous runs, so a view keeps drawing them. A result that a
 * newer setRuns() has made stale is dropped; requests made while a build runs coalesce into one
 * next build of the newest runs. The swap keeps each axis that still exists with its flip, scale and
 * (numeric) brush, and the order of the axes. setRunsNow() does the same on the calling thread.
 */
class ParallelCoordinatesModel final : public QObject
{
    Q_OBJECT
public:
    struct Axis
    {
        ParallelAxisSpec spec;
        bool categorical = false; // a param with some value that is not a number
        ParallelAxisScale scale = ParallelAxisScale::Linear;
        bool flipped = false;
        QStringList categories; // categorical: every distinct value, in natural order
        double min = 0.0; // numeric: the range of the values placed on the axis
        double max = 0.0;
        std::vector<double> values; // per run: the number or category index; NaN when absent
        std::vector<float> positions; // per run: 0..1 bottom to top, unflipped; kMissingLane in the lane
        std::vector<double> placedSorted; // numeric: the placed values, ascending (quantiles, ticks)
        int missingCount = 0; // runs in the lane, which are these:
        int absentCount = 0; // no value at all
        int nanCount = 0;
        int plusInfinityCount = 0;
        int minusInfinityCount = 0;
        int nonPositiveCount = 0; // log scale: zero and negative values
        std::optional<AxisBrush> brush;
    };

    struct Tick
    {
        double position = 0.0; // 0..1 bottom to top, flip applied
        QString label;
    };

    static constexpr float kMissingLane = -1.0f;

    /** Which axes new runs get: the ones shown now, or defaultAxes() of the new runs. */
    enum class AxisChoice
    {
        Keep,
        Default
    };

    /** What a build reads, copied when it starts: the GUI may change anything while it runs. */
    struct BuildInput
    {
        RunListSnapshot runs;
        AxisChoice axisChoice = AxisChoice::Keep;
        QList<ParallelAxisSpec> axes; // Keep: the axes to build, in order
        std::vector<ParallelAxisScale> scales; // per entry of `axes`
        QString colorMetric;
        quint64 generation = 0;
        // Set once a newer request made this build stale: it stops early, its result is dropped.
        std::shared_ptr<const std::atomic<bool>> cancelled;
    };

    /** What a build produces: handed whole to the GUI thread, never touched by the worker again. */
    struct BuildResult
    {
        RunListSnapshot runs;
        AxisChoice axisChoice = AxisChoice::Keep;
        std::vector<Axis> axes; // placed; no brush, not flipped
        QList<ParallelAxisSpec> availableAxes;
        std::vector<QRgb> runColors; // runColor() of each run
        QString colorMetric;
        std::vector<float> colorValues;
        double colorMin = 0.0;
        double colorMax = 0.0;
        quint64 generation = 0;
    };

    explicit ParallelCoordinatesModel(QObject* parent = nullptr);
    ~ParallelCoordinatesModel() override;

    /**
     * Places new runs on a worker and returns at once; runsApplied() follows when they are shown.
     * `axes`: keep the axes shown now, or show the default axes of the new runs.
     */
    void setRuns(RunListSnapshot runs, AxisChoice axes = AxisChoice::Keep);
    /** The same as setRuns(), on the calling thread; a build still running becomes stale. */
    void setRunsNow(RunListSnapshot runs, AxisChoice axes = AxisChoice::Keep);
    /** Places the newest runs again, on their default axes (asynchronously, as setRuns()). */
    void showDefaultAxes();
    /** Whether runs passed to setRuns() are still being placed. */
    bool runsPending() const { return m_building || m_pending.has_value(); }
    /** The pool builds run on (the global one by default). */
    void setThreadPool(QThreadPool* pool);

    /** The input of a build of `runs` against the current axes, scales and colour metric. */
    BuildInput buildInput(RunListSnapshot runs, AxisChoice axes) const;
    /** Pure: reads nothing but `input` (and its cancel flag), so it runs on any thread. */
    static BuildResult build(const BuildInput& input);
    /**
     * Swaps a build's result in: the axes follow the result (AxisChoice::Default, in the order shown
     * now where they were shown) or stay the ones shown now, and keep their flip, scale and brush.
     */
    void apply(BuildResult result);

    RunListSnapshot runs() const { return m_runs; }
    int runCount() const;
    QString runId(int run) const;
    QString runName(int run) const;
    /** runColor() of a run, computed with the build. */
    QRgb runRgb(int run) const { return m_runColors[static_cast<std::size_t>(run)]; }
    /** The index of the run with this id, or -1. */
    int indexOfRun(const QString& runId) const;

    /**
     * The runs drawn in colour, over the others in grey: the selection, as every panel follows it.
     * Empty: every run. Also reads the run colours again, since a selection may move a colour.
     */
    void setHighlightedRuns(const QSet<QString>& runIds);
    bool highlighted(int run) const
    {
        return m_highlighted.empty() || m_highlighted[static_cast<std::size_t>(run)] != 0;
    }
    /** Runs of the listing drawn in colour: the highlighted ones shown, or every run. */
    int highlightedCount() const { return m_highlighted.empty() ? runCount() : m_highlightedCount; }

    /** Shows these axes in this order; an axis that stays keeps its scale, flip and brush. */
    void setAxes(const QList<ParallelAxisSpec>& axes);
    QList<ParallelAxisSpec> axes() const;
    int axisCount() const { return static_cast<int>(m_axes.size()); }
    const Axis& axis(int index) const { return m_axes.at(static_cast<std::size_t>(index)); }
    /**
     * What the axis's lane holds, for its label: "missing (3)" when the runs simply lack a value, else
     * each kind with its count ("+∞ 1 · NaN 2 · missing 3"), so no infinity reads as a missing value.
     * Empty when the lane is empty.
     */
    QString laneLabel(int index) const;
    /** The index of the axis showing `spec`, or -1. */
    int indexOf(const ParallelAxisSpec& spec) const;

    /** Every param key, then every metric key, found in the runs (sorted by key). */
    static QList<ParallelAxisSpec> availableAxes(const RunList& runs);
    /** availableAxes() of the runs shown, computed with the build. */
    QList<ParallelAxisSpec> availableAxes() const { return m_availableAxes; }
    /**
     * The axes shown by default: each param and metric whose value is not the same in every run (a
     * missing value counts as a value, as in the table's "only columns that differ"), except text
     * params with more than kMaxDefaultCategories values (ids, paths): every value of an axis is
     * labelled in full, so such an axis would need thousands of labels. It can still be chosen.
     */
    static QList<ParallelAxisSpec> defaultAxes(const RunList& runs);
    static bool varies(const RunList& runs, const ParallelAxisSpec& spec);
    static bool tooManyCategories(const RunList& runs, const ParallelAxisSpec& spec);
    static constexpr int kMaxDefaultCategories = 100;

    void setScale(int axis, ParallelAxisScale scale);
    void setFlipped(int axis, bool flipped);
    void moveAxis(int from, int to);

    /** Where a run sits on an axis with the flip applied (0 bottom, 1 top), or kMissingLane. */
    float position(int axis, int run) const;
    /** Where a value (number or category index) is drawn on an axis, flip applied. */
    double positionOf(int axis, double value) const;
    /**
     * The span an axis's brush covers on screen, as display positions (low <= high), or nullopt when
     * it keeps no value on the axis (only the missing lane, or nothing).
     */
    std::optional<std::pair<double, double>> brushExtent(int axis) const;
    /** The value drawn at display position `position` (flip applied) of a numeric axis. */
    double valueAt(int axis, double position) const;
    /** Labels along an axis: every category, or a few round numbers (powers of ten on log axes). */
    QList<Tick> ticks(int axis) const;
    /** The run's value on an axis as a person reads it ("missing" when absent). */
    QString displayValue(int axis, int run) const;

    /**
     * Brushes the part of an axis between two display positions (flip applied, 0 bottom, 1 top);
     * `includeMissing` when the drag reached into the missing lane. Positions below 0 lie below the
     * values: a drag wholly below them keeps only the missing lane. Categorical axes keep every
     * category whose band the range touches.
     */
    void brushPositions(int axis, double from, double to, bool includeMissing);
    void setBrush(int axis, std::optional<AxisBrush> brush);
    void clearBrushes();
    bool hasBrush() const;
    /** Whether the run passes every brush (true when there is none). */
    bool passes(int run) const { return m_passes.empty() || m_passes[static_cast<std::size_t>(run)] != 0; }
    /** Whether a value of this axis (number or category index, NaN for missing) is inside its brush. */
    bool brushKeeps(int axis, int run) const;
    /** The ids of the runs that pass every brush, or nullopt when nothing is brushed. */
    std::optional<QSet<QString>> brushedRunIds() const;
    int passingCount() const;

    /** Colours lines by a metric (empty: by run colour). */
    void setColorMetric(const QString& key);
    QString colorMetric() const { return m_colorMetric; }
    /** 0..1 along the colour scale, or -1 when the run lacks a finite value of the colour metric. */
    float colorValue(int run) const;
    double colorMin() const { return m_colorMin; }
    double colorMax() const { return m_colorMax; }

Q_SIGNALS:
    /** Runs passed to setRuns() (or setRunsNow()) are now the ones every accessor describes. */
    void runsApplied();

private:
    struct Colors
    {
        std::vector<float> values;
        double min = 0.0;
        double max = 0.0;
    };
    static Axis buildAxis(const RunList* runs, const ParallelAxisSpec& spec);
    static void placeValues(Axis& axis);
    static Colors computeColors(const RunList* runs, const QString& metric);
    void startBuild();
    void buildFinished();
    void supersedeBuild();
    void updatePasses();
    void updateColors();
    void updateHighlighted();

    RunListSnapshot m_runs;
    std::vector<QRgb> m_runColors;
    QList<ParallelAxisSpec> m_availableAxes;
    std::vector<Axis> m_axes;
    std::vector<char> m_passes; // empty when nothing is brushed
    QSet<QString> m_highlightedIds;
    std::vector<char> m_highlighted; // empty when every run is drawn in colour
    int m_highlightedCount = 0;
    QString m_colorMetric;
    std::vector<float> m_colorValues;
    double m_colorMin = 0.0;
    double m_colorMax = 0.0;

    struct Request
    {
        RunListSnapshot runs;
        AxisChoice axes = AxisChoice::Keep;
    };
    quint64 m_generation = 0; // of the newest request; a result of another one is stale
    bool m_building = false; // at most one build at a time
    std::optional<Request> m_pending; // the newest request, waiting for the running build
    Request m_running; // what the running build places (to rebuild it when its axes change)
    std::shared_ptr<std::atomic<bool>> m_cancelRunning; // tells the running build it is stale
    QPointer<QThreadPool> m_pool;
    QFutureWatcher<BuildResult> m_watcher;
};

} // namespace runlens
