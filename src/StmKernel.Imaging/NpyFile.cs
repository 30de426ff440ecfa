using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace StmKernel.Imaging;

/// <summary>
/// NumPy .npy files (format versions 1–3): reads float32/float64/int16/int32/uint8/uint16 in either
/// byte order, C or Fortran order, into float32; writes little-endian float32 C order.
/// </summary>
public static class NpyFile
{
    // Byte 0x93 then "NUMPY". (A u8 literal "\x93NUMPY" would encode U+0093 as two UTF-8 bytes.)
    internal static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads an array; the result is C-ordered float32 with the file's shape.</summary>
    /// <exception cref="StmFileException">The file is not a valid .npy of a supported dtype; the message names the file and field.</exception>
    public static (float[] Data, int[] Shape) Read(string path)
    {
        SafeWrite.Protect(path);
        using var fs = File.OpenRead(path);
        return Read(fs, path);
    }

    /// <summary>Reads an array from a stream; <paramref name="name"/> is used in error messages.</summary>
    public static (float[] Data, int[] Shape) Read(Stream stream, string name)
    {
        Span<byte> pre = stackalloc byte[10];
        if (stream.ReadAtLeast(pre, 10, throwOnEndOfStream: false) < 10 || !pre[..6].SequenceEqual(Magic))
            throw Bad(name, "magic", "\\x93NUMPY", "something else");
        int major = pre[6];
        int headerLen;
        int prefix;
        if (major == 1)
        {
            headerLen = BinaryPrimitives.ReadUInt16LittleEndian(pre[8..]);
            prefix = 10;
        }
        else if (major is 2 or 3)
        {
            Span<byte> two = stackalloc byte[2];
            if (stream.ReadAtLeast(two, 2, throwOnEndOfStream: false) < 2) throw Bad(name, "header length", "4 bytes", "end of file");
            uint len = BinaryPrimitives.ReadUInt32LittleEndian([pre[8], pre[9], two[0], two[1]]);
            if (len > 1 << 20) throw Bad(name, "header length", "≤ 1 MiB", $"{len} bytes");
            headerLen = (int)len;
            prefix = 12;
        }
        else throw Bad(name, "version", "1, 2 or 3", major.ToString(CultureInfo.InvariantCulture));

        if (stream.CanSeek && prefix + headerLen > stream.Length)
            throw Bad(name, "header length", $"≤ {stream.Length - prefix} bytes", $"{headerLen} bytes");
        var headerBytes = new byte[headerLen];
        if (stream.ReadAtLeast(headerBytes, headerLen, throwOnEndOfStream: false) < headerLen)
            throw Bad(name, "header", $"{headerLen} bytes", "end of file");
        string header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(headerBytes);

        string descr = DictValue(header, "descr", name).Trim().Trim('\'', '"');
        bool fortran = DictValue(header, "fortran_order", name).Trim() == "True";
        int[] shape = ParseShape(DictValue(header, "shape", name), name);

        long count = 1;
        foreach (int d in shape)
        {
            if (d > 0 && count > Array.MaxLength / d) throw Bad(name, "shape", "fewer than 2^31 elements", $"({string.Join(", ", shape)})");
            count *= d;
        }
        (int size, Func<ReadOnlySpan<byte>, bool, float> conv) = DType(descr, name);
        bool bigEndian = descr.StartsWith('>');
        long bytes = count * size;
        if (count > Array.MaxLength) throw Bad(name, "shape", "fewer than 2^31 elements", $"{count}");
        if (stream.CanSeek && stream.Length - stream.Position < bytes)
            throw Bad(name, "data length", $"{bytes} bytes for shape ({string.Join(", ", shape)})", $"{stream.Length - stream.Position} bytes");

        var raw = new byte[bytes];
        if (stream.ReadAtLeast(raw, raw.Length, throwOnEndOfStream: false) < raw.Length)
            throw Bad(name, "data", $"{bytes} bytes", "end of file");
        var data = new float[count];
        for (long i = 0; i < count; i++) data[i] = conv(raw.AsSpan((int)(i * size), size), bigEndian);
        if (fortran && shape.Length > 1) data = FortranToC(data, shape);
        return (data, shape);
    }

