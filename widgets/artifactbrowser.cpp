// SPDX-License-Identifier: Apache-2.0
#include "artifactbrowser.h"

#include "artifactpreview.h"
#include "artifacttreemodel.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QSplitter>
#include <QTreeView>

namespace runlens {

ArtifactBrowser::ArtifactBrowser(StoreSession* session, QWidget* parent)
    : QWidget(parent)
    , m_model(new ArtifactTreeModel(session, this))
    , m_tree(new QTreeView(this))
    , m_preview(new ArtifactPreview(session, this))
{
    m_tree->setModel(m_model);
    m_tree->setUniformRowHeights(true);
    m_tree->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_tree->header()->setStretchLastSection(false);
    m_tree->header()->setSectionResizeMode(ArtifactTreeModel::NameColumn, QHeaderView::Stretch);
    m_tree->header()->setSectionResizeMode(ArtifactTreeModel::SizeColumn, QHeaderView::ResizeToContents);

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_tree);
    splitter->addWidget(m_preview);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 2);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);

    connect(m_tree->selectionModel(), &QItemSelectionModel::currentChanged, this,
        [this](const QModelIndex& current) { previewIndex(current); });
    // An empty tree beside "Select a file" would leave one looking for files that are not there.
    const auto rootListed = [this](const QString& path) {
        if (path.isEmpty() && m_model->rowCount() == 0)
            m_preview->clear(tr("This run has no artifacts."));
    };
    connect(m_model, &ArtifactTreeModel::folderLoaded, this, rootListed);
    connect(m_model, &ArtifactTreeModel::folderRefreshed, this, rootListed);
}

void ArtifactBrowser::setRun(const std::string& runId)
{
    m_preview->clear();
    m_model->setRun(runId);
}

void ArtifactBrowser::refresh()
{
    m_model->refresh();
}

void ArtifactBrowser::previewIndex(const QModelIndex& index)
{
    if (!index.isValid() || index.data(ArtifactTreeModel::IsDirRole).toBool()) {
        m_preview->clear();
        return;
    }
    m_preview->showArtifact(m_model->runId(), index.data(ArtifactTreeModel::PathRole).toString(),
        index.data(ArtifactTreeModel::SizeRole).toLongLong());
}

} // namespace runlens
