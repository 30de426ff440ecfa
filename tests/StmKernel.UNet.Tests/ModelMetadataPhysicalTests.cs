using System.Text.Json.Nodes;
using StmKernel.UNet.Tests.Weights;
using StmKernel.UNet.Weights;

namespace StmKernel.UNet.Tests;

/// <summary>The physical fields of the model metadata: "pixel_size_m", "conditioning", "lattice_m".</summary>
public class ModelMetadataPhysicalTests
{
    private static readonly UNetConfig Small = new() { BlockOutChannels = [8, 16], LayersPerBlock = 1, NormNumGroups = 4, AddAttention = false };

    [Fact]
    public void PhysicalFieldsSurviveASaveAndLoadOfAStmwFile()
    {
        using var dir = new TempDir();
        var metadata = new ModelMetadata
        {
            Task = "restore",
            PixelSizeRange = (0.1e-9, 0.3e-9),
            Conditioning = "line-flatten",
            LatticePeriods = [0.768e-9, 0.384e-9],
        };
        string path = dir.File("m.stmw");
        TestSupport.RandomSet(Small, 3, metadata).SaveStmw(path);
        var back = WeightSet.Load(path).Metadata;
        Assert.Equal((0.1e-9, 0.3e-9), back.PixelSizeRange);
        Assert.Equal("line-flatten", back.Conditioning);
        Assert.Equal(new[] { 0.768e-9, 0.384e-9 }, back.LatticePeriods!);
        Assert.Equal("restore", back.Task);
        // Stored under the documented keys, in metres.
        Assert.Equal(0.1e-9, (double)back.Json["pixel_size_m"]![0]!);
        Assert.Equal(0.3e-9, (double)back.Json["pixel_size_m"]![1]!);
        Assert.Equal(0.384e-9, (double)back.Json["lattice_m"]![1]!);
        Assert.Equal("line-flatten", (string?)back.Json["conditioning"]);
    }

    [Fact]
    public void UnrecordedFieldsReadAsNullAndNullRemovesThem()
    {
        using var dir = new TempDir();
        string path = dir.File("plain.stmw");
        TestSupport.RandomSet(Small, 4, new ModelMetadata { Task = "restore" }).SaveStmw(path);
        var back = WeightSet.Load(path).Metadata;
        Assert.Null(back.PixelSizeRange);
        Assert.Null(back.Conditioning);
        Assert.Null(back.LatticePeriods);

        var m = new ModelMetadata { PixelSizeRange = (0.2e-9, 0.2e-9), Conditioning = "none", LatticePeriods = [0.5e-9] };
        Assert.Equal((0.2e-9, 0.2e-9), m.PixelSizeRange); // min = max is one size
        Assert.Equal("none", m.Conditioning);
        m.PixelSizeRange = null;
        m.Conditioning = null;
        m.LatticePeriods = null;
        Assert.False(m.Json.ContainsKey("pixel_size_m"));
        Assert.False(m.Json.ContainsKey("conditioning"));
        Assert.False(m.Json.ContainsKey("lattice_m"));
    }

    [Fact]
    public void FromJsonReadsTheFields()
    {
        var m = ModelMetadata.FromJson(JsonNode.Parse("""{"pixel_size_m": [1.5e-10, 4e-10], "conditioning": "none", "lattice_m": [7.68e-10, 3.84e-10, 2.69e-9]}""")!.AsObject(), "w.stmw");
        Assert.Equal((1.5e-10, 4e-10), m.PixelSizeRange);
        Assert.Equal("none", m.Conditioning);
        Assert.Equal(new[] { 7.68e-10, 3.84e-10, 2.69e-9 }, m.LatticePeriods!);
    }

    [Theory]
    [InlineData("""{"pixel_size_m": [3e-10, 1e-10]}""", "pixel_size_m")]   // min > max
    [InlineData("""{"pixel_size_m": [0, 1e-10]}""", "pixel_size_m")]       // not positive
    [InlineData("""{"pixel_size_m": [-1e-10, 1e-10]}""", "pixel_size_m")]
    [InlineData("""{"pixel_size_m": [1e-10]}""", "pixel_size_m")]          // not a pair
    [InlineData("""{"pixel_size_m": [1e-10, 2e-10, 3e-10]}""", "pixel_size_m")]
    [InlineData("""{"pixel_size_m": "0.195nm"}""", "pixel_size_m")]
    [InlineData("""{"pixel_size_m": ["a", "b"]}""", "pixel_size_m")]
    [InlineData("""{"conditioning": "foo"}""", "\"conditioning\" is \"foo\"")]
    [InlineData("""{"conditioning": 5}""", "\"conditioning\" must be a string")]
    [InlineData("""{"lattice_m": []}""", "lattice_m")]
    [InlineData("""{"lattice_m": [7.68e-10, -3.84e-10]}""", "lattice_m")]
    [InlineData("""{"lattice_m": [0]}""", "lattice_m")]
    [InlineData("""{"lattice_m": 7.68e-10}""", "lattice_m")]
    [InlineData("""{"lattice_m": [null]}""", "lattice_m")]
    public void InvalidValuesAreRejectedNamingTheKey(string json, string expected)
    {
        var e = Assert.Throws<InvalidDataException>(() => ModelMetadata.FromJson(JsonNode.Parse(json)!.AsObject(), "w.stmw"));
        Assert.StartsWith("w.stmw: ", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void InvalidValuesAreRefusedOnSet()
    {
        var m = new ModelMetadata();
        Assert.Throws<ArgumentException>(() => m.PixelSizeRange = (3e-10, 1e-10));
        Assert.Throws<ArgumentException>(() => m.PixelSizeRange = (0, 1e-10));
        Assert.Throws<ArgumentException>(() => m.PixelSizeRange = (1e-10, double.PositiveInfinity));
        Assert.Throws<ArgumentException>(() => m.PixelSizeRange = (double.NaN, 1e-10));
        Assert.Throws<ArgumentException>(() => m.Conditioning = "foo");
        Assert.Throws<ArgumentException>(() => m.LatticePeriods = []);
        Assert.Throws<ArgumentException>(() => m.LatticePeriods = [7.68e-10, -1e-10]);
        Assert.Throws<ArgumentException>(() => m.LatticePeriods = [double.NaN]);
        Assert.Throws<ArgumentException>(() => m.LatticePeriods = [double.PositiveInfinity]);
        // Nothing was written by the refused sets.
        Assert.Empty(m.Json);
    }

    [Fact]
    public void ABadPhysicalFieldInAStmwFileIsRefusedNamingTheFile()
    {
        using var dir = new TempDir();
        var metadata = new ModelMetadata();
        metadata.Json["lattice_m"] = new JsonArray(); // bypasses the setter's check
        string path = dir.File("bad.stmw");
        // The writer refuses to write what the reader would refuse (and the reader refuses it): the file and the key are named.
        var e = Assert.Throws<InvalidDataException>(() =>
        {
            TestSupport.RandomSet(Small, 5, metadata).SaveStmw(path);
            WeightSet.Load(path);
        });
        Assert.Contains("bad.stmw", e.Message);
        Assert.Contains("\"lattice_m\" must be a non-empty array", e.Message);
    }
}
