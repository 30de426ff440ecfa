using StmKernel.Tensors;
using StmKernel.Tensors.Kernels;
using StmKernel.Tensors.Kernels.Backward;
using StmKernel.Tensors.Threading;
using StmKernel.UNet;

namespace StmKernel.Train.Graph;

/// <summary>
/// Reverse-mode training graph of a diffusers <c>UNet2DModel</c> (the same module tree, keys and
/// computation as <see cref="UNet2DModel"/>) on the blocked CPU kernels.
/// <see cref="Forward"/> runs the network and keeps what the backward needs;
/// <see cref="Backward"/> takes dL/dy and overwrites every gradient of <see cref="Parameters"/>.
/// </summary>
/// <remarks>
/// The first pass at a new (B, H, W) lays out both passes once (buffers and one kernel object per
/// step); later passes of that shape allocate nothing. Activations live from their forward step to
/// the backward step of their last reader: the backward returns each to the shared arena, which
/// reuses it for gradients. Call <see cref="ParametersChanged"/> after changing parameter values
/// (the optimizer does), so packed weight copies are refreshed. Not thread-safe.
/// </remarks>
public sealed class UNetTrainingGraph
{
    private readonly UNetConfig _config;
    private readonly ConvNode _convIn, _convOut;
    private readonly NormNode _normOut;
    private readonly ResnetNode[][] _down, _up;
    private readonly ResampleNode?[] _downsamplers, _upsamplers;
    private readonly ResnetNode _mid0, _mid1;
    private readonly AttentionNode? _attention;
    private readonly float[] _lin1W, _lin1B, _lin2W, _lin2B, _gLin1W, _gLin1B, _gLin2W, _gLin2B;
    private readonly Action[] _convRepacks;           // every conv's forward packing; a pass adds its input-gradient ones
    private readonly RefreshJob _refresh = new();
    private Pass? _pass;
    private bool _forwardDone;

    /// <summary>Binds the graph to <paramref name="parameters"/> (values read live, gradients written).</summary>
    public UNetTrainingGraph(ParameterSet parameters)
    {
        Parameters = parameters;
        var config = _config = parameters.Config;
        var p = parameters;
        var ch = config.BlockOutChannels;
        int c0 = ch[0], levels = ch.Count;
        _convIn = new ConvNode(p, "conv_in", config.InChannels, c0, 3);
        _lin1W = p.Value("time_embedding.linear_1.weight"); _lin1B = p.Value("time_embedding.linear_1.bias");
        _lin2W = p.Value("time_embedding.linear_2.weight"); _lin2B = p.Value("time_embedding.linear_2.bias");
        _gLin1W = p.Gradient("time_embedding.linear_1.weight"); _gLin1B = p.Gradient("time_embedding.linear_1.bias");
        _gLin2W = p.Gradient("time_embedding.linear_2.weight"); _gLin2B = p.Gradient("time_embedding.linear_2.bias");

        _down = new ResnetNode[levels][];
        _downsamplers = new ResampleNode?[levels];
        int outCh = c0;
        for (int i = 0; i < levels; i++)
        {
            int inCh = outCh;
            outCh = ch[i];
            _down[i] = new ResnetNode[config.LayersPerBlock];
            for (int j = 0; j < config.LayersPerBlock; j++)
                _down[i][j] = new ResnetNode(p, $"down_blocks.{i}.resnets.{j}", j == 0 ? inCh : outCh, outCh, config);
            if (i < levels - 1) _downsamplers[i] = ResampleNode.Down(p, $"down_blocks.{i}.downsamplers.0", outCh);
        }
        int mid = ch[^1];
        _mid0 = new ResnetNode(p, "mid_block.resnets.0", mid, mid, config);
        if (config.AddAttention) _attention = new AttentionNode(p, "mid_block.attentions.0", mid, config);
        _mid1 = new ResnetNode(p, "mid_block.resnets.1", mid, mid, config);

        var skips = ParameterList.SkipChannels(config);
        _up = new ResnetNode[levels][];
        _upsamplers = new ResampleNode?[levels];
        int prev = mid;
        for (int i = 0; i < levels; i++)
        {
            int o = ch[levels - 1 - i];
            _up[i] = new ResnetNode[config.LayersPerBlock + 1];
            for (int j = 0; j <= config.LayersPerBlock; j++)
                _up[i][j] = new ResnetNode(p, $"up_blocks.{i}.resnets.{j}", (j == 0 ? prev : o) + skips.Pop(), o, config);
            if (i < levels - 1) _upsamplers[i] = ResampleNode.Up(p, $"up_blocks.{i}.upsamplers.0", o);
            prev = o;
        }
        _normOut = new NormNode(p, "conv_norm_out", config, silu: true);
        _convOut = new ConvNode(p, "conv_out", c0, config.OutChannels, 3);
        _convRepacks = [.. AllConvs().Select(c => (Action)c.Repack)];
    }

