using System.Globalization;
using System.Security;
using System.Text;

namespace StmKernel.Synthesis.Realism;

/// <summary>
/// SVG figure of set summaries drawn over each other, written by hand: log spectrum against κ (log
/// axis), log height histogram, autocorrelation along and across the rows; one colour per set.
/// </summary>
public static class RealismFigure
{
    /// <summary>One set drawn on every panel.</summary>
    /// <param name="Label">Legend text.</param>
    /// <param name="Summary">Its statistics.</param>
    /// <param name="Colour">SVG colour.</param>
    /// <param name="Dashed">Dashed line (for a reference such as "before").</param>
    public sealed record Series(string Label, StatisticsSummary Summary, string Colour, bool Dashed);

    private const int PanelWidth = 300, PanelHeight = 220, Margin = 48, Top = 36;

    /// <summary>The figure, 2 × 2 panels, with a legend on top.</summary>
    public static string Render(string title, IReadOnlyList<Series> series)
    {
        int width = 2 * (PanelWidth + Margin) + 16, height = Top + 2 * (PanelHeight + Margin) + 8;
        var svg = new StringBuilder();
        svg.Append(Inv($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"11\">\n"));
        svg.Append(Inv($"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>\n<text x=\"8\" y=\"16\" font-size=\"13\">{SecurityElement.Escape(title)}</text>\n"));
        for (int i = 0; i < series.Count; i++)
        {
            double lx = 8 + i * 170;
            svg.Append(Inv($"<line x1=\"{lx}\" y1=\"26\" x2=\"{lx + 24}\" y2=\"26\" stroke=\"{series[i].Colour}\" stroke-width=\"2\"{Dash(series[i])}/>"));
            svg.Append(Inv($"<text x=\"{lx + 30}\" y=\"30\">{SecurityElement.Escape(series[i].Label)}</text>\n"));
        }
        var kappa = Enumerable.Range(0, RadialSpectrum.Bins).Select(i => Math.Log10(RadialSpectrum.BinCentre(i))).ToArray();
        var sigma = Enumerable.Range(0, HeightHistogram.Bins).Select(HeightHistogram.BinCentre).ToArray();
        var lags = Enumerable.Range(0, Autocorrelation.Lags).Select(Autocorrelation.Lag).ToArray();
        Panel(svg, 0, 0, "radial power spectrum", "log10 κ (cycles per row period)", "log10 S", kappa, series, s => s.LogSpectrum);
        Panel(svg, 1, 0, "height histogram", "robust σ", "log10 density", sigma, series, s => s.Histogram.Select(p => Math.Log10(Math.Max(p, 1e-3))).ToArray());
        Panel(svg, 0, 1, "autocorrelation along rows", "lag (row periods)", "ACF", lags, series, s => s.AcfAlong);
        Panel(svg, 1, 1, "autocorrelation across rows", "lag (row periods)", "ACF", lags, series, s => s.AcfAcross);
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static void Panel(StringBuilder svg, int col, int row, string title, string xLabel, string yLabel, double[] x,
        IReadOnlyList<Series> series, Func<StatisticsSummary, double[]> curve)
    {
        double left = Margin + col * (PanelWidth + Margin), top = Top + Margin / 2 + row * (PanelHeight + Margin);
        var ys = series.Select(s => curve(s.Summary)).ToList();
        var finite = ys.SelectMany(v => v).Where(double.IsFinite).ToList();
        double lo = finite.Count > 0 ? finite.Min() : 0, hi = finite.Count > 0 ? finite.Max() : 1;
        if (hi - lo < 1e-9) { lo -= 0.5; hi += 0.5; }
        double xLo = x[0], xHi = x[^1];
        double Px(double v) => left + (v - xLo) / (xHi - xLo) * PanelWidth;
        double Py(double v) => top + PanelHeight - (v - lo) / (hi - lo) * PanelHeight;
        svg.Append(Inv($"<rect x=\"{left}\" y=\"{top}\" width=\"{PanelWidth}\" height=\"{PanelHeight}\" fill=\"none\" stroke=\"#888\"/>\n"));
        svg.Append(Inv($"<text x=\"{left}\" y=\"{top - 6}\">{SecurityElement.Escape(title)}</text>\n"));
        svg.Append(Inv($"<text x=\"{left + PanelWidth / 2.0}\" y=\"{top + PanelHeight + 30}\" text-anchor=\"middle\">{SecurityElement.Escape(xLabel)}</text>\n"));
        svg.Append(Inv($"<text x=\"{left - 34}\" y=\"{top + PanelHeight / 2.0}\" text-anchor=\"middle\" transform=\"rotate(-90 {left - 34} {top + PanelHeight / 2.0})\">{SecurityElement.Escape(yLabel)}</text>\n"));
        for (int t = 0; t <= 4; t++)
        {
            double xv = xLo + t * (xHi - xLo) / 4, yv = lo + t * (hi - lo) / 4;
            svg.Append(Inv($"<text x=\"{Px(xv)}\" y=\"{top + PanelHeight + 14}\" text-anchor=\"middle\">{xv:0.##}</text>"));
            svg.Append(Inv($"<text x=\"{left - 4}\" y=\"{Py(yv) + 4}\" text-anchor=\"end\">{yv:0.##}</text>\n"));
        }
        for (int s = 0; s < series.Count; s++)
        {
            // A gap where a bin is missing (NaN) instead of a line across it.
            var path = new StringBuilder();
            bool pen = false;
            for (int i = 0; i < x.Length; i++)
            {
                if (!double.IsFinite(ys[s][i])) { pen = false; continue; }
                path.Append(Inv($"{(pen ? 'L' : 'M')}{Px(x[i]):0.#},{Py(ys[s][i]):0.#} "));
                pen = true;
            }
            svg.Append(Inv($"<path d=\"{path.ToString().TrimEnd()}\" fill=\"none\" stroke=\"{series[s].Colour}\" stroke-width=\"1.6\"{Dash(series[s])}/>\n"));
        }
    }

    private static string Dash(Series s) => s.Dashed ? " stroke-dasharray=\"5,3\"" : "";

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
