// SPDX-License-Identifier: Apache-2.0
#include "aliasdialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QVBoxLayout>

#include <algorithm>
#include <functional>

namespace runlens {

AliasDialog::AliasDialog(const QString& model, std::vector<ModelAlias> aliases, std::vector<qint64> versions,
    qint64 version, QWidget* parent)
    : QDialog(parent)
    , m_aliases(std::move(aliases))
    , m_alias(new QComboBox(this))
    , m_version(new QComboBox(this))
    , m_note(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("Set an alias of %1").arg(model));
    m_alias->setEditable(true);
    m_alias->setInsertPolicy(QComboBox::NoInsert);
    for (const ModelAlias& a : m_aliases)
        m_alias->addItem(QString::fromStdString(a.alias));
    m_alias->setCurrentText(QString());
    m_alias->lineEdit()->setPlaceholderText(tr("e.g. champion"));
    std::sort(versions.begin(), versions.end(), std::greater<>());
    for (qint64 v : versions)
        m_version->addItem(QStringLiteral("v%1").arg(v), QVariant::fromValue<qint64>(v));
    setVersion(version);
    m_note->setWordWrap(true);

    auto* form = new QFormLayout;
    form->addRow(tr("Alias:"), m_alias);
    form->addRow(tr("Version:"), m_version);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Set alias"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_note);
    layout->addWidget(m_buttons);

    connect(m_alias, &QComboBox::currentTextChanged, this, &AliasDialog::update);
    connect(m_version, &QComboBox::currentIndexChanged, this, &AliasDialog::update);
    update();
}

QString AliasDialog::alias() const
{
    return m_alias->currentText().trimmed();
}

void AliasDialog::setAlias(const QString& alias)
{
    m_alias->setCurrentText(alias);
}

qint64 AliasDialog::version() const
{
    return m_version->currentData().value<qint64>();
}

void AliasDialog::setVersion(qint64 version)
{
    const int i = m_version->findData(QVariant::fromValue<qint64>(version));
    if (i >= 0)
        m_version->setCurrentIndex(i);
}

QString AliasDialog::note() const
{
    return m_note->text();
}

QString AliasDialog::aliasProblem(const QString& alias)
{
    // MLflow's _validate_model_alias_name: non-empty, at most 255 chars, a name (no '/' or ':'),
    // and not a word it reserves for version references.
    if (alias.isEmpty())
        return tr("Type an alias name.");
    if (alias.size() > 255)
        return tr("An alias is at most 255 characters.");
    static const QRegularExpression name(QStringLiteral("^[\\w\\-]+$"), QRegularExpression::UseUnicodePropertiesOption);
    if (!name.match(alias).hasMatch())
        return tr("Use letters, digits, '_' and '-' only.");
    static const QRegularExpression versionLike(QStringLiteral("^v\\d+$"), QRegularExpression::CaseInsensitiveOption);
    if (alias.compare(QLatin1String("latest"), Qt::CaseInsensitive) == 0 || versionLike.match(alias).hasMatch())
        return tr("'%1' is reserved by MLflow for version references.").arg(alias);
    return {};
}

QString AliasDialog::describe(const std::vector<ModelAlias>& aliases, const QString& alias, qint64 version)
{
    const std::string key = alias.toStdString();
    for (const ModelAlias& a : aliases) {
        if (a.alias != key)
            continue;
        if (a.version == version)
            return tr("@%1 already points to v%2.").arg(alias).arg(version);
        return tr("@%1 now points to v%2; it will move to v%3.").arg(alias).arg(a.version).arg(version);
    }
    return tr("New alias @%1 will point to v%2.").arg(alias).arg(version);
}

void AliasDialog::update()
{
    const QString problem = aliasProblem(alias());
    m_note->setText(problem.isEmpty() ? describe(m_aliases, alias(), version()) : problem);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(problem.isEmpty() && m_version->count() > 0);
}

} // namespace runlens
