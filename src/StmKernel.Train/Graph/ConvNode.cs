using StmKernel.Tensors;
using StmKernel.Tensors.Kernels;
using StmKernel.Tensors.Kernels.Backward;

namespace StmKernel.Train.Graph;

/// <summary>
/// A trainable Conv2d (<c>KEY.weight</c> [Cout, Cin, K, K], <c>KEY.bias</c>): the forward
/// <see cref="Conv2d"/> on weights packed from the live values, and its backward (dW, db, and dx
/// as a transposed convolution added into the input's gradient).
/// </summary>
internal sealed class ConvNode
{
    private readonly float[] _w, _b, _gw, _gb;
    private readonly int _cin, _cout, _k, _stride;

    public ConvNode(ParameterSet p, string key, int cin, int cout, int k, int stride = 1)
    {
        _w = p.Value(key + ".weight"); _b = p.Value(key + ".bias");
        _gw = p.Gradient(key + ".weight"); _gb = p.Gradient(key + ".bias");
        _cin = cin; _cout = cout; _k = k; _stride = stride;
        Packed = new ConvWeights(_w, _b, cout, cin, k, stride);
    }

    public ConvWeights Packed { get; }

    /// <summary>Re-packs the forward weights from the live values.</summary>
    public void Repack()
    {
        int kk = _k * _k, block = Packed.BlockStride;
        for (int co = 0; co < _cout; co++)
        {
            Packed.Bias[co] = _b[co];
            for (int ci = 0; ci < _cin; ci++)
                for (int t = 0; t < kk; t++)
                    Packed.Packed[co / 16 * block + (ci * kk + t) * 16 + co % 16] = _w[(co * _cin + ci) * kk + t];
        }
    }

    /// <summary>Plans y = conv(x) [+ per-sample bias] [+ residual] into a new buffer.</summary>
    public BlockedTensor Forward(TrainPlan plan, BlockedTensor x, BlockedTensor? residual = null, float[]? sampleBias = null)
    {
        var y = plan.Acquire(_cout, Packed.OutSize(x.H), Packed.OutSize(x.W));
        var op = new Conv2d(Packed, x, y, residual, sampleBias);
        plan.Forward.Add(op.Run);
        return y;
    }

    /// <summary>
    /// Plans dW, db from the forward input <paramref name="x"/> and <paramref name="dy"/>, and (when
    /// <paramref name="inputGradient"/>) dx into x's gradient. Returns the per-sample channel sums of dy.
    /// </summary>
    public ChannelSums Backward(TrainPlan plan, BlockedTensor x, BlockedTensor dy, bool inputGradient)
    {
        var dw = new ConvGradWeights(x, dy, _k, _stride, _gw);
        var sums = new ChannelSums(dy);
        plan.Backward.Add(dw.Run);
        plan.Backward.Add(pool => { sums.Run(pool); sums.SumOverBatch(_gb); });
        if (inputGradient)
        {
            var (dx, accumulate) = plan.Grads.Contribute(x);
            var gi = new ConvGradInput(_w, _cout, _cin, _k, _stride, dy, dx, accumulate);
            plan.Backward.Add(gi.Run);
            plan.WeightHooks.Add(gi.Repack);
        }
        return sums;
    }
}
