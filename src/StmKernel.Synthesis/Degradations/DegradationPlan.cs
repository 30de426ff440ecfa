using System.Text.Json.Serialization;

namespace StmKernel.Synthesis.Degradations;

/// <summary>
/// Every value sampled for one degraded image, step by step in the paper's order; a null step was
/// not applied. Applying the same plan to the same source gives the same pair.
/// </summary>
/// <param name="QuarterTurns">Step 1: counter-clockwise quarter turns.</param>
/// <param name="MultiTip">Step 2.</param>
/// <param name="LineShifts">Step 3: shift in px of each line of the crop (top to bottom).</param>
/// <param name="CropX">Step 4: left column of the crop in the rotated source.</param>
/// <param name="CropY">Step 4: top row of the crop in the rotated source.</param>
/// <param name="BluntSigma">Step 5: σ in px.</param>
/// <param name="TipChange">Step 6.</param>
/// <param name="SrFactor">Step 7: kept every k-th line (1 = none).</param>
/// <param name="LineNoise">Step 8.</param>
public sealed record DegradationPlan([property: JsonIgnore] int QuarterTurns,
    MultiTipParameters? MultiTip,
    [property: JsonPropertyName("misalignment_shifts")] int[]? LineShifts,
    [property: JsonIgnore] int CropX, [property: JsonIgnore] int CropY,
    [property: JsonPropertyName("blunt_tip_sigma")] double? BluntSigma,
    TipChangeParameters? TipChange, int SrFactor,
    [property: JsonPropertyName("scan_line_noise")] ScanLineNoiseParameters? LineNoise)
{
    /// <summary>Step 1 in the manifest: the rotation in degrees (counter-clockwise).</summary>
    [JsonPropertyName("rotation_degrees")]
    [JsonPropertyOrder(-1)]
    public int RotationDegrees => 90 * QuarterTurns;

    /// <summary>Step 4 in the manifest: the crop's top-left corner in the rotated source.</summary>
    public CropOrigin Crop => new(CropX, CropY);
}

/// <summary>The top-left corner (column <paramref name="X"/>, row <paramref name="Y"/>) of a crop.</summary>
public readonly record struct CropOrigin(int X, int Y);
