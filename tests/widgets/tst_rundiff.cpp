// SPDX-License-Identifier: Apache-2.0
// The run diff view: its table toolbar, and text artifacts diffed line by line, from the fixture store and
// from a small in-memory store of text files.
#include "rundiffmodel.h"
#include "rundiffview.h"
#include "store.h"
#include "storesession.h"
#include "textdiffview.h"

#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QGuiApplication>
#include <QLabel>
#include <QPainter>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QTextBlock>

#include <map>

using namespace runlens;

namespace {

const std::string kResnet = "e10f02a4494e4ac79d6440711e2ebdaf";
const std::string kTrial0 = "608cc21154474af8985f7dd434f4cd49";
const std::string kTrial1 = "674426bd80d44f21b2a986a9da493a83";
const std::string kTrial2 = "27254a9d53f6492db513f0908880f7f1";

// Runs with text artifacts held in memory; reads honour maxBytes as real stores do.
class TextArtifactStore final : public Store
{
public:
    std::map<std::pair<std::string, std::string>, std::string> files; // (run id, path) -> bytes

    std::string uri() const override { return "memory:///texts"; }
    StoreKind kind() const override { return StoreKind::File; }
    Capabilities capabilities() const override { return 0; }
    Result<ExperimentList> experiments(ViewType) override { return ExperimentList {}; }
    Result<Experiment> experiment(const std::string& id) override { return missing(id); }
    Result<RunList> searchRuns(const RunQuery&, TaskControl*) override { return RunList {}; }
    Result<Run> run(const std::string& runId) override { return missing(runId); }
    Result<std::vector<MetricPoint>> metricHistory(const std::string&, const std::string&) override
    {
        return std::vector<MetricPoint> {};
    }
    Result<std::vector<FileInfo>> listArtifacts(const std::string& runId, const std::string& path) override
    {
        std::vector<FileInfo> out;
        for (const auto& [key, bytes] : files)
            if (key.first == runId && path.empty())
                out.push_back({key.second, false, static_cast<std::int64_t>(bytes.size())});
        return out;
    }
    Result<std::string> readArtifact(const std::string& runId, const std::string& path, std::int64_t maxBytes) override
    {
        auto it = files.find({runId, path});
        if (it == files.end())
            return missing(path);
        return it->second.substr(0, static_cast<std::size_t>(maxBytes));
    }
    Result<std::vector<RegisteredModel>> registeredModels() override { return std::vector<RegisteredModel> {}; }
    Result<std::vector<ModelVersion>> modelVersions(const std::string& name) override { return missing(name); }

private:
    static StoreError missing(const std::string& what)
    {
        return {ErrorCode::ResourceDoesNotExist, what + " does not exist"};
    }
};

Run namedRun(const std::string& id, const std::string& name)
{
    Run run;
    run.info.runId = id;
    run.info.runName = name;
    run.info.status = RunStatus::Finished;
    return run;
}

QStringList blocks(QPlainTextEdit* edit)
{
    return edit->document()->toPlainText().split(QLatin1Char('\n'));
}

QColor blockColor(QPlainTextEdit* edit, int block)
{
    return edit->document()->findBlockByNumber(block).blockFormat().background().color();
}

} // namespace

class TestRunDiff : public QObject
{
    Q_OBJECT

private:
    StoreSession m_session;
    QThreadPool m_pool;

    std::vector<Run> fixtureRuns(std::initializer_list<std::string> ids)
    {
        std::vector<Run> out;
        for (const std::string& id : ids)
            out.push_back(m_session.store()->run(id).value());
        return out;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QSignalSpy opened(&m_session, &StoreSession::opened);
        m_session.open(QStringLiteral(RUNLENS_FIXTURE_DIR "/file/mlruns"));
        QVERIFY(opened.wait(10000));
    }

