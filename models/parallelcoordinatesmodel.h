// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "snapshots.h"

#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

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
 * are not dropped: they sit in the axis's missing lane.
 */
class ParallelCoordinatesModel
{
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
        int missingCount = 0;
        std::optional<AxisBrush> brush;
    };

    struct Tick
    {
        double position = 0.0; // 0..1 bottom to top, flip applied
        QString label;
    };

    static constexpr float kMissingLane = -1.0f;

    void setRuns(RunListSnapshot runs);
    RunListSnapshot runs() const { return m_runs; }
    int runCount() const;
    QString runId(int run) const;
    QString runName(int run) const;

    /** Shows these axes in this order; an axis that stays keeps its scale, flip and brush. */
    void setAxes(const QList<ParallelAxisSpec>& axes);
    QList<ParallelAxisSpec> axes() const;
    int axisCount() const { return static_cast<int>(m_axes.size()); }
    const Axis& axis(int index) const { return m_axes.at(static_cast<std::size_t>(index)); }
    /** The index of the axis showing `spec`, or -1. */
    int indexOf(const ParallelAxisSpec& spec) const;

    /** Every param key, then every metric key, found in the runs (sorted by key). */
    static QList<ParallelAxisSpec> availableAxes(const RunList& runs);
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

private:
    Axis buildAxis(const ParallelAxisSpec& spec) const;
    void placeValues(Axis& axis) const;
    void updatePasses();
    void updateColors();

    RunListSnapshot m_runs;
    std::vector<Axis> m_axes;
    std::vector<char> m_passes; // empty when nothing is brushed
    QString m_colorMetric;
    std::vector<float> m_colorValues;
    double m_colorMin = 0.0;
    double m_colorMax = 0.0;
};

} // namespace runlens
