using System.Globalization;
using System.Security;
using System.Text;

namespace StmKernel.Cli;

/// <summary>
/// SVG violin plots drawn by hand (no plotting library on this registry): one panel per test set, one
/// violin per method with a Gaussian kernel density (Silverman's bandwidth) mirrored about its axis,
/// a median bar and a mean dot. Non-finite values (PSNR of an exact match) are left out.
/// </summary>
internal static class ViolinPlot
{
    /// <summary>One violin: its label and the values it shows.</summary>
    public sealed record Series(string Label, IReadOnlyList<double> Values);

    /// <summary>One panel: a title and its violins, which share the panel's y axis.</summary>
    public sealed record Panel(string Title, IReadOnlyList<Series> Series);

    private const int Slot = 96, Left = 64, PanelHeight = 250, PlotTop = 30, PlotHeight = 170, Points = 64;

    /// <summary>The whole figure as SVG text; <paramref name="metric"/> labels the y axes.</summary>
    public static string Render(string metric, IReadOnlyList<Panel> panels)
    {
        int slots = Math.Max(1, panels.Select(p => p.Series.Count).DefaultIfEmpty(0).Max()); // an empty shard of eval has no panel
        int width = Left + slots * Slot + 16, height = panels.Count * PanelHeight;
        var svg = new StringBuilder();
        svg.Append(Inv($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"11\">\n"));
        svg.Append(Inv($"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>\n"));
        for (int p = 0; p < panels.Count; p++)
            DrawPanel(svg, panels[p], metric, p * PanelHeight, slots);
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static void DrawPanel(StringBuilder svg, Panel panel, string metric, int top, int slots)
    {
        var all = panel.Series.SelectMany(s => s.Values).Where(double.IsFinite).ToList();
        double lo = all.Count > 0 ? all.Min() : 0, hi = all.Count > 0 ? all.Max() : 1;
        if (hi - lo < 1e-9) { lo -= 0.5; hi += 0.5; }
        double pad = 0.05 * (hi - lo);
        lo -= pad;
        hi += pad;
        double Y(double v) => top + PlotTop + PlotHeight * (hi - v) / (hi - lo);

        svg.Append(Inv($"<text x=\"{Left}\" y=\"{top + 18}\" font-size=\"13\" font-weight=\"bold\">{Escape(panel.Title)}</text>\n"));
        svg.Append(Inv($"<line x1=\"{Left}\" y1=\"{Y(hi)}\" x2=\"{Left}\" y2=\"{Y(lo)}\" stroke=\"black\"/>\n"));
        foreach (double tick in Ticks(lo, hi))
        {
            svg.Append(Inv($"<line x1=\"{Left - 4}\" y1=\"{Y(tick):F1}\" x2=\"{Left + slots * Slot}\" y2=\"{Y(tick):F1}\" stroke=\"#ddd\"/>\n"));
            svg.Append(Inv($"<text x=\"{Left - 6}\" y=\"{Y(tick) + 4:F1}\" text-anchor=\"end\">{tick:G4}</text>\n"));
        }
        svg.Append(Inv($"<text transform=\"translate(14,{top + PlotTop + PlotHeight / 2}) rotate(-90)\" text-anchor=\"middle\">{Escape(metric)}</text>\n"));

        for (int i = 0; i < panel.Series.Count; i++)
        {
            var s = panel.Series[i];
            double cx = Left + (i + 0.5) * Slot;
            var values = s.Values.Where(double.IsFinite).OrderBy(v => v).ToArray();
            svg.Append(Inv($"<text x=\"{cx:F1}\" y=\"{top + PlotTop + PlotHeight + 18}\" text-anchor=\"middle\">{Escape(s.Label)}</text>\n"));
            svg.Append(Inv($"<text x=\"{cx:F1}\" y=\"{top + PlotTop + PlotHeight + 32}\" text-anchor=\"middle\" fill=\"#666\">n={values.Length}</text>\n"));
            if (values.Length == 0) continue;
            svg.Append(Inv($"<path d=\"{Outline(values, cx, Y)}\" fill=\"{Colour(i)}\" fill-opacity=\"0.55\" stroke=\"{Colour(i)}\"/>\n"));
            double median = values.Length % 2 == 1 ? values[values.Length / 2] : (values[values.Length / 2 - 1] + values[values.Length / 2]) / 2;
            svg.Append(Inv($"<line x1=\"{cx - 14:F1}\" y1=\"{Y(median):F1}\" x2=\"{cx + 14:F1}\" y2=\"{Y(median):F1}\" stroke=\"black\" stroke-width=\"2\"/>\n"));
            svg.Append(Inv($"<circle cx=\"{cx:F1}\" cy=\"{Y(values.Average()):F1}\" r=\"3\" fill=\"white\" stroke=\"black\"/>\n"));
        }
    }

    /// <summary>The closed outline of a violin: density over [min, max] mirrored about x = <paramref name="cx"/>.</summary>
    private static string Outline(double[] sorted, double cx, Func<double, double> y)
    {
        double min = sorted[0], max = sorted[^1];
        double mean = sorted.Average();
        double sd = Math.Sqrt(sorted.Sum(v => (v - mean) * (v - mean)) / Math.Max(1, sorted.Length - 1));
        double h = 1.06 * sd * Math.Pow(sorted.Length, -0.2);
        var density = new double[Points];
        var at = new double[Points];
        for (int k = 0; k < Points; k++)
        {
            at[k] = min + (max - min) * k / (Points - 1);
            // Identical values (h = 0) draw as a flat bar of full width.
            density[k] = h > 0 ? sorted.Sum(v => Math.Exp(-0.5 * Math.Pow((at[k] - v) / h, 2))) : 1;
        }
        double peak = density.Max();
        double half = 0.4 * Slot;
        var path = new StringBuilder();
        for (int k = 0; k < Points; k++)
            path.Append(Inv($"{(k == 0 ? "M" : "L")}{cx - half * density[k] / peak:F1},{y(at[k]):F1} "));
        for (int k = Points - 1; k >= 0; k--)
            path.Append(Inv($"L{cx + half * density[k] / peak:F1},{y(at[k]):F1} "));
        return path.Append('Z').ToString();
    }

    /// <summary>About five round tick values inside [lo, hi].</summary>
    private static IEnumerable<double> Ticks(double lo, double hi)
    {
        double raw = (hi - lo) / 5, magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = magnitude * (raw / magnitude < 2 ? 2 : raw / magnitude < 5 ? 5 : 10);
        for (double t = Math.Ceiling(lo / step) * step; t <= hi; t += step) yield return Math.Round(t / step) * step;
    }

    private static string Colour(int i) => (i % 6) switch
    {
        0 => "#9e9e9e", 1 => "#e69f00", 2 => "#0072b2", 3 => "#009e73", 4 => "#cc79a7", _ => "#d55e00",
    };

    private static string Escape(string text) => SecurityElement.Escape(text) ?? "";

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
