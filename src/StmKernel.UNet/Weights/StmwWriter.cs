using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using StmKernel.Tensors;

namespace StmKernel.UNet.Weights;

/// <summary>Writes .stmw files (docs/weights-format.md).</summary>
public static class StmwWriter
{
    /// <summary>
    /// Writes <paramref name="weights"/> with every tensor stored as <paramref name="dtype"/> (F32 or F16),
    /// in <see cref="ParameterList"/> order, through a temporary file and a rename.
    /// </summary>
    /// <exception cref="InvalidDataException">The set does not match its architecture, a known metadata field is invalid, or a value overflows float16.</exception>
    public static void Write(string path, WeightSet weights, DType dtype)
    {
        weights.Validate();
        ModelMetadata.FromJson(weights.Metadata.Json, path); // never write a file the reader would refuse
        byte code = StmwLayout.Code(dtype);
        var specs = ParameterList.For(weights.Config);
        foreach (var s in specs) FloatCodec.CheckRepresentable(weights.Tensors[s.Key].Data, dtype, path, s.Key);

        byte[] metadata = MetadataBytes(weights);
        var offsets = new long[specs.Count];
        long dataLength = 0;
        for (int i = 0; i < specs.Count; i++)
        {
            offsets[i] = StmwLayout.Align(dataLength);
            dataLength = offsets[i] + specs[i].Count * dtype.Size();
        }
        byte[] table = Table(specs, code, dtype, offsets);

        AtomicFile.Write(path, stream =>
        {
            var crc = new Crc32();
            void Put(ReadOnlySpan<byte> bytes)
            {
                stream.Write(bytes);
                crc.Append(bytes);
            }

            Span<byte> header = stackalloc byte[StmwLayout.HeaderBytes];
            StmwLayout.Magic.CopyTo(header);
            BinaryPrimitives.WriteUInt32LittleEndian(header[8..], StmwLayout.Version);
            BinaryPrimitives.WriteUInt32LittleEndian(header[12..], (uint)metadata.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(header[16..], (uint)table.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(header[20..], (uint)specs.Count);
            BinaryPrimitives.WriteUInt64LittleEndian(header[24..], (ulong)dataLength);
            Put(header);
            Put(metadata);
            Put(table);

            long written = StmwLayout.HeaderBytes + metadata.Length + table.Length;
            long dataStart = StmwLayout.Align(written);
            Put(new byte[dataStart - written]);
            long pos = 0;
            for (int i = 0; i < specs.Count; i++)
            {
                Put(new byte[offsets[i] - pos]);
                var data = weights.Tensors[specs[i].Key].Data;
                var bytes = new byte[data.Length * dtype.Size()];
                FloatCodec.Encode(data, dtype, bytes);
                Put(bytes);
                pos = offsets[i] + bytes.Length;
            }

            Span<byte> trailer = stackalloc byte[StmwLayout.TrailerBytes];
            BinaryPrimitives.WriteUInt32LittleEndian(trailer, crc.GetCurrentHashAsUInt32());
            stream.Write(trailer);
        });
    }

    // The architecture goes first so that `head` on a file shows it; every other field follows as stored.
    private static byte[] MetadataBytes(WeightSet weights)
    {
        var json = new JsonObject { [ModelMetadata.ArchitectureKey] = weights.Config.ToJson() };
        foreach (var (k, v) in weights.Metadata.Json)
        {
            if (k != ModelMetadata.ArchitectureKey) json[k] = v?.DeepClone();
        }
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
            json.WriteTo(w);
        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] Table(IReadOnlyList<ParameterSpec> specs, byte code, DType dtype, long[] offsets)
    {
        using var ms = new MemoryStream();
        Span<byte> scratch = stackalloc byte[8];
        for (int i = 0; i < specs.Count; i++)
        {
            byte[] name = Encoding.UTF8.GetBytes(specs[i].Key);
            BinaryPrimitives.WriteUInt16LittleEndian(scratch, (ushort)name.Length);
            ms.Write(scratch[..2]);
            ms.Write(name);
            ms.WriteByte(code);
            ms.WriteByte((byte)specs[i].Shape.Length);
            foreach (int d in specs[i].Shape)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(scratch, (uint)d);
                ms.Write(scratch[..4]);
            }
            BinaryPrimitives.WriteUInt64LittleEndian(scratch, (ulong)offsets[i]);
            ms.Write(scratch);
            BinaryPrimitives.WriteUInt64LittleEndian(scratch, (ulong)(specs[i].Count * dtype.Size()));
            ms.Write(scratch);
        }
        return ms.ToArray();
    }
}
