// SPDX-License-Identifier: Apache-2.0
#include "logaxislabels.h"

#include <QCategoryAxis>
#include <QChart>
#include <QLogValueAxis>

#include <cmath>

namespace runlens {

namespace {

// The smallest step of 1, 2 or 5 times a power of ten that is at least span / parts (at most 2.5 times it).
double niceStep(double span, int parts)
{
    const double raw = span / parts;
    const double power = std::pow(10.0, std::floor(std::log10(raw)));
    for (const double m : {1.0, 2.0, 5.0}) {
        if (m * power >= raw * (1 - 1e-9))
            return m * power;
    }
    return 10.0 * power;
}

} // namespace

LogAxisLabels::LogAxisLabels(QLogValueAxis* axis, QChart* chart, Qt::Alignment alignment, QObject* parent)
    : QObject(parent)
    , m_labels(new QCategoryAxis)
{
    m_labels->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    m_labels->setGridLineVisible(false); // the log axis draws the grid, minor lines included
    m_labels->setLineVisible(false);
    m_labels->setTitleText(axis->titleText());
    axis->setTitleText({});
    axis->setLabelsVisible(false);
    chart->addAxis(m_labels, alignment);
    connect(axis, &QLogValueAxis::rangeChanged, this, &LogAxisLabels::update);
    update(axis->min(), axis->max());
}

QList<double> LogAxisLabels::ticks(double lo, double hi)
{
    QList<double> out;
    if (!(lo > 0) || !(hi > lo) || !std::isfinite(hi))
        return out;
    const double decades = std::log10(hi / lo);
    const int first = static_cast<int>(std::floor(std::log10(lo)));
    const int last = static_cast<int>(std::ceil(std::log10(hi)));
    // Wide ranges: a label every decade (or every few); narrower ones fill each decade in.
    const QList<double> mantissas = decades >= 3 ? QList<double> {1}
        : decades >= 1                           ? QList<double> {1, 2, 5}
                                                 : QList<double> {1, 2, 3, 4, 5, 6, 7, 8, 9};
    const int every = decades > 8 ? static_cast<int>(std::ceil(decades / 8)) : 1;
    const double slack = 1e-9 * (hi - lo);
    for (int k = first; k <= last; ++k) {
        if ((k - first) % every != 0)
            continue;
        for (const double m : mantissas) {
            // Divided for negative powers, so 3 × 10⁻¹ is 0.3 and not 0.30000000000000004.
            const double v = k < 0 ? m / std::pow(10.0, -k) : m * std::pow(10.0, k);
            if (v >= lo - slack && v <= hi + slack)
                out.append(v);
        }
    }
    if (out.size() >= 3)
        return out;
    // A sliver of a decade (0.31 to 0.39): evenly spaced values, which on so short a stretch of a
    // log axis sit almost evenly too.
    out.clear();
    const double step = niceStep(hi - lo, 8); // 3.2 to 8 steps in the range: three values at least
    for (double v = std::ceil(lo / step - 1e-9) * step; v <= hi + slack; v += step)
        out.append(std::abs(v) < step * 1e-9 ? 0.0 : v);
    return out;
}

QStringList LogAxisLabels::labels() const
{
    return m_labels->categoriesLabels();
}

void LogAxisLabels::update(double lo, double hi)
{
    for (const QString& label : m_labels->categoriesLabels())
        m_labels->remove(label);
    if (!(lo > 0) || !(hi > lo))
        return;
    m_labels->setStartValue(std::log10(lo));
    m_labels->setRange(std::log10(lo), std::log10(hi));
    for (const double v : ticks(lo, hi))
        m_labels->append(QString::number(v, 'g', 6), std::log10(v));
}

} // namespace runlens
