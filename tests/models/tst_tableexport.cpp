// SPDX-License-Identifier: Apache-2.0
#include "runcolors.h"
#include "tableexport.h"

#include <QStandardItemModel>
#include <QTest>

#include <set>

using namespace runlens;

class TestTableExport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void tsvHasHeaderAndKeepsRowsOnOneLine();
    void csvQuotesWhatNeedsIt();
    void takesColumnsInTheGivenOrder();
    void runColorIsStableAndSpread();
};

namespace {

QStandardItemModel* makeModel(QObject* parent)
{
    auto* model = new QStandardItemModel(2, 3, parent);
    model->setHorizontalHeaderLabels({QStringLiteral("Run"), QStringLiteral("lr"), QStringLiteral("note")});
    model->setItem(0, 0, new QStandardItem(QStringLiteral("trial-0")));
    model->setItem(0, 1, new QStandardItem(QStringLiteral("0.01")));
    model->setItem(0, 2, new QStandardItem(QStringLiteral("a,b \"quoted\"\nnext\tline")));
    model->setItem(1, 0, new QStandardItem(QStringLiteral("Überlauf-✓-测试 run")));
    model->setItem(1, 1, new QStandardItem(QStringLiteral("0.1")));
    return model;
}

} // namespace

void TestTableExport::tsvHasHeaderAndKeepsRowsOnOneLine()
{
    QStandardItemModel* model = makeModel(this);
    const QString tsv = toTsv(tableText(*model, {0, 1}, {0, 1, 2}));
    QCOMPARE(tsv,
        QStringLiteral("Run\tlr\tnote\n"
                       "trial-0\t0.01\ta,b \"quoted\" next line\n"
                       "Überlauf-✓-测试 run\t0.1\t\n"));
}

void TestTableExport::csvQuotesWhatNeedsIt()
{
    QStandardItemModel* model = makeModel(this);
    const QString csv = toCsv(tableText(*model, {0, 1}, {0, 1, 2}));
    QCOMPARE(csv,
        QStringLiteral("Run,lr,note\r\n"
                       "trial-0,0.01,\"a,b \"\"quoted\"\"\nnext\tline\"\r\n"
                       "Überlauf-✓-测试 run,0.1,\r\n"));
}

void TestTableExport::takesColumnsInTheGivenOrder()
{
    QStandardItemModel* model = makeModel(this);
    const QString tsv = toTsv(tableText(*model, {1}, {1, 0}));
    QCOMPARE(tsv, QStringLiteral("lr\tRun\n0.1\tÜberlauf-✓-测试 run\n"));
}

void TestTableExport::runColorIsStableAndSpread()
{
    // The same id gives the same colour every time (charts and table must agree across sessions).
    QCOMPARE(runColor("4a8c1f0e9b2d4c6e8f0a1b2c3d4e5f60"), runColor("4a8c1f0e9b2d4c6e8f0a1b2c3d4e5f60"));
    // FNV-1a of "" is its offset basis 2166136261; mod 20 that is entry 1 of the palette.
    QCOMPARE(runColor("").rgb(), QColor(0xf28e2b).rgb());
    std::set<QRgb> seen;
    for (int i = 0; i < 200; ++i)
        seen.insert(runColor("run-" + std::to_string(i)).rgb());
    // Ids that differ a little still use most of the palette.
    QVERIFY2(static_cast<int>(seen.size()) >= runColorCount() - 2, qPrintable(QString::number(seen.size())));
}

QTEST_GUILESS_MAIN(TestTableExport)
#include "tst_tableexport.moc"
