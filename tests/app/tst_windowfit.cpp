// SPDX-License-Identifier: Apache-2.0
// The main window at 1024×700, measured from widget geometry: nothing drawn over anything else or
// outside its parent with every panel open, the runs table keeps room for its columns, and the first
// selection opens the panels without moving the table under the pointer.
#include "experimentlistview.h"
#include "mainwindow.h"
#include "metricchartpanel.h"
#include "metricchartview.h"
#include "registrypanel.h"
#include "rundetailspanel.h"
#include "rundiffview.h"
#include "runsortproxymodel.h"
#include "runtableview.h"
#include "storesession.h"

#include <QAbstractButton>
#include <QAbstractScrollArea>
#include <QApplication>
#include <QDockWidget>
#include <QHeaderView>
#include <QLabel>
#include <QScrollArea>
#include <QSettings>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTabBar>
#include <QTest>

using namespace runlens;

namespace {

const QString kFixture = QStringLiteral(RUNLENS_FIXTURE_DIR "/file/mlruns");
const QString kImages = QStringLiteral("900844674041952973");

QString describe(const QWidget* w)
{
    QString name = QString::fromLatin1(w->metaObject()->className());
    if (!w->objectName().isEmpty())
        name += QLatin1Char('#') + w->objectName();
    if (const auto* button = qobject_cast<const QAbstractButton*>(w); button && !button->text().isEmpty())
        name += QStringLiteral(" \"%1\"").arg(button->text());
    if (const auto* label = qobject_cast<const QLabel*>(w); label && !label->text().isEmpty())
        name += QStringLiteral(" \"%1\"").arg(label->text().left(40));
    return name;
}

QString rectText(const QRect& r)
{
    return QStringLiteral("%1,%2 %3×%4").arg(r.x()).arg(r.y()).arg(r.width()).arg(r.height());
}

/**
 * Every visible widget that sticks out of its parent, and every two visible siblings that overlap.
 * Contents scrolled inside a viewport may be larger than it; that is what scrolling is for.
 */
void findOverlaps(const QWidget* parent, QStringList& problems)
{
    QList<const QWidget*> children;
    for (const QObject* o : parent->children()) {
        const auto* w = qobject_cast<const QWidget*>(o);
        // Docks tabbed behind another are "visible" but parked off-screen, with nothing on show.
        if (w && !w->isWindow() && w->isVisible() && !w->visibleRegion().isEmpty())
            children << w;
    }
    const bool scrolled = parent->parentWidget() && qobject_cast<const QAbstractScrollArea*>(parent->parentWidget())
        && static_cast<const QAbstractScrollArea*>(parent->parentWidget())->viewport() == parent;
    for (const QWidget* child : children) {
        // A label or button narrower than its text cuts the text short.
        const auto* label = qobject_cast<const QLabel*>(child);
        const auto* button = qobject_cast<const QAbstractButton*>(child);
        if (((button && !button->text().isEmpty()) || (label && !label->wordWrap() && !label->text().isEmpty()))
            && child->width() < child->minimumSizeHint().width())
            problems << QStringLiteral("%1 is %2 px wide, its text needs %3 px")
                            .arg(describe(child))
                            .arg(child->width())
                            .arg(child->minimumSizeHint().width());
        if (!scrolled && !parent->rect().contains(child->geometry()))
            problems << QStringLiteral("%1 at %2 sticks out of %3 (%4)")
                            .arg(describe(child), rectText(child->geometry()), describe(parent),
                                rectText(parent->rect()));
    }
    // A tab bar's own scroll arrows share an edge by Qt's design.
    if (!scrolled && !qobject_cast<const QTabBar*>(parent)) {
        for (int i = 0; i < children.size(); ++i) {
            for (int j = i + 1; j < children.size(); ++j) {
                const QRect overlap = children[i]->geometry() & children[j]->geometry();
                if (!overlap.isEmpty())
                    problems << QStringLiteral("%1 and %2 overlap at %3 in %4")
                                    .arg(describe(children[i]), describe(children[j]), rectText(overlap),
                                        describe(parent));
            }
        }
    }
    for (const QWidget* child : children)
        findOverlaps(child, problems);
}

/** Columns of the runs table shown whole in its viewport. */
int wholeColumns(const RunTableView* view)
{
    const QHeaderView* header = view->horizontalHeader();
    int whole = 0;
    for (const int c : view->visibleColumns()) {
        const int left = header->sectionViewportPosition(c);
        whole += left >= 0 && left + header->sectionSize(c) <= view->viewport()->width();
    }
    return whole;
}

} // namespace

