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
        ManifestJson.WriteFile(Path.Combine(folder, ManifestFile), w =>
        {
            w.WriteStartObject();
            w.WriteString("format", "stmkernel-testset/1");
            w.WriteString("mode", modeName);
            w.WriteString("split", split.ToString().ToLowerInvariant());
            w.WriteNumber("seed", pairs.Seed);
            w.WriteNumber("count", count);
            w.WriteString("source", pairs.Source.Description);
            if (pairs.Source is ProceduralSource ps) ManifestJson.Write(w, "surface", ps.Parameters);
            if (pairs.Source is NpyFolderSource fs)
            {
                w.WriteStartArray("source_files");
                foreach (string f in fs.FilesOf(split)) w.WriteStringValue(f);
                w.WriteEndArray();
            }
            ManifestJson.Write(w, "settings", pairs.Pipeline.Settings);
            w.WriteString("clean", CleanFile);
            w.WriteString("degraded", DegradedFile);
            w.WriteString("layout", "[N, 1, H, W] float32, each channel min-max normalised to [-1, 1]");
            w.WriteStartArray("samples");
            foreach (var p in samples)
            {
                w.WriteStartObject();
                w.WriteNumber("index", p.Index);
                w.WriteString("source", p.SourceId);
                w.WritePropertyName("plan");
                p.Plan.WriteJson(w);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }
}
