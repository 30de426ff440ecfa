using StmKernel.UNet.Weights;
using StmKernel.UNet.Networks;

namespace StmKernel.UNet.Tests.Weights;

public class WeightSetTests
{
    /// <summary>A diffusers-style folder: model.safetensors + config.json.</summary>
    private static string DiffusersFolder(TempDir dir, WeightSet set, DType dtype, IEnumerable<KeyValuePair<string, WeightTensor>>? tensors = null)
    {
        string path = dir.File("model.safetensors");
        SafetensorsWriter.Write(path, tensors ?? set.Tensors, dtype);
        DiffusersConfig.Save(dir.File("config.json"), set.Config);
        return path;
    }

    [Theory]
    [InlineData(DType.F32)]
    [InlineData(DType.F16)]
    [InlineData(DType.BF16)]
    public void LoadsSafetensorsWithTheConfigBesideIt(DType dtype)
    {
        using var dir = new TempDir();
        var set = TestSupport.RandomSet(TestSupport.Tiny, seed: 8);
        string path = DiffusersFolder(dir, set, dtype);
        var back = WeightSet.Load(path);
        Assert.Equal(WeightFormat.Safetensors, back.SourceFormat);
        Assert.Equal(dtype, back.StoredDType);
        Assert.Equal(path, back.SourceFile);
        Assert.Null(back.StoredChecksum);
        Assert.True(NetworkFamilies.SameArchitecture(TestSupport.Tiny, back.Config));
        Assert.Equal(ParameterList.CountParameters(TestSupport.Tiny), back.ParameterCount);
        var w = back.Tensors["down_blocks.1.resnets.0.conv_shortcut.weight"];
        Assert.Equal([64, 32, 1, 1], w.Shape);
    }

    [Fact]
    public void SafetensorsToStmwKeepsEveryValue()
    {
        using var dir = new TempDir();
        var set = TestSupport.RandomSet(TestSupport.Tiny, seed: 9);
        var loaded = WeightSet.Load(DiffusersFolder(dir, set, DType.F16));
        string stmw = dir.File("m.stmw");
        loaded.SaveStmw(stmw, DType.F16);
        var back = WeightSet.Load(stmw);
        // fp16 → float32 → fp16 is exact, so the converted file holds exactly the safetensors values.
        foreach (var (key, t) in loaded.Tensors) Assert.Equal(t.Data, back.Tensors[key].Data);
    }

    [Fact]
    public void SaveSafetensorsWritesADiffusersFolderThatLoadsBack()
    {
        using var dir = new TempDir();
        var set = TestSupport.RandomSet(TestSupport.Tiny, seed: 18);
        string path = dir.File("model.safetensors");
        set.SaveSafetensors(path);
        DiffusersConfig.Save(dir.File("config.json"), set.Config);
        var back = WeightSet.Load(path);
        foreach (var (key, t) in set.Tensors) Assert.Equal(t.Data, back.Tensors[key].Data);
        Assert.Throws<FileNotFoundException>(() => WeightSet.Load(dir.File("absent.safetensors")));
    }

    [Fact]
    public void FormatIsDetectedByContentNotExtension()
    {
        using var dir = new TempDir();
        var set = TestSupport.RandomSet(TestSupport.Tiny, seed: 10);
        string misnamed = dir.File("really-stmw.safetensors");
        set.SaveStmw(misnamed, DType.F32);
        Assert.Equal(WeightFormat.Stmw, WeightFile.DetectFormat(misnamed));
        Assert.Equal(WeightFormat.Stmw, WeightSet.Load(misnamed).SourceFormat);

        string st = dir.File("weights.stmw");
        SafetensorsWriter.Write(st, set.Tensors, DType.F32);
        Assert.Equal(WeightFormat.Safetensors, WeightFile.DetectFormat(st));

        string text = dir.File("notes.stmw");
        File.WriteAllText(text, "hello, this is not a weight file at all");
        Assert.Null(WeightFile.DetectFormat(text));
        Assert.False(WeightFile.IsWeightFile(text));
        Assert.False(WeightFile.IsWeightFile(dir.File("absent.stmw")));
        Assert.True(WeightFile.IsWeightFile(misnamed));
        var e = Assert.Throws<InvalidDataException>(() => WeightSet.Load(text));
        Assert.Contains(text, e.Message);
        Assert.Contains("not a weights file", e.Message);
    }

