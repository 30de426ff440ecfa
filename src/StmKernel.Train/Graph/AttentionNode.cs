using StmKernel.Tensors;
using StmKernel.Tensors.Kernels;
using StmKernel.Tensors.Kernels.Backward;
using StmKernel.UNet;

namespace StmKernel.Train.Graph;

/// <summary>
/// Trainable mid-block attention (key <c>mid_block.attentions.0</c>): h = group_norm(x);
/// q, k, v = 1×1 projections of h; o = softmax(QKᵀ/√d)V per head; out = to_out.0(o) + x.
/// Keeps h, q, k, v and o for the backward (the scores are recomputed there).
/// </summary>
internal sealed class AttentionNode
{
    private readonly NormNode _norm;
    private readonly ConvNode _q, _k, _v, _out;
    private readonly int _headDim;

    public AttentionNode(ParameterSet p, string key, int channels, UNetConfig c)
    {
        _norm = new NormNode(p, key + ".group_norm", c, silu: false);
        _q = new ConvNode(p, key + ".to_q", channels, channels, 1);
        _k = new ConvNode(p, key + ".to_k", channels, channels, 1);
        _v = new ConvNode(p, key + ".to_v", channels, channels, 1);
        _out = new ConvNode(p, key + ".to_out.0", channels, channels, 1);
        _headDim = c.AttentionHeadDim;
    }

    public IEnumerable<ConvNode> Convs => [_q, _k, _v, _out];

    public BlockedTensor Forward(TrainPlan plan, BlockedTensor x)
    {
        var h = _norm.Forward(plan, x);
        var q = _q.Forward(plan, h);
        var k = _k.Forward(plan, h);
        var v = _v.Forward(plan, h);
        var o = plan.Acquire(x.C, x.H, x.W);
        plan.Forward.Add(new SelfAttention(q, k, v, o, _headDim).Run);
        var y = _out.Forward(plan, o, residual: x);
        plan.OnBackward(() => Backward(plan, x, h, q, k, v, o, y));
        return y;
    }

    private void Backward(TrainPlan plan, BlockedTensor x, BlockedTensor h, BlockedTensor q, BlockedTensor k, BlockedTensor v, BlockedTensor o, BlockedTensor y)
    {
        var grads = plan.Grads;
        var dy = grads.Of(y);
        _out.Backward(plan, o, dy, inputGradient: true);
        var (dx, accumulate) = grads.Contribute(x);
        plan.Backward.Add(new AddInto(dy, dx, accumulate).Run);
        grads.Release(y);
        plan.Release(y);

        var (dq, aq) = grads.Contribute(q);
        var (dk, ak) = grads.Contribute(k);
        var (dv, av) = grads.Contribute(v);
        if (aq || ak || av) throw new InvalidOperationException("attention projections have a single reader");
        plan.Backward.Add(new SelfAttentionBackward(q, k, v, grads.Of(o), dq, dk, dv, _headDim).Run);
        grads.Release(o);
        plan.Release(o);

        foreach (var (conv, t) in new[] { (_q, q), (_k, k), (_v, v) })
        {
            conv.Backward(plan, h, grads.Of(t), inputGradient: true);
            grads.Release(t);
            plan.Release(t);
        }
        plan.Release(h);
        _norm.Backward(plan, x, grads.Of(h));
        grads.Release(h);
    }
}
