namespace StmKernel.Tensors.Graph;

/// <summary>
/// Records ops into a <see cref="ComputeGraph"/>, checking shapes as it goes: modules write their forward once
/// against this builder, and every backend (CPU inference, CPU training, a GPU) consumes the same op list.
/// </summary>
/// <remarks>Each method returns the new output value; a shape mismatch throws naming the op's module key.</remarks>
public sealed class GraphBuilder
{
    private readonly List<GraphOp> _ops = [];
    private readonly List<GraphValue> _inputs = [];
    private readonly Dictionary<string, int[]> _parameters = new(StringComparer.Ordinal);

    /// <summary>A caller-filled input of the given shape.</summary>
    public GraphValue Input(string name, params int[] shape)
    {
        if (shape.Length is not (1 or 2 or 4) || shape.Any(d => d < 1))
            throw new ArgumentException($"{name}: input shape [{string.Join(", ", shape)}] must be [N], [N, E] or [N, C, H, W] with positive sizes");
        var v = Add(OpKind.Input, name, [], shape, [], OpAttributes.None);
        _inputs.Add(v);
        return v;
    }

    /// <summary>Sinusoidal embedding of timesteps [N] → [N, dim].</summary>
    public GraphValue TimestepEmbedding(string name, GraphValue timesteps, int dim, bool flipSinToCos, float freqShift)
    {
        Require(name, timesteps.Shape.Length == 1, $"timesteps must be [N], got {timesteps}");
        Require(name, dim > 0 && dim % 2 == 0, $"embedding dimension {dim} must be even and positive");
        return Add(OpKind.TimestepEmbedding, name, [timesteps], [timesteps.N, dim], [],
            new OpAttributes { FlipSinToCos = flipSinToCos, FreqShift = freqShift });
    }

    /// <summary>KEY.weight [out, in], KEY.bias [out] on [N, in] → [N, out].</summary>
    public GraphValue Linear(string key, GraphValue x, int outFeatures)
    {
        Require(key, x.Shape.Length == 2, $"linear input must be [N, E], got {x}");
        string[] p = Parameters(key, [outFeatures, x.C], [outFeatures]);
        return Add(OpKind.Linear, key, [x], [x.N, outFeatures], p, OpAttributes.None);
    }

    /// <summary>SiLU of a per-sample vector.</summary>
    public GraphValue Silu(string name, GraphValue x)
    {
        Require(name, x.Shape.Length == 2, $"SiLU input must be [N, E], got {x}");
        return Add(OpKind.Silu, name, [x], x.Shape, [], OpAttributes.None);
    }

    /// <summary>
    /// KEY.weight [Cout, Cin, K, K] (or [Cout, Cin] when <paramref name="linearWeights"/>: a Linear applied per pixel),
    /// KEY.bias: y = conv(x) + bias [+ sampleBias [N, Cout]] [+ residual].
    /// </summary>
    public GraphValue Conv2d(string key, GraphValue x, int outChannels, int kernel, int stride = 1,
        GraphValue? sampleBias = null, GraphValue? residual = null, bool linearWeights = false)
    {
        Require(key, x.IsMap, $"convolution input must be [N, C, H, W], got {x}");
        Require(key, kernel % 2 == 1 && kernel > 0 && stride is 1 or 2, $"kernel {kernel} must be odd and stride {stride} 1 or 2");
        Require(key, !linearWeights || kernel == 1, "per-pixel linear weights need kernel 1");
        int pad = kernel / 2;
        int oh = (x.H + 2 * pad - kernel) / stride + 1, ow = (x.W + 2 * pad - kernel) / stride + 1;
        int[] shape = [x.N, outChannels, oh, ow];
        var inputs = new List<GraphValue> { x };
        int? biasAt = null, residualAt = null;
        if (sampleBias is not null)
        {
            Require(key, sampleBias.Shape.SequenceEqual(new[] { x.N, outChannels }), $"per-sample bias must be [{x.N}, {outChannels}], got {sampleBias}");
            biasAt = inputs.Count;
            inputs.Add(sampleBias);
        }
        if (residual is not null)
        {
            Require(key, residual.Shape.SequenceEqual(shape), $"residual must be [{string.Join(", ", shape)}], got {residual}");
            residualAt = inputs.Count;
            inputs.Add(residual);
        }
        int[] weight = linearWeights ? [outChannels, x.C] : [outChannels, x.C, kernel, kernel];
        string[] p = Parameters(key, weight, [outChannels]);
        return Add(OpKind.Conv2d, key, [.. inputs], shape, p,
            new OpAttributes { Kernel = kernel, Stride = stride, SampleBiasInput = biasAt, ResidualInput = residualAt });
    }

