// SPDX-License-Identifier: Apache-2.0
// generate_store: writes MLflow stores laid out byte for byte as MLflow 2.22 writes them (formats §A and
// §B), for the benchmarks and for the bundled demo store. The same options always give the same bytes.
//
//   generate_store mlruns <out-dir> [shape options]   a file store (the folder becomes the mlruns root)
//   generate_store sqlite <out.db>  [shape options]   an mlflow.db at alembic revision 0584bdc529eb
//   generate_store demo   <out-dir> [--root-uri URI]  the small demo file store shipped with the app

#include "benchplan.h"
#include "demobuilder.h"

namespace genstore {
namespace {

// ---------------------------------------------------------------------------------------------------

[[noreturn]] void usage(const std::string& problem = {})
{
    if (!problem.empty())
        std::cerr << "generate_store: " << problem << "\n\n";
    std::cerr << "usage: generate_store mlruns <out-dir> [options]   write an MLflow file store\n"
                 "       generate_store sqlite <out.db> [options]    write an MLflow 2.22 mlflow.db\n"
                 "       generate_store demo <out-dir> [--root-uri URI]  write the bundled demo store\n"
                 "options: --runs N (2000) --params N (10) --metrics N (10) --history-metrics N (2)\n"
                 "         --steps N (1000) --experiments N (1) --seed N (20260105)\n"
                 "         --root-uri URI  artifact root written into meta.yaml (default: file URI of out-dir)\n"
                 "The output must not exist yet (or be an empty folder): nothing is ever overwritten.\n";
    std::exit(2);
}

std::int64_t parseCount(const std::string& option, const std::string& text, std::int64_t min)
{
    std::int64_t v = 0;
    const auto res = std::from_chars(text.data(), text.data() + text.size(), v);
    if (res.ec != std::errc() || res.ptr != text.data() + text.size() || v < min)
        usage(option + " needs an integer >= " + std::to_string(min) + ", got '" + text + "'");
    return v;
}

void requireFreshDir(const fs::path& dir)
{
    std::error_code ec;
    if (fs::exists(dir, ec) && !(fs::is_directory(dir, ec) && fs::is_empty(dir, ec)))
        throw std::runtime_error("'" + dir.string() + "' already exists and is not an empty folder; not touching it");
    fs::create_directories(dir);
}

} // namespace
} // namespace genstore

using namespace genstore;

int main(int argc, char** argv)
{
    if (argc < 3)
        usage();
    const std::string mode = argv[1];
    if (mode != "mlruns" && mode != "sqlite" && mode != "demo")
        usage("unknown mode '" + mode + "'");
    const fs::path out = fs::absolute(argv[2]).lexically_normal();
    Shape shape;
    std::string rootUri;
    for (int i = 3; i < argc; ++i) {
        const std::string option = argv[i];
        if (i + 1 >= argc)
            usage(option + " needs a value");
        const std::string value = argv[++i];
        if (option == "--root-uri")
            rootUri = value;
        else if (mode == "demo")
            usage("demo mode takes only --root-uri");
        else if (option == "--runs")
            shape.runs = static_cast<int>(parseCount(option, value, 1));
        else if (option == "--params")
            shape.params = static_cast<int>(parseCount(option, value, 0));
        else if (option == "--metrics")
            shape.metrics = static_cast<int>(parseCount(option, value, 0));
        else if (option == "--history-metrics")
            shape.historyMetrics = static_cast<int>(parseCount(option, value, 0));
        else if (option == "--steps")
            shape.steps = static_cast<int>(parseCount(option, value, 1));
        else if (option == "--experiments")
            shape.experiments = static_cast<int>(parseCount(option, value, 1));
        else if (option == "--seed")
            shape.seed = static_cast<std::uint64_t>(parseCount(option, value, 0));
        else
            usage("unknown option '" + option + "'");
    }
    shape.experiments = std::min(shape.experiments, shape.runs);

    const auto started = std::chrono::steady_clock::now();
    Totals totals;
    try {
        if (mode == "demo") {
            requireFreshDir(out);
            MlrunsWriter writer(out, rootUri.empty() ? kDemoRootUri : rootUri);
            writer.setEmptyArtifactDirs(false);
            DemoBuilder(writer).build();
            totals = writer.totals();
        } else if (mode == "mlruns") {
            requireFreshDir(out);
            Rng ids(shape.seed + 1);
            std::vector<std::string> experimentIds;
            for (int k = 0; k < shape.experiments; ++k)
                experimentIds.push_back(ids.experimentId());
            BenchPlan plan(shape, experimentIds);
            MlrunsWriter writer(out, rootUri.empty() ? fileUri(out) : rootUri);
            for (const GenExperiment& e : plan.experiments())
                writer.experiment(e);
            for (int i = 0; i < shape.runs; ++i)
                writer.run(plan.run(i));
            totals = writer.totals();
        } else {
            std::error_code ec;
            if (fs::exists(out, ec))
                throw std::runtime_error("'" + out.string() + "' already exists; not touching it");
            fs::create_directories(out.parent_path());
            std::vector<std::string> experimentIds;
            for (int k = 1; k <= shape.experiments; ++k)
                experimentIds.push_back(std::to_string(k)); // SQL ids count up from the Default experiment's 0
            BenchPlan plan(shape, experimentIds);
            SqliteWriter writer(out, rootUri.empty() ? (out.parent_path() / "mlruns").string() : rootUri);
            for (const GenExperiment& e : plan.experiments())
                writer.experiment(e);
            for (int i = 0; i < shape.runs; ++i)
                writer.run(plan.run(i));
            writer.finish();
            totals = writer.totals();
        }
    } catch (const std::exception& e) {
        std::cerr << "generate_store: " << e.what() << '\n';
        return 1;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::printf("%s: %lld runs, %lld metric points", out.c_str(), static_cast<long long>(totals.runs),
        static_cast<long long>(totals.points));
    if (mode != "sqlite")
        std::printf(", %lld files, %.1f MB", static_cast<long long>(totals.files), totals.bytes / 1e6);
    std::printf(" in %.1f s\n", seconds);
    return 0;
}
