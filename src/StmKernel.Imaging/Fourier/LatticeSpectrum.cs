namespace StmKernel.Imaging.Fourier;

/// <summary>
/// An image's windowed power spectrum and the median power of each ring of equal |k|, computed once so that
/// several period bands can be searched without a new FFT each (the lattice check searches up to seven bands:
/// a 512² scan's prepare phase spent most of its time in repeated FFTs). Prominence is a bin's power over its
/// own ring's median: that removes the 1/f background of steps, clusters and drift, so a sharp lattice spot
/// stands out at any period while a broad blob does not; noise alone gives ≈ ln(ring size)/ln 2 ≈ 5–15.
/// </summary>
public sealed class LatticeSpectrum
{
    private readonly double[] _power;
    private readonly double[] _ringMedians;

    private LatticeSpectrum(double[] power, double[] ringMedians, int width, int height)
    {
        _power = power;
        _ringMedians = ringMedians;
        Width = width;
        Height = height;
    }

    /// <summary>Pixels per row of the image.</summary>
    public int Width { get; }

    /// <summary>Rows of the image.</summary>
    public int Height { get; }

    /// <summary>The spectrum of a row-major <paramref name="width"/> × <paramref name="height"/> image (NaN pixels count as the mean).</summary>
    public static LatticeSpectrum Of(ReadOnlySpan<float> data, int width, int height)
    {
        if (data.Length != (long)width * height) throw new ArgumentException($"data length {data.Length} does not match {width}×{height}");
        var power = LatticePeriod.PowerSpectrum(data, width, height);
        return new LatticeSpectrum(power, RingMedians(power, width, height), width, height);
    }

    /// <summary>The strongest peak with a period in [<paramref name="minPeriod"/>, <paramref name="maxPeriod"/>] px (see <see cref="LatticePeriod.Find"/>); null when the band holds no bin.</summary>
    public LatticePeak? Find(double minPeriod = 2, double maxPeriod = double.PositiveInfinity, double slowAxisCone = LatticePeriod.DefaultSlowAxisCone)
    {
        int width = Width, height = Height;
        if (!(slowAxisCone >= 0 && slowAxisCone < 90)) throw new ArgumentException($"slow-axis cone must be in [0°, 90°), got {slowAxisCone}°");
        double coneTan = Math.Tan(slowAxisCone * Math.PI / 180);
        if (!(minPeriod >= 2) || !(maxPeriod >= minPeriod)) throw new ArgumentException($"period band [{minPeriod}, {maxPeriod}] px must satisfy 2 ≤ min ≤ max");
        int best = -1;
        double bestScore = -1;
        for (int v = 0; v <= height / 2; v++)
        for (int u = -(width - 1) / 2; u <= width / 2; u++)
        {
            if (v == 0 && u <= 0) continue;
            double fx = (double)u / width, fy = (double)v / height, f = Math.Sqrt(fx * fx + fy * fy);
            double period = 1 / f;
            if (period < minPeriod || period > maxPeriod) continue;
            if (slowAxisCone > 0 && (Math.Abs(u) <= 1 || Math.Abs(fx) <= coneTan * fy)) continue;
            int i = Index(u, v, width, height);
            double m = _ringMedians[Ring(u, v, width, height)];
            double score = m > 0 ? _power[i] / m : double.PositiveInfinity;
            if (score > bestScore) { bestScore = score; best = i; }
        }
        if (best < 0) return null;
        int bu = best % width, bv = best / width;
        int su = bu > width / 2 ? bu - width : bu, sv = bv > height / 2 ? bv - height : bv;
        double cu = 0, cv = 0, sum = 0;
        for (int dv = -1; dv <= 1; dv++)
        for (int du = -1; du <= 1; du++)
        {
            // Neighbours nearer DC than the band are left out: the low-frequency background would pull a long period longer.
            double nf = Math.Sqrt(Math.Pow((double)(su + du) / width, 2) + Math.Pow((double)(sv + dv) / height, 2));
            if (nf <= 0 || 1 / nf > maxPeriod * 1.5) continue;
            double p = _power[Index(su + du, sv + dv, width, height)];
            cu += p * (su + du);
            cv += p * (sv + dv);
            sum += p;
        }
        double gx = cu / sum / width, gy = cv / sum / height;
        double angle = Math.Atan2(gy, gx) * 180 / Math.PI;
        angle = ((angle % 180) + 180) % 180;
        return new LatticePeak(1 / Math.Sqrt(gx * gx + gy * gy), angle, bestScore);
    }

    /// <summary>Ring number of bin (u, v): its radius in units of the shorter side's frequency step.</summary>
    private static int Ring(int u, int v, int width, int height)
    {
        int n = Math.Min(width, height);
        double fx = (double)u / width, fy = (double)v / height;
        return (int)Math.Round(Math.Sqrt(fx * fx + fy * fy) * n);
    }

    private static double[] RingMedians(double[] power, int width, int height)
    {
        int n = Math.Min(width, height);
        var rings = new List<double>[n + 1];
        for (int r = 0; r <= n; r++) rings[r] = [];
        for (int v = 0; v <= height / 2; v++)
        for (int u = -(width - 1) / 2; u <= width / 2; u++)
        {
            int r = Ring(u, v, width, height);
            if (r <= n) rings[r].Add(power[Index(u, v, width, height)]);
        }
        var medians = new double[n + 1];
        for (int r = 0; r <= n; r++)
        {
            if (rings[r].Count == 0) continue;
            rings[r].Sort();
            medians[r] = rings[r][rings[r].Count / 2];
        }
        return medians;
    }

    /// <summary>Index of bin (u, v), frequencies wrapped into FFT order.</summary>
    private static int Index(int u, int v, int width, int height) => (((v % height) + height) % height) * width + ((u % width) + width) % width;
}
