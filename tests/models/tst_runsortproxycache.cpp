// SPDX-License-Identifier: Apache-2.0
// RunSortProxyModel sorts on per-row keys it keeps between sorts. These tests check that the keys
// never change an order: against an order computed here independently, against a proxy that compares
// the values themselves on every comparison, and after the source changes under a live sort.
#include "runsortproxymodel.h"
#include "runtablemodel.h"

#include <QAbstractItemModelTester>
#include <QCollator>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

using namespace runlens;

namespace {

// A table of arbitrary sort values whose changes arrive as one signal per range, like
// RunTableModel's refresh; counts how often the sort role is read.
class VariantTableModel : public QAbstractTableModel
{
public:
    explicit VariantTableModel(int columns)
        : m_columns(columns)
    { }

    int rowCount(const QModelIndex& parent = {}) const override { return parent.isValid() ? 0 : int(m_rows.size()); }
    int columnCount(const QModelIndex& parent = {}) const override { return parent.isValid() ? 0 : m_columns; }
    QVariant data(const QModelIndex& index, int role) const override
    {
        if (!index.isValid())
            return {};
        if (role == RunTableModel::SortRole) {
            ++sortReads;
            return m_rows[std::size_t(index.row())][std::size_t(index.column())];
        }
        if (role == Qt::DisplayRole)
            return m_rows[std::size_t(index.row())][std::size_t(index.column())].toString();
        return {};
    }

    void reset(std::vector<std::vector<QVariant>> rows)
    {
        beginResetModel();
        m_rows = std::move(rows);
        endResetModel();
    }
    void setRows(int first, std::vector<std::vector<QVariant>> rows)
    {
        for (std::size_t i = 0; i < rows.size(); ++i)
            m_rows[std::size_t(first) + i] = std::move(rows[i]);
        Q_EMIT dataChanged(index(first, 0), index(first + int(rows.size()) - 1, m_columns - 1));
    }
    void insert(int first, std::vector<std::vector<QVariant>> rows)
    {
        beginInsertRows({}, first, first + int(rows.size()) - 1);
        m_rows.insert(m_rows.begin() + first, rows.begin(), rows.end());
        endInsertRows();
    }
    void remove(int first, int last)
    {
        beginRemoveRows({}, first, last);
        m_rows.erase(m_rows.begin() + first, m_rows.begin() + last + 1);
        endRemoveRows();
    }
    void moveRowTo(int from, int to)
    {
        // beginMoveRows' destination is the row before which it lands, in the old numbering.
        beginMoveRows({}, from, from, {}, to > from ? to + 1 : to);
        auto row = m_rows[std::size_t(from)];
        m_rows.erase(m_rows.begin() + from);
        m_rows.insert(m_rows.begin() + to, std::move(row));
        endMoveRows();
    }
    void insertColumnAtStart(const QVariant& value)
    {
        beginInsertColumns({}, 0, 0);
        for (auto& row : m_rows)
            row.insert(row.begin(), value);
        ++m_columns;
        endInsertColumns();
    }

