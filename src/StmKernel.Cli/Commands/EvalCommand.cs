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
public sealed class EvalCommand : ICliCommand
{
    public string Name => "eval";

    public string Summary => "compare degraded input, classical baseline and models (× steps) on synthetic test sets";

    public string Usage => """
        usage: stmkernel eval --test-set DIR --models M1,M2,… [--steps 2,5,10] [-o REPORT_DIR] [--limit N]
                              [--seed S] [--batch B] [--threads N] [--device D] [--check [--ensemble N]] [--shard K/N] [--force]

          DIR      a test set written by `stmkernel degrade` (manifest.json, clean.npy, degraded.npy), or a
                   folder of such sets (one per degradation type: all, multitip, misalign, …, sr2, sr4)
          --models model names (weights folders) or files, comma-separated
          --steps  step counts to try for every sampled model (default: each model's own); one-pass
                   models always run once
          -o       report folder (default eval-report): eval.md, psnr.svg, ssim.svg, eval.json (the scores)
          --limit  use the first N images of each set
          --check  also measure the invented-structure map (docs/uncertainty.md): AUROC of the map, of the
                   ensemble spread and of |restored − input| for the pixels with |restored − clean| > 0.2;
                   --ensemble N (default 4) members per sampled model, seeds S … S+N−1 (member 0 is the
                   scored output)
          --shard  K/N: evaluate the K-th of N shares of the test sets (sorted by folder name: sets K, K+N, …)
                   and write the report to REPORT_DIR/shard-K-of-N/, so N processes can share -o. Sets are
                   scored independently (image i uses noise stream i of the seed in every set), so each set's
                   column is the one an unsharded run prints; `stmkernel eval-merge REPORT_DIR` then writes the
                   report of all N shards, identical to an unsharded run's
        Images are compared in the sets' [−1, 1] units (data range 2). Models see the degraded image as
        trained (no tiling); the classical baseline (plane, rows, scars) is mapped back to [−1, 1] by its
        min/max, as every training image is. Image i uses noise stream i of --seed (default 0).
        """ + "\n" + DeviceOption.Help;

    public int Run(ArgReader args)
    {
        string setArg = args.Required("test-set");
        var modelArgs = args.Required("models").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        int[]? steps = args.Option("steps") is { } st ? ParseSteps(st) : null;
        string report = args.Option("o", "output") ?? "eval-report";
        int limit = args.Int("limit", int.MaxValue, 1);
        int seed = args.Int("seed", 0, 0);
        int batch = args.Int("batch", 8, 1, 256);
        int threads = args.Int("threads", Environment.ProcessorCount, 1, 1024);
        string device = DeviceOption.Read(args);
        bool force = args.Flag("force");
        var shard = ShardOption.Read(args);
        bool check = args.Flag("check");
        bool ensembleGiven = args.Option("ensemble") is not null;
        int ensemble = args.Int("ensemble", 4, 2, 64);
        if (ensembleGiven && !check) throw new CliException("--ensemble sets the members of --check's spread: give --check too");
        args.EnsureAllUsed();
        if (args.Positionals.Count > 0) throw new CliException($"unexpected argument '{args.Positionals[0]}'");
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
