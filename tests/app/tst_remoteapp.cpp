// SPDX-License-Identifier: Apache-2.0
// The whole application against a tracking server: a local server answers with the exchanges
// recorded from a real MLflow 2.22 server, and the window browses, filters, charts, edits a run and
// moves a model version through it, with every write sent exactly as MLflow's client sent it.
#include "artifactbrowser.h"
#include "artifactpreview.h"
#include "artifacttreemodel.h"
#include "experimentlistmodel.h"
#include "experimentlistview.h"
#include "mainwindow.h"
#include "metricchartpanel.h"
#include "metricchartview.h"
#include "net/restconnection.h"
#include "recordedpages.h"
#include "registrypanel.h"
#include "replayserver.h"
#include "rundetailsmodel.h"
#include "rundetailspanel.h"
#include "runeditor.h"
#include "runsortproxymodel.h"
#include "runtablemodel.h"
#include "storesession.h"

#include <QBuffer>
#include <QPlainTextEdit>
#include <QScopeGuard>
#include <QSet>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QThreadPool>
#include <QTreeView>

using namespace runlens;
using json = nlohmann::json;
using runlens::test::ReplayServer;

namespace {

constexpr const char* kBaseline = "3f391c61d696479dbd9255bd742f94eb"; // run with recorded histories
constexpr const char* kScratchRun = "18af45f43b0c45f7bf02886a1d97731d"; // run the transcript edits
constexpr const char* kApi = "/api/2.0/mlflow";

QSet<QString> runIds(const QAbstractItemModel* model)
{
    QSet<QString> ids;
    for (int row = 0; row < model->rowCount(); ++row)
        ids.insert(model->index(row, 0).data(RunTableModel::RunIdRole).toString());
    return ids;
}

QSet<QString> recordedRunIds(const json& runs)
{
    QSet<QString> ids;
    for (const auto& r : runs)
        ids.insert(QString::fromStdString(r["info"]["run_id"].get<std::string>()));
    return ids;
}

} // namespace

class TestRemoteApp : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void browsesFiltersAndCharts();
    void editsARunOnTheServer();
    void movesAModelVersion();

private:
    void open(MainWindow& window);
    int writesTo(const std::string& path) const;

    std::unique_ptr<ReplayServer> m_server;
    QTemporaryDir m_dir;
};

void TestRemoteApp::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QApplication::setOrganizationName(QStringLiteral("Runlens"));
    QApplication::setApplicationName(QStringLiteral("Runlens-test-remote")); // own settings: tests may run in parallel
    qunsetenv("MLFLOW_TRACKING_URI");
    m_server = std::make_unique<ReplayServer>(ReplayServer::defaultTranscript());
    QVERIFY(m_server->start());
    m_server->setHandler(runlens::test::recordedPagesHandler(*m_server));
}

void TestRemoteApp::init()
{
    QSettings().clear();
    m_server->clearLog();
}

void TestRemoteApp::open(MainWindow& window)
{
    QSignalSpy listed(window.session(), &StoreSession::experimentsLoaded);
    window.openStore(QString::fromStdString(m_server->baseUrl()));
    QVERIFY(listed.wait());
}

int TestRemoteApp::writesTo(const std::string& path) const
{
    int n = 0;
    for (const auto& r : m_server->requests())
        n += r.method != "GET" && r.path == path ? 1 : 0;
    return n;
}

