namespace StmKernel.UNet;

/// <summary>
/// Gives modules their parameters by diffusers key, checking every key against the config's
/// <see cref="ParameterList"/> (present, right size) and that nothing extra was supplied.
/// </summary>
internal sealed class ParameterReader
{
    private readonly IReadOnlyDictionary<string, float[]> _values;
    private readonly Dictionary<string, ParameterSpec> _specs;

    public ParameterReader(UNetConfig config, IReadOnlyDictionary<string, float[]> values)
    {
        _values = values;
        _specs = ParameterList.For(config).ToDictionary(s => s.Key);
        foreach (var spec in _specs.Values)
        {
            if (!values.TryGetValue(spec.Key, out var v))
                throw new InvalidDataException($"missing parameter '{spec.Key}' (expected shape {spec.ShapeText})");
            if (v.Length != spec.Count)
                throw new InvalidDataException($"parameter '{spec.Key}' has {v.Length} values, expected shape {spec.ShapeText} ({spec.Count} values)");
        }
        foreach (var key in values.Keys)
            if (!_specs.ContainsKey(key)) throw new InvalidDataException($"unexpected parameter '{key}' for this architecture");
    }

    /// <summary>The values of <paramref name="key"/> in PyTorch layout.</summary>
    public float[] this[string key] => _specs.ContainsKey(key) ? _values[key] : throw new KeyNotFoundException($"the architecture has no parameter '{key}'");

    /// <summary>True when the architecture has the parameter (e.g. an optional conv_shortcut).</summary>
    public bool Has(string key) => _specs.ContainsKey(key);
}