    void emptyTableSaysWhy()
    {
        RunDiffView view(&m_session);
        view.resize(900, 500);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        // Nothing selected: a sentence in place of an empty grid.
        QVERIFY(!view.table()->isVisible());
        QVERIFY2(view.emptyText().startsWith(QStringLiteral("Select runs")), qPrintable(view.emptyText()));
        QVERIFY(view.findChild<QLabel*>() != nullptr);

        // One run: its values show; with differences only there is nothing to differ from, and the
        // note says what to do instead of showing an empty table.
        view.setRuns(fixtureRuns({kResnet}));
        QCOMPARE(view.emptyText(), QString());
        QVERIFY(view.table()->isVisible());
        view.differencesOnlyBox()->setChecked(true);
        QVERIFY(!view.table()->isVisible());
        QVERIFY2(view.emptyText().contains(QStringLiteral("nothing to differ from")), qPrintable(view.emptyText()));
        bool shown = false;
        for (const QLabel* label : view.findChildren<QLabel*>())
            shown = shown || (label->isVisible() && label->text() == view.emptyText());
        QVERIFY(shown);
        view.differencesOnlyBox()->setChecked(false);
        QVERIFY(view.table()->isVisible());
    }

    void fixtureArtifactsDiffed()
    {
        RunDiffView view(&m_session);
        view.resize(1000, 600);
        QSignalSpy listed(&view, &RunDiffView::artifactsListed);
        view.setRuns(fixtureRuns({kResnet}));
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QCOMPARE(listed.count(), 0); // listed only once the tab is looked at
        view.tabs()->setCurrentIndex(1);
        QTRY_VERIFY(listed.count() >= 2); // the old and the new side
        // Text files of the run, found in nested folders; pickles and images are left out.
        QComboBox* paths = view.oldPathBox();
        QVERIFY(paths->findText(QStringLiteral("notes.txt")) >= 0);
        QVERIFY(paths->findText(QStringLiteral("config/params.json")) >= 0);
        QVERIFY(paths->findText(QStringLiteral("nested/a/b/c/leaf.txt")) >= 0);
        QCOMPARE(paths->findText(QStringLiteral("model/model.pkl")), -1);
        QCOMPARE(paths->findText(QStringLiteral("plots/loss_curve.png")), -1);

        // Any two files: the notes against the oddly named file of the same run.
        TextDiffView* diff = view.textDiff();
        QSignalSpy shown(diff, &TextDiffView::diffShown);
        paths->setCurrentIndex(paths->findText(QStringLiteral("notes.txt")));
        view.newPathBox()->setCurrentIndex(
            view.newPathBox()->findText(QStringLiteral("file with spaces & ünïcode.txt")));
        QTest::mouseClick(view.compareButton(), Qt::LeftButton);
        QCOMPARE(view.tabs()->currentIndex(), 1);
        QVERIFY(shown.wait(10000));
        QCOMPARE(diff->removedLines(), 3);
        QCOMPARE(diff->addedLines(), 1);
        QCOMPARE(blocks(diff->oldEdit()),
            (QStringList {QStringLiteral("1  Training notes"), QStringLiteral("2  =============="),
                QStringLiteral("3  Ünïcödé text, line 3.")}));
        QCOMPARE(blocks(diff->newEdit()), (QStringList {QStringLiteral("1  odd name"), QString(), QString()}));
        QCOMPARE(blockColor(diff->oldEdit(), 0), TextDiffView::removedColor());
        QCOMPARE(blockColor(diff->newEdit(), 0), TextDiffView::addedColor());
        QVERIFY(blockColor(diff->newEdit(), 1) != TextDiffView::addedColor()); // filler, not a line
        QVERIFY(diff->summary().contains(QStringLiteral("3 lines removed, 1 added")));

        // A missing file is reported, not shown as empty.
        shown.clear();
        view.compareArtifacts(0, QStringLiteral("notes.txt"), 0, QStringLiteral("no/such.txt"));
        QVERIFY(shown.wait(10000));
        QVERIFY2(diff->summary().startsWith(QStringLiteral("Could not read")), qPrintable(diff->summary()));
    }

