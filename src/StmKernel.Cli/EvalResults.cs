using System.Globalization;
using System.Text.Json.Nodes;
using StmKernel.Sampling;
using StmKernel.Sampling.Evaluation;

namespace StmKernel.Cli;

/// <summary>A row of the eval report as printed: the method's label, its steps column and whether it is a baseline.</summary>
internal sealed record EvalRow(string Label, string Steps, bool Baseline)
{
    public static EvalRow Of(EvaluationMethod m) => new(m.Label, m.StepsText, m.Model is null);

    /// <summary>The name in the violin plots: the label, with the steps for a model.</summary>
    public string PlotName => Baseline ? Label : $"{Label} {Steps}";
}

/// <summary>One set's measurements, under the set's folder name (the order an unsharded run reports sets in).</summary>
internal sealed record EvalSet(string Folder, string Mode, int Count, long Forwards, IReadOnlyList<MethodScores> Scores, IReadOnlyList<EvalCheck> Checks);

/// <summary>A --check row: the method's index in <see cref="EvalResults.Methods"/> and its measurement.</summary>
internal sealed record EvalCheck(int Method, InventedMapCheck.Result Result);

/// <summary>
/// Everything `stmkernel eval` renders its report from, saved beside it as eval.json so `eval-merge` can render the
/// report of N shards exactly as one run over all sets would: per-image scores (not only the means) for the violin
/// plots, sets under their folder names to restore the unsharded order. Doubles round-trip exactly; non-finite values
/// (an exact match's +∞ PSNR, a set without wrong pixels' NaN AUROC) are stored as the strings "Infinity", "NaN".
/// </summary>
internal sealed record EvalResults(IReadOnlyList<EvalRow> Methods, IReadOnlyList<EvalSet> Sets, int? Ensemble)
{
    public const string FileName = "eval.json";

    private const int FormatVersion = 1;

    public static EvalResults Of(IReadOnlyList<EvaluationMethod> methods, IReadOnlyList<(string Folder, SetEvaluation Result)> sets, int? ensemble) =>
        new([.. methods.Select(EvalRow.Of)],
            [.. sets.Select(s => new EvalSet(s.Folder, s.Result.Mode, s.Result.Count, s.Result.Forwards, s.Result.Scores,
                [.. s.Result.Checks.Select(c => new EvalCheck(IndexOf(methods, c.Method), c.Result))]))],
            ensemble);

    public string ToJson()
    {
        var o = new JsonObject
        {
            ["version"] = FormatVersion,
            ["ensemble"] = Ensemble,
            ["methods"] = new JsonArray([.. Methods.Select(m => (JsonNode)new JsonObject { ["label"] = m.Label, ["steps"] = m.Steps, ["baseline"] = m.Baseline })]),
            ["sets"] = new JsonArray([.. Sets.Select(s => (JsonNode)new JsonObject
            {
                ["folder"] = s.Folder, ["mode"] = s.Mode, ["count"] = s.Count, ["forwards"] = s.Forwards,
                ["scores"] = new JsonArray([.. s.Scores.Select(m => (JsonNode)new JsonObject { ["psnr"] = Numbers(m.Psnr), ["ssim"] = Numbers(m.Ssim) })]),
                ["checks"] = new JsonArray([.. s.Checks.Select(c => (JsonNode)new JsonObject
                {
                    ["method"] = c.Method,
                    ["result"] = Numbers([c.Result.PositiveFraction, c.Result.Map, c.Result.MapWithoutSpread, c.Result.Spread, c.Result.Residual,
                        c.Result.FlaggedFraction, c.Result.Precision, c.Result.Recall]),
                })]),
            })]),
        };
        return o.ToJsonString() + "\n";
    }

    /// <exception cref="CliException">The file is not an eval.json this version wrote; the message names it.</exception>
    public static EvalResults Read(string path)
    {
        try
        {
            var o = JsonNode.Parse(File.ReadAllText(path));
            int version = Field(o, "version").GetValue<int>();
            if (version != FormatVersion) throw new CliException($"{path}: eval.json version {version}, expected {FormatVersion}");
            var methods = Field(o, "methods").AsArray().Select(m =>
                new EvalRow(Field(m, "label").GetValue<string>(), Field(m, "steps").GetValue<string>(), Field(m, "baseline").GetValue<bool>())).ToList();
            var sets = Field(o, "sets").AsArray().Select(s => new EvalSet(
                Field(s, "folder").GetValue<string>(), Field(s, "mode").GetValue<string>(), Field(s, "count").GetValue<int>(), Field(s, "forwards").GetValue<long>(),
                [.. Field(s, "scores").AsArray().Select(m => new MethodScores(Doubles(Field(m, "psnr")), Doubles(Field(m, "ssim"))))],
                [.. Field(s, "checks").AsArray().Select(c =>
                {
                    var r = Doubles(Field(c, "result"));
                    if (r.Length != 8) throw new FormatException($"a check result holds {r.Length} numbers, expected 8");
                    return new EvalCheck(Field(c, "method").GetValue<int>(), new InventedMapCheck.Result(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]));
                })])).ToList();
            return new EvalResults(methods, sets, o!["ensemble"]?.GetValue<int>());
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            throw new CliException($"{path}: not an eval.json written by stmkernel eval ({e.Message})");
        }
    }

    private static JsonNode Field(JsonNode? o, string key) => o?[key] ?? throw new FormatException($"'{key}' is missing");

    private static int IndexOf(IReadOnlyList<EvaluationMethod> methods, EvaluationMethod m)
    {
        for (int i = 0; i < methods.Count; i++)
            if (ReferenceEquals(methods[i], m)) return i;
        throw new ArgumentException($"check row for {m.Label} is not one of the runner's methods");
    }

    private static JsonArray Numbers(IEnumerable<double> values) =>
        new([.. values.Select(v => double.IsFinite(v) ? JsonValue.Create(v) : JsonValue.Create(v.ToString(CultureInfo.InvariantCulture)))]);

    private static double[] Doubles(JsonNode node) =>
        [.. node.AsArray().Select(v => v!.GetValueKind() == System.Text.Json.JsonValueKind.String
            ? double.Parse(v.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture)
            : v.GetValue<double>())];
}
