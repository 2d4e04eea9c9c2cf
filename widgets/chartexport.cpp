// SPDX-License-Identifier: Apache-2.0
#include "chartexport.h"

#include "metricchartview.h"

#include <QGraphicsView>
#include <QImage>
#include <QPainter>
#include <QSaveFile>
#include <QSvgGenerator>

namespace runlens {

namespace {

// The hover overlay belongs to the pointer, not to the chart; keep it out of exports.
void hideHover(QGraphicsView* view)
{
    if (auto* chart = qobject_cast<MetricChartView*>(view))
        chart->clearHover();
}

} // namespace

bool ChartExport::savePng(QGraphicsView* view, const QString& path, QString* error, qreal scale)
{
    hideHover(view);
    const QSize size = view->viewport()->size();
    QImage image(size * scale, QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(scale);
    image.fill(Qt::white);
    {
        QPainter painter(&image);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setRenderHint(QPainter::TextAntialiasing);
        view->render(&painter, QRectF(QPointF(0, 0), size), view->viewport()->rect());
    }
    return savePngImage(image, path, error);
}

bool ChartExport::savePngImage(const QImage& image, const QString& path, QString* error)
{
    QSaveFile file(path);
    if (!openForWriting(file, error))
        return false;
    if (!image.save(&file, "PNG")) {
        file.cancelWriting();
        if (error)
            *error = QStringLiteral("Cannot encode the PNG image for %1").arg(path);
        return false;
    }
    return commitFile(file, error);
}

bool ChartExport::openForWriting(QSaveFile& file, QString* error)
{
    if (file.open(QIODevice::WriteOnly))
        return true;
    if (error)
        *error = QStringLiteral("Cannot write %1: %2").arg(file.fileName(), file.errorString());
    return false;
}

bool ChartExport::commitFile(QSaveFile& file, QString* error)
{
    if (file.commit())
        return true;
    if (error)
        *error = QStringLiteral("Cannot write %1: %2").arg(file.fileName(), file.errorString());
    return false;
}

bool ChartExport::saveSvg(QGraphicsView* view, const QString& path, QString* error)
{
    hideHover(view);
    QSaveFile file(path);
    if (!openForWriting(file, error))
        return false;
    const QSize size = view->viewport()->size();
    QSvgGenerator generator;
    generator.setOutputDevice(&file);
    generator.setSize(size);
    generator.setViewBox(QRect(QPoint(0, 0), size));
    generator.setResolution(96); // CSS pixels: browsers then show it at the size it had on screen
    generator.setTitle(view->windowTitle().isEmpty() ? QStringLiteral("Runlens chart") : view->windowTitle());
    generator.setDescription(QStringLiteral("Metric chart exported by Runlens"));
    {
        QPainter painter;
        if (!painter.begin(&generator)) {
            file.cancelWriting();
            if (error)
                *error = QStringLiteral("Cannot start the SVG drawing for %1").arg(path);
            return false;
        }
        painter.fillRect(QRect(QPoint(0, 0), size), Qt::white);
        view->render(&painter, QRectF(QPointF(0, 0), size), view->viewport()->rect());
    }
    return commitFile(file, error);
}

bool ChartExport::saveCsv(const MetricChartView& chart, const QString& path, QString* error)
{
    QSaveFile file(path);
    if (!openForWriting(file, error))
        return false;
    QString writeError;
    if (!chart.writeCsv(file, &writeError)) {
        file.cancelWriting();
        if (error)
            *error = QStringLiteral("%1 (%2)").arg(writeError, path);
        return false;
    }
    return commitFile(file, error);
}

QByteArray ChartExport::csvField(const QString& text)
{
    QByteArray utf8 = text.toUtf8();
    if (!utf8.contains(',') && !utf8.contains('"') && !utf8.contains('\n') && !utf8.contains('\r'))
        return utf8;
    utf8.replace("\"", "\"\"");
    return '"' + utf8 + '"';
}

} // namespace runlens
