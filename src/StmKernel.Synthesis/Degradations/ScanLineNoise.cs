using System.Text.Json.Serialization;
using StmKernel.Synthesis.Pairs;

namespace StmKernel.Synthesis.Degradations;

/// <summary>The profile added along one noisy scan-line segment.</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<SegmentShape>))]
public enum SegmentShape
{
    /// <summary>Constant offset a ~ U(0, 0.4), probability 0.3.</summary>
    Constant,

    /// <summary>Log-normal density of (t in px from the segment start), μ ~ U(1, 2), σ ~ U(0.5, 1): a tip jump with gradual recovery, probability 0.45.</summary>
    LogNormal,

    /// <summary>Sinusoid a·sin(2πt/P + φ), probability 0.25.</summary>
    Sine,
}

/// <summary>
/// One noisy segment on scan line <paramref name="Line"/> from column <paramref name="Start"/>, <paramref name="Length"/> px long.
/// <paramref name="A"/> is the constant offset, the log-normal scale or the sine amplitude; <paramref name="Mu"/>/<paramref name="Sigma"/>
/// are the log-normal parameters; <paramref name="Period"/>/<paramref name="Phase"/> the sine's.
/// </summary>
public sealed record NoiseSegment(int Line, int Start, int Length, SegmentShape Shape, double A, double Mu, double Sigma, double Period, double Phase)
{
    /// <summary>The value added at position t = 0 … Length − 1 of the segment.</summary>
    public double ValueAt(int t) => Shape switch
    {
        SegmentShape.Constant => A,
        SegmentShape.LogNormal => A * LogNormalDensity(t + 1, Mu, Sigma),
        _ => A * Math.Sin(2 * Math.PI * t / Period + Phase),
    };

    private static double LogNormalDensity(double t, double mu, double sigma)
    {
        double z = (Math.Log(t) - mu) / sigma;
        return Math.Exp(-0.5 * z * z) / (t * sigma * Math.Sqrt(2 * Math.PI));
    }
}

/// <summary>The sampled noisy segments of one image.</summary>
public sealed record ScanLineNoiseParameters(NoiseSegment[] Segments);

/// <summary>
/// Step 8, scan-line noise: m ~ U{25, …, 35} distinct lines each get one segment of length
/// U{0, …, 102} at a uniform position, perturbed by a constant (p 0.3), log-normal (p 0.45) or
/// sinusoidal (p 0.25) profile. The paper leaves the log-normal scale and the sinusoid's amplitude
/// and period open: they come from <see cref="DegradationSettings"/>.
/// </summary>
public static class ScanLineNoise
{
    /// <summary>P(constant, log-normal, sine).</summary>
    public static readonly double[] ShapeWeights = [0.3, 0.45, 0.25];

    /// <summary>Draws the segments for an image of the given size.</summary>
    public static ScanLineNoiseParameters Sample(Rng rng, int width, int height, DegradationSettings s)
    {
        int m = Math.Min(rng.UniformInt(25, 35), height);
        // Partial Fisher–Yates: m distinct lines.
        var lines = Enumerable.Range(0, height).ToArray();
        for (int i = 0; i < m; i++) { int j = rng.UniformInt(i, height - 1); (lines[i], lines[j]) = (lines[j], lines[i]); }
        var segments = new NoiseSegment[m];
        for (int i = 0; i < m; i++)
        {
            int length = Math.Min(rng.UniformInt(0, 102), width);
            int start = rng.UniformInt(0, width - length);
            var shape = (SegmentShape)rng.Categorical(ShapeWeights);
            segments[i] = shape switch
            {
                SegmentShape.Constant => new NoiseSegment(lines[i], start, length, shape, rng.Uniform(0, 0.4), 0, 0, 0, 0),
                SegmentShape.LogNormal => new NoiseSegment(lines[i], start, length, shape, s.LogNormalScale, rng.Uniform(1, 2), rng.Uniform(0.5, 1), 0, 0),
                _ => new NoiseSegment(lines[i], start, length, shape, s.SineAmplitude.Sample(rng), 0, 0, s.SinePeriod.Sample(rng), rng.Uniform(0, 2 * Math.PI)),
            };
        }
        return new ScanLineNoiseParameters(segments);
    }

    /// <summary>Adds every segment's profile to its line.</summary>
    public static Plane Apply(Plane src, ScanLineNoiseParameters p)
    {
        var dst = src.Clone();
        foreach (var s in p.Segments)
        {
            if (s.Line < 0 || s.Line >= src.Height || s.Start < 0 || s.Length < 0 || s.Start + s.Length > src.Width)
                throw new ArgumentOutOfRangeException(nameof(p), $"segment line {s.Line} [{s.Start}, {s.Start + s.Length}) outside the {src.Width}×{src.Height} image");
            var row = dst.Row(s.Line);
            for (int t = 0; t < s.Length; t++) row[s.Start + t] += (float)s.ValueAt(t);
        }
        return dst;
    }
}
