namespace StmKernel.Tensors.Backends;

/// <summary>
/// Where a backend finds a model's parameters (PyTorch layouts, float32, by diffusers key) and, for training, writes
/// their gradients. Values are read at upload; <see cref="IGraphExecutable.ParametersChanged"/> re-reads them.
/// </summary>
public interface IParameterStore
{
    /// <summary>The values of <paramref name="key"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such parameter.</exception>
    float[] Value(string key);

    /// <summary>The gradient buffer of <paramref name="key"/> (same length as its value), or null for an inference-only store.</summary>
    float[]? Gradient(string key);
}

/// <summary>An inference-only store over a dictionary of values.</summary>
public sealed class ValueStore(IReadOnlyDictionary<string, float[]> values) : IParameterStore
{
    /// <inheritdoc />
    public float[] Value(string key) =>
        values.TryGetValue(key, out var v) ? v : throw new KeyNotFoundException($"the model has no parameter '{key}'");

    /// <inheritdoc />
    public float[]? Gradient(string key) => null;
}
