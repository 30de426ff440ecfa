using System.Text.Json;
using System.Text.Json.Nodes;
using System.Globalization;

namespace StmKernel.UNet.Weights;

/// <summary>The weights part of <c>stmkernel info</c>: what a .stmw or safetensors file holds.</summary>
public static class WeightsInfo
{
    /// <summary>
    /// Prints format, architecture, parameter count, dtype, checksum and metadata of a weight file.
    /// A safetensors file without a config.json beside it is still described, architecture unknown.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is malformed or fails validation; the message says why.</exception>
    public static void Describe(string path, TextWriter w)
    {
        var format = WeightFile.DetectFormat(path)
            ?? throw new InvalidDataException($"{path}: not a weights file (neither the .stmw magic nor a safetensors header)");
        long size = new FileInfo(path).Length;
        Line(w, "file", $"{path} ({FormatBytes(size)})");

        if (format == WeightFormat.Safetensors && !File.Exists(WeightSet.ConfigBeside(path)))
        {
            DescribeBareSafetensors(path, w);
            return;
        }

        var set = WeightSet.Load(path);
        Line(w, "format", format == WeightFormat.Stmw ? $".stmw version {StmwLayout.Version}" : $"safetensors + {WeightSet.ConfigBeside(path)}");
        Line(w, "architecture", set.Config.Describe());
        Line(w, "parameters", $"{set.ParameterCount.ToString("N0", CultureInfo.InvariantCulture)} in {set.Tensors.Count} tensors");
        Line(w, "dtype", set.StoredDType.DisplayName());
        Line(w, "checksum", set.StoredChecksum is uint crc
            ? $"CRC32 0x{crc:X8} (verified)"
            : $"CRC32 0x{FileCrc(path):X8} of the whole file (safetensors stores no checksum)");

        var m = set.Metadata;
        if (m.Task is not null) Line(w, "task", m.Task);
        if (m.Sampler is { } s)
        {
            Line(w, "sampler", s.Describe());
        }
        if (m.Normalisation is not null) Line(w, "normalisation", m.Normalisation);
        if (m.Training is { } training) Line(w, "training", Indented(training));
        var other = new JsonObject();
        foreach (var (k, v) in m.Json)
        {
            if (!TypedFields.Contains(k)) other[k] = v?.DeepClone();
        }
        if (other.Count > 0) Line(w, "other", Indented(other));
    }

    // Metadata fields printed on their own lines above; the rest is shown as JSON.
    private static readonly string[] TypedFields = ["task", "sampler", "normalisation", "training"];

    private static string Indented(JsonNode node) =>
        node.ToJsonString(new JsonSerializerOptions { WriteIndented = true }).ReplaceLineEndings("\n" + new string(' ', 15));

    private static void DescribeBareSafetensors(string path, TextWriter w)
    {
        var c = SafetensorsReader.Read(path);
        long elements = c.Tensors.Values.Sum(t => (long)t.Length);
        Line(w, "format", "safetensors");
        Line(w, "architecture", $"unknown: no config.json beside the file ({WeightSet.ConfigBeside(path)})");
        Line(w, "parameters", $"{elements.ToString("N0", CultureInfo.InvariantCulture)} in {c.Tensors.Count} tensors (not checked against an architecture)");
        Line(w, "dtype", DTypes.Predominant(c.DTypes, c.Tensors).DisplayName());
        Line(w, "checksum", $"CRC32 0x{FileCrc(path):X8} of the whole file (safetensors stores no checksum)");
        foreach (var (k, v) in c.Metadata) Line(w, "metadata", $"{k} = {v}");
    }

    private static uint FileCrc(string path)
    {
        using var f = new MappedFile(path);
        return f.Crc32(0, f.Length);
    }

    private static void Line(TextWriter w, string label, string value) => w.WriteLine($"{label + ":",-14} {value}");

    private static string FormatBytes(long n) => n >= 1 << 20
        ? string.Create(CultureInfo.InvariantCulture, $"{n / 1048576.0:F1} MiB")
        : string.Create(CultureInfo.InvariantCulture, $"{n:N0} bytes");
}
