// SPDX-License-Identifier: Apache-2.0
#include "problemlistmodel.h"

#include <QAbstractItemModelTester>
#include <QTest>

using namespace runlens;

class TestProblemListModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void mergesSourcesAndDeduplicates()
    {
        ProblemListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const std::vector<Problem> scan {{"mlruns/1/abc/meta.yaml", "not valid YAML at line 3"},
            {"mlruns/1/def/metrics/loss", "line 2: expected 'timestamp value step'"}};
        model.setProblems(QStringLiteral("all runs"), scan);
        QCOMPARE(model.rowCount(), 2);
        // The same item seen again by another listing is one row, not two.
        model.setProblems(QStringLiteral("selected runs"), {scan[0]});
        QCOMPARE(model.rowCount(), 2);
        QVERIFY(model.index(0, 0).data(Qt::ToolTipRole).toString().contains(QStringLiteral("all runs, selected runs")));
        QCOMPARE(model.index(1, ProblemListModel::ReasonColumn).data().toString(),
            QStringLiteral("line 2: expected 'timestamp value step'"));

        model.setProblems(QStringLiteral("experiments"), {{"mlruns/7/meta.yaml", "missing"}});
        QCOMPARE(model.rowCount(), 3);
        QVERIFY(model.summary(2).contains(QStringLiteral("1 more")));

        // A listing that now reads cleanly drops its own share only.
        model.setProblems(QStringLiteral("all runs"), {});
        QCOMPARE(model.rowCount(), 2);
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestProblemListModel)
#include "tst_problemlistmodel.moc"