    mutable qint64 sortReads = 0;

private:
    int m_columns;
    std::vector<std::vector<QVariant>> m_rows;
};

// The proxy as it was before keys: fetch both values and compare them on every comparison.
class ValueComparingProxy : public QSortFilterProxyModel
{
public:
    ValueComparingProxy() { setSortRole(RunTableModel::SortRole); }

protected:
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override
    {
        const QVariant a = left.data(sortRole());
        const QVariant b = right.data(sortRole());
        const int rankA = !a.isValid() ? 2 : (a.typeId() == QMetaType::Double && std::isnan(a.toDouble()) ? 1 : 0);
        const int rankB = !b.isValid() ? 2 : (b.typeId() == QMetaType::Double && std::isnan(b.toDouble()) ? 1 : 0);
        if (rankA != 0 || rankB != 0) {
            if (rankA == rankB)
                return false;
            return sortOrder() == Qt::AscendingOrder ? rankA < rankB : rankA > rankB;
        }
        return m_values.compareValues(a, b) < 0;
    }

private:
    RunSortProxyModel m_values; // only for compareValues()
};

// The order spelled out independently: 0 for values, 1 for NaN, 2 for missing; numbers before
// text; integers exactly; text as runs of digits (by value) and of other characters (collated).
int blankRank(const QVariant& v)
{
    if (!v.isValid())
        return 2;
    return v.typeId() == QMetaType::Double && std::isnan(v.toDouble()) ? 1 : 0;
}

bool isIntegerValue(const QVariant& v)
{
    return v.typeId() == QMetaType::LongLong || v.typeId() == QMetaType::Int;
}

QStringList naturalTokens(const QString& text)
{
    QStringList tokens;
    for (const QChar c : text) {
        if (!tokens.isEmpty() && tokens.last().back().isDigit() == c.isDigit())
            tokens.last().append(c);
        else
            tokens.append(QString(c));
    }
    return tokens;
}

int bruteCompare(const QVariant& a, const QVariant& b, const QCollator& collator)
{
    const bool numberA = isIntegerValue(a) || a.typeId() == QMetaType::Double;
    const bool numberB = isIntegerValue(b) || b.typeId() == QMetaType::Double;
    if (numberA != numberB)
        return numberA ? -1 : 1;
    if (numberA) {
        if (isIntegerValue(a) && isIntegerValue(b))
            return a.toLongLong() < b.toLongLong() ? -1 : (a.toLongLong() > b.toLongLong() ? 1 : 0);
        return a.toDouble() < b.toDouble() ? -1 : (a.toDouble() > b.toDouble() ? 1 : 0);
    }
    const QStringList x = naturalTokens(a.toString());
    const QStringList y = naturalTokens(b.toString());
    for (qsizetype i = 0; i < std::min(x.size(), y.size()); ++i) {
        int c = 0;
        if (x[i][0].isDigit() && y[i][0].isDigit()) {
            QString p = x[i];
            QString q = y[i];
            while (p.size() > 1 && p.startsWith(u'0'))
                p.remove(0, 1);
            while (q.size() > 1 && q.startsWith(u'0'))
                q.remove(0, 1);
            c = p.size() != q.size() ? (p.size() < q.size() ? -1 : 1) : p.compare(q);
        } else {
            c = collator.compare(x[i], y[i]);
        }
        if (c != 0)
            return c < 0 ? -1 : 1;
    }
    return x.size() == y.size() ? 0 : (x.size() < y.size() ? -1 : 1);
}

// Sort values of every kind the runs table shows, with many ties and near-ties.
QVariant randomValue(std::mt19937& rng)
{
    static const QStringList words {QStringLiteral("adam"), QStringLiteral("Adam"), QStringLiteral("sgd"),
        QStringLiteral("run-"), QStringLiteral("Run-"), QStringLiteral("trial"), QStringLiteral("b"),
        QStringLiteral("-"), QStringLiteral("."), QStringLiteral("é"), QStringLiteral("Z"), QStringLiteral("x y")};
    const int kind = int(rng() % 12);
    const auto pick = [&](int n) { return int(rng() % unsigned(n)); };
    switch (kind) {
    case 0:
        return {};
    case 1:
        return std::numeric_limits<double>::quiet_NaN();
    case 2:
        return double(pick(21) - 10) / 4.0;
    case 3:
        return pick(2) ? std::numeric_limits<double>::infinity() : -std::numeric_limits<double>::infinity();
    case 4:
        return qint64(pick(21) - 10);
    case 5:
        // Beyond double's exact range: only an integer comparison tells these apart.
        return qint64((1LL << 53) + pick(4));
    case 6:
        // Whole doubles tie with the integers. (Doubles near 2^53 would not: an integer and a double
        // compare as doubles, two integers exactly, and that mix has no consistent order to check.)
        return double(pick(21) - 10);
    default: {
        QString text;
        const int tokens = pick(4);
        for (int t = 0; t < tokens; ++t) {
            if (pick(2))
                text += QString(pick(3), u'0') + QString::number(pick(pick(2) ? 12 : 100000));
            else
                text += words[pick(int(words.size()))];
        }
        return text; // possibly empty: text without chunks
    }
    }
}

std::vector<std::vector<QVariant>> randomRows(std::mt19937& rng, int rows, int columns)
{
    std::vector<std::vector<QVariant>> table(
        static_cast<std::size_t>(rows), std::vector<QVariant>(static_cast<std::size_t>(columns)));
    for (auto& row : table) {
        for (auto& value : row)
            value = randomValue(rng);
    }
    return table;
}

std::vector<int> sourceOrder(const QSortFilterProxyModel& proxy)
{
    std::vector<int> rows;
    for (int row = 0; row < proxy.rowCount(); ++row)
        rows.push_back(proxy.mapToSource(proxy.index(row, 0)).row());
    return rows;
}

// Every proxy row holds a value the independent order puts at that place (ties in any order).
bool matchesBruteForce(
    const QSortFilterProxyModel& proxy, const QAbstractItemModel& source, int column, Qt::SortOrder order, QString* why)
{
    QCollator collator;
    collator.setCaseSensitivity(Qt::CaseInsensitive);
    std::vector<QVariant> expected;
    for (int row = 0; row < source.rowCount(); ++row)
        expected.push_back(source.index(row, column).data(RunTableModel::SortRole));
    std::stable_sort(expected.begin(), expected.end(), [&](const QVariant& a, const QVariant& b) {
        if (blankRank(a) != blankRank(b))
            return blankRank(a) < blankRank(b); // blanks last in both orders
        if (blankRank(a) != 0)
            return false;
        const int c = bruteCompare(a, b, collator);
        return order == Qt::AscendingOrder ? c < 0 : c > 0;
    });
    if (int(expected.size()) != proxy.rowCount()) {
        *why = QStringLiteral("%1 rows, expected %2").arg(proxy.rowCount()).arg(expected.size());
        return false;
    }
    for (int row = 0; row < proxy.rowCount(); ++row) {
        const QVariant actual = proxy.index(row, column).data(RunTableModel::SortRole);
        const QVariant& wanted = expected[std::size_t(row)];
        const bool same = blankRank(actual) == blankRank(wanted)
            && (blankRank(actual) != 0 || bruteCompare(actual, wanted, collator) == 0);
        if (!same) {
            *why = QStringLiteral("row %1: %2 where %3 belongs").arg(row).arg(actual.toString(), wanted.toString());
            return false;
        }
    }
    return true;
}

} // namespace

