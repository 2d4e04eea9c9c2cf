// SPDX-License-Identifier: Apache-2.0
#include "filterbar.h"

#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTest>

using namespace runlens;

class TestFilterBar : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void invalidFilterShowsErrorAtItsPosition();
    void validFilterIsAppliedOnEnter();
    void editingClearsTheError();
    void positionCountsCodePoints();
    void quickSearchIsInstant();
};

void TestFilterBar::invalidFilterShowsErrorAtItsPosition()
{
    FilterBar bar;
    bar.show();
    QVERIFY(QTest::qWaitForWindowExposed(&bar));
    QSignalSpy applied(&bar, &FilterBar::filterApplied);
    bar.filterEdit()->setFocus();
    QTest::keyClicks(bar.filterEdit(), QStringLiteral("metrics.loss <<< 1"));
    QTest::keyClick(bar.filterEdit(), Qt::Key_Return);
    QCOMPARE(applied.count(), 0);
    QCOMPARE(bar.errorPosition(), 13);
    QVERIFY2(bar.errorText().contains(QStringLiteral("Invalid comparator '<<<' at position 13")),
        qPrintable(bar.errorText()));
    auto* label = bar.findChild<QLabel*>(QStringLiteral("filterError"));
    QVERIFY(label && label->isVisible());
    // The text stays as typed, so it can be fixed where it is wrong.
    QCOMPARE(bar.filterEdit()->text(), QStringLiteral("metrics.loss <<< 1"));
    QCOMPARE(bar.appliedFilter(), QString());
}

void TestFilterBar::validFilterIsAppliedOnEnter()
{
    FilterBar bar;
    QSignalSpy applied(&bar, &FilterBar::filterApplied);
    bar.filterEdit()->setText(QStringLiteral("  metrics.loss < 0.5 and params.lr = '0.01' "));
    QTest::keyClick(bar.filterEdit(), Qt::Key_Return);
    QCOMPARE(applied.count(), 1);
    QCOMPARE(applied.at(0).at(0).toString(), QStringLiteral("metrics.loss < 0.5 and params.lr = '0.01'"));
    QCOMPARE(bar.errorText(), QString());
    QCOMPARE(bar.errorPosition(), -1);

    // An empty filter is valid: it shows every run again.
    QVERIFY(bar.applyFilter(QString()));
    QCOMPARE(applied.count(), 2);
    QCOMPARE(applied.at(1).at(0).toString(), QString());

    // So is a box left with only spaces in it, which MLflow's parser alone would reject.
    QVERIFY(bar.applyFilter(QStringLiteral("   ")));
    QCOMPARE(applied.count(), 3);
    QCOMPARE(applied.at(2).at(0).toString(), QString());

    // Leading spaces still count where an error is marked.
    QVERIFY(!bar.applyFilter(QStringLiteral("  metrics.loss <<< 1")));
    QCOMPARE(bar.errorPosition(), 15);
}

void TestFilterBar::editingClearsTheError()
{
    FilterBar bar;
    bar.show();
    QVERIFY(!bar.applyFilter(QStringLiteral("params.a == 'x'")));
    QCOMPARE(bar.errorPosition(), 9);
    bar.filterEdit()->setFocus();
    QTest::keyClick(bar.filterEdit(), Qt::Key_Backspace);
    QCOMPARE(bar.errorPosition(), -1);
    QCOMPARE(bar.errorText(), QString());
}

void TestFilterBar::positionCountsCodePoints()
{
    // The parser counts code points; an emoji is two UTF-16 units.
    const QString text = QStringLiteral("a\U0001F600b c");
    QCOMPARE(FilterBar::errorPositionIn(text, QStringLiteral("Bad thing at position 2: more")), 3);
    QCOMPARE(FilterBar::errorPositionIn(text, QStringLiteral("no position here")), -1);
    QCOMPARE(FilterBar::errorPositionIn(QStringLiteral("abc"), QStringLiteral("at position 0")), 0);
}

void TestFilterBar::quickSearchIsInstant()
{
    FilterBar bar;
    QSignalSpy quick(&bar, &FilterBar::quickSearchChanged);
    QTest::keyClicks(bar.quickEdit(), QStringLiteral("be"));
    QCOMPARE(quick.count(), 2);
    QCOMPARE(quick.last().at(0).toString(), QStringLiteral("be"));
}

QTEST_MAIN(TestFilterBar)
#include "tst_filterbar.moc"
