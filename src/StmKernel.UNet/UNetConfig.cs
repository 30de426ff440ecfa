using System.Text.Json.Nodes;
using StmKernel.UNet.Modules;
using StmKernel.UNet.Networks;
using StmKernel.UNet.Weights;

namespace StmKernel.UNet;

/// <summary>
/// The architecture of a diffusers <c>UNet2DModel</c> as far as our models use it
/// (DownBlock2D / UpBlock2D, positional time embedding, optional mid-block attention).
/// Field names follow diffusers' <c>config.json</c>.
/// </summary>
public sealed record UNetConfig : INetworkConfig
{
    /// <inheritdoc />
    public string ClassName => NetworkFamilies.DefaultClassName;

    /// <inheritdoc />
    public bool TakesTimestep => true;

    /// <summary>Input channels: the noisy sample and the condition image.</summary>
    public int InChannels { get; init; } = 2;

    /// <summary>Output channels: the predicted ε or velocity.</summary>
    public int OutChannels { get; init; } = 1;

    /// <summary><c>block_out_channels</c>: one entry per resolution level.</summary>
    public IReadOnlyList<int> BlockOutChannels { get; init; } = [32, 64, 128];

    /// <summary><c>layers_per_block</c>: resnets per down block (up blocks have one more).</summary>
    public int LayersPerBlock { get; init; } = 2;

    /// <summary><c>add_attention</c>: self-attention in the mid block.</summary>
    public bool AddAttention { get; init; }

    /// <summary><c>attention_head_dim</c>: channels per attention head.</summary>
    public int AttentionHeadDim { get; init; } = 8;

    /// <summary><c>norm_num_groups</c>: GroupNorm groups everywhere.</summary>
    public int NormNumGroups { get; init; } = 32;

    /// <summary><c>norm_eps</c>: GroupNorm epsilon everywhere.</summary>
    public float NormEps { get; init; } = 1e-5f;

    /// <summary><c>flip_sin_to_cos</c>: timestep embedding ordered [cos, sin] when true.</summary>
    public bool FlipSinToCos { get; init; } = true;

    /// <summary><c>freq_shift</c> of the sinusoidal embedding.</summary>
    public float FreqShift { get; init; }

    /// <summary>Time-embedding width: 4 × block_out_channels[0], as diffusers.</summary>
    public int TimeEmbedDim => 4 * BlockOutChannels[0];

    /// <summary>The paper's Small model: [32, 64, 128], 2 layers, no attention.</summary>
    public static UNetConfig Small { get; } = new();

    /// <summary>The paper's Large model: [64, 128, 256], 2 layers, mid attention with head dim 8.</summary>
    public static UNetConfig Large { get; } = new() { BlockOutChannels = [64, 128, 256], AddAttention = true };

    /// <summary>
    /// Not the paper's: [16, 32, 64] with 8 groups, a quarter of Small's flops, for tasks whose images are small and
    /// simple (orbital reconstruction, docs/orbitals.md) and whose training must fit a 2-core budget.
    /// </summary>
    public static UNetConfig Tiny { get; } = new() { BlockOutChannels = [16, 32, 64], NormNumGroups = 8 };

    /// <summary>The preset names <see cref="Preset"/> accepts.</summary>
    public static IReadOnlyList<string> PresetNames { get; } = ["small", "large", "tiny"];

    /// <summary>A preset by name (<see cref="PresetNames"/>).</summary>
    public static UNetConfig Preset(string name) => name switch
    {
        "small" => Small,
        "large" => Large,
        "tiny" => Tiny,
        _ => throw new ArgumentException($"unknown preset '{name}' (expected {string.Join(", ", PresetNames)})", nameof(name)),
    };

    /// <summary>Throws <see cref="InvalidDataException"/> when the combination cannot be built.</summary>
    public void Validate()
    {
        if (BlockOutChannels.Count == 0) throw new InvalidDataException("block_out_channels is empty");
        if (InChannels < 1 || OutChannels < 1) throw new InvalidDataException("in_channels and out_channels must be ≥ 1");
        if (LayersPerBlock < 1) throw new InvalidDataException("layers_per_block must be ≥ 1");
        if (NormNumGroups < 1) throw new InvalidDataException("norm_num_groups must be ≥ 1");
        if (!(NormEps > 0)) throw new InvalidDataException("norm_eps must be > 0");
        if (BlockOutChannels[0] % 2 != 0) throw new InvalidDataException("block_out_channels[0] must be even (sinusoidal embedding)");
        foreach (int c in BlockOutChannels)
        {
            if (c <= 0 || c % NormNumGroups != 0)
                throw new InvalidDataException($"block_out_channels entry {c} is not a positive multiple of norm_num_groups {NormNumGroups}");
        }
        if (AddAttention && (AttentionHeadDim <= 0 || BlockOutChannels[^1] % AttentionHeadDim != 0))
            throw new InvalidDataException($"attention_head_dim {AttentionHeadDim} does not divide {BlockOutChannels[^1]}");
    }

    /// <summary>The spatial factor H and W must be divisible by (one downsample per level but the last).</summary>
    public int SpatialMultiple => 1 << (BlockOutChannels.Count - 1);

    /// <inheritdoc />
    public INetworkConfig WithChannels(int inChannels, int outChannels) => this with { InChannels = inChannels, OutChannels = outChannels };

    /// <inheritdoc />
    public NetworkModule CreateTree() => new UNet2D(this);

    /// <inheritdoc />
    public JsonObject ToJson() => DiffusersConfig.ToJson(this);

    /// <inheritdoc />
    public string Describe() => DiffusersConfig.Describe(this);
}
