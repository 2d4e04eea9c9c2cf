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

bool ChartExport::writeAtomically(const QString& path, const Writer& write, QString* error)
{
    QSaveFile file(path);
    QString reason;
    bool ok = file.open(QIODevice::WriteOnly);
    if (ok && !write(file, &reason)) {
        file.cancelWriting();
        ok = false;
    }
    ok = ok && file.commit();
    if (!ok && error)
        *error = QStringLiteral("Cannot write %1: %2").arg(path, reason.isEmpty() ? file.errorString() : reason);
    return ok;
}

bool ChartExport::writeAtomically(const QString& path, const QByteArray& bytes, QString* error)
{
    // QSaveFile remembers a short write and then refuses to commit, so the write's result need not be checked.
    return writeAtomically(
        path, [&bytes](QIODevice& out, QString*) { return out.write(bytes) == bytes.size(); }, error);
}

bool ChartExport::savePngImage(const QImage& image, const QString& path, QString* error)
{
    return writeAtomically(
        path,
        [&image](QIODevice& out, QString* reason) {
            if (image.save(&out, "PNG"))
                return true;
            *reason = QStringLiteral("cannot encode the PNG image");
            return false;
        },
        error);
}

bool ChartExport::saveSvgDrawing(
    const QString& path, QSize size, const QString& title, const std::function<void(QPainter&)>& paint, QString* error)
{
    return writeAtomically(
        path,
        [&](QIODevice& out, QString* reason) {
            QSvgGenerator generator;
            generator.setOutputDevice(&out);
            generator.setSize(size);
            generator.setViewBox(QRect(QPoint(0, 0), size));
            generator.setResolution(96); // CSS pixels: browsers then show it at the size it had on screen
            generator.setTitle(title);
            generator.setDescription(QStringLiteral("Exported by Runlens"));
            QPainter painter;
            if (!painter.begin(&generator)) {
                *reason = QStringLiteral("cannot start the SVG drawing");
                return false;
            }
            paint(painter);
            return painter.end();
        },
        error);
}

bool ChartExport::saveSvg(QGraphicsView* view, const QString& path, QString* error)
{
    hideHover(view);
    const QSize size = view->viewport()->size();
    return saveSvgDrawing(
        path, size, view->windowTitle().isEmpty() ? QStringLiteral("Runlens chart") : view->windowTitle(),
        [view, size](QPainter& painter) {
            painter.fillRect(QRect(QPoint(0, 0), size), Qt::white);
            view->render(&painter, QRectF(QPointF(0, 0), size), view->viewport()->rect());
        },
        error);
}

bool ChartExport::saveCsv(const MetricChartView& chart, const QString& path, QString* error)
{
    return writeAtomically(
        path, [&chart](QIODevice& out, QString* reason) { return chart.writeCsv(out, reason); }, error);
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
