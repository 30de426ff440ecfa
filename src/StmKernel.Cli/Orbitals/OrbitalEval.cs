using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using StmKernel.Cli.Commands;
using StmKernel.Imaging;
using StmKernel.Orbitals;
using StmKernel.Orbitals.Baselines;
using StmKernel.Orbitals.Evaluation;
using StmKernel.Synthesis;
using StmKernel.Synthesis.Degradations;
using StmKernel.Tensors;
using StmKernel.Tensors.Threading;
using StmKernel.UNet.Networks;
using StmKernel.UNet.Weights;

namespace StmKernel.Cli.Orbitals;

/// <summary>
/// `stmkernel orbitals eval`: an orbital model against the baselines (identity, the oracle derivative-rule Wiener
/// filter and Richardson–Lucy with the true tip and height, a learned linear Wiener filter fitted on train pairs) on
/// the library's held-out molecules (test) and held-out families, scored after each method's best affine map
/// (<see cref="AffineScore"/>), with per-molecule bootstrap intervals of the gain over the best baseline and bins by
/// tip p-share and height. Writes REPORT.md and REPORT.json.
/// </summary>
internal sealed class OrbitalEval : CliCommand
{
    private readonly Option<string?> _model = CommonOptions.Model(OrbitalsCommand.DefaultModel);
    private readonly Option<int> _count = CliOptions.Int("--count", "N", "pairs i = 0 … N−1 of each set (the test split and the held-out families)", 240, 1, 100_000);
    private readonly Option<int> _seed = CliOptions.Int("--seed", "S", "seed of the scored pairs (the fitted Wiener filter's train pairs use S + 1)", 7);
    private readonly Option<int> _fitPairs = CliOptions.Int("--fit-pairs", "N", "train pairs the learned Wiener filter is fitted on", 256, 1, 100_000);
    private readonly Option<int> _size = CliOptions.Int("--size", "PX", "image width and height in pixels, on the model's pixel size", 64, 16, 512);
    private readonly Option<int> _threads = CommonOptions.Threads();
    private readonly Option<string?> _figures = CliOptions.OptionalText("--figures", "DIR", "write input | target | model | baselines strips of pentacene and H2Nc HOMO and LUMO");
    private readonly Option<bool> _surroundings = CliOptions.Flag("--surroundings", "score pairs with drift, background, standing waves and adsorbates (orbitals synth --help)");
    private readonly Option<bool> _validation = CliOptions.Flag("--validation",
        "score the validation split instead of the two held-out sets: for choosing between runs, so that the test split and the families only report");
    private readonly Option<string> _output = CliOptions.RequiredText("-o", "REPORT.md", "the report; REPORT.json beside it holds the scores (neither is overwritten)", "--out");

    public OrbitalEval() : base("eval", "score an orbital model against the baselines on held-out molecules and families")
    {
        foreach (var o in new Option[] { _model, _count, _seed, _fitPairs, _size, _threads, _figures, _surroundings, _validation, _output }) Options.Add(o);
    }

    public override string Details => """
        Scores are PSNR / SSIM after each output's least-squares gain and offset onto the target (orbital images have no
        absolute scale). The gain over the best baseline (highest mean SSIM of the set) comes with a 95 % bootstrap
        interval over molecules; the undegraded pure-s check feeds each target itself (an s-wave image: the model should
        leave it be, identity scores 1); degraded pure-s rows are the pairs taken with an s-wave tip.
        """;

    /// <summary>The methods of the report, in the order of <see cref="Outputs"/>.</summary>
    public static readonly string[] Methods = ["model", "identity", "oracle Wiener", "Richardson-Lucy", "learned Wiener"];
    private static readonly double[] PShareEdges = [0, 0.01, 0.25, 0.5, 0.75, 1.0001];
    private static readonly double[] HeightEdges = [4.5, 5.5, 6.5, 7.5, 9.0001];

    // CleanSsim: the model's output for the pair's own target as input (an undegraded pure-s image) against that target.
    private sealed record Scored(string Molecule, double PShare, double Height, double[] Psnr, double[] Ssim, double CleanSsim);

