using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;

namespace StmKernel.UNet.Weights;

/// <summary>
/// Writes safetensors files readable by the Hugging Face <c>safetensors</c> library (and so by
/// diffusers): header padded with spaces to a multiple of 8 bytes as the reference implementation
/// does, tensors stored contiguously in the order given.
/// </summary>
public static class SafetensorsWriter
{
    /// <summary>
    /// Writes <paramref name="tensors"/> as <paramref name="dtype"/> through a temporary file and a
    /// rename; an existing <paramref name="path"/> is replaced only once the new file is complete.
    /// </summary>
    /// <exception cref="InvalidDataException">A value cannot be stored in <paramref name="dtype"/> (float16 overflow).</exception>
    public static void Write(string path, IEnumerable<KeyValuePair<string, WeightTensor>> tensors, DType dtype,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        var list = tensors.ToList();
        if (list.Select(kv => kv.Key).Distinct(StringComparer.Ordinal).Count() != list.Count)
            throw new ArgumentException("tensor names must be unique", nameof(tensors));
        if (list.Any(kv => kv.Key == "__metadata__"))
            throw new ArgumentException("\"__metadata__\" is reserved and cannot name a tensor", nameof(tensors));
        foreach (var (key, t) in list) FloatCodec.CheckRepresentable(t.Data, dtype, path, key);

        byte[] header = Header(list, dtype, metadata);
        AtomicFile.Write(path, stream =>
        {
            Span<byte> len = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)header.Length);
            stream.Write(len);
            stream.Write(header);
            foreach (var (_, t) in list)
            {
                var bytes = new byte[t.Length * dtype.Size()];
                FloatCodec.Encode(t.Data, dtype, bytes);
                stream.Write(bytes);
            }
        });
    }

    private static byte[] Header(List<KeyValuePair<string, WeightTensor>> tensors, DType dtype, IReadOnlyDictionary<string, string>? metadata)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject("__metadata__");
                foreach (var (k, v) in metadata) w.WriteString(k, v);
                w.WriteEndObject();
            }
            long offset = 0;
            foreach (var (key, t) in tensors)
            {
                long bytes = (long)t.Length * dtype.Size();
                w.WriteStartObject(key);
                w.WriteString("dtype", dtype.SafetensorsName());
                w.WriteStartArray("shape");
                foreach (int d in t.Shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + bytes);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += bytes;
            }
            w.WriteEndObject();
        }
        int padded = (buffer.WrittenCount + 7) / 8 * 8;
        var header = new byte[padded];
        buffer.WrittenSpan.CopyTo(header);
        header.AsSpan(buffer.WrittenCount).Fill((byte)' ');
        return header;
    }
}
