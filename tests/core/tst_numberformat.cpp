// SPDX-License-Identifier: Apache-2.0
// formatDouble must write what Python's repr() writes (MLflow's metric files and UI text).
// Expected strings were produced by CPython 3.11's repr() for the same doubles. formatNumber is the
// display format of every panel (printf's %.15g).
#include "text/numberformat.h"

#include <QTest>

#include <cmath>
#include <cstring>
#include <limits>

using runlens::formatDouble;

class TestNumberFormat : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void pythonRepr_data();
    void pythonRepr();
    void roundTrips();
    void forPeople_data();
    void forPeople();
    void timestamps();
    void durations();
};

void TestNumberFormat::pythonRepr_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<QString>("repr");
    const auto row
        = [](const char* name, double v, const char* text) { QTest::newRow(name) << v << QString::fromLatin1(text); };
    row("0.1", 0.1, "0.1");
    row("1e-05", 1e-05, "1e-05");
    row("1e16", 1e16, "1e+16");
    row("1e15", 1e15, "1000000000000000.0");
    row("15 digits", 123456789012345.0, "123456789012345.0");
    row("integral", 7.0, "7.0");
    row("negative zero", -0.0, "-0.0");
    row("zero", 0.0, "0.0");
    row("smallest subnormal", 5e-324, "5e-324");
    row("1e308", 1e308, "1e+308");
    row("max double", std::numeric_limits<double>::max(), "1.7976931348623157e+308");
    row("-1.5", -1.5, "-1.5");
    row("0.0001", 0.0001, "0.0001");
    row("0.00012345", 0.00012345, "0.00012345");
    row("1/3", 1.0 / 3.0, "0.3333333333333333");
    row("100", 100.0, "100.0");
    row("2^53+1 as double", 9007199254740993.0, "9007199254740992.0");
    row("1e22", 1e22, "1e+22");
    row("12345678.9", 12345678.9, "12345678.9");
    row("nan", std::nan(""), "nan");
    row("inf", std::numeric_limits<double>::infinity(), "inf");
    row("-inf", -std::numeric_limits<double>::infinity(), "-inf");
}

void TestNumberFormat::pythonRepr()
{
    QFETCH(double, value);
    QFETCH(QString, repr);
    QCOMPARE(QString::fromStdString(formatDouble(value)), repr);
}

void TestNumberFormat::forPeople_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<QString>("text");
    QTest::newRow("float noise") << 0.1 + 0.2 << QStringLiteral("0.3");
    QTest::newRow("noise in a logged value") << 0.8400000000000001 << QStringLiteral("0.84");
    QTest::newRow("whole number") << 7.0 << QStringLiteral("7");
    QTest::newRow("small") << 1e-05 << QStringLiteral("1e-05");
    QTest::newRow("15 digits kept") << 123456789.123456 << QStringLiteral("123456789.123456");
    QTest::newRow("beyond 15 digits") << 0.12345678901234568 << QStringLiteral("0.123456789012346");
    QTest::newRow("large") << 1e16 << QStringLiteral("1e+16");
    QTest::newRow("negative") << -2.5 << QStringLiteral("-2.5");
    QTest::newRow("NaN") << std::numeric_limits<double>::quiet_NaN() << QStringLiteral("NaN");
    QTest::newRow("inf") << std::numeric_limits<double>::infinity() << QStringLiteral("inf");
    QTest::newRow("-inf") << -std::numeric_limits<double>::infinity() << QStringLiteral("-inf");
}

void TestNumberFormat::forPeople()
{
    QFETCH(double, value);
    QFETCH(QString, text);
    QCOMPARE(QString::fromStdString(runlens::formatNumber(value)), text);
}

void TestNumberFormat::roundTrips()
{
    // Shortest digits must still parse back to the very same double.
    std::uint64_t bits = 0x9E3779B97F4A7C15ull;
    for (int i = 0; i < 20000; ++i) {
        bits ^= bits << 13;
        bits ^= bits >> 7;
        bits ^= bits << 17;
        double v = 0;
        std::memcpy(&v, &bits, sizeof v);
        if (!std::isfinite(v))
            continue;
        const std::string text = formatDouble(v);
        const double back = std::strtod(text.c_str(), nullptr);
        QVERIFY2(std::memcmp(&back, &v, sizeof v) == 0, text.c_str());
    }
}

void TestNumberFormat::timestamps()
{
    QCOMPARE(
        QString::fromStdString(runlens::formatTimestampUtc(1735689600000)), QStringLiteral("2025-01-01T00:00:00.000Z"));
    QCOMPARE(
        QString::fromStdString(runlens::formatTimestampUtc(1795663693111)), QStringLiteral("2026-11-26T03:28:13.111Z"));
    QCOMPARE(QString::fromStdString(runlens::formatTimestampUtc(-1)), QStringLiteral("1969-12-31T23:59:59.999Z"));
}

void TestNumberFormat::durations()
{
    QCOMPARE(QString::fromStdString(runlens::formatDuration(850)), QStringLiteral("850ms"));
    QCOMPARE(QString::fromStdString(runlens::formatDuration(12'345)), QStringLiteral("12.3s"));
    QCOMPARE(QString::fromStdString(runlens::formatDuration(245'000)), QStringLiteral("4m 05s"));
    QCOMPARE(QString::fromStdString(runlens::formatDuration(7'380'000)), QStringLiteral("2h 03m"));
    QCOMPARE(QString::fromStdString(runlens::formatDuration(273'600'000)), QStringLiteral("3d 04h"));
}

QTEST_APPLESS_MAIN(TestNumberFormat)
#include "tst_numberformat.moc"
