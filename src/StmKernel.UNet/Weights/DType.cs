namespace StmKernel.UNet.Weights;

/// <summary>Element types a weight file may store. In memory every tensor is float32.</summary>
public enum DType
{
    /// <summary>IEEE 754 binary32.</summary>
    F32,

    /// <summary>IEEE 754 binary16 (half precision).</summary>
    F16,

    /// <summary>bfloat16: the top 16 bits of a binary32 (safetensors only).</summary>
    BF16,
}

/// <summary>Sizes and names of <see cref="DType"/> values.</summary>
public static class DTypes
{
    /// <summary>Bytes per element.</summary>
    public static int Size(this DType t) => t == DType.F32 ? 4 : 2;

    /// <summary>The safetensors dtype string ("F32", "F16", "BF16").</summary>
    public static string SafetensorsName(this DType t) => t switch
    {
        DType.F32 => "F32",
        DType.F16 => "F16",
        DType.BF16 => "BF16",
        _ => throw new ArgumentOutOfRangeException(nameof(t), t, "unknown dtype"),
    };

    /// <summary>A lower-case name for messages and <c>info</c> output ("float32", "float16", "bfloat16").</summary>
    public static string DisplayName(this DType t) => t switch
    {
        DType.F32 => "float32",
        DType.F16 => "float16",
        DType.BF16 => "bfloat16",
        _ => throw new ArgumentOutOfRangeException(nameof(t), t, "unknown dtype"),
    };

    /// <summary>Parses a safetensors dtype string; null when it is not one we read.</summary>
    public static DType? FromSafetensorsName(string name) => name switch
    {
        "F32" => DType.F32,
        "F16" => DType.F16,
        "BF16" => DType.BF16,
        _ => null,
    };

    /// <summary>The element type holding the most elements (a file normally uses one); F32 when empty.</summary>
    internal static DType Predominant(IReadOnlyDictionary<string, DType> dtypes, IReadOnlyDictionary<string, WeightTensor> tensors) =>
        dtypes.GroupBy(kv => kv.Value)
              .OrderByDescending(g => g.Sum(kv => (long)tensors[kv.Key].Length))
              .ThenBy(g => g.Key)
              .Select(g => g.Key)
              .DefaultIfEmpty(DType.F32)
              .First();
}
