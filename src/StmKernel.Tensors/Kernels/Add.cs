using System.Numerics.Tensors;

namespace StmKernel.Tensors.Kernels;

/// <summary>
/// Element-wise <c>out = a + b</c> over whole blocked buffers (halo and padding lanes are 0 + 0).
/// Shapes: [N, C, H, W] ×2 → [N, C, H, W]; out may alias a or b. Inside the U-Net residual adds
/// are fused into the convolution epilogue; this op serves other graphs and the tests.
/// </summary>
public static class Add
{
    /// <summary>Adds two activations of the same shape.</summary>
    public static void Run(BlockedTensor a, BlockedTensor b, BlockedTensor output)
    {
        if (!b.HasShape(a.N, a.C, a.H, a.W) || !output.HasShape(a.N, a.C, a.H, a.W))
            throw new ArgumentException("add operands differ in shape");
        TensorPrimitives.Add(a.Data, b.Data, output.Data);
    }
}
