using ILGPU;
using ILGPU.Runtime;
using StmKernel.Gpu.Kernels;

namespace StmKernel.Gpu;

/// <summary>
/// Every kernel of the backend loaded on one accelerator, with a launcher each that picks its grid: implicitly
/// grouped kernels get one thread per output element, the grouped reductions one group per reduced
/// row. Loading compiles the kernels once per accelerator.
/// </summary>
internal sealed class GpuKernels
{
    private readonly Action<Index1D, GemmShape, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>> _gemm;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, int, int, float> _timestep;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>> _silu, _addInto;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>> _siluBackward;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, int, int> _upsample, _upsampleBackward;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int> _concat;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int, int> _concatBackward;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, int> _rowSums;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, int, int> _sumOverBatch;
    private readonly Action<Index1D, ConvShape, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>> _conv;
    private readonly Action<Index1D, ConvShape, ArrayView<float>, ArrayView<float>, ArrayView<float>> _convGradInput;
    private readonly Action<KernelConfig, ConvShape, ArrayView<float>, ArrayView<float>, ArrayView<float>> _convGradWeight;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, int, float> _normStatistics;
    private readonly Action<Index1D, NormShape, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>> _normApply;
    private readonly Action<KernelConfig, NormShape, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>> _normChannelSums;
    private readonly Action<Index1D, NormShape, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>> _normGradInput;
    private readonly Action<Index1D, ArrayView<float>, int> _softmax;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, int, float> _softmaxBackward;

    private readonly int _reduceThreads;

    public GpuKernels(Accelerator a)
    {
        // The largest power of two the device allows, up to 256 (eight warps: enough to hide a row's loads).
        _reduceThreads = 1 << (int)Math.Log2(Math.Min(256, a.MaxNumThreadsPerGroup));
        _gemm = a.LoadAutoGroupedStreamKernel<Index1D, GemmShape, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>(GemmKernel.Run);
        _timestep = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int, float>(ElementwiseKernels.TimestepEmbedding);
        _silu = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>>(ElementwiseKernels.Silu);
        _addInto = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>>(ElementwiseKernels.AddInto);
        _siluBackward = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>>(ElementwiseKernels.SiluBackward);
        _upsample = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int>(ElementwiseKernels.Upsample2x);
        _upsampleBackward = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int>(ElementwiseKernels.Upsample2xBackward);
        _concat = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int>(ElementwiseKernels.Concat);
        _concatBackward = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int, int>(ElementwiseKernels.ConcatBackward);
        _rowSums = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int>(ReductionKernels.RowSums);
        _sumOverBatch = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int>(ReductionKernels.SumOverBatch);
        _conv = a.LoadAutoGroupedStreamKernel<Index1D, ConvShape, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>(ConvKernels.Forward);
        _convGradInput = a.LoadAutoGroupedStreamKernel<Index1D, ConvShape, ArrayView<float>, ArrayView<float>, ArrayView<float>>(ConvKernels.GradInput);
        _convGradWeight = a.LoadStreamKernel<ConvShape, ArrayView<float>, ArrayView<float>, ArrayView<float>>(ConvKernels.GradWeight);
        _normStatistics = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int, float>(NormKernels.Statistics);
        _normApply = a.LoadAutoGroupedStreamKernel<Index1D, NormShape, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>(NormKernels.Apply);
        _normChannelSums = a.LoadStreamKernel<NormShape, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>(NormKernels.ChannelSums);
        _normGradInput = a.LoadAutoGroupedStreamKernel<Index1D, NormShape, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>(NormKernels.GradInput);
        _softmax = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, int>(SoftmaxKernels.Rows);
        _softmaxBackward = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, float>(SoftmaxKernels.Backward);
    }

    /// <summary>One group per reduced row, with a float of dynamic shared memory per thread (<see cref="GroupReduce"/>).</summary>
    private KernelConfig Rows(int rows) => new(rows, _reduceThreads, SharedMemoryConfig.RequestDynamic<float>(_reduceThreads));

