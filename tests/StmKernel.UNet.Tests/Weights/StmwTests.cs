using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using System.IO.Hashing;
using StmKernel.UNet.Weights;
using StmKernel.UNet.Networks;

namespace StmKernel.UNet.Tests.Weights;

public class StmwTests
{
    private static string Saved(TempDir dir, DType dtype, out WeightSet original, string name = "m.stmw")
    {
        original = TestSupport.RandomSet(TestSupport.Tiny, seed: 5);
        string path = dir.File(name);
        original.SaveStmw(path, dtype);
        return path;
    }

    // Recomputes the trailer so that a deliberate edit reaches the structural checks behind the checksum.
    private static void FixCrc(byte[] file) =>
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(file.Length - 4), Crc32.HashToUInt32(file.AsSpan(0, file.Length - 4)));

    [Fact]
    public void Float32RoundTripIsBitExact()
    {
        using var dir = new TempDir();
        string path = Saved(dir, DType.F32, out var original);
        var back = WeightSet.Load(path);

        Assert.Equal(WeightFormat.Stmw, back.SourceFormat);
        Assert.Equal(DType.F32, back.StoredDType);
        Assert.True(NetworkFamilies.SameArchitecture(original.Config, back.Config));
        Assert.Equal(original.Tensors.Count, back.Tensors.Count);
        foreach (var (key, t) in original.Tensors)
        {
            Assert.Equal(t.Shape, back.Tensors[key].Shape);
            Assert.Equal(t.Data, back.Tensors[key].Data);
        }
    }

    [Fact]
    public void Float16RoundTripIsWithinHalfPrecisionRounding()
    {
        using var dir = new TempDir();
        string path = Saved(dir, DType.F16, out var original);
        var back = WeightSet.Load(path);
        Assert.Equal(DType.F16, back.StoredDType);
        double worst = 0;
        foreach (var (key, t) in original.Tensors)
        {
            var b = back.Tensors[key].Data;
            for (int i = 0; i < b.Length; i++)
            {
                // Half an ulp: 2^-11 relative for normal halves, 2^-25 absolute in the subnormal range.
                double bound = Math.Max(Math.Abs(t.Data[i]) * Math.Pow(2, -11), Math.Pow(2, -25));
                double err = Math.Abs(b[i] - t.Data[i]);
                Assert.True(err <= bound, $"{key}[{i}]: {t.Data[i]} → {b[i]}");
                worst = Math.Max(worst, err);
            }
        }
        Assert.True(worst > 0, "fp16 storage should not be exact for random data");
    }

    [Fact]
    public void LayoutIsAlignedAndTheTrailerIsTheCrcOfEverythingBefore()
    {
        using var dir = new TempDir();
        string path = Saved(dir, DType.F16, out var original);
        byte[] f = File.ReadAllBytes(path);
        Assert.Equal([0x89, (byte)'S', (byte)'T', (byte)'M', (byte)'W', 0x0D, 0x0A, 0x1A], f[..8]);
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(f.AsSpan(8)));
        long meta = BinaryPrimitives.ReadUInt32LittleEndian(f.AsSpan(12));
        long table = BinaryPrimitives.ReadUInt32LittleEndian(f.AsSpan(16));
        Assert.Equal((uint)original.Tensors.Count, BinaryPrimitives.ReadUInt32LittleEndian(f.AsSpan(20)));
        long data = (long)BinaryPrimitives.ReadUInt64LittleEndian(f.AsSpan(24));
        long dataStart = (32 + meta + table + 63) / 64 * 64;
        Assert.Equal(f.Length, dataStart + data + 4);
        Assert.Equal(Crc32.HashToUInt32(f.AsSpan(0, f.Length - 4)), BinaryPrimitives.ReadUInt32LittleEndian(f.AsSpan(f.Length - 4)));
        Assert.Equal(Crc32.HashToUInt32(f.AsSpan(0, f.Length - 4)), WeightSet.Load(path).StoredChecksum);

        // The first tensor (conv_in.weight) starts the data section: its first element, as half.
        ushort first = BinaryPrimitives.ReadUInt16LittleEndian(f.AsSpan((int)dataStart));
        Assert.Equal(FloatCodec.SingleToHalf(original.Tensors["conv_in.weight"].Data[0]), first);
        // The architecture is readable JSON at offset 32.
        var json = JsonNode.Parse(Encoding.UTF8.GetString(f, 32, (int)meta))!.AsObject();
        Assert.Equal("UNet2DModel", (string?)json["architecture"]!["_class_name"]);
    }

    [Fact]
    public void CorruptedByteFailsTheChecksumNamingFileAndBothCrcs()
    {
        using var dir = new TempDir();
        string path = Saved(dir, DType.F32, out _);
        byte[] f = File.ReadAllBytes(path);
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(f.AsSpan(f.Length - 4));
        f[f.Length / 2] ^= 0x10;
        uint computed = Crc32.HashToUInt32(f.AsSpan(0, f.Length - 4));
        File.WriteAllBytes(path, f);

        var e = Assert.Throws<InvalidDataException>(() => WeightSet.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("checksum mismatch", e.Message);
        Assert.Contains($"stored CRC32 0x{stored:X8}", e.Message);
        Assert.Contains($"computed 0x{computed:X8}", e.Message);
    }

    [Fact]
    public void CorruptedMetadataByteFailsTheChecksumToo()
    {
        using var dir = new TempDir();
        string path = Saved(dir, DType.F16, out _);
        byte[] f = File.ReadAllBytes(path);
        f[40] ^= 0x01;
        File.WriteAllBytes(path, f);
        var e = Assert.Throws<InvalidDataException>(() => WeightSet.Load(path));
        Assert.Contains("checksum mismatch", e.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(100)]
    [InlineData(5000)]
    public void TruncatedFileIsRefused(int cut)
    {
        using var dir = new TempDir();
        string path = Saved(dir, DType.F16, out _);
        byte[] f = File.ReadAllBytes(path);
        File.WriteAllBytes(path, f[..^cut]);
        var e = Assert.Throws<InvalidDataException>(() => WeightSet.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains($"truncated: the header describes {f.Length} bytes, the file has {f.Length - cut}", e.Message);
    }

    [Fact]
    public void HeaderLengthsBeyondTheFileAreRefused()
    {
        using var dir = new TempDir();
        string path = Saved(dir, DType.F16, out _);
        byte[] f = File.ReadAllBytes(path);
        BinaryPrimitives.WriteUInt32LittleEndian(f.AsSpan(12), 0xFFFFFFF0); // metadata length
        File.WriteAllBytes(path, f);
        var e = Assert.Throws<InvalidDataException>(() => WeightSet.Load(path));
        Assert.Contains("metadata (4294967280 bytes) and tensor table", e.Message);
        Assert.Contains("extend beyond the file", e.Message);

        f = File.ReadAllBytes(path);
        BinaryPrimitives.WriteUInt32LittleEndian(f.AsSpan(12), 10);
        BinaryPrimitives.WriteUInt64LittleEndian(f.AsSpan(24), ulong.MaxValue - 5); // data length
        File.WriteAllBytes(path, f);
        e = Assert.Throws<InvalidDataException>(() => WeightSet.Load(path));
        Assert.Contains("is larger than the file", e.Message);
    }

    [Fact]
    public void OtherVersionsAreRefusedWithBothVersions()
    {
        using var dir = new TempDir();
        string path = Saved(dir, DType.F32, out _);
        byte[] f = File.ReadAllBytes(path);
        BinaryPrimitives.WriteUInt32LittleEndian(f.AsSpan(8), 2);
        File.WriteAllBytes(path, f);
        var e = Assert.Throws<InvalidDataException>(() => WeightSet.Load(path));
        Assert.Contains("format version 2", e.Message);
        Assert.Contains("reads version 1 only", e.Message);
    }

    [Fact]
    public void AbsurdShapeInTheTableIsRefused()
    {
        using var dir = new TempDir();
        string path = Saved(dir, DType.F32, out _);
        byte[] f = File.ReadAllBytes(path);
        // Table entry 0 is conv_in.weight, rank 4: name length, name, dtype, rank, then the first dimension.
        int tableStart = 32 + (int)BinaryPrimitives.ReadUInt32LittleEndian(f.AsSpan(12));
        int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(f.AsSpan(tableStart));
        Assert.Equal("conv_in.weight", Encoding.UTF8.GetString(f, tableStart + 2, nameLength));
        int dim0 = tableStart + 2 + nameLength + 2;
        BinaryPrimitives.WriteUInt32LittleEndian(f.AsSpan(dim0), 0x7FFFFFFF);
        FixCrc(f);
        File.WriteAllBytes(path, f);
        var e = Assert.Throws<InvalidDataException>(() => WeightSet.Load(path));
        Assert.Contains("\"conv_in.weight\" has an absurd shape [2147483647, 2, 3, 3]", e.Message);

        BinaryPrimitives.WriteUInt32LittleEndian(f.AsSpan(dim0), 33); // plausible, but disagrees with the byte length
        FixCrc(f);
        File.WriteAllBytes(path, f);
        e = Assert.Throws<InvalidDataException>(() => WeightSet.Load(path));
        Assert.Contains("tensor \"conv_in.weight\": 2304 bytes stored, but shape [33, 2, 3, 3] of float32 needs 2376", e.Message);
    }

    [Fact]
    public void MisShapedTensorInAValidFileNamesKeyAndBothShapes()
    {
        using var dir = new TempDir();
        // Write with a table that says [16, 2, 3, 3] for conv_in.weight but keep byte sizes consistent:
        // a file whose structure is sound and whose content disagrees with its architecture.
        var set = TestSupport.RandomSet(TestSupport.Tiny, seed: 1);
        string path = dir.File("m.stmw");
        set.SaveStmw(path, DType.F32);
        byte[] f = File.ReadAllBytes(path);
        int tableStart = 32 + (int)BinaryPrimitives.ReadUInt32LittleEndian(f.AsSpan(12));
        int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(f.AsSpan(tableStart));
        int dims = tableStart + 2 + nameLength + 2;
        BinaryPrimitives.WriteUInt32LittleEndian(f.AsSpan(dims), 64);     // out 32 → 64
        BinaryPrimitives.WriteUInt32LittleEndian(f.AsSpan(dims + 4), 1);  // in 2 → 1: same element count
        FixCrc(f);
        File.WriteAllBytes(path, f);
        var e = Assert.Throws<InvalidDataException>(() => WeightSet.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("tensor \"conv_in.weight\" has shape [64, 1, 3, 3], expected [32, 2, 3, 3]", e.Message);
    }

    [Fact]
    public void MetadataRoundTripsKnownAndUnknownFields()
    {
        using var dir = new TempDir();
        var metadata = new ModelMetadata
        {
            Task = "sr4",
            Sampler = SamplerSettings.FlowMatching with { DefaultSteps = 5 },
            Normalisation = "minmax[-1,1]",
            Training = new JsonObject { ["steps"] = 12345, ["crop"] = 128, ["data"] = "procedural Si(001):H" },
        };
        metadata.Json["future_field"] = new JsonObject { ["nested"] = new JsonArray(1, 2, 3), ["ünïcode"] = "ok" };
        ((JsonObject)metadata.Json["sampler"]!)["guidance"] = 1.5; // unknown field inside a known object
        var set = TestSupport.RandomSet(TestSupport.Tiny, seed: 2, metadata);
        string path = dir.File("m.stmw");
        set.SaveStmw(path, DType.F16);

        var back = WeightSet.Load(path).Metadata;
        Assert.Equal("sr4", back.Task);
        Assert.Equal(SamplerSettings.FlowMatching with { DefaultSteps = 5 }, back.Sampler);
        Assert.Equal("minmax[-1,1]", back.Normalisation);
        Assert.Equal(12345, (int)back.Training!["steps"]!);
        Assert.Equal("procedural Si(001):H", (string?)back.Training["data"]);
        Assert.True(JsonNode.DeepEquals(metadata.Json["future_field"], back.Json["future_field"]));
        Assert.Equal(1.5, (double)back.Json["sampler"]!["guidance"]!);
        Assert.False(back.Json.ContainsKey("architecture"));

        // Saving the loaded set again keeps everything: identical metadata.
        string again = dir.File("again.stmw");
        WeightSet.Load(path).SaveStmw(again, DType.F16);
        Assert.True(JsonNode.DeepEquals(back.Json, WeightSet.Load(again).Metadata.Json));
    }

    [Fact]
    public void BadMetadataValuesAreRefusedByWriterAndReader()
    {
        using var dir = new TempDir();
        string path = dir.File("m.stmw");
        var metadata = new ModelMetadata();
        metadata.Json["sampler"] = new JsonObject { ["kind"] = "euler-a", ["prediction"] = "epsilon", ["schedule"] = "cosine" };
        var e = Assert.Throws<InvalidDataException>(() => TestSupport.RandomSet(TestSupport.Tiny, 3, metadata).SaveStmw(path, DType.F16));
        Assert.Contains("sampler: \"kind\" is \"euler-a\" (expected \"ddim\" or \"fm\")", e.Message);
        Assert.False(File.Exists(path));

        // A file from elsewhere with the same defect: edit a valid file's sampler kind in place.
        TestSupport.RandomSet(TestSupport.Tiny, 3, new ModelMetadata { Sampler = SamplerSettings.FlowMatching }).SaveStmw(path, DType.F16);
        byte[] f = File.ReadAllBytes(path);
        byte[] from = Encoding.UTF8.GetBytes("\"kind\": \"fm\""), to = Encoding.UTF8.GetBytes("\"kind\": \"xx\"");
        int at = f.AsSpan().IndexOf(from);
        Assert.True(at > 0);
        to.CopyTo(f, at);
        FixCrc(f);
        File.WriteAllBytes(path, f);
        e = Assert.Throws<InvalidDataException>(() => WeightSet.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("sampler: \"kind\" is \"xx\" (expected \"ddim\" or \"fm\")", e.Message);
    }

    [Fact]
    public void NothingIsLeftBesideTheOutput()
    {
        using var dir = new TempDir();
        Saved(dir, DType.F16, out var set);
        set.SaveStmw(dir.File("m.stmw"), DType.F32); // replace
        Assert.Equal(["m.stmw"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Float16OverflowIsRefusedAndTheTargetUntouched()
    {
        using var dir = new TempDir();
        var set = TestSupport.RandomSet(TestSupport.Tiny, seed: 4);
        set.Tensors["mid_block.attentions.0.to_q.bias"].Data[3] = 1e6f;
        string path = dir.File("m.stmw");
        var e = Assert.Throws<InvalidDataException>(() => set.SaveStmw(path, DType.F16));
        Assert.Contains("mid_block.attentions.0.to_q.bias", e.Message);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }
}