class TestWindowFit : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init() { QSettings().clear(); }
    void firstSelectionKeepsTheTableStill_data();
    void firstSelectionKeepsTheTableStill();
    void nothingOverlapsAt1024x700();
    void emptyPanelsSayWhatToDo();
    void screenshot();

private:
    static void openAndSelect(MainWindow& window, const QSize& size);
};

void TestWindowFit::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QApplication::setOrganizationName(QStringLiteral("Runlens"));
    QApplication::setApplicationName(QStringLiteral("Runlens-test-windowfit")); // own settings
    qunsetenv("MLFLOW_TRACKING_URI");
}

void TestWindowFit::openAndSelect(MainWindow& window, const QSize& size)
{
    window.resize(size);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QSignalSpy counts(window.session(), &StoreSession::runCountsLoaded);
    window.openStore(kFixture);
    QVERIFY(counts.wait());
    QVERIFY(window.experimentView()->selectExperiments({kImages}));
    QTRY_COMPARE(window.runProxy()->rowCount(), 14);
}

void TestWindowFit::firstSelectionKeepsTheTableStill_data()
{
    QTest::addColumn<QSize>("size");
    QTest::newRow("1024x700") << QSize(1024, 700);
    QTest::newRow("1600x1000") << QSize(1600, 1000);
}

void TestWindowFit::firstSelectionKeepsTheTableStill()
{
    QFETCH(QSize, size);
    MainWindow window;
    openAndSelect(window, size);
    RunTableView* table = window.runView();
    const auto place = [&] { return QRect(table->viewport()->mapTo(&window, QPoint()), table->viewport()->size()); };
    const QRect before = place();
    const QPoint shiftClickTarget = table->visualRect(window.runProxy()->index(5, 0)).center();

    // The first selection fills the details and the charts; the table and its rows stay put.
    table->selectRow(0);
    QTRY_COMPARE(window.chartPanel()->runs().size(), 1);
    QTRY_VERIFY(!window.detailsPanel()->shownRunId().empty());
    QCOMPARE(place(), before);
    QCOMPARE(table->visualRect(window.runProxy()->index(5, 0)).center(), shiftClickTarget);
}

void TestWindowFit::nothingOverlapsAt1024x700()
{
    MainWindow window;
    openAndSelect(window, QSize(1024, 700));
    window.runView()->selectRow(0);
    QTRY_COMPARE(window.chartPanel()->runs().size(), 1);
    QCOMPARE(window.size(), QSize(1024, 700));

    // Each bottom panel raised in turn (the registry's buttons are the widest row): nothing overlaps,
    // nothing sticks out, and the window stays as large as it was made.
    for (QDockWidget* dock : {window.chartDock(), window.registryDock()}) {
        dock->raise();
        QTRY_VERIFY(!dock->visibleRegion().isEmpty());
        QCOMPARE(window.size(), QSize(1024, 700));
        QStringList problems;
        findOverlaps(&window, problems);
        QVERIFY2(
            problems.isEmpty(), qPrintable(dock->objectName() + QLatin1Char('\n') + problems.join(QLatin1Char('\n'))));
    }
    // The table keeps room for the run's name, status, start and duration.
    QVERIFY2(wholeColumns(window.runView()) >= 4, qPrintable(QString::number(wholeColumns(window.runView()))));
}

namespace {

bool showsText(const QWidget* panel, const QString& text)
{
    for (const QLabel* label : panel->findChildren<QLabel*>()) {
        if (label->isVisible() && label->text().startsWith(text))
            return true;
    }
    return false;
}

} // namespace

