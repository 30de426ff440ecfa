using StmKernel.UNet.Networks;

namespace StmKernel.UNet;

/// <summary>One named parameter tensor the model expects, with its diffusers key and shape.</summary>
public readonly record struct ParameterSpec(string Key, int[] Shape)
{
    /// <summary>Number of elements.</summary>
    public long Count => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>Shape as "[a, b, c]" for messages.</summary>
    public string ShapeText => FormatShape(Shape);

    /// <summary>Formats any shape as "[a, b, c]".</summary>
    public static string FormatShape(IReadOnlyList<int> shape) => "[" + string.Join(", ", shape) + "]";
}

/// <summary>
/// The full, ordered list of parameters of an architecture, named exactly as the family's PyTorch <c>state_dict()</c>
/// (diffusers' <c>UNet2DModel</c> for the U-Net): a walk of the module tree (<see cref="INetworkConfig.CreateTree"/>).
/// Weight loaders validate files against it; the model binds by it.
/// </summary>
public static class ParameterList
{
    /// <summary>Every parameter the config implies, in module order.</summary>
    public static IReadOnlyList<ParameterSpec> For(INetworkConfig c) => [.. c.CreateTree().ParameterSpecs()];

    /// <summary>Total number of scalar parameters.</summary>
    public static long CountParameters(INetworkConfig c) => For(c).Sum(s => s.Count);

    /// <summary>Checks <paramref name="values"/> against <paramref name="specs"/>: every key present with the right count, nothing else.</summary>
    /// <exception cref="InvalidDataException">Names the first missing, mis-sized or unexpected parameter with the expected shape.</exception>
    public static void Check(IReadOnlyList<ParameterSpec> specs, IReadOnlyDictionary<string, float[]> values)
    {
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var spec in specs)
        {
            known.Add(spec.Key);
            if (!values.TryGetValue(spec.Key, out var v))
                throw new InvalidDataException($"missing parameter '{spec.Key}' (expected shape {spec.ShapeText})");
            if (v.Length != spec.Count)
                throw new InvalidDataException($"parameter '{spec.Key}' has {v.Length} values, expected shape {spec.ShapeText} ({spec.Count} values)");
        }
        foreach (var key in values.Keys)
            if (!known.Contains(key)) throw new InvalidDataException($"unexpected parameter '{key}' for this architecture");
    }
}
