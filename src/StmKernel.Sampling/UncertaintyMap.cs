namespace StmKernel.Sampling;

/// <summary>Applies an <see cref="UncertaintyRule"/> to ensemble members and says where the result is untrustworthy.</summary>
public static class UncertaintyMap
{
    /// <summary>
    /// Assesses N ≥ 2 members (each <paramref name="height"/> × <paramref name="width"/>, row-major, NaN where
    /// missing) cell by cell; see <see cref="UncertaintyRule"/> for the statistic and threshold.
    /// </summary>
    public static UncertaintyReport Assess(IReadOnlyList<float[]> members, int height, int width, UncertaintyRule rule)
    {
        ArgumentNullException.ThrowIfNull(members);
        if (members.Count < 2) throw new ArgumentException("an uncertainty assessment needs at least 2 ensemble members", nameof(members));
        var (mean, std) = EnsembleStatistics.MeanAndStdDev(members);
        return Assess(mean, std!, members.Count, height, width, rule);
    }

    /// <summary>As the public overload, from precomputed per-pixel mean and sample standard deviation of <paramref name="n"/> members.</summary>
    internal static UncertaintyReport Assess(float[] mean, float[] std, int n, int height, int width, UncertaintyRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        rule.Validate();
        if (mean.Length != height * width || std.Length != mean.Length)
            throw new ArgumentException($"members have {mean.Length} pixels, not {height}×{width}");
        int cell = rule.CellSize;
        int cx = (width + cell - 1) / cell, cy = (height + cell - 1) / cell;
        double floor = rule.MinSpreadFraction * PercentileRange(mean);

        var r = new float[cx * cy];
        var flagged = new bool[cx * cy];
        var finiteInCell = new int[cx * cy];
        for (int j = 0; j < cy; j++)
            for (int i = 0; i < cx; i++)
            {
                double sumVar = 0, sum = 0, sumSq = 0;
                int count = 0;
                for (int y = j * cell; y < Math.Min(height, (j + 1) * cell); y++)
                    for (int x = i * cell; x < Math.Min(width, (i + 1) * cell); x++)
                    {
                        float m = mean[y * width + x];
                        if (!float.IsFinite(m)) continue;
                        double s = std[y * width + x];
                        sumVar += s * s;
                        sum += m;
                        sumSq += (double)m * m;
                        count++;
                    }
                int c = j * cx + i;
                finiteInCell[c] = count;
                if (count < 2) continue;
                double d = sumVar / count;
                double spatial = Math.Max(sumSq / count - (sum / count) * (sum / count), 0);
                double agreed = Math.Max(spatial - d / n, 0);   // the mean of N members still carries D/N of noise
                r[c] = agreed + d > 0 ? (float)(d / (agreed + d)) : 0;
                flagged[c] = r[c] > rule.MaxDisagreement && Math.Sqrt(d) > floor;
            }

        var regions = Regions(flagged, r, cx, cy, cell, width, height);
        long finite = 0, flaggedPixels = 0;
        for (int c = 0; c < flagged.Length; c++)
        {
            finite += finiteInCell[c];
            if (flagged[c]) flaggedPixels += finiteInCell[c];
        }
        return new UncertaintyReport
        {
            CellsX = cx, CellsY = cy, Disagreement = r, FlaggedCells = flagged, Regions = regions,
            FlaggedFraction = finite > 0 ? flaggedPixels / (double)finite : 0,
        };
    }

    /// <summary>The 99th minus the 1st percentile of the finite values (nearest rank).</summary>
    private static double PercentileRange(float[] values)
    {
        var finite = values.Where(float.IsFinite).ToArray();
        if (finite.Length == 0) return 0;
        Array.Sort(finite);
        return finite[(int)(0.99 * (finite.Length - 1))] - (double)finite[(int)(0.01 * (finite.Length - 1))];
    }

    private static List<FlaggedRegion> Regions(bool[] flagged, float[] r, int cx, int cy, int cell, int width, int height)
    {
        var seen = new bool[flagged.Length];
        var regions = new List<FlaggedRegion>();
        var queue = new Queue<int>();
        for (int start = 0; start < flagged.Length; start++)
        {
            if (!flagged[start] || seen[start]) continue;
            int x0 = int.MaxValue, y0 = int.MaxValue, x1 = -1, y1 = -1, cells = 0;
            double maxR = 0;
            seen[start] = true;
            queue.Enqueue(start);
            while (queue.Count > 0)
            {
                int c = queue.Dequeue();
                int i = c % cx, j = c / cx;
                (x0, y0, x1, y1) = (Math.Min(x0, i), Math.Min(y0, j), Math.Max(x1, i), Math.Max(y1, j));
                cells++;
                maxR = Math.Max(maxR, r[c]);
                if (i > 0) Visit(c - 1);
                if (i < cx - 1) Visit(c + 1);
                if (j > 0) Visit(c - cx);
                if (j < cy - 1) Visit(c + cx);
            }
            int px = x0 * cell, py = y0 * cell;
            regions.Add(new FlaggedRegion(px, py, Math.Min(width, (x1 + 1) * cell) - px, Math.Min(height, (y1 + 1) * cell) - py, cells, maxR));
        }
        regions.Sort((a, b) => b.Cells != a.Cells ? b.Cells.CompareTo(a.Cells) : (a.Y, a.X).CompareTo((b.Y, b.X)));
        return regions;

        void Visit(int c)
        {
            if (!flagged[c] || seen[c]) return;
            seen[c] = true;
            queue.Enqueue(c);
        }
    }
}