class TestRunSortProxyCache : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void randomTablesMatchBruteForce();
    void liveSortStaysCorrectAfterChanges();
    void sortReadsEachValueOnce();
    void keysFollowInsertedColumns();
    void runTableRefreshKeepsOrder();
};

void TestRunSortProxyCache::randomTablesMatchBruteForce()
{
    for (unsigned seed = 1; seed <= 60; ++seed) {
        std::mt19937 rng(seed);
        const int columns = 3;
        VariantTableModel model(columns);
        model.reset(randomRows(rng, int(rng() % 400), columns));
        RunSortProxyModel proxy;
        proxy.setSourceModel(&model);
        ValueComparingProxy reference;
        reference.setSourceModel(&model);
        for (int column = 0; column < columns; ++column) {
            for (const Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
                proxy.sort(column, order);
                reference.sort(column, order);
                QString why;
                QVERIFY2(matchesBruteForce(proxy, model, column, order, &why),
                    qPrintable(
                        QStringLiteral("seed %1 column %2 order %3: %4").arg(seed).arg(column).arg(order).arg(why)));
                // Same comparisons, same stable sort: the very same rows, ties included.
                QCOMPARE(sourceOrder(proxy), sourceOrder(reference));
            }
        }
    }
}

void TestRunSortProxyCache::liveSortStaysCorrectAfterChanges()
{
    for (unsigned seed = 100; seed <= 130; ++seed) {
        std::mt19937 rng(seed);
        const int columns = 2;
        VariantTableModel model(columns);
        model.reset(randomRows(rng, 50 + int(rng() % 200), columns));
        RunSortProxyModel proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        ValueComparingProxy reference;
        reference.setSourceModel(&model);
        int column = int(rng() % columns);
        const Qt::SortOrder order = seed % 2 ? Qt::AscendingOrder : Qt::DescendingOrder;
        proxy.sort(column, order);
        reference.sort(column, order);
        QVERIFY(proxy.dynamicSortFilter());

        for (int step = 0; step < 40; ++step) {
            const int rows = model.rowCount();
            const int action = int(rng() % 9);
            QString what;
            if (action <= 2 && rows > 0) { // a few rows change: keys renewed in place
                const int first = int(rng() % unsigned(rows));
                const int count = 1 + int(rng() % unsigned(std::min(3, rows - first)));
                model.setRows(first, randomRows(rng, count, model.columnCount()));
                what = QStringLiteral("change %1 rows at %2").arg(count).arg(first);
            } else if (action == 3 && rows > 0) { // most rows change: keys built anew
                model.setRows(0, randomRows(rng, rows, model.columnCount()));
                what = QStringLiteral("change all");
            } else if (action == 4) {
                const int first = int(rng() % unsigned(rows + 1));
                const int count = 1 + int(rng() % 4);
                model.insert(first, randomRows(rng, count, model.columnCount()));
                what = QStringLiteral("insert %1 at %2").arg(count).arg(first);
            } else if (action == 5 && rows > 1) {
                const int first = int(rng() % unsigned(rows));
                const int last = std::min(rows - 1, first + int(rng() % 3));
                model.remove(first, last);
                what = QStringLiteral("remove %1..%2").arg(first).arg(last);
            } else if (action == 6 && rows > 1) {
                const int from = int(rng() % unsigned(rows));
                const int to = int(rng() % unsigned(rows));
                if (from == to)
                    continue;
                model.moveRowTo(from, to);
                what = QStringLiteral("move %1 to %2").arg(from).arg(to);
            } else if (action == 7 && step % 10 == 7) {
                // The sorted column shifts right: keys of the old column index would be wrong.
                model.insertColumnAtStart(randomValue(rng));
                what = QStringLiteral("insert column");
                if (proxy.sortColumn() != column + 1 || reference.sortColumn() != column + 1)
                    QFAIL("sort column did not follow the inserted column");
                ++column;
            } else if (action == 8) {
                model.reset(randomRows(rng, 30 + int(rng() % 100), model.columnCount()));
                what = QStringLiteral("reset");
            } else {
                continue;
            }
            QString why;
            QVERIFY2(matchesBruteForce(proxy, model, column, order, &why),
                qPrintable(QStringLiteral("seed %1 step %2 (%3): %4").arg(seed).arg(step).arg(what, why)));
            QVERIFY2(sourceOrder(proxy) == sourceOrder(reference),
                qPrintable(QStringLiteral("seed %1 step %2 (%3): differs from value comparison")
                               .arg(seed)
                               .arg(step)
                               .arg(what)));
        }
    }
}

