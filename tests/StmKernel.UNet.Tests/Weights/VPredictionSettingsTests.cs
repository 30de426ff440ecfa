using System.Text.Json.Nodes;
using StmKernel.UNet.Weights;

namespace StmKernel.UNet.Tests.Weights;

/// <summary>The metadata of v-prediction / zero-terminal-SNR DDIM models ("prediction": "v_prediction", "zero_terminal_snr").</summary>
public class VPredictionSettingsTests
{
    [Fact]
    public void DdimVPresetIsVPredictionOnTheZeroSnrSchedule()
    {
        var s = SamplerSettings.DdimV;
        Assert.Equal((SamplerKind.Ddim, PredictionType.VPrediction, true, NoiseSchedule.Cosine, 1000, 1.0, 10, true),
            (s.Kind, s.Prediction, s.ZeroTerminalSnr, s.Schedule, s.NumTrainTimesteps, s.TimeScale, s.DefaultSteps, s.ClipSample));
        Assert.False(SamplerSettings.Ddim.ZeroTerminalSnr);
        Assert.False(SamplerSettings.FlowMatching.ZeroTerminalSnr);
        s.Validate();
    }

    [Fact]
    public void WritesTheNewKeys()
    {
        var j = SamplerSettings.DdimV.ToJson();
        Assert.Equal("v_prediction", (string)j["prediction"]!);
        Assert.True((bool)j["zero_terminal_snr"]!);
        Assert.False((bool)SamplerSettings.Ddim.ToJson()["zero_terminal_snr"]!);
        Assert.False(SamplerSettings.FlowMatching.ToJson().ContainsKey("zero_terminal_snr"));
        Assert.Contains("v prediction", SamplerSettings.DdimV.Describe());
        Assert.Contains("zero terminal SNR", SamplerSettings.DdimV.Describe());
        Assert.DoesNotContain("zero terminal SNR", SamplerSettings.Ddim.Describe());
    }

    [Fact]
    public void RoundTripsThroughJsonTextAndTheModelMetadata()
    {
        var settings = new[]
        {
            SamplerSettings.DdimV,
            SamplerSettings.DdimV with { ZeroTerminalSnr = false, ClipSample = false, DefaultSteps = 5 },
            SamplerSettings.DdimV with { NumTrainTimesteps = 500, Spacing = TimestepSpacing.Leading },
            SamplerSettings.Ddim,
        };
        foreach (var s in settings)
        {
            Assert.Equal(s, SamplerSettings.FromJson(s.ToJson()));
            Assert.Equal(s, SamplerSettings.FromJson(JsonNode.Parse(s.ToJson().ToJsonString())));
            var metadata = new ModelMetadata { Task = "restore", Sampler = s };
            var read = ModelMetadata.FromJson((JsonObject)JsonNode.Parse(metadata.Json.ToJsonString())!, "m.stmw");
            Assert.Equal(s, read.Sampler);
        }
    }

    [Fact]
    public void OldFilesWithoutTheNewKeysReadAsEpsilonWithoutRescale()
    {
        var old = SamplerSettings.FromJson(JsonNode.Parse("""
            {"kind":"ddim","prediction":"epsilon","schedule":"cosine","num_train_timesteps":1000,"time_scale":1,
             "default_steps":10,"timestep_spacing":"trailing","clip_sample":true}
            """));
        Assert.Equal(SamplerSettings.Ddim, old);
        Assert.Equal(PredictionType.Epsilon, old.Prediction);
        Assert.False(old.ZeroTerminalSnr);
        var bare = SamplerSettings.FromJson(JsonNode.Parse("""{"kind":"ddim"}"""));
        Assert.Equal((PredictionType.Epsilon, false), (bare.Prediction, bare.ZeroTerminalSnr));
        var fm = SamplerSettings.FromJson(JsonNode.Parse("""{"kind":"fm","zero_terminal_snr":false}"""));
        Assert.Equal(SamplerSettings.FlowMatching, fm);
    }

    [Fact]
    public void ReadsVPredictionFromJson()
    {
        var s = SamplerSettings.FromJson(JsonNode.Parse("""{"kind":"ddim","prediction":"v_prediction","zero_terminal_snr":true}"""));
        Assert.Equal(SamplerSettings.DdimV, s);
        var plain = SamplerSettings.FromJson(JsonNode.Parse("""{"kind":"ddim","prediction":"v_prediction"}"""));
        Assert.Equal((PredictionType.VPrediction, false), (plain.Prediction, plain.ZeroTerminalSnr));
    }

    [Theory]
    [InlineData("""{"kind":"ddim","zero_terminal_snr":true}""", "zero_terminal_snr needs prediction \"v_prediction\"")]
    [InlineData("""{"kind":"ddim","prediction":"epsilon","zero_terminal_snr":true}""", "zero_terminal_snr needs prediction")]
    [InlineData("""{"kind":"ddim","zero_terminal_snr":"yes"}""", "\"zero_terminal_snr\" must be true or false")]
    [InlineData("""{"kind":"fm","zero_terminal_snr":true}""", "zero_terminal_snr is a DDIM setting")]
    [InlineData("""{"kind":"fm","prediction":"v_prediction"}""", "flow matching needs prediction")]
    [InlineData("""{"kind":"ddim","prediction":"velocity"}""", "DDIM needs prediction \"epsilon\" or \"v_prediction\"")]
    [InlineData("""{"kind":"ddim","prediction":"v"}""", "\"prediction\" is \"v\"")]
    public void RejectsInconsistentSettings(string json, string expected)
    {
        var e = Assert.Throws<InvalidDataException>(() => SamplerSettings.FromJson(JsonNode.Parse(json), "v.stmw"));
        Assert.StartsWith("v.stmw: ", e.Message);
        Assert.Contains(expected, e.Message);
        Assert.Throws<InvalidDataException>(() => (SamplerSettings.Ddim with { ZeroTerminalSnr = true }).Validate());
    }
}
