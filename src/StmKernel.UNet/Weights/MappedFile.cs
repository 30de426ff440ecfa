using System.IO.MemoryMappedFiles;

namespace StmKernel.UNet.Weights;

/// <summary>
/// A read-only memory mapping of a whole file. Readers take bounds-checked spans of it, so a file is
/// never copied into a managed buffer before its header has been checked against its length.
/// </summary>
internal sealed unsafe class MappedFile : IDisposable
{
    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly byte* _base;

    /// <summary>The path as given, for messages.</summary>
    public string Path { get; }

    /// <summary>File length in bytes.</summary>
    public long Length { get; }

    public MappedFile(string path)
    {
        Path = path;
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        Length = fs.Length;
        if (Length == 0) return; // an empty file cannot be mapped; every read of it fails the bounds check
        _map = MemoryMappedFile.CreateFromFile(fs, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
        _view = _map.CreateViewAccessor(0, Length, MemoryMappedFileAccess.Read);
        byte* p = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
        _base = p + _view.PointerOffset;
    }

    /// <summary>
    /// <paramref name="length"/> bytes at <paramref name="offset"/>. Callers check ranges against
    /// <see cref="Length"/> first and report them in the file's terms; this is the last line of defence.
    /// </summary>
    public ReadOnlySpan<byte> Span(long offset, long length)
    {
        if (offset < 0 || length < 0 || length > int.MaxValue || offset > Length - length)
            throw new InvalidDataException($"{Path}: read of {length} bytes at offset {offset} is outside the file ({Length} bytes)");
        return length == 0 ? default : new ReadOnlySpan<byte>(_base + offset, (int)length);
    }

    /// <summary>CRC-32 (IEEE) of bytes [offset, offset + length), in chunks so any length works (spans are int-sized).</summary>
    public uint Crc32(long offset, long length)
    {
        const int Chunk = 1 << 26;
        var crc = new System.IO.Hashing.Crc32(); // qualified: this method's own name hides the type
        for (long done = 0; done < length; done += Chunk)
            crc.Append(Span(offset + done, Math.Min(Chunk, length - done)));
        return crc.GetCurrentHashAsUInt32();
    }

    public void Dispose()
    {
        if (_view is not null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
        }
        _map?.Dispose();
    }
}