    /// <summary>Writes a little-endian float32 C-order array, via a temporary file and rename.</summary>
    public static void Write(string path, ReadOnlySpan<float> data, params int[] shape)
    {
        long count = 1;
        foreach (int d in shape) count *= d;
        if (count != data.Length) throw new ArgumentException($"data length {data.Length} does not match shape ({string.Join(", ", shape)})");
        string shapeText = shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";
        string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shapeText + ", }";
        int total = 10 + dict.Length + 1;
        int pad = (64 - total % 64) % 64;
        string header = dict + new string(' ', pad) + "\n";
        var buf = new byte[4 * data.Length];
        for (int i = 0; i < data.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(buf.AsSpan(4 * i), data[i]);

        SafeWrite.Write(path, fs =>
        {
            fs.Write(Magic);
            fs.Write([1, 0]);
            Span<byte> len = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)header.Length);
            fs.Write(len);
            fs.Write(Encoding.ASCII.GetBytes(header));
            fs.Write(buf);
        });
    }

    private static (int, Func<ReadOnlySpan<byte>, bool, float>) DType(string descr, string name) => descr.TrimStart('<', '>', '|', '=') switch
    {
        "f4" => (4, (b, be) => be ? BinaryPrimitives.ReadSingleBigEndian(b) : BinaryPrimitives.ReadSingleLittleEndian(b)),
        "f8" => (8, (b, be) => (float)(be ? BinaryPrimitives.ReadDoubleBigEndian(b) : BinaryPrimitives.ReadDoubleLittleEndian(b))),
        "i2" => (2, (b, be) => be ? BinaryPrimitives.ReadInt16BigEndian(b) : BinaryPrimitives.ReadInt16LittleEndian(b)),
        "u2" => (2, (b, be) => be ? BinaryPrimitives.ReadUInt16BigEndian(b) : BinaryPrimitives.ReadUInt16LittleEndian(b)),
        "i4" => (4, (b, be) => be ? BinaryPrimitives.ReadInt32BigEndian(b) : BinaryPrimitives.ReadInt32LittleEndian(b)),
        "u1" => (1, (b, _) => b[0]),
        _ => throw Bad(name, "descr", "one of f4, f8, i2, u2, i4, u1", descr),
    };

    private static string DictValue(string header, string key, string name)
    {
        int k = header.IndexOf("'" + key + "'", StringComparison.Ordinal);
        if (k < 0) throw Bad(name, "header", $"a '{key}' entry", header.Trim());
        int colon = header.IndexOf(':', k);
        if (colon < 0) throw Bad(name, "header", $"':' after '{key}'", header.Trim());
        int start = colon + 1;
        int end = header[start..].TrimStart().StartsWith('(') ? header.IndexOf(')', start) + 1 : header.IndexOf(',', start);
        if (end <= start) end = header.LastIndexOf('}');
        if (end <= start) throw Bad(name, "header", $"a value for '{key}'", header.Trim());
        return header[start..end];
    }

    private static int[] ParseShape(string text, string name)
    {
        string inner = text.Trim().TrimStart('(').TrimEnd(')');
        var parts = inner.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var shape = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out shape[i]))
                throw Bad(name, "shape", "non-negative integers", text.Trim());
        }
        return shape;
    }

    private static float[] FortranToC(float[] f, int[] shape)
    {
        var c = new float[f.Length];
        int rank = shape.Length;
        var idx = new int[rank];
        for (int i = 0; i < f.Length; i++)
        {
            // i walks C order; compute the Fortran-order offset of the same index.
            long off = 0, stride = 1;
            for (int d = 0; d < rank; d++) { off += idx[d] * stride; stride *= shape[d]; }
            c[i] = f[off];
            for (int d = rank - 1; d >= 0; d--) { if (++idx[d] < shape[d]) break; idx[d] = 0; }
        }
        return c;
    }

    private static StmFileException Bad(string file, string field, string expected, string actual) =>
        new(file, ".npy " + field, expected, actual);
}
