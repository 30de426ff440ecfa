using StmKernel.Tensors.Backends;
using StmKernel.Tensors.Graph;
using StmKernel.Tensors.Tests.Backward;

namespace StmKernel.Tensors.Tests.Backends;

/// <summary>
/// One row of an op table: how to build the op's graph (<see cref="Build"/>) and the naive double-precision value of
/// its output (<see cref="Reference"/>). Both read their inputs through the same names, so a case is written once and
/// serves the forward test (inputs fed directly) and the backward test (inputs behind probes, see <see cref="CaseGraph"/>).
/// </summary>
internal sealed record OpCase(string Op, string Name, Func<CaseGraph, GraphValue> Build, Func<CaseReference, double[]> Reference,
    bool Differentiable = true)
{
    public override string ToString() => Name;
}

/// <summary>What a case's input is filled with.</summary>
internal sealed record InputSpec(int[] Shape, Func<int, double[]> Make);

/// <summary>
/// The graph side of a case. <see cref="Map"/> and <see cref="Vector"/> declare a caller-filled input; in a probed
/// (backward) graph they put a cheap differentiable "probe" in front — a 1×1 convolution for maps, a Linear for
/// vectors, both near the identity — so the op under test reads a computed value whose gradient the backend must
/// produce (a training plan makes no gradient for graph Inputs), and the probe's parameter gradients expose it.
/// </summary>
internal sealed class CaseGraph(bool probed)
{
    public GraphBuilder B { get; } = new();

    public bool Probed => probed;

    /// <summary>Input name → shape and values, in declaration order.</summary>
    public Dictionary<string, InputSpec> Inputs { get; } = new(StringComparer.Ordinal);

    /// <summary>A feature-map input with values uniform in offset ± scale; probed unless <paramref name="probe"/> is false.</summary>
    public GraphValue Map(string name, int n, int c, int h, int w, double scale = 1, double offset = 0, bool probe = true)
    {
        var x = Declare(name, [n, c, h, w], seed => Values(seed, n * c * h * w, scale, offset));
        return probed && probe ? B.Conv2d(name + ".probe", x, c, 1) : x;
    }

    /// <summary>A per-sample vector input [N, E]; probed by a Linear E → E in a backward graph.</summary>
    public GraphValue Vector(string name, int n, int e, double scale = 1)
    {
        var x = Declare(name, [n, e], seed => Values(seed, n * e, scale, 0));
        return probed ? B.Linear(name + ".probe", x, e) : x;
    }

    /// <summary>Timesteps [N] in [0, 1000), as a sampler feeds them (never probed: the embedding has no gradient).</summary>
    public GraphValue Timesteps(string name, int n)
    {
        return Declare(name, [n], seed =>
        {
            var r = new Random(seed);
            return Enumerable.Range(0, n).Select(i => i == 0 ? 0.0 : (float)(r.NextDouble() * 1000)).ToArray();
        });
    }

    private GraphValue Declare(string name, int[] shape, Func<int, double[]> make)
    {
        Inputs.Add(name, new InputSpec(shape, make));
        return B.Input(name, shape);
    }

    // Rounded to float so the backend sees exactly the reference's inputs.
    private static double[] Values(int seed, int count, double scale, double offset)
    {
        var v = FiniteDifference.Random(count, seed, scale);
        for (int i = 0; i < v.Length; i++) v[i] = (float)(v[i] + offset);
        return v;
    }
}

/// <summary>The reference side of a case: the same inputs (probed in the same way) and parameters, in double.</summary>
internal sealed class CaseReference(IReadOnlyDictionary<string, double[]> inputs, IReadOnlyDictionary<string, InputSpec> specs,
    IReadOnlyDictionary<string, double[]> parameters, bool probed)
{
    public double[] P(string key) => parameters[key];

    public double[] Input(string name) => inputs[name];

    public double[] Map(string name, bool probe = true)
    {
        var x = inputs[name];
        if (!probed || !probe) return x;
        var s = specs[name].Shape;
        return DoubleOps.Conv(x, P(name + ".probe.weight"), P(name + ".probe.bias"), s[0], s[1], s[2], s[3], s[1], 1, 1);
    }

    public double[] Vector(string name)
    {
        var x = inputs[name];
        if (!probed) return x;
        var s = specs[name].Shape;
        return ReferenceOps.Linear(x, P(name + ".probe.weight"), P(name + ".probe.bias"), s[0], s[1], s[1]);
    }
}

/// <summary>A training store: values and a gradient buffer per parameter, as the trainer's store provides.</summary>
internal sealed class GradientStore : IParameterStore
{
    private readonly Dictionary<string, float[]> _values;
    private readonly Dictionary<string, float[]> _gradients;

    public GradientStore(Dictionary<string, float[]> values)
    {
        _values = values;
        _gradients = values.ToDictionary(kv => kv.Key, kv => new float[kv.Value.Length], StringComparer.Ordinal);
    }

    public float[] Value(string key) =>
        _values.TryGetValue(key, out var v) ? v : throw new KeyNotFoundException($"no parameter '{key}'");

    public float[]? Gradient(string key) =>
        _gradients.TryGetValue(key, out var g) ? g : throw new KeyNotFoundException($"no parameter '{key}'");

    /// <summary>
    /// Fills every gradient with NaN: Backward must overwrite each one, so a gradient it skips, or adds into
    /// instead of overwriting, stays NaN and fails the comparison.
    /// </summary>
    public void Poison()
    {
        foreach (var g in _gradients.Values) Array.Fill(g, float.NaN);
    }
}