    void samePathInTwoRuns()
    {
        auto store = std::make_shared<TextArtifactStore>();
        store->files[{"a", "config.yaml"}] = "model: resnet50\nlr: 0.1\nepochs: 30\nbatch: 64\nseed: 1\n";
        store->files[{"b", "config.yaml"}] = "model: resnet50\nlr: 0.01\nepochs: 30\nbatch: 64\nseed: 1\nwarmup: 5\n";
        store->files[{"a", "weights.bin"}] = std::string("\x01\x00\x02", 3);
        store->files[{"b", "big.txt"}] = std::string(5000, 'x') + "\n" + std::string(5000, 'y') + "\n";
        store->files[{"b", "only-b.txt"}] = "b\n";

        RunDiffView view(nullptr);
        view.resize(1000, 600);
        view.setStore(store, &m_pool);
        QSignalSpy listed(&view, &RunDiffView::artifactsListed);
        view.setRuns({namedRun("a", "run-a"), namedRun("b", "run-b")});
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.tabs()->setCurrentIndex(1);
        QTRY_VERIFY(listed.count() >= 2);
        QCOMPARE(view.oldRunBox()->currentText(), QStringLiteral("run-a"));
        QCOMPARE(view.newRunBox()->currentText(), QStringLiteral("run-b"));
        // The path both runs have is picked on both sides.
        QCOMPARE(view.oldPathBox()->currentText(), QStringLiteral("config.yaml"));
        QCOMPARE(view.newPathBox()->currentText(), QStringLiteral("config.yaml"));
        QCOMPARE(view.oldPathBox()->findText(QStringLiteral("weights.bin")), -1);

        TextDiffView* diff = view.textDiff();
        QSignalSpy shown(diff, &TextDiffView::diffShown);
        QTest::mouseClick(view.compareButton(), Qt::LeftButton);
        QVERIFY(shown.wait(10000));
        QCOMPARE(diff->removedLines(), 1);
        QCOMPARE(diff->addedLines(), 2);
        QVERIFY2(diff->summary().startsWith(QStringLiteral("run-a:config.yaml → run-b:config.yaml")),
            qPrintable(diff->summary()));
        QVERIFY(diff->isSideBySide());
        QVERIFY(diff->oldEdit()->isVisibleTo(diff));
        // Rows stay level: the changed lr lines face each other, warmup faces a filler row.
        const QStringList oldRows = blocks(diff->oldEdit());
        const QStringList newRows = blocks(diff->newEdit());
        QCOMPARE(oldRows.size(), newRows.size());
        QCOMPARE(oldRows[1], QStringLiteral("2  lr: 0.1"));
        QCOMPARE(newRows[1], QStringLiteral("2  lr: 0.01"));
        QCOMPARE(oldRows.last(), QString());
        QCOMPARE(newRows.last(), QStringLiteral("6  warmup: 5"));
        QCOMPARE(blockColor(diff->newEdit(), 5), TextDiffView::addedColor());
        QVERIFY(blockColor(diff->newEdit(), 2) != TextDiffView::addedColor());
        // F7 walks the changes (lr at row 1, warmup at row 5), both panes together.
        QCOMPARE(diff->changeCount(), 2);
        diff->oldEdit()->setFocus();
        QTest::keyClick(diff->oldEdit(), Qt::Key_F7);
        QCOMPARE(diff->oldEdit()->textCursor().blockNumber(), 1);
        QCOMPARE(diff->newEdit()->textCursor().blockNumber(), 1);
        diff->goToChange(1);
        QCOMPARE(diff->newEdit()->textCursor().blockNumber(), 5);
        diff->goToChange(1); // no further change: stays
        QCOMPARE(diff->newEdit()->textCursor().blockNumber(), 5);
        QTest::keyClick(diff->oldEdit(), Qt::Key_F7, Qt::ShiftModifier);
        QCOMPARE(diff->oldEdit()->textCursor().blockNumber(), 1);

        // Unified: one column with both line numbers and -/+ markers.
        diff->setSideBySide(false);
        QVERIFY(diff->unifiedEdit()->isVisibleTo(diff));
        QVERIFY(!diff->oldEdit()->isVisibleTo(diff));
        QCOMPARE(blocks(diff->unifiedEdit()),
            (QStringList {QStringLiteral("1 1   model: resnet50"), QStringLiteral("2   - lr: 0.1"),
                QStringLiteral("  2 + lr: 0.01"), QStringLiteral("3 3   epochs: 30"), QStringLiteral("4 4   batch: 64"),
                QStringLiteral("5 5   seed: 1"), QStringLiteral("  6 + warmup: 5")}));
        QCOMPARE(blockColor(diff->unifiedEdit(), 1), TextDiffView::removedColor());
        QCOMPARE(blockColor(diff->unifiedEdit(), 2), TextDiffView::addedColor());
        diff->goToChange(1);
        diff->goToChange(1);
        QCOMPARE(diff->unifiedEdit()->textCursor().blockNumber(), 6); // "  6 + warmup: 5"

        // Files over the cap are cut at a line break, and the view says so.
        diff->setSizeCap(6000);
        shown.clear();
        view.compareArtifacts(1, QStringLiteral("big.txt"), 1, QStringLiteral("only-b.txt"));
        QVERIFY(shown.wait(10000));
        QCOMPARE(diff->removedLines(), 1); // the x line; the y line is past the cap
        QVERIFY2(diff->summary().contains(QStringLiteral("Only the first 5.9 KB of run-b:big.txt are compared.")),
            qPrintable(diff->summary()));

        // Binary files are refused with a message.
        shown.clear();
        view.compareArtifacts(0, QStringLiteral("weights.bin"), 1, QStringLiteral("only-b.txt"));
        QVERIFY(shown.wait(10000));
        QVERIFY2(diff->summary().contains(QStringLiteral("binary")), qPrintable(diff->summary()));
        QCOMPARE(diff->addedLines(), 0);
    }

