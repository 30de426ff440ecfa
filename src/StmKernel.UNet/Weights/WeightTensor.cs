namespace StmKernel.UNet.Weights;

/// <summary>One parameter tensor in memory: float32, row-major (C order) like a PyTorch tensor.</summary>
public sealed class WeightTensor
{
    /// <summary>Dimensions, outermost first (e.g. [out, in, kh, kw] for a convolution weight).</summary>
    public int[] Shape { get; }

    /// <summary>The elements; length equals the product of <see cref="Shape"/>.</summary>
    public float[] Data { get; }

    /// <summary>Wraps existing data (not copied).</summary>
    /// <exception cref="ArgumentException">The data length does not match the shape.</exception>
    public WeightTensor(int[] shape, float[] data)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        long n = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw new ArgumentException($"negative dimension in shape {ParameterSpec.FormatShape(shape)}", nameof(shape));
            n *= d;
        }
        if (n != data.Length)
            throw new ArgumentException($"data length {data.Length} does not match shape {ParameterSpec.FormatShape(shape)} ({n} elements)", nameof(data));
        Shape = (int[])shape.Clone();
        Data = data;
    }

    /// <summary>A zero-filled tensor.</summary>
    public WeightTensor(params int[] shape) : this(shape, new float[ElementCount(shape)]) { }

    /// <summary>Number of elements.</summary>
    public int Length => Data.Length;

    /// <summary>Shape as "[a, b, c]".</summary>
    public string ShapeText => ParameterSpec.FormatShape(Shape);

    private static int ElementCount(int[] shape)
    {
        long n = 1;
        foreach (int d in shape) n *= Math.Max(d, 0);
        return checked((int)n);
    }
}
