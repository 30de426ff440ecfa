using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using StmKernel.Imaging;
using StmKernel.Sampling;
using StmKernel.Sampling.Evaluation;
using StmKernel.Synthesis.Pairs;
using StmKernel.Tensors.Threading;

namespace StmKernel.Cli.Commands;

/// <summary>
/// `stmkernel eval --test-set DIR --models M1,M2 [--steps 2,5,10]`: mean PSNR/SSIM of the degraded input,
/// the classical baseline and every model × step count on fixed synthetic test sets (one per degradation
/// type), as a Markdown table (the analogue of the paper's Tables II, III, V, VI) and SVG violin plots.
/// </summary>
public sealed class EvalCommand : CliCommand
{
    private readonly Option<string> _testSet = CliOptions.RequiredText("--test-set", "DIR",
        "a test set written by `stmkernel degrade` (manifest.json, clean.npy, degraded.npy), or a folder of such sets " +
        "(one per degradation type: all, multitip, misalign, …, sr2, sr4)");

    private readonly Option<string> _models = CliOptions.RequiredText("--models", "M1,M2,…", "model names (weights folders) or files, comma-separated");

    private readonly Option<int[]?> _steps = CliOptions.Parsed<int[]?>("--steps", "K,K,…",
        "step counts to try for every sampled model (default: each model's own); one-pass models always run once", ParseSteps);

    private readonly Option<string> _output = CliOptions.Text("-o", "REPORT_DIR", "report folder: eval.md, psnr.svg, ssim.svg, eval.json (the scores)", "eval-report", "--output");
    private readonly Option<int?> _limit = CliOptions.OptionalInt("--limit", "N", "use the first N images of each set (default: all)", 1);
    private readonly Option<int> _seed = CliOptions.Int("--seed", "S", "image i uses noise stream i of this seed", 0, 0);
    private readonly Option<int> _batch = CliOptions.Int("--batch", "B", "images per network call", 8, 1, 256);
    private readonly Option<int> _threads = CommonOptions.Threads();
    private readonly Option<string> _device = DeviceOption.Create();

    private readonly Option<bool> _check = CliOptions.Flag("--check",
        "also measure the invented-structure map (docs/uncertainty.md): AUROC of the map, of the ensemble spread and of " +
        "|restored − input| for the pixels with |restored − clean| > 0.2");

    private readonly Option<int?> _ensemble = CliOptions.OptionalInt("--ensemble", "N",
        "members per sampled model of --check's spread (default 4), seeds S … S+N−1 (member 0 is the scored output)", 2, 64);

    private readonly Option<ShardOption?> _shard = ShardOption.Create();
    private readonly Option<bool> _force = CommonOptions.Force("replace an existing report");

    public EvalCommand() : base("eval", "compare degraded input, classical baseline and models (× steps) on synthetic test sets")
    {
        foreach (var o in new Option[] { _testSet, _models, _steps, _output, _limit, _seed, _batch, _threads, _device, _check, _ensemble, _shard, _force })
            Options.Add(o);
    }

    public override string Details => """
        Images are compared in the sets' [−1, 1] units (data range 2). Models see the degraded image as trained (no
        tiling); the classical baseline (plane, rows, scars) is mapped back to [−1, 1] by its min/max, as every training
        image is.
        --shard K/N evaluates the K-th of N shares of the test sets (sorted by folder name: sets K, K+N, …) and writes
        the report to REPORT_DIR/shard-K-of-N/, so N processes can share -o. Sets are scored independently (image i
        uses noise stream i of the seed in every set), so each set's column is the one an unsharded run prints;
        `stmkernel eval-merge REPORT_DIR` then writes the report of all N shards, identical to an unsharded run's.
        """;

