using StmKernel.Tensors.Graph;
using StmKernel.UNet.Networks;

namespace StmKernel.UNet.Modules;

/// <summary>
/// The module tree of a diffusers <c>UNet2DModel</c> (DownBlock2D / UpBlock2D, optional mid attention), declared once:
/// its parameters are <see cref="ParameterList.For"/>, and <see cref="NetworkModule.Build"/> writes the forward as a graph that every
/// backend runs (inference: <see cref="NetworkModel"/>; training: the trainer's graph).
/// </summary>
/// <remarks>
/// Forward, numbered as diffusers' <c>UNet2DModel.forward</c>: 1. time: sinusoidal projection, linear_1, SiLU,
/// linear_2, and the SiLU every resnet applies first (once, shared); 2. conv_in; 3. down blocks, pushing skips;
/// 4. mid block; 5. up blocks, popping skips; 6. conv_norm_out + SiLU, conv_out.
/// </remarks>
public sealed class UNet2D : NetworkModule
{
    private readonly UNetConfig _config;
    private readonly Conv2d _convIn, _convOut;
    private readonly TimestepEmbedding _timeEmbedding;
    private readonly DownBlock2D[] _down;
    private readonly MidBlock2D _mid;
    private readonly UpBlock2D[] _up;
    private readonly GroupNorm _normOut;

    /// <summary>Declares the tree of <paramref name="config"/> (validated).</summary>
    public UNet2D(UNetConfig config)
    {
        config.Validate();
        _config = config;
        var ch = config.BlockOutChannels;
        int c0 = ch[0], levels = ch.Count;
        _convIn = Add("conv_in", new Conv2d(config.InChannels, c0, 3));
        _timeEmbedding = Add("time_embedding", new TimestepEmbedding(c0, config.TimeEmbedDim));

        var skips = new Stack<int>([c0]);
        _down = new DownBlock2D[levels];
        for (int i = 0; i < levels; i++)
        {
            bool last = i == levels - 1;
            _down[i] = Add($"down_blocks.{i}", new DownBlock2D(i == 0 ? c0 : ch[i - 1], ch[i], !last, config));
            foreach (int s in DownBlock2D.SkipChannels(ch[i], !last, config)) skips.Push(s);
        }
        _mid = Add("mid_block", new MidBlock2D(ch[^1], config));
        _up = new UpBlock2D[levels];
        for (int i = 0; i < levels; i++)
        {
            int cout = ch[levels - 1 - i];
            int[] popped = [.. Enumerable.Range(0, config.LayersPerBlock + 1).Select(_ => skips.Pop())];
            _up[i] = Add($"up_blocks.{i}", new UpBlock2D(i == 0 ? ch[^1] : ch[levels - i], cout, popped, i < levels - 1, config));
        }
        _normOut = Add("conv_norm_out", new GroupNorm(c0, config.NormNumGroups, config.NormEps));
        _convOut = Add("conv_out", new Conv2d(c0, config.OutChannels, 3));
    }

    /// <inheritdoc />
    public override INetworkConfig Config => _config;

    /// <inheritdoc />
    protected override GraphValue Forward(GraphBuilder g, GraphValue sample, GraphValue? timestep)
    {
        // 1. time
        var sinusoid = g.TimestepEmbedding("time_proj", timestep!, _config.BlockOutChannels[0], _config.FlipSinToCos, _config.FreqShift);
        var siluTemb = g.Silu("time_embedding.resnet_act", _timeEmbedding.Forward(g, sinusoid));
        // 2. conv_in
        var h = _convIn.Forward(g, sample);
        var skips = new Stack<GraphValue>([h]);
        // 3. down
        foreach (var block in _down) h = block.Forward(g, h, siluTemb, skips);
        // 4. mid
        h = _mid.Forward(g, h, siluTemb);
        // 5. up
        foreach (var block in _up) h = block.Forward(g, h, siluTemb, skips);
        // 6. out
        return _convOut.Forward(g, _normOut.Forward(g, h, silu: true));
    }
}
