using System.Numerics.Tensors;

namespace StmKernel.Train.Optim;

/// <summary>Clipping by global norm, as torch.nn.utils.clip_grad_norm_: if ‖g‖₂ over all tensors exceeds
/// <c>maxNorm</c>, every gradient is scaled by maxNorm / (‖g‖ + 1e-6).</summary>
public static class GradientClipping
{
    /// <summary>Clips in place and returns the norm before clipping.</summary>
    public static double ClipGlobalNorm(ParameterSet parameters, double maxNorm)
    {
        if (!(maxNorm > 0)) throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "max norm must be > 0");
        // Per tensor in float (vectorised, as PyTorch's per-tensor norms), summed over tensors in double.
        double sum = 0;
        foreach (var g in parameters.Gradients) sum += TensorPrimitives.SumOfSquares<float>(g);
        double norm = Math.Sqrt(sum);
        if (norm > maxNorm)
        {
            float scale = (float)(maxNorm / (norm + 1e-6));
            foreach (var g in parameters.Gradients) TensorPrimitives.Multiply(g, scale, g);
        }
        return norm;
    }
}
