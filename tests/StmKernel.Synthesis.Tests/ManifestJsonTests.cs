using System.Reflection;
using System.Text;
using System.Text.Json;
using StmKernel.Synthesis.Degradations;
using StmKernel.Synthesis.Pairs;
using StmKernel.Synthesis.Surface;

namespace StmKernel.Synthesis.Tests;

/// <summary>
/// The source-generated manifests hold every setting, under the names the files have always used: each public
/// property of the settings records is found in the JSON by its snake_case name (metres suffixed _m, densities
/// _per_m2) with its value, so a parameter added later cannot go missing from the manifest unnoticed.
/// </summary>
public sealed class ManifestJsonTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("stmk-manifest-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string SnakeCase(string name)
    {
        var b = new StringBuilder();
        for (int i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0) b.Append('_');
            b.Append(char.ToLowerInvariant(name[i]));
        }
        return b.ToString();
    }

    /// <summary>Checks that every public instance property of <paramref name="value"/> is in <paramref name="json"/> with its value.</summary>
    private static void AssertEveryPropertyIsWritten(object value, JsonElement json)
    {
        int checkedProperties = 0;
        foreach (var p in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            string name = SnakeCase(p.Name);
            JsonElement e = default;
            Assert.True(json.TryGetProperty(name, out e) || json.TryGetProperty(name + "_m", out e) || json.TryGetProperty(name + "_per_m2", out e),
                $"{value.GetType().Name}.{p.Name}: no '{name}' (or _m, _per_m2) in the manifest");
            switch (p.GetValue(value))
            {
                case double d: Assert.Equal(d, e.GetDouble()); break;
                case int i: Assert.Equal(i, e.GetInt32()); break;
                case bool f: Assert.Equal(f, e.GetBoolean()); break;
                case ValueRange r:
                    Assert.Equal(2, e.GetArrayLength());
                    Assert.Equal(r.Min, e[0].GetDouble());
                    Assert.Equal(r.Max, e[1].GetDouble());
                    break;
                case null: Assert.Equal(JsonValueKind.Null, e.ValueKind); break;
                default: Assert.Fail($"{p.Name}: unexpected type {p.PropertyType}"); break;
            }
            checkedProperties++;
        }
        Assert.True(checkedProperties > 10, $"only {checkedProperties} properties checked");
    }

    [Fact]
    public void TheSurfaceManifestHoldsEveryParameterAndEveryDrawnValue()
    {
        // Odd values, so that a default or a swapped field cannot pass.
        var parameters = new SurfaceParameters { Width = 37, Height = 41, PixelSize = 0.173e-9, BeanSkew = new(-0.31, 0.47), MiscutDirectionDegrees = 12.5, AdsorbateDensity = 3.3e15 };
        var drawn = new SurfaceDescription(5, 1.5, 0.2, 33, double.PositiveInfinity, 4e-11, 1e-11, 7, 3, 1, 0) { BeanSkew = -0.25, Adsorbates = 4 };
        string path = Path.Combine(_dir, "manifest.json");
        SurfaceManifest.Write(path, parameters, 99, [("surface_00000.npy", drawn)]);

        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = doc.RootElement;
        Assert.Equal("stmkernel-surfaces/1", root.GetProperty("format").GetString());
        Assert.Equal(0.173e-9, root.GetProperty("pixel_size_m").GetDouble());
        AssertEveryPropertyIsWritten(parameters, root.GetProperty("parameters"));
        var surface = root.GetProperty("surfaces")[0];
        Assert.Equal("surface_00000.npy", surface.GetProperty("file").GetString());
        var d = surface.GetProperty("drawn");
        Assert.Equal(JsonValueKind.Null, d.GetProperty("terrace_width_m").ValueKind); // no steps: an infinite terrace
        Assert.Equal(4e-11, d.GetProperty("row_corrugation_m").GetDouble());
        Assert.Equal(-0.25, d.GetProperty("bean_skew").GetDouble());
        Assert.Equal(4, d.GetProperty("adsorbates").GetInt32());
        Assert.False(d.TryGetProperty("terrace_width", out _));
    }

    [Fact]
    public void TheTestSetManifestHoldsEverySettingAndThePlansInTheirOwnTerms()
    {
        var settings = DegradationSettings.ForMode(DegradationMode.All) with { CropSize = 48, CleanProbability = 0.17 };
        var pairs = new PairSource(new ProceduralSource(new SurfaceParameters { Width = 96, Height = 96 }, 8), settings, 8);
        TestSetWriter.Write(_dir, pairs, DataSplit.Validation, 3, "all");

        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(_dir, TestSetWriter.ManifestFile)));
        var root = doc.RootElement;
        AssertEveryPropertyIsWritten(settings, root.GetProperty("settings"));
        Assert.Equal("validation", root.GetProperty("split").GetString());
        Assert.False(root.TryGetProperty("source_files", out _)); // procedural: no files
        for (int i = 0; i < 3; i++)
        {
            var plan = pairs.Get(DataSplit.Validation, i).Plan;
            var json = root.GetProperty("samples")[i].GetProperty("plan");
            Assert.Equal(plan.CropY, json.GetProperty("crop").GetProperty("y").GetInt32());
            Assert.Equal(plan.SrFactor, json.GetProperty("sr_factor").GetInt32());
            if (plan.BluntSigma is { } b) Assert.Equal(b, json.GetProperty("blunt_tip_sigma").GetDouble());
            else Assert.Equal(JsonValueKind.Null, json.GetProperty("blunt_tip_sigma").ValueKind);
            if (plan.LineNoise is { } noise)
            {
                var segments = json.GetProperty("scan_line_noise").GetProperty("segments");
                Assert.Equal(noise.Segments.Length, segments.GetArrayLength());
                for (int k = 0; k < noise.Segments.Length; k++)
                {
                    string expected = noise.Segments[k].Shape switch { SegmentShape.LogNormal => "log_normal", SegmentShape.Sine => "sine", _ => "constant" };
                    Assert.Equal(expected, segments[k].GetProperty("shape").GetString());
                    Assert.Equal(noise.Segments[k].A, segments[k].GetProperty("a").GetDouble());
                }
            }
            if (plan.TipChange is { } tc) Assert.Equal(tc.Line, json.GetProperty("tip_change").GetProperty("line").GetInt32());
        }
    }

    [Fact]
    public void ValueRangesReadBackAndMalformedOnesAreRefused()
    {
        var converter = new ValueRangeJsonConverter();
        ValueRange ReadRange(string text)
        {
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(text));
            reader.Read();
            return converter.Read(ref reader, typeof(ValueRange), JsonSerializerOptions.Default);
        }
        Assert.Equal(new ValueRange(-0.5, 2.25), ReadRange("[-0.5, 2.25]"));
        foreach (string bad in new[] { "1.5", "[1]", "[1, 2, 3]", "[\"a\", 2]" })
            Assert.Throws<JsonException>(() => ReadRange(bad));
    }
}
