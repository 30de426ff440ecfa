using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using StmKernel.Imaging;

namespace StmKernel.Synthesis.Pairs;

/// <summary>
/// The manifests of test sets and surface folders, written by System.Text.Json source generation (no reflection, so
/// the trimmed and NativeAOT builds keep every field): snake_case names of the settings records themselves, metre-valued
/// fields suffixed <c>_m</c> by attribute, value ranges as <c>[min, max]</c>, enums as lower-case strings.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(TestSetManifest))]
[JsonSerializable(typeof(SurfacesManifest))]
internal sealed partial class ManifestJson : JsonSerializerContext
{
    /// <summary>Writes <paramref name="document"/> to <paramref name="path"/> atomically; refuses to overwrite.</summary>
    /// <exception cref="IOException"><paramref name="path"/> exists, or it cannot be written (<see cref="OutputWriteException"/>).</exception>
    public static void WriteFile<T>(string path, T document, JsonTypeInfo<T> type)
    {
        if (File.Exists(path)) throw new IOException($"{path}: already exists; not overwriting");
        SafeWrite.Write(path, s => JsonSerializer.Serialize(s, document, type));
    }
}

/// <summary><see cref="ValueRange"/> as the two-element array <c>[min, max]</c>.</summary>
internal sealed class ValueRangeJsonConverter : JsonConverter<ValueRange>
{
    public override ValueRange Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException($"a value range is [min, max], found {reader.TokenType}");
        double min = Number(ref reader), max = Number(ref reader);
        if (!reader.Read() || reader.TokenType != JsonTokenType.EndArray) throw new JsonException("a value range has exactly two numbers, [min, max]");
        return new ValueRange(min, max);
    }

    private static double Number(ref Utf8JsonReader reader)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.Number) throw new JsonException("a value range is [min, max] of two numbers");
        return reader.GetDouble();
    }

    public override void Write(Utf8JsonWriter writer, ValueRange value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        writer.WriteNumberValue(value.Min);
        writer.WriteNumberValue(value.Max);
        writer.WriteEndArray();
    }
}

/// <summary>An enum as its snake_case name ("log_normal"), for the manifests.</summary>
internal sealed class SnakeCaseEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(JsonNamingPolicy.SnakeCaseLower)
    where TEnum : struct, Enum;
