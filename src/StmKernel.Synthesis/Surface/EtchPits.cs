namespace StmKernel.Synthesis.Surface;

/// <summary>
/// Etch pits: elliptical vacancy islands one layer deep. Inside a pit the surface is the next
/// terrace down, so its rows are rotated 90° like below any single-layer step.
/// </summary>
internal sealed class EtchPits
{
    private readonly List<(double X, double Y, double A, double B, double Cos, double Sin)> _pits = new();

    /// <summary>Number of pits placed.</summary>
    public int Count => _pits.Count;

    /// <summary>Draws a Poisson number of pits (density per m²) with semi-axes 0.8–2.5 nm.</summary>
    public static EtchPits Place(Rng rng, int width, int height, double pixelSize, double density)
    {
        var pits = new EtchPits();
        int n = rng.Poisson(density * width * height * pixelSize * pixelSize);
        for (int i = 0; i < n; i++)
        {
            double a = rng.Uniform(0.8e-9, 2.5e-9) / pixelSize;
            double b = a * rng.Uniform(0.4, 1.0);
            double angle = rng.Uniform(0, Math.PI);
            pits._pits.Add((rng.Uniform(0, width), rng.Uniform(0, height), a, b, Math.Cos(angle), Math.Sin(angle)));
        }
        return pits;
    }

    /// <summary>Smoothed depth in layers (0..1, logistic edge of width <paramref name="edgeWidth"/> px) and whether (x, y) is inside a pit.</summary>
    public (double Depth, bool Inside) Depth(double x, double y, double edgeWidth)
    {
        double depth = 0;
        bool inside = false;
        foreach (var p in _pits)
        {
            double dx = x - p.X, dy = y - p.Y;
            if (Math.Abs(dx) > p.A + 6 * edgeWidth || Math.Abs(dy) > p.A + 6 * edgeWidth) continue;
            double u = (dx * p.Cos + dy * p.Sin) / p.A, v = (-dx * p.Sin + dy * p.Cos) / p.B;
            double r = Math.Sqrt(u * u + v * v);
            inside |= r < 1;
            depth = Math.Max(depth, 1 / (1 + Math.Exp(-(1 - r) * p.B / edgeWidth)));
        }
        return (depth, inside);
    }
}
