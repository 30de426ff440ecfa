namespace StmKernel.Synthesis.Degradations;

/// <summary>
/// Which degradation steps run and with what probability, the super-resolution factor, and the
/// values the paper leaves open (each documented with its reason in docs/synthesis.md). The fixed
/// distributions of §II A live in the step classes.
/// </summary>
public sealed record DegradationSettings
{
    /// <summary>
    /// Probability that a pair skips every degradation step (rotation, crop and SR line dropping still
    /// apply). Paper silent; 0 reproduces its pipeline. Training with a share of clean pairs teaches the
    /// model to leave an undegraded image alone (the model card's clean-input bar).
    /// </summary>
    public double CleanProbability { get; init; }

    /// <summary>
    /// Line flattening as input conditioning (beyond the paper): the clean and the degraded crop each lose
    /// their per-scan-line median before normalisation, as a scan does in the capture software or in
    /// Gwyddion's "Align rows" before anyone looks at it. Real training scans come flattened, so the
    /// procedural ones must be too; restore then flattens a scan the same way (model metadata
    /// "conditioning": "line-flatten"). Off reproduces the paper's stream.
    /// </summary>
    public bool LineFlatten { get; init; }

    /// <summary>Side of the square crop (step 4).</summary>
    public int CropSize { get; init; } = 128;

    /// <summary>Step 1 on or off (always 90° multiples with equal probability when on).</summary>
    public bool RandomRotation { get; init; } = true;

    /// <summary>
    /// Probability that an image gets multi-tip artefacts. The paper gives only the distribution of
    /// the number of extra tips (never zero), so the literal reading is 1.
    /// </summary>
    public double MultiTipProbability { get; init; } = 1.0;

    /// <summary>Scan-line misalignment probability (paper 0.3).</summary>
    public double MisalignProbability { get; init; } = 0.3;

    /// <summary>Standard deviation of the per-line shift in px (paper 0.8).</summary>
    public double MisalignSigma { get; init; } = 0.8;

    /// <summary>Blunt-tip probability (paper 0.6).</summary>
    public double BluntProbability { get; init; } = 0.6;

    /// <summary>Tip-change probability (paper 0.6).</summary>
    public double TipChangeProbability { get; init; } = 0.6;

    /// <summary>Blur σ (px) after a tip change: paper silent; clearly blunter than the blunt-tip step's 0.3–0.6.</summary>
    public ValueRange TipChangeSigma { get; init; } = new(0.8, 1.6);

    /// <summary>Scan-line noise probability (paper 0.6).</summary>
    public double LineNoiseProbability { get; init; } = 0.6;

    /// <summary>Scale of the log-normal profile (the density is multiplied by it): paper silent; 1 keeps its peak at 0.09–0.33, inside the constant offsets' 0–0.4.</summary>
    public double LogNormalScale { get; init; } = 1.0;

    /// <summary>Sinusoid amplitude: paper silent; comparable to but below the constant offsets.</summary>
    public ValueRange SineAmplitude { get; init; } = new(0.05, 0.2);

    /// <summary>Sinusoid period in px: paper silent; a few dimer rows to a few nanometres.</summary>
    public ValueRange SinePeriod { get; init; } = new(3, 15);

    /// <summary>Keep every k-th scan line (1 = no super-resolution degradation; 2 or 4 for SR sets).</summary>
    public int SrFactor { get; init; } = 1;

    /// <summary>The paper's training pipeline: all degradations, optionally with SR ×2 or ×4 (the paper's SR sets also degrade).</summary>
    public static DegradationSettings Paper(int srFactor = 1) => new() { SrFactor = srFactor };

    /// <summary>The settings of a test-set mode: one type forced on and the rest off, or SR only.</summary>
    public static DegradationSettings ForMode(DegradationMode mode)
    {
        var none = new DegradationSettings
        {
            MultiTipProbability = 0, MisalignProbability = 0, BluntProbability = 0, TipChangeProbability = 0, LineNoiseProbability = 0,
        };
        return mode switch
        {
            DegradationMode.All => new DegradationSettings(),
            DegradationMode.MultiTip => none with { MultiTipProbability = 1 },
            DegradationMode.Misalign => none with { MisalignProbability = 1 },
            DegradationMode.TipChange => none with { TipChangeProbability = 1 },
            DegradationMode.Blunt => none with { BluntProbability = 1 },
            DegradationMode.Lines => none with { LineNoiseProbability = 1 },
            DegradationMode.Sr2 => none with { SrFactor = 2 },
            DegradationMode.Sr4 => none with { SrFactor = 4 },
            DegradationMode.Sr2All => Paper(2),
            DegradationMode.Sr4All => Paper(4),
            DegradationMode.Clean => none,
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown degradation mode"),
        };
    }

    /// <summary>Throws on values that cannot run.</summary>
    public void Validate()
    {
        if (CropSize < 16) throw new ArgumentException($"crop size must be ≥ 16, got {CropSize}");
        if (SrFactor is not (1 or 2 or 4)) throw new ArgumentException($"SR factor must be 1, 2 or 4, got {SrFactor}");
        foreach (var (name, p) in new[] { ("clean", CleanProbability), ("multi-tip", MultiTipProbability), ("misalignment", MisalignProbability), ("blunt tip", BluntProbability), ("tip change", TipChangeProbability), ("scan-line noise", LineNoiseProbability) })
            if (!(p >= 0 && p <= 1)) throw new ArgumentException($"{name} probability must be in [0, 1], got {p}");
        TipChangeSigma.Validate(nameof(TipChangeSigma));
        SineAmplitude.Validate(nameof(SineAmplitude));
        SinePeriod.Validate(nameof(SinePeriod));
        if (SinePeriod.Min <= 0) throw new ArgumentException("sine period must be positive");
    }
}
