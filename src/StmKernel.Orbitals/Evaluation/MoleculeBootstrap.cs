using StmKernel.Synthesis;

namespace StmKernel.Orbitals.Evaluation;

/// <summary>
/// A confidence interval for a mean paired difference when pairs of the same molecule are not independent: each
/// molecule's pairs are averaged first, and the percentile bootstrap resamples molecules (with replacement), so a
/// molecule drawn many times weighs like one that was drawn once and the interval reflects the spread over molecules.
/// </summary>
public static class MoleculeBootstrap
{
    /// <summary>
    /// The mean over molecules of the per-molecule mean of <paramref name="values"/> (grouped by
    /// <paramref name="molecules"/>), with the central <paramref name="level"/> percentile interval of
    /// <paramref name="resamples"/> bootstrap means (seeded).
    /// </summary>
    /// <exception cref="ArgumentException">Lengths differ, no values, or settings out of range.</exception>
    public static (double Mean, double Low, double High, int Molecules) Interval(IReadOnlyList<double> values, IReadOnlyList<string> molecules,
        int resamples = 2000, double level = 0.95, long seed = 1)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(molecules);
        if (values.Count != molecules.Count) throw new ArgumentException($"{values.Count} values for {molecules.Count} molecule names");
        if (values.Count == 0) throw new ArgumentException("no values");
        if (resamples < 1 || !(level > 0 && level < 1)) throw new ArgumentException($"resamples must be ≥ 1 and level in (0, 1), got {resamples} and {level}");
        var means = values.Zip(molecules).GroupBy(p => p.Second, StringComparer.Ordinal).Select(g => g.Average(p => p.First)).ToArray();
        var rng = Rng.Derive(seed, means.Length);
        var boot = new double[resamples];
        for (int r = 0; r < resamples; r++)
        {
            double sum = 0;
            for (int i = 0; i < means.Length; i++) sum += means[rng.UniformInt(0, means.Length - 1)];
            boot[r] = sum / means.Length;
        }
        Array.Sort(boot);
        double tail = (1 - level) / 2;
        return (means.Average(), Quantile(boot, tail), Quantile(boot, 1 - tail), means.Length);
    }

    private static double Quantile(double[] sorted, double q)
    {
        double pos = q * (sorted.Length - 1);
        int lo = (int)Math.Floor(pos), hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
