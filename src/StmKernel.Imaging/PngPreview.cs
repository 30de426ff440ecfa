using StmKernel.Imaging.Formats;

namespace StmKernel.Imaging;

/// <summary>
/// Greyscale PNG previews with a value range the caller fixes, for figures that must share one grey
/// scale (contact sheets, series) where <see cref="StmFile.WritePng"/>'s per-image percentile stretch
/// would not. Same encoder as <see cref="StmFile.WritePng"/>: the low end of the range is black,
/// the high end white, values outside clip, NaN is black; a range with
/// <c>high ≤ low</c> gives an all-black image. The mapping runs in single precision (see <c>PngFile.Encode</c>).
/// </summary>
public static class PngPreview
{
    /// <summary>The PNG file bytes of <paramref name="image"/> mapped linearly from [<paramref name="low"/>, <paramref name="high"/>] to 8 or 16 bits.</summary>
    public static byte[] Encode(StmImage image, float low, float high, int bitDepth = 8)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (!float.IsFinite(low) || !float.IsFinite(high))
            throw new ArgumentOutOfRangeException(nameof(low), $"PNG preview range must be finite, got [{low}, {high}]");
        return PngFile.Encode(image, bitDepth, low, high, "fixed range");
    }

    /// <summary>Writes <see cref="Encode"/>'s bytes to <paramref name="path"/> through a temporary file and a rename.</summary>
    public static void Write(string path, StmImage image, float low, float high, int bitDepth = 8)
    {
        byte[] png = Encode(image, low, high, bitDepth);
        SafeWrite.Write(path, s => s.Write(png));
    }
}
