// SPDX-License-Identifier: Apache-2.0
// Locating a store from a URI or a path, with MLflow's rules (formats §0).
#include "storefactory.h"
#include "uri.h"

#include <QTemporaryDir>
#include <QTest>

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using namespace runlens;

namespace {

void touch(const fs::path& file, const std::string& content = {})
{
    fs::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << content;
}

// A minimal file store with one experiment: what MLflow's "has experiment data" test looks for.
void makeMlruns(const fs::path& root)
{
    touch(root / "0" / "meta.yaml", "experiment_id: '0'\nname: Default\n");
}

void makeSqlite(const fs::path& file)
{
    touch(file, std::string("SQLite format 3\0", 16) + std::string(84, '\0'));
}

} // namespace

class TestStoreFactory : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void uris();
    void plainPaths();
    void folderHoldingAStore();
    void sqliteUris();
    void remoteUris();
    void defaultRule();
    void errors();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    fs::path m_root;
};

void TestStoreFactory::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_root = fs::path(m_dir->path().toStdString());
}

void TestStoreFactory::uris()
{
    QCOMPARE(QString::fromStdString(uriScheme("file:///a/b")), QStringLiteral("file"));
    QCOMPARE(QString::fromStdString(uriScheme("HTTPS://host")), QStringLiteral("https"));
    QCOMPARE(QString::fromStdString(uriScheme("/plain/path")), QString());
    QCOMPARE(QString::fromStdString(uriScheme("C:\\data\\mlruns")), QString());
    QCOMPARE(QString::fromStdString(*localPathFromUri("file:///home/x/ml%20runs")), QStringLiteral("/home/x/ml runs"));
    QCOMPARE(QString::fromStdString(*localPathFromUri("file://localhost/srv/mlruns")), QStringLiteral("/srv/mlruns"));
    QCOMPARE(QString::fromStdString(*localPathFromUri("file:/srv/mlruns")), QStringLiteral("/srv/mlruns"));
    QVERIFY(!localPathFromUri("file://otherhost/srv/mlruns"));
    QVERIFY(!localPathFromUri("s3://bucket/key"));
    QCOMPARE(QString::fromStdString(fileUriFromPath("/home/a b/ü")), QStringLiteral("file:///home/a%20b/%C3%BC"));
    QCOMPARE(QString::fromStdString(percentDecode("100%")), QStringLiteral("100%"));
    QCOMPARE(QString::fromStdString(percentDecode("%zz%41")), QStringLiteral("%zzA"));
}

void TestStoreFactory::plainPaths()
{
    makeMlruns(m_root / "mlruns");
    auto direct = resolveStoreLocation((m_root / "mlruns").string(), "/");
    QVERIFY(direct);
    QCOMPARE(direct->kind, StoreKind::File);
    QCOMPARE(QString::fromStdString(direct->location), QString::fromStdString((m_root / "mlruns").string()));

    auto relative = resolveStoreLocation("./mlruns", m_root);
    QVERIFY(relative);
    QCOMPARE(QString::fromStdString(relative->location), QString::fromStdString((m_root / "mlruns").string()));

    auto fileUri = resolveStoreLocation(fileUriFromPath((m_root / "mlruns").string()), "/");
    QVERIFY(fileUri);
    QCOMPARE(fileUri->kind, StoreKind::File);

    makeSqlite(m_root / "runs.db");
    auto db = resolveStoreLocation((m_root / "runs.db").string(), "/");
    QVERIFY(db);
    QCOMPARE(db->kind, StoreKind::Sqlite);
}

void TestStoreFactory::folderHoldingAStore()
{
    // A project folder with only mlflow.db resolves to it.
    makeSqlite(m_root / "proj" / "mlflow.db");
    auto onlyDb = resolveStoreLocation((m_root / "proj").string(), "/");
    QVERIFY(onlyDb);
    QCOMPARE(onlyDb->kind, StoreKind::Sqlite);

    // mlruns/ beside it that holds only artifacts (no experiment meta.yaml) does not win.
    touch(m_root / "proj" / "mlruns" / "1" / "abc" / "artifacts" / "model.pkl", "x");
    auto artifactsOnly = resolveStoreLocation((m_root / "proj").string(), "/");
    QCOMPARE(artifactsOnly->kind, StoreKind::Sqlite);

    // mlruns/ with experiment data wins, as in MLflow 3.7's default rule.
    makeMlruns(m_root / "proj" / "mlruns");
    auto withData = resolveStoreLocation((m_root / "proj").string(), "/");
    QCOMPARE(withData->kind, StoreKind::File);
    QCOMPARE(QString::fromStdString(withData->location), QString::fromStdString((m_root / "proj" / "mlruns").string()));
}