    /// <summary>KEY.weight γ [C], KEY.bias β [C]: GroupNorm over <paramref name="groups"/> groups, then SiLU when <paramref name="silu"/>.</summary>
    public GraphValue GroupNorm(string key, GraphValue x, int groups, float eps, bool silu)
    {
        Require(key, x.IsMap, $"group norm input must be [N, C, H, W], got {x}");
        Require(key, groups > 0 && x.C % groups == 0, $"{x.C} channels do not split into {groups} groups");
        string[] p = Parameters(key, [x.C], [x.C]);
        return Add(OpKind.GroupNorm, key, [x], x.Shape, p, new OpAttributes { Groups = groups, Eps = eps, FusedSilu = silu });
    }

    /// <summary>Self-attention over pixels with heads of <paramref name="headDim"/> channels.</summary>
    public GraphValue Attention(string name, GraphValue q, GraphValue k, GraphValue v, int headDim)
    {
        Require(name, q.IsMap && q.Shape.SequenceEqual(k.Shape) && q.Shape.SequenceEqual(v.Shape), $"Q, K, V must be equal maps, got {q}, {k}, {v}");
        Require(name, headDim > 0 && q.C % headDim == 0, $"{q.C} channels do not split into heads of {headDim}");
        return Add(OpKind.Attention, name, [q, k, v], q.Shape, [], new OpAttributes { HeadDim = headDim });
    }

    /// <summary>Nearest ×2 upsampling.</summary>
    public GraphValue Upsample2x(string name, GraphValue x)
    {
        Require(name, x.IsMap, $"upsampling input must be [N, C, H, W], got {x}");
        return Add(OpKind.Upsample2x, name, [x], [x.N, x.C, 2 * x.H, 2 * x.W], [], OpAttributes.None);
    }

    /// <summary>Channel concatenation [a, b].</summary>
    public GraphValue Concat(string name, GraphValue a, GraphValue b)
    {
        Require(name, a.IsMap && b.IsMap && a.N == b.N && a.H == b.H && a.W == b.W, $"concatenated maps must agree in N, H, W, got {a} and {b}");
        return Add(OpKind.Concat, name, [a, b], [a.N, a.C + b.C, a.H, a.W], [], OpAttributes.None);
    }

    /// <summary>The graph with <paramref name="outputs"/> as the values the caller reads.</summary>
    public ComputeGraph Build(params GraphValue[] outputs)
    {
        if (outputs.Length == 0) throw new ArgumentException("a graph needs at least one output");
        return new ComputeGraph([.. _ops], [.. _inputs], outputs, new Dictionary<string, int[]>(_parameters, StringComparer.Ordinal));
    }

    private string[] Parameters(string key, int[] weightShape, int[] biasShape)
    {
        string w = key + ".weight", b = key + ".bias";
        Declare(w, weightShape);
        Declare(b, biasShape);
        return [w, b];
    }

    private void Declare(string key, int[] shape)
    {
        if (_parameters.TryGetValue(key, out var known) && !known.SequenceEqual(shape))
            throw new InvalidOperationException($"{key}: used as [{string.Join(", ", known)}] and as [{string.Join(", ", shape)}]");
        _parameters[key] = shape;
    }

    private GraphValue Add(OpKind kind, string name, GraphValue[] inputs, int[] shape, string[] parameters, OpAttributes attributes)
    {
        var output = new GraphValue(_ops.Count, shape);
        _ops.Add(new GraphOp(kind, name, inputs, output, parameters, attributes));
        return output;
    }

    private static void Require(string name, bool condition, string message)
    {
        if (!condition) throw new ArgumentException($"{name}: {message}");
    }
}