    protected override int Run(ParseResult parse)
    {
        string modelArg = parse.GetValue(_model) ?? OrbitalsCommand.DefaultModel;
        int count = parse.GetValue(_count);
        int seed = parse.GetValue(_seed);
        int fitPairs = parse.GetValue(_fitPairs);
        int size = parse.GetValue(_size);
        int threads = parse.GetValue(_threads);
        string? figures = parse.GetValue(_figures);
        bool surroundings = parse.GetValue(_surroundings);
        bool validation = parse.GetValue(_validation);
        string output = parse.GetValue(_output)!;
        string json = Path.ChangeExtension(output, ".json");
        foreach (var f in new[] { output, json })
            if (File.Exists(f)) throw new CliException($"{f} already exists; choose another report name");

        string path = ModelLocator.Resolve(modelArg);
        var weights = WeightSet.Load(path);
        if (weights.Metadata.Task != OrbitalTask.Task.Name)
            throw new CliException($"{path} was trained for '{weights.Metadata.Task ?? "no recorded task"}', not '{OrbitalTask.Task.Name}'");
        double pixelAngstrom = (weights.Metadata.PixelSizeRange?.Min ?? 0.05e-9) * 1e10;
        var grid = new OrbitalRender { Width = size, Height = size, PixelSize = pixelAngstrom };
        var model = NetworkModel.FromWeights(weights);
        using var pool = new WorkerPool(threads);
        var library = MoleculeLibrary.Build();

        var learned = new LearnedWiener(size, size);
        var fit = new OrbitalPairSampler(library, Split.Train, seed + 1, grid, surroundings);
        for (int i = 0; i < fitPairs; i++)
        {
            var (_, input, target, _) = fit.Draw(i);
            learned.Add(input, target);
        }
        learned.Fit();

        var report = new StringBuilder();
        var root = new JsonObject
        {
            ["model"] = Path.GetFileName(path), ["pairs_per_set"] = count, ["seed"] = seed, ["fit_pairs"] = fitPairs,
            ["size"] = size, ["pixel_angstrom"] = pixelAngstrom, ["surroundings"] = surroundings, ["scoring"] = "PSNR/SSIM after least-squares gain and offset, data range 1",
        };
        report.AppendLine(Invariant($"# Orbital reconstruction: {Path.GetFileName(path)}"));
        report.AppendLine();
        report.AppendLine(Invariant($"{count} pairs per set (seed {seed}), {size}² at {pixelAngstrom:0.###} Å/px; learned Wiener fitted on {fitPairs} train pairs{(surroundings ? "; pairs with drift, background, standing waves and adsorbates" : "")}. Scores after each output's best gain and offset (data range 1)."));
        foreach (var split in validation ? [Split.Validation] : new[] { Split.Test, Split.Families })
        {
            var sampler = new OrbitalPairSampler(library, split, seed, grid, surroundings);
            var scored = Score(sampler, count, model, learned, pool);
            root[split.ToString().ToLowerInvariant()] = Summarise(split, scored, sampler.MoleculeCount, report);
        }
        if (figures is not null) OrbitalFigures.Write(figures, model, learned, grid, pool, report);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        SafeWrite.Write(output, s => s.Write(Encoding.UTF8.GetBytes(report.ToString())));
        SafeWrite.Write(json, s => s.Write(Encoding.UTF8.GetBytes(root.ToJsonString(new() { WriteIndented = true }))));
        Console.Write(report);
        Console.WriteLine($"wrote {output} and {json}");
        return 0;
    }

