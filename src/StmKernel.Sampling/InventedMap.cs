using StmKernel.Tensors;

namespace StmKernel.Sampling;

/// <summary>
/// Per-pixel "probably invented" score in [0, 1) of a restoration: where the restored image differs from
/// its input in a way the artefact model does not explain. The input is explained from the restored
/// image by an affine map, multi-tip ghosts (<see cref="InventedMapGhosts"/>) and per-scan-line blur,
/// shift, gain, offset and ramp (<see cref="InventedMapRows"/>); what is left, with the global
/// brightness/contrast difference kept (that is most of the measured error), single-line leftovers
/// removed, aggregated over a 5 × 5 window and combined with the ensemble spread, is the score.
/// Method and measured AUROC: docs/uncertainty.md, "Invented-structure map".
/// </summary>
public static class InventedMap
{
    /// <summary>
    /// Score above which a pixel is flagged "probably invented": the aggregated unexplained change equals
    /// <see cref="HalfScoreChange"/> (a tenth of the normalised range) there. Measured on the validation
    /// sets in docs/uncertainty.md (precision and recall of |restored − truth| &gt; 0.2).
    /// </summary>
    public const float FlagThreshold = 0.5f;

    /// <summary>Aggregated change (normalised units, range 2) that scores 0.5: half the 0.2 error the map is measured against.</summary>
    public const float HalfScoreChange = 0.1f;

    /// <summary>Weight of the min–max renormalised artefact-free input in the estimate of the clean image (tuned on validation sets).</summary>
    internal const float RenormalisedWeight = 0.75f;

    /// <summary>Weight k of the ensemble variance against the squared unexplained change (tuned on validation sets).</summary>
    internal const float SpreadWeight = 2f;

    /// <summary>Radius of the aggregation window, px (5 × 5).</summary>
    internal const int WindowRadius = 2;

    /// <summary>
    /// The score of <paramref name="restored"/> against <paramref name="input"/>, both [H, W] in the same
    /// units (physical or normalised); <paramref name="ensembleStd"/> [H, W] (same units) adds the seeds'
    /// spread when the restoration is an ensemble. Both images are mapped to [−1, 1] by the input's
    /// finite min/max first, so the score does not depend on the units. Returns [H, W] in [0, 1): 0.5
    /// (<see cref="FlagThreshold"/>) where the unexplained change reaches <see cref="HalfScoreChange"/>;
    /// NaN where any argument is not finite. Deterministic; O(H·W) with a few dozen passes.
    /// </summary>
    /// <exception cref="ArgumentException">A tensor is not rank 2, or the shapes differ.</exception>
    public static Tensor Compute(Tensor input, Tensor restored, Tensor? ensembleStd)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(restored);
        if (input.Rank != 2) throw new ArgumentException($"input must be an image [H, W], got {input.ShapeText}", nameof(input));
        if (!restored.Shape.SequenceEqual(input.Shape))
            throw new ArgumentException($"restored is {restored.ShapeText}, expected the input's {input.ShapeText}", nameof(restored));
        if (ensembleStd is not null && !ensembleStd.Shape.SequenceEqual(input.Shape))
            throw new ArgumentException($"ensembleStd is {ensembleStd.ShapeText}, expected the input's {input.ShapeText}", nameof(ensembleStd));
        int h = input.Dim(0), w = input.Dim(1), n = h * w;

        var finite = new bool[n];
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        for (int p = 0; p < n; p++)
        {
            finite[p] = float.IsFinite(input.Data[p]) && float.IsFinite(restored.Data[p]) && (ensembleStd is null || float.IsFinite(ensembleStd.Data[p]));
            if (!finite[p]) continue;
            min = Math.Min(min, input.Data[p]);
            max = Math.Max(max, input.Data[p]);
        }
        var score = new Tensor(h, w);
        if (double.IsPositiveInfinity(min))
        {
            Array.Fill(score.Data, float.NaN);
            return score;
        }
        // Missing pixels read as the input's mid-level: they then look like a flat patch to the fits.
        double half = max > min ? (max - min) / 2 : 1, centre = (max + min) / 2;
        var x = new float[n];
        var y = new float[n];
        for (int p = 0; p < n; p++)
        {
            x[p] = finite[p] ? (float)((input.Data[p] - centre) / half) : 0;
            y[p] = finite[p] ? (float)((restored.Data[p] - centre) / half) : 0;
        }
        float[]? std = null;
        if (ensembleStd is not null)
        {
            std = new float[n];
            for (int p = 0; p < n; p++) std[p] = finite[p] ? (float)(ensembleStd.Data[p] / half) : 0;
        }

