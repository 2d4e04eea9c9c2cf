// SPDX-License-Identifier: Apache-2.0
#include "scatterpanel.h"

#include "chartexport.h"
#include "scatterplotview.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QSettings>
#include <QToolButton>
#include <QVBoxLayout>

namespace runlens {

namespace {

enum ExportFormat
{
    Png,
    Svg,
    Csv,
};

const QString kSettingsGroup = QStringLiteral("scatter");

} // namespace

ScatterPanel::ScatterPanel(QWidget* parent)
    : QWidget(parent)
{
    m_xBox = new QComboBox(this);
    m_yBox = new QComboBox(this);
    m_colourBox = new QComboBox(this);
    for (QComboBox* box : {m_xBox, m_yBox, m_colourBox}) {
        box->setSizeAdjustPolicy(QComboBox::AdjustToContents);
        box->setMinimumContentsLength(10);
        box->setMaxVisibleItems(25);
    }
    m_xBox->setToolTip(tr("What goes on the horizontal axis"));
    m_yBox->setToolTip(tr("What goes on the vertical axis"));
    m_colourBox->setToolTip(tr("What the dots' colour shows"));
    m_logXBox = new QCheckBox(tr("Log X"), this);
    m_logYBox = new QCheckBox(tr("Log Y"), this);

    m_exportButton = new QToolButton(this);
    m_exportButton->setText(tr("Export"));
    m_exportButton->setPopupMode(QToolButton::InstantPopup);
    auto* exportMenu = new QMenu(m_exportButton);
    exportMenu->addAction(tr("Image (PNG)\u2026"), this, [this] { exportWithDialog(Png); });
    exportMenu->addAction(tr("Vector image (SVG)\u2026"), this, [this] { exportWithDialog(Svg); });
    exportMenu->addAction(tr("Plotted data (CSV)\u2026"), this, [this] { exportWithDialog(Csv); });
    m_exportButton->setMenu(exportMenu);

    auto* bar = new QHBoxLayout;
    bar->setContentsMargins(0, 0, 0, 0);
    bar->addWidget(new QLabel(tr("X:"), this));
    bar->addWidget(m_xBox);
    bar->addWidget(new QLabel(tr("Y:"), this));
    bar->addWidget(m_yBox);
    bar->addWidget(new QLabel(tr("Colour:"), this));
    bar->addWidget(m_colourBox);
    bar->addWidget(m_logXBox);
    bar->addWidget(m_logYBox);
    bar->addStretch(1);
    bar->addWidget(m_exportButton);

    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QPalette muted = m_status->palette();
    muted.setColor(QPalette::WindowText, muted.color(QPalette::PlaceholderText));
    m_status->setPalette(muted);

    m_view = new ScatterPlotView(this);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(bar);
    layout->addWidget(m_status);
    layout->addWidget(m_view, 1);

    for (QComboBox* box : {m_xBox, m_yBox, m_colourBox})
        connect(box, &QComboBox::currentIndexChanged, this, [this] {
            if (!m_filling)
                readControls();
        });
    for (QCheckBox* box : {m_logXBox, m_logYBox})
        connect(box, &QCheckBox::toggled, this, [this] {
            if (!m_filling)
                readControls();
        });
    connect(m_view, &ScatterPlotView::runClicked, this, &ScatterPanel::runClicked);
    rebuild();
}

ScatterPanel::~ScatterPanel() = default;

void ScatterPanel::setRuns(RunListSnapshot runs)
{
    m_runs = std::move(runs);
    m_fields = m_runs ? ScatterData::numericFields(*m_runs) : QList<ScatterField> {};
    m_colourFields = m_runs ? ScatterData::colourFields(*m_runs) : QList<ScatterField> {};
    chooseDefaults();
    fillCombos();
    rebuild();
}

void ScatterPanel::setHighlightedRuns(const QSet<QString>& runIds)
{
    m_view->setHighlightedRuns(runIds);
}

void ScatterPanel::setXField(const ScatterField& field)
{
    m_x = field;
    fillCombos();
    rebuild();
}

void ScatterPanel::setYField(const ScatterField& field)
{
    m_y = field;
    fillCombos();
    rebuild();
}

void ScatterPanel::setColourField(const ScatterField& field)
{
    m_colour = field;
    fillCombos();
    rebuild();
}

void ScatterPanel::setLogX(bool on)
{
    m_logX = on;
    fillCombos();
    rebuild();
}

void ScatterPanel::setLogY(bool on)
{
    m_logY = on;
    fillCombos();
    rebuild();
}

void ScatterPanel::chooseDefaults()
{
    // Keep what the person chose while the new runs still have it; otherwise start from the first
    // metric against the first param (a sweep's usual question), or the first two metrics.
    const auto offered = [this](const ScatterField& f) { return f.isValid() && m_fields.contains(f); };
    QList<ScatterField> metrics;
    QList<ScatterField> params;
    for (const ScatterField& f : m_fields) {
        if (f.kind == ScatterFieldKind::Metric)
            metrics << f;
        else if (f.kind == ScatterFieldKind::Param)
            params << f;
    }
    if (!offered(m_y) && !m_fields.isEmpty())
        m_y = !metrics.isEmpty() ? metrics.front() : m_fields.front();
    if (!offered(m_x) && !m_fields.isEmpty()) {
        if (!params.isEmpty())
            m_x = params.front();
        else if (metrics.size() >= 2)
            m_x = metrics.at(metrics.front() == m_y ? 1 : 0);
        else
            m_x = m_fields.front();
    }
    if (m_colour.isValid() && !m_colourFields.contains(m_colour))
        m_colour = {};
}

void ScatterPanel::fillCombo(QComboBox* box, bool withRunColour, const ScatterField& current)
{
    const QList<ScatterField>& fields = withRunColour ? m_colourFields : m_fields;
    box->clear();
    if (withRunColour)
        box->addItem(tr("Run colour"), QString());
    ScatterFieldKind lastKind = ScatterFieldKind::Metric;
    bool first = true;
    for (const ScatterField& f : fields) {
        // Separators between metrics, params and attributes.
        if ((!first && f.kind != lastKind) || (first && withRunColour))
            box->insertSeparator(box->count());
        box->addItem(f.label(), f.toString());
        lastKind = f.kind;
        first = false;
    }
    // A field set through the API that the runs lack stays visible as chosen.
    if (current.isValid() && !fields.contains(current))
        box->addItem(current.label(), current.toString());
    box->setCurrentIndex(box->findData(current.isValid() ? current.toString() : QString()));
}

void ScatterPanel::fillCombos()
{
    m_filling = true;
    fillCombo(m_xBox, false, m_x);
    fillCombo(m_yBox, false, m_y);
    fillCombo(m_colourBox, true, m_colour);
    m_logXBox->setChecked(m_logX);
    m_logYBox->setChecked(m_logY);
    // A log scale of dates means nothing.
    m_logXBox->setEnabled(!m_x.isTime());
    m_logYBox->setEnabled(!m_y.isTime());
    m_filling = false;
}

void ScatterPanel::readControls()
{
    m_x = ScatterField::fromString(m_xBox->currentData().toString());
    m_y = ScatterField::fromString(m_yBox->currentData().toString());
    m_colour = ScatterField::fromString(m_colourBox->currentData().toString());
    m_logX = m_logXBox->isChecked();
    m_logY = m_logYBox->isChecked();
    m_logXBox->setEnabled(!m_x.isTime());
    m_logYBox->setEnabled(!m_y.isTime());
    rebuild();
}

void ScatterPanel::rebuild()
{
    auto data = std::make_shared<const ScatterData>(ScatterData::build(m_runs, m_x, m_y, m_colour, m_logX, m_logY));
    const int total = data->runCount();
    const int plotted = static_cast<int>(data->points().size());
    QString status;
    if (!m_runs || total == 0)
        status = tr("No runs loaded.");
    else if (!m_x.isValid() || !m_y.isValid())
        status = tr("No numeric params or metrics to plot.");
    else
        status = (plotted == total ? tr("All %1 runs plotted.").arg(total)
                                   : tr("%1 of %2 runs plotted.").arg(plotted).arg(total));
    const QString summary = data->leftOutSummary();
    if (!summary.isEmpty())
        status += QLatin1Char(' ') + summary + QLatin1Char('.');
    m_status->setText(status);
    m_exportButton->setEnabled(plotted > 0);
    m_view->setData(std::move(data));
}

QString ScatterPanel::statusText() const
{
    return m_status->text();
}

bool ScatterPanel::exportPng(const QString& path, QString* error) const
{
    return m_view->savePng(path, error);
}

bool ScatterPanel::exportSvg(const QString& path, QString* error) const
{
    return m_view->saveSvg(path, error);
}

bool ScatterPanel::exportCsv(const QString& path, QString* error) const
{
    const auto* data = m_view->data();
    return ChartExport::writeAtomically(
        path,
        [data](QIODevice& out, QString* reason) {
            if (data)
                return data->writeCsv(out, reason);
            *reason = tr("nothing is plotted");
            return false;
        },
        error);
}

void ScatterPanel::exportWithDialog(int format)
{
    static const char* const titles[] = {
        QT_TR_NOOP("Export scatter plot as PNG"),
        QT_TR_NOOP("Export scatter plot as SVG"),
        QT_TR_NOOP("Export plotted data as CSV"),
    };
    const QString title = tr(titles[format]);
    const QString suffix = format == Png ? QStringLiteral(".png")
        : format == Svg                  ? QStringLiteral(".svg")
                                         : QStringLiteral(".csv");
    const QString filter = format == Png ? tr("PNG images (*.png)")
        : format == Svg                  ? tr("SVG images (*.svg)")
                                         : tr("CSV files (*.csv)");
    QString name = m_y.key + QStringLiteral("_vs_") + m_x.key;
    name.replace(QLatin1Char('/'), QLatin1Char('_'));
    const QString path = QFileDialog::getSaveFileName(this, title, name + suffix, filter);
    if (path.isEmpty())
        return;
    QString error;
    const bool ok = format == Png ? exportPng(path, &error)
        : format == Svg           ? exportSvg(path, &error)
                                  : exportCsv(path, &error);
    if (!ok)
        QMessageBox::warning(this, title, error);
}

void ScatterPanel::saveSettings(QSettings& settings) const
{
    settings.beginGroup(kSettingsGroup);
    settings.setValue(QStringLiteral("x"), m_x.toString());
    settings.setValue(QStringLiteral("y"), m_y.toString());
    settings.setValue(QStringLiteral("colour"), m_colour.isValid() ? m_colour.toString() : QString());
    settings.setValue(QStringLiteral("logX"), m_logX);
    settings.setValue(QStringLiteral("logY"), m_logY);
    settings.endGroup();
}

void ScatterPanel::restoreSettings(const QSettings& settings)
{
    const auto value = [&settings](const char* key) {
        return settings.value(kSettingsGroup + QLatin1Char('/') + QLatin1String(key));
    };
    m_x = ScatterField::fromString(value("x").toString());
    m_y = ScatterField::fromString(value("y").toString());
    m_colour = ScatterField::fromString(value("colour").toString());
    m_logX = value("logX").toBool();
    m_logY = value("logY").toBool();
    if (m_runs)
        chooseDefaults();
    fillCombos();
    rebuild();
}

} // namespace runlens
