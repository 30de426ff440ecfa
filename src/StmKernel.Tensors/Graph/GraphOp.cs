namespace StmKernel.Tensors.Graph;

/// <summary>The operations a backend implements, forward and backward (docs/architecture.md).</summary>
public enum OpKind
{
    /// <summary>A caller-filled input (the sample [N, C, H, W] or the timesteps [N]); no computation.</summary>
    Input,

    /// <summary>Sinusoidal timestep embedding [N] → [N, dim] (diffusers' get_timestep_embedding); no gradient.</summary>
    TimestepEmbedding,

    /// <summary>y = x·Wᵀ + b on per-sample vectors [N, in] → [N, out]; parameters KEY.weight [out, in], KEY.bias [out].</summary>
    Linear,

    /// <summary>SiLU x·σ(x) on per-sample vectors.</summary>
    Silu,

    /// <summary>
    /// 2-D convolution, padding K/2, with a fused epilogue: y = conv(x) + bias [+ per-sample bias input [N, Cout]]
    /// [+ residual input [N, Cout, H', W']]; parameters KEY.weight [Cout, Cin, K, K] (a Linear's [Cout, Cin] for K = 1), KEY.bias.
    /// </summary>
    Conv2d,

    /// <summary>GroupNorm over G groups with affine γ (KEY.weight), β (KEY.bias), optionally followed by SiLU.</summary>
    GroupNorm,

    /// <summary>Multi-head self-attention over pixels: inputs Q, K, V [N, C, H, W] → softmax(QKᵀ/√d)V per head.</summary>
    Attention,

    /// <summary>Nearest-neighbour ×2 upsampling [N, C, H, W] → [N, C, 2H, 2W].</summary>
    Upsample2x,

    /// <summary>Channel concatenation of two maps [N, Ca, H, W] and [N, Cb, H, W] → [N, Ca + Cb, H, W].</summary>
    Concat,
}

/// <summary>
/// One node of a <see cref="ComputeGraph"/>: <see cref="Kind"/> applied to <see cref="Inputs"/>, producing
/// <see cref="Output"/>, reading the parameters <see cref="Parameters"/> by key. <see cref="Name"/> is the module key
/// (e.g. <c>down_blocks.1.resnets.0.conv1</c>), which per-layer profiles report.
/// </summary>
public sealed record GraphOp(OpKind Kind, string Name, GraphValue[] Inputs, GraphValue Output, string[] Parameters, OpAttributes Attributes)
{
    /// <summary>The optional per-sample bias input of a convolution (null when absent).</summary>
    public GraphValue? SampleBias => Kind == OpKind.Conv2d ? Attributes.SampleBiasInput is int i ? Inputs[i] : null : null;

    /// <summary>The optional residual input of a convolution (null when absent).</summary>
    public GraphValue? Residual => Kind == OpKind.Conv2d ? Attributes.ResidualInput is int i ? Inputs[i] : null : null;
}

/// <summary>The settings of an op; each kind reads its own (the rest keep their defaults).</summary>
public sealed record OpAttributes
{
    /// <summary>Conv2d: kernel size K (odd; padding K/2).</summary>
    public int Kernel { get; init; } = 1;

    /// <summary>Conv2d: stride (1 or 2).</summary>
    public int Stride { get; init; } = 1;

    /// <summary>Conv2d: index in the inputs of the per-sample bias [N, Cout], if any.</summary>
    public int? SampleBiasInput { get; init; }

    /// <summary>Conv2d: index in the inputs of the residual added to the output, if any.</summary>
    public int? ResidualInput { get; init; }

    /// <summary>GroupNorm: number of groups.</summary>
    public int Groups { get; init; } = 1;

    /// <summary>GroupNorm: ε.</summary>
    public float Eps { get; init; } = 1e-5f;

    /// <summary>GroupNorm: apply SiLU after the affine map.</summary>
    public bool FusedSilu { get; init; }

    /// <summary>Attention: channels per head.</summary>
    public int HeadDim { get; init; } = 1;

    /// <summary>TimestepEmbedding: diffusers' flip_sin_to_cos.</summary>
    public bool FlipSinToCos { get; init; }

    /// <summary>TimestepEmbedding: diffusers' freq_shift.</summary>
    public float FreqShift { get; init; }

    /// <summary>The defaults (ops without settings).</summary>
    public static OpAttributes None { get; } = new();
}
