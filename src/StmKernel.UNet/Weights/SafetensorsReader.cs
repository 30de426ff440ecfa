using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace StmKernel.UNet.Weights;

/// <summary>
/// Reads safetensors files (Hugging Face): an 8-byte little-endian header length N, N bytes of JSON
/// <c>{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {…}}</c>, then the data,
/// offsets relative to its start. F32, F16 and BF16 are read and converted to float32.
/// Every size in the header is checked against the file before anything is allocated for it.
/// </summary>
public static class SafetensorsReader
{
    /// <summary>The safetensors specification's header limit.</summary>
    public const long MaxHeaderBytes = 100_000_000;

    private const string MetadataKey = "__metadata__";

    /// <summary>Reads every tensor of the file.</summary>
    /// <exception cref="InvalidDataException">The file is malformed; the message names the file and the problem.</exception>
    public static SafetensorsContent Read(string path)
    {
        using var file = new MappedFile(path);
        long headerLength = ReadHeaderLength(file);
        long dataStart = 8 + headerLength;
        long dataLength = file.Length - dataStart;

        var header = JsonFields.ParseObject(file.Span(8, headerLength), path, "header");
        var entries = new List<Entry>(header.Count);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, node) in header)
        {
            if (key == MetadataKey) ReadMetadata(node, path, metadata);
            else entries.Add(ReadEntry(key, node, path, dataLength));
        }
        CheckNoOverlap(entries, path);

        var tensors = new Dictionary<string, WeightTensor>(entries.Count, StringComparer.Ordinal);
        var dtypes = new Dictionary<string, DType>(entries.Count, StringComparer.Ordinal);
        foreach (var e in entries.OrderBy(e => e.Begin))
        {
            var data = new float[e.Count];
            FloatCodec.Decode(file.Span(dataStart + e.Begin, e.End - e.Begin), e.DType, data);
            tensors[e.Name] = new WeightTensor(e.Shape, data);
            dtypes[e.Name] = e.DType;
        }
        return new SafetensorsContent(tensors, dtypes, metadata);
    }

    /// <summary>True when the first bytes look like a safetensors header (a plausible length, then '{').</summary>
    internal static bool LooksLike(ReadOnlySpan<byte> head, long fileLength)
    {
        if (head.Length < 9) return false;
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(head);
        return n >= 2 && n <= (ulong)Math.Min(fileLength - 8, MaxHeaderBytes) && head[8] == (byte)'{';
    }

    private static long ReadHeaderLength(MappedFile file)
    {
        if (file.Length < 8)
            throw new InvalidDataException($"{file.Path}: {file.Length} bytes is too short for a safetensors file (8-byte header length missing)");
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(file.Span(0, 8));
        if (n > (ulong)(file.Length - 8))
            throw new InvalidDataException($"{file.Path}: header length {n} is larger than the {file.Length - 8} bytes after it (truncated or not a safetensors file)");
        if (n > MaxHeaderBytes)
            throw new InvalidDataException($"{file.Path}: header length {n} exceeds the safetensors limit of {MaxHeaderBytes} bytes");
        return (long)n;
    }

    private static void ReadMetadata(JsonNode? node, string path, Dictionary<string, string> into)
    {
        if (node is not JsonObject o) throw new InvalidDataException($"{path}: \"{MetadataKey}\" must be an object of strings");
        foreach (var (k, v) in o)
        {
            if (v is null || v.GetValueKind() != JsonValueKind.String)
                throw new InvalidDataException($"{path}: \"{MetadataKey}\".\"{k}\" must be a string");
            into[k] = v.GetValue<string>();
        }
    }

    private static Entry ReadEntry(string name, JsonNode? node, string path, long dataLength)
    {
        if (node is not JsonObject o) throw new InvalidDataException($"{path}: tensor \"{name}\" must be an object with dtype, shape and data_offsets");
        var f = new JsonFields(o, path, $"tensor \"{name}\"");
        string dtypeName = f.String("dtype") ?? throw f.Error("dtype", "is missing");
        var dtype = DTypes.FromSafetensorsName(dtypeName)
            ?? throw f.Error("dtype", $"is {dtypeName}; only F32, F16 and BF16 are supported");
        int[] shape = f.IntArray("shape");
        long[] offsets = f.OffsetArray("data_offsets");
        if (offsets.Length != 2) throw f.Error("data_offsets", $"must be [begin, end], got {offsets.Length} numbers");

        long count = WeightShapes.CheckedCount(shape, path, name);
        long begin = offsets[0], end = offsets[1];
        if (begin > end || end > dataLength)
            throw f.Error("data_offsets", $"[{begin}, {end}] lies outside the {dataLength} data bytes");
        if (end - begin != count * dtype.Size())
            throw f.Error("data_offsets", $"span {end - begin} bytes, but shape {ParameterSpec.FormatShape(shape)} of {dtypeName} needs {count * dtype.Size()}");
        return new Entry(name, dtype, shape, (int)count, begin, end);
    }

    private static void CheckNoOverlap(List<Entry> entries, string path)
    {
        Entry? prev = null;
        foreach (var e in entries.Where(e => e.End > e.Begin).OrderBy(e => e.Begin))
        {
            if (prev is not null && e.Begin < prev.End)
                throw new InvalidDataException($"{path}: tensors \"{prev.Name}\" [{prev.Begin}, {prev.End}) and \"{e.Name}\" [{e.Begin}, {e.End}) overlap");
            prev = e;
        }
    }

    private sealed record Entry(string Name, DType DType, int[] Shape, int Count, long Begin, long End);
}