    [Fact]
    public void MissingTensorNamesKeyAndExpectedShape()
    {
        using var dir = new TempDir();
        var set = TestSupport.RandomSet(TestSupport.Tiny, seed: 11);
        string path = DiffusersFolder(dir, set, DType.F32, set.Tensors.Where(kv => kv.Key != "mid_block.resnets.1.conv2.bias"));
        var e = Assert.Throws<InvalidDataException>(() => WeightSet.Load(path));
        Assert.StartsWith(path + ": 1 tensor(s) do not match", e.Message);
        Assert.Contains("missing tensor \"mid_block.resnets.1.conv2.bias\": expected shape [64], not in the file", e.Message);
    }

    [Fact]
    public void ExtraTensorNamesKeyAndShape()
    {
        using var dir = new TempDir();
        var set = TestSupport.RandomSet(TestSupport.Tiny, seed: 12);
        var tensors = set.Tensors.Append(KeyValuePair.Create("mid_block.attentions.1.to_q.weight", new WeightTensor(64, 64)));
        string path = DiffusersFolder(dir, set, DType.F32, tensors);
        var e = Assert.Throws<InvalidDataException>(() => WeightSet.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("unexpected tensor \"mid_block.attentions.1.to_q.weight\" with shape [64, 64]", e.Message);
    }

    [Fact]
    public void MisShapedTensorNamesKeyAndBothShapes()
    {
        using var dir = new TempDir();
        var set = TestSupport.RandomSet(TestSupport.Tiny, seed: 13);
        var tensors = set.Tensors.ToDictionary(kv => kv.Key, kv => kv.Value);
        tensors["up_blocks.0.resnets.1.conv1.weight"] = new WeightTensor(64, 96, 3, 1);
        string path = DiffusersFolder(dir, set, DType.F32, tensors);
        var e = Assert.Throws<InvalidDataException>(() => WeightSet.Load(path));
        Assert.Contains("tensor \"up_blocks.0.resnets.1.conv1.weight\" has shape [64, 96, 3, 1], expected [64, 96, 3, 3]", e.Message);
    }

    [Fact]
    public void WrongConfigListsEveryProblem()
    {
        using var dir = new TempDir();
        var set = TestSupport.RandomSet(TestSupport.Tiny, seed: 14);
        string path = DiffusersFolder(dir, set, DType.F32);
        DiffusersConfig.Save(dir.File("config.json"), TestSupport.Tiny with { AddAttention = false });
        var e = Assert.Throws<InvalidDataException>(() => WeightSet.Load(path));
        // The four attention linears and the attention group norm: 10 unexpected tensors.
        Assert.Contains("10 tensor(s) do not match the architecture", e.Message);
        Assert.Contains("unexpected tensor \"mid_block.attentions.0.group_norm.weight\" with shape [64]", e.Message);
    }

    [Fact]
    public void MissingConfigSaysWhereItWasExpected()
    {
        using var dir = new TempDir();
        var set = TestSupport.RandomSet(TestSupport.Tiny, seed: 15);
        string path = DiffusersFolder(dir, set, DType.F32);
        File.Delete(dir.File("config.json"));
        var e = Assert.Throws<FileNotFoundException>(() => WeightSet.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(dir.File("config.json"), e.Message);

        // An explicit config elsewhere works.
        string elsewhere = dir.File("other.json");
        DiffusersConfig.Save(elsewhere, TestSupport.Tiny);
        Assert.Equal(set.Tensors.Count, WeightSet.Load(path, elsewhere).Tensors.Count);
    }

    [Fact]
    public void ConfigGivenForStmwMustMatchItsArchitecture()
    {
        using var dir = new TempDir();
        var set = TestSupport.RandomSet(TestSupport.Tiny, seed: 16);
        string path = dir.File("m.stmw");
        set.SaveStmw(path, DType.F16);
        string same = dir.File("same.json"), other = dir.File("other.json");
        DiffusersConfig.Save(same, TestSupport.Tiny);
        DiffusersConfig.Save(other, UNetConfig.Small);
        Assert.NotNull(WeightSet.Load(path, same));
        var e = Assert.Throws<InvalidDataException>(() => WeightSet.Load(path, other));
        Assert.Contains(other, e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void InMemorySetsAreValidatedOnSave()
    {
        using var dir = new TempDir();
        var set = TestSupport.RandomSet(TestSupport.Tiny, seed: 17);
        var partial = new WeightSet(set.Config, set.Tensors.Where(kv => kv.Key != "conv_out.bias").ToDictionary());
        var e = Assert.Throws<InvalidDataException>(() => partial.SaveStmw(dir.File("m.stmw")));
        Assert.Contains("in-memory weights", e.Message);
        Assert.Contains("conv_out.bias", e.Message);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }
}