    protected override int Run(ParseResult parse)
    {
        string setArg = parse.GetValue(_testSet)!;
        var modelArgs = parse.GetValue(_models)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        int[]? steps = parse.GetValue(_steps);
        string report = parse.GetValue(_output)!;
        int limit = parse.GetValue(_limit) ?? int.MaxValue;
        int seed = parse.GetValue(_seed);
        int batch = parse.GetValue(_batch);
        int threads = parse.GetValue(_threads);
        string device = parse.GetValue(_device)!;
        bool force = parse.GetValue(_force);
        var shard = parse.GetValue(_shard);
        bool check = parse.GetValue(_check);
        int? ensembleGiven = parse.GetValue(_ensemble);
        if (ensembleGiven is not null && !check) throw new CliException("--ensemble sets the members of --check's spread: give --check too");
        int ensemble = ensembleGiven ?? 4;
        if (modelArgs.Length == 0) throw new CliException("--models names no model");

        var clock = Stopwatch.StartNew();
        var setFolders = TestSetFolders(setArg);
        if (shard is { } s)
        {
            setFolders = s.Select(setFolders);
            Console.Out.WriteLine($"eval: {s}: {setFolders.Count} test set(s): {string.Join(", ", setFolders.Select(Path.GetFileName))}");
            // More shards than sets leaves this one nothing to do, which is not an error; its (empty) report is still
            // written, so eval-merge finds all N shards.
            report = Path.Combine(report, ShardFolder(s));
        }
        Directory.CreateDirectory(report);
        var files = EvalReport.Files(report);
        foreach (var f in files) OutputPaths.EnsureWritable(f, force);

        var models = modelArgs.Select(m => RestorationModel.Load(ModelLocator.Resolve(m), DeviceOption.Backend(device))).ToList();
        using var pool = new WorkerPool(threads);
        var runner = new EvaluationRunner(EvaluationMethod.For(models, steps), new EvaluationOptions
        {
            Limit = limit, Seed = (ulong)seed, BatchSize = batch, Check = check, EnsembleSize = ensemble,
        }, pool);
        var results = new List<(string, SetEvaluation)>();
        foreach (var folder in setFolders)
        {
            var set = TestSet.Load(folder);
            ProgressBar? bar = null; // created on the first report, when the runner has said how many images it scores
            int last = 0;
            try
            {
                results.Add((Path.GetFileName(folder), runner.Evaluate(new EvaluationSet(set.Mode, set.Clean, set.Degraded), (d, total) =>
                {
                    bar ??= new ProgressBar(set.Mode, total, "images");
                    bar.Advance(d - last);
                    last = d;
                })));
            }
            finally
            {
                bar?.Dispose();
            }
        }

        var evaluation = EvalResults.Of(runner.Methods, results, check ? ensemble : null);
        Console.Out.Write(EvalReport.Write(report, evaluation));
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"eval: {Counts(evaluation)}, {clock.Elapsed.TotalSeconds:F2} s; wrote {string.Join(", ", files)}"));
        return 0;
    }

    /// <summary>The folder a shard's report goes to inside the report folder.</summary>
    internal static string ShardFolder(ShardOption shard) => $"shard-{shard.Index}-of-{shard.Count}";

    /// <summary>The counts of the closing line (sets, images, methods, network evaluations).</summary>
    internal static string Counts(EvalResults r) =>
        $"{r.Sets.Count} set(s), {r.Sets.Sum(s => s.Count)} images, {r.Methods.Count} methods, forwards={r.Sets.Sum(s => s.Forwards)}";

    private static int[] ParseSteps(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var steps = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out steps[i]) || steps[i] < 1 || steps[i] > 1000)
                throw new CliException($"--steps: '{parts[i]}' is not a step count in 1 … 1000");
        return steps.Length > 0 ? steps : throw new CliException("--steps lists no step count");
    }

    /// <summary>DIR itself when it is a test set, else its sub-folders that are (sorted).</summary>
    private static IReadOnlyList<string> TestSetFolders(string dir)
    {
        if (!Directory.Exists(dir)) throw new CliException($"test-set folder {dir} does not exist");
        if (File.Exists(Path.Combine(dir, TestSetWriter.ManifestFile))) return [dir];
        var sets = Directory.EnumerateDirectories(dir).Where(d => File.Exists(Path.Combine(d, TestSetWriter.ManifestFile)))
            .OrderBy(d => d, StringComparer.Ordinal).ToList();
        return sets.Count > 0 ? sets : throw new CliException($"{dir} is not a test set ({TestSetWriter.ManifestFile} missing) and holds none");
    }
}
