// SPDX-License-Identifier: Apache-2.0
#include "artifactbrowser.h"
#include "artifactpreview.h"
#include "artifacttreemodel.h"
#include "storesession.h"

#include <QAbstractItemModelTester>
#include <QFile>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

using namespace runlens;
using Kind = ArtifactPreview::Kind;

namespace {

const std::string kResnet = "e10f02a4494e4ac79d6440711e2ebdaf";

} // namespace

class TestArtifactPreview : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        qRegisterMetaType<runlens::ArtifactPreview::Kind>();
        QSignalSpy opened(&m_session, &StoreSession::opened);
        m_session.open(QStringLiteral(RUNLENS_FIXTURE_DIR "/file/mlruns"));
        QVERIFY(opened.wait(10000));
    }

    void kindForPath_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("kind");
        QTest::newRow("json") << "config/params.json" << int(Kind::Json);
        QTest::newRow("csv") << "data/losses.csv" << int(Kind::Table);
        QTest::newRow("tsv") << "a/b.TSV" << int(Kind::Table);
        QTest::newRow("png") << "plots/loss_curve.png" << int(Kind::Image);
        QTest::newRow("webp") << "images/x%compressed.webp" << int(Kind::Image);
        QTest::newRow("jpeg") << "x.JPEG" << int(Kind::Image);
        QTest::newRow("gif") << "x.gif" << int(Kind::Image);
        QTest::newRow("svg") << "x.svg" << int(Kind::Svg);
        QTest::newRow("mlmodel") << "model/MLmodel" << int(Kind::Yaml);
        QTest::newRow("yml") << "conda.yml" << int(Kind::Yaml);
        QTest::newRow("txt") << "file with spaces & ünïcode.txt" << int(Kind::Text);
    }

    void kindForPath()
    {
        QFETCH(QString, path);
        QFETCH(int, kind);
        QCOMPARE(int(ArtifactPreview::kindForPath(path)), kind);
    }

    void previewsFixtureFiles_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("kind");
        QTest::newRow("json") << "config/params.json" << int(Kind::Json);
        QTest::newRow("csv") << "data/losses.csv" << int(Kind::Table);
        QTest::newRow("png") << "plots/loss_curve.png" << int(Kind::Image);
        QTest::newRow("webp")
            << "images/"
               "sample_prediction%step%3%timestamp%1735689600003%q28cfc25-8dc3-4bc3-9a54-b3e829fc8fb9%compressed.webp"
            << int(Kind::Image);
        QTest::newRow("mlmodel") << "model/MLmodel" << int(Kind::Yaml);
        QTest::newRow("text") << "file with spaces & ünïcode.txt" << int(Kind::Text);
        QTest::newRow("empty") << "empty.bin" << int(Kind::Message);
        QTest::newRow("missing") << "no/such/file.txt" << int(Kind::Message);
    }

    void previewsFixtureFiles()
    {
        QFETCH(QString, path);
        QFETCH(int, kind);
        ArtifactPreview preview(&m_session);
        QSignalSpy shown(&preview, &ArtifactPreview::shown);
        preview.showArtifact(kResnet, path, -1);
        QVERIFY(shown.wait(10000));
        QCOMPARE(int(preview.kind()), kind);
    }

    void contentIsRight()
    {
        ArtifactPreview preview(&m_session);
        QSignalSpy shown(&preview, &ArtifactPreview::shown);

        preview.showArtifact(kResnet, QStringLiteral("plots/loss_curve.png"), 100);
        QVERIFY(shown.wait(10000));
        QCOMPARE(preview.imageLabel()->pixmap().size(), QSize(64, 48));

        preview.showArtifact(kResnet,
            QStringLiteral(
                "images/sample_prediction%step%3%timestamp%1735689600003%q28cfc25-8dc3-4bc3-9a54-b3e829fc8fb9%"
                "compressed.webp"),
            208);
        QVERIFY(shown.wait(10000));
        QCOMPARE(preview.imageLabel()->pixmap().size(), QSize(256, 256));

        preview.showArtifact(kResnet, QStringLiteral("data/losses.csv"), 23);
        QVERIFY(shown.wait(10000));
        const auto* table = preview.tableView()->model();
        QCOMPARE(table->columnCount(), 2);
        QCOMPARE(table->rowCount(), 2);
        QCOMPARE(table->headerData(0, Qt::Horizontal).toString(), QStringLiteral("epoch"));
        QCOMPARE(table->headerData(1, Qt::Horizontal).toString(), QStringLiteral("loss"));
        QCOMPARE(table->index(1, 1).data().toString(), QStringLiteral("1.9"));

        preview.showArtifact(kResnet, QStringLiteral("eval/table.json"), 81);
        QVERIFY(shown.wait(10000));
        QCOMPARE(int(preview.kind()), int(Kind::Json));
        const QString json = preview.textView()->toPlainText();
        QVERIFY2(json.startsWith(QStringLiteral("{\n  \"columns\": [\n    \"input\",")), qPrintable(json));

        preview.showArtifact(kResnet, QStringLiteral("config/params.json"), 111);
        QVERIFY(shown.wait(10000));
        QVERIFY(preview.textView()->toPlainText().contains(QStringLiteral("\"name\": \"résnet\"")));

        preview.showArtifact(kResnet, QStringLiteral("model/MLmodel"), 445);
        QVERIFY(shown.wait(10000));
        QVERIFY(preview.textView()->toPlainText().contains(QStringLiteral("flavors:")));
    }

    void tooLargeOffersSave()
    {
        ArtifactPreview preview(&m_session);
        QSignalSpy shown(&preview, &ArtifactPreview::shown);
        preview.showArtifact(kResnet, QStringLiteral("notes.txt"), ArtifactPreview::kTextCap + 1);
        QCOMPARE(int(preview.kind()), int(Kind::Message));
        QVERIFY(preview.message().contains(QStringLiteral("too large")));
        QVERIFY(preview.saveButton()->isEnabled());
    }

    void bytesKinds()
    {
        ArtifactPreview preview(nullptr);
        // int64 beyond 2^53 stays exact; quoted CSV fields keep commas, quotes and line breaks.
        preview.showBytes(QStringLiteral("big.json"), QByteArray("{\"step\": 9007199254740993}"));
        QCOMPARE(preview.textView()->toPlainText(), QStringLiteral("{\n  \"step\": 9007199254740993\n}"));

        preview.showBytes(
            QStringLiteral("t.csv"), QByteArray("a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\n\"two\nlines\",3\n"));
        const auto* table = preview.tableView()->model();
        QCOMPARE(table->rowCount(), 2);
        QCOMPARE(table->index(0, 0).data().toString(), QStringLiteral("x, y"));
        QCOMPARE(table->index(0, 1).data().toString(), QStringLiteral("say \"hi\""));
        QCOMPARE(table->index(1, 0).data().toString(), QStringLiteral("two\nlines"));

        preview.showBytes(QStringLiteral("t.tsv"), QByteArray("a\tb\tc\n1\t2\t3\n"));
        QCOMPARE(preview.tableView()->model()->columnCount(), 3);

        preview.showBytes(QStringLiteral("x.svg"),
            QByteArray("<svg xmlns='http://www.w3.org/2000/svg' width='40' height='30'>"
                       "<rect width='40' height='30' fill='red'/></svg>"));
        QCOMPARE(int(preview.kind()), int(Kind::Svg));
        QCOMPARE(preview.imageLabel()->pixmap().size(), QSize(40, 30));

        preview.showBytes(QStringLiteral("broken.svg"), QByteArray("<svg"));
        QCOMPARE(int(preview.kind()), int(Kind::Message));

        preview.showBytes(QStringLiteral("nan.json"), QByteArray("{\"a\": NaN}"));
        QCOMPARE(int(preview.kind()), int(Kind::Text));
        QCOMPARE(preview.textView()->toPlainText(), QStringLiteral("{\"a\": NaN}"));

        preview.showBytes(QStringLiteral("blob"), QByteArray("ab\0cd", 5));
        QCOMPARE(int(preview.kind()), int(Kind::Message));
        QVERIFY(preview.message().contains(QStringLiteral("binary")));

        preview.showBytes(QStringLiteral("bad.png"), QByteArray("not an image"));
        QCOMPARE(int(preview.kind()), int(Kind::Message));
    }

    void saveWritesWholeFile()
    {
        QTemporaryDir dir;
        ArtifactPreview preview(&m_session);
        QSignalSpy shown(&preview, &ArtifactPreview::shown);
        preview.showArtifact(kResnet, QStringLiteral("model/MLmodel"), 445);
        QVERIFY(shown.wait(10000));
        QSignalSpy saved(&preview, &ArtifactPreview::saved);
        const QString target = dir.filePath(QStringLiteral("copy/MLmodel"));
        preview.saveTo(target);
        QVERIFY(saved.wait(10000));
        QVERIFY2(saved.first().at(1).toBool(), qPrintable(saved.first().at(2).toString()));
        QFile file(target);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.size(), 445);
    }

    void browserPreviewsSelection()
    {
        ArtifactBrowser browser(&m_session);
        QAbstractItemModelTester tester(browser.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy loaded(browser.model(), &ArtifactTreeModel::folderLoaded);
        browser.resize(900, 500);
        browser.show();
        browser.setRun(kResnet);
        QTRY_VERIFY_WITH_TIMEOUT(browser.model()->rowCount() > 0, 10000); // the view fetches the root
        const QModelIndex plots = browser.model()->index(6, 0);
        QCOMPARE(plots.data().toString(), QStringLiteral("plots"));
        browser.treeView()->expand(plots);
        QTRY_COMPARE_WITH_TIMEOUT(browser.model()->rowCount(plots), 1, 10000);
        QSignalSpy shown(browser.preview(), &ArtifactPreview::shown);
        browser.treeView()->setCurrentIndex(browser.model()->index(0, 0, plots));
        QVERIFY(shown.wait(10000));
        QCOMPARE(int(browser.preview()->kind()), int(Kind::Image));
    }

    void runWithoutArtifactsSaysSo()
    {
        ArtifactBrowser browser(&m_session);
        QSignalSpy loaded(browser.model(), &ArtifactTreeModel::folderLoaded);
        browser.resize(900, 500);
        browser.show();
        browser.setRun("f316c9f4747b43e4bac4816beaa3d303"); // renamed-run: logged no artifacts
        QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty(), 10000);
        QCOMPARE(loaded.first().at(0).toString(), QString());
        QCOMPARE(browser.model()->rowCount(), 0);
        QCOMPARE(browser.preview()->message(), QStringLiteral("This run has no artifacts."));

        // A run with artifacts: the usual invitation to pick one.
        loaded.clear();
        browser.setRun(kResnet);
        QTRY_VERIFY_WITH_TIMEOUT(browser.model()->rowCount() > 0, 10000);
        QCOMPARE(browser.preview()->message(), QStringLiteral("Select a file to preview it."));
    }

private:
    StoreSession m_session;
};

QTEST_MAIN(TestArtifactPreview)
#include "tst_artifactpreview.moc"
