using System.Numerics.Tensors;

namespace StmKernel.Tensors.Kernels.Backward;

/// <summary>
/// Backward of <see cref="Linear"/> (y = x Wᵀ + b, W [out, in]): <c>dW = dyᵀ x</c>, <c>db = Σ_b dy</c>,
/// <c>dx = dy W</c>. Sizes are those of the time embedding (hundreds), so rows of TensorPrimitives suffice.
/// </summary>
public static class LinearBackward
{
    /// <summary>Writes dW and db; writes (or adds to) dx unless it is empty.</summary>
    public static void Apply(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> gradOutput,
        Span<float> gradWeight, Span<float> gradBias, Span<float> gradInput, int batch, int inFeatures, int outFeatures, bool accumulateInput)
    {
        if (x.Length < batch * inFeatures || gradOutput.Length < batch * outFeatures || weight.Length != inFeatures * outFeatures ||
            gradWeight.Length != weight.Length || gradBias.Length != outFeatures || !(gradInput.IsEmpty || gradInput.Length >= batch * inFeatures))
            throw new ArgumentException($"linear backward shapes do not match [{batch}, {inFeatures}] → [{batch}, {outFeatures}]");
        gradWeight.Clear();
        gradBias.Clear();
        for (int b = 0; b < batch; b++)
        {
            var row = x.Slice(b * inFeatures, inFeatures);
            for (int o = 0; o < outFeatures; o++)
            {
                float g = gradOutput[b * outFeatures + o];
                gradBias[o] += g;
                var dw = gradWeight.Slice(o * inFeatures, inFeatures);
                TensorPrimitives.MultiplyAdd(row, g, dw, dw);
            }
        }
        if (gradInput.IsEmpty) return;
        if (!accumulateInput) gradInput[..(batch * inFeatures)].Clear();
        for (int b = 0; b < batch; b++)
        {
            var dx = gradInput.Slice(b * inFeatures, inFeatures);
            for (int o = 0; o < outFeatures; o++)
                TensorPrimitives.MultiplyAdd(weight.Slice(o * inFeatures, inFeatures), gradOutput[b * outFeatures + o], dx, dx);
        }
    }
}
