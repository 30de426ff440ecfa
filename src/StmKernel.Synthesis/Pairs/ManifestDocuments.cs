using System.Text.Json.Serialization;
using StmKernel.Synthesis.Degradations;
using StmKernel.Synthesis.Surface;

namespace StmKernel.Synthesis.Pairs;

/// <summary>
/// manifest.json of a test set (<see cref="TestSetWriter"/>): mode, split, seed, the source and its settings, and every
/// sampled plan. <paramref name="Surface"/> is there for procedural sources, <paramref name="SourceFiles"/> for folders of scans.
/// </summary>
public sealed record TestSetManifest(
    string Format, string Mode, string Split, long Seed, int Count, string Source,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] SurfaceParameters? Surface,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? SourceFiles,
    DegradationSettings Settings, string Clean, string Degraded, string Layout, IReadOnlyList<TestSetSample> Samples);

/// <summary>One pair of a test set: its index in the split, the pristine image it came from, and its plan.</summary>
public sealed record TestSetSample(long Index, string Source, DegradationPlan Plan);

/// <summary>manifest.json of a folder of generated surfaces (<see cref="SurfaceManifest"/>).</summary>
public sealed record SurfacesManifest(
    string Format, string Units, [property: JsonPropertyName("pixel_size_m")] double PixelSize, long Seed,
    SurfaceParameters Parameters, IReadOnlyList<SurfaceEntry> Surfaces);

/// <summary>One generated surface: its file and the values drawn for it.</summary>
public sealed record SurfaceEntry(string File, SurfaceDescription Drawn);
