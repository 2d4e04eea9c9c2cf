// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "entities.h"

#include <QDialog>

#include <vector>

class QCheckBox;
class QComboBox;
class QLabel;

namespace runlens {

/**
 * Moves one version to a stage. With "archive the existing versions", it lists exactly which versions
 * MLflow will archive before the user confirms.
 */
class StageTransitionDialog final : public QDialog
{
    Q_OBJECT
public:
    StageTransitionDialog(
        const QString& model, std::vector<ModelVersion> versions, qint64 version, QWidget* parent = nullptr);

    QString stage() const;
    void setStage(const QString& stage);
    /** Checked and applicable (Staging/Production only). */
    bool archiveExisting() const;
    void setArchiveExisting(bool on);
    /** The sentence under the checkbox, e.g. "Will also archive: v2 (Production)". */
    QString archiveNote() const;

    /** The other versions in `stage` that archive_existing_versions would archive (MLflow's rule). */
    static std::vector<qint64> versionsToArchive(
        const std::vector<ModelVersion>& versions, qint64 version, const QString& stage);

private:
    void update();

    std::vector<ModelVersion> m_versions;
    qint64 m_version;
    QString m_from;
    QComboBox* m_stage;
    QCheckBox* m_archive;
    QLabel* m_note;
};

} // namespace runlens
