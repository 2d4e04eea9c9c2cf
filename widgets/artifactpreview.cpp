// SPDX-License-Identifier: Apache-2.0
#include "artifactpreview.h"

#include "artifacttreemodel.h"
#include "chartexport.h"
#include "storesession.h"

#include <QBuffer>
#include <QCoreApplication>
#include <QDesktopServices>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QImageReader>
#include <QLabel>
#include <QPainter>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollArea>
#include <QStackedWidget>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QSvgRenderer>
#include <QSyntaxHighlighter>
#include <QTableView>
#include <QTextCharFormat>
#include <QUrl>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <nlohmann/json.hpp>

namespace runlens {

namespace {

constexpr int kMaxTableRows = 10000;
// Save and open read the whole file; far beyond any preview cap, but still a bound.
constexpr std::int64_t kMaxCopyBytes = std::int64_t(1) << 40;

QString toQString(const std::string& s)
{
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

QString baseName(const QString& path)
{
    return path.section(QLatin1Char('/'), -1);
}

/** RFC 4180 records: quoted fields may hold the delimiter, doubled quotes and line breaks. */
QList<QStringList> parseDelimited(const QString& text, QChar delimiter, bool* truncated)
{
    QList<QStringList> rows;
    QStringList row;
    QString field;
    bool quoted = false;
    bool fieldStarted = false;
    *truncated = false;
    const qsizetype n = text.size();
    for (qsizetype i = 0; i < n; ++i) {
        const QChar c = text.at(i);
        if (quoted) {
            if (c == QLatin1Char('"')) {
                if (i + 1 < n && text.at(i + 1) == QLatin1Char('"')) {
                    field += QLatin1Char('"');
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                field += c;
            }
            continue;
        }
        if (c == QLatin1Char('"') && field.isEmpty()) {
            quoted = true;
            fieldStarted = true;
        } else if (c == delimiter) {
            row << field;
            field.clear();
            fieldStarted = true;
        } else if (c == QLatin1Char('\r') || c == QLatin1Char('\n')) {
            if (c == QLatin1Char('\r') && i + 1 < n && text.at(i + 1) == QLatin1Char('\n'))
                ++i;
            row << field;
            rows << row;
            row.clear();
            field.clear();
            fieldStarted = false;
            if (rows.size() > kMaxTableRows) {
                *truncated = true;
                return rows;
            }
        } else {
            field += c;
            fieldStarted = true;
        }
    }
    if (fieldStarted || !field.isEmpty() || !row.isEmpty()) {
        row << field;
        rows << row;
    }
    return rows;
}

/** Light YAML colouring: keys, comments, and the `flavors:` blocks of MLmodel read at a glance. */
class YamlHighlighter final : public QSyntaxHighlighter
{
public:
    YamlHighlighter(QTextDocument* document, const QPalette& palette)
        : QSyntaxHighlighter(document)
    {
        m_key.setForeground(palette.color(QPalette::Link));
        m_key.setFontWeight(QFont::DemiBold);
        m_comment.setForeground(palette.color(QPalette::PlaceholderText));
        m_comment.setFontItalic(true);
    }

protected:
    void highlightBlock(const QString& text) override
    {
        static const QRegularExpression key(QStringLiteral(R"(^(\s*-?\s*)([^:#\s][^:#]*):(\s|$))"));
        const auto match = key.match(text);
        if (match.hasMatch())
            setFormat(static_cast<int>(match.capturedStart(2)), static_cast<int>(match.capturedLength(2)), m_key);
        static const QRegularExpression comment(QStringLiteral(R"((^|\s)#.*$)"));
        const auto c = comment.match(text);
        if (c.hasMatch())
            setFormat(static_cast<int>(c.capturedStart()), static_cast<int>(c.capturedLength()), m_comment);
    }

private:
    QTextCharFormat m_key;
    QTextCharFormat m_comment;
};

bool looksBinary(const QByteArray& bytes)
{
    return bytes.left(8192).contains('\0');
}

} // namespace

ArtifactPreview::ArtifactPreview(StoreSession* session, QWidget* parent)
    : QWidget(parent)
    , m_session(session)
    , m_title(new QLabel(this))
    , m_openButton(new QPushButton(tr("Open"), this))
    , m_saveButton(new QPushButton(tr("Save As…"), this))
    , m_stack(new QStackedWidget(this))
    , m_message(new QLabel(this))
    , m_text(new QPlainTextEdit(this))
    , m_table(new QTableView(this))
    , m_tableModel(new QStandardItemModel(this))
    , m_image(new QLabel)
{
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_openButton->setToolTip(tr("Open with the system's application"));
    m_saveButton->setToolTip(tr("Save a copy of this file"));
    auto* header = new QHBoxLayout;
    header->setContentsMargins(0, 0, 0, 0);
    header->addWidget(m_title, 1);
    header->addWidget(m_openButton);
    header->addWidget(m_saveButton);

    m_message->setAlignment(Qt::AlignCenter);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_text->setReadOnly(true);
    m_text->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_table->setModel(m_tableModel);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_table->setWordWrap(false);
    m_image->setAlignment(Qt::AlignCenter);
    auto* imageScroll = new QScrollArea(this);
    imageScroll->setWidget(m_image);
    imageScroll->setWidgetResizable(true);
    imageScroll->setAlignment(Qt::AlignCenter);

    m_stack->addWidget(m_message);
    m_stack->addWidget(m_text);
    m_stack->addWidget(m_table);
    m_stack->addWidget(imageScroll);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(header);
    layout->addWidget(m_stack, 1);

    connect(m_openButton, &QPushButton::clicked, this, &ArtifactPreview::openExternally);
    connect(m_saveButton, &QPushButton::clicked, this, &ArtifactPreview::chooseSaveFile);
    clear();
}

void ArtifactPreview::clear(const QString& note)
{
    ++m_generation;
    m_runId.clear();
    m_path.clear();
    m_size = -1;
    m_title->clear();
    m_openButton->setEnabled(false);
    m_saveButton->setEnabled(false);
    m_message->setText(note.isEmpty() ? tr("Select a file to preview it.") : note);
    m_stack->setCurrentWidget(m_message);
    m_kind = Kind::None;
}

QString ArtifactPreview::message() const
{
    return m_stack->currentWidget() == m_message ? m_message->text() : QString();
}

ArtifactPreview::Kind ArtifactPreview::kindForPath(const QString& path)
{
    const QString name = baseName(path);
    if (name == QLatin1String("MLmodel") || name == QLatin1String("MLproject"))
        return Kind::Yaml;
    const QString suffix = QFileInfo(name).suffix().toLower();
    if (suffix == QLatin1String("json"))
        return Kind::Json;
    if (suffix == QLatin1String("yaml") || suffix == QLatin1String("yml"))
        return Kind::Yaml;
    if (suffix == QLatin1String("csv") || suffix == QLatin1String("tsv"))
        return Kind::Table;
    if (suffix == QLatin1String("svg"))
        return Kind::Svg;
    static const QStringList images {QStringLiteral("png"), QStringLiteral("jpg"), QStringLiteral("jpeg"),
        QStringLiteral("gif"), QStringLiteral("webp"), QStringLiteral("bmp")};
    if (images.contains(suffix))
        return Kind::Image;
    return Kind::Text;
}

void ArtifactPreview::showArtifact(const std::string& runId, const QString& path, qint64 size)
{
    const std::uint64_t generation = ++m_generation;
    m_runId = runId;
    m_path = path;
    m_size = size;
    m_title->setText(size >= 0 ? tr("%1  (%2)").arg(path, ArtifactTreeModel::formatSize(size)) : path);
    m_title->setToolTip(path);
    m_openButton->setEnabled(true);
    m_saveButton->setEnabled(true);

    const Kind kind = kindForPath(path);
    const qint64 cap = (kind == Kind::Image || kind == Kind::Svg) ? kImageCap : kTextCap;
    if (size > cap) {
        showMessage(tr("%1 is too large to preview (%2). Save it or open it with another application.")
                        .arg(baseName(path), ArtifactTreeModel::formatSize(size)));
        return;
    }
    if (!m_session || !m_session->store()) {
        showMessage(tr("No store is open."), false);
        return;
    }
    m_message->setText(tr("Loading %1…").arg(baseName(path)));
    m_stack->setCurrentWidget(m_message);
    m_kind = Kind::Message;
    const std::string stdPath = path.toStdString();
    (void)QtConcurrent::run(m_session->threadPool(),
        [self = QPointer<ArtifactPreview>(this), store = m_session->store(), runId, stdPath, cap, generation] {
            // One byte past the cap tells a file that grew since it was listed.
            auto result = std::make_shared<Result<std::string>>(store->readArtifact(runId, stdPath, cap + 1));
            QMetaObject::invokeMethod(
                QCoreApplication::instance(),
                [self, result, generation, cap] {
                    if (!self || generation != self->m_generation)
                        return;
                    if (!result->ok()) {
                        self->showMessage(tr("Could not read: %1").arg(toQString(result->error().toString())));
                        return;
                    }
                    const std::string& bytes = result->value();
                    if (static_cast<qint64>(bytes.size()) > cap) {
                        self->showMessage(tr("%1 is too large to preview. Save it or open it with another application.")
                                              .arg(baseName(self->m_path)));
                        return;
                    }
                    self->showBytes(self->m_path, QByteArray(bytes.data(), static_cast<qsizetype>(bytes.size())));
                },
                Qt::QueuedConnection);
        });
}

void ArtifactPreview::showBytes(const QString& path, const QByteArray& bytes)
{
    m_path = path;
    if (m_title->text().isEmpty())
        m_title->setText(path);
    if (bytes.isEmpty()) {
        showMessage(tr("%1 is empty.").arg(baseName(path)), false);
        return;
    }
    const Kind kind = kindForPath(path);
    switch (kind) {
    case Kind::Image: {
        QBuffer buffer;
        buffer.setData(bytes);
        buffer.open(QIODevice::ReadOnly);
        QImageReader reader(&buffer);
        const QImage image = reader.read();
        if (image.isNull()) {
            showMessage(tr("Could not show %1: %2").arg(baseName(path), reader.errorString()));
            return;
        }
        m_image->setPixmap(QPixmap::fromImage(image));
        m_image->setToolTip(tr("%1 × %2 pixels").arg(image.width()).arg(image.height()));
        m_stack->setCurrentIndex(3);
        m_kind = Kind::Image;
        break;
    }
    case Kind::Svg: {
        // Drawn once into an image (QtSvg, not QtSvgWidgets, is what the widgets layer links).
        QSvgRenderer renderer(bytes);
        if (!renderer.isValid()) {
            showMessage(tr("Could not show %1: not a valid SVG image.").arg(baseName(path)));
            return;
        }
        QSize size = renderer.defaultSize();
        if (size.isEmpty())
            size = QSize(512, 512);
        size = size.boundedTo(QSize(4096, 4096));
        QImage image(size, QImage::Format_ARGB32_Premultiplied);
        image.fill(Qt::transparent);
        QPainter painter(&image);
        renderer.render(&painter);
        painter.end();
        m_image->setPixmap(QPixmap::fromImage(image));
        m_image->setToolTip(tr("%1 × %2 pixels").arg(size.width()).arg(size.height()));
        m_stack->setCurrentIndex(3);
        m_kind = Kind::Svg;
        break;
    }
    case Kind::Json: {
        const auto json = nlohmann::json::parse(bytes.constData(), bytes.constData() + bytes.size(), nullptr, false);
        if (json.is_discarded()) {
            // Not strict JSON (NaN, a truncated file...): the text itself is still worth seeing.
            showText(QString::fromUtf8(bytes), Kind::Text);
            break;
        }
        // nlohmann keeps 64-bit integers exact, which a double-based parser would round.
        showText(toQString(json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace)), Kind::Json);
        break;
    }
    case Kind::Table: {
        bool truncated = false;
        const QChar delimiter
            = path.endsWith(QLatin1String(".tsv"), Qt::CaseInsensitive) ? QLatin1Char('\t') : QLatin1Char(',');
        const QList<QStringList> rows = parseDelimited(QString::fromUtf8(bytes), delimiter, &truncated);
        m_tableModel->clear();
        if (rows.isEmpty()) {
            showMessage(tr("%1 has no rows.").arg(baseName(path)));
            return;
        }
        qsizetype columns = 0;
        for (const QStringList& row : rows)
            columns = std::max(columns, row.size());
        m_tableModel->setColumnCount(static_cast<int>(columns));
        m_tableModel->setHorizontalHeaderLabels(rows.front());
        for (qsizetype r = 1; r < rows.size(); ++r) {
            QList<QStandardItem*> items;
            for (const QString& field : rows[r])
                items << new QStandardItem(field);
            m_tableModel->appendRow(items);
        }
        m_table->resizeColumnsToContents();
        m_table->setToolTip(truncated ? tr("Showing the first %1 rows.").arg(kMaxTableRows) : QString());
        m_stack->setCurrentWidget(m_table);
        m_kind = Kind::Table;
        break;
    }
    case Kind::Yaml:
        showText(QString::fromUtf8(bytes), Kind::Yaml);
        break;
    default:
        if (looksBinary(bytes)) {
            showMessage(tr("%1 is a binary file; open it with another application or save it.").arg(baseName(path)));
            return;
        }
        showText(QString::fromUtf8(bytes), Kind::Text);
        break;
    }
    Q_EMIT shown(m_kind);
}

void ArtifactPreview::showText(const QString& text, Kind kind)
{
    // A highlighter left from a YAML file would colour the next text too.
    const auto highlighters = m_text->document()->findChildren<QSyntaxHighlighter*>();
    for (QSyntaxHighlighter* h : highlighters)
        delete h;
    m_text->setPlainText(text);
    if (kind == Kind::Yaml)
        new YamlHighlighter(m_text->document(), palette());
    m_stack->setCurrentWidget(m_text);
    m_kind = kind;
}

void ArtifactPreview::showMessage(const QString& text, bool offerSave)
{
    m_message->setText(text);
    m_stack->setCurrentWidget(m_message);
    m_saveButton->setEnabled(offerSave && !m_runId.empty());
    m_kind = Kind::Message;
    Q_EMIT shown(m_kind);
}

void ArtifactPreview::chooseSaveFile()
{
    if (m_runId.empty())
        return;
    const QString start
        = QDir(QStandardPaths::writableLocation(QStandardPaths::DownloadLocation)).filePath(baseName(m_path));
    const QString fileName = QFileDialog::getSaveFileName(this, tr("Save Artifact"), start);
    if (!fileName.isEmpty())
        saveTo(fileName);
}

void ArtifactPreview::saveTo(const QString& fileName)
{
    writeLocalCopy(fileName, false);
}

void ArtifactPreview::openExternally()
{
    if (m_runId.empty())
        return;
    // The store may be remote, so the system application gets a temporary copy under the run's id.
    const QString dir = QDir(QStandardPaths::writableLocation(QStandardPaths::TempLocation))
                            .filePath(QStringLiteral("runlens/") + toQString(m_runId));
    writeLocalCopy(QDir(dir).filePath(baseName(m_path)), true);
}

void ArtifactPreview::writeLocalCopy(const QString& fileName, bool openAfter)
{
    if (!m_session || !m_session->store())
        return;
    (void)QtConcurrent::run(m_session->threadPool(),
        [self = QPointer<ArtifactPreview>(this), store = m_session->store(), runId = m_runId,
            path = m_path.toStdString(), fileName, openAfter] {
            QString error;
            auto bytes = store->readArtifact(runId, path, kMaxCopyBytes);
            if (!bytes) {
                error = tr("Could not read: %1").arg(toQString(bytes.error().toString()));
            } else {
                QDir().mkpath(QFileInfo(fileName).absolutePath());
                // A failed write never leaves a half-written file under the user's name.
                ChartExport::writeAtomically(
                    fileName, QByteArray::fromRawData(bytes->data(), static_cast<qsizetype>(bytes->size())), &error);
            }
            QMetaObject::invokeMethod(
                QCoreApplication::instance(),
                [self, fileName, error, openAfter] {
                    if (!self)
                        return;
                    if (error.isEmpty() && openAfter)
                        QDesktopServices::openUrl(QUrl::fromLocalFile(fileName));
                    if (!error.isEmpty())
                        self->m_title->setToolTip(error);
                    Q_EMIT self->saved(fileName, error.isEmpty(), error);
                },
                Qt::QueuedConnection);
        });
}

} // namespace runlens
