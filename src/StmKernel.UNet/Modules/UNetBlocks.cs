using StmKernel.Tensors.Graph;

namespace StmKernel.UNet.Modules;

/// <summary>diffusers DownBlock2D: L resnets, then a Downsample2D except at the last level; every output is a skip.</summary>
public sealed class DownBlock2D : Module
{
    private readonly ResnetBlock2D[] _resnets;
    private readonly Downsample2D? _down;

    /// <summary>Declares the block.</summary>
    public DownBlock2D(int cin, int cout, bool downsample, UNetConfig c)
    {
        _resnets = [.. Enumerable.Range(0, c.LayersPerBlock).Select(j => Add($"resnets.{j}", new ResnetBlock2D(j == 0 ? cin : cout, cout, c)))];
        if (downsample) _down = Add("downsamplers.0", new Downsample2D(cout));
    }

    /// <summary>The block's forward; pushes each resnet's and the downsampler's output onto <paramref name="skips"/>.</summary>
    public GraphValue Forward(GraphBuilder g, GraphValue x, GraphValue siluTemb, Stack<GraphValue> skips)
    {
        foreach (var resnet in _resnets) skips.Push(x = resnet.Forward(g, x, siluTemb));
        if (_down is not null) skips.Push(x = _down.Forward(g, x));
        return x;
    }

    /// <summary>The skips this block pushes, as channel counts (the up path's input widths).</summary>
    public static IEnumerable<int> SkipChannels(int cout, bool downsample, UNetConfig c) =>
        Enumerable.Repeat(cout, c.LayersPerBlock + (downsample ? 1 : 0));
}

/// <summary>diffusers UNetMidBlock2D: resnet, optional attention, resnet.</summary>
public sealed class MidBlock2D : Module
{
    private readonly ResnetBlock2D _resnet0, _resnet1;
    private readonly AttentionBlock? _attention;

    /// <summary>Declares the block.</summary>
    public MidBlock2D(int channels, UNetConfig c)
    {
        _resnet0 = Add("resnets.0", new ResnetBlock2D(channels, channels, c));
        if (c.AddAttention) _attention = Add("attentions.0", new AttentionBlock(channels, c));
        _resnet1 = Add("resnets.1", new ResnetBlock2D(channels, channels, c));
    }

    /// <summary>The block's forward.</summary>
    public GraphValue Forward(GraphBuilder g, GraphValue x, GraphValue siluTemb)
    {
        x = _resnet0.Forward(g, x, siluTemb);
        if (_attention is not null) x = _attention.Forward(g, x);
        return _resnet1.Forward(g, x, siluTemb);
    }
}

/// <summary>diffusers UpBlock2D: L + 1 resnets, each on [h, skip] concatenated; then an Upsample2D except at the last level.</summary>
public sealed class UpBlock2D : Module
{
    private readonly ResnetBlock2D[] _resnets;
    private readonly Upsample2D? _up;

    /// <summary>Declares the block; <paramref name="skipChannels"/> are the widths of the skips it pops, in order.</summary>
    public UpBlock2D(int cin, int cout, IReadOnlyList<int> skipChannels, bool upsample, UNetConfig c)
    {
        _resnets = [.. skipChannels.Select((skip, j) => Add($"resnets.{j}", new ResnetBlock2D((j == 0 ? cin : cout) + skip, cout, c)))];
        if (upsample) _up = Add("upsamplers.0", new Upsample2D(cout));
    }

    /// <summary>The block's forward, popping one skip per resnet.</summary>
    public GraphValue Forward(GraphBuilder g, GraphValue x, GraphValue siluTemb, Stack<GraphValue> skips)
    {
        foreach (var resnet in _resnets) x = resnet.Forward(g, g.Concat(Child("concat"), x, skips.Pop()), siluTemb);
        return _up is null ? x : _up.Forward(g, x);
    }
}
