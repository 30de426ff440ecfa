using System.Text.Json.Serialization;

namespace StmKernel.Synthesis.Surface;

/// <summary>
/// Parameters of the features added for issue 15 ("restore real Si(001):H scans without altering them"):
/// what the real scans in data/real-si001 show and the first generator lacked. Reasons and sources of
/// every default are in docs/synthesis.md, "Realism against real scans".
/// </summary>
public sealed partial record SurfaceParameters
{
    /// <summary>
    /// The generator as it was before issue 15: every realism feature off. Its surfaces are
    /// bit-identical to the earlier generator's (the new features draw from their own derived streams
    /// and change nothing when off); <c>stmkernel realism</c> shows it as the "before" column.
    /// </summary>
    public static SurfaceParameters Baseline => new()
    {
        RowSecondHarmonicSpread = 0, BeanSkew = ValueRange.Fixed(0), TipBlurSigma = ValueRange.Fixed(0), LatticeJitterRms = 0,
        DanglingBondChainDensity = 0, AdsorbateDensity = 0, DarkClusterDensity = 0, ChargeHaloDensity = 0,
    };

    /// <summary>Half-width of the per-image spread of <see cref="RowSecondHarmonic"/> (tip-dependent row profile: beans to sharp lines).</summary>
    public double RowSecondHarmonicSpread { get; init; } = 0.3;

    /// <summary>Per-image tilt of the dimer "beans" (−1..1): an asymmetric tip images the two sides of a dimer differently.</summary>
    public ValueRange BeanSkew { get; init; } = new(-0.6, 0.6);

    /// <summary>
    /// Gaussian σ of the tip's transfer function, drawn per image: it fades the row's second harmonic
    /// and the dimers against the row fundamental (which keeps <see cref="RowCorrugation"/>).
    /// </summary>
    [JsonPropertyName("tip_blur_sigma_m")]
    public ValueRange TipBlurSigma { get; init; } = new(0.05e-9, 0.15e-9);

    /// <summary>RMS displacement of the lattice along the fast axis, line to line (piezo creep, drift, feedback jitter).</summary>
    [JsonPropertyName("lattice_jitter_rms_m")]
    public double LatticeJitterRms { get; init; } = 0.08e-9;

    /// <summary>Correlation length (along the slow axis) of <see cref="LatticeJitterRms"/>.</summary>
    [JsonPropertyName("lattice_jitter_correlation_m")]
    public double LatticeJitterCorrelation { get; init; } = 1.0e-9;

    /// <summary>Dangling-bond chains (bare-dimer lines of H desorption or lithography) per square metre.</summary>
    [JsonPropertyName("dangling_bond_chain_density_per_m2")]
    public double DanglingBondChainDensity { get; init; } = 2e15;

    /// <summary>Mean number of dangling bonds in a chain (geometric, ≥ 2: a chain of 2 is a DB pair on neighbouring dimers).</summary>
    public double DanglingBondChainMeanLength { get; init; } = 4;

    /// <summary>Share of chains that run across the rows (one DB per row) instead of along one row.</summary>
    public double DanglingBondChainAcrossFraction { get; init; } = 0.3;

    /// <summary>Bright adsorbate clusters of several lobes (Si ad-clusters, contamination) per square metre.</summary>
    [JsonPropertyName("adsorbate_density_per_m2")]
    public double AdsorbateDensity { get; init; } = 1.5e16;

    /// <summary>Mean number of lobes of a bright or dark cluster (1 + Poisson).</summary>
    public double ClusterMeanLobes { get; init; } = 1.5;

    /// <summary>Full width at half maximum of one cluster lobe.</summary>
    [JsonPropertyName("cluster_lobe_width_m")]
    public ValueRange ClusterLobeWidth { get; init; } = new(0.5e-9, 1.2e-9);

