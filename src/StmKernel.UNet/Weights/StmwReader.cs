using System.Buffers.Binary;
using System.Text;
using StmKernel.UNet.Networks;

namespace StmKernel.UNet.Weights;

/// <summary>What a .stmw file holds.</summary>
internal sealed record StmwContent(
    INetworkConfig Config,
    ModelMetadata Metadata,
    IReadOnlyDictionary<string, WeightTensor> Tensors,
    IReadOnlyDictionary<string, DType> DTypes,
    uint Crc32);

/// <summary>
/// Reads .stmw files through a memory mapping. Order of checks: header sizes against the file length,
/// then the CRC-32 over the mapped bytes, then the metadata and table entry by entry; only then is
/// memory allocated for tensors, each bounded by the checked data section.
/// </summary>
internal static class StmwReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static StmwContent Read(string path)
    {
        using var file = new MappedFile(path);
        long length = file.Length;
        if (length < StmwLayout.HeaderBytes + StmwLayout.TrailerBytes)
            throw new InvalidDataException($"{path}: {length} bytes is too short for a .stmw file (header and checksum need {StmwLayout.HeaderBytes + StmwLayout.TrailerBytes})");
        var header = file.Span(0, StmwLayout.HeaderBytes);
        if (!header[..8].SequenceEqual(StmwLayout.Magic))
            throw new InvalidDataException($"{path}: not a .stmw file (magic bytes {Convert.ToHexString(header[..8])}, expected {Convert.ToHexString(StmwLayout.Magic)})");
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
        if (version != StmwLayout.Version)
            throw new InvalidDataException($"{path}: .stmw format version {version}, but this build of stmkernel reads version {StmwLayout.Version} only; use a matching stmkernel or re-convert the weights");
        uint metaLength = BinaryPrimitives.ReadUInt32LittleEndian(header[12..]);
        uint tableLength = BinaryPrimitives.ReadUInt32LittleEndian(header[16..]);
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(header[20..]);
        ulong dataLength = BinaryPrimitives.ReadUInt64LittleEndian(header[24..]);

        long tableStart = StmwLayout.HeaderBytes + (long)metaLength;
        long tableEnd = tableStart + tableLength;
        if (tableEnd > length - StmwLayout.TrailerBytes)
            throw new InvalidDataException($"{path}: metadata ({metaLength} bytes) and tensor table ({tableLength} bytes) extend beyond the file ({length} bytes): truncated or corrupted");
        long dataStart = StmwLayout.Align(tableEnd);
        if (dataLength > (ulong)length)
            throw new InvalidDataException($"{path}: data section of {dataLength} bytes is larger than the file ({length} bytes): truncated or corrupted");
        long expected = dataStart + (long)dataLength + StmwLayout.TrailerBytes;
        if (expected > length)
            throw new InvalidDataException($"{path}: truncated: the header describes {expected} bytes, the file has {length}");
        if (expected < length)
            throw new InvalidDataException($"{path}: {length - expected} unexpected bytes after the checksum (the header describes {expected} bytes)");

        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(file.Span(length - StmwLayout.TrailerBytes, StmwLayout.TrailerBytes));
        uint computed = file.Crc32(0, length - StmwLayout.TrailerBytes);
        if (stored != computed)
            throw new InvalidDataException($"{path}: checksum mismatch: stored CRC32 0x{stored:X8}, computed 0x{computed:X8}; the file is corrupted");

        if (count > tableLength / StmwLayout.MinEntryBytes)
            throw new InvalidDataException($"{path}: {count} tensors cannot fit in a {tableLength}-byte tensor table");

        var json = JsonFields.ParseObject(file.Span(StmwLayout.HeaderBytes, metaLength), path, "metadata");
        if (json[ModelMetadata.ArchitectureKey] is not System.Text.Json.Nodes.JsonObject arch)
            throw new InvalidDataException($"{path}: metadata has no \"{ModelMetadata.ArchitectureKey}\" object");
        var config = NetworkFamilies.Parse(arch, path, ModelMetadata.ArchitectureKey);
        json.Remove(ModelMetadata.ArchitectureKey);
        var metadata = ModelMetadata.FromJson(json, path);

        var entries = ReadTable(file.Span(tableStart, tableLength), (int)count, (long)dataLength, path);
        var tensors = new Dictionary<string, WeightTensor>(entries.Count, StringComparer.Ordinal);
        var dtypes = new Dictionary<string, DType>(entries.Count, StringComparer.Ordinal);
        foreach (var e in entries)
        {
            var data = new float[e.Count];
            FloatCodec.Decode(file.Span(dataStart + e.Offset, e.Bytes), e.DType, data);
            tensors[e.Name] = new WeightTensor(e.Shape, data);
            dtypes[e.Name] = e.DType;
        }
        return new StmwContent(config, metadata, tensors, dtypes, stored);
    }

    private static List<Entry> ReadTable(ReadOnlySpan<byte> table, int count, long dataLength, string path)
    {
        var entries = new List<Entry>(count);
        var names = new HashSet<string>(StringComparer.Ordinal);
        var cursor = new Cursor(table);
        long previousEnd = 0;
        for (int i = 0; i < count; i++)
        {
            string where = $"{path}: tensor table entry {i}";
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(cursor.Take(where, 2, "name length"));
            if (nameLength is 0 or > StmwLayout.MaxNameBytes)
                throw new InvalidDataException($"{where}: name length {nameLength} is outside 1…{StmwLayout.MaxNameBytes}");
            string name;
            try { name = StrictUtf8.GetString(cursor.Take(where, nameLength, "name")); }
            catch (DecoderFallbackException) { throw new InvalidDataException($"{where}: name is not valid UTF-8"); }
            where = $"{path}: tensor \"{name}\"";
            if (!names.Add(name)) throw new InvalidDataException($"{where} appears twice in the tensor table");

            byte code = cursor.Take(where, 1, "dtype")[0];
            var dtype = code switch
            {
                StmwLayout.CodeF32 => DType.F32,
                StmwLayout.CodeF16 => DType.F16,
                _ => throw new InvalidDataException($"{where}: unknown dtype code {code} (0 = float32, 1 = float16)"),
            };
            int rank = cursor.Take(where, 1, "rank")[0];
            if (rank > StmwLayout.MaxRank) throw new InvalidDataException($"{where}: rank {rank} exceeds {StmwLayout.MaxRank}");
            var dims = cursor.Take(where, 4 * rank, "shape");
            var shape = new int[rank];
            for (int d = 0; d < rank; d++)
            {
                uint v = BinaryPrimitives.ReadUInt32LittleEndian(dims[(4 * d)..]);
                if (v > int.MaxValue) throw new InvalidDataException($"{where}: dimension {v} is absurd");
                shape[d] = (int)v;
            }
            long elements = WeightShapes.CheckedCount(shape, path, name);
            ulong offset = BinaryPrimitives.ReadUInt64LittleEndian(cursor.Take(where, 8, "offset"));
            ulong bytes = BinaryPrimitives.ReadUInt64LittleEndian(cursor.Take(where, 8, "byte length"));

            if ((ulong)(elements * dtype.Size()) != bytes)
                throw new InvalidDataException($"{where}: {bytes} bytes stored, but shape {ParameterSpec.FormatShape(shape)} of {dtype.DisplayName()} needs {elements * dtype.Size()}");
            if (offset % StmwLayout.Alignment != 0)
                throw new InvalidDataException($"{where}: data offset {offset} is not a multiple of {StmwLayout.Alignment}");
            if (offset > (ulong)dataLength || bytes > (ulong)dataLength - offset)
                throw new InvalidDataException($"{where}: data [{offset}, {offset + bytes}) lies outside the {dataLength}-byte data section");
            if ((long)offset < previousEnd)
                throw new InvalidDataException($"{where}: data at offset {offset} overlaps the previous tensor (which ends at {previousEnd}); tensors must be stored in table order");
            previousEnd = (long)(offset + bytes);
            entries.Add(new Entry(name, dtype, shape, (int)elements, (long)offset, (long)bytes));
        }
        if (cursor.Left != 0)
            throw new InvalidDataException($"{path}: tensor table has {cursor.Left} bytes after its {count} entries");
        return entries;
    }

    /// <summary>Reads the table front to back; every read is checked against what is left.</summary>
    private ref struct Cursor(ReadOnlySpan<byte> table)
    {
        private ReadOnlySpan<byte> _rest = table;

        public readonly int Left => _rest.Length;

        public ReadOnlySpan<byte> Take(string where, int n, string what)
        {
            if (n > _rest.Length) throw new InvalidDataException($"{where}: {what} runs past the end of the tensor table");
            var s = _rest[..n];
            _rest = _rest[n..];
            return s;
        }
    }

    private sealed record Entry(string Name, DType DType, int[] Shape, int Count, long Offset, long Bytes);
}
