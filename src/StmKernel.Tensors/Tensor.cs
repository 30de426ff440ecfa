namespace StmKernel.Tensors;

/// <summary>
/// A dense float32 tensor in plain row-major (C) order, e.g. [N, C, H, W] for images.
/// This is the exchange type of the public API; kernels use their own internal layouts.
/// </summary>
public sealed class Tensor
{
    /// <summary>The elements, row-major; length equals the product of <see cref="Shape"/>.</summary>
    public float[] Data { get; }

    /// <summary>The dimensions, outermost first.</summary>
    public int[] Shape { get; }

    /// <summary>Wraps existing data (not copied). Throws if the length does not match the shape.</summary>
    public Tensor(float[] data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        long n = ElementCount(shape);
        if (n != data.Length)
            throw new ArgumentException($"data length {data.Length} does not match shape {FormatShape(shape)} ({n} elements)");
        Data = data;
        Shape = (int[])shape.Clone();
    }

    /// <summary>A zero-filled tensor of the given shape.</summary>
    public Tensor(params int[] shape) : this(new float[checked((int)ElementCount(shape))], shape) { }

    /// <summary>Number of dimensions.</summary>
    public int Rank => Shape.Length;

    /// <summary>Number of elements.</summary>
    public int Length => Data.Length;

    /// <summary>Size of dimension <paramref name="i"/>; negative counts from the end.</summary>
    public int Dim(int i) => Shape[i < 0 ? Shape.Length + i : i];

    /// <summary>The data as a span.</summary>
    public Span<float> Span => Data;

    /// <summary>Element [n, c, y, x] of a rank-4 tensor.</summary>
    public ref float this[int n, int c, int y, int x] =>
        ref Data[((n * Shape[1] + c) * Shape[2] + y) * Shape[3] + x];

    /// <summary>Shape as "[a, b, c]".</summary>
    public string ShapeText => FormatShape(Shape);

    /// <summary>Product of dimensions, checked for negative sizes.</summary>
    public static long ElementCount(IReadOnlyList<int> shape)
    {
        long n = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw new ArgumentException($"negative dimension in shape {FormatShape(shape)}");
            n *= d;
        }
        return n;
    }

    /// <summary>Formats a shape as "[a, b, c]".</summary>
    public static string FormatShape(IReadOnlyList<int> shape) => "[" + string.Join(", ", shape) + "]";

    /// <summary>A deep copy.</summary>
    public Tensor Clone() => new((float[])Data.Clone(), Shape);
}
