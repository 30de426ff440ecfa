namespace StmKernel.Synthesis.Tests;

/// <summary>Goodness-of-fit helpers for the distribution tests (fixed seeds, α = 0.001).</summary>
internal static class Stats
{
    /// <summary>Upper 0.1 % point of χ² with <paramref name="df"/> degrees of freedom (Wilson–Hilferty, z = 3.0902).</summary>
    public static double ChiSquareCritical(int df)
    {
        double a = 2.0 / (9 * df);
        return df * Math.Pow(1 - a + 3.0902 * Math.Sqrt(a), 3);
    }

    /// <summary>Asserts observed counts fit the expected probabilities (χ², α = 0.001).</summary>
    public static void AssertCategorical(IReadOnlyList<int> counts, IReadOnlyList<double> probabilities, string what)
    {
        Assert.Equal(probabilities.Count, counts.Count);
        double n = counts.Sum();
        double chi = 0;
        for (int i = 0; i < counts.Count; i++)
        {
            double e = n * probabilities[i];
            Assert.True(e >= 5, $"{what}: expected count {e} too small for χ²");
            chi += (counts[i] - e) * (counts[i] - e) / e;
        }
        double crit = ChiSquareCritical(counts.Count - 1);
        Assert.True(chi < crit, $"{what}: χ² = {chi:F2} ≥ {crit:F2} (counts {string.Join(", ", counts)})");
    }

    /// <summary>Asserts samples fit U(a, b) (Kolmogorov–Smirnov, α = 0.001: D &lt; 1.949 / √n).</summary>
    public static void AssertUniform(IEnumerable<double> samples, double a, double b, string what)
    {
        var x = samples.Order().ToArray();
        Assert.True(x.Length >= 100, $"{what}: too few samples");
        Assert.True(x[0] >= a && x[^1] <= b, $"{what}: samples outside [{a}, {b}]: {x[0]} … {x[^1]}");
        double d = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double f = (x[i] - a) / (b - a);
            d = Math.Max(d, Math.Max((i + 1.0) / x.Length - f, f - (double)i / x.Length));
        }
        double crit = 1.949 / Math.Sqrt(x.Length);
        Assert.True(d < crit, $"{what}: KS D = {d:F4} ≥ {crit:F4}");
    }

    /// <summary>Asserts k successes in n trials fit probability p (two-sided z, |z| &lt; 3.29).</summary>
    public static void AssertRate(int k, int n, double p, string what)
    {
        double z = (k - n * p) / Math.Sqrt(n * p * (1 - p));
        Assert.True(Math.Abs(z) < 3.29, $"{what}: {k}/{n} vs p = {p} (z = {z:F2})");
    }

    /// <summary>Standard normal CDF via erf (Abramowitz–Stegun 7.1.26, |error| &lt; 1.5e-7).</summary>
    public static double NormalCdf(double z)
    {
        double x = Math.Abs(z) / Math.Sqrt(2);
        double t = 1 / (1 + 0.3275911 * x);
        double erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-x * x);
        return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
    }
}
