using System.IO.Compression;

namespace StmKernel.Imaging.Formats;

/// <summary>zlib inflate into a buffer of a size the caller computed from the header, never more.</summary>
internal static class Zlib
{
    /// <summary>Deflate cannot expand data by more than about 1032:1; a header asking for more is inconsistent.</summary>
    public const long MaxRatio = 1100;

    /// <summary>
    /// Inflates exactly <paramref name="expected"/> bytes or throws naming the file and field. The
    /// output grows only as data actually decompresses, so a header that lies about the size costs
    /// no more memory than the stream really holds.
    /// </summary>
    public static byte[] Inflate(ReadOnlySpan<byte> compressed, long expected, string file, string field)
    {
        if (expected > compressed.Length * MaxRatio + 1024)
            throw new StmFileException(file, field, $"at most {compressed.Length * MaxRatio + 1024} bytes from {compressed.Length} compressed bytes", $"a header asking for {expected}");
        if (expected > Array.MaxLength) throw new StmFileException(file, field, "under 2 GiB", $"{expected} bytes");
        var output = new MemoryStream((int)Math.Min(expected, 4L * compressed.Length + 65536));
        var chunk = new byte[65536];
        try
        {
            using var z = new ZLibStream(new MemoryStream(compressed.ToArray(), writable: false), CompressionMode.Decompress);
            while (output.Length < expected)
            {
                int n = z.Read(chunk, 0, (int)Math.Min(chunk.Length, expected - output.Length));
                if (n == 0) break;
                output.Write(chunk, 0, n);
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            // Corrupt deflate data surfaces as InvalidDataException, or for some streams as ZLibException (an
            // IOException: "the underlying compression routine returned an unexpected error code"); afl++ found
            // the second on mutated Createc files (tests/fuzz-corpus/createc/crash-zlib-error-*).
            throw new StmFileException(file, field, "a valid zlib stream", e.Message, e);
        }
        if (output.Length < expected) throw new StmFileException(file, field, $"{expected} bytes after decompression", $"{output.Length} bytes");
        return output.Length == output.Capacity ? output.GetBuffer() : output.ToArray();
    }

    /// <summary>Compresses with zlib framing.</summary>
    public static byte[] Deflate(ReadOnlySpan<byte> data)
    {
        using var ms = new MemoryStream();
        using (var z = new ZLibStream(ms, CompressionLevel.Optimal, leaveOpen: true)) z.Write(data);
        return ms.ToArray();
    }
}
