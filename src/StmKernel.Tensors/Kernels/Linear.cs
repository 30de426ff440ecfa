using System.Numerics.Tensors;

namespace StmKernel.Tensors.Kernels;

/// <summary>
/// Fully connected layer <c>y[b, o] = bias[o] + Σ_i W[o, i] · x[b, i]</c> with PyTorch's weight layout
/// [out, in]. Shapes: x [B, in] → y [B, out]. Used on the time embedding (a few hundred values),
/// so a dot product per output is enough; attention projections run as 1×1 convolutions instead.
/// </summary>
public static class Linear
{
    /// <summary>Computes y from x for <paramref name="batch"/> rows.</summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y, int batch, int inFeatures, int outFeatures)
    {
        if (x.Length < batch * inFeatures || y.Length < batch * outFeatures || weight.Length != inFeatures * outFeatures || bias.Length != outFeatures)
            throw new ArgumentException($"linear shapes do not match [{batch}, {inFeatures}] → [{batch}, {outFeatures}]");
        for (int b = 0; b < batch; b++)
        {
            var row = x.Slice(b * inFeatures, inFeatures);
            for (int o = 0; o < outFeatures; o++)
                y[b * outFeatures + o] = bias[o] + TensorPrimitives.Dot(weight.Slice(o * inFeatures, inFeatures), row);
        }
    }
}
