// SPDX-License-Identifier: Apache-2.0
#include "artifacttreemodel.h"

#include "storesession.h"

#include <algorithm>

#include <QCoreApplication>
#include <QLocale>
#include <QMetaObject>
#include <QtConcurrent/QtConcurrentRun>

namespace runlens {

namespace {

QString toQString(const std::string& s)
{
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

// Folders first, then files, each by name: what file managers do.
bool listedBefore(bool aIsDir, const std::string& aPath, bool bIsDir, const std::string& bPath)
{
    if (aIsDir != bIsDir)
        return aIsDir;
    return aPath < bPath;
}

std::string baseName(const std::string& path)
{
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

} // namespace

ArtifactTreeModel::ArtifactTreeModel(StoreSession* session, QObject* parent)
    : QAbstractItemModel(parent)
    , m_session(session)
    , m_root(std::make_unique<Node>())
{ }

ArtifactTreeModel::~ArtifactTreeModel() = default;

void ArtifactTreeModel::setRun(const std::string& runId)
{
    beginResetModel();
    ++m_generation;
    m_runId = runId;
    m_root = std::make_unique<Node>();
    // Without a run there is nothing to list; mark the root done so views do not ask.
    m_root->fetched = runId.empty();
    endResetModel();
}

ArtifactTreeModel::Node* ArtifactTreeModel::nodeFor(const QModelIndex& index) const
{
    return index.isValid() ? static_cast<Node*>(index.internalPointer()) : m_root.get();
}

QModelIndex ArtifactTreeModel::indexFor(Node* node) const
{
    if (!node || node == m_root.get() || !node->parent)
        return {};
    const auto& siblings = node->parent->children;
    for (std::size_t row = 0; row < siblings.size(); ++row) {
        if (siblings[row].get() == node)
            return createIndex(static_cast<int>(row), 0, node);
    }
    return {};
}

ArtifactTreeModel::Node* ArtifactTreeModel::findNode(Node* from, const std::string& path) const
{
    if (from->path == path)
        return from;
    for (const auto& child : from->children) {
        // Only descend into the folder that is a prefix of the path.
        if (child->path == path)
            return child.get();
        if (child->isDir && path.size() > child->path.size() && path.compare(0, child->path.size(), child->path) == 0
            && path[child->path.size()] == '/')
            return findNode(child.get(), path);
    }
    return nullptr;
}

QModelIndex ArtifactTreeModel::indexForPath(const QString& path) const
{
    Node* node = findNode(m_root.get(), path.toStdString());
    return node ? indexFor(node) : QModelIndex();
}

QModelIndex ArtifactTreeModel::index(int row, int column, const QModelIndex& parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    Node* node = nodeFor(parent);
    return createIndex(row, column, node->children[static_cast<std::size_t>(row)].get());
}

QModelIndex ArtifactTreeModel::parent(const QModelIndex& child) const
{
    if (!child.isValid())
        return {};
    return indexFor(static_cast<Node*>(child.internalPointer())->parent);
}

int ArtifactTreeModel::rowCount(const QModelIndex& parent) const
{
    if (parent.column() > 0)
        return 0;
    return static_cast<int>(nodeFor(parent)->children.size());
}

int ArtifactTreeModel::columnCount(const QModelIndex&) const
{
    return ColumnCount;
}

bool ArtifactTreeModel::hasChildren(const QModelIndex& parent) const
{
    if (parent.column() > 0)
        return false;
    const Node* node = nodeFor(parent);
    // An unlisted folder may have children; saying so gives it an expander, which then fetches.
    return node->isDir && (!node->fetched || !node->children.empty());
}

bool ArtifactTreeModel::canFetchMore(const QModelIndex& parent) const
{
    if (parent.column() > 0)
        return false;
    const Node* node = nodeFor(parent);
    return node->isDir && !node->fetched && !node->fetching && m_session && m_session->store();
}

void ArtifactTreeModel::fetchMore(const QModelIndex& parent)
{
    if (!canFetchMore(parent))
        return;
    Node* node = nodeFor(parent);
    node->fetching = true;
    listAsync(node->path, false);
}

void ArtifactTreeModel::listAsync(const std::string& path, bool merge)
{
    const std::uint64_t generation = m_generation;
    (void)QtConcurrent::run(m_session->threadPool(),
        [self = QPointer<ArtifactTreeModel>(this), store = m_session->store(), runId = m_runId, path, generation,
            merge] {
            auto result = std::make_shared<Result<std::vector<FileInfo>>>(store->listArtifacts(runId, path));
            // Posted to the application: this object may be gone by now, which the GUI thread checks.
            QMetaObject::invokeMethod(
                QCoreApplication::instance(),
                [self, result, path, generation, merge] {
                    if (!self || generation != self->m_generation)
                        return;
                    if (merge)
                        self->mergeListing(path, *result);
                    else
                        self->applyListing(path, *result);
                },
                Qt::QueuedConnection);
        });
}

void ArtifactTreeModel::refresh()
{
    if (m_runId.empty() || !m_session || !m_session->store())
        return;
    // Every folder listed so far, root first; a folder still being listed gets its listing anyway.
    std::vector<const Node*> pending {m_root.get()};
    while (!pending.empty()) {
        const Node* node = pending.back();
        pending.pop_back();
        if (!node->isDir || !node->fetched || node->fetching || !node->error.isEmpty())
            continue;
        listAsync(node->path, true);
        for (const auto& child : node->children)
            pending.push_back(child.get());
    }
}

std::unique_ptr<ArtifactTreeModel::Node> ArtifactTreeModel::makeNode(const FileInfo& info, Node* parent)
{
    auto node = std::make_unique<Node>();
    node->path = info.path;
    node->isDir = info.isDir;
    node->size = info.fileSize;
    node->fetched = !info.isDir;
    node->parent = parent;
    return node;
}

void ArtifactTreeModel::mergeListing(const std::string& path, const Result<std::vector<FileInfo>>& result)
{
    Node* node = findNode(m_root.get(), path);
    // A folder that went or cannot be listed now keeps what it showed; its parent's merge removes it.
    if (!node || !result.ok())
        return;
    std::vector<FileInfo> entries = result.value();
    std::stable_sort(entries.begin(), entries.end(),
        [](const FileInfo& a, const FileInfo& b) { return listedBefore(a.isDir, a.path, b.isDir, b.path); });
    const QModelIndex parentIndex = indexFor(node);
    auto& children = node->children;
    std::size_t i = 0;
    for (const FileInfo& entry : entries) {
        // Rows that sort before the entry are gone from the listing.
        while (i < children.size() && listedBefore(children[i]->isDir, children[i]->path, entry.isDir, entry.path)) {
            beginRemoveRows(parentIndex, static_cast<int>(i), static_cast<int>(i));
            children.erase(children.begin() + static_cast<std::ptrdiff_t>(i));
            endRemoveRows();
        }
        if (i < children.size() && children[i]->path == entry.path && children[i]->isDir == entry.isDir) {
            if (children[i]->size != entry.fileSize) {
                children[i]->size = entry.fileSize;
                const QModelIndex changed = createIndex(static_cast<int>(i), 0, children[i].get());
                Q_EMIT dataChanged(changed, changed.siblingAtColumn(ColumnCount - 1));
            }
        } else {
            beginInsertRows(parentIndex, static_cast<int>(i), static_cast<int>(i));
            children.insert(children.begin() + static_cast<std::ptrdiff_t>(i), makeNode(entry, node));
            endInsertRows();
        }
        ++i;
    }
    if (i < children.size()) {
        beginRemoveRows(parentIndex, static_cast<int>(i), static_cast<int>(children.size()) - 1);
        children.erase(children.begin() + static_cast<std::ptrdiff_t>(i), children.end());
        endRemoveRows();
    }
    Q_EMIT folderRefreshed(toQString(path));
}

void ArtifactTreeModel::applyListing(const std::string& path, const Result<std::vector<FileInfo>>& result)
{
    Node* node = findNode(m_root.get(), path);
    if (!node)
        return;
    node->fetching = false;
    node->fetched = true;
    const QModelIndex parentIndex = indexFor(node);
    if (!result.ok()) {
        node->error = toQString(result.error().message);
        // The folder shows no expander any more; views re-ask hasChildren on dataChanged.
        if (parentIndex.isValid())
            Q_EMIT dataChanged(parentIndex, parentIndex.siblingAtColumn(ColumnCount - 1));
        Q_EMIT folderFailed(toQString(path), node->error);
        return;
    }
    std::vector<FileInfo> entries = result.value();
    std::stable_sort(entries.begin(), entries.end(),
        [](const FileInfo& a, const FileInfo& b) { return listedBefore(a.isDir, a.path, b.isDir, b.path); });
    if (!entries.empty()) {
        beginInsertRows(parentIndex, 0, static_cast<int>(entries.size()) - 1);
        for (const FileInfo& info : entries)
            node->children.push_back(makeNode(info, node));
        endInsertRows();
    } else if (parentIndex.isValid()) {
        Q_EMIT dataChanged(parentIndex, parentIndex.siblingAtColumn(ColumnCount - 1));
    }
    Q_EMIT folderLoaded(toQString(path));
}

QVariant ArtifactTreeModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Node* node = nodeFor(index);
    switch (role) {
    case Qt::DisplayRole:
        if (index.column() == NameColumn)
            return toQString(baseName(node->path));
        if (index.column() == SizeColumn && !node->isDir && node->size)
            return formatSize(*node->size);
        return {};
    case Qt::ToolTipRole:
        if (!node->error.isEmpty())
            return tr("Could not list: %1").arg(node->error);
        return toQString(node->path);
    case Qt::TextAlignmentRole:
        if (index.column() == SizeColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case PathRole:
        return toQString(node->path);
    case IsDirRole:
        return node->isDir;
    case SizeRole:
        return static_cast<qint64>(node->size.value_or(-1));
    default:
        return {};
    }
}

QVariant ArtifactTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return tr("Name");
    case SizeColumn:
        return tr("Size");
    default:
        return {};
    }
}

QString ArtifactTreeModel::formatSize(qint64 bytes)
{
    if (bytes < 1024)
        return bytes == 1 ? tr("1 byte") : tr("%1 bytes").arg(bytes);
    return QLocale::c().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}

} // namespace runlens
