// SPDX-License-Identifier: Apache-2.0
// The line diff against a brute-force LCS on random small inputs, and on cases worked out by hand.
#include "text/linediff.h"

#include <QTest>

#include <random>

using namespace runlens;

namespace {

using Lines = std::vector<std::string>;

Lines lines(const char* letters)
{
    Lines out;
    for (const char* c = letters; *c; ++c)
        out.emplace_back(1, *c);
    return out;
}

std::size_t bruteForceLcs(const Lines& a, const Lines& b)
{
    std::vector<std::vector<std::size_t>> table(a.size() + 1, std::vector<std::size_t>(b.size() + 1, 0));
    for (std::size_t i = 1; i <= a.size(); ++i)
        for (std::size_t j = 1; j <= b.size(); ++j)
            table[i][j] = a[i - 1] == b[j - 1] ? table[i - 1][j - 1] + 1 : std::max(table[i - 1][j], table[i][j - 1]);
    return table[a.size()][b.size()];
}

// Runs must tile both texts in order, equal runs must hold equal lines, and replaying them must give b.
QString checkScript(const Lines& a, const Lines& b, const std::vector<LineDiffRun>& runs)
{
    std::size_t i = 0, j = 0;
    Lines rebuilt;
    for (const LineDiffRun& run : runs) {
        if (run.count == 0)
            return QStringLiteral("empty run");
        if (run.oldStart != i || run.newStart != j)
            return QStringLiteral("run at (%1,%2), expected (%3,%4)").arg(run.oldStart).arg(run.newStart).arg(i).arg(j);
        switch (run.op) {
        case LineDiffOp::Equal:
            for (std::size_t k = 0; k < run.count; ++k) {
                if (i + k >= a.size() || j + k >= b.size() || a[i + k] != b[j + k])
                    return QStringLiteral("equal run holds different lines at old %1").arg(i + k);
                rebuilt.push_back(a[i + k]);
            }
            i += run.count;
            j += run.count;
            break;
        case LineDiffOp::Delete:
            i += run.count;
            break;
        case LineDiffOp::Insert:
            for (std::size_t k = 0; k < run.count; ++k)
                rebuilt.push_back(b.at(j + k));
            j += run.count;
            break;
        }
    }
    if (i != a.size() || j != b.size())
        return QStringLiteral("runs end at (%1,%2) of (%3,%4)").arg(i).arg(j).arg(a.size()).arg(b.size());
    if (rebuilt != b)
        return QStringLiteral("replaying the runs does not give the new text");
    for (std::size_t r = 1; r < runs.size(); ++r)
        if (runs[r].op == runs[r - 1].op)
            return QStringLiteral("two adjacent runs with the same op");
    return {};
}

} // namespace

