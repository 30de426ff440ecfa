namespace StmKernel.Synthesis.Degradations;

/// <summary>A tip change: blur σ (px) from scan line <paramref name="Line"/> on, and the optional offset Δ added to that line.</summary>
public sealed record TipChangeParameters(int Line, double Sigma, double? Offset);

/// <summary>
/// Step 6, tip change: the image is blurred from a random scan line onwards (later lines are scanned
/// later); with probability 0.5 a constant Δ = s·U(0.05, 0.4), s = ±1, is added to the line where the
/// blur starts. The blur σ is not given by the paper: see <see cref="DegradationSettings.TipChangeSigma"/>.
/// </summary>
public static class TipChange
{
    /// <summary>Draws the first blurred line (uniform over the image), σ and Δ.</summary>
    public static TipChangeParameters Sample(Rng rng, int lines, ValueRange sigma)
    {
        int line = rng.UniformInt(0, lines - 1);
        double s = sigma.Sample(rng);
        double? offset = rng.Bernoulli(0.5) ? (rng.Bernoulli(0.5) ? 1 : -1) * rng.Uniform(0.05, 0.4) : null;
        return new TipChangeParameters(line, s, offset);
    }

    /// <summary>Lines before <see cref="TipChangeParameters.Line"/> are untouched; later ones are replaced by the blurred image.</summary>
    public static Plane Apply(Plane src, TipChangeParameters p)
    {
        if (p.Line < 0 || p.Line >= src.Height) throw new ArgumentOutOfRangeException(nameof(p), $"tip-change line {p.Line} outside 0..{src.Height - 1}");
        var blurred = Filters.Gaussian(src, p.Sigma);
        var dst = src.Clone();
        for (int y = p.Line; y < src.Height; y++) blurred.Row(y).CopyTo(dst.Row(y));
        if (p.Offset is { } d)
            foreach (ref float v in dst.Row(p.Line)) v += (float)d;
        return dst;
    }
}
