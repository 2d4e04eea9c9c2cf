// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QList>
#include <QObject>
#include <QStringList>

class QCategoryAxis;
class QChart;
class QLogValueAxis;

namespace runlens {

/**
 * The labels of a log axis. QLogValueAxis labels only powers of its base, so a range inside one
 * decade (a loss from 0.3 to 0.9) shows no number at all. This puts a label axis beside it, over the
 * same range in log space, labelled at 1-2-5 or 1…9 steps of each decade as the range allows, and
 * keeps it in step with every zoom and pan. The log axis keeps its major and minor grid lines.
 */
class LogAxisLabels final : public QObject
{
    Q_OBJECT
public:
    /** Adds the label axis to `chart` on the log axis's side; both stay owned by the chart. */
    LogAxisLabels(QLogValueAxis* axis, QChart* chart, Qt::Alignment alignment, QObject* parent = nullptr);

    /** The values labelled for [lo, hi] (lo > 0), ascending: at least three whenever lo < hi. */
    static QList<double> ticks(double lo, double hi);
    /** The labels now shown, bottom to top (or left to right). */
    QStringList labels() const;
    QCategoryAxis* labelAxis() const { return m_labels; }

private:
    void update(double lo, double hi);

    QCategoryAxis* m_labels;
};

} // namespace runlens
