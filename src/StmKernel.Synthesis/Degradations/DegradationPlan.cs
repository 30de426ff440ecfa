using System.Text.Json;

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
public sealed record DegradationPlan(int QuarterTurns, MultiTipParameters? MultiTip, int[]? LineShifts, int CropX, int CropY,
    double? BluntSigma, TipChangeParameters? TipChange, int SrFactor, ScanLineNoiseParameters? LineNoise)
{
    /// <summary>Writes the plan as one JSON object.</summary>
    public void WriteJson(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteNumber("rotation_degrees", 90 * QuarterTurns);
        w.WritePropertyName("multi_tip");
        if (MultiTip is null) w.WriteNullValue(); else MultiTip.WriteJson(w);
        w.WritePropertyName("misalignment_shifts");
        if (LineShifts is null) w.WriteNullValue();
        else
        {
            w.WriteStartArray();
            foreach (int s in LineShifts) w.WriteNumberValue(s);
            w.WriteEndArray();
        }
        w.WriteStartObject("crop");
        w.WriteNumber("x", CropX);
        w.WriteNumber("y", CropY);
        w.WriteEndObject();
        if (BluntSigma is { } b) w.WriteNumber("blunt_tip_sigma", b); else w.WriteNull("blunt_tip_sigma");
        w.WritePropertyName("tip_change");
        if (TipChange is null) w.WriteNullValue(); else TipChange.WriteJson(w);
        w.WriteNumber("sr_factor", SrFactor);
        w.WritePropertyName("scan_line_noise");
        if (LineNoise is null) w.WriteNullValue(); else LineNoise.WriteJson(w);
        w.WriteEndObject();
    }
}
