namespace StmKernel.Imaging;

/// <summary>
/// Panels of equal height side by side in one greyscale image for a before/after figure, each stretched
/// on its own (percentiles, or a fixed [0, 1] for maps that are already scores) to [0, 1], separated by
/// white gaps; write it with <see cref="PngPreview.Write"/> over [0, 1].
/// </summary>
public static class PanelStrip
{
    /// <summary>One panel: the image and its grey range; null range = the 0.5–99.5 % percentiles.</summary>
    public sealed record Panel(StmImage Image, (float Low, float High)? Range = null);

    /// <summary>The strip; NaN pixels stay NaN (black in the PNG).</summary>
    /// <exception cref="ArgumentException">No panels, or their heights differ.</exception>
    public static StmImage Compose(IReadOnlyList<Panel> panels, int gap = 4)
    {
        if (panels.Count == 0) throw new ArgumentException("a panel strip needs at least one panel");
        int h = panels[0].Image.Height;
        if (panels.Any(p => p.Image.Height != h))
            throw new ArgumentException($"panels must share one height, got {string.Join(", ", panels.Select(p => p.Image.Height))} px");
        int w = panels.Sum(p => p.Image.Width) + gap * (panels.Count - 1);
        var data = new float[w * h];
        Array.Fill(data, 1f);
        int x0 = 0;
        foreach (var p in panels)
        {
            var (lo, hi) = p.Range ?? Stretch.Percentiles(p.Image.Data, 0.5, 99.5);
            float span = hi > lo ? hi - lo : 1;
            for (int y = 0; y < h; y++)
                for (int x = 0; x < p.Image.Width; x++)
                {
                    float v = p.Image.Data[y * p.Image.Width + x];
                    data[y * w + x0 + x] = float.IsFinite(v) ? Math.Clamp((v - lo) / span, 0f, 1f) : float.NaN;
                }
            x0 += p.Image.Width + gap;
        }
        return new StmImage(data, w, h) { PhysicalSizeKnown = false, Channel = "panels" };
    }
}
