// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QWidget>

#include <string>

class QTreeView;

namespace runlens {

class ArtifactPreview;
class ArtifactTreeModel;
class StoreSession;

/** A run's artifacts: the tree, listed lazily as folders open, next to a preview of the chosen file. */
class ArtifactBrowser final : public QWidget
{
    Q_OBJECT
public:
    explicit ArtifactBrowser(StoreSession* session, QWidget* parent = nullptr);

    void setRun(const std::string& runId);
    /** Lists the shown run's artifacts again in place: expanded folders, selection and preview stay. */
    void refresh();

    ArtifactTreeModel* model() const { return m_model; }
    QTreeView* treeView() const { return m_tree; }
    ArtifactPreview* preview() const { return m_preview; }

private:
    void previewIndex(const QModelIndex& index);

    ArtifactTreeModel* m_model;
    QTreeView* m_tree;
    ArtifactPreview* m_preview;
};

} // namespace runlens
