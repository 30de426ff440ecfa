using System.Globalization;
using System.Text.Json.Nodes;
using StmKernel.Tensors.Graph;
using StmKernel.UNet.Modules;
using StmKernel.UNet.Networks;

namespace StmKernel.Train.Tests.SecondFamily;

/// <summary>
/// A second network family, written only here, to prove a family can be added without touching the samplers, the
/// trainer or the restorer: a residual regressor with <see cref="Width"/> features and no time input, the shape
/// STM-Net's orbital network will have. y = x + conv_out(silu(norm(conv_in(x)))).
/// </summary>
internal sealed record TinyRegressorConfig(int Width = 8) : INetworkConfig
{
    public const string Name = "StmTestRegressor";

    public string ClassName => Name;
    public int InChannels { get; init; } = 1;
    public int OutChannels { get; init; } = 1;
    public bool TakesTimestep => false;
    public int SpatialMultiple => 1;

    public INetworkConfig WithChannels(int inChannels, int outChannels) => this with { InChannels = inChannels, OutChannels = outChannels };

    public NetworkModule CreateTree() => new TinyRegressor(this);

    public JsonObject ToJson() => new()
    {
        ["_class_name"] = Name, ["in_channels"] = InChannels, ["out_channels"] = OutChannels, ["width"] = Width,
    };

    public string Describe() => string.Create(CultureInfo.InvariantCulture, $"regressor, in {InChannels}, out {OutChannels}, width {Width}");

    /// <summary>The family's parser, as <see cref="NetworkFamilies.Register"/> takes it.</summary>
    public static INetworkConfig Parse(JsonObject json, string file, string section)
    {
        int Int(string key) => json[key] is JsonValue v && v.TryGetValue(out int i) && i >= 1
            ? i : throw new InvalidDataException($"{file}: {section}: \"{key}\" must be an integer ≥ 1");
        return new TinyRegressorConfig(Int("width")) { InChannels = Int("in_channels"), OutChannels = Int("out_channels") };
    }

    /// <summary>Registers the family (idempotent: every test calls it).</summary>
    public static void Register() => NetworkFamilies.Register(Name, Parse);
}

/// <summary>The regressor's module tree: conv_in, norm (+ SiLU), conv_out with the input as residual.</summary>
internal sealed class TinyRegressor : NetworkModule
{
    private readonly TinyRegressorConfig _config;
    private readonly Conv2d _convIn, _convOut;
    private readonly GroupNorm _norm;

    public TinyRegressor(TinyRegressorConfig config)
    {
        _config = config;
        _convIn = Add("conv_in", new Conv2d(config.InChannels, config.Width, 3));
        _norm = Add("norm", new GroupNorm(config.Width, 4, 1e-5f));
        _convOut = Add("conv_out", new Conv2d(config.Width, config.OutChannels, 3));
    }

    public override INetworkConfig Config => _config;

    protected override GraphValue Forward(GraphBuilder g, GraphValue sample, GraphValue? timestep)
    {
        Assert.Null(timestep); // the base class gives a time input only to networks that take one
        var h = _norm.Forward(g, _convIn.Forward(g, sample), silu: true);
        return _convOut.Forward(g, h, residual: _config.InChannels == _config.OutChannels ? sample : null);
    }
}
