using StmKernel.Tensors;
using StmKernel.Tensors.Kernels;
using StmKernel.Tensors.Kernels.Backward;
using StmKernel.UNet;

namespace StmKernel.Train.Graph;

/// <summary>
/// Trainable diffusers ResnetBlock2D (key <c>…resnets.{j}</c>), the same computation as the
/// inference block: h = conv1(SiLU(norm1(x))) + time_emb_proj(SiLU(temb)); h = conv2(SiLU(norm2(h)));
/// out = shortcut(x) + h. Keeps only h2 = conv1(…) for the backward: h1 = SiLU(norm1(x)) and
/// h3 = SiLU(norm2(h2)) are freed after the conv that reads them and recomputed in the backward
/// for the weight gradients; the shortcut's output is freed as soon as conv2 has added it.
/// </summary>
internal sealed class ResnetNode
{
    private readonly int _cin, _cout, _temb;
    private readonly NormNode _norm1, _norm2;
    private readonly ConvNode _conv1, _conv2;
    private readonly ConvNode? _shortcut;
    private readonly float[] _projW, _projB, _gProjW, _gProjB;

    public ResnetNode(ParameterSet p, string key, int cin, int cout, UNetConfig c)
    {
        _cin = cin; _cout = cout; _temb = c.TimeEmbedDim;
        _norm1 = new NormNode(p, key + ".norm1", c, silu: true);
        _conv1 = new ConvNode(p, key + ".conv1", cin, cout, 3);
        _projW = p.Value(key + ".time_emb_proj.weight"); _projB = p.Value(key + ".time_emb_proj.bias");
        _gProjW = p.Gradient(key + ".time_emb_proj.weight"); _gProjB = p.Gradient(key + ".time_emb_proj.bias");
        _norm2 = new NormNode(p, key + ".norm2", c, silu: true);
        _conv2 = new ConvNode(p, key + ".conv2", cout, cout, 3);
        if (cin != cout) _shortcut = new ConvNode(p, key + ".conv_shortcut", cin, cout, 1);
    }

    public IEnumerable<ConvNode> Convs => _shortcut is null ? [_conv1, _conv2] : [_conv1, _conv2, _shortcut];

    /// <summary>Plans the block; x stays owned by its producer.</summary>
    public BlockedTensor Forward(TrainPlan plan, BlockedTensor x)
    {
        if (x.C != _cin) throw new InvalidOperationException($"ResNet expects {_cin} channels, got {x.C}");
        int batch = plan.Batch, blocks = (_cout + 15) / 16;
        var sampleBias = GC.AllocateArray<float>(batch * blocks * 16, pinned: true);
        var projected = new float[batch * _cout];
        plan.Forward.Add(_ =>
        {
            Linear.Forward(plan.SiluTemb, _projW, _projB, projected, batch, _temb, _cout);
            for (int n = 0; n < batch; n++) Array.Copy(projected, n * _cout, sampleBias, n * blocks * 16, _cout);
        });

        var h1 = _norm1.Forward(plan, x);
        var h2 = _conv1.Forward(plan, h1, sampleBias: sampleBias);
        plan.Release(h1);
        var h3 = _norm2.Forward(plan, h2);
        var residual = _shortcut?.Forward(plan, x) ?? x;
        var output = _conv2.Forward(plan, h3, residual: residual);
        plan.Release(h3);
        if (_shortcut is not null) plan.Release(residual);
        plan.OnBackward(() => Backward(plan, x, h2, output));
        return output;
    }

    private void Backward(TrainPlan plan, BlockedTensor x, BlockedTensor h2, BlockedTensor output)
    {
        var grads = plan.Grads;
        var dOut = grads.Of(output);
        var h3 = _norm2.Recompute(plan, h2);
        _conv2.Backward(plan, h3, dOut, inputGradient: true);
        plan.Release(h3);
        if (_shortcut is not null) _shortcut.Backward(plan, x, dOut, inputGradient: true);
        else
        {
            var (dx, accumulate) = grads.Contribute(x);
            plan.Backward.Add(new AddInto(dOut, dx, accumulate).Run);
        }
        grads.Release(output);
        plan.Release(output);

        _norm2.Backward(plan, h2, grads.Of(h3));
        grads.Release(h3);

        var h1 = _norm1.Recompute(plan, x);
        var sums = _conv1.Backward(plan, h1, grads.Of(h2), inputGradient: true);
        int batch = plan.Batch, blocks = (_cout + 15) / 16;
        var dProj = new float[batch * _cout];
        plan.Backward.Add(_ =>
        {
            for (int n = 0; n < batch; n++) Array.Copy(sums.Sums, n * blocks * 16, dProj, n * _cout, _cout);
            LinearBackward.Apply(plan.SiluTemb, _projW, dProj, _gProjW, _gProjB, plan.GradSiluTemb, batch, _temb, _cout, accumulateInput: true);
        });
        grads.Release(h2);
        plan.Release(h2);
        plan.Release(h1);

        _norm1.Backward(plan, x, grads.Of(h1));
        grads.Release(h1);
    }
}
