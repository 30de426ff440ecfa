using StmKernel.Tensors;
using StmKernel.Tensors.Kernels;
using StmKernel.UNet.Planning;

namespace StmKernel.UNet.Modules;

/// <summary>
/// diffusers mid-block Attention (key <c>mid_block.attentions.0</c>, residual connection, no
/// rescale): h = group_norm(x); q, k, v = to_q/to_k/to_v(h) per pixel; o = softmax(QKᵀ/√d)V per
/// head (heads = C / d); out = to_out.0(o) + x. Shapes: [B, C, H, W] → [B, C, H, W].
/// The per-pixel linears run as 1×1 convolutions; the residual is fused into to_out.0's store.
/// </summary>
internal sealed class AttentionBlock
{
    private readonly GroupNormParams _norm;
    private readonly ConvModule _q, _k, _v, _out;
    private readonly int _headDim;

    public AttentionBlock(ParameterReader p, string key, int channels, UNetConfig c)
    {
        _norm = GroupNormParams.Read(p, key + ".group_norm", c);
        _q = new ConvModule(p, key + ".to_q", channels, channels, 1);
        _k = new ConvModule(p, key + ".to_k", channels, channels, 1);
        _v = new ConvModule(p, key + ".to_v", channels, channels, 1);
        _out = new ConvModule(p, key + ".to_out.0", channels, channels, 1);
        _headDim = c.AttentionHeadDim;
    }

    /// <summary>Plans the block; the caller keeps ownership of <paramref name="x"/>.</summary>
    public BlockedTensor Plan(PlanBuilder b, BlockedTensor x)
    {
        var h = b.Acquire(x.C, x.H, x.W);
        ResnetBlock2D.PlanNorm(b, _norm, x, h, silu: false);
        var q = _q.Plan(b, h);
        var k = _k.Plan(b, h);
        var v = _v.Plan(b, h);
        b.Release(h);
        var o = b.Acquire(x.C, x.H, x.W);
        var attention = new SelfAttention(q, k, v, o, _headDim);
        b.Add(_norm.Key.Replace(".group_norm", ".attention", StringComparison.Ordinal), attention.Flops, attention.Run);
        b.Release(q); b.Release(k); b.Release(v);
        var y = _out.Plan(b, o, residual: x);
        b.Release(o);
        return y;
    }
}
