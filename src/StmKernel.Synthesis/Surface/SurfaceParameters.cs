using System.Text.Json.Serialization;

namespace StmKernel.Synthesis.Surface;

/// <summary>
/// Physical parameters of the procedural Si(001):H 2×1 surface imaged in filled states (about −2 V).
/// Lengths and heights in metres. Ranges are drawn once per image; defaults follow the literature
/// values in docs/synthesis.md (lattice, step height, defect densities) and the paper's imaging
/// conditions (512 px over 100 nm).
/// </summary>
public sealed partial record SurfaceParameters
{
    /// <summary>Image width in pixels (fast scan axis).</summary>
    public int Width { get; init; } = 512;

    /// <summary>Image height in pixels (scan lines).</summary>
    public int Height { get; init; } = 512;

    /// <summary>Pixel size in metres (0.195 nm: 512 px over 100 nm, as in the paper).</summary>
    [JsonPropertyName("pixel_size_m")]
    public double PixelSize { get; init; } = 0.195e-9;

    /// <summary>Distance between dimer rows (2 × 3.84 Å).</summary>
    [JsonPropertyName("dimer_row_spacing_m")]
    public double DimerRowSpacing { get; init; } = 7.68e-10;

    /// <summary>Distance between dimers along a row (the surface lattice constant).</summary>
    [JsonPropertyName("dimer_spacing_m")]
    public double DimerSpacing { get; init; } = 3.84e-10;

    /// <summary>Peak-to-peak corrugation across the rows (0.3–0.5 Å in filled states).</summary>
    [JsonPropertyName("row_corrugation_m")]
    public ValueRange RowCorrugation { get; init; } = new(0.3e-10, 0.5e-10);

    /// <summary>Second harmonic of the row profile relative to the first: flat-topped "beans", narrow troughs.</summary>
    public double RowSecondHarmonic { get; init; } = 0.25;

    /// <summary>Peak-to-peak corrugation along a row between dimers (&lt; 0.2 Å).</summary>
    [JsonPropertyName("dimer_corrugation_m")]
    public ValueRange DimerCorrugation { get; init; } = new(0.05e-10, 0.15e-10);

    /// <summary>Single-layer step height.</summary>
    [JsonPropertyName("step_height_m")]
    public double StepHeight { get; init; } = 1.36e-10;

    /// <summary>Miscut angle in degrees; terrace width = step height / tan(miscut). 0 gives one terrace.</summary>
    public ValueRange MiscutDegrees { get; init; } = new(0.05, 0.4);

    /// <summary>Downhill miscut direction in degrees from +x; null draws it uniformly on [0°, 360°).</summary>
    public double? MiscutDirectionDegrees { get; init; }

    /// <summary>Dimer-row direction (degrees from +x) on terrace 0; null draws 0° or 45° (scan aligned with or diagonal to the rows, as in the paper's Fig. 7) plus ±3° jitter.</summary>
    public double? LatticeAngleDegrees { get; init; }

    /// <summary>Subtract the mean miscut plane (what every STM user does first), leaving a sawtooth of terraces.</summary>
    public bool LevelMiscut { get; init; } = true;

    /// <summary>Apparent width (logistic scale) of a step edge as broadened by the tip.</summary>
    [JsonPropertyName("step_edge_width_m")]
    public double StepEdgeWidth { get; init; } = 2.0e-10;

    /// <summary>Mean distance between kinks along a straight S_A edge.</summary>
    [JsonPropertyName("straight_edge_kink_spacing_m")]
    public double StraightEdgeKinkSpacing { get; init; } = 12e-9;

    /// <summary>Mean distance between kinks along a rough S_B edge.</summary>
    [JsonPropertyName("rough_edge_kink_spacing_m")]
    public double RoughEdgeKinkSpacing { get; init; } = 2.0e-9;

    /// <summary>Largest excursion of a rough S_B edge from its mean line (straight edges get a quarter).</summary>
    [JsonPropertyName("rough_edge_max_excursion_m")]
    public double RoughEdgeMaxExcursion { get; init; } = 3e-9;

    /// <summary>Dangling bonds as a fraction of surface sites (6.78×10¹⁸ m⁻²); 0.1–1 % in the literature.</summary>
    public ValueRange DanglingBondFraction { get; init; } = new(0.001, 0.005);

    /// <summary>Share of dangling-bond events that are both atoms of one dimer (a double DB).</summary>
    public double DanglingBondPairFraction { get; init; } = 0.2;

    /// <summary>Apparent height of a dangling bond (1–1.5 Å).</summary>
    [JsonPropertyName("dangling_bond_height_m")]
    public ValueRange DanglingBondHeight { get; init; } = new(1.0e-10, 1.5e-10);

    /// <summary>Full width at half maximum of a dangling bond (~1 nm).</summary>
    [JsonPropertyName("dangling_bond_width_m")]
    public double DanglingBondWidth { get; init; } = 1.0e-9;

    /// <summary>Dimer vacancies as a fraction of dimers (~1 %).</summary>
    public ValueRange DimerVacancyFraction { get; init; } = new(0.005, 0.015);

    /// <summary>Share of vacancy events that are 1+2 complexes (one missing dimer, one kept, two missing).</summary>
    public double VacancyComplexFraction { get; init; } = 0.4;

    /// <summary>Apparent depth of a missing dimer (0.5–1 Å).</summary>
    [JsonPropertyName("vacancy_depth_m")]
    public ValueRange VacancyDepth { get; init; } = new(0.5e-10, 1.0e-10);

    /// <summary>Bright clusters (raised Si, dihydride pairs, adsorbates) as a fraction of surface sites.</summary>
    public double BrightClusterFraction { get; init; } = 0.0003;

    /// <summary>Etch pits (one-layer-deep vacancy islands with rotated rows) per square metre.</summary>
    [JsonPropertyName("etch_pit_density_per_m2")]
    public double EtchPitDensity { get; init; } = 3e14;

    /// <summary>White height noise of the instrument (RMS).</summary>
    [JsonPropertyName("noise_rms_m")]
    public double NoiseRms { get; init; } = 0.03e-10;

    /// <summary>Per-scan-line offset noise of the feedback loop (RMS).</summary>
    [JsonPropertyName("line_noise_rms_m")]
    public double LineNoiseRms { get; init; } = 0.015e-10;

    /// <summary>Throws on sizes or values that cannot make an image.</summary>
    public void Validate()
    {
        if (Width < 8 || Height < 8 || Width > 16384 || Height > 16384)
            throw new ArgumentException($"surface size must be 8..16384 px per side, got {Width}×{Height}");
        if (!(PixelSize > 0) || !(DimerRowSpacing > 0) || !(DimerSpacing > 0) || !(StepHeight >= 0))
            throw new ArgumentException("pixel size, lattice spacings must be positive and step height non-negative");
        RowCorrugation.Validate(nameof(RowCorrugation));
        DimerCorrugation.Validate(nameof(DimerCorrugation));
        MiscutDegrees.Validate(nameof(MiscutDegrees));
        DanglingBondFraction.Validate(nameof(DanglingBondFraction));
        DanglingBondHeight.Validate(nameof(DanglingBondHeight));
        DimerVacancyFraction.Validate(nameof(DimerVacancyFraction));
        VacancyDepth.Validate(nameof(VacancyDepth));
        if (MiscutDegrees.Min < 0 || MiscutDegrees.Max >= 45) throw new ArgumentException("miscut must be in [0°, 45°)");
        ValidateRealism();
    }
}
