// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "snapshots.h"

#include <QColor>
#include <QList>
#include <QString>
#include <QStringList>

#include <limits>
#include <vector>

class QIODevice;

namespace runlens {

enum class ScatterFieldKind
{
    Param,
    Metric,
    Attribute,
};

/**
 * One quantity a scatter axis (or the colour) can show: a param, a metric (the run's latest value) or
 * a run attribute. Attribute keys are kStartTime (epoch ms, shown as a date) and kDuration (seconds).
 * An empty key means "none" (for the colour: each run's own colour).
 */
struct ScatterField
{
    ScatterFieldKind kind = ScatterFieldKind::Metric;
    QString key;

    static inline const QString kStartTime = QStringLiteral("start_time");
    static inline const QString kDuration = QStringLiteral("duration");

    bool isValid() const { return !key.isEmpty(); }
    /** Times get date ticks rather than numbers, and no log scale. */
    bool isTime() const { return kind == ScatterFieldKind::Attribute && key == kStartTime; }
    /** What people read on an axis, a legend or a combo box: "val/loss", "lr (param)", "Start time". */
    QString label() const;
    /** A stable text form for settings: "metric:val/loss", "param:lr", "attribute:duration". */
    QString toString() const;
    static ScatterField fromString(const QString& text);

    friend bool operator==(const ScatterField&, const ScatterField&) = default;
};

/** A plotted run. */
struct ScatterPoint
{
    int runIndex = -1; // into the snapshot's runs
    QString runId;
    QString runName;
    QColor runColour;
    double x = 0.0;
    double y = 0.0;
    // The colour value (a category's index when colouring by a text param); NaN: none, or colouring by run.
    double colour = std::numeric_limits<double>::quiet_NaN();
};

/** Why runs were left off one axis; a run can count under both axes. */
struct ScatterOmissions
{
    int missing = 0; // the run lacks the param, metric or attribute
    int notNumber = 0; // a param whose text is not a number
    int nonFinite = 0; // NaN or ±inf
    int nonPositive = 0; // zero or negative on a log axis

    int total() const { return missing + notNumber + nonFinite + nonPositive; }
};

/**
 * A value range of an axis and how values map onto it (linear or log10), with "nice" tick values
 * (1, 2, 5 × 10^k; decades on log axes; seconds to years on time axes) and their labels.
 */
struct ScatterAxis
{
    double lo = 0.0;
    double hi = 1.0;
    bool log = false;
    bool time = false; // epoch milliseconds

    /** Where a value lies between lo (0) and hi (1). */
    double fraction(double value) const;
    double valueAt(double fraction) const;
    /** Tick values within [lo, hi], at most about maxTicks of them. */
    QList<double> ticks(int maxTicks) const;
    /** A tick's label; `ticks` is the list it belongs to (its spacing decides the digits shown). */
    QString tickLabel(double value, const QList<double>& ticks) const;

    /** The range of `values` with a margin of `pad` (a fraction of the span; log: of the decades). */
    static ScatterAxis around(double min, double max, bool log, bool time, double pad = 0.05);
};

/**
 * The points of a scatter plot of runs: X against Y, coloured by a third field, with the runs that
 * could not be placed counted by reason. Built from an immutable run snapshot; plain data, no widgets.
 */
class ScatterData
{
public:
    /** The fields that can go on an axis: attributes, params whose every value is a number, metrics. */
    static QList<ScatterField> numericFields(const RunList& runs);

    /** The fields the colour can show: the numeric ones and also params with text values (as categories). */
    static QList<ScatterField> colourFields(const RunList& runs);
    /** A param with a text value in any run: it colours by category rather than on a scale. */
    static bool isCategorical(const RunList& runs, const ScatterField& field);

    /** The value of `field` for `run`: false (and `*notNumber` set for non-numeric params) when it has none. */
    static bool valueOf(const Run& run, const ScatterField& field, double& value, bool* notNumber = nullptr);

    static ScatterData build(const RunListSnapshot& runs, const ScatterField& x, const ScatterField& y,
        const ScatterField& colour = {}, bool logX = false, bool logY = false);

    const std::vector<ScatterPoint>& points() const { return m_points; }
    int runCount() const { return m_runCount; }
    /** Runs not plotted (each counted once). */
    int leftOutCount() const { return m_leftOut; }
    const ScatterOmissions& xOmissions() const { return m_xOmissions; }
    const ScatterOmissions& yOmissions() const { return m_yOmissions; }
    /** Plotted runs without a (finite) colour value; drawn grey. */
    int colourMissing() const { return m_colourMissing; }

    ScatterField xField() const { return m_x; }
    ScatterField yField() const { return m_y; }
    ScatterField colourField() const { return m_colour; }
    bool logX() const { return m_logX; }
    bool logY() const { return m_logY; }

    /** Axes fitted to the points, with a small margin. */
    ScatterAxis xAxis() const;
    ScatterAxis yAxis() const;
    /**
     * Colouring by category: a point's colour value is the index of its text in colourCategories()
     * (sorted naturally: numbers by value first, then text).
     */
    bool colourCategorical() const { return m_colourCategorical; }
    const QStringList& colourCategories() const { return m_categories; }
    /** A point's colour value as text: the category, or the number (every digit when `exact`). */
    QString colourText(double value, bool exact = false) const;

    /** The colour values' range (no margin); lo = hi = NaN when no point has one. */
    double colourMin() const { return m_colourMin; }
    double colourMax() const { return m_colourMax; }

    /** "12 runs lack val/loss; 1 has a non-finite lr (param)", empty when every run is plotted. */
    QString leftOutSummary() const;

    /**
     * The plotted points as CSV (RFC 4180, UTF-8, CRLF): run_id, run_name, x, y, colour, with the
     * fields in the header; numbers with every digit (shortest round trip).
     */
    bool writeCsv(QIODevice& out, QString* error = nullptr) const;

    /** A value as the hover and tooltips show it: seven significant digits, times as local dates. */
    static QString formatValue(const ScatterField& field, double value);

private:
    RunListSnapshot m_runs; // keeps the runs the points refer to alive
    std::vector<ScatterPoint> m_points;
    ScatterField m_x;
    ScatterField m_y;
    ScatterField m_colour;
    bool m_logX = false;
    bool m_logY = false;
    int m_runCount = 0;
    int m_leftOut = 0;
    ScatterOmissions m_xOmissions;
    ScatterOmissions m_yOmissions;
    int m_colourMissing = 0;
    bool m_colourCategorical = false;
    QStringList m_categories;
    double m_xMin = 0.0, m_xMax = 0.0, m_yMin = 0.0, m_yMax = 0.0;
    double m_colourMin = std::numeric_limits<double>::quiet_NaN();
    double m_colourMax = std::numeric_limits<double>::quiet_NaN();
};

} // namespace runlens
