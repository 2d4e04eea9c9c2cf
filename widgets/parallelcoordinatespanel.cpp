// SPDX-License-Identifier: Apache-2.0
#include "parallelcoordinatespanel.h"

#include "chartexport.h"
#include "parallelcoordinatesmodel.h"
#include "parallelcoordinatesview.h"
#include "text/numberformat.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QImage>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QScrollArea>
#include <QToolButton>
#include <QVBoxLayout>

namespace runlens {

namespace {

QString axisLabel(const ParallelAxisSpec& axis)
{
    return axis.kind == ParallelAxisSpec::Kind::Param ? ParallelCoordinatesPanel::tr("%1 (param)").arg(axis.key)
                                                      : ParallelCoordinatesPanel::tr("%1 (metric)").arg(axis.key);
}

QToolButton* menuButton(const QString& text, QWidget* parent)
{
    auto* button = new QToolButton(parent);
    button->setText(text);
    button->setPopupMode(QToolButton::InstantPopup);
    button->setMenu(new QMenu(button));
    return button;
}

} // namespace

ParallelCoordinatesPanel::ParallelCoordinatesPanel(QWidget* parent)
    : QWidget(parent)
    , m_view(new ParallelCoordinatesView(this))
    , m_scroll(new QScrollArea(this))
    , m_axesButton(menuButton(tr("Axes"), this))
    , m_colourButton(menuButton(tr("Colour"), this))
    , m_clearButton(new QToolButton(this))
    , m_status(new QLabel(this))
{
    m_axesButton->setObjectName(QStringLiteral("axesButton"));
    m_axesButton->setToolTip(tr("Choose the params and metrics shown as axes"));
    m_colourButton->setToolTip(tr("Colour the lines by a metric, or by each run's colour"));
    m_clearButton->setText(tr("Clear Brushes"));
    m_clearButton->setToolTip(tr("Show every run in the table again"));
    auto* exportButton = new QToolButton(this);
    exportButton->setText(tr("Export\u2026"));
    exportButton->setToolTip(tr("Save the plot as PNG or SVG, or its data as CSV"));
    // Menus are filled when opened, so they list the axes of the runs shown at that moment.
    connect(m_axesButton->menu(), &QMenu::aboutToShow, this, &ParallelCoordinatesPanel::fillAxesMenu);
    connect(m_colourButton->menu(), &QMenu::aboutToShow, this, &ParallelCoordinatesPanel::fillColourMenu);
    connect(m_clearButton, &QToolButton::clicked, m_view, &ParallelCoordinatesView::clearBrushes);
    connect(exportButton, &QToolButton::clicked, this, &ParallelCoordinatesPanel::exportDialog);
    connect(m_view, &ParallelCoordinatesView::brushChanged, this, &ParallelCoordinatesPanel::updateStatus);
    connect(m_view, &ParallelCoordinatesView::axesChanged, this, &ParallelCoordinatesPanel::updateStatus);
    connect(m_view, &ParallelCoordinatesView::runsApplied, this, &ParallelCoordinatesPanel::updateStatus);

    m_scroll->setWidgetResizable(true);
    m_scroll->setWidget(m_view);
    m_scroll->setFrameShape(QFrame::NoFrame);

    auto* bar = new QHBoxLayout;
    bar->setContentsMargins(4, 2, 4, 2);
    bar->addWidget(m_axesButton);
    bar->addWidget(m_colourButton);
    bar->addWidget(m_clearButton);
    bar->addWidget(exportButton);
    bar->addSpacing(12);
    bar->addWidget(m_status, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(bar);
    layout->addWidget(m_scroll, 1);
    updateStatus();
}

void ParallelCoordinatesPanel::setRuns(RunListSnapshot runs)
{
    // The view places them on a worker; the status follows when they are shown (runsApplied).
    m_loadingCount = runs ? static_cast<int>(runs->runs.size()) : 0;
    m_view->setRuns(std::move(runs));
    updateStatus();
}

void ParallelCoordinatesPanel::setHighlightedRuns(const QSet<QString>& runIds)
{
    m_view->setHighlightedRuns(runIds);
    updateStatus();
}

QString ParallelCoordinatesPanel::statusText() const
{
    return m_status->text();
}

void ParallelCoordinatesPanel::updateStatus()
{
    const int total = m_view->model().runCount();
    const int axes = static_cast<int>(m_view->axes().size());
    const auto brushed = m_view->brushedRunIds();
    m_clearButton->setEnabled(brushed.has_value());
    if (m_view->runsPending() && total == 0 && m_loadingCount > 0)
        m_status->setText(tr("Placing %1 runs\u2026").arg(m_loadingCount));
    else if (total == 0)
        m_status->setText(tr("No runs loaded."));
    else if (axes == 0)
        m_status->setText(tr("Nothing varies across these runs; choose axes with Axes."));
    else if (brushed)
        m_status->setText(
            tr("%1 of %2 runs inside the brushes; the runs table shows only those.").arg(brushed->size()).arg(total));
    else if (const int selected = m_view->model().highlightedCount(); selected < total)
        m_status->setText(
            tr("%1 selected of %2 runs in colour, the others in grey, on %3 axes.").arg(selected).arg(total).arg(axes));
    else
        m_status->setText(tr("%1 runs on %2 axes. Drag along an axis to brush a range.").arg(total).arg(axes));
}

void ParallelCoordinatesPanel::fillAxesMenu()
{
    QMenu* menu = m_axesButton->menu();
    menu->clear();
    // The runs shown, with the keys found while they were placed: opening the menu scans nothing.
    if (m_view->model().runCount() == 0) {
        menu->addAction(tr("No runs loaded"))->setEnabled(false);
        return;
    }
    const QList<ParallelAxisSpec> shown = m_view->axes();
    menu->addAction(tr("Show Axes That Vary"), m_view, &ParallelCoordinatesView::showDefaultAxes);
    menu->addSeparator();
    for (const ParallelAxisSpec& axis : m_view->model().availableAxes()) {
        QAction* action = menu->addAction(axisLabel(axis));
        action->setCheckable(true);
        action->setChecked(shown.contains(axis));
        connect(action, &QAction::toggled, this, [this, axis](bool on) {
            QList<ParallelAxisSpec> axes = m_view->axes();
            if (on && !axes.contains(axis))
                axes.append(axis);
            else if (!on)
                axes.removeAll(axis);
            m_view->setAxes(axes);
        });
    }
}

void ParallelCoordinatesPanel::fillColourMenu()
{
    QMenu* menu = m_colourButton->menu();
    menu->clear();
    const QString current = m_view->colorMetric();
    QAction* byRun = menu->addAction(tr("Run Colour"), this, [this] { m_view->setColorMetric({}); });
    byRun->setCheckable(true);
    byRun->setChecked(current.isEmpty());
    if (m_view->model().runCount() == 0)
        return;
    menu->addSeparator();
    for (const ParallelAxisSpec& axis : m_view->model().availableAxes()) {
        if (axis.kind != ParallelAxisSpec::Kind::Metric)
            continue;
        QAction* action = menu->addAction(axis.key, this, [this, key = axis.key] { m_view->setColorMetric(key); });
        action->setCheckable(true);
        action->setChecked(current == axis.key);
    }
}

bool ParallelCoordinatesPanel::exportImage(const QString& path, QString* error) const
{
    const QSize size = m_view->size().expandedTo(QSize(800, 500));
    if (QFileInfo(path).suffix().compare(QLatin1String("svg"), Qt::CaseInsensitive) == 0)
        return m_view->saveSvg(path, size, error);
    // Atomic: a failed write leaves an existing file as it was.
    return ChartExport::savePngImage(m_view->render(size), path, error);
}

bool ParallelCoordinatesPanel::exportCsv(const QString& path, QString* error) const
{
    const ParallelCoordinatesModel& model = m_view->model();
    const RunListSnapshot runs = model.runs();
    QByteArray out = "run_id,run_name,passes_brushes";
    for (int a = 0; a < model.axisCount(); ++a) {
        const ParallelAxisSpec& spec = model.axis(a).spec;
        out += ','
            + ChartExport::csvField(
                (spec.kind == ParallelAxisSpec::Kind::Metric ? QStringLiteral("metrics.") : QStringLiteral("params."))
                + spec.key);
    }
    out += '\n';
    for (int run = 0; runs && run < model.runCount(); ++run) {
        const Run& r = runs->runs[static_cast<std::size_t>(run)];
        out += ChartExport::csvField(model.runId(run)) + ',' + ChartExport::csvField(model.runName(run)) + ','
            + (model.passes(run) ? "true" : "false");
        for (int a = 0; a < model.axisCount(); ++a) {
            const ParallelAxisSpec& spec = model.axis(a).spec;
            const std::string key = spec.key.toStdString();
            out += ',';
            if (spec.kind == ParallelAxisSpec::Kind::Metric) {
                if (const Metric* m = r.metric(key))
                    out += QByteArray::fromStdString(formatDouble(m->point.value));
            } else if (const std::string* p = r.param(key)) {
                out += ChartExport::csvField(QString::fromStdString(*p));
            }
        }
        out += '\n';
    }
    return ChartExport::writeAtomically(path, out, error);
}

void ParallelCoordinatesPanel::exportDialog()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Parallel Coordinates"),
        QStringLiteral("parallel-coordinates.png"),
        tr("PNG image (*.png);;SVG image (*.svg);;Plotted data, CSV (*.csv)"));
    if (path.isEmpty())
        return;
    QString error;
    const bool csv = QFileInfo(path).suffix().compare(QLatin1String("csv"), Qt::CaseInsensitive) == 0;
    if (!(csv ? exportCsv(path, &error) : exportImage(path, &error)))
        QMessageBox::warning(this, tr("Export Failed"), error);
}

} // namespace runlens
