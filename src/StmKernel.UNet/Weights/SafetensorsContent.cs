namespace StmKernel.UNet.Weights;

/// <summary>What a safetensors file holds, converted to float32.</summary>
/// <param name="Tensors">Every tensor by name, in the file's data order.</param>
/// <param name="DTypes">The stored element type of each tensor.</param>
/// <param name="Metadata">The optional <c>__metadata__</c> string map (empty when absent).</param>
public sealed record SafetensorsContent(
    IReadOnlyDictionary<string, WeightTensor> Tensors,
    IReadOnlyDictionary<string, DType> DTypes,
    IReadOnlyDictionary<string, string> Metadata);