void TestRunSortProxyCache::sortReadsEachValueOnce()
{
    std::mt19937 rng(7);
    VariantTableModel model(2);
    model.reset(randomRows(rng, 2000, 2));
    RunSortProxyModel proxy;
    proxy.setSourceModel(&model);
    model.sortReads = 0;
    proxy.sort(1, Qt::AscendingOrder);
    QCOMPARE(model.sortReads, 2000); // once per row, not twice per comparison
    proxy.sort(1, Qt::DescendingOrder);
    QCOMPARE(model.sortReads, 2000); // nothing changed: the keys still hold
    model.setRows(5, randomRows(rng, 2, 2));
    QCOMPARE(model.sortReads, 2002); // just the changed rows
    proxy.sort(0, Qt::AscendingOrder);
    QCOMPARE(model.sortReads, 4002); // another column: its values once
    QString why;
    QVERIFY2(matchesBruteForce(proxy, model, 0, Qt::AscendingOrder, &why), qPrintable(why));
}

void TestRunSortProxyCache::keysFollowInsertedColumns()
{
    // Keys of column 1 kept over an unsorted spell; a column inserted in front makes column 1 another
    // column, whose values the old keys do not describe.
    std::mt19937 rng(11);
    VariantTableModel model(2);
    model.reset(randomRows(rng, 300, 2));
    RunSortProxyModel proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    proxy.sort(1, Qt::AscendingOrder);
    proxy.sort(-1);
    model.insertColumnAtStart(QVariant());
    proxy.sort(1, Qt::AscendingOrder);
    QString why;
    QVERIFY2(matchesBruteForce(proxy, model, 1, Qt::AscendingOrder, &why), qPrintable(why));
}