    private static List<Scored> Score(OrbitalPairSampler sampler, int count, NetworkModel model, LearnedWiener learned, WorkerPool pool)
    {
        const int batch = 8;
        int w = sampler.Grid.Width, h = sampler.Grid.Height;
        var scored = new List<Scored>(count);
        using var bar = new ProgressBar(sampler.Split.ToString().ToLowerInvariant(), count, "pairs");
        for (int start = 0; start < count; start += batch)
        {
            int n = Math.Min(batch, count - start);
            var pairs = Enumerable.Range(start, n).Select(i => sampler.Draw(i)).ToArray();
            var y = Reconstruct(model, [.. pairs.Select(p => p.Input)], w, h, pool);
            var kept = Reconstruct(model, [.. pairs.Select(p => p.Target)], w, h, pool);
            Parallel.For(0, n, b =>
            {
                var (entry, input, target, p) = pairs[b];
                var outputs = Outputs(y[b], input, p.Tip, sampler.Grid with { Height0 = p.Height, Kappa = p.Kappa }, learned);
                var psnr = new double[outputs.Length];
                var ssim = new double[outputs.Length];
                for (int m = 0; m < outputs.Length; m++) (psnr[m], ssim[m]) = AffineScore.Of(target, outputs[m], w, h);
                double clean = AffineScore.Of(target, kept[b], w, h).Ssim;
                lock (scored) scored.Add(new Scored(entry.Molecule.Name, p.Tip.Wp / (p.Tip.Ws + p.Tip.Wp), p.Height, psnr, ssim, clean));
            });
            bar.Advance(n);
        }
        return scored;
    }

    /// <summary>The model's outputs for <paramref name="inputs"/>: each min-max normalised to [−1, 1] as in training (<see cref="OrbitalBatches"/>), t = 0.</summary>
    public static float[][] Reconstruct(NetworkModel model, IReadOnlyList<float[]> inputs, int w, int h, WorkerPool pool)
    {
        int n = inputs.Count, plane = w * h;
        var x = new Tensor(n, 1, h, w);
        for (int b = 0; b < n; b++)
            Normalisation.ToSymmetricUnit(new Plane(w, h, (float[])inputs[b].Clone())).Data.CopyTo(x.Data, b * plane);
        var y = model.Forward(x, new float[n], pool);
        return [.. Enumerable.Range(0, n).Select(b => y.Data.AsSpan(b * plane, plane).ToArray())];
    }

    /// <summary>Every method's output in <see cref="Methods"/> order: the model's (given), identity, the oracle filters with the true tip and height, the learned filter.</summary>
    public static float[][] Outputs(float[] model, float[] input, TipModel tip, OrbitalRender grid, LearnedWiener learned)
    {
        var psf = AtomPsf.For(grid);
        return [model, input, DerivativeRuleWiener.Apply(input, tip, psf), RichardsonLucy.Apply(input, tip, psf), learned.Apply(input)];
    }