    /// <summary>The parameters and their gradients.</summary>
    public ParameterSet Parameters { get; }

    /// <summary>Runs the network on x [B, in, H, W] and timesteps t [B] into y [B, out, H, W], keeping activations for <see cref="Backward"/>.</summary>
    public void Forward(Tensor x, ReadOnlySpan<float> t, Tensor y, WorkerPool pool)
    {
        var pass = PassFor(x);
        if (t.Length != pass.Plan.Batch) throw new ArgumentException($"got {t.Length} timesteps for a batch of {pass.Plan.Batch}");
        if (!SameShape(y, pass.Plan.Batch, _config.OutChannels, pass.Plan.Height, pass.Plan.Width))
            throw new ArgumentException($"output shape {y.ShapeText} does not match [{pass.Plan.Batch}, {_config.OutChannels}, {pass.Plan.Height}, {pass.Plan.Width}]");
        pass.Input.CopyFrom(x);
        t.CopyTo(pass.Timesteps);
        foreach (var step in pass.Plan.Forward) step(pool);
        pass.Output.CopyTo(y);
        _forwardDone = true;
    }

    /// <summary>Back-propagates dL/dy [B, out, H, W] of the last <see cref="Forward"/>, overwriting every parameter gradient.</summary>
    public void Backward(Tensor gradOutput, WorkerPool pool)
    {
        if (!_forwardDone || _pass is null) throw new InvalidOperationException("Backward needs a Forward first (activations are consumed by each backward)");
        var plan = _pass.Plan;
        if (!SameShape(gradOutput, plan.Batch, _config.OutChannels, plan.Height, plan.Width))
            throw new ArgumentException($"output gradient shape {gradOutput.ShapeText} does not match the last forward's output");
        _pass.GradOutput.CopyFrom(gradOutput);
        foreach (var step in plan.Backward) step(pool);
        _forwardDone = false;
    }

    /// <summary>Bytes of activation and gradient buffers planned for the last input shape (0 before the first pass).</summary>
    public long PlannedBytes => _pass?.Plan.Arena.AllocatedBytes ?? 0;

    /// <summary>Refreshes packed weight copies after parameter values changed (an optimizer step, a load).</summary>
    public void ParametersChanged(WorkerPool? pool = null)
    {
        // One task per layer: the Winograd re-transforms of every wide layer are too much work for one thread.
        _refresh.Actions = _pass?.Refresh ?? _convRepacks;
        (pool ?? WorkerPool.Inline).Run(_refresh, _refresh.Actions.Length);
    }

    private sealed class RefreshJob : ParallelJob
    {
        public Action[] Actions = [];

        public override void Execute(int task) => Actions[task]();
    }

    private IEnumerable<ConvNode> AllConvs()
    {
        yield return _convIn;
        yield return _convOut;
        foreach (var r in _down.Concat(_up).SelectMany(b => b).Append(_mid0).Append(_mid1))
            foreach (var c in r.Convs) yield return c;
        foreach (var s in _downsamplers.Concat(_upsamplers))
            if (s is not null) yield return s.Conv;
        if (_attention is not null) foreach (var c in _attention.Convs) yield return c;
    }

    private static bool SameShape(Tensor t, int n, int c, int h, int w) => t.Rank == 4 && t.Dim(0) == n && t.Dim(1) == c && t.Dim(2) == h && t.Dim(3) == w;

    private Pass PassFor(Tensor x)
    {
        if (x.Rank != 4 || x.Dim(1) != _config.InChannels)
            throw new ArgumentException($"input must be [B, {_config.InChannels}, H, W], got {x.ShapeText}");
        int n = x.Dim(0), h = x.Dim(2), w = x.Dim(3), m = _config.SpatialMultiple;
        if (n < 1 || h < m || w < m || h % m != 0 || w % m != 0)
            throw new ArgumentException($"input {x.ShapeText}: batch must be ≥ 1 and H, W positive multiples of {m}");
        if (_pass is { } p && p.Input.HasShape(n, _config.InChannels, h, w)) return p;
        _forwardDone = false;
        return _pass = BuildPass(n, h, w);
    }

