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
#include <QTest>
#include <QTextBrowser>
#include <QTextDocument>
#include <QTextTable>
#include <QTreeView>
#include <QTreeWidget>

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
