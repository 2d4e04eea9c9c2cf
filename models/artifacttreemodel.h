// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "store.h"

#include <QAbstractItemModel>
#include <QPointer>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace runlens {

class StoreSession;

/**
 * The artifacts of one run as a tree. Folders are listed only when a view expands them
 * (canFetchMore/fetchMore), on a worker of the session; a listing that arrives after another run was
 * set is dropped.
 */
class ArtifactTreeModel final : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column
    {
        NameColumn,
        SizeColumn,
        ColumnCount
    };
    enum Role
    {
        PathRole = Qt::UserRole + 1, // QString, relative to the run's artifact root
        IsDirRole, // bool
        SizeRole, // qint64, -1 when unknown (folders)
    };

    explicit ArtifactTreeModel(StoreSession* session, QObject* parent = nullptr);
    ~ArtifactTreeModel() override;

    /** Shows another run's artifacts (empty: none); the root is listed on the first fetchMore. */
    void setRun(const std::string& runId);
    const std::string& runId() const { return m_runId; }
    /**
     * Lists every folder listed so far again and merges what changed into the rows in place: new
     * entries are inserted, gone ones removed, sizes updated. The other rows stay, and with them the
     * views' expanded folders, selection, current item and scroll. folderRefreshed() per folder.
     */
    void refresh();

    /** The index of an already listed path, or an invalid index. */
    QModelIndex indexForPath(const QString& path) const;

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    bool hasChildren(const QModelIndex& parent = {}) const override;
    bool canFetchMore(const QModelIndex& parent) const override;
    void fetchMore(const QModelIndex& parent) override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    static QString formatSize(qint64 bytes);

Q_SIGNALS:
    /** A folder's listing arrived (path empty for the root). */
    void folderLoaded(const QString& path);
    void folderFailed(const QString& path, const QString& message);
    /** A refresh() listing of a folder was merged (path empty for the root). */
    void folderRefreshed(const QString& path);

private:
    struct Node
    {
        std::string path;
        bool isDir = true;
        std::optional<std::int64_t> size;
        Node* parent = nullptr;
        std::vector<std::unique_ptr<Node>> children;
        bool fetched = false;
        bool fetching = false;
        QString error;
    };

    Node* nodeFor(const QModelIndex& index) const;
    QModelIndex indexFor(Node* node) const;
    Node* findNode(Node* from, const std::string& path) const;
    void applyListing(const std::string& path, const Result<std::vector<FileInfo>>& result);
    void mergeListing(const std::string& path, const Result<std::vector<FileInfo>>& result);
    void listAsync(const std::string& path, bool merge);
    static std::unique_ptr<Node> makeNode(const FileInfo& info, Node* parent);

    QPointer<StoreSession> m_session;
    std::unique_ptr<Node> m_root;
    std::string m_runId;
    std::uint64_t m_generation = 0;
};

} // namespace runlens