    /// <summary>Lays out the forward in diffusers order, recording each layer's backward on the tape, then the backward.</summary>
    private Pass BuildPass(int batch, int height, int width)
    {
        var plan = new TrainPlan(batch, height, width, _config);
        var input = new BlockedTensor(batch, _config.InChannels, height, width);
        var timesteps = new float[batch];
        PlanTimeEmbedding(plan, timesteps);

        var h0 = _convIn.Forward(plan, input);
        plan.OnBackward(() =>
        {
            _convIn.Backward(plan, input, plan.Grads.Of(h0), inputGradient: false);
            plan.Grads.Release(h0);
            plan.Release(h0);
        });
        var skips = new Stack<BlockedTensor>();
        skips.Push(h0);
        var h = h0;
        for (int i = 0; i < _down.Length; i++)
        {
            foreach (var resnet in _down[i]) skips.Push(h = resnet.Forward(plan, h));
            if (_downsamplers[i] is { } down) skips.Push(h = down.Forward(plan, h));
        }
        h = _mid0.Forward(plan, h);
        if (_attention is not null) h = _attention.Forward(plan, h);
        h = _mid1.Forward(plan, h);
        for (int i = 0; i < _up.Length; i++)
        {
            foreach (var resnet in _up[i]) h = resnet.Forward(plan, PlanConcat(plan, h, skips.Pop()));
            if (_upsamplers[i] is { } up) h = up.Forward(plan, h);
        }
        var normed = _normOut.Forward(plan, h);
        var output = _convOut.Forward(plan, normed);
        plan.Release(normed);
        var gradOutput = new BlockedTensor(batch, _config.OutChannels, height, width);
        var last = h;
        plan.OnBackward(() =>
        {
            plan.Grads.Seed(output, gradOutput);
            var rebuilt = _normOut.Recompute(plan, last);
            _convOut.Backward(plan, rebuilt, gradOutput, inputGradient: true);
            plan.Release(rebuilt);
            _normOut.Backward(plan, last, plan.Grads.Of(rebuilt));
            plan.Grads.Release(rebuilt);
            plan.Grads.Release(output);
        });
        plan.PlanBackward();
        return new Pass(plan, input, timesteps, output, gradOutput, [.. _convRepacks, .. plan.WeightHooks]);
    }

    private static BlockedTensor PlanConcat(TrainPlan plan, BlockedTensor h, BlockedTensor skip)
    {
        var cat = plan.Acquire(h.C + skip.C, h.H, h.W);
        plan.Forward.Add(new Concat(h, skip, cat).Run);
        plan.OnBackward(() =>
        {
            var (dh, accH) = plan.Grads.Contribute(h);
            var (ds, accS) = plan.Grads.Contribute(skip);
            plan.Backward.Add(new ConcatBackward(plan.Grads.Of(cat), dh, ds, accH, accS).Run);
            plan.Grads.Release(cat);
            plan.Release(cat);
        });
        return cat;
    }

    /// <summary>timesteps → sinusoidal → linear_1 → SiLU → linear_2 → SiLU, keeping each stage for the backward.</summary>
    private void PlanTimeEmbedding(TrainPlan plan, float[] timesteps)
    {
        int c0 = _config.BlockOutChannels[0], e = _config.TimeEmbedDim, batch = plan.Batch;
        var sinusoid = new float[batch * c0];
        var hiddenPre = new float[batch * e];
        var hidden = new float[batch * e];
        var tembPre = new float[batch * e];
        var gradA = new float[batch * e];
        var gradB = new float[batch * e];
        plan.Forward.Add(_ =>
        {
            TimestepEmbedding.Sinusoidal(timesteps, sinusoid, c0, _config.FlipSinToCos, _config.FreqShift);
            Linear.Forward(sinusoid, _lin1W, _lin1B, hiddenPre, batch, c0, e);
            Silu.Apply(hiddenPre, hidden);
            Linear.Forward(hidden, _lin2W, _lin2B, tembPre, batch, e, e);
            Silu.Apply(tembPre, plan.SiluTemb);
        });
        // Popped last: by then every ResNet has added its share to GradSiluTemb.
        plan.OnBackward(() => plan.Backward.Add(_ =>
        {
            SiluBackward.Apply(tembPre, plan.GradSiluTemb, gradA);
            LinearBackward.Apply(hidden, _lin2W, gradA, _gLin2W, _gLin2B, gradB, batch, e, e, accumulateInput: false);
            SiluBackward.Apply(hiddenPre, gradB, gradB);
            LinearBackward.Apply(sinusoid, _lin1W, gradB, _gLin1W, _gLin1B, Span<float>.Empty, batch, c0, e, accumulateInput: false);
        }));
        // The first backward step: ResNets accumulate into GradSiluTemb.
        plan.Backward.Add(_ => Array.Clear(plan.GradSiluTemb));
    }

    private sealed record Pass(TrainPlan Plan, BlockedTensor Input, float[] Timesteps, BlockedTensor Output, BlockedTensor GradOutput, Action[] Refresh);
}
