// SPDX-License-Identifier: Apache-2.0
// The Models view (MLflow 3) on the stores MLflow 3.6 wrote: each experiment's logged models in
// MLflow's order with a column per metric and dataset, the filter, the details, a model outside the
// selected experiments, and the registry's link from a version to its logged model.
#include "loggedmodelspanel.h"
#include "loggedmodeltablemodel.h"
#include "mlflow3fixture.h"
#include "modelversionsmodel.h"
#include "registrypanel.h"
#include "storesession.h"

#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>
#include <QTextBrowser>

#include <nlohmann/json.hpp>

using namespace runlens;
using nlohmann::json;
using runlens::test::mlflow3Expected;
using runlens::test::mlflow3StorePath;

namespace {

QString logical(const QString& kind, const char* name)
{
    return QString::fromStdString(mlflow3Expected(kind)["logical_names"][name].get<std::string>());
}

const json& expectedExperiment(const QString& kind, const QString& id)
{
    for (const json& e : mlflow3Expected(kind)["experiments"]) {
        if (e["experiment_id"] == id.toStdString())
            return e;
    }
    static const json none;
    return none;
}

QStringList modelNames(const LoggedModelsPanel& panel)
{
    QStringList names;
    const QSortFilterProxyModel* proxy = panel.proxy();
    for (int row = 0; row < proxy->rowCount(); ++row)
        names << proxy->index(row, LoggedModelTableModel::NameColumn).data().toString();
    return names;
}

} // namespace

class TestLoggedModelsPanel : public QObject
{
    Q_OBJECT

    void openStore(StoreSession& session, const QString& kind)
    {
        QSignalSpy opened(&session, &StoreSession::opened);
        session.open(mlflow3StorePath(kind));
        QVERIFY(opened.wait());
    }

    void show(LoggedModelsPanel& panel, const QString& experimentId)
    {
        QSignalSpy loaded(panel.model(), &LoggedModelTableModel::loaded);
        panel.setExperiments({experimentId});
        QVERIFY(loaded.wait());
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY2(mlflow3Expected(QStringLiteral("file")).is_object(), "expected.json is missing");
    }

