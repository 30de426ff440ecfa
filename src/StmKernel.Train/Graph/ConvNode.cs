using StmKernel.Tensors;
using StmKernel.Tensors.Kernels;
using StmKernel.Tensors.Kernels.Backward;

namespace StmKernel.Train.Graph;

/// <summary>
/// A trainable Conv2d (<c>KEY.weight</c> [Cout, Cin, K, K], <c>KEY.bias</c>): the forward on the
/// kernel <see cref="ConvPackings"/> picks (Winograd or direct, as inference), packed from the live
/// values, and its backward (dW, db, and dx as a transposed convolution added into the input's gradient).
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
        Packings = new ConvPackings(_w, _b, cout, cin, k, stride);
    }

    public ConvPackings Packings { get; }

    /// <summary>Re-packs the forward weights from the live values.</summary>
    public void Repack() => Packings.Refresh();

    /// <summary>Plans y = conv(x) [+ per-sample bias] [+ residual] into a new buffer.</summary>
    public BlockedTensor Forward(TrainPlan plan, BlockedTensor x, BlockedTensor? residual = null, float[]? sampleBias = null)
    {
        var y = plan.Acquire(_cout, Packings.Direct.OutSize(x.H), Packings.Direct.OutSize(x.W));
        plan.Forward.Add(Packings.Plan(x, y, residual, sampleBias).Run);
        return y;
    }

    /// <summary>
    /// Plans dW, db from the forward input <paramref name="x"/> and <paramref name="dy"/>, and (when
    /// <paramref name="inputGradient"/>) dx into x's gradient. Returns the per-sample channel sums of dy.
    /// </summary>
    public ChannelSums Backward(TrainPlan plan, BlockedTensor x, BlockedTensor dy, bool inputGradient)
    {
        plan.Backward.Add(WinogradGradWeights.Suits(_cin, _k, _stride, x.H, x.W)
            ? new WinogradGradWeights(x, dy, _gw).Run
            : new ConvGradWeights(x, dy, _k, _stride, _gw).Run);
        var sums = new ChannelSums(dy);
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
