// SPDX-License-Identifier: Apache-2.0
#include "connectdialog.h"

#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QThreadPool>

using namespace runlens;

class TestConnectDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void badUrlIsReportedWithoutNetwork();
    void secretsNeverReachTheSettingsFile();
};

void TestConnectDialog::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("Runlens"));
    QCoreApplication::setApplicationName(QStringLiteral("Runlens-test-connect"));
    QSettings().clear();
}

void TestConnectDialog::badUrlIsReportedWithoutNetwork()
{
    QThreadPool pool;
    ConnectDialog dialog(&pool);
    QSignalSpy finished(&dialog, &ConnectDialog::testFinished);
    dialog.urlBox()->setCurrentText(QStringLiteral("ftp://example.org"));
    QTest::mouseClick(dialog.testButton(), Qt::LeftButton);
    QTRY_COMPARE(finished.count(), 1);
    QVERIFY(!finished.at(0).at(0).toString().isEmpty());
    QVERIFY(!dialog.statusLabel()->text().isEmpty());
}

void TestConnectDialog::secretsNeverReachTheSettingsFile()
{
    QThreadPool pool;
    {
        ConnectDialog dialog(&pool);
        dialog.urlBox()->setCurrentText(QStringLiteral("http://tracking.example:5000"));
        dialog.userEdit()->setText(QStringLiteral("alice"));
        dialog.passwordEdit()->setText(QStringLiteral("s3cret-pass"));
        dialog.tokenEdit()->setText(QStringLiteral("tok-123"));
        dialog.remember();
        QCOMPARE(dialog.connection().username, std::string("alice"));
        QCOMPARE(dialog.connection().password, std::string("s3cret-pass"));
    }
    QCOMPARE(ConnectDialog::recentServers(), QStringList {QStringLiteral("http://tracking.example:5000")});
    QSettings settings;
    settings.sync();
    QFile file(settings.fileName());
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray stored = file.readAll();
    QVERIFY(stored.contains("tracking.example"));
    QVERIFY(!stored.contains("s3cret-pass"));
    QVERIFY(!stored.contains("tok-123"));

    // The next dialog offers the server and its user name again.
    ConnectDialog again(&pool);
    QCOMPARE(again.urlBox()->currentText(), QStringLiteral("http://tracking.example:5000"));
    QCOMPARE(again.userEdit()->text(), QStringLiteral("alice"));
}

QTEST_MAIN(TestConnectDialog)
#include "tst_connectdialog.moc"