    void stores_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("file") << QStringLiteral("file");
        QTest::newRow("sqlite") << QStringLiteral("sqlite");
    }

    // Rows in MLflow's order; a metric on two datasets is two columns, each with its latest value.
    void showsEachExperimentsModels_data() { stores_data(); }
    void showsEachExperimentsModels()
    {
        QFETCH(QString, kind);
        StoreSession session;
        openStore(session, kind);
        LoggedModelsPanel panel(&session);
        for (const char* experiment : {"exp:image-classification", "exp:genai-agent"}) {
            const QString id = logical(kind, experiment);
            show(panel, id);
            QStringList want;
            for (const json& m : expectedExperiment(kind, id)["logged_models"])
                want << QString::fromStdString(m["name"].get<std::string>());
            QVERIFY(!want.isEmpty());
            QCOMPARE(modelNames(panel), want);
        }
        show(panel, logical(kind, "exp:image-classification"));
        const LoggedModelTableModel* model = panel.model();
        const QStringList metrics = model->metricColumns();
        QVERIFY2(metrics.contains(QStringLiteral("accuracy (cifar10-eval)")),
            qPrintable(metrics.join(QStringLiteral(", "))));
        QVERIFY2(metrics.contains(QStringLiteral("accuracy (cifar10-train)")),
            qPrintable(metrics.join(QStringLiteral(", "))));
        const int row = model->rowOf(logical(kind, "model:resnet-ft"));
        QVERIFY(row >= 0);
        const int column
            = LoggedModelTableModel::FixedColumnCount + metrics.indexOf(QStringLiteral("accuracy (cifar10-eval)"));
        // resnet-ft's latest accuracy on cifar10-eval (step 1), in both stores.
        QCOMPARE(model->index(row, column).data(LoggedModelTableModel::SortRole).toDouble(), 0.91);
        QVERIFY(panel.statusLabel()->text().contains(QStringLiteral("2 logged models")));
    }

    void filterAndDetails_data() { stores_data(); }
    void filterAndDetails()
    {
        QFETCH(QString, kind);
        StoreSession session;
        openStore(session, kind);
        LoggedModelsPanel panel(&session);
        show(panel, logical(kind, "exp:image-classification"));
        QSignalSpy loaded(panel.model(), &LoggedModelTableModel::loaded);
        QVERIFY(panel.applyFilter(QStringLiteral("params.x = '1'")));
        QVERIFY(loaded.wait());
        QCOMPARE(modelNames(panel), QStringList {QStringLiteral("resnet-pyfunc")});

        QVERIFY(!panel.applyFilter(QStringLiteral("metrics.accuracy >> 1")));
        QVERIFY(
            panel.findChild<QLabel*>(QStringLiteral("loggedModelFilterError"))->text().contains(QStringLiteral(">>")));
        QCOMPARE(modelNames(panel), QStringList {QStringLiteral("resnet-pyfunc")}); // the table stays

        QSignalSpy shown(&panel, &LoggedModelsPanel::modelShown);
        QVERIFY(panel.selectModel(logical(kind, "model:resnet-pyfunc")));
        QCOMPARE(shown.count(), 1);
        const QString details = panel.detailsView()->toPlainText();
        QVERIFY2(details.contains(logical(kind, "model:resnet-pyfunc")), qPrintable(details));
        QVERIFY(details.contains(QStringLiteral("cifar10-train")));
    }

    // A link to a model of an experiment not selected reads it and shows it beside the table.
    void showsAModelOutsideTheExperiments_data() { stores_data(); }
    void showsAModelOutsideTheExperiments()
    {
        QFETCH(QString, kind);
        StoreSession session;
        openStore(session, kind);
        LoggedModelsPanel panel(&session);
        show(panel, logical(kind, "exp:image-classification"));
        QSignalSpy shown(&panel, &LoggedModelsPanel::modelShown);
        panel.showModel(logical(kind, "model:support-agent"));
        QVERIFY(shown.wait());
        const QString details = panel.detailsView()->toPlainText();
        QVERIFY2(details.contains(QStringLiteral("support-agent")), qPrintable(details));
        QVERIFY2(details.contains(QStringLiteral("which is not selected")), qPrintable(details));
        QCOMPARE(modelNames(panel).size(), 2); // the table keeps its experiment
    }

    // A version made from a logged model names it, and a click on it asks to open it.
    void versionLinksToItsLoggedModel_data() { stores_data(); }
    void versionLinksToItsLoggedModel()
    {
        QFETCH(QString, kind);
        StoreSession session;
        RegistryPanel registry(&session);
        registry.resize(1400, 700);
        registry.show();
        QVERIFY(QTest::qWaitForWindowExposed(&registry));
        QSignalSpy models(&registry, &RegistryPanel::modelsLoaded);
        openStore(session, kind);
        QVERIFY(models.count() > 0 || models.wait());
        QSignalSpy versions(&registry, &RegistryPanel::versionsLoaded);
        registry.selectModel(QStringLiteral("resnet-classifier"));
        QVERIFY(versions.count() > 0 || versions.wait());
        const ModelVersionsModel* v = registry.versionsModel();
        const QModelIndex first = v->index(v->rowOf(1), ModelVersionsModel::LoggedModelColumn);
        QCOMPARE(first.data().toString(), logical(kind, "model:resnet-pyfunc"));
        QVERIFY(first.data(Qt::ToolTipRole).toString().contains(QStringLiteral("/artifacts")));
        // v3 was made from a runs:/ source.
        QCOMPARE(v->index(v->rowOf(3), ModelVersionsModel::LoggedModelColumn).data().toString(), QString());

        QSignalSpy activated(&registry, &RegistryPanel::loggedModelActivated);
        QTableView* view = registry.versionsView();
        view->scrollTo(first);
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->visualRect(first).center());
        QCOMPARE(activated.count(), 1);
        QCOMPARE(activated.at(0).at(0).toString(), logical(kind, "model:resnet-pyfunc"));
    }
};

QTEST_MAIN(TestLoggedModelsPanel)
#include "tst_loggedmodelspanel.moc"
