// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QSize>
#include <QString>

#include <functional>

class QGraphicsView;
class QImage;
class QIODevice;
class QPainter;

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

    /** Fills the file at `path`; false with the reason in `reason`. */
    using Writer = std::function<bool(QIODevice& out, QString* reason)>;
    /**
     * The one way every export writes a file: `write` fills it, and it appears (replacing an existing
     * file) only when `write` succeeds and the commit does. false with "Cannot write <path>: <reason>"
     * in `error`. Safe on any thread.
     */
    static bool writeAtomically(const QString& path, const Writer& write, QString* error = nullptr);
    static bool writeAtomically(const QString& path, const QByteArray& bytes, QString* error = nullptr);
    /** `image` as a PNG file, written atomically; shared by every plot's PNG export. */
    static bool savePngImage(const QImage& image, const QString& path, QString* error = nullptr);
    /** An SVG of `size` CSS pixels drawn by `paint`, written atomically; shared by every SVG export. */
    static bool saveSvgDrawing(const QString& path, QSize size, const QString& title,
        const std::function<void(QPainter&)>& paint, QString* error = nullptr);

    /** A CSV field (RFC 4180): quoted when it holds a comma, quote or line break; UTF-8. */
    static QByteArray csvField(const QString& text);
};

} // namespace runlens
