// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QPointer>
#include <QWidget>

#include <cstdint>
#include <string>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QStackedWidget;
class QStandardItemModel;
class QTableView;

namespace runlens {

class StoreSession;

/**
 * Shows one artifact file: text, pretty JSON, CSV/TSV as a table, images, SVG, MLmodel/YAML. Bytes are
 * read on a worker with a size cap; "Open" hands a temporary copy to the system's application and
 * "Save as…" writes the full file, both off the GUI thread.
 */
class ArtifactPreview final : public QWidget
{
    Q_OBJECT
public:
    enum class Kind
    {
        None, // nothing selected
        Message, // loading, too large, binary, empty or an error
        Text,
        Json,
        Yaml,
        Table,
        Image,
        Svg
    };
    static constexpr qint64 kTextCap = 2 * 1024 * 1024;
    static constexpr qint64 kImageCap = 20 * 1024 * 1024;

    explicit ArtifactPreview(StoreSession* session, QWidget* parent = nullptr);

    /** Reads and shows an artifact of a run; size from the listing, -1 when unknown. */
    void showArtifact(const std::string& runId, const QString& path, qint64 size);
    /** Shows bytes already at hand (what showArtifact does once they arrive). */
    void showBytes(const QString& path, const QByteArray& bytes);
    /** Shows nothing but `note`, by default an invitation to pick a file. */
    void clear(const QString& note = {});

    /** The preview a file name gets (before looking at the bytes). */
    static Kind kindForPath(const QString& path);

    Kind kind() const { return m_kind; }
    /** The text shown in place of a preview (an error, a refusal, or why there is none); empty otherwise. */
    QString message() const;
    QPlainTextEdit* textView() const { return m_text; }
    QTableView* tableView() const { return m_table; }
    QLabel* imageLabel() const { return m_image; }
    QPushButton* saveButton() const { return m_saveButton; }

    /** Writes the whole artifact to a local file (Save as… does this after asking where). */
    void saveTo(const QString& fileName);

Q_SIGNALS:
    /** The preview (or its message) for the current artifact is on screen. */
    void shown(runlens::ArtifactPreview::Kind kind);
    /** A save or an open finished; ok false with a message when it failed. */
    void saved(const QString& fileName, bool ok, const QString& message);

private:
    void showMessage(const QString& text, bool offerSave = true);
    void showText(const QString& text, Kind kind);
    void openExternally();
    void chooseSaveFile();
    /** Reads the whole artifact on a worker and writes it to fileName; then runs done on the GUI thread. */
    void writeLocalCopy(const QString& fileName, bool openAfter);

    QPointer<StoreSession> m_session;
    std::string m_runId;
    QString m_path;
    qint64 m_size = -1;
    Kind m_kind = Kind::None;
    std::uint64_t m_generation = 0;

    QLabel* m_title;
    QPushButton* m_openButton;
    QPushButton* m_saveButton;
    QStackedWidget* m_stack;
    QLabel* m_message;
    QPlainTextEdit* m_text;
    QTableView* m_table;
    QStandardItemModel* m_tableModel;
    QLabel* m_image;
};

} // namespace runlens
