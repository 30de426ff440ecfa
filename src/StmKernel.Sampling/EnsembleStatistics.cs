namespace StmKernel.Sampling;

/// <summary>Per-pixel statistics over ensemble members (images of equal length; NaN stays NaN).</summary>
public static class EnsembleStatistics
{
    /// <summary>
    /// The per-pixel mean and sample standard deviation (divisor N − 1) over the members, accumulated in
    /// double; the standard deviation is null for a single member.
    /// </summary>
    public static (float[] Mean, float[]? StdDev) MeanAndStdDev(IReadOnlyList<float[]> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        if (members.Count == 0) throw new ArgumentException("no ensemble members", nameof(members));
        int n = members[0].Length;
        foreach (float[] m in members)
            if (m.Length != n) throw new ArgumentException("ensemble members differ in size", nameof(members));
        if (members.Count == 1) return ((float[])members[0].Clone(), null);

        // Member-outer passes over plain arrays (two-pass variance, in double) keep this memory-bound.
        float[][] list = [.. members];
        var sum = new double[n];
        foreach (float[] m in list)
            for (int i = 0; i < n; i++) sum[i] += m[i];
        var mean = new float[n];
        for (int i = 0; i < n; i++) sum[i] /= list.Length;
        var ss = new double[n];
        foreach (float[] m in list)
            for (int i = 0; i < n; i++)
            {
                double d = m[i] - sum[i];
                ss[i] += d * d;
            }
        var std = new float[n];
        for (int i = 0; i < n; i++)
        {
            mean[i] = (float)sum[i];
            std[i] = (float)Math.Sqrt(ss[i] / (list.Length - 1));
        }
        return (mean, std);
    }
}
