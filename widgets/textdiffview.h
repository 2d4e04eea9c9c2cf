// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QPointer>
#include <QThreadPool>
#include <QWidget>

#include <cstdint>
#include <memory>
#include <string>

class QLabel;
class QPlainTextEdit;
class QStackedWidget;
class QToolButton;

namespace runlens {

class Store;
class TaskControl;

/**
 * Two texts diffed line by line, side by side (rows aligned, scrolling together) or unified, with
 * removed lines red and added lines green. Artifacts are read through the store on a worker, each capped
 * at sizeCap() bytes (the view says when it cut a file short), and diffed on the worker too.
 */
class TextDiffView final : public QWidget
{
    Q_OBJECT
public:
    static constexpr qint64 kDefaultSizeCap = 2 * 1024 * 1024;

    explicit TextDiffView(QWidget* parent = nullptr);
    ~TextDiffView() override;

    /** Where showArtifacts reads from; results of reads from an earlier store are dropped. */
    void setStore(std::shared_ptr<Store> store, QThreadPool* pool);
    void setSizeCap(qint64 bytes) { m_sizeCap = bytes; }
    qint64 sizeCap() const { return m_sizeCap; }

    /** Reads an artifact of each run and shows their diff; titles name the run and path. */
    void showArtifacts(const std::string& oldRunId, const QString& oldPath, const QString& oldTitle,
        const std::string& newRunId, const QString& newPath, const QString& newTitle);
    /** Diffs texts already at hand (on a worker as well; diffShown() follows). */
    void showTexts(
        const QString& oldTitle, const QByteArray& oldText, const QString& newTitle, const QByteArray& newText);
    /** A message instead of a diff (nothing chosen yet, a read failed, …). */
    void showMessage(const QString& text);

    void setSideBySide(bool on);
    bool isSideBySide() const { return m_sideBySide; }

    /** Moves to the next (step > 0) or previous change of the layout shown; F7 and Shift+F7 do this. */
    void goToChange(int step);
    /** Changes (runs of removed and added lines) in the diff shown. */
    int changeCount() const;

    /** Lines only in the new text / only in the old text, in the diff shown. */
    int addedLines() const { return m_added; }
    int removedLines() const { return m_removed; }
    /** The line above the diff: counts, titles and any size-cap note; or the message shown. */
    QString summary() const;
    QPlainTextEdit* oldEdit() const { return m_oldEdit; }
    QPlainTextEdit* newEdit() const { return m_newEdit; }
    QPlainTextEdit* unifiedEdit() const { return m_unifiedEdit; }

    /** Background of removed and added lines (translucent, so they read on light and dark themes). */
    static QColor removedColor();
    static QColor addedColor();

Q_SIGNALS:
    /** A diff (or a message saying why there is none) for the latest request is on screen. */
    void diffShown();

private:
    struct Rendered;
    static std::shared_ptr<Rendered> render(const QString& oldTitle, const QByteArray& oldRaw, const QString& newTitle,
        const QByteArray& newRaw, qint64 cap, TaskControl* control);
    /** Starts a new request: the previous one's diff stops and its result is dropped. */
    std::shared_ptr<TaskControl> newRequest();
    void present(const std::shared_ptr<Rendered>& rendered);
    /** Puts the diff into the editors of the layout on screen; the other layout fills when shown. */
    void fillShownLayout();

    QLabel* m_summary;
    QToolButton* m_layoutButton;
    QToolButton* m_previousButton = nullptr;
    QToolButton* m_nextButton = nullptr;
    QStackedWidget* m_stack;
    QLabel* m_message;
    QPlainTextEdit* m_oldEdit;
    QPlainTextEdit* m_newEdit;
    QPlainTextEdit* m_unifiedEdit;

    std::shared_ptr<Store> m_store;
    QPointer<QThreadPool> m_pool;
    qint64 m_sizeCap = kDefaultSizeCap;
    bool m_sideBySide = true;
    bool m_hasDiff = false;
    int m_added = 0;
    int m_removed = 0;
    std::uint64_t m_generation = 0;
    std::shared_ptr<TaskControl> m_control;
    std::shared_ptr<Rendered> m_rendered;
    bool m_sideBySideFilled = false;
    bool m_unifiedFilled = false;
};

} // namespace runlens
