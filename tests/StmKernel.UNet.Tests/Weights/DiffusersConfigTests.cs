using System.Text.Json.Nodes;
using StmKernel.UNet.Weights;
using StmKernel.UNet.Networks;

namespace StmKernel.UNet.Tests.Weights;

public class DiffusersConfigTests
{
    // As diffusers' UNet2DModel.save_config writes it (keys sorted, nulls included).
    private const string SmallConfigJson = """
        {
          "_class_name": "UNet2DModel",
          "_diffusers_version": "0.27.2",
          "act_fn": "silu",
          "add_attention": false,
          "attention_head_dim": 8,
          "attn_norm_num_groups": null,
          "block_out_channels": [32, 64, 128],
          "center_input_sample": false,
          "class_embed_type": null,
          "down_block_types": ["DownBlock2D", "DownBlock2D", "DownBlock2D"],
          "downsample_padding": 1,
          "downsample_type": "conv",
          "dropout": 0.0,
          "flip_sin_to_cos": true,
          "freq_shift": 0,
          "in_channels": 2,
          "layers_per_block": 2,
          "mid_block_scale_factor": 1,
          "norm_eps": 1e-05,
          "norm_num_groups": 32,
          "num_class_embeds": null,
          "num_train_timesteps": null,
          "out_channels": 1,
          "resnet_time_scale_shift": "default",
          "sample_size": 128,
          "time_embedding_type": "positional",
          "up_block_types": ["UpBlock2D", "UpBlock2D", "UpBlock2D"],
          "upsample_type": "conv"
        }
        """;

    private static JsonObject Json(string text) => JsonNode.Parse(text)!.AsObject();

    [Fact]
    public void ParsesADiffusersSavedConfig()
    {
        using var dir = new TempDir();
        string path = dir.File("config.json");
        File.WriteAllText(path, SmallConfigJson);
        var c = Assert.IsType<UNetConfig>(DiffusersConfig.Load(path));
        Assert.Equal([32, 64, 128], c.BlockOutChannels);
        Assert.Equal(2, c.InChannels);
        Assert.Equal(1, c.OutChannels);
        Assert.Equal(2, c.LayersPerBlock);
        Assert.False(c.AddAttention);
        Assert.Equal(8, c.AttentionHeadDim);
        Assert.Equal(32, c.NormNumGroups);
        Assert.Equal(1e-5f, c.NormEps);
        Assert.True(c.FlipSinToCos);
        Assert.Equal(0f, c.FreqShift);
        // The paper's Small model: diffusers counts 3,541,857 parameters for it.
        Assert.Equal(3_541_857, ParameterList.CountParameters(c));
        Assert.True(NetworkFamilies.SameArchitecture(UNetConfig.Small, c));
    }

    [Fact]
    public void AbsentFieldsTakeDiffusersDefaults()
    {
        var c = DiffusersConfig.Parse(Json("""
            {"block_out_channels": [64, 128], "norm_num_groups": 16,
             "down_block_types": ["DownBlock2D", "DownBlock2D"], "up_block_types": ["UpBlock2D", "UpBlock2D"]}
            """), "c.json");
        Assert.True(c.AddAttention);       // diffusers: add_attention defaults to true
        Assert.Equal(8, c.AttentionHeadDim);
        Assert.Equal(3, c.InChannels);
        Assert.Equal(3, c.OutChannels);
        Assert.Equal(2, c.LayersPerBlock);
        Assert.Equal(1e-5f, c.NormEps);
        Assert.True(c.FlipSinToCos);
    }

    [Fact]
    public void NullHeadDimMeansOneHeadOverTheMidChannels()
    {
        var o = Json(SmallConfigJson);
        o["attention_head_dim"] = null;
        o["add_attention"] = true;
        Assert.Equal(128, DiffusersConfig.Parse(o, "c.json").AttentionHeadDim);
    }

    [Theory]
    [InlineData("down_block_types", """["DownBlock2D", "AttnDownBlock2D", "DownBlock2D"]""", "contains \"AttnDownBlock2D\"; only DownBlock2D is supported")]
    [InlineData("up_block_types", """["UpBlock2D", "UpBlock2D"]""", "has 2 entries but block_out_channels has 3")]
    [InlineData("time_embedding_type", "\"fourier\"", "\"time_embedding_type\" is \"fourier\"; only \"positional\" is supported")]
    [InlineData("act_fn", "\"gelu\"", "only \"silu\"")]
    [InlineData("resnet_time_scale_shift", "\"scale_shift\"", "only \"default\"")]
    [InlineData("class_embed_type", "\"timestep\"", "class conditioning is not supported")]
    [InlineData("_class_name", "\"UNet2DConditionModel\"", "only UNet2DModel is supported")]
    [InlineData("norm_num_groups", "24", "not a positive multiple of norm_num_groups 24")]
    [InlineData("layers_per_block", "2.5", "\"layers_per_block\" must be an integer")]
    [InlineData("add_attention", "\"yes\"", "must be true or false")]
    [InlineData("block_out_channels", "[]", "is empty")]
    public void UnsupportedConfigsAreRefusedNamingTheField(string key, string value, string expected)
    {
        var o = Json(SmallConfigJson);
        o[key] = JsonNode.Parse(value);
        var e = Assert.Throws<InvalidDataException>(() => DiffusersConfig.Parse(o, "some/config.json"));
        Assert.StartsWith("some/config.json: ", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void MissingBlockTypesAreRefusedBecauseDiffusersDefaultsHaveAttention()
    {
        var o = Json(SmallConfigJson);
        o.Remove("down_block_types");
        var e = Assert.Throws<InvalidDataException>(() => DiffusersConfig.Parse(o, "c.json"));
        Assert.Contains("\"down_block_types\" is missing", e.Message);
    }

    [Fact]
    public void InvalidJsonNamesTheFile()
    {
        using var dir = new TempDir();
        string path = dir.File("config.json");
        File.WriteAllText(path, "{\"block_out_channels\": [32, 64],");
        var e = Assert.Throws<InvalidDataException>(() => DiffusersConfig.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("not valid JSON", e.Message);
    }

    [Fact]
    public void ToJsonParsesBackToTheSameArchitecture()
    {
        var configs = new[]
        {
            UNetConfig.Small,
            UNetConfig.Large,
            TestSupport.Tiny with { NormEps = 1e-6f, FreqShift = 1, FlipSinToCos = false, AttentionHeadDim = 16, InChannels = 3 },
        };
        foreach (var c in configs)
        {
            var json = DiffusersConfig.ToJson(c);
            Assert.True(NetworkFamilies.SameArchitecture(c, DiffusersConfig.Parse(json, "x")));
            Assert.True(NetworkFamilies.SameArchitecture(c, DiffusersConfig.Parse(JsonNode.Parse(json.ToJsonString())!.AsObject(), "x")));
        }
        // Floats are written as their shortest decimal, as Python would, not as the widened double.
        Assert.Equal("1E-05", DiffusersConfig.ToJson(UNetConfig.Small)["norm_eps"]!.ToJsonString());
    }

    [Fact]
    public void SameArchitectureComparesChannelListsByValue()
    {
        Assert.True(NetworkFamilies.SameArchitecture(UNetConfig.Small, new UNetConfig { BlockOutChannels = [32, 64, 128] }));
        Assert.False(NetworkFamilies.SameArchitecture(UNetConfig.Small, new UNetConfig { BlockOutChannels = [32, 64, 256] }));
        Assert.False(NetworkFamilies.SameArchitecture(UNetConfig.Small, UNetConfig.Small with { AddAttention = true }));
    }
}
