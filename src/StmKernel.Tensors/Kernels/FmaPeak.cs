using System.Diagnostics;
using System.Runtime.CompilerServices;
using StmKernel.Tensors.Threading;

namespace StmKernel.Tensors.Kernels;

/// <summary>
/// Measures this machine's FMA throughput ceiling: every thread runs independent FMA chains on
/// registers (no memory traffic), as many as the convolution's register tile has (<see cref="ConvTile.Row{TV, TK, TS, TCo}"/>):
/// 16 where the register file holds 32 vectors (AVX-512), else 6, 12 ymm on AVX2. (16 emulated 16-lane chains on AVX2
/// are 32 ymm: they spilled and measured 68.9 GFLOP/s on 2 threads of an AMD EPYC whose convolutions ran at 160–235.) Kernels' GFLOP/s are
/// reported as a share of this figure.
/// </summary>
public sealed class FmaPeak : ParallelJob
{
    private readonly long _iterations;
    private readonly float[] _sink;
    private int _chains; // set by the chains themselves, from the vector type's WideTile: the count Measure divides by

    private FmaPeak(long iterations, int tasks) { _iterations = iterations; _sink = new float[tasks * 16]; }

    /// <summary>Peak GFLOP/s (2 flops per lane per FMA) with <paramref name="pool"/>'s threads, best of a few runs.</summary>
    public static double Measure(WorkerPool pool, long iterationsPerThread = 20_000_000)
    {
        var job = new FmaPeak(iterationsPerThread, pool.Threads);
        double best = 0;
        for (int round = 0; round < 3; round++)
        {
            long start = Stopwatch.GetTimestamp();
            pool.Run(job, pool.Threads);
            double s = Stopwatch.GetElapsedTime(start).TotalSeconds;
            best = Math.Max(best, pool.Threads * iterationsPerThread * job._chains * 16.0 * 2 / s / 1e9);
        }
        return best;
    }

    /// <inheritdoc />
    public override void Execute(int task) => SimdSupport.Run(new Body(this, task));

    private readonly struct Body(FmaPeak job, int task) : ISimdKernel
    {
        public void Run<TV>() where TV : unmanaged, ISimd16<TV> => job.Chains<TV>(task);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe void Chains<TV>(int task) where TV : unmanaged, ISimd16<TV>
    {
        _chains = TV.WideTile ? 16 : 6;
        TV m = TV.Broadcast(0.999999f), c = TV.Broadcast(1e-7f);
        TV a0 = TV.Broadcast(1), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        TV a8 = a0, a9 = a0, a10 = a0, a11 = a0, a12 = a0, a13 = a0, a14 = a0, a15 = a0;
        for (long i = 0; i < _iterations; i++)
        {
            a0 = TV.MultiplyAdd(a0, m, c); a1 = TV.MultiplyAdd(a1, m, c); a2 = TV.MultiplyAdd(a2, m, c); a3 = TV.MultiplyAdd(a3, m, c);
            a4 = TV.MultiplyAdd(a4, m, c); a5 = TV.MultiplyAdd(a5, m, c);
            if (!TV.WideTile) continue;
            a6 = TV.MultiplyAdd(a6, m, c); a7 = TV.MultiplyAdd(a7, m, c);
            a8 = TV.MultiplyAdd(a8, m, c); a9 = TV.MultiplyAdd(a9, m, c); a10 = TV.MultiplyAdd(a10, m, c); a11 = TV.MultiplyAdd(a11, m, c);
            a12 = TV.MultiplyAdd(a12, m, c); a13 = TV.MultiplyAdd(a13, m, c); a14 = TV.MultiplyAdd(a14, m, c); a15 = TV.MultiplyAdd(a15, m, c);
        }
        TV sum = TV.Add(TV.Add(TV.Add(a0, a1), TV.Add(a2, a3)), TV.Add(TV.Add(a4, a5), TV.Add(a6, a7)));
        sum = TV.Add(sum, TV.Add(TV.Add(TV.Add(a8, a9), TV.Add(a10, a11)), TV.Add(TV.Add(a12, a13), TV.Add(a14, a15))));
        fixed (float* s = &_sink[task * 16]) TV.Store(s, sum); // keeps the loop alive
    }
}
