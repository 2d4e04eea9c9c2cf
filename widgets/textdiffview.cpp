// SPDX-License-Identifier: Apache-2.0
#include "textdiffview.h"

#include "store.h"
#include "text/linediff.h"

#include <QAction>
#include <QCoreApplication>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QMetaObject>
#include <QPlainTextDocumentLayout>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QSplitter>
#include <QStackedWidget>
#include <QTextBlock>
#include <QTextDocument>
#include <QThread>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <iterator>
#include <memory>
#include <optional>
#include <tuple>

namespace runlens {

namespace {

QString toQString(const std::string& s)
{
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

enum class LineKind
{
    Removed,
    Added,
    Filler, // the shorter side of a change, so the rows of both sides stay level
};

struct Span
{
    int firstBlock = 0;
    int count = 0;
    LineKind kind = LineKind::Removed;
};

// Appends lines to one pane's text and remembers which blocks to colour.
struct Pane
{
    QString text;
    std::vector<Span> spans;
    int blocks = 0;

    void add(const QString& line, std::optional<LineKind> kind)
    {
        if (blocks > 0)
            text += QLatin1Char('\n');
        text += line;
        if (kind) {
            if (!spans.empty() && spans.back().kind == *kind && spans.back().firstBlock + spans.back().count == blocks)
                ++spans.back().count;
            else
                spans.push_back({blocks, 1, *kind});
        }
        ++blocks;
    }
};

QColor fillerColor()
{
    return QColor(128, 128, 128, 36);
}

void colourBlocks(QTextDocument* document, const std::vector<Span>& spans)
{
    for (const Span& span : spans) {
        const QTextBlock first = document->findBlockByNumber(span.firstBlock);
        const QTextBlock last = document->findBlockByNumber(span.firstBlock + span.count - 1);
        if (!first.isValid() || !last.isValid())
            continue;
        QTextCursor cursor(first);
        cursor.setPosition(last.position(), QTextCursor::KeepAnchor);
        QTextBlockFormat format;
        switch (span.kind) {
        case LineKind::Removed:
            format.setBackground(TextDiffView::removedColor());
            break;
        case LineKind::Added:
            format.setBackground(TextDiffView::addedColor());
            break;
        case LineKind::Filler:
            format.setBackground(fillerColor());
            break;
        }
        cursor.setBlockFormat(format); // one call per run of lines, not per line
    }
}

QPlainTextEdit* diffEdit(QWidget* parent)
{
    auto* edit = new QPlainTextEdit(parent);
    edit->setReadOnly(true);
    edit->setLineWrapMode(QPlainTextEdit::NoWrap);
    edit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    edit->document()->setUndoRedoEnabled(false);
    return edit;
}

// Keeps at most `cap` bytes and ends at a line break, so no half line (or half character) is compared.
QByteArray capped(const QByteArray& bytes, qint64 cap, bool* wasCapped)
{
    *wasCapped = bytes.size() > cap;
    if (!*wasCapped)
        return bytes;
    QByteArray head = bytes.left(cap);
    const qsizetype lastBreak = head.lastIndexOf('\n');
    if (lastBreak >= 0)
        head.truncate(lastBreak + 1);
    return head;
}

QString formatBytes(qint64 bytes)
{
    if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0)
        return QCoreApplication::translate("TextDiffView", "%1 MB").arg(bytes / (1024 * 1024));
    if (bytes >= 1024)
        return QCoreApplication::translate("TextDiffView", "%1 KB").arg(double(bytes) / 1024.0, 0, 'f', 1);
    return QCoreApplication::translate("TextDiffView", "%1 bytes").arg(bytes);
}

} // namespace

// What the worker hands the GUI thread: both layouts, ready to show.
struct TextDiffView::Rendered
{
    QString message; // set instead of a diff when the texts cannot be compared
    Pane oldPane, newPane, unified;
    // Filled and coloured on the worker (most of the cost of showing a large diff); owned by the GUI
    // thread, and handed to the editors when their layout is first shown.
    std::unique_ptr<QTextDocument> oldDocument, newDocument, unifiedDocument;
    // Where each change starts: a row of the side-by-side panes, and a row of the unified one.
    std::vector<int> sideBySideChanges, unifiedChanges;
    int added = 0;
    int removed = 0;
    QString summary;
};

TextDiffView::TextDiffView(QWidget* parent)
    : QWidget(parent)
    , m_summary(new QLabel(this))
    , m_layoutButton(new QToolButton(this))
    , m_stack(new QStackedWidget(this))
    , m_message(new QLabel(this))
    , m_oldEdit(diffEdit(this))
    , m_newEdit(diffEdit(this))
    , m_unifiedEdit(diffEdit(this))
{
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_layoutButton->setText(tr("Unified"));
    m_layoutButton->setCheckable(true);
    m_layoutButton->setToolTip(tr("Show the changes in one column instead of side by side"));
    connect(m_layoutButton, &QToolButton::toggled, this, [this](bool unified) { setSideBySide(!unified); });
    m_message->setAlignment(Qt::AlignCenter);
    m_message->setWordWrap(true);

    auto* split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(m_oldEdit);
    split->addWidget(m_newEdit);
    split->setChildrenCollapsible(false);
    // Rows line up on both sides, so they scroll as one.
    for (auto [from, to] : {std::pair {m_oldEdit, m_newEdit}, std::pair {m_newEdit, m_oldEdit}}) {
        connect(from->verticalScrollBar(), &QScrollBar::valueChanged, to->verticalScrollBar(), &QScrollBar::setValue);
        connect(
            from->horizontalScrollBar(), &QScrollBar::valueChanged, to->horizontalScrollBar(), &QScrollBar::setValue);
    }
    m_stack->addWidget(m_message);
    m_stack->addWidget(split);
    m_stack->addWidget(m_unifiedEdit);

    auto* header = new QHBoxLayout;
    header->addWidget(m_summary, 1);
    for (auto [button, arrow, text, key, step] :
        {std::tuple {&m_previousButton, Qt::UpArrow, tr("Previous change"), QKeySequence(Qt::SHIFT | Qt::Key_F7), -1},
            std::tuple {&m_nextButton, Qt::DownArrow, tr("Next change"), QKeySequence(Qt::Key_F7), 1}}) {
        auto* action = new QAction(text, this);
        action->setShortcut(key);
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        action->setToolTip(QStringLiteral("%1 (%2)").arg(text, key.toString(QKeySequence::NativeText)));
        connect(action, &QAction::triggered, this, [this, step = step] { goToChange(step); });
        addAction(action);
        *button = new QToolButton(this);
        (*button)->setDefaultAction(action);
        (*button)->setArrowType(arrow);
        header->addWidget(*button);
    }
    header->addWidget(m_layoutButton);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(header);
    layout->addWidget(m_stack, 1);
    showMessage(tr("Choose two text files to compare."));
}

TextDiffView::~TextDiffView()
{
    if (m_control)
        m_control->cancel();
}

std::shared_ptr<TaskControl> TextDiffView::newRequest()
{
    if (m_control)
        m_control->cancel(); // a diff of large, very different files can take a while: stop it
    m_control = std::make_shared<TaskControl>();
    return m_control;
}

QColor TextDiffView::removedColor()
{
    return QColor(229, 57, 53, 64);
}

QColor TextDiffView::addedColor()
{
    return QColor(67, 160, 71, 64);
}

void TextDiffView::setStore(std::shared_ptr<Store> store, QThreadPool* pool)
{
    m_store = std::move(store);
    m_pool = pool;
    ++m_generation;
}

void TextDiffView::showMessage(const QString& text)
{
    ++m_generation;
    newRequest();
    m_rendered.reset();
    m_oldEdit->clear();
    m_newEdit->clear();
    m_unifiedEdit->clear();
    m_hasDiff = false;
    m_added = m_removed = 0;
    m_message->setText(text);
    m_summary->clear();
    m_stack->setCurrentWidget(m_message);
}

QString TextDiffView::summary() const
{
    return m_hasDiff ? m_summary->text() : m_message->text();
}

void TextDiffView::setSideBySide(bool on)
{
    m_sideBySide = on;
    {
        const QSignalBlocker blocker(m_layoutButton);
        m_layoutButton->setChecked(!on);
    }
    if (m_hasDiff) {
        fillShownLayout();
        m_stack->setCurrentIndex(on ? 1 : 2);
    }
}

void TextDiffView::showArtifacts(const std::string& oldRunId, const QString& oldPath, const QString& oldTitle,
    const std::string& newRunId, const QString& newPath, const QString& newTitle)
{
    if (!m_store || !m_pool) {
        showMessage(tr("No store is open."));
        Q_EMIT diffShown();
        return;
    }
    showMessage(tr("Reading %1 and %2…").arg(oldTitle, newTitle));
    const std::uint64_t generation = m_generation;
    (void)QtConcurrent::run(m_pool.data(),
        [self = QPointer<TextDiffView>(this), store = m_store, oldRunId, oldPath = oldPath.toStdString(), oldTitle,
            newRunId, newPath = newPath.toStdString(), newTitle, cap = m_sizeCap, generation, control = m_control] {
            std::shared_ptr<Rendered> rendered;
            // One byte past the cap tells a file that is larger than the cap.
            auto oldBytes = store->readArtifact(oldRunId, oldPath, cap + 1);
            auto newBytes = oldBytes ? store->readArtifact(newRunId, newPath, cap + 1) : oldBytes;
            if (!oldBytes || !newBytes) {
                auto failed = std::make_shared<Rendered>();
                const StoreError& error = !oldBytes ? oldBytes.error() : newBytes.error();
                failed->message = QCoreApplication::translate("TextDiffView", "Could not read %1: %2")
                                      .arg(!oldBytes ? oldTitle : newTitle, toQString(error.toString()));
                rendered = failed;
            } else {
                auto bytes
                    = [](const std::string& s) { return QByteArray(s.data(), static_cast<qsizetype>(s.size())); };
                rendered
                    = render(oldTitle, bytes(oldBytes.value()), newTitle, bytes(newBytes.value()), cap, control.get());
                if (!rendered)
                    return; // cancelled: a newer request is on its way
            }
            // Posted to the application: the view may be gone by now, which the GUI thread checks.
            QMetaObject::invokeMethod(
                QCoreApplication::instance(),
                [self, rendered, generation] {
                    if (self && generation == self->m_generation)
                        self->present(rendered);
                },
                Qt::QueuedConnection);
        });
}

void TextDiffView::showTexts(
    const QString& oldTitle, const QByteArray& oldText, const QString& newTitle, const QByteArray& newText)
{
    showMessage(tr("Comparing…"));
    const std::uint64_t generation = m_generation;
    QThreadPool* pool = m_pool ? m_pool.data() : QThreadPool::globalInstance();
    (void)QtConcurrent::run(pool,
        [self = QPointer<TextDiffView>(this), oldTitle, oldText, newTitle, newText, cap = m_sizeCap, generation,
            control = m_control] {
            auto rendered = render(oldTitle, oldText, newTitle, newText, cap, control.get());
            if (!rendered)
                return; // cancelled: a newer request is on its way
            QMetaObject::invokeMethod(
                QCoreApplication::instance(),
                [self, rendered, generation] {
                    if (self && generation == self->m_generation)
                        self->present(rendered);
                },
                Qt::QueuedConnection);
        });
}

void TextDiffView::present(const std::shared_ptr<Rendered>& rendered)
{
    if (!rendered->message.isEmpty()) {
        showMessage(rendered->message);
        Q_EMIT diffShown();
        return;
    }
    m_hasDiff = true;
    m_added = rendered->added;
    m_removed = rendered->removed;
    m_summary->setText(rendered->summary);
    m_rendered = rendered;
    m_sideBySideFilled = m_unifiedFilled = false;
    fillShownLayout();
    m_stack->setCurrentIndex(m_sideBySide ? 1 : 2);
    Q_EMIT diffShown();
}

int TextDiffView::changeCount() const
{
    return m_rendered ? static_cast<int>(m_rendered->sideBySideChanges.size()) : 0;
}

void TextDiffView::goToChange(int step)
{
    if (!m_rendered)
        return;
    QPlainTextEdit* edit = m_sideBySide ? m_oldEdit : m_unifiedEdit;
    const std::vector<int>& starts = m_sideBySide ? m_rendered->sideBySideChanges : m_rendered->unifiedChanges;
    const int current = edit->textCursor().blockNumber();
    int target = -1;
    if (step > 0) {
        const auto it = std::upper_bound(starts.begin(), starts.end(), current);
        if (it != starts.end())
            target = *it;
    } else {
        const auto it = std::lower_bound(starts.begin(), starts.end(), current);
        if (it != starts.begin())
            target = *std::prev(it);
    }
    if (target < 0)
        return;
    // Both panes of the side-by-side layout have the same rows: move both, so either can be read on.
    const QList<QPlainTextEdit*> panes
        = m_sideBySide ? QList<QPlainTextEdit*> {m_oldEdit, m_newEdit} : QList<QPlainTextEdit*> {m_unifiedEdit};
    for (QPlainTextEdit* pane : panes) {
        QTextCursor cursor(pane->document()->findBlockByNumber(target));
        pane->setTextCursor(cursor);
        pane->centerCursor();
    }
}

void TextDiffView::fillShownLayout()
{
    if (!m_rendered)
        return;
    auto attach = [](QPlainTextEdit* edit, std::unique_ptr<QTextDocument>& document) {
        if (!document)
            return;
        // The editor deletes the document it made itself; an earlier diff's document is ours to delete.
        QTextDocument* previous = edit->document()->parent() == edit ? edit->document() : nullptr;
        document->setDefaultFont(edit->font());
        document->setDocumentLayout(new QPlainTextDocumentLayout(document.get()));
        QTextDocument* shown = document.release();
        shown->setParent(edit); // the editor does not own a document it did not create
        edit->setDocument(shown);
        if (previous)
            previous->deleteLater();
    };
    if (m_sideBySide && !m_sideBySideFilled) {
        attach(m_oldEdit, m_rendered->oldDocument);
        attach(m_newEdit, m_rendered->newDocument);
        m_sideBySideFilled = true;
    } else if (!m_sideBySide && !m_unifiedFilled) {
        attach(m_unifiedEdit, m_rendered->unifiedDocument);
        m_unifiedFilled = true;
    }
}

// Runs on a worker: caps, splits, diffs and lays out both views.
std::shared_ptr<TextDiffView::Rendered> TextDiffView::render(const QString& oldTitle, const QByteArray& oldRaw,
    const QString& newTitle, const QByteArray& newRaw, qint64 cap, TaskControl* control)
{
    auto out = std::make_shared<Rendered>();
    for (const auto& [title, raw] : {std::pair {oldTitle, oldRaw}, std::pair {newTitle, newRaw}}) {
        if (raw.left(8192).contains('\0')) {
            out->message = tr("%1 looks like a binary file; only text files are compared.").arg(title);
            return out;
        }
    }
    bool oldCapped = false, newCapped = false;
    const QByteArray oldBytes = capped(oldRaw, cap, &oldCapped);
    const QByteArray newBytes = capped(newRaw, cap, &newCapped);
    const std::vector<std::string> oldLines = splitLines(std::string_view(oldBytes.constData(), oldBytes.size()));
    const std::vector<std::string> newLines = splitLines(std::string_view(newBytes.constData(), newBytes.size()));
    const std::vector<LineDiffRun> runs = diffLines(oldLines, newLines, control);
    if (isCancelled(control))
        return nullptr;

    const int digits = static_cast<int>(
        QString::number(std::max<qsizetype>(static_cast<qsizetype>(std::max(oldLines.size(), newLines.size())), 1))
            .size());
    auto number = [digits](std::size_t index) { return QString::number(index + 1).rightJustified(digits); };
    const QString blank(digits, QLatin1Char(' '));
    auto text = [](const std::string& line) { return toQString(line); };

    for (std::size_t r = 0; r < runs.size(); ++r) {
        const LineDiffRun& run = runs[r];
        if (run.op == LineDiffOp::Equal) {
            for (std::size_t k = 0; k < run.count; ++k) {
                const QString line = text(oldLines[run.oldStart + k]);
                out->oldPane.add(number(run.oldStart + k) + QStringLiteral("  ") + line, std::nullopt);
                out->newPane.add(number(run.newStart + k) + QStringLiteral("  ") + line, std::nullopt);
                out->unified.add(number(run.oldStart + k) + QLatin1Char(' ') + number(run.newStart + k)
                        + QStringLiteral("   ") + line,
                    std::nullopt);
            }
            continue;
        }
        // A change: deleted lines (if any) and the inserted lines that replace them, side by side.
        std::size_t deleteStart = 0, deleteCount = 0, insertStart = 0, insertCount = 0;
        if (run.op == LineDiffOp::Delete) {
            deleteStart = run.oldStart;
            deleteCount = run.count;
            if (r + 1 < runs.size() && runs[r + 1].op == LineDiffOp::Insert) {
                ++r;
                insertStart = runs[r].newStart;
                insertCount = runs[r].count;
            }
        } else {
            insertStart = run.newStart;
            insertCount = run.count;
        }
        out->sideBySideChanges.push_back(out->oldPane.blocks);
        out->unifiedChanges.push_back(out->unified.blocks);
        out->removed += static_cast<int>(deleteCount);
        out->added += static_cast<int>(insertCount);
        const std::size_t rows = std::max(deleteCount, insertCount);
        for (std::size_t k = 0; k < rows; ++k) {
            if (k < deleteCount)
                out->oldPane.add(number(deleteStart + k) + QStringLiteral("  ") + text(oldLines[deleteStart + k]),
                    LineKind::Removed);
            else
                out->oldPane.add(QString(), LineKind::Filler);
            if (k < insertCount)
                out->newPane.add(
                    number(insertStart + k) + QStringLiteral("  ") + text(newLines[insertStart + k]), LineKind::Added);
            else
                out->newPane.add(QString(), LineKind::Filler);
        }
        for (std::size_t k = 0; k < deleteCount; ++k)
            out->unified.add(number(deleteStart + k) + QLatin1Char(' ') + blank + QStringLiteral(" - ")
                    + text(oldLines[deleteStart + k]),
                LineKind::Removed);
        for (std::size_t k = 0; k < insertCount; ++k)
            out->unified.add(blank + QLatin1Char(' ') + number(insertStart + k) + QStringLiteral(" + ")
                    + text(newLines[insertStart + k]),
                LineKind::Added);
    }

    QString summary = out->added == 0 && out->removed == 0
        ? tr("%1 and %2 are identical.").arg(oldTitle, newTitle)
        : tr("%1 → %2: %3 lines removed, %4 added.").arg(oldTitle, newTitle).arg(out->removed).arg(out->added);
    for (const auto& [title, wasCapped] : {std::pair {oldTitle, oldCapped}, std::pair {newTitle, newCapped}}) {
        if (wasCapped)
            summary += QLatin1Char(' ') + tr("Only the first %1 of %2 are compared.").arg(formatBytes(cap), title);
    }
    out->summary = summary;

    QThread* guiThread = QCoreApplication::instance()->thread();
    auto build = [guiThread](Pane& pane) {
        auto document = std::make_unique<QTextDocument>();
        document->setUndoRedoEnabled(false);
        document->setPlainText(pane.text);
        colourBlocks(document.get(), pane.spans);
        pane.text.clear();
        document->moveToThread(guiThread);
        return document;
    };
    out->oldDocument = build(out->oldPane);
    out->newDocument = build(out->newPane);
    out->unifiedDocument = build(out->unified);
    return out;
}

} // namespace runlens
