using StmKernel.Imaging.Formats;

namespace StmKernel.Imaging;

/// <summary>
/// Entry point for reading any supported STM or image file into <see cref="StmImage"/>s (format
/// chosen by magic bytes, never by extension) and for writing results (.gwy, .npy, .tif, .png,
/// chosen by the output extension). Every problem with a file surfaces as <see cref="StmFileException"/>.
/// </summary>
public static class StmFile
{
    /// <summary>Extensions <see cref="Write"/> understands, lower case with the dot.</summary>
    public static IReadOnlyList<string> WritableExtensions { get; } = [".gwy", ".npy", ".tif", ".tiff", ".png"];

    /// <summary>The format whose magic bytes start <paramref name="head"/>, or null.</summary>
    public static StmFormat? Detect(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith(NanonisSxmReader.Magic)) return StmFormat.NanonisSxm;
        if (head.StartsWith(OmicronMatrixReader.Magic)) return StmFormat.OmicronMatrix;
        if (head.StartsWith(CreatecDatReader.MagicCompressed) || head.StartsWith(CreatecDatReader.MagicRaw)) return StmFormat.CreatecDat;
        if (head.StartsWith(GwyddionFile.Magic)) return StmFormat.Gwyddion;
        if (head.StartsWith(NpyFile.Magic)) return StmFormat.Npy;
        if (head.StartsWith(TiffFile.MagicLE) || head.StartsWith(TiffFile.MagicBE)) return StmFormat.Tiff;
        if (head.StartsWith(PngFile.Magic)) return StmFormat.Png;
        return null;
    }

    /// <summary>Reads every channel of the file at <paramref name="path"/> (companion files such as a MATRIX parameter file are looked up next to it).</summary>
    public static StmDocument Read(string path)
    {
        SafeWrite.Protect(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new StmFileException(path, "file", "a readable file under 2 GiB", e.Message, e);
        }
        return Read(bytes, path, sidecar => File.Exists(sidecar) ? File.ReadAllBytes(sidecar) : null);
    }

    /// <summary>
    /// Reads every channel from bytes already in memory; <paramref name="name"/> is used in messages and
    /// to derive companion file names, which <paramref name="sidecar"/> resolves (null: no companions).
    /// </summary>
    public static StmDocument Read(byte[] bytes, string name, Func<string, byte[]?>? sidecar = null)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var format = Detect(bytes) ?? throw new StmFileException(name, "magic bytes",
            "a Nanonis .sxm, Omicron MATRIX, Createc .dat, .gwy, .npy, TIFF or PNG signature",
            bytes.Length == 0 ? "an empty file" : HeaderText.Quote(new string(bytes.Take(12).Select(b => b is >= 32 and < 127 ? (char)b : '.').ToArray())));
        return format switch
        {
            StmFormat.NanonisSxm => NanonisSxmReader.Read(bytes, name),
            StmFormat.OmicronMatrix => OmicronMatrixReader.Read(bytes, name, sidecar ?? (_ => null)),
            StmFormat.CreatecDat => CreatecDatReader.Read(bytes, name),
            StmFormat.Gwyddion => GwyddionFile.Read(bytes, name),
            StmFormat.Npy => ReadNpy(bytes, name),
            StmFormat.Tiff => TiffFile.Read(bytes, name),
            _ => PngFile.Read(bytes, name),
        };
    }

    /// <summary>
    /// Reads one channel: the first whose name matches <paramref name="channel"/> (case-insensitive;
    /// null = the first channel, which is topography for the STM formats) and <paramref name="direction"/>.
    /// </summary>
    public static StmImage ReadChannel(string path, string? channel = null, ScanDirection? direction = null) =>
        Select(Read(path), channel, direction, path);

    /// <summary>Picks a channel from a document as <see cref="ReadChannel"/> does.</summary>
    public static StmImage Select(StmDocument doc, string? channel, ScanDirection? direction, string name)
    {
        var match = doc.Channels.FirstOrDefault(c =>
            (channel is null || string.Equals(c.Channel, channel, StringComparison.OrdinalIgnoreCase)) &&
            (direction is null || c.Direction == direction));
        return match ?? throw new StmFileException(name, "channel",
            $"one of {string.Join(", ", doc.Channels.Select(c => c.Title).Distinct())}",
            $"{channel ?? "any channel"} {(direction is null ? "" : direction == ScanDirection.Forward ? "forward" : "backward")}".Trim());
    }

    /// <summary>
    /// Writes images in the format named by the extension of <paramref name="path"/>: .gwy takes all of
    /// them as channels; .npy, .tif/.tiff and .png take exactly one. Writes go through a temporary file
    /// and a rename, and never replace a file this process read as input.
    /// </summary>
    public static void Write(string path, IReadOnlyList<StmImage> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0) throw new ArgumentException("nothing to write", nameof(images));
        string ext = Path.GetExtension(path).ToLowerInvariant();
        if (ext == ".gwy") { WriteGwy(path, images); return; }
        if (!WritableExtensions.Contains(ext))
            throw new ArgumentException($"{path}: unknown output extension '{ext}'; use one of {string.Join(", ", WritableExtensions)}");
        if (images.Count != 1) throw new ArgumentException($"{path}: {ext} holds one image, got {images.Count}; use .gwy for several channels");
        switch (ext)
        {
            case ".npy": WriteNpy(path, images[0]); break;
            case ".png": WritePng(path, images[0]); break;
            default: WriteTiff(path, images[0]); break;
        }
    }

    /// <summary>Writes the images as channels of one Gwyddion file, with physical sizes, units, titles and metadata.</summary>
    public static void WriteGwy(string path, IReadOnlyList<StmImage> images) => GwyddionFile.Write(path, images);

    /// <summary>Writes a float32 array of shape (height, width).</summary>
    public static void WriteNpy(string path, StmImage image) => NpyFile.Write(path, image.Data, image.Height, image.Width);

    /// <summary>Writes a 32-bit float TIFF; physical size and unit go in the ImageDescription.</summary>
    public static void WriteTiff(string path, StmImage image) => TiffFile.Write(path, image);

    /// <summary>Writes an 8- or 16-bit grayscale preview stretched between two percentiles of the data.</summary>
    public static void WritePng(string path, StmImage image, int bitDepth = 8, double lowPercentile = 0.5, double highPercentile = 99.5) =>
        PngFile.Write(path, image, bitDepth, lowPercentile, highPercentile);

    private static StmDocument ReadNpy(byte[] bytes, string name)
    {
        var (data, shape) = NpyFile.Read(new MemoryStream(bytes, writable: false), name);
        int[] dims = shape.SkipWhile((d, i) => d == 1 && i < shape.Length - 2).ToArray();
        (int c, int h, int w) = dims.Length switch
        {
            2 => (1, dims[0], dims[1]),
            3 => (dims[0], dims[1], dims[2]),
            _ => throw new StmFileException(name, ".npy shape", "(H, W) or (C, H, W)", $"({string.Join(", ", shape)})"),
        };
        if (c < 1 || h < 1 || w < 1) throw new StmFileException(name, ".npy shape", "non-empty dimensions", $"({string.Join(", ", shape)})");
        var images = new List<StmImage>();
        for (int k = 0; k < c; k++)
            images.Add(new StmImage(data.AsSpan(k * h * w, h * w).ToArray(), w, h) { PhysicalSizeKnown = false, Channel = c > 1 ? $"channel {k}" : "", SourceFile = name });
        return new StmDocument(StmFormat.Npy, images, []);
    }
}
