using System.Diagnostics;
using StmKernel.Tensors;
using StmKernel.Tensors.Kernels;
using StmKernel.Tensors.Threading;
using StmKernel.UNet.Modules;
using StmKernel.UNet.Planning;

namespace StmKernel.UNet;

/// <summary>
/// A diffusers-compatible <c>UNet2DModel</c> (DownBlock2D/UpBlock2D, optional mid attention) running
/// on our CPU kernels. Forward(x [B, in, H, W], t [B]) → [B, out, H, W] for H and W divisible by
/// 2^(levels−1). Fields mirror the checkpoint's module tree (conv_in, time_embedding,
/// down_blocks.i.resnets.j, …) so a key in a weight file is findable here.
/// </summary>
/// <remarks>
/// Weights are packed once at construction. The first forward at a new (B, H, W) builds a plan —
/// activation buffers and one kernel object per layer — which later calls of that shape reuse (the
/// three most recent shapes are kept), so the steady state allocates nothing but the returned
/// tensor. Not thread-safe: one forward at a time.
/// </remarks>
public sealed class UNet2DModel
{
    private readonly UNetConfig _config;
    private readonly ConvModule _convIn, _convOut;
    private readonly float[] _lin1W, _lin1B, _lin2W, _lin2B;
    private readonly ResnetBlock2D[][] _downResnets;
    private readonly Resample?[] _downsamplers;
    private readonly ResnetBlock2D _midResnet0, _midResnet1;
    private readonly AttentionBlock? _midAttention;
    private readonly ResnetBlock2D[][] _upResnets;
    private readonly Resample?[] _upsamplers;
    private readonly GroupNormParams _convNormOut;
    // Plans by input shape, most recent first; a few are kept so a tiled restore that alternates
    // full batches and one smaller last batch does not rebuild (each plan owns its activations).
    private readonly List<ForwardPlan> _plans = new();
    private const int MaxCachedPlans = 3;

    /// <summary>Builds the model from parameters keyed by diffusers name (PyTorch layouts, float32).</summary>
    /// <exception cref="InvalidDataException">A parameter is missing, extra or of the wrong size.</exception>
    public UNet2DModel(UNetConfig config, IReadOnlyDictionary<string, float[]> parameters)
    {
        _config = config;
        var p = new ParameterReader(config, parameters);
        var ch = config.BlockOutChannels;
        int c0 = ch[0], levels = ch.Count;

        _convIn = new ConvModule(p, "conv_in", config.InChannels, c0, 3);
        _lin1W = p["time_embedding.linear_1.weight"]; _lin1B = p["time_embedding.linear_1.bias"];
        _lin2W = p["time_embedding.linear_2.weight"]; _lin2B = p["time_embedding.linear_2.bias"];

        _downResnets = new ResnetBlock2D[levels][];
        _downsamplers = new Resample?[levels];
        int outCh = c0;
        for (int i = 0; i < levels; i++)
        {
            int inCh = outCh;
            outCh = ch[i];
            _downResnets[i] = new ResnetBlock2D[config.LayersPerBlock];
            for (int j = 0; j < config.LayersPerBlock; j++)
                _downResnets[i][j] = new ResnetBlock2D(p, $"down_blocks.{i}.resnets.{j}", j == 0 ? inCh : outCh, outCh, config);
            if (i < levels - 1) _downsamplers[i] = Resample.Down(p, $"down_blocks.{i}.downsamplers.0", outCh);
        }

        int mid = ch[^1];
        _midResnet0 = new ResnetBlock2D(p, "mid_block.resnets.0", mid, mid, config);
        if (config.AddAttention) _midAttention = new AttentionBlock(p, "mid_block.attentions.0", mid, config);
        _midResnet1 = new ResnetBlock2D(p, "mid_block.resnets.1", mid, mid, config);

        var skips = ParameterList.SkipChannels(config);
        _upResnets = new ResnetBlock2D[levels][];
        _upsamplers = new Resample?[levels];
        int prev = mid;
        for (int i = 0; i < levels; i++)
        {
            int o = ch[levels - 1 - i];
            _upResnets[i] = new ResnetBlock2D[config.LayersPerBlock + 1];
            for (int j = 0; j <= config.LayersPerBlock; j++)
                _upResnets[i][j] = new ResnetBlock2D(p, $"up_blocks.{i}.resnets.{j}", (j == 0 ? prev : o) + skips.Pop(), o, config);
            if (i < levels - 1) _upsamplers[i] = Resample.Up(p, $"up_blocks.{i}.upsamplers.0", o);
            prev = o;
        }

        _convNormOut = GroupNormParams.Read(p, "conv_norm_out", config);
        _convOut = new ConvModule(p, "conv_out", c0, config.OutChannels, 3);
    }

    /// <summary>Builds the model from a loaded weight file (safetensors or .stmw).</summary>
    public static UNet2DModel FromWeights(Weights.WeightSet weights) =>
        new(weights.Config, weights.Tensors.ToDictionary(kv => kv.Key, kv => kv.Value.Data));

    /// <summary>The architecture.</summary>
    public UNetConfig Config => _config;

    /// <summary>Runs the network: x [B, in, H, W], t [B] (raw timestep values) → a new [B, out, H, W] tensor.</summary>
    public Tensor Forward(Tensor x, ReadOnlySpan<float> t, WorkerPool pool)
    {
        var y = new Tensor(x.Dim(0), _config.OutChannels, x.Dim(2), x.Dim(3));
        Forward(x, t, y, pool);
        return y;
    }