    private static JsonObject Summarise(Split split, List<Scored> scored, int molecules, StringBuilder md)
    {
        var node = new JsonObject { ["pairs"] = scored.Count, ["molecules_in_split"] = molecules };
        md.AppendLine();
        md.AppendLine(Invariant($"## {split switch { Split.Test => "Held-out molecules (test split)", Split.Validation => "Validation split (for choosing runs)", _ => "Held-out families (acenes, porphyrinoids, O-containing)" }}"));
        md.AppendLine();
        md.AppendLine("| method | PSNR (dB) | SSIM |");
        md.AppendLine("|---|---|---|");
        var methods = new JsonObject();
        for (int m = 0; m < Methods.Length; m++)
        {
            double psnr = scored.Average(s => s.Psnr[m]), ssim = scored.Average(s => s.Ssim[m]);
            md.AppendLine(Invariant($"| {Methods[m]} | {psnr:F2} | {ssim:F3} |"));
            methods[Methods[m]] = new JsonObject { ["psnr_db"] = Math.Round(psnr, 3), ["ssim"] = Math.Round(ssim, 4) };
        }
        node["methods"] = methods;

        int best = Enumerable.Range(1, Methods.Length - 1).MaxBy(m => scored.Average(s => s.Ssim[m]));
        var names = scored.Select(s => s.Molecule).ToList();
        var dSsim = MoleculeBootstrap.Interval([.. scored.Select(s => s.Ssim[0] - s.Ssim[best])], names);
        var dPsnr = MoleculeBootstrap.Interval([.. scored.Select(s => s.Psnr[0] - s.Psnr[best])], names);
        md.AppendLine();
        md.AppendLine(Invariant($"Gain over the best baseline ({Methods[best]}), mean over {dSsim.Molecules} molecules with a 95 % bootstrap interval: SSIM {dSsim.Mean:+0.000;-0.000} [{dSsim.Low:+0.000;-0.000}, {dSsim.High:+0.000;-0.000}], PSNR {dPsnr.Mean:+0.00;-0.00} dB [{dPsnr.Low:+0.00;-0.00}, {dPsnr.High:+0.00;-0.00}] (bars: SSIM ≥ +0.05 with the interval above 0, PSNR ≥ +2 dB)."));
        node["best_baseline"] = Methods[best];
        node["gain_ssim"] = Interval(dSsim);
        node["gain_psnr_db"] = Interval(dPsnr);

        // The bar's case: an image already taken with an s-wave tip and nothing else wrong (the target itself as input),
        // where identity scores 1. Degraded pure-s inputs (the pairs' own pure-s share) are reported beside it.
        double keep = scored.Average(s => s.CleanSsim - 1);
        md.AppendLine(Invariant($"Undegraded pure-s inputs (each pair's target as input, {scored.Count} images): SSIM(model) − SSIM(identity) = {keep:+0.0000;-0.0000} (bar: within 0.01)."));
        node["clean_pure_s_ssim_vs_identity"] = Math.Round(keep, 5);
        var pureS = scored.Where(s => s.PShare < 0.01).ToList();
        if (pureS.Count > 0)
        {
            double d = pureS.Average(s => s.Ssim[0] - s.Ssim[1]);
            md.AppendLine(Invariant($"Degraded pure-s inputs ({pureS.Count} pairs: s-wave tip, scan degradations): SSIM(model) − SSIM(identity) = {d:+0.000;-0.000}."));
            node["pure_s_ssim_vs_identity"] = Math.Round(d, 4);
        }
        node["by_p_share"] = Bins(md, "tip p-share w_p/(w_s+w_p)", scored, s => s.PShare, PShareEdges, best);
        node["by_height"] = Bins(md, "tip height (Å)", scored, s => s.Height, HeightEdges, best);
        return node;
    }

    private static JsonArray Bins(StringBuilder md, string what, List<Scored> scored, Func<Scored, double> key, double[] edges, int best)
    {
        md.AppendLine();
        md.AppendLine(Invariant($"| {what} | pairs | SSIM model | SSIM identity | SSIM {Methods[best]} | PSNR model | PSNR {Methods[best]} |"));
        md.AppendLine("|---|---|---|---|---|---|---|");
        var bins = new JsonArray();
        for (int b = 0; b + 1 < edges.Length; b++)
        {
            var inBin = scored.Where(s => key(s) >= edges[b] && key(s) < edges[b + 1]).ToList();
            if (inBin.Count == 0) continue;
            double sm = inBin.Average(s => s.Ssim[0]), si = inBin.Average(s => s.Ssim[1]), sb = inBin.Average(s => s.Ssim[best]);
            double pm = inBin.Average(s => s.Psnr[0]), pb = inBin.Average(s => s.Psnr[best]);
            md.AppendLine(Invariant($"| {edges[b]:0.##}–{Math.Min(edges[b + 1], Math.Floor(edges[b + 1] * 100) / 100):0.##} | {inBin.Count} | {sm:F3} | {si:F3} | {sb:F3} | {pm:F2} | {pb:F2} |"));
            bins.Add((JsonNode)new JsonObject
            {
                ["from"] = edges[b], ["to"] = edges[b + 1], ["pairs"] = inBin.Count, ["ssim_model"] = Math.Round(sm, 4), ["ssim_identity"] = Math.Round(si, 4),
                ["ssim_best_baseline"] = Math.Round(sb, 4), ["psnr_model_db"] = Math.Round(pm, 3), ["psnr_best_baseline_db"] = Math.Round(pb, 3),
            });
        }
        return bins;
    }

    private static JsonObject Interval((double Mean, double Low, double High, int Molecules) ci) => new()
    {
        ["mean"] = Math.Round(ci.Mean, 4), ["ci95_low"] = Math.Round(ci.Low, 4), ["ci95_high"] = Math.Round(ci.High, 4), ["molecules"] = ci.Molecules,
    };

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
