using System.Diagnostics;
using System.Globalization;
using System.Text;
using StmKernel.Imaging;
using StmKernel.Imaging.Classical;
using StmKernel.Imaging.Metrics;
using StmKernel.Sampling;
using StmKernel.Synthesis.Pairs;
using StmKernel.Tensors;
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
                              [--seed S] [--batch B] [--threads N] [--check [--ensemble N]] [--force]

          DIR      a test set written by `stmkernel degrade` (manifest.json, clean.npy, degraded.npy), or a
                   folder of such sets (one per degradation type: all, multitip, misalign, …, sr2, sr4)
          --models model names (weights folders) or files, comma-separated
          --steps  step counts to try for every sampled model (default: each model's own); one-pass
                   models always run once
          -o       report folder (default eval-report): eval.md, psnr.svg, ssim.svg
          --limit  use the first N images of each set
          --check  also measure the invented-structure map (docs/uncertainty.md): AUROC of the map, of the
                   ensemble spread and of |restored − input| for the pixels with |restored − clean| > 0.2;
                   --ensemble N (default 4) members per sampled model, seeds S … S+N−1 (member 0 is the
                   scored output)
        Images are compared in the sets' [−1, 1] units (data range 2). Models see the degraded image as
        trained (no tiling); the classical baseline (plane, rows, scars) is mapped back to [−1, 1] by its
        min/max, as every training image is. Image i uses noise stream i of --seed (default 0).
        """;

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
        bool force = args.Flag("force");
        bool check = args.Flag("check");
        bool ensembleGiven = args.Option("ensemble") is not null;
        int ensemble = args.Int("ensemble", 4, 2, 64);
        if (ensembleGiven && !check) throw new CliException("--ensemble sets the members of --check's spread: give --check too");
        args.EnsureAllUsed();
        if (args.Positionals.Count > 0) throw new CliException($"unexpected argument '{args.Positionals[0]}'");
        if (modelArgs.Length == 0) throw new CliException("--models names no model");

        var clock = Stopwatch.StartNew();
        var setFolders = TestSetFolders(setArg);
        Directory.CreateDirectory(report);
        string table = Path.Combine(report, "eval.md"), psnrSvg = Path.Combine(report, "psnr.svg"), ssimSvg = Path.Combine(report, "ssim.svg");
        foreach (var f in new[] { table, psnrSvg, ssimSvg }) OutputPaths.EnsureWritable(f, force);

        var models = modelArgs.Select(m => RestorationModel.Load(ModelLocator.Resolve(m))).ToList();
        var methods = new List<Method> { new("degraded input", null, 0), new("classical", null, 0) };
        foreach (var m in models)
        {
            if (m.Sampler is null) methods.Add(new Method(m.Name, m, 1));
            else foreach (int k in steps ?? [m.Sampler.DefaultSteps]) methods.Add(new Method(m.Name, m, k));
        }

        using var pool = new WorkerPool(threads);
        var results = new List<SetResult>();
        var checks = new List<CheckRow>();
        long forwards = 0;
        int images = 0;
        foreach (var folder in setFolders)
        {
            var set = TestSet.Load(folder);
            int n = Math.Min(limit, set.Count);
            images += n;
            var clean = Slice(set.Clean, n);
            var degraded = Slice(set.Degraded, n);
            var scores = new List<(double[] Psnr, double[] Ssim)>();
            using var bar = new ProgressBar($"{set.Mode}", (long)n * methods.Count, "images");
            foreach (var method in methods)
            {
                Tensor output;
                if (method.Model is null) output = method.Label == "classical" ? Classical(degraded) : degraded;
                else
                {
                    var counter = new CountingDenoiser(method.Model.CreateDenoiser(pool, batch));
                    int last = 0;
                    output = StackRestorer.Restore(counter, method.Model.Sampler, degraded, method.Steps, (ulong)seed, batch,
                        (d, _) => { bar.Advance(d - last); last = d; });
                    if (check)
                    {
                        var members = new List<Tensor> { output };
                        for (int m = 1; m < (method.Model.Sampler is null ? 1 : ensemble); m++)
                            members.Add(StackRestorer.Restore(counter, method.Model.Sampler, degraded, method.Steps, (ulong)(seed + m), batch));
                        checks.Add(new CheckRow($"{method.Label} {method.StepsText}", set.Mode, InventedMapCheck.Measure(degraded, clean, members)));
                    }
                    forwards += counter.Evaluations;
                }
                if (method.Model is null) bar.Advance(n);
                scores.Add(Score(clean, output));
            }
            results.Add(new SetResult(set.Mode, n, scores));
        }

        string markdown = Table(methods, results) + (check ? CheckTable(checks, ensemble) : "");
        SafeWrite.Write(table, s => s.Write(Encoding.UTF8.GetBytes(markdown)));
        WriteSvg(psnrSvg, "PSNR (dB)", methods, results, r => r.Psnr);
        WriteSvg(ssimSvg, "SSIM", methods, results, r => r.Ssim);
        Console.Out.Write(markdown);
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"eval: {results.Count} set(s), {images} images, {methods.Count} methods, forwards={forwards}, {clock.Elapsed.TotalSeconds:F2} s; wrote {table}, {psnrSvg}, {ssimSvg}"));
        return 0;
    }

    private sealed record Method(string Label, RestorationModel? Model, int Steps)
    {
        public string StepsText => Model is null ? "–" : Model.Sampler is null ? "1 pass" : Steps.ToString(CultureInfo.InvariantCulture);
    }

    private sealed record SetResult(string Mode, int Count, List<(double[] Psnr, double[] Ssim)> Scores);

    private sealed record CheckRow(string Method, string Mode, InventedMapCheck.Result Result);

    /// <summary>The --check table: one row per model × steps and set.</summary>
    private static string CheckTable(List<CheckRow> rows, int ensemble)
    {
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"\n### Invented-structure map (--check, ensemble {ensemble})\n\n");
        md.Append("AUROC for the pixels with |restored − clean| > 0.2 (member 0 restored; docs/uncertainty.md).\n\n");
        md.Append("| method | set | positives % | invented map | map without spread | ensemble std | \\|restored − input\\| | flagged % | precision | recall |\n");
        md.Append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        foreach (var r in rows)
        {
            var c = r.Result;
            md.Append(CultureInfo.InvariantCulture,
                $"| {r.Method} | {r.Mode} | {100 * c.PositiveFraction:F1} | {Cell(c.Map)} | {Cell(c.MapWithoutSpread)} | {Cell(c.Spread)} | {Cell(c.Residual)} | {100 * c.FlaggedFraction:F1} | {Cell(c.Precision)} | {Cell(c.Recall)} |\n");
        }
        return md.ToString();

        static string Cell(double v) => double.IsFinite(v) ? v.ToString("F3", CultureInfo.InvariantCulture) : "–";
    }

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

    private static Tensor Slice(Tensor stack, int n)
    {
        int plane = stack.Dim(2) * stack.Dim(3);
        return new Tensor(stack.Data.AsSpan(0, n * plane).ToArray(), n, 1, stack.Dim(2), stack.Dim(3));
    }

    /// <summary>The classical baseline per image, mapped back to [−1, 1] by its min/max.</summary>
    private static Tensor Classical(Tensor degraded)
    {
        int n = degraded.Dim(0), h = degraded.Dim(2), w = degraded.Dim(3), plane = h * w;
        var result = new Tensor(n, 1, h, w);
        for (int i = 0; i < n; i++)
        {
            var image = new StmImage(degraded.Data.AsSpan(i * plane, plane).ToArray(), w, h);
            var restored = ClassicalRestoration.Restore(image).Data;
            float min = restored.Min(), max = restored.Max();
            double half = max > min ? (max - (double)min) / 2 : 1, center = (min + (double)max) / 2;
            for (int p = 0; p < plane; p++) result.Data[i * plane + p] = (float)((restored[p] - center) / half);
        }
        return result;
    }

    private static (double[] Psnr, double[] Ssim) Score(Tensor clean, Tensor output)
    {
        int n = clean.Dim(0), h = clean.Dim(2), w = clean.Dim(3), plane = h * w;
        var psnr = new double[n];
        var ssim = new double[n];
        for (int i = 0; i < n; i++)
        {
            var reference = clean.Data.AsSpan(i * plane, plane);
            var test = output.Data.AsSpan(i * plane, plane);
            psnr[i] = Psnr.Compute(reference, test, dataRange: 2);
            ssim[i] = Ssim.Compute(reference, test, w, h, dataRange: 2);
        }
        return (psnr, ssim);
    }

    private static string Table(List<Method> methods, List<SetResult> results)
    {
        var md = new StringBuilder();
        md.Append("| method | steps |");
        foreach (var r in results) md.Append(CultureInfo.InvariantCulture, $" {r.Mode} PSNR (dB) | {r.Mode} SSIM |");
        md.Append("\n|---|---|");
        foreach (var _ in results) md.Append("---:|---:|");
        md.Append('\n');
        for (int m = 0; m < methods.Count; m++)
        {
            md.Append(CultureInfo.InvariantCulture, $"| {methods[m].Label} | {methods[m].StepsText} |");
            foreach (var r in results)
                md.Append(CultureInfo.InvariantCulture, $" {MeanCell(r.Scores[m].Psnr, "F2")} | {MeanCell(r.Scores[m].Ssim, "F4")} |");
            md.Append('\n');
        }
        md.Append(CultureInfo.InvariantCulture, $"\nImages per set: {string.Join(", ", results.Select(r => $"{r.Mode} {r.Count}"))}. Means over finite values (an exact match has infinite PSNR).\n");
        return md.ToString();
    }

    /// <summary>Mean over the finite values; "∞" when every value is +∞ (each image matched exactly), "–" when none is usable.</summary>
    private static string MeanCell(double[] values, string format)
    {
        var finite = values.Where(double.IsFinite).ToArray();
        if (finite.Length > 0) return finite.Average().ToString(format, CultureInfo.InvariantCulture);
        return values.Length > 0 && values.All(double.IsPositiveInfinity) ? "∞" : "–";
    }

    private static void WriteSvg(string path, string metric, List<Method> methods, List<SetResult> results, Func<(double[] Psnr, double[] Ssim), double[]> pick)
    {
        var panels = results.Select(r => new ViolinPlot.Panel($"{r.Mode} ({r.Count} images)",
            methods.Select((m, i) => new ViolinPlot.Series(m.Model is null ? m.Label : $"{m.Label} {m.StepsText}", pick(r.Scores[i]))).ToList())).ToList();
        string svg = ViolinPlot.Render(metric, panels);
        SafeWrite.Write(path, s => s.Write(Encoding.UTF8.GetBytes(svg)));
    }
}
