// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QString>

class QGraphicsView;

namespace runlens {

class MetricChartView;

/**
 * Saves a chart as an image (PNG, SVG) or its data as CSV. Files are written atomically (QSaveFile):
 * an existing file is replaced only once the new one is complete, so a failed export never leaves a
 * half-written file behind. Errors say what failed and where.
 */
class ChartExport
{
public:
    /** A raster image of what the view shows, at `scale` times its size (2 = sharp on HiDPI screens). */
    static bool savePng(QGraphicsView* view, const QString& path, QString* error = nullptr, qreal scale = 2.0);
    /** The view drawn as vector graphics. */
    static bool saveSvg(QGraphicsView* view, const QString& path, QString* error = nullptr);
    /** Every loaded point of the chart's lines at full resolution (MetricChartView::writeCsv). */
    static bool saveCsv(const MetricChartView& chart, const QString& path, QString* error = nullptr);

    /** A CSV field (RFC 4180): quoted when it holds a comma, quote or line break; UTF-8. */
    static QByteArray csvField(const QString& text);
};

} // namespace runlens
