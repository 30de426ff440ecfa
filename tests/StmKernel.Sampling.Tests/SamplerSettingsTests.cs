using System.Text.Json.Nodes;
using StmKernel.Sampling;

namespace StmKernel.Sampling.Tests;

public class SamplerSettingsTests
{
    [Fact]
    public void ReadsTheWeightsMetadataObject()
    {
        var s = SamplerSettings.FromJson(JsonNode.Parse("""
            {"kind":"fm","prediction":"velocity","schedule":"linear","num_train_timesteps":1000,
             "time_scale":1000,"solver":"euler","default_steps":5}
            """));
        Assert.Equal(SamplerKind.FlowMatching, s.Kind);
        Assert.Equal(OdeSolver.Euler, s.Solver);
        Assert.Equal(1000, s.TimeScale);
        Assert.Equal(5, s.DefaultSteps);
        Assert.Equal(5, s.EvaluationsPerSample(5));
    }

    [Fact]
    public void DdimMetadataDefaultsTheRest()
    {
        var s = SamplerSettings.FromJson(JsonNode.Parse("""{"kind":"ddim","default_steps":10,"clip_sample":false}"""));
        Assert.Equal(SamplerKind.Ddim, s.Kind);
        Assert.Null(s.Solver);
        Assert.Equal(PredictionType.Epsilon, s.Prediction);
        Assert.Equal(NoiseSchedule.Cosine, s.Schedule);
        Assert.Equal(1000, s.NumTrainTimesteps);
        Assert.Equal(1, s.TimeScale);
        Assert.Equal(TimestepSpacing.Trailing, s.Spacing);
        Assert.False(s.ClipSample);
        Assert.Equal(10, s.EvaluationsPerSample(10));
    }

    [Fact]
    public void RoundTripsEveryField()
    {
        var settings = new[]
        {
            SamplerSettings.DdimDefault with { Spacing = TimestepSpacing.Leading, ClipSample = false, NumTrainTimesteps = 500, DefaultSteps = 7 },
            SamplerSettings.DdimDefault with { Spacing = TimestepSpacing.Linspace, TimeScale = 0.5 },
            SamplerSettings.FlowMatchingDefault,
            SamplerSettings.FlowMatchingDefault with { Solver = OdeSolver.Euler, TimeScale = 1, DefaultSteps = 10 },
        };
        foreach (var s in settings)
        {
            Assert.Equal(s, SamplerSettings.FromJson(s.ToJson()));
            Assert.Equal(s, SamplerSettings.FromJson(JsonNode.Parse(s.ToJson().ToJsonString())));
        }
        Assert.Equal(4, SamplerSettings.FlowMatchingDefault.EvaluationsPerSample(2));
    }

    [Theory]
    [InlineData("""[1,2]""", "must be a JSON object")]
    [InlineData("""{}""", "\"kind\" is missing")]
    [InlineData("""{"kind":"ddpm"}""", "\"kind\" is \"ddpm\"")]
    [InlineData("""{"kind":"ddim","prediction":"velocity"}""", "DDIM needs prediction")]
    [InlineData("""{"kind":"fm","prediction":"epsilon"}""", "flow matching needs prediction")]
    [InlineData("""{"kind":"fm","solver":"heun"}""", "\"solver\" is \"heun\"")]
    [InlineData("""{"kind":"fm","solver":"ddim"}""", "\"solver\" is \"ddim\"")]
    [InlineData("""{"kind":"ddim","solver":"ddim"}""", "\"solver\" is \"ddim\"")]
    [InlineData("""{"kind":"ddim","solver":"rk2"}""", "DDIM takes no ODE solver")]
    [InlineData("""{"kind":"ddim","num_train_timesteps":999.5}""", "must be an integer")]
    [InlineData("""{"kind":"ddim","num_train_timesteps":"1000"}""", "must be a number")]
    [InlineData("""{"kind":"fm","time_scale":0}""", "time_scale 0")]
    [InlineData("""{"kind":"fm","default_steps":0}""", "default_steps 0")]
    [InlineData("""{"kind":"ddim","default_steps":2000}""", "exceeds num_train_timesteps")]
    [InlineData("""{"kind":"ddim","clip_sample":1}""", "must be true or false")]
    [InlineData("""{"kind":7}""", "must be a string")]
    [InlineData("""{"kind":"ddim","timestep_spacing":"middle"}""", "\"timestep_spacing\" is \"middle\"")]
    public void RejectsBadMetadataNamingTheSourceAndKey(string json, string expected)
    {
        var e = Assert.Throws<InvalidDataException>(() => SamplerSettings.FromJson(JsonNode.Parse(json), "small-fm.safetensors"));
        Assert.StartsWith("small-fm.safetensors: ", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void ReadsWhatTheWeightsConverterRecords()
    {
        // The objects `stmkernel convert-weights --sampler ddim|fm` writes (docs/weights-format.md).
        var ddim = SamplerSettings.FromJson(JsonNode.Parse("""
            {"kind":"ddim","prediction":"epsilon","schedule":"cosine","num_train_timesteps":1000,"time_scale":1,"default_steps":10}
            """));
        Assert.Equal(SamplerSettings.DdimDefault, ddim);
        var fm = SamplerSettings.FromJson(JsonNode.Parse("""
            {"kind":"fm","prediction":"velocity","schedule":"linear","num_train_timesteps":1000,"time_scale":1000,"default_steps":10,"solver":"rk2"}
            """));
        Assert.Equal(SamplerSettings.FlowMatchingDefault with { DefaultSteps = 10 }, fm);
        Assert.False(ddim.ToJson().ContainsKey("solver"));
    }

    [Fact]
    public void RejectsMissingObject()
    {
        Assert.Throws<InvalidDataException>(() => SamplerSettings.FromJson(null, "x"));
    }
}
