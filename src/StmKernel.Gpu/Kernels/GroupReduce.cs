using ILGPU;

namespace StmKernel.Gpu.Kernels;

/// <summary>
/// The second level of the grouped reductions: each thread of a group has summed a strided share of one row, and
/// the group folds the partial sums in dynamic shared memory (one float per thread). Kernels using it are
/// explicitly grouped, one group per reduced row, with a power-of-two group size chosen per device
/// (<see cref="GpuKernels"/>: ILGPU's CPU accelerator allows 16 threads, a GPU takes 256).
/// </summary>
internal static class GroupReduce
{
    /// <summary>The sum of <paramref name="value"/> over the group, returned to every thread.</summary>
    public static float Sum(float value)
    {
        var partial = SharedMemory.GetDynamic<float>();
        int tid = Group.IdxX;
        partial[tid] = value;
        Group.Barrier();
        for (int s = Group.DimX / 2; s > 0; s >>= 1)
        {
            if (tid < s) partial[tid] += partial[tid + s];
            Group.Barrier();
        }
        float sum = partial[0];
        // Before the next call reuses the shared array, every thread must have read this sum.
        Group.Barrier();
        return sum;
    }
}
