// SPDX-License-Identifier: Apache-2.0
// MetricChartView's interaction: the hover read-out, zooming and panning with mouse and wheel, the
// context menu and the CSV export.
#include "metricchartview.h"

#include "chartexport.h"
#include "metricchartviewparts.h"
#include "text/numberformat.h"

#include <QContextMenuEvent>
#include <QFileDialog>
#include <QGraphicsLineItem>
#include <QGraphicsRectItem>
#include <QGraphicsTextItem>
#include <QIODevice>
#include <QMenu>
#include <QMessageBox>
#include <QMouseEvent>
#include <QRubberBand>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>
#include <limits>

namespace runlens {

using metricchart::valueText;

namespace {

constexpr int kMinRubberBand = 4; // pixels; a smaller drag is a click

} // namespace

void MetricChartView::hoverAt(const QPointF& pos)
{
    const QRectF plot = plotAreaInView();
    if (!plot.contains(pos)) {
        clearHover();
        return;
    }
    // Snap to the data x nearest to the pointer over all visible lines, then read every line there
    // from its full-resolution series.
    const double at = pixelToX(pos.x());
    std::optional<double> snap;
    for (const Line& line : m_lines) {
        if (m_hidden.contains(line.id))
            continue;
        if (const auto i = line.raw.nearest(at)) {
            const double x = line.raw.x(*i);
            if (!snap || std::abs(xToPixel(x) - pos.x()) < std::abs(xToPixel(*snap) - pos.x()))
                snap = x;
        }
    }
    if (!snap || (m_settings.logX && !(*snap > 0))) {
        clearHover();
        return;
    }
    QString html = QStringLiteral("<b>%1</b>").arg(formatX(*snap).toHtmlEscaped());
    QString plain = formatX(*snap);
    for (const Line& line : m_lines) {
        if (m_hidden.contains(line.id))
            continue;
        const auto i = line.raw.nearest(*snap);
        if (!i)
            continue;
        QString value = valueText(line.raw.y(*i));
        if (!line.smoothed.empty())
            value += tr(" (smoothed %1)").arg(valueText(line.smoothed.y(*i)));
        if (line.grouped)
            value += QStringLiteral(" [%1, %2]").arg(valueText(line.lower.y(*i)), valueText(line.upper.y(*i)));
        if (line.raw.x(*i) != *snap)
            value += QStringLiteral(" @ ") + formatX(line.raw.x(*i));
        html += QStringLiteral("<br><span style=\"color:%1\">&#9679;</span> %2: %3")
                    .arg(line.colour.name(), line.label.toHtmlEscaped(), value.toHtmlEscaped());
        plain += QLatin1Char('\n') + line.label + QStringLiteral(": ") + value;
    }
    m_hoverText = plain;
    m_hoverPos = pos;

    const double px = xToPixel(*snap);
    const QPointF top = mapToScene(QPoint(int(std::lround(px)), int(plot.top())));
    const QPointF bottom = mapToScene(QPoint(int(std::lround(px)), int(plot.bottom())));
    m_hoverLine->setLine(QLineF(chart()->mapFromScene(top), chart()->mapFromScene(bottom)));
    m_hoverLine->show();

    m_hoverLabel->setHtml(html);
    const QRectF text = m_hoverLabel->boundingRect();
    m_hoverBox->setRect(text);
    QPointF place = pos + QPointF(14, 14);
    if (place.x() + text.width() > plot.right())
        place.setX(pos.x() - 14 - text.width());
    if (place.y() + text.height() > plot.bottom())
        place.setY(std::max(plot.top(), plot.bottom() - text.height()));
    m_hoverBox->setPos(chart()->mapFromScene(mapToScene(place.toPoint())));
    m_hoverBox->show();
}

void MetricChartView::clearHover()
{
    m_hoverText.clear();
    if (m_hoverLine)
        m_hoverLine->hide();
    if (m_hoverBox)
        m_hoverBox->hide();
}

void MetricChartView::resizeEvent(QResizeEvent* event)
{
    QChartView::resizeEvent(event);
    scheduleRedraw(); // the number of pixel columns changed
}

void MetricChartView::mousePressEvent(QMouseEvent* event)
{
    const QPointF pos = event->position();
    const bool inPlot = plotAreaInView().contains(pos);
    if (inPlot
        && (event->button() == Qt::MiddleButton
            || (event->button() == Qt::LeftButton && (event->modifiers() & Qt::ShiftModifier)))) {
        m_panning = true;
        m_panLast = pos;
        viewport()->setCursor(Qt::ClosedHandCursor);
        event->accept();
        return;
    }
    if (inPlot && event->button() == Qt::LeftButton) {
        if (!m_rubberBand)
            m_rubberBand = new QRubberBand(QRubberBand::Rectangle, viewport());
        m_rubberOrigin = pos.toPoint();
        m_rubberBand->setGeometry(QRect(m_rubberOrigin, QSize()));
        m_rubberBand->show();
        event->accept();
        return;
    }
    if (event->button() == Qt::RightButton) {
        event->accept(); // the context menu, not QChartView's zoom-out
        return;
    }
    QChartView::mousePressEvent(event); // legend clicks go to the scene
}

void MetricChartView::mouseMoveEvent(QMouseEvent* event)
{
    const QPointF pos = event->position();
    if (m_panning) {
        const QRectF plot = plotAreaInView();
        const double dx = pos.x() - m_panLast.x();
        const double dy = pos.y() - m_panLast.y();
        m_panLast = pos;
        m_xAuto = false;
        applyXRange(pixelToX(plot.left() - dx), pixelToX(plot.right() - dx));
        if (!m_yAuto) // an automatic y-range keeps following the data instead
            applyYRange(pixelToY(plot.bottom() - dy), pixelToY(plot.top() - dy));
        clearHover();
        scheduleRedraw();
        event->accept();
        return;
    }
    if (m_rubberBand && m_rubberBand->isVisible()) {
        const QRect plot = plotAreaInView().toRect();
        QPoint to = pos.toPoint();
        to.setX(std::clamp(to.x(), plot.left(), plot.right()));
        to.setY(std::clamp(to.y(), plot.top(), plot.bottom()));
        m_rubberBand->setGeometry(QRect(m_rubberOrigin, to).normalized());
        event->accept();
        return;
    }
    QChartView::mouseMoveEvent(event);
    hoverAt(pos);
}

void MetricChartView::mouseReleaseEvent(QMouseEvent* event)
{
    if (m_panning && (event->button() == Qt::MiddleButton || event->button() == Qt::LeftButton)) {
        m_panning = false;
        viewport()->unsetCursor();
        event->accept();
        return;
    }
    if (m_rubberBand && m_rubberBand->isVisible() && event->button() == Qt::LeftButton) {
        m_rubberBand->hide();
        const QRect r = m_rubberBand->geometry();
        if (r.width() >= kMinRubberBand) {
            const double xLo = pixelToX(r.left());
            const double xHi = pixelToX(r.right());
            m_xAuto = false;
            applyXRange(xLo, xHi);
            // A flat band zooms x only and lets y follow the data; a box also fixes y.
            if (r.height() >= kMinRubberBand) {
                m_yAuto = false;
                applyYRange(pixelToY(r.bottom()), pixelToY(r.top()));
            }
            clearHover();
            scheduleRedraw();
        }
        event->accept();
        return;
    }
    if (event->button() == Qt::RightButton) {
        event->accept();
        return;
    }
    QChartView::mouseReleaseEvent(event);
}

void MetricChartView::mouseDoubleClickEvent(QMouseEvent* event)
{
    if (event->button() == Qt::LeftButton && plotAreaInView().contains(event->position())) {
        resetZoom();
        event->accept();
        return;
    }
    QChartView::mouseDoubleClickEvent(event);
}

void MetricChartView::wheelEvent(QWheelEvent* event)
{
    const QPointF pos = event->position();
    const QRectF plot = plotAreaInView();
    if (!plot.contains(pos) || event->angleDelta().y() == 0) {
        event->ignore(); // let a surrounding scroll area scroll
        return;
    }
    const double factor = std::pow(0.8, event->angleDelta().y() / 120.0); // < 1 zooms in
    const auto zoomed = [factor](double lo, double hi, double at, bool log) {
        if (log) {
            const double l = std::log10(lo), h = std::log10(hi), c = std::log10(at);
            return std::make_pair(std::pow(10.0, c - (c - l) * factor), std::pow(10.0, c + (h - c) * factor));
        }
        return std::make_pair(at - (at - lo) * factor, at + (hi - at) * factor);
    };
    if (event->modifiers() & Qt::ControlModifier) {
        const auto [lo, hi] = zoomed(m_yRange.first, m_yRange.second, pixelToY(pos.y()), m_settings.logY);
        if (hi - lo > std::abs(hi) * 1e-12) {
            m_yAuto = false;
            applyYRange(lo, hi);
        }
    } else {
        const auto [lo, hi] = zoomed(m_xRange.first, m_xRange.second, pixelToX(pos.x()), m_settings.logX);
        if (hi - lo > std::abs(hi) * 1e-12) { // stop before the range collapses into rounding
            m_xAuto = false;
            applyXRange(lo, hi);
        }
    }
    clearHover();
    scheduleRedraw();
    event->accept();
}

void MetricChartView::leaveEvent(QEvent* event)
{
    clearHover();
    QChartView::leaveEvent(event);
}

void MetricChartView::contextMenuEvent(QContextMenuEvent* event)
{
    QMenu menu(this);
    menu.addAction(tr("Reset zoom"), this, &MetricChartView::resetZoom);
    menu.addSeparator();
    const QString base = m_keys.isEmpty() ? QStringLiteral("chart") : m_keys.join(QLatin1Char('_'));
    const auto exportTo
        = [this, base](const QString& title, const QString& suffix, const QString& filter, auto&& write) {
              QString name = base;
              name.replace(QLatin1Char('/'), QLatin1Char('_'));
              const QString path = QFileDialog::getSaveFileName(this, title, name + suffix, filter);
              if (path.isEmpty())
                  return;
              QString error;
              if (!write(path, &error))
                  QMessageBox::warning(this, title, error);
          };
    menu.addAction(tr("Export PNG…"), this, [this, exportTo] {
        exportTo(tr("Export chart as PNG"), QStringLiteral(".png"), tr("PNG images (*.png)"),
            [this](const QString& path, QString* error) { return ChartExport::savePng(this, path, error); });
    });
    menu.addAction(tr("Export SVG…"), this, [this, exportTo] {
        exportTo(tr("Export chart as SVG"), QStringLiteral(".svg"), tr("SVG images (*.svg)"),
            [this](const QString& path, QString* error) { return ChartExport::saveSvg(this, path, error); });
    });
    menu.addAction(tr("Export data as CSV…"), this, [this, exportTo] {
        exportTo(tr("Export chart data as CSV"), QStringLiteral(".csv"), tr("CSV files (*.csv)"),
            [this](const QString& path, QString* error) { return ChartExport::saveCsv(*this, path, error); });
    });
    menu.exec(event->globalPos());
}

bool MetricChartView::writeCsv(QIODevice& out, QString* error) const
{
    QByteArray buffer;
    const auto flush = [&]() {
        if (out.write(buffer) != buffer.size()) {
            if (error)
                *error = tr("Could not write the CSV data: %1").arg(out.errorString());
            return false;
        }
        buffer.clear();
        return true;
    };
    const auto number = [](double v) { return QByteArray::fromStdString(formatDouble(v)); };
    buffer += "run_id,run_name,metric,step,timestamp,value,x,smoothed\n";
    for (const Line& line : m_lines) {
        for (const auto& member : line.members) {
            const auto& history = *member->history;
            const auto& aligned = member->aligned;
            const QByteArray prefix = ChartExport::csvField(member->runId) + ','
                + ChartExport::csvField(member->runName) + ',' + ChartExport::csvField(member->key) + ',';
            // A grouped line smooths the mean, not its members, so they have no smoothed value.
            const bool smoothed = !line.smoothed.empty() && !line.grouped;
            std::vector<bool> written(history.size(), false);
            const auto row = [&](std::size_t source, const QByteArray& x, const QByteArray& smooth) {
                const MetricPoint& p = history[source];
                buffer += prefix;
                buffer += QByteArray::number(qint64(p.step)) + ',' + QByteArray::number(qint64(p.timestamp)) + ','
                    + number(p.value) + ',' + x + ',' + smooth + '\n';
                written[source] = true;
            };
            for (std::size_t i = 0; i < aligned.series.size(); ++i) {
                row(aligned.source[i], number(aligned.series.x(i)),
                    smoothed ? number(line.smoothed.y(i)) : QByteArray());
                if (buffer.size() > (1 << 20) && !flush())
                    return false;
            }
            // Points with no place on this x axis are still data: written with an empty x.
            for (std::size_t i = 0; i < history.size(); ++i) {
                if (!written[i])
                    row(i, QByteArray(), QByteArray());
            }
        }
    }
    return flush();
}

} // namespace runlens
