namespace StmKernel.UNet.Weights;

/// <summary>The weight file formats we read.</summary>
public enum WeightFormat
{
    /// <summary>Hugging Face safetensors (architecture in a diffusers config.json beside it).</summary>
    Safetensors,

    /// <summary>Our .stmw format (docs/weights-format.md): architecture and sampler inside.</summary>
    Stmw,
}

/// <summary>Recognises weight files by their first bytes, never by their extension.</summary>
public static class WeightFile
{
    /// <summary>
    /// The format of <paramref name="path"/> judged by content: the .stmw magic, or a safetensors
    /// header (8-byte little-endian length that fits the file, followed by '{'); null for anything else.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static WeightFormat? DetectFormat(string path)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        Span<byte> head = stackalloc byte[16];
        int n = fs.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        head = head[..n];
        if (head.StartsWith(StmwLayout.Magic)) return WeightFormat.Stmw;
        if (SafetensorsReader.LooksLike(head, fs.Length)) return WeightFormat.Safetensors;
        return null;
    }

    /// <summary>True when <paramref name="path"/> is an existing .stmw or safetensors file (by content).</summary>
    public static bool IsWeightFile(string path) => File.Exists(path) && DetectFormat(path) is not null;
}
