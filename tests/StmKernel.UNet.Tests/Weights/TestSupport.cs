using StmKernel.UNet.Weights;

namespace StmKernel.UNet.Tests.Weights;

/// <summary>Small configs, random weight sets and a scratch folder for the weight-format tests.</summary>
internal static class TestSupport
{
    /// <summary>Two levels, one layer per block, mid attention: every kind of key, about 190 k parameters.</summary>
    public static UNetConfig Tiny { get; } = new()
    {
        BlockOutChannels = [32, 64],
        LayersPerBlock = 1,
        NormNumGroups = 8,
        AddAttention = true,
    };

    /// <summary>Every parameter of <paramref name="config"/> filled with N(0, 0.2²)-ish values from a fixed seed.</summary>
    public static WeightSet RandomSet(UNetConfig config, int seed, ModelMetadata? metadata = null)
    {
        var rng = new Random(seed);
        var tensors = new Dictionary<string, WeightTensor>();
        foreach (var spec in ParameterList.For(config))
        {
            var data = new float[spec.Count];
            for (int i = 0; i < data.Length; i++) data[i] = (float)((rng.NextDouble() + rng.NextDouble() + rng.NextDouble() - 1.5) * 0.4);
            tensors[spec.Key] = new WeightTensor(spec.Shape, data);
        }
        return new WeightSet(config, tensors, metadata);
    }
}

/// <summary>A fresh folder under the system temp folder, deleted on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("stmk-weights-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
