namespace StmKernel.Synthesis.Degradations;

/// <summary>
/// Step 3, scan-line misalignment: every scan line is shifted sideways by its own whole number of
/// pixels, round(N(0, σ = 0.8)), so each line keeps its values (the paper's "shifting individual scan
/// lines"). Shifts are capped at <see cref="MaxShift"/> px (10 σ: never reached in practice) so the
/// pipeline can window the image.
/// </summary>
public static class ScanLineMisalignment
{
    /// <summary>Largest shift in px.</summary>
    public const int MaxShift = 8;

    /// <summary>Draws one shift per line.</summary>
    public static int[] Sample(Rng rng, int lines, double sigma)
    {
        var shifts = new int[lines];
        for (int i = 0; i < lines; i++) shifts[i] = Math.Clamp((int)Math.Round(sigma * rng.Normal()), -MaxShift, MaxShift);
        return shifts;
    }

    /// <summary>Row y becomes row y moved right by shifts[y] px (edge pixels repeat where the row runs out).</summary>
    public static Plane Apply(Plane src, ReadOnlySpan<int> shifts)
    {
        if (shifts.Length != src.Height) throw new ArgumentException($"{shifts.Length} shifts for {src.Height} lines");
        var dst = new Plane(src.Width, src.Height);
        for (int y = 0; y < src.Height; y++)
        {
            var s = src.Row(y);
            var d = dst.Row(y);
            for (int x = 0; x < d.Length; x++) d[x] = s[Math.Clamp(x - shifts[y], 0, s.Length - 1)];
        }
        return dst;
    }
}
