using ILGPU;

namespace StmKernel.Gpu.Kernels;

/// <summary>Sums for bias gradients: per-row sums with one group per row, then sums over the batch.</summary>
internal static class ReductionKernels
{
    /// <summary>sums[r] = Σ_j x[r·length + j]; one group per row r (per-sample channel sums of a convolution's dy).</summary>
    public static void RowSums(ArrayView<float> x, ArrayView<float> sums, int length)
    {
        int r = Grid.IdxX;
        long start = (long)r * length;
        float acc = 0;
        for (int j = Group.IdxX; j < length; j += Group.DimX) acc += x[start + j];
        float sum = GroupReduce.Sum(acc);
        if (Group.IdxX == 0) sums[r] = sum;
    }

    /// <summary>total[c] += Σ_n x[n·columns + c]; index c over the columns (a bias gradient from per-sample sums).</summary>
    public static void SumOverBatch(Index1D c, ArrayView<float> x, ArrayView<float> total, int batch, int columns)
    {
        float acc = 0;
        for (int n = 0; n < batch; n++) acc += x[(long)n * columns + c];
        total[c] += acc;
    }
}
