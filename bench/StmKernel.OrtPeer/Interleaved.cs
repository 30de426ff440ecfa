using System.Diagnostics;

namespace StmKernel.OrtPeer;

/// <summary>Per-forward times of two sides, measured in alternating rounds so that background load hits both alike.</summary>
public sealed class Interleaved
{
    private readonly List<double> _a = [], _b = [];
    private readonly List<double> _roundRatios = [];

    /// <summary>
    /// Runs <paramref name="rounds"/> rounds of <paramref name="perRound"/> timed calls of <paramref name="a"/>, then
    /// as many of <paramref name="b"/>; each call is timed on its own.
    /// </summary>
    public static Interleaved Measure(Action a, Action b, int rounds, int perRound)
    {
        var m = new Interleaved();
        for (int r = 0; r < rounds; r++)
        {
            var ra = Time(a, perRound);
            var rb = Time(b, perRound);
            m._a.AddRange(ra);
            m._b.AddRange(rb);
            // The two halves of a round ran back to back, so slow drifts in load mostly cancel in their ratio.
            m._roundRatios.Add(Median(ra) / Median(rb));
        }
        return m;
    }

    /// <summary>Every timed call of the first side, ms.</summary>
    public IReadOnlyList<double> A => _a;

    /// <summary>Every timed call of the second side, ms.</summary>
    public IReadOnlyList<double> B => _b;

    /// <summary>Median over rounds of (median of A in the round) / (median of B in the round).</summary>
    public double MedianRoundRatio => Median(_roundRatios);

    /// <summary>The median of <paramref name="values"/> (mean of the middle two for an even count).</summary>
    public static double Median(IEnumerable<double> values)
    {
        var s = values.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : 0.5 * (s[s.Length / 2 - 1] + s[s.Length / 2]);
    }

    private static List<double> Time(Action f, int count)
    {
        var times = new List<double>(count);
        for (int i = 0; i < count; i++)
        {
            long start = Stopwatch.GetTimestamp();
            f();
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        return times;
    }
}
