using System.Text.Json;
using StmKernel.Imaging;
using StmKernel.Tensors;

namespace StmKernel.Synthesis.Pairs;

/// <summary>A fixed test set read back from disk: [N, 1, S, S] clean and degraded tensors and its mode.</summary>
/// <param name="Clean">Ground truth.</param>
/// <param name="Degraded">Model inputs.</param>
/// <param name="Mode">The mode name in the manifest (all, multitip, …, sr4).</param>
/// <param name="Seed">The seed it was generated with.</param>
public sealed record TestSet(Tensor Clean, Tensor Degraded, string Mode, long Seed)
{
    /// <summary>Number of pairs.</summary>
    public int Count => Clean.Dim(0);

    /// <summary>Loads a folder written by <see cref="TestSetWriter"/>.</summary>
    /// <exception cref="InvalidDataException">A file is missing, malformed, or the stacks disagree (message names the file).</exception>
    public static TestSet Load(string folder)
    {
        string manifestPath = Path.Combine(folder, TestSetWriter.ManifestFile);
        if (!File.Exists(manifestPath)) throw new InvalidDataException($"{manifestPath}: test-set manifest not found");
        string mode;
        long seed;
        int count;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(manifestPath));
            var root = doc.RootElement;
            if (root.GetProperty("format").GetString() != "stmkernel-testset/1")
                throw new InvalidDataException($"{manifestPath}: unknown format '{root.GetProperty("format").GetString()}'");
            mode = root.GetProperty("mode").GetString() ?? "";
            seed = root.GetProperty("seed").GetInt64();
            count = root.GetProperty("count").GetInt32();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{manifestPath}: malformed manifest: {e.Message}", e);
        }
        var clean = ReadStack(Path.Combine(folder, TestSetWriter.CleanFile), count);
        var degraded = ReadStack(Path.Combine(folder, TestSetWriter.DegradedFile), count);
        if (!clean.Shape.SequenceEqual(degraded.Shape))
            throw new InvalidDataException($"{folder}: clean {clean.ShapeText} and degraded {degraded.ShapeText} stacks differ");
        return new TestSet(clean, degraded, mode, seed);
    }

    private static Tensor ReadStack(string path, int count)
    {
        if (!File.Exists(path)) throw new InvalidDataException($"{path}: not found");
        var (data, shape) = NpyFile.Read(path);
        if (shape.Length != 4 || shape[0] != count || shape[1] != 1)
            throw new InvalidDataException($"{path}: expected shape ({count}, 1, H, W), found ({string.Join(", ", shape)})");
        return new Tensor(data, shape);
    }
}
