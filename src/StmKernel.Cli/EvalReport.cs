using System.Globalization;
using System.Text;
using StmKernel.Imaging;
using StmKernel.Sampling.Evaluation;

namespace StmKernel.Cli;

/// <summary>
/// `stmkernel eval`'s report of an <see cref="EvaluationRunner"/>'s results: the Markdown tables (mean PSNR/SSIM
/// per method and set, the analogue of the paper's Tables II, III, V, VI; the --check table) and the violin plots.
/// </summary>
internal static class EvalReport
{
    /// <summary>One row per method, two columns (PSNR, SSIM) per set, plus the image counts.</summary>
    public static string Table(IReadOnlyList<EvaluationMethod> methods, IReadOnlyList<SetEvaluation> results)
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

    /// <summary>The --check table: one row per model × steps and set.</summary>
    public static string CheckTable(IReadOnlyList<SetEvaluation> results, int ensemble)
    {
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"\n### Invented-structure map (--check, ensemble {ensemble})\n\n");
        md.Append("AUROC for the pixels with |restored − clean| > 0.2 (member 0 restored; docs/uncertainty.md).\n\n");
        md.Append("| method | set | positives % | invented map | map without spread | ensemble std | \\|restored − input\\| | flagged % | precision | recall |\n");
        md.Append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        foreach (var r in results.SelectMany(s => s.Checks))
        {
            var c = r.Result;
            md.Append(CultureInfo.InvariantCulture,
                $"| {r.Method.Label} {r.Method.StepsText} | {r.Mode} | {100 * c.PositiveFraction:F1} | {Cell(c.Map)} | {Cell(c.MapWithoutSpread)} | {Cell(c.Spread)} | {Cell(c.Residual)} | {100 * c.FlaggedFraction:F1} | {Cell(c.Precision)} | {Cell(c.Recall)} |\n");
        }
        return md.ToString();

        static string Cell(double v) => double.IsFinite(v) ? v.ToString("F3", CultureInfo.InvariantCulture) : "–";
    }

    /// <summary>One panel per set, one violin per method, of the metric <paramref name="pick"/> selects; written atomically.</summary>
    public static void WriteSvg(string path, string metric, IReadOnlyList<EvaluationMethod> methods, IReadOnlyList<SetEvaluation> results, Func<MethodScores, double[]> pick)
    {
        var panels = results.Select(r => new ViolinPlot.Panel($"{r.Mode} ({r.Count} images)",
            methods.Select((m, i) => new ViolinPlot.Series(m.Model is null ? m.Label : $"{m.Label} {m.StepsText}", pick(r.Scores[i]))).ToList())).ToList();
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
