// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QString>

class QGraphicsView;
class QImage;
class QSaveFile;

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

    /** `image` as a PNG file, written atomically; shared by every plot's PNG export. */
    static bool savePngImage(const QImage& image, const QString& path, QString* error = nullptr);
    /** Opens `file` for writing; false with "Cannot write <path>: <reason>" in `error`. */
    static bool openForWriting(QSaveFile& file, QString* error);
    /** Commits `file` (the rename that makes it appear); false with the same message as above. */
    static bool commitFile(QSaveFile& file, QString* error);

    /** A CSV field (RFC 4180): quoted when it holds a comma, quote or line break; UTF-8. */
    static QByteArray csvField(const QString& text);
};

} // namespace runlens
