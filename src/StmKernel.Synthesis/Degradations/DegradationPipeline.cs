namespace StmKernel.Synthesis.Degradations;

/// <summary>
/// The paper's §II A pipeline in order: rotation, multi-tip, misalignment, crop, blunt tip, tip
/// change, SR line dropping, scan-line noise, per-channel normalisation to [−1, 1].
/// Steps 2–3 act on the whole image; to keep them cheap they run on the crop plus a margin wider
/// than anything they can reach, taken from the rotated source mirrored at its borders, which gives
/// the crop exactly what whole-image processing with mirrored borders would.
/// </summary>
public sealed class DegradationPipeline
{
    /// <summary>Margin around the crop for steps 2–3: multi-tip reach plus the largest line shift.</summary>
    internal const int Margin = MultiTip.MaxReach + ScanLineMisalignment.MaxShift;

    /// <summary>The settings this pipeline samples from.</summary>
    public DegradationSettings Settings { get; }

    /// <summary>A pipeline with validated settings.</summary>
    public DegradationPipeline(DegradationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        Settings = settings;
    }

    /// <summary>Samples every parameter for a source of the given size, in the paper's step order.</summary>
    public DegradationPlan Sample(Rng rng, int sourceWidth, int sourceHeight)
    {
        var s = Settings;
        int size = s.CropSize;
        int turns = s.RandomRotation ? Rotation90.Sample(rng) : 0;
        (int w, int h) = turns % 2 == 0 ? (sourceWidth, sourceHeight) : (sourceHeight, sourceWidth);
        if (w < size || h < size) throw new ArgumentException($"source of {sourceWidth}×{sourceHeight} px is smaller than the {size}×{size} crop");
        // An undegraded pair draws nothing more than rotation and crop; with CleanProbability 0 no
        // extra number is drawn, so the paper's stream (and every committed test set) is unchanged.
        bool undegraded = s.CleanProbability > 0 && rng.Bernoulli(s.CleanProbability);
        bool On(double p) => !undegraded && rng.Bernoulli(p);
        var multiTip = On(s.MultiTipProbability) ? MultiTip.Sample(rng) : null;
        int[]? shifts = On(s.MisalignProbability) ? ScanLineMisalignment.Sample(rng, size, s.MisalignSigma) : null;
        int cropX = rng.UniformInt(0, w - size), cropY = rng.UniformInt(0, h - size);
        double? blunt = On(s.BluntProbability) ? BluntTip.Sample(rng) : null;
        var tipChange = On(s.TipChangeProbability) ? TipChange.Sample(rng, size, s.TipChangeSigma) : null;
        var noise = On(s.LineNoiseProbability) ? ScanLineNoise.Sample(rng, size, size, s) : null;
        return new DegradationPlan(turns, multiTip, shifts, cropX, cropY, blunt, tipChange, s.SrFactor, noise);
    }

    /// <summary>
    /// Applies a plan to a pristine source already normalised to [0, 1]; returns the clean crop and
    /// the degraded crop, each normalised to [−1, 1].
    /// </summary>
    public (Plane Clean, Plane Degraded) Apply(Plane source01, DegradationPlan plan)
    {
        int size = Settings.CropSize;
        var rotated = Rotation90.Apply(source01, plan.QuarterTurns);
        var clean = rotated.Crop(plan.CropX, plan.CropY, size, size);

        var window = MirroredWindow(rotated, plan.CropX - Margin, plan.CropY - Margin, size + 2 * Margin);
        // Only the crop and the columns a line shift can pull in are kept: skip the rest of the window.
        if (plan.MultiTip is { } mt) window = MultiTip.Apply(window, mt, inset: Margin - ScanLineMisalignment.MaxShift);
        if (plan.LineShifts is { } shifts)
        {
            var all = new int[window.Height];
            shifts.CopyTo(all, Margin);
            window = ScanLineMisalignment.Apply(window, all);
        }
        var degraded = window.Crop(Margin, Margin, size, size);
        if (plan.BluntSigma is { } sigma) degraded = BluntTip.Apply(degraded, sigma);
        if (plan.TipChange is { } tc) degraded = TipChange.Apply(degraded, tc);
        if (plan.SrFactor > 1) degraded = LineDownsample.Apply(degraded, plan.SrFactor);
        if (plan.LineNoise is { } noise) degraded = ScanLineNoise.Apply(degraded, noise);
        if (Settings.LineFlatten)
        {
            clean = FlattenLines(clean);
            degraded = FlattenLines(degraded);
        }
        return (Normalisation.ToSymmetricUnit(clean), Normalisation.ToSymmetricUnit(degraded));
    }

    /// <summary>Samples a plan and applies it.</summary>
    public (Plane Clean, Plane Degraded, DegradationPlan Plan) Run(Plane source01, Rng rng)
    {
        var plan = Sample(rng, source01.Width, source01.Height);
        var (clean, degraded) = Apply(source01, plan);
        return (clean, degraded, plan);
    }

    /// <summary>
    /// Each row's median replaced by the mean of all row medians (Gwyddion's "Align rows", median; the image's
    /// level is kept, which the min–max normalisation after it ignores): the conditioning of <see cref="DegradationSettings.LineFlatten"/>.
    /// </summary>
    public static Plane FlattenLines(Plane src) => new(src.Width, src.Height, Imaging.Classical.RowAlignment.Apply(src.Data, src.Width, src.Height));

    /// <summary>A size × size window at (x0, y0), reading outside the plane by half-sample mirroring.</summary>
    internal static Plane MirroredWindow(Plane src, int x0, int y0, int size)
    {
        var win = new Plane(size, size);
        for (int y = 0; y < size; y++)
        {
            var srcRow = src.Row(Filters.Reflect(y0 + y, src.Height));
            var dst = win.Row(y);
            for (int x = 0; x < size; x++) dst[x] = srcRow[Filters.Reflect(x0 + x, src.Width)];
        }
        return win;
    }
}
