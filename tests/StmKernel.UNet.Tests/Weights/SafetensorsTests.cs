using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using StmKernel.UNet.Weights;

namespace StmKernel.UNet.Tests.Weights;

public class SafetensorsTests
{
    /// <summary>A safetensors file assembled byte by byte, independent of our writer.</summary>
    private static byte[] Build(string headerJson, byte[] data, long? claimedHeaderLength = null)
    {
        byte[] header = Encoding.UTF8.GetBytes(headerJson);
        var file = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)(claimedHeaderLength ?? header.Length));
        header.CopyTo(file, 8);
        data.CopyTo(file, 8 + header.Length);
        return file;
    }

    private static string WriteFile(TempDir dir, byte[] bytes, string name = "model.safetensors")
    {
        string path = dir.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void ReadsHandBuiltFileWithAllThreeDTypes()
    {
        using var dir = new TempDir();
        // a: F32 [2] = {1.5, -2}; b: F16 [3] = {1, 0x3555, smallest subnormal}; c: BF16 [1, 2] = {-pi (bf16), 1}
        var data = new List<byte>();
        data.AddRange(BitConverter.GetBytes(1.5f));
        data.AddRange(BitConverter.GetBytes(-2f));
        data.AddRange(new byte[] { 0x00, 0x3C, 0x55, 0x35, 0x01, 0x00 });
        data.AddRange(new byte[] { 0x49, 0xC0, 0x80, 0x3F });
        string header = """
            {"__metadata__":{"format":"pt"},
             "b":{"dtype":"F16","shape":[3],"data_offsets":[8,14]},
             "a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},
             "c":{"dtype":"BF16","shape":[1,2],"data_offsets":[14,18]}}
            """;
        var content = SafetensorsReader.Read(WriteFile(dir, Build(header, data.ToArray())));

        Assert.Equal([1.5f, -2f], content.Tensors["a"].Data);
        Assert.Equal([1f, 0.333251953125f, 5.9604644775390625e-8f], content.Tensors["b"].Data);
        Assert.Equal([BitConverter.UInt32BitsToSingle(0xC0490000), 1f], content.Tensors["c"].Data);
        Assert.Equal([1, 2], content.Tensors["c"].Shape);
        Assert.Equal(DType.BF16, content.DTypes["c"]);
        Assert.Equal("pt", content.Metadata["format"]);
        Assert.Equal(3, content.Tensors.Count);
    }

    [Theory]
    [InlineData(DType.F32)]
    [InlineData(DType.F16)]
    [InlineData(DType.BF16)]
    public void RoundTripsThroughOurWriter(DType dtype)
    {
        using var dir = new TempDir();
        var rng = new Random(11);
        var values = new float[3 * 5 * 7];
        for (int i = 0; i < values.Length; i++) values[i] = (float)((rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-6, 4)));
        values[0] = float.PositiveInfinity;
        values[1] = -0f;
        values[2] = float.NaN;
        var tensors = new Dictionary<string, WeightTensor>
        {
            ["x.weight"] = new([3, 5, 7], values),
            ["x.bias"] = new([0], []),
            ["scalar"] = new([], [42.5f]),
        };
        string path = dir.File("out.safetensors");
        SafetensorsWriter.Write(path, tensors, dtype, new Dictionary<string, string> { ["note"] = "hi" });

        var back = SafetensorsReader.Read(path);
        Assert.Equal("hi", back.Metadata["note"]);
        Assert.Equal(dtype, back.DTypes["x.weight"]);
        Assert.Equal([3, 5, 7], back.Tensors["x.weight"].Shape);
        Assert.Empty(back.Tensors["x.bias"].Data);
        Assert.Equal(42.5f, back.Tensors["scalar"].Data[0]);
        var got = back.Tensors["x.weight"].Data;
        for (int i = 0; i < values.Length; i++)
        {
            float expected = dtype switch
            {
                DType.F32 => values[i],
                DType.F16 => FloatCodec.HalfToSingle(FloatCodec.SingleToHalf(values[i])),
                _ => FloatCodec.BFloat16ToSingle(FloatCodec.SingleToBFloat16(values[i])),
            };
            if (float.IsNaN(values[i])) Assert.True(float.IsNaN(got[i]));
            else Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(got[i])); // bit-exact, keeps -0
            // Independent bound: relative error of a normal number ≤ half an ulp (2^-11 for F16, 2^-8 for BF16).
            double rel = dtype switch { DType.F32 => 0, DType.F16 => Math.Pow(2, -11), _ => Math.Pow(2, -8) };
            if (float.IsFinite(values[i]) && Math.Abs(values[i]) > 1e-4)
                Assert.InRange(Math.Abs(got[i] - values[i]), 0, rel * Math.Abs(values[i]) * 1.0000001);
        }
    }

    [Fact]
    public void WriterOutputFollowsTheSpecification()
    {
        using var dir = new TempDir();
        string path = dir.File("w.safetensors");
        SafetensorsWriter.Write(path, new Dictionary<string, WeightTensor>
        {
            ["a"] = new([2, 3], [1, 2, 3, 4, 5, 6]),
            ["b"] = new([1], [7]),
        }, DType.F16);
        byte[] bytes = File.ReadAllBytes(path);
        long n = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, n % 8); // padded as the reference implementation does
        Assert.Equal(8 + n + 14, bytes.Length);
        using var doc = JsonDocument.Parse(bytes.AsMemory(8, (int)n));
        var b = doc.RootElement.GetProperty("b");
        Assert.Equal("F16", b.GetProperty("dtype").GetString());
        Assert.Equal([12L, 14L], b.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal(0x4700, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan((int)(8 + n + 12)))); // 7.0 in half
    }

    [Fact]
    public void HeaderLengthLargerThanFileIsRefusedBeforeAllocation()
    {
        using var dir = new TempDir();
        string path = WriteFile(dir, Build("{}", [], claimedHeaderLength: 1L << 40));
        var e = Assert.Throws<InvalidDataException>(() => SafetensorsReader.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("header length 1099511627776 is larger than the 2 bytes", e.Message);
    }

    [Fact]
    public void TooShortFileIsRefused()
    {
        using var dir = new TempDir();
        string path = WriteFile(dir, [1, 2, 3]);
        var e = Assert.Throws<InvalidDataException>(() => SafetensorsReader.Read(path));
        Assert.Contains("too short", e.Message);
    }

    [Fact]
    public void TruncatedDataIsRefused()
    {
        using var dir = new TempDir();
        string path = WriteFile(dir, Build("""{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""", new byte[12]));
        var e = Assert.Throws<InvalidDataException>(() => SafetensorsReader.Read(path));
        Assert.Contains("tensor \"w\"", e.Message);
        Assert.Contains("[0, 16] lies outside the 12 data bytes", e.Message);
    }

    [Fact]
    public void AbsurdShapeIsRefused()
    {
        using var dir = new TempDir();
        string path = WriteFile(dir, Build("""{"w":{"dtype":"F32","shape":[100000,100000,100000],"data_offsets":[0,4]}}""", new byte[4]));
        var e = Assert.Throws<InvalidDataException>(() => SafetensorsReader.Read(path));
        Assert.Contains("\"w\" has an absurd shape [100000, 100000, 100000]", e.Message);
    }

    [Fact]
    public void ShapeAndByteSizeMustAgree()
    {
        using var dir = new TempDir();
        string path = WriteFile(dir, Build("""{"w":{"dtype":"F16","shape":[3],"data_offsets":[0,8]}}""", new byte[8]));
        var e = Assert.Throws<InvalidDataException>(() => SafetensorsReader.Read(path));
        Assert.Contains("span 8 bytes, but shape [3] of F16 needs 6", e.Message);
    }

    [Fact]
    public void OverlappingTensorsAreRefused()
    {
        using var dir = new TempDir();
        string header = """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""";
        string path = WriteFile(dir, Build(header, new byte[12]));
        var e = Assert.Throws<InvalidDataException>(() => SafetensorsReader.Read(path));
        Assert.Contains("\"a\" [0, 8) and \"b\" [4, 12) overlap", e.Message);
    }

    [Theory]
    [InlineData("""{"w":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}""", "is I64; only F32, F16 and BF16 are supported")]
    [InlineData("""{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,8]}}""", "negative dimension")]
    [InlineData("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[0]}}""", "must be [begin, end]")]
    [InlineData("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", "not valid JSON")]
    [InlineData("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}""", "not valid JSON")]
    [InlineData("""[1,2]""", "must be a JSON object")]
    public void MalformedHeadersAreRefused(string header, string expected)
    {
        using var dir = new TempDir();
        string path = WriteFile(dir, Build(header, new byte[8]));
        var e = Assert.Throws<InvalidDataException>(() => SafetensorsReader.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void InvalidUtf8InTheHeaderIsAFileError()
    {
        // JsonNode defers the UTF-8 check of a string to its first read, where it threw InvalidOperationException
        // (afl++, tests/fuzz-corpus/safetensors/crash-invalid-utf8-*). A lone continuation byte inside the dtype:
        var file = Build("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", new byte[8]);
        int at = file.AsSpan().IndexOf("F32"u8) + 1;
        file[at] = 0x80;
        using var dir = new TempDir();
        string path = WriteFile(dir, file);
        var e = Assert.Throws<InvalidDataException>(() => SafetensorsReader.Read(path));
        Assert.Equal($"{path}: header is not valid UTF-8 (byte {at - 8} of {file.Length - 16})", e.Message);
    }
}
