// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QColor>
#include <QList>
#include <QSet>
#include <QString>
#include <QWidget>

class QLineEdit;
class QListWidget;
class QListWidgetItem;

namespace runlens {

/**
 * One legend for a whole grid of charts, for when there are too many runs for each chart's own: the
 * lines' full names in a list with their colours, a search box over them, and a tick per line that
 * shows or hides it in every chart. A colour is one run in every chart, so one list serves them all.
 */
class ChartLegend final : public QWidget
{
    Q_OBJECT
public:
    struct Entry
    {
        QString id; // run id, or group label
        QString label;
        QColor colour;
        friend bool operator==(const Entry&, const Entry&) = default;
    };

    explicit ChartLegend(QWidget* parent = nullptr);

    /** The lines, in legend order; `hidden` are shown unticked. Keeps the search text. */
    void setEntries(const QList<Entry>& entries, const QSet<QString>& hidden);
    const QList<Entry>& entries() const { return m_entries; }
    void setEntryHidden(const QString& id, bool hidden);

    /** The labels the search leaves in the list, top to bottom. */
    QStringList visibleLabels() const;
    QLineEdit* searchEdit() const { return m_search; }
    QListWidget* list() const { return m_list; }

Q_SIGNALS:
    /** The person ticked or unticked a line. */
    void hiddenToggled(const QString& id, bool hidden);
    /** The pointer is over a line's entry; empty when it left the list. */
    void entryHovered(const QString& id);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void applySearch();
    void onItemChanged(QListWidgetItem* item);

    QLineEdit* m_search = nullptr;
    QListWidget* m_list = nullptr;
    QList<Entry> m_entries;
    bool m_filling = false;
};

} // namespace runlens
