namespace StmKernel.Synthesis.Surface;

/// <summary>
/// The vicinal staircase: parallel single-layer step edges perpendicular to the miscut direction,
/// each displaced along its length by a kinked profile. Edge k sits at p = k·W + δ_k(q), where p is
/// the downhill coordinate and q the coordinate along the edges (pixels). Terrace n lies between
/// edges n and n+1 and is n step heights below terrace 0.
/// </summary>
internal sealed class StepField
{
    private readonly double _cos, _sin, _w, _qMin;
    private readonly int _kMin;
    private readonly float[][] _delta; // _delta[k - _kMin][q - _qMin]

    /// <summary>Terrace width in pixels; +∞ when there are no steps.</summary>
    public double TerraceWidth => _w;

    /// <param name="width">Image width (px).</param>
    /// <param name="height">Image height (px).</param>
    /// <param name="downhillRadians">Miscut direction.</param>
    /// <param name="terraceWidth">Terrace width in px (+∞ for a flat surface).</param>
    /// <param name="isStraightEdge">Whether edge k is an S_A (straight) edge.</param>
    /// <param name="edgeProfile">Draws the displacement profile of one edge: (k, straight, length) → δ per q.</param>
    public StepField(int width, int height, double downhillRadians, double terraceWidth,
        Func<int, bool> isStraightEdge, Func<int, bool, int, float[]> edgeProfile)
    {
        _cos = Math.Cos(downhillRadians);
        _sin = Math.Sin(downhillRadians);
        _w = terraceWidth;
        double pMin = double.MaxValue, pMax = double.MinValue, qMin = double.MaxValue, qMax = double.MinValue;
        foreach (var (x, y) in new[] { (0.0, 0.0), (width, 0.0), (0.0, height), ((double)width, (double)height) })
        {
            double p = P(x, y), q = Q(x, y);
            pMin = Math.Min(pMin, p); pMax = Math.Max(pMax, p);
            qMin = Math.Min(qMin, q); qMax = Math.Max(qMax, q);
        }
        _qMin = Math.Floor(qMin) - 1;
        if (double.IsInfinity(_w))
        {
            _kMin = 0;
            _delta = [];
            return;
        }
        _kMin = (int)Math.Floor(pMin / _w) - 1;
        int kMax = (int)Math.Floor(pMax / _w) + 2;
        int qLen = (int)(Math.Ceiling(qMax) - _qMin) + 2;
        _delta = new float[kMax - _kMin + 1][];
        for (int k = _kMin; k <= kMax; k++) _delta[k - _kMin] = edgeProfile(k, isStraightEdge(k), qLen);
    }

    private double P(double x, double y) => x * _cos + y * _sin;
    private double Q(double x, double y) => -x * _sin + y * _cos;

    private double Delta(int k, double q)
    {
        var d = _delta[k - _kMin];
        int i = Math.Clamp((int)(q - _qMin), 0, d.Length - 1);
        return d[i];
    }

    /// <summary>
    /// Terrace index of the pixel centre (x, y) and the continuous terrace level: the index with
    /// each nearby edge replaced by a logistic of width <paramref name="edgeWidth"/> (px) so the
    /// height profile across a step is smooth on the tip's scale.
    /// </summary>
    public (int Terrace, double Level, double DownhillPosition) Locate(double x, double y, double edgeWidth)
    {
        double p = P(x, y);
        if (double.IsInfinity(_w)) return (0, 0, p);
        double q = Q(x, y);
        int k0 = (int)Math.Floor(p / _w);
        int n = k0;
        if (p < k0 * _w + Delta(k0, q)) n = k0 - 1;
        else if (p >= (k0 + 1) * _w + Delta(k0 + 1, q)) n = k0 + 1;
        double level = k0 - 2;
        for (int k = k0 - 1; k <= k0 + 2; k++)
        {
            double t = (p - k * _w - Delta(k, q)) / edgeWidth;
            // Far from the edge the logistic is 0 or 1 to double precision: skip the exponential.
            level += t > 40 ? 1 : t < -40 ? 0 : 1.0 / (1.0 + Math.Exp(-t));
        }
        return (n, level, p);
    }
}
