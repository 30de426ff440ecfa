using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace StmKernel.UNet.Weights;

/// <summary>
/// Typed, strict reads of JSON object fields with messages that name the file and the field.
/// Absent and JSON null both mean "use the default".
/// </summary>
internal readonly struct JsonFields(JsonObject obj, string file, string section)
{
    private string Where(string key) => section.Length == 0 ? $"{file}: \"{key}\"" : $"{file}: {section}.\"{key}\"";

    public InvalidDataException Error(string key, string problem) => new($"{Where(key)} {problem}");

    public bool Has(string key) => obj[key] is not null;

    public string? String(string key)
    {
        var n = obj[key];
        if (n is null) return null;
        if (n.GetValueKind() != JsonValueKind.String) throw Error(key, $"must be a string, got {Describe(n)}");
        return n.GetValue<string>();
    }

    public bool Bool(string key, bool fallback)
    {
        var n = obj[key];
        if (n is null) return fallback;
        return n.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Error(key, $"must be true or false, got {Describe(n)}"),
        };
    }

    public double Double(string key, double fallback)
    {
        var n = obj[key];
        if (n is null) return fallback;
        if (n.GetValueKind() != JsonValueKind.Number) throw Error(key, $"must be a number, got {Describe(n)}");
        return Number(n);
    }

    public int Int(string key, int fallback) => obj[key] is null ? fallback : ToInt(key, obj[key]!);

    public int[] IntArray(string key)
    {
        var n = obj[key] ?? throw Error(key, "is missing");
        if (n is not JsonArray a) throw Error(key, $"must be an array of integers, got {Describe(n)}");
        var r = new int[a.Count];
        for (int i = 0; i < a.Count; i++) r[i] = a[i] is { } e ? ToInt(key, e) : throw Error(key, "holds null");
        return r;
    }

    /// <summary>An array of non-negative integers up to 2^53 (file offsets).</summary>
    public long[] OffsetArray(string key)
    {
        var n = obj[key] ?? throw Error(key, "is missing");
        if (n is not JsonArray a) throw Error(key, $"must be an array of integers, got {Describe(n)}");
        var r = new long[a.Count];
        for (int i = 0; i < a.Count; i++)
        {
            double d = a[i] is { } e && e.GetValueKind() == JsonValueKind.Number ? Number(e) : -1;
            if (d < 0 || d != Math.Floor(d) || d > (1L << 53)) throw Error(key, $"must hold non-negative integers, got {Describe(n)}");
            r[i] = (long)d;
        }
        return r;
    }

    public string[]? StringArray(string key)
    {
        var n = obj[key];
        if (n is null) return null;
        if (n is not JsonArray a) throw Error(key, $"must be an array of strings, got {Describe(n)}");
        var r = new string[a.Count];
        for (int i = 0; i < a.Count; i++)
        {
            r[i] = a[i] is { } e && e.GetValueKind() == JsonValueKind.String
                ? e.GetValue<string>()
                : throw Error(key, "must hold only strings");
        }
        return r;
    }

    private int ToInt(string key, JsonNode n)
    {
        if (n.GetValueKind() != JsonValueKind.Number) throw Error(key, $"must be an integer, got {Describe(n)}");
        double d = Number(n);
        if (d != Math.Floor(d) || d < int.MinValue || d > int.MaxValue) throw Error(key, $"must be an integer, got {n.ToJsonString()}");
        return (int)d;
    }

    // A parsed number is backed by JSON text, a constructed one by an int, double, long…: reading the
    // JSON text handles both (GetValue<double> fails on a constructed int).
    private static double Number(JsonNode n) => double.Parse(n.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);

    private static string Describe(JsonNode n)
    {
        string text = n.ToJsonString();
        return text.Length > 40 ? text[..40] + "…" : text;
    }

    /// <summary>Parses UTF-8 JSON that must be an object; duplicate keys, syntax errors and invalid UTF-8 name the file.</summary>
    public static JsonObject ParseObject(ReadOnlySpan<byte> utf8, string file, string what) =>
        Parse(utf8, file, what) as JsonObject ?? throw new InvalidDataException($"{file}: {what} must be a JSON object");

    /// <summary>Parses UTF-8 JSON that must be an array, with the checks of <see cref="ParseObject"/>.</summary>
    public static JsonArray ParseArray(ReadOnlySpan<byte> utf8, string file, string what) =>
        Parse(utf8, file, what) as JsonArray ?? throw new InvalidDataException($"{file}: {what} must be a JSON array");

    private static JsonNode? Parse(ReadOnlySpan<byte> utf8, string file, string what)
    {
        // JsonNode checks the UTF-8 of a string only when it is read, and then throws InvalidOperationException
        // from whatever field access comes first; afl++ found that in safetensors headers. Check it all up front.
        if (!System.Text.Unicode.Utf8.IsValid(utf8))
            throw new InvalidDataException($"{file}: {what} is not valid UTF-8 (byte {InvalidUtf8Offset(utf8)} of {utf8.Length})");
        try
        {
            return JsonNode.Parse(utf8, null, new JsonDocumentOptions { AllowDuplicateProperties = false, MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{file}: {what} is not valid JSON: {e.Message}", e);
        }
    }

    private static int InvalidUtf8Offset(ReadOnlySpan<byte> utf8)
    {
        System.Text.Unicode.Utf8.ToUtf16(utf8, new char[utf8.Length], out int read, out _, replaceInvalidSequences: false);
        return read;
    }
}