    public void Gemm(GemmShape s, ArrayView<float> a, ArrayView<float> b, ArrayView<float> bias, ArrayView<float> c) => _gemm(s.Batch * s.M * s.N, s, a, b, bias, c);

    public void TimestepEmbedding(ArrayView<float> t, ArrayView<float> y, int dim, bool flip, float shift) =>
        _timestep((int)t.Length * (dim / 2), t, y, dim, flip ? 1 : 0, shift);

    public void Silu(ArrayView<float> x, ArrayView<float> y) => _silu((int)x.Length, x, y);

    public void SiluBackward(ArrayView<float> x, ArrayView<float> dy, ArrayView<float> dx) => _siluBackward((int)x.Length, x, dy, dx);

    public void AddInto(ArrayView<float> src, ArrayView<float> dst) => _addInto((int)src.Length, src, dst);

    public void Upsample2x(ArrayView<float> x, ArrayView<float> y, int h, int w) => _upsample((int)y.Length, x, y, h, w);

    public void Upsample2xBackward(ArrayView<float> dy, ArrayView<float> dx, int h, int w) => _upsampleBackward((int)dx.Length, dy, dx, h, w);

    public void Concat(ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, int ca, int cb, int pixels) => _concat((int)y.Length, a, b, y, ca, cb, pixels);

    public void ConcatBackward(ArrayView<float> dy, ArrayView<float> da, ArrayView<float> db, int ca, int cb, int pixels, bool wantA, bool wantB) =>
        _concatBackward((int)dy.Length, dy, da, db, ca, cb, pixels, wantA ? 1 : 0, wantB ? 1 : 0);

    public void RowSums(ArrayView<float> x, ArrayView<float> sums, int length) => _rowSums(Rows((int)sums.Length), x, sums, length);

    public void SumOverBatch(ArrayView<float> x, ArrayView<float> total, int batch) => _sumOverBatch((int)total.Length, x, total, batch, (int)total.Length);

    public void Conv(ConvShape s, ArrayView<float> x, ArrayView<float> w, ArrayView<float> bias, ArrayView<float> sampleBias, ArrayView<float> residual, ArrayView<float> y) =>
        _conv((int)y.Length, s, x, w, bias, sampleBias, residual, y);

    public void ConvGradInput(ConvShape s, ArrayView<float> dy, ArrayView<float> w, ArrayView<float> dx) => _convGradInput((int)dx.Length, s, dy, w, dx);

    public void ConvGradWeight(ConvShape s, ArrayView<float> x, ArrayView<float> dy, ArrayView<float> dw) => _convGradWeight(Rows((int)dw.Length), s, x, dy, dw);

    public void NormStatistics(NormShape s, ArrayView<float> x, ArrayView<float> stats, float eps) =>
        _normStatistics(Rows(s.N * s.Groups), x, stats, s.C / s.Groups * s.Pixels, eps);

    public void NormApply(NormShape s, ArrayView<float> x, ArrayView<float> stats, ArrayView<float> gamma, ArrayView<float> beta, ArrayView<float> y) =>
        _normApply((int)y.Length, s, x, stats, gamma, beta, y);

    public void NormChannelSums(NormShape s, ArrayView<float> x, ArrayView<float> stats, ArrayView<float> gamma, ArrayView<float> beta, ArrayView<float> dz, ArrayView<float> sums) =>
        _normChannelSums(Rows(s.N * s.C), s, x, stats, gamma, beta, dz, sums);

    public void NormGradInput(NormShape s, ArrayView<float> x, ArrayView<float> stats, ArrayView<float> gamma, ArrayView<float> beta, ArrayView<float> dz,
        ArrayView<float> sums, ArrayView<float> dx) => _normGradInput((int)dx.Length, s, x, stats, gamma, beta, dz, sums, dx);

    public void Softmax(ArrayView<float> s, int length) => _softmax((int)(s.Length / length), s, length);

    public void SoftmaxBackward(ArrayView<float> p, ArrayView<float> ds, int length, float alpha) => _softmaxBackward((int)(p.Length / length), p, ds, length, alpha);
}