class TestLineDiff : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void randomInputsMatchBruteForceLcs()
    {
        std::mt19937 rng(20261126);
        for (int round = 0; round < 4000; ++round) {
            const int alphabet = 1 + static_cast<int>(rng() % 5);
            auto randomLines = [&] {
                Lines out(rng() % 14);
                for (std::string& line : out)
                    line = std::string(1, static_cast<char>('a' + rng() % static_cast<unsigned>(alphabet)));
                return out;
            };
            const Lines a = randomLines();
            Lines b = randomLines();
            if (round % 3 == 0) {
                // Small edits of a, which real files mostly are.
                b = a;
                for (int e = static_cast<int>(rng() % 4); e > 0; --e) {
                    const std::size_t at = b.empty() ? 0 : rng() % b.size();
                    if (rng() % 2 && !b.empty())
                        b.erase(b.begin() + static_cast<long>(at));
                    else
                        b.insert(b.begin() + static_cast<long>(at), std::string(1, 'z'));
                }
            }
            const auto runs = diffLines(a, b);
            const QString problem = checkScript(a, b, runs);
            QVERIFY2(problem.isEmpty(), qPrintable(QStringLiteral("round %1: %2").arg(round).arg(problem)));
            QCOMPARE(commonLineCount(runs), bruteForceLcs(a, b));
        }
    }

    void myersPaperExample()
    {
        // Myers (1986), figure 1: ABCABBA -> CBABAC has D = 5, so the LCS is 4 lines.
        const Lines a = lines("ABCABBA"), b = lines("CBABAC");
        const auto runs = diffLines(a, b);
        QVERIFY(checkScript(a, b, runs).isEmpty());
        QCOMPARE(commonLineCount(runs), std::size_t(4));
    }

    void fixedCases()
    {
        QVERIFY(diffLines({}, {}).empty());
        QCOMPARE(diffLines(lines("abc"), lines("abc")), (std::vector<LineDiffRun> {{LineDiffOp::Equal, 0, 0, 3}}));
        QCOMPARE(diffLines({}, lines("ab")), (std::vector<LineDiffRun> {{LineDiffOp::Insert, 0, 0, 2}}));
        QCOMPARE(diffLines(lines("ab"), {}), (std::vector<LineDiffRun> {{LineDiffOp::Delete, 0, 0, 2}}));
        // Nothing in common: deletes first, then inserts.
        QCOMPARE(diffLines(lines("ab"), lines("xyz")),
            (std::vector<LineDiffRun> {{LineDiffOp::Delete, 0, 0, 2}, {LineDiffOp::Insert, 2, 0, 3}}));
        // One line changed in the middle.
        QCOMPARE(diffLines(lines("abcde"), lines("abXde")),
            (std::vector<LineDiffRun> {{LineDiffOp::Equal, 0, 0, 2}, {LineDiffOp::Delete, 2, 2, 1},
                {LineDiffOp::Insert, 3, 2, 1}, {LineDiffOp::Equal, 3, 3, 2}}));
        // Lines are compared whole, not by prefix.
        const Lines a {"lr: 0.1", "epochs: 3"};
        const Lines b {"lr: 0.01", "epochs: 3"};
        QCOMPARE(diffLines(a, b),
            (std::vector<LineDiffRun> {
                {LineDiffOp::Delete, 0, 0, 1}, {LineDiffOp::Insert, 1, 0, 1}, {LineDiffOp::Equal, 1, 1, 1}}));
    }

    void largeInputsWithKnownEdits()
    {
        // 20 000 lines with a few hundred unique lines inserted and deleted: the LCS is known exactly.
        Lines a;
        for (int i = 0; i < 20000; ++i)
            a.push_back("line " + std::to_string(i % 997)); // repeated lines, like real files
        Lines b = a;
        std::mt19937 rng(5);
        std::size_t deleted = 0;
        for (int e = 0; e < 300; ++e) {
            const std::size_t at = rng() % b.size();
            if (e % 2) {
                b.insert(b.begin() + static_cast<long>(at), "new " + std::to_string(e));
            } else {
                if (b[at].rfind("new ", 0) != 0)
                    ++deleted; // an original line, not one inserted before
                b.erase(b.begin() + static_cast<long>(at));
            }
        }
        const auto runs = diffLines(a, b);
        QVERIFY(checkScript(a, b, runs).isEmpty());
        // b's original lines are a subsequence of a, and the inserted ones are unique to b.
        QCOMPARE(commonLineCount(runs), a.size() - deleted);
    }

    void whollyDifferentLargeInputs()
    {
        Lines a, b;
        for (int i = 0; i < 50000; ++i) {
            a.push_back("a" + std::to_string(i));
            b.push_back("b" + std::to_string(i));
        }
        const auto runs = diffLines(a, b);
        QCOMPARE(runs.size(), std::size_t(2));
        QCOMPARE(commonLineCount(runs), std::size_t(0));
    }

    void cancelled()
    {
        TaskControl control;
        control.cancel();
        QVERIFY(diffLines(lines("abcabba"), lines("cbabac"), &control).empty());
    }

    void hunks()
    {
        // Changes at old lines 2 and 20 of 30, context 3: two hunks; at 2 and 8: one.
        Lines a;
        for (int i = 0; i < 30; ++i)
            a.push_back(std::to_string(i));
        Lines b = a;
        b[2] = "two";
        b[20] = "twenty";
        auto hunks = groupIntoHunks(diffLines(a, b), 3);
        QCOMPARE(hunks.size(), std::size_t(2));
        QCOMPARE(hunks[0].oldStart, std::size_t(0));
        QCOMPARE(hunks[0].oldCount, std::size_t(6)); // 0,1 | 2 | 3,4,5
        QCOMPARE(hunks[0].newCount, std::size_t(6));
        QCOMPARE(hunks[1].oldStart, std::size_t(17));
        QCOMPARE(hunks[1].oldCount, std::size_t(7));
        QCOMPARE(hunks[1].runs.front(), (LineDiffRun {LineDiffOp::Equal, 17, 17, 3}));
        QCOMPARE(hunks[1].runs.back(), (LineDiffRun {LineDiffOp::Equal, 21, 21, 3}));

        b = a;
        b[2] = "two";
        b[8] = "eight";
        b.push_back("thirty");
        hunks = groupIntoHunks(diffLines(a, b), 3);
        QCOMPARE(hunks.size(), std::size_t(2));
        QCOMPARE(hunks[0].oldCount, std::size_t(12)); // 0..11: the gap of 5 lines is within 2 x context
        QCOMPARE(hunks[1].oldStart, std::size_t(27));
        QCOMPARE(hunks[1].oldCount, std::size_t(3));
        QCOMPARE(hunks[1].newCount, std::size_t(4));
        QVERIFY(groupIntoHunks(diffLines(a, a)).empty());
    }

    void splitting()
    {
        QCOMPARE(splitLines(""), Lines {});
        QCOMPARE(splitLines("a\nb\n"), (Lines {"a", "b"}));
        QCOMPARE(splitLines("a\nb"), (Lines {"a", "b"}));
        QCOMPARE(splitLines("a\r\n\r\nb\rc"), (Lines {"a", "", "b", "c"}));
        QCOMPARE(splitLines("\n"), Lines {""});
    }
};

QTEST_APPLESS_MAIN(TestLineDiff)
#include "tst_linediff.moc"
