// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "entities.h"

#include <QDialog>

#include <vector>

class QComboBox;
class QDialogButtonBox;
class QLabel;

namespace runlens {

/** Sets or moves an alias. One alias points to one version; moving shows where it pointed before. */
class AliasDialog final : public QDialog
{
    Q_OBJECT
public:
    AliasDialog(const QString& model, std::vector<ModelAlias> aliases, std::vector<qint64> versions, qint64 version,
        QWidget* parent = nullptr);

    QString alias() const;
    void setAlias(const QString& alias);
    qint64 version() const;
    void setVersion(qint64 version);
    /** What OK will do, e.g. "@champion now points to v2; it will move to v3." */
    QString note() const;

    /** Why MLflow would refuse this alias name; empty when it is valid. */
    static QString aliasProblem(const QString& alias);
    /** The sentence note() shows for an alias and a target version. */
    static QString describe(const std::vector<ModelAlias>& aliases, const QString& alias, qint64 version);

private:
    void update();

    std::vector<ModelAlias> m_aliases;
    QComboBox* m_alias;
    QComboBox* m_version;
    QLabel* m_note;
    QDialogButtonBox* m_buttons;
};

} // namespace runlens
