// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QWidget>

class QLabel;
class QLineEdit;

namespace runlens {

/**
 * Above the runs table: a search filter in the search language (formats §D), applied by the store
 * on Enter, and a quick search over run names that narrows the table as one types. A filter that
 * does not parse is never sent: the message shows below and the offending spot is underlined.
 */
class FilterBar final : public QWidget
{
    Q_OBJECT
public:
    explicit FilterBar(QWidget* parent = nullptr);

    QLineEdit* filterEdit() const { return m_filter; }
    QLineEdit* quickEdit() const { return m_quick; }

    /** The filter last applied (what the table shows). */
    QString appliedFilter() const { return m_applied; }
    /** Sets the text and applies it as if Enter was pressed; false when it does not parse. */
    bool applyFilter(const QString& text);
    /** The parse error shown, empty when none. */
    QString errorText() const;
    /** Where the shown error points, in QString (UTF-16) units of the filter text; -1 when none. */
    int errorPosition() const { return m_errorPosition; }
    /** Shows an error about the current filter that the store reported (e.g. a server refused it). */
    void showFilterError(const QString& message);
    /** Gives the filter line the focus with its text selected (Ctrl+L). */
    void focusFilter();

    /** "at position N" (code points, as the search parser counts) to a UTF-16 index into `text`. */
    static int errorPositionIn(const QString& text, const QString& message);

Q_SIGNALS:
    /** A filter that parsed; the runs should be loaded again with it. */
    void filterApplied(const QString& filter);
    void quickSearchChanged(const QString& text);

private:
    bool submit();
    void showError(const QString& message, int position);
    void clearError();
    void setUnderline(int start, int length);

    QLineEdit* m_filter;
    QLineEdit* m_quick;
    QLabel* m_error;
    QString m_applied;
    int m_errorPosition = -1;
};

} // namespace runlens