void TestRemoteApp::browsesFiltersAndCharts()
{
    MainWindow window;
    window.show();
    open(window);

    // The sidebar lists what the server listed.
    const json experiments = runlens::test::recordedPages(*m_server, {3, 4, 5}, "experiments");
    QCOMPARE(window.experimentModel()->rowCount(), int(experiments.size()));
    for (const auto& e : experiments)
        QVERIFY(window.experimentModel()->rowOf(QString::fromStdString(e["experiment_id"].get<std::string>())) >= 0);

    // One experiment's runs: exactly the runs the server returned for it.
    QVERIFY(window.experimentView()->selectExperiments({QStringLiteral("1")}));
    const QSet<QString> all = recordedRunIds(runlens::test::recordedPages(*m_server, {16, 17, 18, 19}, "runs"));
    QTRY_COMPARE(runIds(window.runProxy()), all);

    // A filter goes to the server as written, and the table shows the server's answer (exchange 21).
    QVERIFY(window.setRunFilter(QStringLiteral("attributes.status = 'FAILED'")));
    const QSet<QString> failed = recordedRunIds(m_server->exchange(21).responseJson["runs"]);
    QTRY_COMPARE(runIds(window.runProxy()), failed);
    QVERIFY(window.setRunFilter(QString()));
    QTRY_COMPARE(runIds(window.runProxy()), all);

    // Histories load on as many workers as the connection allows requests in flight: those workers
    // wait on the network, not on the CPU.
    QVERIFY(window.session()->threadPool()->maxThreadCount() >= RestConnection {}.maxConcurrentRequests);

    // The baseline run: details from runs/get, charts from get-history, at full resolution.
    QVERIFY(window.selectRun(QString::fromUtf8(kBaseline)));
    QTRY_COMPARE(QString::fromStdString(window.detailsPanel()->model()->runId()), QString::fromUtf8(kBaseline));
    MetricChartPanel* charts = window.chartPanel();
    for (const char* key : {"lr", "train/loss"}) {
        const QString k = QString::fromUtf8(key);
        const auto csv = [&] {
            QBuffer out;
            out.open(QIODevice::WriteOnly);
            if (MetricChartView* chart = charts->chart(k))
                chart->writeCsv(out);
            return out.data();
        };
        const int recorded = key == std::string("lr") ? 42 : 44;
        const auto& points = m_server->exchange(recorded).responseJson["metrics"];
        // One line per recorded point (3,000 for train/loss: no sampling), plus the header.
        QTRY_COMPARE(csv().count('\n'), qsizetype(points.size()) + 1);
        const QByteArray last = QByteArray::number(qint64(points.back()["step"].get<std::int64_t>())) + ','
            + QByteArray::number(qint64(points.back()["timestamp"].get<std::int64_t>()));
        QVERIFY(csv().contains(last));
    }
    // Its artifacts: the tree lists what the server listed (exchange 53), a file previews from the
    // bytes get-artifact returned (exchange 60, a PNG).
    RunDetailsPanel* details = window.detailsPanel();
    details->tabs()->setCurrentIndex(details->tabs()->count() - 1);
    ArtifactBrowser* browser = details->artifacts();
    const json& listed = m_server->exchange(53).responseJson["files"];
    QTRY_COMPARE(browser->model()->rowCount(), int(listed.size()));
    for (int row = 0; row < browser->model()->rowCount(); ++row) {
        const QString name = browser->model()->index(row, 0).data().toString();
        QVERIFY2(std::any_of(listed.begin(), listed.end(),
                     [&](const json& f) { return QString::fromStdString(f["path"].get<std::string>()) == name; }),
            qPrintable(name));
    }
    QSignalSpy shown(browser->preview(), &ArtifactPreview::shown);
    for (int seq : {59, 62}) { // notes.txt, and a name with spaces, '&' and non-ASCII letters
        const auto& exchange = m_server->exchange(seq);
        QString path;
        for (const auto& [k, v] : exchange.query) {
            if (k == "path")
                path = QString::fromStdString(v);
        }
        const QModelIndex file = browser->model()->indexForPath(path);
        QVERIFY2(file.isValid(), qPrintable(path));
        shown.clear();
        browser->treeView()->setCurrentIndex(file);
        QVERIFY(shown.wait());
        QCOMPARE(browser->preview()->kind(), ArtifactPreview::Kind::Text);
        QCOMPARE(browser->preview()->textView()->toPlainText(), QString::fromUtf8(exchange.response.body));
    }
    QCOMPARE(m_server->requestCount("/get-artifact"), 2);

    // Histories the recording does not hold are reported per metric; the rest is unaffected.
    for (const QString& failure : charts->failures())
        QVERIFY2(!failure.contains(QStringLiteral("lr:")) && !failure.contains(QStringLiteral("train/loss:")),
            qPrintable(failure));
}

