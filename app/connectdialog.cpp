// SPDX-License-Identifier: Apache-2.0
#include "connectdialog.h"

#include "stores/rest/reststore.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QSettings>
#include <QThreadPool>
#include <QUrl>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <qt6keychain/keychain.h>

namespace runlens {

namespace {

const auto kServersKey = QStringLiteral("RecentServers");
const auto kKeychainService = QStringLiteral("org.runlens.Runlens");
constexpr int kMaxServers = 10;

QString secretKey(const QString& url, const QString& user)
{
    if (user.isEmpty())
        return url + QStringLiteral(" token");
    return user + QLatin1Char('@') + url;
}

} // namespace

ConnectDialog::ConnectDialog(QThreadPool* pool, QWidget* parent)
    : QDialog(parent)
    , m_pool(pool)
    , m_url(new QComboBox(this))
    , m_user(new QLineEdit(this))
    , m_password(new QLineEdit(this))
    , m_token(new QLineEdit(this))
    , m_rememberSecret(new QCheckBox(tr("Remember the password or token in the system keychain"), this))
    , m_test(new QPushButton(tr("&Test Connection"), this))
    , m_status(new QLabel(this))
{
    setWindowTitle(tr("Connect to Tracking Server"));
    m_url->setEditable(true);
    m_url->addItems(recentServers());
    m_url->setCurrentText(recentServers().value(0));
    m_url->lineEdit()->setPlaceholderText(QStringLiteral("http://localhost:5000"));
    m_password->setEchoMode(QLineEdit::Password);
    m_token->setEchoMode(QLineEdit::Password);
    m_token->setPlaceholderText(tr("Bearer token, used when no user name is given"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* form = new QFormLayout;
    form->addRow(tr("Server &URL:"), m_url);
    form->addRow(tr("User &name:"), m_user);
    form->addRow(tr("&Password:"), m_password);
    form->addRow(tr("T&oken:"), m_token);
    form->addRow(QString(), m_rememberSecret);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("&Connect"));
    buttons->addButton(m_test, QDialogButtonBox::ActionRole);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_status);
    layout->addWidget(buttons);
    resize(520, sizeHint().height());

    connect(m_test, &QPushButton::clicked, this, &ConnectDialog::test);
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        RestConnection c = connection();
        if (const Status s = c.normalize(); !s.ok()) {
            m_status->setText(QString::fromStdString(s.error().message));
            return;
        }
        remember();
        accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_url, &QComboBox::currentTextChanged, this, &ConnectDialog::loadSecret);
    if (!m_url->currentText().isEmpty())
        loadSecret(m_url->currentText());
}

QStringList ConnectDialog::recentServers()
{
    return QSettings().value(kServersKey).toStringList();
}

RestConnection ConnectDialog::connection() const
{
    RestConnection c;
    c.baseUrl = m_url->currentText().trimmed().toStdString();
    c.username = m_user->text().toStdString();
    c.password = m_password->text().toStdString();
    c.token = m_token->text().toStdString();
    return c;
}

void ConnectDialog::remember() const
{
    const QString url = m_url->currentText().trimmed();
    QSettings settings;
    QStringList servers = settings.value(kServersKey).toStringList();
    servers.removeAll(url);
    servers.prepend(url);
    while (servers.size() > kMaxServers)
        servers.removeLast();
    settings.setValue(kServersKey, servers);
    settings.setValue(
        QStringLiteral("ServerUsers/") + QString::fromLatin1(QUrl::toPercentEncoding(url)), m_user->text());

    const QString secret = m_user->text().isEmpty() ? m_token->text() : m_password->text();
    if (!m_rememberSecret->isChecked() || secret.isEmpty())
        return;
    // Only the keychain holds secrets; if it is unavailable they are simply not remembered.
    auto* job = new QKeychain::WritePasswordJob(kKeychainService);
    job->setAutoDelete(true);
    job->setKey(secretKey(url, m_user->text()));
    job->setTextData(secret);
    job->start();
}

void ConnectDialog::loadSecret(const QString& url)
{
    const QString user
        = QSettings()
              .value(QStringLiteral("ServerUsers/") + QString::fromLatin1(QUrl::toPercentEncoding(url.trimmed())))
              .toString();
    m_user->setText(user);
    auto* job = new QKeychain::ReadPasswordJob(kKeychainService);
    job->setAutoDelete(true);
    job->setKey(secretKey(url.trimmed(), user));
    QPointer<ConnectDialog> self(this);
    connect(job, &QKeychain::Job::finished, this, [self, job, user](QKeychain::Job*) {
        if (!self || job->error() != QKeychain::NoError)
            return;
        (user.isEmpty() ? self->m_token : self->m_password)->setText(job->textData());
        self->m_rememberSecret->setChecked(true);
    });
    job->start();
}

void ConnectDialog::test()
{
    RestConnection c = connection();
    if (const Status s = c.normalize(); !s.ok()) {
        m_status->setText(QString::fromStdString(s.error().message));
        Q_EMIT testFinished(m_status->text());
        return;
    }
    m_test->setEnabled(false);
    m_status->setText(tr("Connecting to %1\u2026").arg(QString::fromStdString(c.displayUrl())));
    QPointer<ConnectDialog> self(this);
    (void)QtConcurrent::run(m_pool, [self, c] {
        auto opened = RestStore::open(c);
        QString error;
        QString detail;
        if (!opened.ok()) {
            error = QString::fromStdString(opened.error().toString());
        } else {
            auto experiments = opened.value()->experiments(ViewType::ActiveOnly);
            if (!experiments.ok())
                error = QString::fromStdString(experiments.error().toString());
            else
                detail = QString::number(experiments.value().experiments.size());
        }
        QMetaObject::invokeMethod(
            self.data(),
            [self, error, detail] {
                if (!self)
                    return;
                self->m_test->setEnabled(true);
                self->m_status->setText(
                    error.isEmpty() ? tr("Connected: the server lists %1 active experiments.").arg(detail) : error);
                Q_EMIT self->testFinished(error);
            },
            Qt::QueuedConnection);
    });
}

} // namespace runlens