    void newerTextsSupersedeOlder()
    {
        // A costly diff (every line shared, in another order) is stopped when other texts are asked for.
        QByteArray ordered, shuffled;
        for (int i = 0; i < 20000; ++i) {
            ordered += QByteArray::number(i) + '\n';
            shuffled += QByteArray::number((i * 7919) % 20000) + '\n';
        }
        TextDiffView diff;
        QSignalSpy shown(&diff, &TextDiffView::diffShown);
        diff.showTexts(QStringLiteral("ordered"), ordered, QStringLiteral("shuffled"), shuffled);
        diff.showTexts(
            QStringLiteral("a"), QByteArrayLiteral("x\ny\n"), QStringLiteral("b"), QByteArrayLiteral("x\nz\n"));
        QVERIFY(shown.wait(10000));
        QCOMPARE(shown.count(), 1);
        QCOMPARE(diff.removedLines(), 1);
        QCOMPARE(diff.addedLines(), 1);
        QVERIFY2(diff.summary().startsWith(QStringLiteral("a → b")), qPrintable(diff.summary()));
        QThreadPool::globalInstance()->waitForDone(); // the first diff stops soon after its cancellation
        QCOMPARE(diff.removedLines(), 1);
    }

    void toolbarDrivesTheTable()
    {
        RunDiffView view(&m_session);
        view.resize(1000, 700);
        view.setRuns(fixtureRuns({kTrial0, kTrial1, kTrial2}));
        RunDiffModel* model = view.model();
        QCOMPARE(view.table()->model(), model);
        QCOMPARE(model->rowCount(), 18);
        QCOMPARE(view.baselineBox()->count(), 3);

        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QTest::mouseClick(view.differencesOnlyBox(), Qt::LeftButton);
        QVERIFY(model->differencesOnly());
        QCOMPARE(model->rowCount(), 14);
        // Section rows span every run column.
        QCOMPARE(view.table()->columnSpan(0, 0), 3);
        view.systemTagsBox()->setChecked(true);
        QCOMPARE(model->valueRowCount(RunDiffModel::Section::Tags), 2);

        Q_EMIT view.baselineBox()->activated(2);
        QCOMPARE(model->baselineColumn(), 2);
        QCOMPARE(model->headerData(2, Qt::Horizontal).toString(), QStringLiteral("trial-2 (baseline)"));

        // Ctrl+C copies what is shown, with the run names and row titles.
        view.table()->setFocus();
        view.table()->selectionModel()->select(
            QItemSelection(model->index(model->rowOf(RunDiffModel::Section::Params, QStringLiteral("lr")), 0),
                model->index(model->rowOf(RunDiffModel::Section::Params, QStringLiteral("lr")), 1)),
            QItemSelectionModel::Select);
        QTest::keySequence(view.table(), QKeySequence::Copy);
        QCOMPARE(QGuiApplication::clipboard()->text(),
            QStringLiteral("\ttrial-0\ttrial-1\nlr\t0.1 (+0.099, +9900.0%)\t0.01 (+0.009, +900.0%)\n"));
        view.table()->clearSelection();
        QCOMPARE(view.tableAsTsv().count(QLatin1Char('\n')), 1 + model->rowCount());

        QSignalSpy loaded(model, &RunDiffModel::historiesLoaded);
        view.statisticBox()->setCurrentIndex(2); // Maximum
        QCOMPARE(model->metricStatistic(), RunDiffModel::MetricStatistic::Max);
        QVERIFY(loaded.wait(10000));
        const int loss = model->rowOf(RunDiffModel::Section::Metrics, QStringLiteral("loss"));
        QCOMPARE(model->index(loss, 0).data().toString(), QStringLiteral("2.3 (-0.1, -4.2%)"));
    }

