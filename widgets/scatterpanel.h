// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "scatterdata.h"

#include <QList>
#include <QSet>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QSettings;
class QToolButton;

namespace runlens {

class ScatterPlotView;

/**
 * A scatter plot of the loaded runs with its toolbar: what goes on X, on Y and into the colour
 * (every numeric param and metric, start time and duration; the colour can also be each run's own or
 * a text param's value),
 * log X and log Y, and exports (PNG, SVG, CSV of the plotted points). A line under the toolbar says
 * how many runs are plotted and why the others are not ("12 runs lack val/loss").
 */
class ScatterPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ScatterPanel(QWidget* parent = nullptr);
    ~ScatterPanel() override;

    /** The runs to plot (e.g. what the runs table shows). Choices that still exist are kept. */
    void setRuns(RunListSnapshot runs);
    /** The runs drawn larger and outlined (e.g. the table's selection). */
    void setHighlightedRuns(const QSet<QString>& runIds);

    /** The fields offered on the axes, in combo-box order. */
    const QList<ScatterField>& fields() const { return m_fields; }
    /** The fields offered for the colour: those and params with text values (coloured by category). */
    const QList<ScatterField>& colourFields() const { return m_colourFields; }

    void setXField(const ScatterField& field);
    void setYField(const ScatterField& field);
    /** An invalid (empty) field colours each run by its own colour. */
    void setColourField(const ScatterField& field);
    void setLogX(bool on);
    void setLogY(bool on);
    ScatterField xField() const { return m_x; }
    ScatterField yField() const { return m_y; }
    ScatterField colourField() const { return m_colour; }
    bool logX() const { return m_logX; }
    bool logY() const { return m_logY; }

    ScatterPlotView* view() const { return m_view; }
    /** The line under the toolbar: runs plotted and why others are not. */
    QString statusText() const;

    bool exportPng(const QString& path, QString* error = nullptr) const;
    bool exportSvg(const QString& path, QString* error = nullptr) const;
    /** The plotted points as CSV (ScatterData::writeCsv), written atomically. */
    bool exportCsv(const QString& path, QString* error = nullptr) const;

    void saveSettings(QSettings& settings) const;
    void restoreSettings(const QSettings& settings);

Q_SIGNALS:
    /** A run's dot was clicked. */
    void runClicked(const QString& runId);

private:
    void fillCombos();
    void fillCombo(QComboBox* box, bool withRunColour, const ScatterField& current);
    void readControls();
    void chooseDefaults();
    void rebuild();
    void exportWithDialog(int format);

    RunListSnapshot m_runs;
    QList<ScatterField> m_fields;
    QList<ScatterField> m_colourFields; // m_fields and text params
    ScatterField m_x;
    ScatterField m_y;
    ScatterField m_colour;
    bool m_logX = false;
    bool m_logY = false;
    bool m_filling = false;

    QComboBox* m_xBox = nullptr;
    QComboBox* m_yBox = nullptr;
    QComboBox* m_colourBox = nullptr;
    QCheckBox* m_logXBox = nullptr;
    QCheckBox* m_logYBox = nullptr;
    QToolButton* m_exportButton = nullptr;
    QLabel* m_status = nullptr;
    ScatterPlotView* m_view = nullptr;
};

} // namespace runlens
