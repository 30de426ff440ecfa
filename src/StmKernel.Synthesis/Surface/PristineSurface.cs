using System.Text.Json.Serialization;

namespace StmKernel.Synthesis.Surface;

/// <summary>A generated pristine surface: heights in metres with the pixel size attached.</summary>
public sealed class PristineSurface
{
    internal PristineSurface(Plane heights, double pixelSize, int[] terrace, SurfaceDescription description)
    {
        Heights = heights;
        PixelSize = pixelSize;
        TerraceIndex = terrace;
        Description = description;
    }

    /// <summary>Topography in metres, row 0 = first scan line.</summary>
    public Plane Heights { get; }

    /// <summary>Pixel size in metres (square pixels).</summary>
    public double PixelSize { get; }

    /// <summary>
    /// Terrace index per pixel (row-major): terrace n lies n single-layer steps below terrace 0 and
    /// its dimer rows run along <see cref="SurfaceDescription.RowAngleDegrees"/> + 90°·(n mod 2).
    /// Etch pits count as the terrace below their surroundings. A ground-truth label for tests.
    /// </summary>
    public int[] TerraceIndex { get; }

    /// <summary>Every value drawn for this surface.</summary>
    public SurfaceDescription Description { get; }
}

/// <summary>The values drawn for one generated surface (for manifests and tests).</summary>
/// <param name="Seed">The seed that reproduces the surface.</param>
/// <param name="RowAngleDegrees">Dimer-row direction on terrace 0.</param>
/// <param name="MiscutDegrees">Miscut angle.</param>
/// <param name="MiscutDirectionDegrees">Downhill direction.</param>
/// <param name="TerraceWidth">Terrace width in metres (+∞ without steps).</param>
/// <param name="RowCorrugation">Peak-to-peak across rows (m).</param>
/// <param name="DimerCorrugation">Peak-to-peak along rows (m).</param>
/// <param name="DanglingBonds">Number of dangling bonds placed.</param>
/// <param name="DimerVacancies">Number of missing dimers placed (a 1+2 complex counts 3).</param>
/// <param name="BrightClusters">Number of bright clusters placed.</param>
/// <param name="EtchPits">Number of etch pits placed.</param>
public sealed record SurfaceDescription(long Seed, double RowAngleDegrees, double MiscutDegrees, double MiscutDirectionDegrees,
    [property: JsonIgnore] double TerraceWidth, [property: JsonPropertyName("row_corrugation_m")] double RowCorrugation,
    [property: JsonPropertyName("dimer_corrugation_m")] double DimerCorrugation, int DanglingBonds, int DimerVacancies,
    int BrightClusters, int EtchPits)
{
    /// <summary><see cref="TerraceWidth"/> in the manifest: null for a surface without steps (an infinite terrace, which JSON cannot hold).</summary>
    [JsonPropertyName("terrace_width_m")]
    public double? FiniteTerraceWidth => double.IsFinite(TerraceWidth) ? TerraceWidth : null;


    /// <summary>Second harmonic of the row profile drawn for this image's tip.</summary>
    public double RowSecondHarmonic { get; init; }

    /// <summary>Bean tilt drawn for this image's tip.</summary>
    public double BeanSkew { get; init; }

    /// <summary>Tip transfer σ (m) drawn for this image.</summary>
    [JsonPropertyName("tip_blur_sigma_m")]
    public double TipBlurSigma { get; init; }

    /// <summary>Number of dangling-bond chains placed.</summary>
    public int DanglingBondChains { get; init; }

    /// <summary>Number of dangling bonds in those chains.</summary>
    public int ChainDanglingBonds { get; init; }

    /// <summary>Number of bright adsorbate clusters placed.</summary>
    public int Adsorbates { get; init; }

    /// <summary>Number of dark clusters placed.</summary>
    public int DarkClusters { get; init; }

    /// <summary>Number of charge halos placed.</summary>
    public int ChargeHalos { get; init; }
}