    /// <summary>Runs the network into a caller-owned output tensor [B, out, H, W].</summary>
    public void Forward(Tensor x, ReadOnlySpan<float> t, Tensor output, WorkerPool pool, LayerProfile? profile = null)
    {
        var plan = PlanFor(x);
        if (t.Length != x.Dim(0)) throw new ArgumentException($"got {t.Length} timesteps for a batch of {x.Dim(0)}");
        if (output.Rank != 4 || output.Dim(0) != x.Dim(0) || output.Dim(1) != _config.OutChannels || output.Dim(2) != x.Dim(2) || output.Dim(3) != x.Dim(3))
            throw new ArgumentException($"output shape {output.ShapeText} does not match [{x.Dim(0)}, {_config.OutChannels}, {x.Dim(2)}, {x.Dim(3)}]");
        plan.Input.CopyFrom(x);
        EmbedTime(t, plan.Builder.SiluTemb);
        foreach (var step in plan.Builder.Steps)
        {
            long start = profile is null ? 0 : Stopwatch.GetTimestamp();
            step.Run(pool);
            profile?.Record(step, Stopwatch.GetElapsedTime(start));
        }
        plan.Output.CopyTo(output);
    }

    /// <summary>Floating-point operations of one forward at this shape (convolutions, linears, attention).</summary>
    public double Flops(int batch, int height, int width) =>
        PlanFor(new Tensor(batch, _config.InChannels, height, width)).Builder.Steps.Sum(s => s.Flops);

    /// <summary>Bytes of activation buffers planned for this shape.</summary>
    public long ActivationBytes(int batch, int height, int width) =>
        PlanFor(new Tensor(batch, _config.InChannels, height, width)).Builder.Arena.AllocatedBytes;

    /// <summary>timesteps → sinusoidal → linear_1 → SiLU → linear_2 → SiLU (the SiLU every resnet applies first).</summary>
    private void EmbedTime(ReadOnlySpan<float> t, float[] siluTemb)
    {
        int c0 = _config.BlockOutChannels[0], e = _config.TimeEmbedDim, batch = t.Length;
        Span<float> sin = stackalloc float[batch * c0];
        Span<float> hidden = stackalloc float[batch * e];
        TimestepEmbedding.Sinusoidal(t, sin, c0, _config.FlipSinToCos, _config.FreqShift);
        Linear.Forward(sin, _lin1W, _lin1B, hidden, batch, c0, e);
        Silu.Apply(hidden, hidden);
        Linear.Forward(hidden, _lin2W, _lin2B, siluTemb, batch, e, e);
        Silu.Apply(siluTemb, siluTemb);
    }

    private ForwardPlan PlanFor(Tensor x)
    {
        if (x.Rank != 4 || x.Dim(1) != _config.InChannels)
            throw new ArgumentException($"input must be [B, {_config.InChannels}, H, W], got {x.ShapeText}");
        int n = x.Dim(0), h = x.Dim(2), w = x.Dim(3), m = _config.SpatialMultiple;
        if (n < 1 || h < m || w < m || h % m != 0 || w % m != 0)
            throw new ArgumentException($"input {x.ShapeText}: batch must be ≥ 1 and H, W positive multiples of {m}");
        int found = _plans.FindIndex(p => p.Input.HasShape(n, _config.InChannels, h, w));
        var plan = found >= 0 ? _plans[found] : BuildPlan(n, h, w);
        if (found >= 0) _plans.RemoveAt(found);
        _plans.Insert(0, plan);
        if (_plans.Count > MaxCachedPlans) _plans.RemoveAt(_plans.Count - 1);
        return plan;
    }

    /// <summary>Lays out every step in execution order, releasing buffers after their last reader.</summary>
    private ForwardPlan BuildPlan(int batch, int height, int width)
    {
        var b = new PlanBuilder(batch, _config);
        var input = new BlockedTensor(batch, _config.InChannels, height, width);
        var h = _convIn.Plan(b, input);
        var skips = new Stack<BlockedTensor>();
        skips.Push(h);

        for (int i = 0; i < _downResnets.Length; i++)
        {
            foreach (var resnet in _downResnets[i])
            {
                h = resnet.Plan(b, h);
                skips.Push(h);
            }
            if (_downsamplers[i] is { } down)
            {
                h = down.Plan(b, h);
                skips.Push(h);
            }
        }

        var m0 = _midResnet0.Plan(b, h);
        if (_midAttention is not null)
        {
            var a = _midAttention.Plan(b, m0);
            b.Release(m0);
            m0 = a;
        }
        h = _midResnet1.Plan(b, m0);
        b.Release(m0);

        for (int i = 0; i < _upResnets.Length; i++)
        {
            foreach (var resnet in _upResnets[i])
            {
                var skip = skips.Pop();
                var cat = b.Acquire(h.C + skip.C, h.H, h.W);
                var concat = new Concat(h, skip, cat);
                b.Add(ResnetKey(i) + ".concat", 0, concat.Run);
                b.Release(h);
                b.Release(skip);
                h = resnet.Plan(b, cat);
                b.Release(cat);
            }
            if (_upsamplers[i] is { } up)
            {
                var u = up.Plan(b, h);
                b.Release(h);
                h = u;
            }
        }

        var normed = b.Acquire(h.C, h.H, h.W);
        ResnetBlock2D.PlanNorm(b, _convNormOut, h, normed);
        b.Release(h);
        var output = _convOut.Plan(b, normed);
        b.Release(normed);
        return new ForwardPlan(b, input, output);

        static string ResnetKey(int i) => $"up_blocks.{i}";
    }

    private sealed record ForwardPlan(PlanBuilder Builder, BlockedTensor Input, BlockedTensor Output);
}
