namespace StmKernel.Sampling;

/// <summary>
/// The global part of <see cref="InventedMap"/>'s artefact model: input ≈ a·restored + b + Σₖ ghostₖ, where
/// a multi-tip ghost is a displaced, blurred, monotone function of the surface (paper eq. 1: a sigmoid of the
/// shifted height, which lights up only where the surface is bright). The displacements come from
/// cross-correlating the residual with the restored image's bright parts; the ghosts' shapes from one
/// linear least-squares fit over piecewise-linear brightness features at those displacements.
/// </summary>
internal static class InventedMapGhosts
{
    /// <summary>Largest ghost displacement searched, px per axis (the synthetic tips reach 11 px).</summary>
    public const int MaxShift = 12;

    /// <summary>Ghost displacements kept (the paper's multi-tip draws 2–4 extra tips).</summary>
    public const int MaxGhosts = 4;

    /// <summary>Brightness percentiles where the piecewise-linear ghost features bend.</summary>
    private static readonly double[] Knees = [0.5, 0.8, 0.95];

    /// <summary>Blurs applied to each feature (the ghosts' kernels: Gaussian σ 1–3, median, 5–6 px random).</summary>
    private static readonly double[] Blurs = [0, 1.5];

    /// <summary>The input as the model explains it from the restored image (affine map plus fitted ghosts), and its affine part.</summary>
    public static (float[] Explained, double Offset, double Gain) Explain(float[] input, float[] restored, int height, int width)
    {
        int n = input.Length;
        var ones = new float[n];
        Array.Fill(ones, 1f);
        var affine = InventedMapLeastSquares.Solve([ones, restored], input);
        var residual = new float[n];
        for (int p = 0; p < n; p++) residual[p] = (float)(input[p] - affine[0] - affine[1] * restored[p]);

        var sorted = (float[])restored.Clone();
        Array.Sort(sorted);
        var bright = Knees.Select(q => Ramp(restored, sorted[(int)(q * (n - 1))])).ToList();
        var shifts = Displacements(residual, bright[1], height, width);

        var features = new List<float[]> { ones, restored };
        foreach (var (dx, dy) in shifts)
            foreach (var f in bright)
                foreach (double sigma in Blurs)
                    features.Add(InventedMapFilters.Shift(InventedMapFilters.Gaussian(f, height, width, sigma), height, width, dx, dy));
        var beta = InventedMapLeastSquares.Solve(features, input);
        var explained = Combine(features, beta, n);
        // Refit without the pixels the first fit leaves far off (more than 4 × the median deviation, at
        // least 0.05): an invented or removed feature must not bend the global gain, or every other
        // feature would read as changed.
        var deviation = new float[n];
        for (int p = 0; p < n; p++) deviation[p] = Math.Abs(input[p] - explained[p]);
        var sortedDeviation = (float[])deviation.Clone();
        Array.Sort(sortedDeviation);
        float cut = Math.Max(4 * sortedDeviation[n / 2], 0.05f);
        var inliers = deviation.Select(d => d <= cut).ToArray();
        beta = InventedMapLeastSquares.Solve(features, input, inliers);
        return (Combine(features, beta, n), beta[0], beta[1]);
    }

    private static float[] Combine(List<float[]> features, double[] beta, int n)
    {
        var sum = new float[n];
        for (int j = 0; j < features.Count; j++)
        {
            var f = features[j];
            float bj = (float)beta[j];
            for (int p = 0; p < n; p++) sum[p] += bj * f[p];
        }
        return sum;
    }

    /// <summary>max(v − knee, 0) per pixel.</summary>
    private static float[] Ramp(float[] v, float knee)
    {
        var r = new float[v.Length];
        for (int p = 0; p < v.Length; p++) r[p] = Math.Max(v[p] - knee, 0);
        return r;
    }

    /// <summary>
    /// Up to <see cref="MaxGhosts"/> displacements d ≠ 0 where the residual correlates positively with the
    /// bright features moved by d (normalised correlation), strongest first, each a local maximum over
    /// its 8 neighbours in d, and at least a quarter of the strongest.
    /// </summary>
    private static List<(int Dx, int Dy)> Displacements(float[] residual, float[] bright, int height, int width)
    {
        int side = 2 * MaxShift + 1;
        var corr = new double[side * side];
        double rMean = residual.Average();
        for (int dy = -MaxShift; dy <= MaxShift; dy++)
            for (int dx = -MaxShift; dx <= MaxShift; dx++)
            {
                if (dx == 0 && dy == 0) continue;
                // Only the pixels whose source (x − dx, y − dy) lies inside: no edge repetition in the statistic.
                double sr = 0, sf = 0, sff = 0;
                int count = 0;
                for (int y = Math.Max(0, dy); y < Math.Min(height, height + dy); y++)
                {
                    int row = y * width, src = (y - dy) * width - dx;
                    for (int x = Math.Max(0, dx); x < Math.Min(width, width + dx); x++)
                    {
                        double f = bright[src + x];
                        sr += (residual[row + x] - rMean) * f;
                        sf += f;
                        sff += f * f;
                        count++;
                    }
                }
                double var = sff - sf * sf / Math.Max(count, 1);
                corr[(dy + MaxShift) * side + dx + MaxShift] = var > 0 ? sr / Math.Sqrt(var) : 0;
            }
        var peaks = new List<(double C, int Dx, int Dy)>();
        for (int j = 0; j < side; j++)
            for (int i = 0; i < side; i++)
            {
                double c = corr[j * side + i];
                if (c <= 0 || (i == MaxShift && j == MaxShift)) continue;
                bool isMax = true;
                for (int v = Math.Max(0, j - 1); v <= Math.Min(side - 1, j + 1) && isMax; v++)
                    for (int u = Math.Max(0, i - 1); u <= Math.Min(side - 1, i + 1); u++)
                        if ((u != i || v != j) && corr[v * side + u] > c) { isMax = false; break; }
                if (isMax) peaks.Add((c, i - MaxShift, j - MaxShift));
            }
        peaks.Sort((a, b) => b.C.CompareTo(a.C));
        if (peaks.Count == 0) return [];
        return peaks.Where(p => p.C >= 0.25 * peaks[0].C).Take(MaxGhosts).Select(p => (p.Dx, p.Dy)).ToList();
    }
}
