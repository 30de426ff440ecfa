using System.Text.Json;
using System.Text.Json.Serialization;
using StmKernel.Imaging;
using StmKernel.Orbitals;

namespace StmKernel.Cli;

/// <summary>
/// One pair of an `orbitals synth` set: the molecule and every value it was drawn with. <c>Imaging</c> is
/// "constant-height" (images are currents) or "constant-current" (topographs z − z₀ at the setpoint that holds the tip at
/// z₀ over bare substrate, whose current at z₀ is <c>SubstrateCurrentShare</c> of the molecule's largest).
/// </summary>
public sealed record OrbitalPairRecord(
    int Index, string Molecule, string GraphHash, int LevelFromHomo, double EnergyEv, double WidthEv, double T2Ev, double T3Ev,
    double TipWs, double TipWp, double TipPxShare, double TipPyShare, double TipAxisRad, double TipTiltRad,
    double HeightAngstrom, double KappaPerAngstrom, double RotationRad, double OffsetXAngstrom, double OffsetYAngstrom,
    double Noise, double BlurPx, double FeedbackLagPx, int[] LineShiftsPx, double LineOffsets, OrbitalSurroundingsRecord? Surroundings,
    string Imaging, double? SubstrateCurrentShare)
{
    /// <summary>The record of pair <paramref name="index"/>.</summary>
    public static OrbitalPairRecord From(int index, LibraryEntry entry, OrbitalPairParameters p) => new(
        index, p.Molecule, entry.GraphHash, p.LevelFromHomo, p.Energy, p.Width, p.T2, p.T3,
        p.Tip.Ws, p.Tip.Wp, p.Tip.PxShare, p.Tip.PyShare, p.Tip.AxisAngle, p.Tip.Tilt,
        p.Height, p.Kappa, p.Rotation, p.Offset.X, p.Offset.Y, p.Noise, p.Blur, p.FeedbackLag, p.LineShifts, p.LineOffsets,
        p.Surroundings is { } e ? OrbitalSurroundingsRecord.From(e) : null,
        p.ConstantCurrent is null ? "constant-height" : "constant-current", p.ConstantCurrent?.BackgroundShare);
}

/// <summary>A pair's <see cref="OrbitalSurroundings"/> as flat fields (drift, background, standing waves, adsorbates).</summary>
public sealed record OrbitalSurroundingsRecord(
    double DriftScaleX, double DriftScaleY, double DriftShear, double DriftRotationRad, double BackgroundSlopeX, double BackgroundSlopeY,
    double WaveAmplitude, double WavePeriodAngstrom, double WaveSourceXAngstrom, double WaveSourceYAngstrom, double WavePhaseRad, int Adsorbates)
{
    /// <summary>The record of <paramref name="e"/>.</summary>
    public static OrbitalSurroundingsRecord From(OrbitalSurroundings e) => new(
        e.Drift.ScaleX, e.Drift.ScaleY, e.Drift.Shear, e.Drift.Rotation, e.SlopeX, e.SlopeY,
        e.WaveAmplitude, e.WavePeriod, e.WaveSource.X, e.WaveSource.Y, e.WavePhase, e.Adsorbates.Count);
}

/// <summary>The manifest.json of an `orbitals synth` set (snake_case, written through System.Text.Json source generation: trim-safe).</summary>
public sealed record OrbitalManifest(
    int Seed, string Split, int Width, int Height, double PixelAngstrom, int MaxHexagons, int LibrarySeed, int Molecules,
    IReadOnlyList<OrbitalPairRecord> Pairs)
{
    /// <summary>Writes <paramref name="manifest"/> atomically.</summary>
    public static void Write(string path, OrbitalManifest manifest) =>
        SafeWrite.Write(path, s => JsonSerializer.Serialize(s, manifest, OrbitalManifestJson.Default.OrbitalManifest));

    /// <summary>Reads a manifest back (for tools and tests).</summary>
    public static OrbitalManifest Read(string path)
    {
        using var s = File.OpenRead(path);
        return JsonSerializer.Deserialize(s, OrbitalManifestJson.Default.OrbitalManifest)
            ?? throw new InvalidDataException($"{path}: empty orbital manifest");
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(OrbitalManifest))]
internal sealed partial class OrbitalManifestJson : JsonSerializerContext;
