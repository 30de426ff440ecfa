using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using StmKernel.UNet.Weights;

namespace StmKernel.UNet.Tests.Weights;

public class WeightsInfoTests
{
    private static string Describe(string path)
    {
        var w = new StringWriter();
        WeightsInfo.Describe(path, w);
        return w.ToString();
    }

    [Fact]
    public void DescribesAStmwFile()
    {
        using var dir = new TempDir();
        var metadata = new ModelMetadata { Task = "restore", Sampler = SamplerSettings.Ddim };
        var set = TestSupport.RandomSet(TestSupport.Tiny, seed: 20, metadata);
        string path = dir.File("m.stmw");
        set.SaveStmw(path, DType.F16);
        byte[] f = File.ReadAllBytes(path);
        uint crc = BinaryPrimitives.ReadUInt32LittleEndian(f.AsSpan(f.Length - 4));

        string text = Describe(path);
        Assert.Contains(".stmw version 1", text);
        Assert.Contains("channels [32, 64], 1 layers/block, mid attention on (head dim 8), 8 groups", text);
        Assert.Contains(ParameterList.CountParameters(TestSupport.Tiny).ToString("N0", CultureInfo.InvariantCulture) + " in ", text);
        Assert.Contains("float16", text);
        Assert.Contains($"CRC32 0x{crc:X8} (verified)", text);
        Assert.Contains("task:", text);
        Assert.Contains("ddim, epsilon prediction, cosine schedule, T = 1000", text);
    }

    [Fact]
    public void DescribesSafetensorsWithAndWithoutConfig()
    {
        using var dir = new TempDir();
        var set = TestSupport.RandomSet(TestSupport.Tiny, seed: 21);
        string path = dir.File("model.safetensors");
        SafetensorsWriter.Write(path, set.Tensors, DType.BF16);
        uint crc = Crc32.HashToUInt32(File.ReadAllBytes(path));

        string bare = Describe(path);
        Assert.Contains("architecture:  unknown", bare);
        Assert.Contains("bfloat16", bare);
        Assert.Contains($"CRC32 0x{crc:X8} of the whole file", bare);

        DiffusersConfig.Save(dir.File("config.json"), TestSupport.Tiny);
        string full = Describe(path);
        Assert.Contains("channels [32, 64]", full);
        Assert.Contains(ParameterList.CountParameters(TestSupport.Tiny).ToString("N0", CultureInfo.InvariantCulture), full);
    }
}
