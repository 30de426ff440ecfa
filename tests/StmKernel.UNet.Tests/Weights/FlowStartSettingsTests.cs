using System.Text.Json.Nodes;
using StmKernel.UNet.Weights;

namespace StmKernel.UNet.Tests.Weights;

/// <summary>The metadata of flow matching from the condition ("start": "condition", "start_noise").</summary>
public class FlowStartSettingsTests
{
    [Fact]
    public void BridgePresetStartsAtTheConditionWithATenthOfNoise()
    {
        var s = SamplerSettings.FlowMatchingBridge;
        Assert.Equal((SamplerKind.FlowMatching, FlowStart.Condition, 0.1, OdeSolver.Rk2, 2),
            (s.Kind, s.Start, s.StartNoise, s.Solver, s.DefaultSteps));
        Assert.Equal((FlowStart.Noise, 0.0), (SamplerSettings.FlowMatching.Start, SamplerSettings.FlowMatching.StartNoise));
        Assert.Contains("from the condition + 0.1·noise", s.Describe());
        Assert.DoesNotContain("condition", SamplerSettings.FlowMatching.Describe());
    }

    [Fact]
    public void RoundTripsAndOnlyFlowMatchingWritesTheKeys()
    {
        foreach (var s in new[] { SamplerSettings.FlowMatchingBridge, SamplerSettings.FlowMatchingBridge with { StartNoise = 0, Solver = OdeSolver.Euler }, SamplerSettings.FlowMatching })
        {
            Assert.Equal(s, SamplerSettings.FromJson(JsonNode.Parse(s.ToJson().ToJsonString())));
            var metadata = new ModelMetadata { Task = "restore", Sampler = s };
            Assert.Equal(s, ModelMetadata.FromJson((JsonObject)JsonNode.Parse(metadata.Json.ToJsonString())!, "m.stmw").Sampler);
        }
        Assert.Equal("condition", (string)SamplerSettings.FlowMatchingBridge.ToJson()["start"]!);
        Assert.False(SamplerSettings.Ddim.ToJson().ContainsKey("start"));
        Assert.False(SamplerSettings.Ddim.ToJson().ContainsKey("start_noise"));
        // A file written before the key existed starts from noise.
        Assert.Equal(SamplerSettings.FlowMatching, SamplerSettings.FromJson(JsonNode.Parse("""{"kind":"fm","solver":"rk2"}""")));
    }

    [Theory]
    [InlineData("""{"kind":"fm","start":"degraded"}""", "\"start\" is \"degraded\"")]
    [InlineData("""{"kind":"fm","start":"condition","start_noise":-0.5}""", "start_noise -0.5 must be a number ≥ 0")]
    [InlineData("""{"kind":"fm","start_noise":0.2}""", "needs start \"condition\"")]
    [InlineData("""{"kind":"ddim","start":"condition"}""", "flow-matching settings")]
    public void BadValuesNameTheKey(string json, string message)
    {
        var e = Assert.Throws<InvalidDataException>(() => SamplerSettings.FromJson(JsonNode.Parse(json), "x.stmw"));
        Assert.StartsWith("x.stmw: sampler: ", e.Message);
        Assert.Contains(message, e.Message);
    }
}
