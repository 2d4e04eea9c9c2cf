// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "net/restconnection.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QThreadPool;

namespace runlens {

/**
 * Connect to a tracking server: URL, username and password or a token, a test that opens the server
 * off the GUI thread, and the servers used before. Secrets go to the OS keychain when asked to
 * remember them, never to the settings file.
 */
class ConnectDialog final : public QDialog
{
    Q_OBJECT
public:
    explicit ConnectDialog(QThreadPool* pool, QWidget* parent = nullptr);

    /** The connection as filled in, normalized; check with connection().normalize() first. */
    RestConnection connection() const;
    /** Remembers the URL and user name among the recent servers (and the secret in the keychain). */
    void remember() const;

    QComboBox* urlBox() const { return m_url; }
    QLineEdit* userEdit() const { return m_user; }
    QLineEdit* passwordEdit() const { return m_password; }
    QLineEdit* tokenEdit() const { return m_token; }
    QPushButton* testButton() const { return m_test; }
    QLabel* statusLabel() const { return m_status; }

    static QStringList recentServers();

Q_SIGNALS:
    /** A connection test ended: an empty message means it worked. */
    void testFinished(const QString& error);

private:
    void test();
    void loadSecret(const QString& url);

    QThreadPool* m_pool;
    QComboBox* m_url;
    QLineEdit* m_user;
    QLineEdit* m_password;
    QLineEdit* m_token;
    QCheckBox* m_rememberSecret;
    QPushButton* m_test;
    QLabel* m_status;
};

} // namespace runlens
