using StmKernel.Tensors.Backends;
using StmKernel.UNet;
using StmKernel.UNet.Networks;

namespace StmKernel.Train;

/// <summary>
/// The trainable parameters of a network and their gradients, keyed by diffusers name, in PyTorch
/// layouts (float32), in <see cref="ParameterList"/> order. The training graph reads the values
/// live and overwrites every gradient on each backward; optimizers update the values in place.
/// </summary>
public sealed class ParameterSet : IParameterStore
{
    private readonly Dictionary<string, int> _index;

    /// <summary>Keys and shapes, in module order.</summary>
    public IReadOnlyList<ParameterSpec> Specs { get; }

    /// <summary>Values, parallel to <see cref="Specs"/>.</summary>
    public IReadOnlyList<float[]> Values { get; }

    /// <summary>Gradients, parallel to <see cref="Specs"/>.</summary>
    public IReadOnlyList<float[]> Gradients { get; }

    /// <summary>The architecture.</summary>
    public INetworkConfig Config { get; }

    /// <summary>Copies <paramref name="values"/> (every key of the architecture, nothing else).</summary>
    /// <exception cref="InvalidDataException">A parameter is missing, extra or of the wrong size.</exception>
    public ParameterSet(INetworkConfig config, IReadOnlyDictionary<string, float[]> values)
    {
        Config = config;
        Specs = ParameterList.For(config);
        ParameterList.Check(Specs, values);
        var v = new float[Specs.Count][];
        var g = new float[Specs.Count][];
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < Specs.Count; i++)
        {
            v[i] = (float[])values[Specs[i].Key].Clone();
            g[i] = new float[v[i].Length];
            _index[Specs[i].Key] = i;
        }
        Values = v;
        Gradients = g;
    }

    /// <summary>Total scalar parameters.</summary>
    public long Count => Specs.Sum(s => s.Count);

    /// <summary>The live values of <paramref name="key"/>.</summary>
    public float[] Value(string key) => Values[IndexOf(key)];

    /// <summary>The gradient of <paramref name="key"/>.</summary>
    public float[] Gradient(string key) => Gradients[IndexOf(key)];

    float[]? IParameterStore.Gradient(string key) => Gradient(key);

    /// <summary>A copy of the values by key (e.g. to build an inference model or a weight file).</summary>
    public Dictionary<string, float[]> Snapshot() => Specs.Select((s, i) => (s.Key, Values[i])).ToDictionary(p => p.Key, p => (float[])p.Item2.Clone());

    private int IndexOf(string key) =>
        _index.TryGetValue(key, out int i) ? i : throw new KeyNotFoundException($"the architecture has no parameter '{key}'");
}
