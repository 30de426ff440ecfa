namespace StmKernel.Imaging;

/// <summary>Percentile colour stretch used by previews.</summary>
public static class Stretch
{
    /// <summary>
    /// The values at the <paramref name="low"/> and <paramref name="high"/> percentiles (0–100) of the
    /// finite pixels, by linear interpolation between order statistics; (0, 0) when none are finite.
    /// </summary>
    public static (float Low, float High) Percentiles(ReadOnlySpan<float> data, double low, double high)
    {
        if (!(low >= 0 && low <= high && high <= 100)) throw new ArgumentOutOfRangeException(nameof(low), $"percentiles must satisfy 0 ≤ low ≤ high ≤ 100, got {low}, {high}");
        var v = new List<float>(data.Length);
        foreach (float x in data) if (float.IsFinite(x)) v.Add(x);
        if (v.Count == 0) return (0, 0);
        v.Sort();
        return (At(v, low), At(v, high));
    }

    private static float At(List<float> sorted, double p)
    {
        double pos = p / 100 * (sorted.Count - 1);
        int i = (int)Math.Floor(pos);
        if (i >= sorted.Count - 1) return sorted[^1];
        double f = pos - i;
        return (float)(sorted[i] + f * (sorted[i + 1] - sorted[i]));
    }
}
