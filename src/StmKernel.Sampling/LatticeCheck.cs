using StmKernel.Imaging.Fourier;
using StmKernel.Tensors;

namespace StmKernel.Sampling;

/// <summary>What <see cref="LatticeCheck"/> found.</summary>
/// <param name="Peak">The scan's strongest periodicity at the model's pixel size (null: none in the band).</param>
/// <param name="PeriodMetres">Its period in metres (period px × model pixel size).</param>
/// <param name="OwnProminence">The strongest prominence found within the tolerance of the model's periods (or twice or half one).</param>
/// <param name="Mismatch">True when the scan shows a clear lattice whose period is none of the model's.</param>
/// <param name="Message">One line for people.</param>
public sealed record LatticeVerdict(LatticePeak? Peak, double PeriodMetres, double OwnProminence, bool Mismatch, string Message);

/// <summary>
/// Compares a scan's dominant lattice period with the periods a model was trained on, so that restore
/// says "this is not the surface the model knows" instead of painting Si(001) rows onto Si(111)-7×7
/// (measured: the shipped model does exactly that on the README's 7×7 example). A clear lattice is a peak
/// of prominence ≥ <see cref="ClearProminence"/> with a period of 0.25–3 nm (atomic lattices and
/// reconstructions; terraces and clusters are longer) and 2.5 px to a quarter of the image; it matches when it lies
/// within ±<see cref="Tolerance"/> of a model period or of twice or half one (rows vs. dimers vs. a harmonic).
/// </summary>
public static class LatticeCheck
{
    /// <summary>Peak over band median above which the scan's lattice counts as clear (calibration: docs/models.md, "Lattice check").</summary>
    public const double ClearProminence = 500;

    /// <summary>
    /// How many times stronger than the model's own lattice the strongest peak must be to call a mismatch.
    /// Calibration (docs/models.md, "Lattice check"): on the 48 real Si(001):H pristine frames at their pixel sizes
    /// the ratio is at most 1.7, on the 20 degraded ones at most 2.4 among clear peaks; Si(111)-7×7 at 0.078 nm/px: 3.2.
    /// </summary>
    public const double Dominance = 3;

    /// <summary>Half-angle (degrees) around the slow-scan axis where a peak is never taken as another lattice (a lattice has spots at several angles; line artefacts only there).</summary>
    public const double ForeignSlowAxisCone = 20;

    /// <summary>Shortest period counted as a lattice (metres).</summary>
    public const double MinPeriod = 0.25e-9;

    /// <summary>Longest period counted as a lattice (metres): Si(111)-7×7's 2.69 nm cell fits, terraces do not.</summary>
    public const double MaxPeriod = 3e-9;

    /// <summary>Relative tolerance on the period match (pixel-size calibration and drift are a few %, estimates of real scans' sizes up to ~10 %).</summary>
    public const double Tolerance = 0.08;

    /// <summary>Checks a [H, W] image already resampled to the model's pixel size <paramref name="pixelMetres"/>.</summary>
    public static LatticeVerdict Check(Tensor image, double pixelMetres, IReadOnlyList<double> modelPeriods)
    {
        if (image.Rank != 2) throw new ArgumentException($"expected a [H, W] image, got {image.ShapeText}");
        int w = image.Dim(1), h = image.Dim(0);
        double minPx = Math.Max(2.5, MinPeriod / pixelMetres), maxPx = Math.Min(MaxPeriod / pixelMetres, Math.Min(w, h) / 4.0);
        // The foreign lattice must show off the slow axis: within ±20° of it tip-change bands and streaks of
        // degraded scans put strong, sharp power (real frame Sep24 11_33 at 0.025 nm/px: 0.289 nm at 96°, 10× its rows).
        // One spectrum for every band searched below (up to 1 + 3 per model period).
        var spectrum = maxPx >= minPx ? LatticeSpectrum.Of(image.Data, w, h) : null;
        var peak = spectrum?.Find(minPx, maxPx, ForeignSlowAxisCone);
        string known = string.Join(", ", modelPeriods.Select(m => FormattableString.Invariant($"{m * 1e9:0.###} nm")));
        if (peak is not { } p) return new LatticeVerdict(null, double.NaN, 0, false, $"image too small or too coarse to show a 0.25–3 nm lattice: not compared with the model's ({known})");
        // The model's own lattice, wherever it is strongest (rows, dimers, a harmonic), within the tolerance.
        double own = 0;
        foreach (double m in modelPeriods)
        foreach (double c in new[] { m, 2 * m, m / 2 })
        {
            double lo = Math.Max(minPx, c * (1 - Tolerance) / pixelMetres), hi = Math.Min(maxPx, c * (1 + Tolerance) / pixelMetres);
            if (hi >= lo && spectrum!.Find(lo, hi) is { } q) own = Math.Max(own, q.Prominence);
        }
        double period = p.PeriodPx * pixelMetres;
        bool mismatch = p.Prominence >= ClearProminence && own * Dominance < p.Prominence;
        string found = FormattableString.Invariant($"strongest period {period * 1e9:0.###} nm ({p.PeriodPx:0.0} px at {pixelMetres * 1e9:0.###} nm/px, {p.AngleDegrees:0}°, prominence {p.Prominence:0}); the model's lattice ({known}) prominence {own:0}");
        string message = mismatch ? $"{found}: this does not look like the surface the model was trained on" : found;
        return new LatticeVerdict(p, period, own, mismatch, message);
    }
}
