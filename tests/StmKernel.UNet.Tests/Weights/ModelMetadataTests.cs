using System.Text.Json.Nodes;
using StmKernel.UNet.Weights;

namespace StmKernel.UNet.Tests.Weights;

public class ModelMetadataTests
{
    [Fact]
    public void TypedPropertiesWriteThroughToTheJson()
    {
        var m = new ModelMetadata { Task = "restore", Sampler = SamplerSettings.Ddim, Normalisation = "minmax[-1,1]" };
        Assert.Equal("restore", (string?)m.Json["task"]);
        Assert.Equal("ddim", (string?)m.Json["sampler"]!["kind"]);
        Assert.Equal(1000, (int)m.Json["sampler"]!["num_train_timesteps"]!);
        Assert.False(m.Json["sampler"]!.AsObject().ContainsKey("solver")); // DDIM has no solver
        m.Task = null;
        m.Sampler = null;
        Assert.False(m.Json.ContainsKey("task"));
        Assert.False(m.Json.ContainsKey("sampler"));
    }

    [Fact]
    public void SettingTheSamplerKeepsUnknownSamplerFields()
    {
        var m = new ModelMetadata();
        m.Json["sampler"] = new JsonObject { ["kind"] = "ddim", ["eta"] = 0.0, ["guidance"] = 1.5 };
        m.Sampler = SamplerSettings.FlowMatching;
        Assert.Equal(SamplerSettings.FlowMatching, m.Sampler);
        Assert.Equal(1.5, (double)m.Json["sampler"]!["guidance"]!);
        Assert.Equal(0.0, (double)m.Json["sampler"]!["eta"]!);
    }

    [Fact]
    public void ConditionChannelsDefaultToTheScanAloneAndRoundTrip()
    {
        var m = new ModelMetadata();
        Assert.Equal(1, m.ConditionChannels);
        m.ConditionChannels = 3;
        Assert.Equal(3, ModelMetadata.FromJson(JsonNode.Parse(m.Json.ToJsonString())!.AsObject(), "w.stmw").ConditionChannels);
        m.ConditionChannels = 1; // the default is not written: files of every earlier model stay as they were
        Assert.False(m.Json.ContainsKey("condition_channels"));
        Assert.Throws<ArgumentOutOfRangeException>(() => m.ConditionChannels = 0);
    }

    [Fact]
    public void UnknownTaskIsRefusedOnSet() =>
        Assert.Throws<ArgumentException>(() => new ModelMetadata { Task = "denoise" });

    [Theory]
    [InlineData("""{"task": 5}""", "\"task\" must be a string")]
    [InlineData("""{"task": "sr3"}""", "\"task\" is \"sr3\" (expected restore, sr2, sr4)")]
    [InlineData("""{"sampler": "fm"}""", "\"sampler\" must be an object")]
    [InlineData("""{"sampler": {"kind": "fm", "prediction": "x0", "schedule": "linear"}}""", "sampler: \"prediction\" is \"x0\"")]
    [InlineData("""{"sampler": {"prediction": "velocity"}}""", "sampler: \"kind\" is missing")]
    [InlineData("""{"sampler": {"kind": "fm", "prediction": "velocity", "schedule": "linear", "time_scale": 0}}""", "sampler: time_scale 0 must be a positive number")]
    [InlineData("""{"sampler": {"kind": "fm", "prediction": "velocity", "schedule": "linear", "solver": "heun"}}""", "sampler: \"solver\" is \"heun\" (expected \"euler\" or \"rk2\")")]
    [InlineData("""{"sampler": {"kind": "ddim", "prediction": "epsilon", "schedule": "cosine", "default_steps": 0}}""", "sampler: default_steps 0 must be ≥ 1")]
    [InlineData("""{"training": [1]}""", "\"training\" must be an object")]
    [InlineData("""{"condition_channels": 0}""", "\"condition_channels\" must be an integer ≥ 1, got 0")]
    [InlineData("""{"condition_channels": 1.5}""", "\"condition_channels\" must be an integer ≥ 1, got 1.5")]
    public void BadKnownFieldsAreRefusedNamingFileAndField(string json, string expected)
    {
        var e = Assert.Throws<InvalidDataException>(() => ModelMetadata.FromJson(JsonNode.Parse(json)!.AsObject(), "w.stmw"));
        Assert.StartsWith("w.stmw: ", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void SamplerDefaultsFollowThePaper()
    {
        Assert.Equal(SamplerSettings.Ddim, SamplerSettings.ForKind("ddim"));
        var fm = SamplerSettings.ForKind("fm");
        Assert.Equal((PredictionType.Velocity, NoiseSchedule.Linear, (OdeSolver?)OdeSolver.Rk2, 1000.0, 2), (fm.Prediction, fm.Schedule, fm.Solver, fm.TimeScale, fm.DefaultSteps));
        var d = SamplerSettings.Ddim;
        Assert.Equal((PredictionType.Epsilon, NoiseSchedule.Cosine, 1000, 1.0, 10), (d.Prediction, d.Schedule, d.NumTrainTimesteps, d.TimeScale, d.DefaultSteps));
        Assert.Throws<ArgumentException>(() => SamplerSettings.ForKind("euler"));
    }
}
