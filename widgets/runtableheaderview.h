// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QHeaderView>

namespace runlens {

/**
 * A horizontal header with a band above the column titles naming each group of adjacent columns
 * ("Run", "Parameters", "Metrics"), read from the model's group role. A param and a metric may share
 * a name (say "lr"); the band tells them apart without prefixing every title. The sort arrow points
 * up for ascending, as in MLflow's tables.
 */
class RunTableHeaderView final : public QHeaderView
{
    Q_OBJECT
public:
    explicit RunTableHeaderView(QWidget* parent = nullptr);

    /** The header data role holding a section's group name. */
    void setGroupRole(int role) { m_groupRole = role; }
    int groupRole() const { return m_groupRole; }
    int bandHeight() const;

    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;
    void paintSection(QPainter* painter, const QRect& rect, int logicalIndex) const override;
    void initStyleOptionForIndex(QStyleOptionHeader* option, int logicalIndex) const override;

private:
    QString groupOf(int logicalIndex) const;

    int m_groupRole = -1;
};

} // namespace runlens