        var change = Score(x, y, std, h, w);
        for (int p = 0; p < n; p++) score.Data[p] = finite[p] ? change[p] : float.NaN;
        return score;
    }

    /// <summary>The score on normalised, finite planes (<see cref="Compute"/> without the checks).</summary>
    internal static float[] Score(float[] x, float[] y, float[]? std, int height, int width)
    {
        var change = UnexplainedChange(x, y, height, width);
        // Scan-line noise leaves single-line leftovers (a segment the line fit cannot follow); an
        // invented or removed feature spans several lines. Measured on validation "lines" (before the
        // renormalised clean estimate): AUROC 0.933 → 0.954.
        change = InventedMapFilters.VerticalMedian3(change, height, width);
        var energy = new float[change.Length];
        for (int p = 0; p < energy.Length; p++) energy[p] = change[p] * change[p];
        energy = InventedMapFilters.BoxMean(energy, height, width, WindowRadius);
        if (std is not null)
        {
            var spread = new float[std.Length];
            for (int p = 0; p < spread.Length; p++) spread[p] = std[p] * std[p];
            spread = InventedMapFilters.BoxMean(spread, height, width, WindowRadius);
            for (int p = 0; p < energy.Length; p++) energy[p] += SpreadWeight * spread[p];
        }
        var score = new float[energy.Length];
        for (int p = 0; p < score.Length; p++)
        {
            float e = MathF.Sqrt(energy[p]);
            score[p] = e / (e + HalfScoreChange);
        }
        return score;
    }

    /// <summary>
    /// Estimated clean − restored where the artefact model is taken out. z = the input with every fitted
    /// artefact replaced by the affine-mapped restored image: the input as it would read without ghosts,
    /// line defects and blur, still in the input's normalisation, which the artefacts themselves changed
    /// (ghosts and line offsets widen the input's range). The clean image is min–max normalised, so a
    /// renormalised z is the other estimate of it; the blend of both is the clean estimate (weights:
    /// validation AUROC, docs/uncertainty.md).
    /// </summary>
    internal static float[] UnexplainedChange(float[] x, float[] y, int height, int width)
    {
        int n = x.Length;
        var (explained, offset, gain) = InventedMapGhosts.Explain(x, y, height, width);
        var fitted = InventedMapRows.Fit(x, explained, height, width);
        var z = new float[n];
        for (int p = 0; p < n; p++) z[p] = (float)(x[p] - fitted[p] + gain * y[p] + offset);
        // The clean image spans exactly [−1, 1]. Its 3 × 3-mean extremes (one noisy pixel or line must not
        // set the range) are assumed to sit as far inside ±1 as the restored image's do inside its own
        // range, so a restoration with the right range maps onto itself. Measured on the validation sets:
        // unsmoothed extremes fail on scan-line noise (AUROC 0.95 → 0.45), untargeted ±1 flags every
        // correct bright or dark extreme.
        var smooth = InventedMapFilters.BoxMean(z, height, width, 1);
        var smoothY = InventedMapFilters.BoxMean(y, height, width, 1);
        float lo = smooth.Min(), hi = smooth.Max(), yMin = y.Min(), yMax = y.Max();
        float unit = yMax > yMin ? 2 / (yMax - yMin) : 1;
        float targetLo = -1 + (smoothY.Min() - yMin) * unit, targetHi = 1 - (yMax - smoothY.Max()) * unit;
        float scale = hi > lo ? (targetHi - targetLo) / (hi - lo) : 1;
        var change = new float[n];
        for (int p = 0; p < n; p++)
        {
            float renormalised = targetLo + (z[p] - lo) * scale;
            change[p] = (1 - RenormalisedWeight) * z[p] + RenormalisedWeight * renormalised - y[p];
        }
        return change;
    }
}