    void manySelectedRunsAreCut()
    {
        RunDiffView view(nullptr);
        std::vector<Run> many;
        for (int i = 0; i < RunDiffView::kMaxComparedRuns + 7; ++i)
            many.push_back(namedRun("id" + std::to_string(i), "run-" + std::to_string(i)));
        view.setRuns(many);
        QCOMPARE(view.model()->columnCount(), RunDiffView::kMaxComparedRuns);
        QCOMPARE(
            view.model()->headerData(0, Qt::Horizontal, RunDiffModel::RunIdRole).toString(), QStringLiteral("id0"));
        QCOMPARE(view.statusText(), QStringLiteral("Comparing the first 50 of 57 selected runs."));
        view.setRuns(fixtureRuns({kTrial0, kTrial1}));
        QCOMPARE(view.statusText(), QString());

        // From a snapshot, in the order of the ids asked for; unknown ids are skipped.
        auto snapshot = std::make_shared<RunList>();
        snapshot->runs = fixtureRuns({kTrial0, kTrial1, kTrial2});
        view.setRuns(RunListSnapshot(snapshot), {kTrial2, "missing", kTrial0});
        QCOMPARE(view.model()->columnCount(), 2);
        QCOMPARE(view.model()->headerData(0, Qt::Horizontal, RunDiffModel::RunIdRole).toString(),
            QString::fromStdString(kTrial2));
    }

    void screenshot()
    {
        // Set RUNLENS_SCREENSHOT=/path/file.png to look at the view: the trials side by side, and a text diff.
        const QString path = qEnvironmentVariable("RUNLENS_SCREENSHOT");
        if (path.isEmpty())
            QSKIP("RUNLENS_SCREENSHOT not set");
        RunDiffView view(&m_session);
        view.resize(1000, 560);
        view.setExperimentNames({{QStringLiteral("900844674041952973"), QStringLiteral("image-classification")}});
        view.setRuns(fixtureRuns({kTrial0, kTrial1, kTrial2, "ffdcfc59b6b64c2b8659aed1362b3cab"}));
        view.differencesOnlyBox()->setChecked(true);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const QImage values = view.grab().toImage();

        auto store = std::make_shared<TextArtifactStore>();
        store->files[{"a", "config.yaml"}] = "model: resnet50\noptimizer: sgd\nlr: 0.1\nmomentum: 0.9\nepochs: "
                                             "30\nbatch_size: 64\naugment:\n  flip: true\n  crop: 224\nseed: 1\n";
        store->files[{"b", "config.yaml"}] = "model: resnet50\noptimizer: adamw\nlr: 0.001\nweight_decay: "
                                             "0.05\nepochs: 30\nbatch_size: 64\naugment:\n  flip: true\n  crop: "
                                             "224\n  mixup: 0.2\nseed: 1\n";
        RunDiffView texts(nullptr);
        texts.resize(1000, 380);
        texts.setStore(store, &m_pool);
        QSignalSpy listed(&texts, &RunDiffView::artifactsListed);
        texts.setRuns({namedRun("a", "baseline-sgd"), namedRun("b", "adamw-mixup")});
        texts.tabs()->setCurrentIndex(1);
        QTRY_VERIFY(listed.count() >= 2);
        QSignalSpy shown(texts.textDiff(), &TextDiffView::diffShown);
        texts.compareButton()->click();
        QVERIFY(shown.wait(10000));
        texts.show();
        QVERIFY(QTest::qWaitForWindowExposed(&texts));
        const QImage diff = texts.grab().toImage();

        QImage both(values.width(), values.height() + diff.height(), QImage::Format_ARGB32);
        both.fill(Qt::white);
        QPainter painter(&both);
        painter.drawImage(0, 0, values);
        painter.drawImage(0, values.height(), diff);
        painter.end();
        QVERIFY(both.save(path));
    }
};

QTEST_MAIN(TestRunDiff)
#include "tst_rundiff.moc"
