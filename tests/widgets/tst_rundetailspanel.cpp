// SPDX-License-Identifier: Apache-2.0
#include "artifactbrowser.h"
#include "artifactpreview.h"
#include "artifacttreemodel.h"
#include "rundetailsmodel.h"
#include "rundetailspanel.h"
#include "storesession.h"

#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QTextDocument>
#include <QTextTable>
#include <QTreeView>
#include <QTreeWidget>

#include <filesystem>
#include <fstream>

using namespace runlens;

namespace {

const std::string kResnet = "e10f02a4494e4ac79d6440711e2ebdaf";
const std::string kHpoSweep = "ffdcfc59b6b64c2b8659aed1362b3cab";

} // namespace

class TestRunDetailsPanel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QSignalSpy opened(&m_session, &StoreSession::opened);
        m_session.open(QStringLiteral(RUNLENS_FIXTURE_DIR "/file/mlruns"));
        QVERIFY(opened.wait(10000));
    }

    void showsResnet()
    {
        RunDetailsPanel panel(&m_session);
        panel.resize(1100, 700);
        panel.show();
        QSignalSpy metrics(panel.model(), &RunDetailsModel::metricsLoaded);
        panel.showRun(kResnet);
        QVERIFY(metrics.wait(10000));

        // Markdown, not the raw text: a heading, bold, a list and a table.
        QTextDocument* doc = panel.descriptionView()->document();
        const QString text = doc->toPlainText();
        QVERIFY2(text.startsWith(QStringLiteral("ResNet-50 baseline")), qPrintable(text));
        QVERIFY(!text.contains(QStringLiteral("**")));
        QVERIFY(doc->toHtml().contains(QStringLiteral("<table")));

        auto* params = panel.paramsView()->model();
        QCOMPARE(params->rowCount(), 15);
        panel.paramsFilter()->setText(QStringLiteral("rate"));
        QCOMPARE(params->rowCount(), 1);
        QCOMPARE(params->index(0, 1).data().toString(), QStringLiteral("0.1"));

        QCOMPARE(panel.metricsView()->model()->rowCount(), 6);
        QCOMPARE(panel.datasetsView()->model()->index(0, 0).data().toString(), QStringLiteral("cifar10-train"));
        QCOMPARE(panel.datasetsView()->model()->index(0, 2).data().toString(), QStringLiteral("training"));

        // User tags at the top, mlflow.* folded into one group.
        QTreeWidget* tags = panel.tagsView();
        QTreeWidgetItem* system = tags->topLevelItem(tags->topLevelItemCount() - 1);
        QVERIFY(system->text(0).contains(QStringLiteral("mlflow.*")));
        QVERIFY(!system->isExpanded());
        QVERIFY(system->childCount() >= 5);
        for (int i = 0; i < tags->topLevelItemCount() - 1; ++i)
            QVERIFY(!tags->topLevelItem(i)->text(0).startsWith(QStringLiteral("mlflow.")));

        // A grab to look at, with the artifacts tab on a PNG.
        panel.tabs()->setCurrentIndex(panel.tabs()->count() - 1);
        ArtifactBrowser* browser = panel.artifacts();
        QTRY_VERIFY_WITH_TIMEOUT(browser->model()->rowCount() > 6, 10000);
        const QModelIndex plots = browser->model()->index(6, 0);
        browser->treeView()->expand(plots);
        QTRY_COMPARE_WITH_TIMEOUT(browser->model()->rowCount(plots), 1, 10000);
        QSignalSpy shown(browser->preview(), &ArtifactPreview::shown);
        browser->treeView()->setCurrentIndex(browser->model()->index(0, 0, plots));
        QVERIFY(shown.wait(10000));
        panel.grab().save(QStringLiteral("/tmp/details-artifacts.png"));
        panel.tabs()->setCurrentIndex(0);
        panel.grab().save(QStringLiteral("/tmp/details.png"));
    }

    // A live refresh shows the same run again while it logs: the artifact tree takes the new file
    // in place and keeps its expanded folder, the selected file and its preview.
    void refreshKeepsTheArtifactTree()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::filesystem::path store = std::filesystem::path(dir.path().toStdString()) / "mlruns";
        std::filesystem::copy(RUNLENS_FIXTURE_DIR "/file/mlruns", store, std::filesystem::copy_options::recursive);
        StoreSession session;
        QSignalSpy opened(&session, &StoreSession::opened);
        session.open(QString::fromStdString(store.string()));
        QVERIFY(opened.wait(10000));

        RunDetailsPanel panel(&session);
        panel.resize(1100, 700);
        panel.show();
        panel.tabs()->setCurrentIndex(panel.tabs()->count() - 1);
        panel.showRun(kResnet);
        ArtifactBrowser* browser = panel.artifacts();
        ArtifactTreeModel* model = browser->model();
        QTRY_VERIFY_WITH_TIMEOUT(model->indexForPath(QStringLiteral("plots")).isValid(), 10000);
        const QModelIndex plots = model->indexForPath(QStringLiteral("plots"));
        browser->treeView()->expand(plots);
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(plots), 1, 10000);
        QSignalSpy shown(browser->preview(), &ArtifactPreview::shown);
        browser->treeView()->setCurrentIndex(model->index(0, 0, plots));
        QVERIFY(shown.wait(10000));
        const int topRows = model->rowCount();

        // The run logs another plot and a new top-level file.
        const std::filesystem::path artifacts = store / "900844674041952973" / kResnet / "artifacts";
        std::filesystem::copy_file(artifacts / "plots" / "loss_curve.png", artifacts / "plots" / "accuracy.png");
        {
            std::ofstream(artifacts / "epoch-3.log") << "epoch 3\n";
        }

        QSignalSpy reset(model, &QAbstractItemModel::modelReset);
        shown.clear();
        panel.showRun(kResnet);
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(model->indexForPath(QStringLiteral("plots"))), 2, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), topRows + 1, 10000);
        QCOMPARE(reset.count(), 0);
        QVERIFY(browser->treeView()->isExpanded(model->indexForPath(QStringLiteral("plots"))));
        QCOMPARE(browser->treeView()->currentIndex().data(ArtifactTreeModel::PathRole).toString(),
            QStringLiteral("plots/loss_curve.png"));
        QCOMPARE(shown.count(), 0); // the preview was not cleared and shown again
        QVERIFY(browser->preview()->isVisible());
    }

    void parentAndChildLinks()
    {
        RunDetailsPanel panel(&m_session);
        QSignalSpy links(panel.model(), &RunDetailsModel::linksLoaded);
        QSignalSpy activated(&panel, &RunDetailsPanel::runActivated);
        panel.showRun(kHpoSweep);
        QVERIFY(links.wait(10000));
        QListWidget* children = panel.childrenView();
        QCOMPARE(children->count(), 3);
        QCOMPARE(children->item(0)->text(), QStringLiteral("trial-0"));
        Q_EMIT children->itemActivated(children->item(1));
        QCOMPARE(activated.size(), 1);
        const std::string trial1 = activated.takeFirst().at(0).value<std::string>();
        QCOMPARE(trial1, panel.model()->childRuns()[1].runId);

        panel.showRun(trial1);
        QVERIFY(links.wait(10000));
        QVERIFY(panel.parentLabel()->text().contains(QStringLiteral("hpo-sweep")));
        Q_EMIT panel.parentLabel()->linkActivated(QString::fromStdString(kHpoSweep));
        QCOMPARE(activated.size(), 1);
        QCOMPARE(activated.takeFirst().at(0).value<std::string>(), kHpoSweep);
    }

    void runWithoutDescription()
    {
        RunDetailsPanel panel(&m_session);
        QSignalSpy loaded(panel.model(), &RunDetailsModel::runLoaded);
        panel.showRun("608cc21154474af8985f7dd434f4cd49"); // trial-0
        QVERIFY(loaded.wait(10000));
        QVERIFY(panel.descriptionView()->toPlainText().contains(QStringLiteral("no description")));
    }

private:
    StoreSession m_session;
};

QTEST_MAIN(TestRunDetailsPanel)
#include "tst_rundetailspanel.moc"
