// SPDX-License-Identifier: Apache-2.0
#include "stagetransitiondialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include <algorithm>
#include <functional>

namespace runlens {

StageTransitionDialog::StageTransitionDialog(
    const QString& model, std::vector<ModelVersion> versions, qint64 version, QWidget* parent)
    : QDialog(parent)
    , m_versions(std::move(versions))
    , m_version(version)
    , m_stage(new QComboBox(this))
    , m_archive(new QCheckBox(tr("Archive the existing versions in that stage"), this))
    , m_note(new QLabel(this))
{
    setWindowTitle(tr("Move %1 v%2 to a stage").arg(model).arg(version));
    for (const ModelVersion& v : m_versions)
        if (v.version == version)
            m_from = QString::fromStdString(v.currentStage);
    m_stage->addItems(
        {QStringLiteral("None"), QStringLiteral("Staging"), QStringLiteral("Production"), QStringLiteral("Archived")});
    m_stage->setCurrentText(
        m_from == QLatin1String("Staging") ? QStringLiteral("Production") : QStringLiteral("Staging"));
    m_note->setWordWrap(true);

    auto* form = new QFormLayout;
    form->addRow(tr("Current stage:"), new QLabel(m_from, this));
    form->addRow(tr("New stage:"), m_stage);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Move"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_archive);
    layout->addWidget(m_note);
    layout->addWidget(buttons);

    connect(m_stage, &QComboBox::currentTextChanged, this, &StageTransitionDialog::update);
    connect(m_archive, &QCheckBox::toggled, this, &StageTransitionDialog::update);
    update();
}

QString StageTransitionDialog::stage() const
{
    return m_stage->currentText();
}

void StageTransitionDialog::setStage(const QString& stage)
{
    m_stage->setCurrentText(stage);
}

bool StageTransitionDialog::archiveExisting() const
{
    return m_archive->isEnabled() && m_archive->isChecked();
}

void StageTransitionDialog::setArchiveExisting(bool on)
{
    m_archive->setChecked(on);
}

QString StageTransitionDialog::archiveNote() const
{
    return m_note->text();
}

std::vector<qint64> StageTransitionDialog::versionsToArchive(
    const std::vector<ModelVersion>& versions, qint64 version, const QString& stage)
{
    std::vector<qint64> out;
    // MLflow only archives for Staging and Production, and never the version being moved.
    if (stage.compare(QLatin1String("Staging"), Qt::CaseInsensitive) != 0
        && stage.compare(QLatin1String("Production"), Qt::CaseInsensitive) != 0)
        return out;
    for (const ModelVersion& v : versions)
        if (v.version != version && QString::fromStdString(v.currentStage).compare(stage, Qt::CaseInsensitive) == 0)
            out.push_back(v.version);
    std::sort(out.begin(), out.end());
    return out;
}

void StageTransitionDialog::update()
{
    const QString target = stage();
    const bool applicable = target == QLatin1String("Staging") || target == QLatin1String("Production");
    m_archive->setEnabled(applicable);
    if (!applicable) {
        m_note->setText(tr("Only Staging and Production can archive the versions already there."));
        return;
    }
    const std::vector<qint64> list = versionsToArchive(m_versions, m_version, target);
    QStringList names;
    for (qint64 v : list)
        names.append(QStringLiteral("v%1").arg(v));
    if (!m_archive->isChecked())
        m_note->setText(list.empty() ? tr("No other version is in %1.").arg(target)
                                     : tr("%1 will stay in %2.").arg(names.join(QStringLiteral(", ")), target));
    else
        m_note->setText(list.empty()
                ? tr("No other version is in %1: nothing will be archived.").arg(target)
                : tr("Will also archive: %1 (now in %2).").arg(names.join(QStringLiteral(", ")), target));
}

} // namespace runlens
