using StmKernel.Synthesis;
using StmKernel.Synthesis.Degradations;

namespace StmKernel.Orbitals;

/// <summary>
/// What a real CO-tip image carries beyond the molecule (../shared/notes/stm-net.md, "Degradations"): drift (an affine
/// warp of input and target alike), a plane background, Cu(111) surface-state standing waves from a point scatterer
/// (period λ/2 ≈ 15 Å, decaying away from it) and adsorbate blobs (input only). Drawn from its own stream of the pair,
/// so pairs without surroundings are unchanged.
/// </summary>
/// <param name="Drift">The warp (identity when not drawn).</param>
/// <param name="SlopeX">Background change across the field along x, in units of the image maximum.</param>
/// <param name="SlopeY">Same along y.</param>
/// <param name="WaveAmplitude">Standing-wave amplitude at the scatterer (0 = none).</param>
/// <param name="WavePeriod">Standing-wave period in Å.</param>
/// <param name="WaveSource">Scatterer position in Å from the field centre (may lie outside the field).</param>
/// <param name="WavePhase">Phase of the ripple at the scatterer, radians.</param>
/// <param name="Adsorbates">Blobs (x, y, σ in Å; height in units of the image maximum).</param>
public sealed record OrbitalSurroundings(AffineWarp Drift, double SlopeX, double SlopeY, double WaveAmplitude, double WavePeriod,
    (double X, double Y) WaveSource, double WavePhase, IReadOnlyList<(double X, double Y, double Sigma, double Height)> Adsorbates)
{
    /// <summary>How far the ripple reaches: its envelope falls by e every this many Å.</summary>
    public const double WaveDecayAngstrom = 30;

    /// <summary>Drift with p 0.5, background always (slopes ±0.3), standing waves with p 0.5, 1–3 adsorbates with p 0.3.</summary>
    public static OrbitalSurroundings Sample(Rng rng, OrbitalRender grid)
    {
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentNullException.ThrowIfNull(grid);
        var drift = rng.Bernoulli(0.5) ? AffineWarp.Sample(rng) : new AffineWarp(1, 1, 0, 0);
        double sx = rng.Uniform(-0.3, 0.3), sy = rng.Uniform(-0.3, 0.3);
        double halfX = grid.Width * grid.PixelSize / 2, halfY = grid.Height * grid.PixelSize / 2;
        bool waves = rng.Bernoulli(0.5);
        double amplitude = waves ? rng.Uniform(0.03, 0.15) : 0, period = rng.Uniform(13.5, 16.5);
        (double, double) source = (rng.Uniform(-2 * halfX, 2 * halfX), rng.Uniform(-2 * halfY, 2 * halfY));
        double phase = rng.Uniform(0, 2 * Math.PI);
        var blobs = new List<(double, double, double, double)>();
        if (rng.Bernoulli(0.3))
            for (int i = rng.UniformInt(1, 3); i > 0; i--)
                blobs.Add((rng.Uniform(-halfX, halfX), rng.Uniform(-halfY, halfY), rng.Uniform(1.5, 3), rng.Uniform(0.2, 1)));
        return new OrbitalSurroundings(drift, sx, sy, amplitude, period, source, phase, blobs);
    }

    /// <summary>The additive part (background, ripple, adsorbates) on <paramref name="grid"/>'s pixels, in units of the image maximum.</summary>
    public float[] Field(OrbitalRender grid)
    {
        ArgumentNullException.ThrowIfNull(grid);
        int w = grid.Width, h = grid.Height;
        var field = new float[w * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                double ax = (x - (w - 1) / 2.0) * grid.PixelSize, ay = (y - (h - 1) / 2.0) * grid.PixelSize; // Å from the centre
                double v = SlopeX * (x / (w - 1.0) - 0.5) + SlopeY * (y / (h - 1.0) - 0.5);
                if (WaveAmplitude > 0)
                {
                    double r = Math.Sqrt((ax - WaveSource.X) * (ax - WaveSource.X) + (ay - WaveSource.Y) * (ay - WaveSource.Y));
                    v += WaveAmplitude * Math.Cos(2 * Math.PI * r / WavePeriod + WavePhase) * Math.Exp(-r / WaveDecayAngstrom);
                }
                foreach (var (bx, by, sigma, height) in Adsorbates)
                    v += height * Math.Exp(-((ax - bx) * (ax - bx) + (ay - by) * (ay - by)) / (2 * sigma * sigma));
                field[y * w + x] = (float)v;
            }
        return field;
    }
}
