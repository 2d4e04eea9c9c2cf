// SPDX-License-Identifier: Apache-2.0
#include "filterbar.h"

#include "search/runsearch.h"

#include <QApplication>
#include <QHBoxLayout>
#include <QInputMethodEvent>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpression>
#include <QTextCharFormat>
#include <QVBoxLayout>

namespace runlens {

namespace {

// Reads as an error on light and dark palettes alike.
const QColor kErrorColor(0xd9, 0x3f, 0x3f);

} // namespace

FilterBar::FilterBar(QWidget* parent)
    : QWidget(parent)
    , m_filter(new QLineEdit(this))
    , m_quick(new QLineEdit(this))
    , m_error(new QLabel(this))
{
    m_filter->setObjectName(QStringLiteral("runFilter"));
    m_filter->setPlaceholderText(tr("Filter runs, e.g. metrics.loss < 0.5 and params.lr = '0.01'  (Ctrl+L, Enter)"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setToolTip(tr("A search filter as in MLflow: metrics.*, params.*, tags.*, attributes.*; "
                            "AND, OR, NOT and parentheses. Press Enter to apply."));
    m_quick->setObjectName(QStringLiteral("quickSearch"));
    m_quick->setPlaceholderText(tr("Run name contains\u2026"));
    m_quick->setClearButtonEnabled(true);
    m_quick->setMaximumWidth(260);
    m_error->setObjectName(QStringLiteral("filterError"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QPalette errorPalette = m_error->palette();
    errorPalette.setColor(QPalette::WindowText, kErrorColor);
    m_error->setPalette(errorPalette);
    m_error->hide();

    auto* row = new QHBoxLayout;
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(m_filter, 1);
    row->addWidget(m_quick);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 2);
    layout->setSpacing(2);
    layout->addLayout(row);
    layout->addWidget(m_error);

    connect(m_filter, &QLineEdit::returnPressed, this, &FilterBar::submit);
    // The mark belongs to the text it was found in; any edit makes it stale.
    connect(m_filter, &QLineEdit::textEdited, this, [this] {
        if (m_errorPosition >= 0 || !m_error->isHidden())
            clearError();
    });
    connect(m_quick, &QLineEdit::textChanged, this, &FilterBar::quickSearchChanged);
}

bool FilterBar::applyFilter(const QString& text)
{
    m_filter->setText(text);
    return submit();
}

QString FilterBar::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

void FilterBar::focusFilter()
{
    m_filter->setFocus(Qt::ShortcutFocusReason);
    m_filter->selectAll();
}

int FilterBar::errorPositionIn(const QString& text, const QString& message)
{
    static const QRegularExpression position(QStringLiteral("at position (\\d+)"));
    const QRegularExpressionMatch match = position.match(message);
    if (!match.hasMatch())
        return -1;
    const int codePoints = match.captured(1).toInt();
    // The parser counts code points; QString indexes UTF-16 units.
    int index = 0;
    for (int seen = 0; seen < codePoints && index < text.size(); ++seen)
        index += (text.at(index).isHighSurrogate() && index + 1 < text.size()) ? 2 : 1;
    return index;
}

bool FilterBar::submit()
{
    // A box left with only spaces in it means no filter (MLflow itself rejects such a filter).
    const QString raw = m_filter->text();
    const QString text = raw.trimmed();
    qsizetype leading = 0;
    while (leading < raw.size() && raw.at(leading).isSpace())
        ++leading;
    // Parsing is pure and quick, so it runs here; only a filter that parses goes to the store.
    const Result<RunSearch> parsed = RunSearch::parse(text.toStdString(), {});
    if (!parsed.ok()) {
        const QString message = QString::fromStdString(parsed.error().message);
        const int position = errorPositionIn(text, message);
        showError(message, position >= 0 ? position + static_cast<int>(leading) : position);
        return false;
    }
    clearError();
    m_applied = text;
    Q_EMIT filterApplied(text);
    return true;
}

void FilterBar::showError(const QString& message, int position)
{
    m_errorPosition = position;
    m_error->setText(tr("%1 — not applied; the table still shows the last filter that worked.").arg(message));
    m_error->show();
    if (position >= 0) {
        const QString text = m_filter->text();
        int start = std::min(position, static_cast<int>(text.size()) - 1);
        if (start < 0)
            start = 0;
        int end = start + 1;
        while (end < text.size() && !text.at(end).isSpace())
            ++end;
        setUnderline(start, end - start);
    }
}

void FilterBar::showFilterError(const QString& message)
{
    showError(message, errorPositionIn(m_filter->text(), message));
}

void FilterBar::clearError()
{
    m_errorPosition = -1;
    m_error->clear();
    m_error->hide();
    setUnderline(0, 0);
}

void FilterBar::setUnderline(int start, int length)
{
    // QLineEdit has no rich text; input-method formats are its one way to style part of the text.
    QList<QInputMethodEvent::Attribute> attributes;
    if (length > 0) {
        QTextCharFormat format;
        format.setUnderlineStyle(QTextCharFormat::WaveUnderline);
        format.setUnderlineColor(kErrorColor);
        format.setForeground(kErrorColor);
        attributes << QInputMethodEvent::Attribute(
            QInputMethodEvent::TextFormat, start - m_filter->cursorPosition(), length, format);
    }
    QInputMethodEvent event(QString(), attributes);
    QApplication::sendEvent(m_filter, &event);
}

} // namespace runlens
