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

        var mean = new float[n];
        var std = new float[n];
        for (int i = 0; i < n; i++)
        {
            double sum = 0;
            foreach (float[] m in members) sum += m[i];
            double mu = sum / members.Count;
            double ss = 0;
            foreach (float[] m in members) ss += (m[i] - mu) * (m[i] - mu);
            mean[i] = (float)mu;
            std[i] = (float)Math.Sqrt(ss / (members.Count - 1));
        }
        return (mean, std);
    }
}
