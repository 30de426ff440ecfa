using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;

namespace StmKernel.Cli.Commands;

/// <summary>
/// `stmkernel eval-merge REPORT_DIR`: the report of N `eval --shard K/N` runs that shared -o REPORT_DIR, rendered
/// from their eval.json files as one run over all sets renders it (sets in folder-name order), so it is the
/// unsharded report byte for byte.
/// </summary>
public sealed class EvalMergeCommand : CliCommand
{
    private static readonly Regex ShardName = new(@"^shard-(?<k>[0-9]+)-of-(?<n>[0-9]+)$", RegexOptions.CultureInvariant);

    private readonly Argument<string> _report = new("REPORT_DIR")
    {
        Description = "the -o the shards shared: REPORT_DIR/shard-K-of-N/eval.json for every K = 1 … N are merged into " +
                      "REPORT_DIR/eval.md, psnr.svg, ssim.svg and eval.json, the files an unsharded `eval -o REPORT_DIR` " +
                      "writes (identical bytes)",
    };

    private readonly Option<bool> _force = CommonOptions.Force("replace an existing report in REPORT_DIR");

    public EvalMergeCommand() : base("eval-merge", "merge the reports of `eval --shard K/N` runs into the report of one unsharded run")
    {
        Arguments.Add(_report);
        Options.Add(_force);
    }

    public override string Details => "Every shard must be there and have evaluated the same methods (models × steps, --check ensemble).";

    protected override int Run(ParseResult parse)
    {
        bool force = parse.GetValue(_force);
        string report = parse.GetValue(_report)!;
        if (!Directory.Exists(report)) throw new CliException($"report folder {report} does not exist");
        var shards = ShardFolders(report);
        var files = EvalReport.Files(report);
        foreach (var f in files) OutputPaths.EnsureWritable(f, force);

        var parts = shards.Select(d => (Folder: d, Results: EvalResults.Read(Path.Combine(d, EvalResults.FileName)))).ToList();
        var first = parts[0];
        foreach (var (folder, r) in parts.Skip(1))
        {
            if (!r.Methods.SequenceEqual(first.Results.Methods))
                throw new CliException($"{folder} evaluated {Rows(r)}, but {first.Folder} evaluated {Rows(first.Results)}: shards of one run must use the same --models and --steps");
            if (r.Ensemble != first.Results.Ensemble)
                throw new CliException($"{folder} has --check ensemble {Ensemble(r)}, but {first.Folder} has {Ensemble(first.Results)}");
        }
        var sets = parts.SelectMany(p => p.Results.Sets).OrderBy(s => s.Folder, StringComparer.Ordinal).ToList();
        if (sets.GroupBy(s => s.Folder).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new CliException($"test set {twice.Key} is in more than one shard's report (were the shards run on different test-set folders?)");

        var merged = new EvalResults(first.Results.Methods, sets, first.Results.Ensemble);
        Console.Out.Write(EvalReport.Write(report, merged));
        Console.Out.WriteLine($"eval-merge: {shards.Count} shard(s): {EvalCommand.Counts(merged)}; wrote {string.Join(", ", files)}");
        return 0;
    }

    /// <summary>REPORT_DIR's shard-K-of-N folders, K = 1 … N, all for the same N; anything missing is an error naming it.</summary>
    private static List<string> ShardFolders(string report)
    {
        var found = Directory.EnumerateDirectories(report)
            .Select(d => (Path: d, Match: ShardName.Match(Path.GetFileName(d))))
            .Where(x => x.Match.Success)
            .Select(x => (x.Path, K: int.Parse(x.Match.Groups["k"].ValueSpan, CultureInfo.InvariantCulture), N: int.Parse(x.Match.Groups["n"].ValueSpan, CultureInfo.InvariantCulture)))
            .ToList();
        if (found.Count == 0) throw new CliException($"{report} holds no shard-K-of-N folder (write them with eval --shard K/N -o {report})");
        var counts = found.Select(f => f.N).Distinct().Order().ToList();
        if (counts.Count > 1) throw new CliException($"{report} holds shards of {string.Join(" and ", counts)} parts; merge one run's shards (move the others away)");
        int n = counts[0];
        var missing = Enumerable.Range(1, n).Where(k => !found.Any(f => f.K == k && File.Exists(Path.Combine(f.Path, EvalResults.FileName)))).ToList();
        if (missing.Count > 0)
            throw new CliException($"{report}: shard(s) {string.Join(", ", missing.Select(k => $"{k}/{n}"))} have no {EvalResults.FileName} (not run yet, or still running)");
        return [.. found.Where(f => f.K <= n).OrderBy(f => f.K).Select(f => f.Path)];
    }

    private static string Rows(EvalResults r) => string.Join(", ", r.Methods.Select(m => m.PlotName));

    private static string Ensemble(EvalResults r) => r.Ensemble?.ToString(CultureInfo.InvariantCulture) ?? "none (no --check)";
}
