using System.Runtime.CompilerServices;

namespace StmKernel.Imaging;

/// <summary>Fast-scan direction of a channel: forward (trace) or backward (retrace).</summary>
public enum ScanDirection
{
    /// <summary>Trace: the tip moves left to right while recording.</summary>
    Forward,
    /// <summary>Retrace: recorded right to left; readers mirror it so column 0 is the left edge.</summary>
    Backward,
}

/// <summary>
/// One scan channel in physical units: row-major float data with row 0 at the top (Gwyddion's
/// convention), NaN marking missing pixels, plus the physical pixel size and acquisition metadata.
/// </summary>
/// <remarks>
/// A record so that every derived image (<see cref="Derive"/>, <see cref="WithData"/>, <see cref="Relabel"/>,
/// or <c>image with { Channel = … }</c>) is made by the compiler's copy constructor: a property added later
/// is carried by construction instead of silently dropped by a hand-written copy. Equality stays by
/// reference, as for the class this was: two scans are not "equal" because their pixels happen to match.
/// </remarks>
public sealed record StmImage
{
    /// <summary>Creates an image; <paramref name="data"/> is used as is (not copied) and must hold width × height values.</summary>
    public StmImage(float[] data, int width, int height)
    {
        CheckSize(data, width, height);
        Data = data;
        Width = width;
        Height = height;
    }

    // Every property of the source (the compiler's copy constructor), then the new pixels and size.
    private StmImage(StmImage source, float[] data, int width, int height) : this(source)
    {
        CheckSize(data, width, height);
        Data = data;
        Width = width;
        Height = height;
    }

    /// <summary>Pixel values, row-major, row 0 at the top; NaN = missing.</summary>
    public float[] Data { get; }

    /// <summary>Pixels per row (fast axis).</summary>
    public int Width { get; }

    /// <summary>Number of rows (slow axis).</summary>
    public int Height { get; }

    /// <summary>Physical pixel width in metres (1 when the size is unknown, see <see cref="PhysicalSizeKnown"/>).</summary>
    public double PixelSizeX { get; init; } = 1.0;

    /// <summary>Physical pixel height in metres (1 when the size is unknown).</summary>
    public double PixelSizeY { get; init; } = 1.0;

    /// <summary>False when the file did not say how large the scan is (pixel sizes are then 1 "pixel").</summary>
    public bool PhysicalSizeKnown { get; init; } = true;

    /// <summary>Centre/corner offset of the scan frame in metres as the file states it (0 when absent).</summary>
    public double OffsetX { get; init; }

    /// <summary>Offset of the scan frame along y in metres.</summary>
    public double OffsetY { get; init; }

    /// <summary>SI unit of the values, e.g. "m" for topography, "A" for current; empty when unitless/raw.</summary>
    public string ZUnit { get; init; } = "";

    /// <summary>Channel name as the instrument calls it, e.g. "Z", "Current".</summary>
    public string Channel { get; init; } = "";

    /// <summary>Fast-scan direction.</summary>
    public ScanDirection Direction { get; init; } = ScanDirection.Forward;

    /// <summary>Slow-scan direction ("up"/"down") when the file records it; null otherwise.</summary>
    public string? SlowScan { get; init; }

    /// <summary>Sample bias in volts, when recorded.</summary>
    public double? BiasVolts { get; init; }

    /// <summary>Feedback setpoint value (e.g. tunnelling current in A), when recorded.</summary>
    public double? Setpoint { get; init; }

    /// <summary>Unit of <see cref="Setpoint"/>, e.g. "A".</summary>
    public string? SetpointUnit { get; init; }

    /// <summary>Path of the file the image was read from, if any.</summary>
    public string? SourceFile { get; init; }

    /// <summary>Further key/value metadata from the file header (instrument specific).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>Physical width of the scan in metres.</summary>
    public double RealWidth => PixelSizeX * Width;

    /// <summary>Physical height of the scan in metres.</summary>
    public double RealHeight => PixelSizeY * Height;

    /// <summary>A short title such as "Z forward" for viewers and file titles.</summary>
    public string Title => string.IsNullOrEmpty(Channel) ? DirectionWord : $"{Channel} {DirectionWord}" + (SlowScan is null ? "" : $" {SlowScan}");

    private string DirectionWord => Direction == ScanDirection.Forward ? "forward" : "backward";

    /// <summary>The value at column <paramref name="x"/>, row <paramref name="y"/>.</summary>
    public float this[int x, int y] => Data[y * Width + x];

    /// <summary>The pixels as a [1, 1, height, width] tensor (a copy; NaN stays NaN).</summary>
    public StmKernel.Tensors.Tensor ToTensor() => new((float[])Data.Clone(), 1, 1, Height, Width);

    /// <summary>A copy whose pixels come from a [1, 1, H, W] (or [H, W]) tensor of this image's size, metadata kept.</summary>
    public StmImage WithTensor(StmKernel.Tensors.Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        bool fits = tensor.Rank is 2 or 4 && tensor.Dim(-1) == Width && tensor.Dim(-2) == Height && tensor.Length == Data.Length;
        if (!fits) throw new ArgumentException($"tensor {tensor.ShapeText} does not hold one {Height}×{Width} image", nameof(tensor));
        return WithData((float[])tensor.Data.Clone());
    }

    /// <summary>A copy with new pixel data of the same size and all metadata kept.</summary>
    public StmImage WithData(float[] data) => Derive(data, Width, Height);

    /// <summary>
    /// A copy of <paramref name="width"/> × <paramref name="height"/> pixels (<paramref name="data"/> used as is)
    /// with every other property of this image, pixel sizes included: a caller that resamples says how the
    /// pixel size changes, e.g. <c>image.Derive(d, w, h) with { PixelSizeY = … }</c>.
    /// </summary>
    public StmImage Derive(float[] data, int width, int height) => new(this, data, width, height);

    /// <summary>The same pixels under another channel name and, optionally, other metadata (e.g. "Z classical").</summary>
    public StmImage Relabel(string channel, IReadOnlyDictionary<string, string>? metadata = null) =>
        this with { Channel = channel, Metadata = metadata ?? Metadata };

    /// <summary>Reference equality (see the remarks on the type).</summary>
    public bool Equals(StmImage? other) => ReferenceEquals(this, other);

    /// <inheritdoc/>
    public override int GetHashCode() => RuntimeHelpers.GetHashCode(this);

    private static void CheckSize(float[] data, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"image size {width}×{height} must be positive");
        if (data.Length != (long)width * height) throw new ArgumentException($"data length {data.Length} is not {width}×{height}", nameof(data));
    }
}