    /// <summary>Apparent height of one bright-cluster lobe.</summary>
    [JsonPropertyName("adsorbate_height_m")]
    public ValueRange AdsorbateHeight { get; init; } = new(0.5e-10, 1.2e-10);

    /// <summary>Dark clusters (multi-dimer vacancy clusters, etch damage) per square metre.</summary>
    [JsonPropertyName("dark_cluster_density_per_m2")]
    public double DarkClusterDensity { get; init; } = 1e15;

    /// <summary>Apparent depth of one dark-cluster lobe.</summary>
    [JsonPropertyName("dark_cluster_depth_m")]
    public ValueRange DarkClusterDepth { get; init; } = new(0.6e-10, 1.2e-10);

    /// <summary>Broad bright or dark halos of band bending around charged subsurface dopants and defects, per square metre.</summary>
    [JsonPropertyName("charge_halo_density_per_m2")]
    public double ChargeHaloDensity { get; init; } = 1e16;

    /// <summary>Gaussian σ of a charge halo.</summary>
    [JsonPropertyName("charge_halo_sigma_m")]
    public ValueRange ChargeHaloSigma { get; init; } = new(1.0e-9, 3.0e-9);

    /// <summary>Peak amplitude of a charge halo (sign drawn: donors bright, acceptors and charged DBs dark in filled states).</summary>
    [JsonPropertyName("charge_halo_amplitude_m")]
    public ValueRange ChargeHaloAmplitude { get; init; } = new(0.02e-10, 0.1e-10);

    private void ValidateRealism()
    {
        BeanSkew.Validate(nameof(BeanSkew));
        TipBlurSigma.Validate(nameof(TipBlurSigma));
        if (TipBlurSigma.Min < 0) throw new ArgumentException($"{nameof(TipBlurSigma)} must be ≥ 0, got {TipBlurSigma.Min}");
        ClusterLobeWidth.Validate(nameof(ClusterLobeWidth));
        AdsorbateHeight.Validate(nameof(AdsorbateHeight));
        DarkClusterDepth.Validate(nameof(DarkClusterDepth));
        ChargeHaloSigma.Validate(nameof(ChargeHaloSigma));
        ChargeHaloAmplitude.Validate(nameof(ChargeHaloAmplitude));
        if (BeanSkew.Min < -1 || BeanSkew.Max > 1) throw new ArgumentException($"{nameof(BeanSkew)} must lie in [−1, 1], got [{BeanSkew.Min}, {BeanSkew.Max}]");
        if (!(RowSecondHarmonicSpread >= 0) || !(LatticeJitterRms >= 0) || !(LatticeJitterCorrelation > 0))
            throw new ArgumentException($"row-harmonic spread and lattice jitter must be ≥ 0 and the jitter correlation > 0, got {RowSecondHarmonicSpread}, {LatticeJitterRms}, {LatticeJitterCorrelation}");
        if (!(DanglingBondChainDensity >= 0) || !(AdsorbateDensity >= 0) || !(DarkClusterDensity >= 0) || !(ChargeHaloDensity >= 0))
            throw new ArgumentException("chain, cluster and halo densities must be ≥ 0");
        if (!(DanglingBondChainMeanLength >= 2)) throw new ArgumentException($"{nameof(DanglingBondChainMeanLength)} must be ≥ 2, got {DanglingBondChainMeanLength}");
        if (!(DanglingBondChainAcrossFraction is >= 0 and <= 1)) throw new ArgumentException($"{nameof(DanglingBondChainAcrossFraction)} must be in [0, 1], got {DanglingBondChainAcrossFraction}");
        if (!(ClusterMeanLobes >= 1)) throw new ArgumentException($"{nameof(ClusterMeanLobes)} must be ≥ 1, got {ClusterMeanLobes}");
        if (ClusterLobeWidth.Min <= 0 || ChargeHaloSigma.Min <= 0) throw new ArgumentException("cluster lobe width and halo σ must be positive");
    }
}
