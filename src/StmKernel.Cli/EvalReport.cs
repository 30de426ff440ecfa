using System.Globalization;
using System.Text;
using StmKernel.Imaging;
using StmKernel.Sampling.Evaluation;

namespace StmKernel.Cli;

/// <summary>
/// `stmkernel eval`'s report of its <see cref="EvalResults"/>: the Markdown tables (mean PSNR/SSIM per method and
/// set, the analogue of the paper's Tables II, III, V, VI; the --check table), the violin plots and eval.json. An
/// unsharded run and `eval-merge` of its shards both write it here, so their reports are the same bytes.
/// </summary>
internal static class EvalReport
{
    /// <summary>The report's files in <paramref name="folder"/>, in the order <see cref="Write"/> writes them.</summary>
    public static string[] Files(string folder) =>
        [Path.Combine(folder, "eval.md"), Path.Combine(folder, "psnr.svg"), Path.Combine(folder, "ssim.svg"), Path.Combine(folder, EvalResults.FileName)];

    /// <summary>Writes eval.md, psnr.svg, ssim.svg and eval.json into <paramref name="folder"/> (each atomically); returns the Markdown.</summary>
    public static string Write(string folder, EvalResults results)
    {
        var files = Files(folder);
        string markdown = Table(results) + (results.Ensemble is { } ensemble ? CheckTable(results, ensemble) : "");
        SafeWrite.Write(files[0], s => s.Write(Encoding.UTF8.GetBytes(markdown)));
        WriteSvg(files[1], "PSNR (dB)", results, r => r.Psnr);
        WriteSvg(files[2], "SSIM", results, r => r.Ssim);
        SafeWrite.Write(files[3], s => s.Write(Encoding.UTF8.GetBytes(results.ToJson())));
        return markdown;
    }

    /// <summary>One row per method, two columns (PSNR, SSIM) per set, plus the image counts.</summary>
    public static string Table(EvalResults results)
    {
        var (methods, sets) = (results.Methods, results.Sets);
        var md = new StringBuilder();
        md.Append("| method | steps |");
        foreach (var r in sets) md.Append(CultureInfo.InvariantCulture, $" {r.Mode} PSNR (dB) | {r.Mode} SSIM |");
        md.Append("\n|---|---|");
        foreach (var _ in sets) md.Append("---:|---:|");
        md.Append('\n');
        for (int m = 0; m < methods.Count; m++)
        {
            md.Append(CultureInfo.InvariantCulture, $"| {methods[m].Label} | {methods[m].Steps} |");
            foreach (var r in sets)
                md.Append(CultureInfo.InvariantCulture, $" {MeanCell(r.Scores[m].Psnr, "F2")} | {MeanCell(r.Scores[m].Ssim, "F4")} |");
            md.Append('\n');
        }
        md.Append(CultureInfo.InvariantCulture, $"\nImages per set: {string.Join(", ", sets.Select(r => $"{r.Mode} {r.Count}"))}. Means over finite values (an exact match has infinite PSNR).\n");
        return md.ToString();
    }

    /// <summary>The --check table: one row per model × steps and set.</summary>
    public static string CheckTable(EvalResults results, int ensemble)
    {
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"\n### Invented-structure map (--check, ensemble {ensemble})\n\n");
        md.Append("AUROC for the pixels with |restored − clean| > 0.2 (member 0 restored; docs/uncertainty.md).\n\n");
        md.Append("| method | set | positives % | invented map | map without spread | ensemble std | \\|restored − input\\| | flagged % | precision | recall |\n");
        md.Append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        foreach (var (set, r) in results.Sets.SelectMany(s => s.Checks.Select(c => (s, c))))
        {
            var c = r.Result;
            var method = results.Methods[r.Method];
            md.Append(CultureInfo.InvariantCulture,
                $"| {method.Label} {method.Steps} | {set.Mode} | {100 * c.PositiveFraction:F1} | {Cell(c.Map)} | {Cell(c.MapWithoutSpread)} | {Cell(c.Spread)} | {Cell(c.Residual)} | {100 * c.FlaggedFraction:F1} | {Cell(c.Precision)} | {Cell(c.Recall)} |\n");
        }
        return md.ToString();

        static string Cell(double v) => double.IsFinite(v) ? v.ToString("F3", CultureInfo.InvariantCulture) : "–";
    }

    /// <summary>One panel per set, one violin per method, of the metric <paramref name="pick"/> selects; written atomically.</summary>
    private static void WriteSvg(string path, string metric, EvalResults results, Func<MethodScores, double[]> pick)
    {
        var panels = results.Sets.Select(r => new ViolinPlot.Panel($"{r.Mode} ({r.Count} images)",
            results.Methods.Select((m, i) => new ViolinPlot.Series(m.PlotName, pick(r.Scores[i]))).ToList())).ToList();
        string svg = ViolinPlot.Render(metric, panels);
        SafeWrite.Write(path, s => s.Write(Encoding.UTF8.GetBytes(svg)));
    }

    /// <summary>Mean over the finite values; "∞" when every value is +∞ (each image matched exactly), "–" when none is usable.</summary>
    private static string MeanCell(double[] values, string format)
    {
        var finite = values.Where(double.IsFinite).ToArray();
        if (finite.Length > 0) return finite.Average().ToString(format, CultureInfo.InvariantCulture);
        return values.Length > 0 && values.All(double.IsPositiveInfinity) ? "∞" : "–";
    }
}