void TestRunSortProxyCache::runTableRefreshKeepsOrder()
{
    // The real table: a sweep's runs, then a refresh that changes, drops and adds runs while sorted.
    const auto makeRuns = [](unsigned seed, int count) {
        std::mt19937 rng(seed);
        auto list = std::make_shared<RunList>();
        for (int r = 0; r < count; ++r) {
            Run run;
            run.info.runId = "id" + std::to_string(r);
            run.info.runName = "run-" + std::to_string(rng() % 50);
            run.info.experimentId = "1";
            run.info.status = RunStatus::Finished;
            run.info.startTime = 1700000000000LL + r;
            const unsigned optimizer = rng() % 5;
            if (optimizer < 4)
                run.params.push_back(
                    {"opt", optimizer == 0 ? "Adam" : (optimizer == 1 ? "sgd" : std::to_string(rng() % 9))});
            if (rng() % 10) {
                Metric metric;
                metric.key = "loss";
                metric.point = {1700000000000, rng() % 7 == 0 ? std::nan("") : double(rng() % 20) / 8.0, 1};
                run.metrics.push_back(metric);
            }
            list->runs.push_back(std::move(run));
        }
        return list;
    };
    RunTableModel model;
    RunSortProxyModel proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    ValueComparingProxy reference;
    reference.setSourceModel(&model);
    model.setRuns(makeRuns(1, 300));
    for (const char* key : {"opt", "loss", "name"}) {
        const auto kind = QByteArray(key) == "opt" ? RunTableModel::ColumnKind::Param
            : QByteArray(key) == "loss"            ? RunTableModel::ColumnKind::Metric
                                                   : RunTableModel::ColumnKind::Name;
        const int column = model.columnOf(kind, QString::fromLatin1(key));
        QVERIFY(column >= 0);
        for (const Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
            proxy.sort(column, order);
            reference.sort(column, order);
            for (unsigned seed = 2; seed < 6; ++seed) {
                // Same ids with new values, fewer or more runs: changes, removals and additions.
                model.setRuns(makeRuns(seed, 250 + int(seed) * 20));
                QString why;
                QVERIFY2(matchesBruteForce(proxy, model, column, order, &why),
                    qPrintable(QStringLiteral("%1 seed %2: %3").arg(QString::fromLatin1(key)).arg(seed).arg(why)));
                QCOMPARE(sourceOrder(proxy), sourceOrder(reference));
            }
        }
    }
}

QTEST_GUILESS_MAIN(TestRunSortProxyCache)
#include "tst_runsortproxycache.moc"
