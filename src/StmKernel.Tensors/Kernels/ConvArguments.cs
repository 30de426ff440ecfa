namespace StmKernel.Tensors.Kernels;

/// <summary>Argument checks the convolution plans (<see cref="Conv2d"/>, <see cref="WinogradConv3x3"/>) share.</summary>
internal static class ConvArguments
{
    /// <summary>
    /// Checks that <paramref name="output"/> is [N, <paramref name="cout"/>, <paramref name="ho"/>, <paramref name="wo"/>]
    /// for the input's N, that the optional epilogue operands (residual of the output's shape, per-sample
    /// bias of N·<paramref name="coutBlocks"/>·16 floats) fit it, and that the conv does not run in place.
    /// </summary>
    public static void CheckOutputAndEpilogue(BlockedTensor input, BlockedTensor output, int cout, int coutBlocks, int ho, int wo, BlockedTensor? residual, float[]? sampleBias)
    {
        if (!output.HasShape(input.N, cout, ho, wo))
            throw new ArgumentException($"conv output is [{output.N}, {output.C}, {output.H}, {output.W}], expected [{input.N}, {cout}, {ho}, {wo}]");
        if (residual is not null && !residual.HasShape(output.N, output.C, output.H, output.W))
            throw new ArgumentException("conv residual shape differs from the output shape");
        if (sampleBias is not null && sampleBias.Length != input.N * coutBlocks * 16)
            throw new ArgumentException("conv per-sample bias has the wrong length");
        if (ReferenceEquals(input, output)) throw new ArgumentException("conv cannot run in place");
    }
}
