using StmKernel.Tensors;
using StmKernel.Tensors.Kernels;
using StmKernel.UNet.Planning;

namespace StmKernel.UNet.Modules;

/// <summary>
/// diffusers Downsample2D (<c>…downsamplers.0.conv</c>: 3×3, stride 2, padding 1; [B, C, H, W] → [B, C, H/2, W/2])
/// and Upsample2D (<c>…upsamplers.0.conv</c>: nearest ×2 then 3×3; [B, C, H, W] → [B, C, 2H, 2W]).
/// </summary>
internal sealed class Resample
{
    private readonly ConvModule _conv;
    private readonly bool _up;

    private Resample(ConvModule conv, bool up) { _conv = conv; _up = up; }

    public static Resample Down(ParameterReader p, string key, int channels) =>
        new(new ConvModule(p, key + ".conv", channels, channels, 3, stride: 2), up: false);

    public static Resample Up(ParameterReader p, string key, int channels) =>
        new(new ConvModule(p, key + ".conv", channels, channels, 3), up: true);

    /// <summary>Plans the resampling; the caller keeps ownership of <paramref name="x"/>.</summary>
    public BlockedTensor Plan(PlanBuilder b, BlockedTensor x)
    {
        if (!_up) return _conv.Plan(b, x);
        var big = b.Acquire(x.C, 2 * x.H, 2 * x.W);
        var op = new Upsample2x(x, big);
        b.Add(_conv.Key.Replace(".conv", "", StringComparison.Ordinal) + ".interpolate", 0, op.Run);
        var y = _conv.Plan(b, big);
        b.Release(big);
        return y;
    }
}
