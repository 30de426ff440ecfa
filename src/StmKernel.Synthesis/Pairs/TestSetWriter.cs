using StmKernel.Imaging;
using StmKernel.Synthesis.Degradations;

namespace StmKernel.Synthesis.Pairs;

/// <summary>
/// Writes a fixed test set: clean.npy and degraded.npy ([N, 1, S, S] float32 in [−1, 1]) and
/// manifest.json holding the mode, seed, settings and every sampled parameter of every pair, so
/// an evaluation can be reproduced and audited. Never overwrites existing files.
/// </summary>
public static class TestSetWriter
{
    /// <summary>File names inside a test-set folder.</summary>
    public const string CleanFile = "clean.npy", DegradedFile = "degraded.npy", ManifestFile = "manifest.json";

    /// <summary>Writes pairs 0 … count − 1 of <paramref name="split"/>; <paramref name="progress"/> is called after each pair.</summary>
    /// <exception cref="IOException">One of the output files already exists.</exception>
    public static void Write(string folder, PairSource pairs, DataSplit split, int count, string modeName, Action<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), $"count must be ≥ 1, got {count}");
        Directory.CreateDirectory(folder);
        foreach (string f in new[] { CleanFile, DegradedFile, ManifestFile })
            if (File.Exists(Path.Combine(folder, f))) throw new IOException($"{Path.Combine(folder, f)}: already exists; not overwriting");

        int s = pairs.Pipeline.Settings.CropSize, n = s * s;
        var clean = new float[(long)count * n];
        var degraded = new float[clean.Length];
        var samples = new (long Index, string SourceId, DegradationPlan Plan)[count];
        for (int i = 0; i < count; i++)
        {
            var p = pairs.Get(split, i);
            p.Clean.Data.CopyTo(clean, (long)i * n);
            p.Degraded.Data.CopyTo(degraded, (long)i * n);
            samples[i] = (p.Index, p.SourceId, p.Plan);
            progress?.Invoke(i + 1);
        }
        NpyFile.Write(Path.Combine(folder, CleanFile), clean, count, 1, s, s);
        NpyFile.Write(Path.Combine(folder, DegradedFile), degraded, count, 1, s, s);
        var manifest = new TestSetManifest(
            "stmkernel-testset/1", modeName, split.ToString().ToLowerInvariant(), pairs.Seed, count, pairs.Source.Description,
            (pairs.Source as ProceduralSource)?.Parameters, (pairs.Source as NpyFolderSource)?.FilesOf(split),
            pairs.Pipeline.Settings, CleanFile, DegradedFile, "[N, 1, H, W] float32, each channel min-max normalised to [-1, 1]",
            samples.Select(p => new TestSetSample(p.Index, p.SourceId, p.Plan)).ToArray());
        ManifestJson.WriteFile(Path.Combine(folder, ManifestFile), manifest, ManifestJson.Default.TestSetManifest);
    }
}
