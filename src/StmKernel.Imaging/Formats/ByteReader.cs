using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace StmKernel.Imaging.Formats;

/// <summary>
/// Bounds-checked cursor over a file held in memory. Every read checks the remaining length first
/// and throws <see cref="StmFileException"/> naming the file and the field, so no reader can run
/// past the end, loop on a bad length or allocate more than the file could hold.
/// </summary>
internal sealed class ByteReader(byte[] bytes, string file, int start = 0, int end = -1)
{
    public byte[] Bytes { get; } = bytes;
    public string File { get; } = file;
    public int Position { get; set; } = start;

    /// <summary>End of the readable window (exclusive): a block's end when reading inside a block.</summary>
    public int Length { get; } = end < 0 ? bytes.Length : end;
    public int Remaining => Length - Position;

    /// <summary>A reader over the next <paramref name="count"/> bytes (no copy); this reader skips past them.</summary>
    public ByteReader Window(int count, string field)
    {
        Need(count, field);
        var w = new ByteReader(Bytes, File, Position, Position + count);
        Position += count;
        return w;
    }

    public StmFileException Bad(string field, string expected, string actual) => new(File, field, expected, actual);

    /// <summary>Throws unless <paramref name="count"/> more bytes are available for <paramref name="field"/>.</summary>
    public void Need(long count, string field)
    {
        if (count < 0 || count > Remaining)
            throw Bad(field, $"{count} more bytes at offset {Position}", $"{Remaining} bytes left (data ends at offset {Length})");
    }

    public ReadOnlySpan<byte> Take(int count, string field)
    {
        Need(count, field);
        var s = Bytes.AsSpan(Position, count);
        Position += count;
        return s;
    }

    public void Skip(long count, string field)
    {
        Need(count, field);
        Position += (int)count;
    }

    public byte U8(string field) => Take(1, field)[0];
    public uint U32LE(string field) => BinaryPrimitives.ReadUInt32LittleEndian(Take(4, field));
    public int I32LE(string field) => BinaryPrimitives.ReadInt32LittleEndian(Take(4, field));
    public long I64LE(string field) => BinaryPrimitives.ReadInt64LittleEndian(Take(8, field));
    public double F64LE(string field) => BinaryPrimitives.ReadDoubleLittleEndian(Take(8, field));

    /// <summary>A NUL-terminated string (UTF-8), at most the rest of the file.</summary>
    public string CString(string field)
    {
        int end = Array.IndexOf(Bytes, (byte)0, Position, Remaining);
        if (end < 0) throw Bad(field, "a NUL-terminated string", "no NUL before the end of the data");
        string s = Encoding.UTF8.GetString(Bytes, Position, end - Position);
        Position = end + 1;
        return s;
    }

    /// <summary>A uint32 element count whose elements of <paramref name="elementSize"/> bytes must fit in the rest of the file.</summary>
    public int Count(string field, int elementSize)
    {
        uint n = U32LE(field);
        if ((ulong)n * (ulong)Math.Max(1, elementSize) > (ulong)Remaining)
            throw Bad(field, $"a count whose {elementSize}-byte elements fit in the {Remaining} bytes left", n.ToString(CultureInfo.InvariantCulture));
        return (int)n;
    }

    public static string Num(long v) => v.ToString(CultureInfo.InvariantCulture);
}