void TestWindowFit::emptyPanelsSayWhatToDo()
{
    MainWindow window;
    openAndSelect(window, QSize(1024, 700));
    // With no run selected each panel says so, and what to do, instead of showing blank space.
    const auto saysSelect = [&window] {
        return showsText(window.detailsPanel(), QStringLiteral("No run selected"))
            && showsText(window.chartPanel(), QStringLiteral("Select runs to chart their metrics."))
            && window.diffView()->emptyText().startsWith(QStringLiteral("Select runs"));
    };
    QTRY_VERIFY(saysSelect());
    window.runView()->selectRow(0);
    QTRY_VERIFY(!window.detailsPanel()->shownRunId().empty());
    QTRY_VERIFY(!showsText(window.chartPanel(), QStringLiteral("Select runs to chart")));
    QVERIFY(!showsText(window.detailsPanel(), QStringLiteral("No run selected")));
    QCOMPARE(window.diffView()->emptyText(), QString());
    window.runView()->clearSelection();
    QTRY_VERIFY(saysSelect());
}

void TestWindowFit::screenshot()
{
    // RUNLENS_SCREENSHOT_SMALL=/path/file.png [RUNLENS_SCREENSHOT_STORE=resources/demo/mlruns]: the
    // window at 1024×700 (or RUNLENS_SCREENSHOT_SIZE) with four runs selected and their charts drawn.
    const QString path = qEnvironmentVariable("RUNLENS_SCREENSHOT_SMALL");
    if (path.isEmpty())
        QSKIP("RUNLENS_SCREENSHOT_SMALL not set");
    const QString store = qEnvironmentVariable("RUNLENS_SCREENSHOT_STORE", kFixture);
    // RUNLENS_SCREENSHOT_SIZE=1600x1000 for another size.
    const QStringList size
        = qEnvironmentVariable("RUNLENS_SCREENSHOT_SIZE", QStringLiteral("1024x700")).split(QLatin1Char('x'));
    QCOMPARE(size.size(), 2);
    MainWindow window;
    window.resize(size.at(0).toInt(), size.at(1).toInt());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.openStore(store);
    QTRY_VERIFY_WITH_TIMEOUT(window.runProxy()->rowCount() > 4, 20000);
    // RUNLENS_SCREENSHOT_EXPERIMENT=<id>: that experiment rather than the one the store opens on.
    if (const QString experiment = qEnvironmentVariable("RUNLENS_SCREENSHOT_EXPERIMENT"); !experiment.isEmpty()) {
        QSignalSpy listed(window.session(), &StoreSession::runsLoaded);
        QVERIFY(window.experimentView()->selectExperiments({experiment}));
        QVERIFY(listed.wait(20000));
        QVERIFY(window.runProxy()->rowCount() > 4);
    }
    QItemSelectionModel* selection = window.runView()->selectionModel();
    for (int row = 0; row < 4; ++row)
        selection->select(window.runProxy()->index(row, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
    selection->setCurrentIndex(window.runProxy()->index(0, 0), QItemSelectionModel::NoUpdate);
    QTRY_COMPARE(window.chartPanel()->runs().size(), 4);
    QTRY_COMPARE_WITH_TIMEOUT(window.chartPanel()->pendingLoads(), 0, 20000);
    // Drawn: every loaded history has its line on screen.
    const auto drawn = [&window] {
        for (MetricChartView* chart : window.chartPanel()->charts()) {
            const QString key = chart->metricKeys().value(0);
            int lines = 0;
            for (const ChartRun& run : chart->runs()) {
                const HistoryPtr history = run.histories.value(key);
                if (history && !history->empty() && chart->drawnPoints(run.runId, key).isEmpty())
                    return false;
                lines += history && !history->empty();
            }
            if (lines == 0) // the histories are still on their way to the chart
                return false;
        }
        return !window.chartPanel()->charts().isEmpty();
    };
    QTRY_VERIFY_WITH_TIMEOUT(drawn(), 20000);
    QTRY_VERIFY(!window.detailsPanel()->shownRunId().empty());
    // QtCharts lays out axes and repaints its scene from posted events; deliver them before grabbing.
    for (int pass = 0; pass < 3; ++pass)
        QCoreApplication::sendPostedEvents();
    QVERIFY(window.grab().save(path));
}

QTEST_MAIN(TestWindowFit)
#include "tst_windowfit.moc"
