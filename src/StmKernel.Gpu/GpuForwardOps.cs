using ILGPU;
using StmKernel.Gpu.Kernels;
using StmKernel.Tensors.Backends;
using StmKernel.Tensors.Graph;
using DeviceBuffer = ILGPU.Runtime.MemoryBuffer1D<float, ILGPU.Stride1D.Dense>;

namespace StmKernel.Gpu;

/// <summary>
/// Turns each graph op into a planned step launching its kernels on buffers of the plan. What an op's backward
/// needs beyond its inputs (group statistics, attention probabilities) it saves in <see cref="Saved"/>.
/// </summary>
internal sealed class GpuForwardOps(GpuKernels kernels, GpuWeights weights, GpuPlanBuffers buffers, DeviceBuffer[] values)
{
    /// <summary>Per value id: the buffer its producer saved for the backward (norm: (mean, 1/σ) per group; attention: the probabilities).</summary>
    public Dictionary<int, DeviceBuffer> Saved { get; } = [];

    private ArrayView<float> V(GraphValue v) => values[v.Id].View;

    public PlanStep Plan(GraphOp op)
    {
        var a = op.Attributes;
        var y = V(op.Output);
        switch (op.Kind)
        {
            case OpKind.TimestepEmbedding:
            {
                var t = V(op.Inputs[0]);
                return new PlanStep(op.Name, 0, _ => kernels.TimestepEmbedding(t, y, op.Output.C, a.FlipSinToCos, a.FreqShift));
            }
            case OpKind.Linear:
            {
                var (x, n, fin, fout) = (V(op.Inputs[0]), op.Output.N, op.Inputs[0].C, op.Output.C);
                var (w, b) = (Parameter(op, 0, (long)fout * fin), Parameter(op, 1, fout));
                var s = Shapes.Linear(n, fin, fout);
                return new PlanStep(op.Name, 2.0 * n * fin * fout, _ => kernels.Gemm(s, x, w, b, y));
            }
            case OpKind.Silu:
            {
                var x = V(op.Inputs[0]);
                return new PlanStep(op.Name, 0, _ => kernels.Silu(x, y));
            }
            case OpKind.Conv2d:
            {
                var s = Shapes.Conv(op);
                var x = V(op.Inputs[0]);
                var (w, b) = (Parameter(op, 0, (long)s.Cout * s.Cin * s.K * s.K), Parameter(op, 1, s.Cout));
                var sampleBias = op.SampleBias is { } sb ? V(sb) : buffers.None;
                var residual = op.Residual is { } r ? V(r) : buffers.None;
                return new PlanStep(op.Name, 2.0 * op.Output.Count * s.Cin * s.K * s.K, _ => kernels.Conv(s, x, w, b, sampleBias, residual, y));
            }
            case OpKind.GroupNorm:
            {
                var s = Shapes.Norm(op);
                var x = V(op.Inputs[0]);
                var (gamma, beta) = (Parameter(op, 0, s.C), Parameter(op, 1, s.C));
                var stats = Saved[op.Output.Id] = buffers.Allocate(2L * s.N * s.Groups);
                return new PlanStep(op.Name, 0, _ =>
                {
                    kernels.NormStatistics(s, x, stats.View, a.Eps);
                    kernels.NormApply(s, x, stats.View, gamma, beta, y);
                });
            }
            case OpKind.Attention:
            {
                var (q, k, v) = (V(op.Inputs[0]), V(op.Inputs[1]), V(op.Inputs[2]));
                var shape = Shapes.Attention(op.Output, a.HeadDim);
                var probabilities = Saved[op.Output.Id] = buffers.Allocate((long)shape.Scores.Batch * shape.Pixels * shape.Pixels);
                var p = probabilities.View;
                double flops = 4.0 * op.Output.N * op.Output.C * shape.Pixels * (double)shape.Pixels;
                return new PlanStep(op.Name, flops, _ =>
                {
                    kernels.Gemm(shape.Scores, q, k, buffers.None, p);
                    kernels.Softmax(p, shape.Pixels);
                    kernels.Gemm(shape.Output, v, p, buffers.None, y);
                });
            }
            case OpKind.Upsample2x:
            {
                var (x, h, w) = (V(op.Inputs[0]), op.Inputs[0].H, op.Inputs[0].W);
                return new PlanStep(op.Name, 0, _ => kernels.Upsample2x(x, y, h, w));
            }
            case OpKind.Concat:
            {
                var (x1, x2) = (V(op.Inputs[0]), V(op.Inputs[1]));
                int ca = op.Inputs[0].C, cb = op.Inputs[1].C, pixels = op.Output.H * op.Output.W;
                return new PlanStep(op.Name, 0, _ => kernels.Concat(x1, x2, y, ca, cb, pixels));
            }
            default:
                throw new NotSupportedException($"{op.Name}: the ILGPU backend has no forward for {op.Kind}");
        }
    }

    /// <summary>The device values of the op's parameter <paramref name="index"/> (0: weight, 1: bias).</summary>
    public ArrayView<float> Parameter(GraphOp op, int index, long count) => weights.Value(op.Parameters[index], count).View;
}
