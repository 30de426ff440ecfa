namespace StmKernel.Sampling;

/// <summary>
/// When an ensemble's spread means "do not trust this region" (reasoning in docs/uncertainty.md).
/// The image is cut into <see cref="CellSize"/>² cells; in each cell D is the mean per-pixel ensemble
/// variance (seeds disagree) and A the spatial variance of the ensemble mean, corrected for the D/N it
/// inherits from averaging only N members (structure all seeds agree on). A cell is flagged when the
/// disagreement fraction R = D/(A + D) exceeds <see cref="MaxDisagreement"/> and the spread √D is not
/// negligible: above <see cref="MinSpreadFraction"/> of the mean image's 1–99 % percentile range.
/// </summary>
public sealed record UncertaintyRule
{
    /// <summary>Cell side in pixels (default 16: ≈ 3 nm at 100 nm / 512 px, several Si(001) dimer-row periods).</summary>
    public int CellSize { get; init; } = 16;

    /// <summary>Threshold on R = D/(A + D) (default 0.5: the seeds disagree about more structure than they agree on).</summary>
    public double MaxDisagreement { get; init; } = 0.5;

    /// <summary>Floor on √D relative to the image's 1–99 % range (default 0.02), so flat, agreeing areas are never flagged.</summary>
    public double MinSpreadFraction { get; init; } = 0.02;

    /// <summary>Throws <see cref="ArgumentException"/> for values the rule cannot use.</summary>
    public void Validate()
    {
        if (CellSize < 2) throw new ArgumentException($"uncertainty cell size {CellSize} must be ≥ 2");
        if (!(MaxDisagreement > 0 && MaxDisagreement < 1)) throw new ArgumentException($"uncertainty threshold {MaxDisagreement} must be in (0, 1)");
        if (!(MinSpreadFraction >= 0)) throw new ArgumentException($"uncertainty spread floor {MinSpreadFraction} must be ≥ 0");
    }
}