void TestStoreFactory::sqliteUris()
{
    makeSqlite(m_root / "mlflow.db");
    auto relative = resolveStoreLocation("sqlite:///mlflow.db", m_root);
    QVERIFY(relative);
    QCOMPARE(relative->kind, StoreKind::Sqlite);
    QCOMPARE(QString::fromStdString(relative->location), QString::fromStdString((m_root / "mlflow.db").string()));

    auto absolute = resolveStoreLocation("sqlite:///" + (m_root / "mlflow.db").string(), "/elsewhere");
    QVERIFY(absolute);
    QCOMPARE(QString::fromStdString(absolute->location), QString::fromStdString((m_root / "mlflow.db").string()));

    auto missing = resolveStoreLocation("sqlite:///nope.db", m_root);
    QVERIFY(!missing);
    QCOMPARE(missing.error().code, ErrorCode::ResourceDoesNotExist);

    auto malformed = resolveStoreLocation("sqlite://mlflow.db", m_root);
    QVERIFY(!malformed);
    QCOMPARE(malformed.error().code, ErrorCode::InvalidParameterValue);
}

void TestStoreFactory::remoteUris()
{
    auto http = resolveStoreLocation("http://127.0.0.1:5000/prefix/", "/");
    QVERIFY(http);
    QCOMPARE(http->kind, StoreKind::Rest);
    QCOMPARE(QString::fromStdString(http->location), QStringLiteral("http://127.0.0.1:5000/prefix"));
    QCOMPARE(resolveStoreLocation("https://mlflow.example.com", "/")->kind, StoreKind::Rest);
    // "databricks" alone is MLflow's Databricks URI, not a folder of that name.
    QCOMPARE(resolveStoreLocation("databricks", "/").error().code, ErrorCode::NotImplemented);
    QCOMPARE(resolveStoreLocation("databricks://profile", "/").error().code, ErrorCode::NotImplemented);
}

void TestStoreFactory::defaultRule()
{
    qunsetenv("MLFLOW_TRACKING_URI");
    QCOMPARE(QString::fromStdString(defaultTrackingUri(m_root)), QStringLiteral("sqlite:///mlflow.db"));
    fs::create_directories(m_root / "mlruns" / ".trash");
    QCOMPARE(QString::fromStdString(defaultTrackingUri(m_root)), QStringLiteral("sqlite:///mlflow.db"));
    makeMlruns(m_root / "mlruns");
    QCOMPARE(QString::fromStdString(defaultTrackingUri(m_root)), QString::fromStdString((m_root / "mlruns").string()));
    qputenv("MLFLOW_TRACKING_URI", "http://tracking:5000");
    QCOMPARE(QString::fromStdString(defaultTrackingUri(m_root)), QStringLiteral("http://tracking:5000"));
    qunsetenv("MLFLOW_TRACKING_URI");
}

void TestStoreFactory::errors()
{
    auto missing = resolveStoreLocation((m_root / "nothing-here").string(), "/");
    QVERIFY(!missing);
    QCOMPARE(missing.error().code, ErrorCode::ResourceDoesNotExist);
    QVERIFY(QString::fromStdString(missing.error().message).contains(QStringLiteral("nothing-here")));

    touch(m_root / "notes.txt", "not a database");
    auto notDb = resolveStoreLocation((m_root / "notes.txt").string(), "/");
    QVERIFY(!notDb);
    QCOMPARE(notDb.error().code, ErrorCode::InvalidParameterValue);

    auto s3 = resolveStoreLocation("s3://bucket/mlruns", "/");
    QVERIFY(!s3);
    QCOMPARE(s3.error().code, ErrorCode::InvalidParameterValue);
}

QTEST_GUILESS_MAIN(TestStoreFactory)
#include "tst_storefactory.moc"
