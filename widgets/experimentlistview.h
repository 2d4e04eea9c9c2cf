// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QStringList>
#include <QTreeView>

namespace runlens {

/**
 * The experiments sidebar: a flat list of name and run count, several selectable at once. Speaks in
 * experiment ids so callers need not care about proxies in between.
 */
class ExperimentListView final : public QTreeView
{
    Q_OBJECT
public:
    explicit ExperimentListView(QWidget* parent = nullptr);

    void setModel(QAbstractItemModel* model) override;

    /** The model role holding an experiment's id. */
    void setIdRole(int role) { m_idRole = role; }

    /** Selected ids in display order. */
    QStringList selectedExperimentIds() const;
    /** Selects exactly these experiments (unknown ids are ignored); true when any was found. */
    bool selectExperiments(const QStringList& ids);

Q_SIGNALS:
    void experimentSelectionChanged(const QStringList& ids);

private:
    void fitColumns();

    int m_idRole = Qt::UserRole + 1;
    QStringList m_lastEmitted;
    bool m_emitPending = false;
};

} // namespace runlens