void TestRemoteApp::editsARunOnTheServer()
{
    MainWindow window;
    open(window);
    RunEditor* editor = window.runEditor();
    QSignalSpy edited(editor, &RunEditor::edited);
    QSignalSpy failed(editor, &RunEditor::editFailed);

    // Rename, tag, delete and restore: each the request MLflow's client sent (exchanges 94, 91, 105,
    // 107); the transcript answers only those exact bodies.
    const QString run = QString::fromUtf8(kScratchRun);
    editor->rename(run, QStringLiteral("rest-run-renamed"));
    QVERIFY(edited.wait());
    editor->setTag({run}, QStringLiteral("reviewed"), QStringLiteral("yes"));
    QVERIFY(edited.wait());
    editor->deleteRuns({run});
    QVERIFY(edited.wait());
    editor->restoreRuns({run});
    QVERIFY(edited.wait());
    QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.front().at(0).toString()));
    QCOMPARE(writesTo(std::string(kApi) + "/runs/update"), 1);
    QCOMPARE(writesTo(std::string(kApi) + "/runs/set-tag"), 1);
    QCOMPARE(writesTo(std::string(kApi) + "/runs/delete"), 1);
    QCOMPARE(writesTo(std::string(kApi) + "/runs/restore"), 1);

    // A refusal from the server (exchange 136: no such run) is shown with the server's message.
    editor->rename(QStringLiteral("00000000000000000000000000000000"), QStringLiteral("x"));
    QVERIFY(failed.wait());
    QVERIFY2(failed.front().at(0).toString().contains(
                 QString::fromStdString(m_server->exchange(136).responseJson["message"].get<std::string>())),
        qPrintable(failed.front().at(0).toString()));
    QCOMPARE(writesTo(std::string(kApi) + "/runs/update"), 1);
}

void TestRemoteApp::movesAModelVersion()
{
    // The transcript made "rest-scratch-model" after its listings were recorded: the list is the one
    // recorded then, with the model as the server returned it once made (exchange 119).
    json models = runlens::test::recordedPages(*m_server, {65, 66}, "registered_models");
    models.push_back(m_server->exchange(119).responseJson["registered_model"]);
    auto pages = runlens::test::recordedPagesHandler(*m_server);
    m_server->setHandler([=](const runlens::test::ReplayRequest& r) -> std::optional<runlens::test::ReplayResponse> {
        if (r.path == std::string(kApi) + "/registered-models/search" && r.queryValue("filter").empty())
            return runlens::test::ReplayResponse::json(200, {{"registered_models", models}});
        return pages(r);
    });
    const auto restore = qScopeGuard([this] { m_server->setHandler(runlens::test::recordedPagesHandler(*m_server)); });

    MainWindow window;
    QVERIFY(m_dir.isValid());
    window.registryPanel()->setAuditLogPath(m_dir.filePath(QStringLiteral("audit.csv")));
    open(window);
    RegistryPanel* registry = window.registryPanel();
    QTRY_VERIFY(registry->canWrite());

    QSignalSpy versions(registry, &RegistryPanel::versionsLoaded);
    QTRY_VERIFY(registry->currentModel() == QStringLiteral("empty-model")); // the list's first, once loaded
    registry->selectModel(QStringLiteral("rest-scratch-model"));
    QTRY_COMPARE(registry->currentModel(), QStringLiteral("rest-scratch-model"));
    QVERIFY(versions.wait());

    // Version 1 to Staging (exchange 113), then an alias on version 3 (exchange 117).
    QSignalSpy written(registry, &RegistryPanel::writeFinished);
    registry->transitionStage(1, QStringLiteral("Staging"), false);
    QVERIFY(written.wait());
    QVERIFY2(written.front().at(0).toBool(), qPrintable(written.front().at(1).toString()));
    registry->setAlias(QStringLiteral("champion"), 3);
    QTRY_COMPARE(written.size(), 2);
    QVERIFY2(written.at(1).at(0).toBool(), qPrintable(written.at(1).at(1).toString()));
    QCOMPARE(writesTo(std::string(kApi) + "/model-versions/transition-stage"), 1);
    QCOMPARE(writesTo(std::string(kApi) + "/registered-models/alias"), 1);

    // The server's refusal of a stage it does not know (exchange 116) is shown, and nothing breaks.
    registry->transitionStage(1, QStringLiteral("Bogus"), false);
    QTRY_COMPARE(written.size(), 3);
    QVERIFY(!written.at(2).at(0).toBool());
}

QTEST_MAIN(TestRemoteApp)
#include "tst_remoteapp.moc"
