using System.Text.Json.Nodes;

namespace StmKernel.UNet.Weights;

/// <summary>
/// The metadata of a weights file: typed access to the fields we know (task, sampler, normalisation,
/// training provenance) over the raw JSON object, which keeps every other field so that a
/// load-and-save round trip loses nothing. The architecture is not here: it is
/// <see cref="WeightSet.Config"/>, written into the file's "architecture" field on save.
/// </summary>
public sealed class ModelMetadata
{
    /// <summary>Accepted <see cref="Task"/> values: restoration, slow-axis super-resolution ×2 and ×4.</summary>
    public static IReadOnlyList<string> Tasks { get; } = ["restore", "sr2", "sr4"];

    /// <summary>The field that holds the architecture in a .stmw file.</summary>
    internal const string ArchitectureKey = "architecture";

    private readonly string _source;

    /// <summary>The raw JSON (without "architecture"); changes through the typed properties show here.</summary>
    public JsonObject Json { get; }

    /// <summary>Empty metadata.</summary>
    public ModelMetadata() : this(new JsonObject(), "metadata") { }

    private ModelMetadata(JsonObject json, string source)
    {
        Json = json;
        _source = source;
    }

    /// <summary>
    /// Wraps a JSON object (not copied) after checking the known fields.
    /// <paramref name="file"/> names the source in messages.
    /// </summary>
    /// <exception cref="InvalidDataException">A known field has the wrong type or an unknown value.</exception>
    public static ModelMetadata FromJson(JsonObject json, string file)
    {
        var m = new ModelMetadata(json, file);
        _ = m.Task;
        _ = m.Sampler;
        _ = m.Normalisation;
        _ = m.Training;
        return m;
    }

    /// <summary>"restore", "sr2" or "sr4"; null when not recorded.</summary>
    public string? Task
    {
        get
        {
            string? t = Fields.String("task");
            if (t is not null && !Tasks.Contains(t)) throw Fields.Error("task", $"is \"{t}\" (expected {string.Join(", ", Tasks)})");
            return t;
        }
        set
        {
            if (value is not null && !Tasks.Contains(value))
                throw new ArgumentException($"unknown task '{value}' (expected {string.Join(", ", Tasks)})", nameof(value));
            Set("task", value is null ? null : JsonValue.Create(value));
        }
    }

    /// <summary>The sampler the model was trained for; null for a one-pass model (the autoencoder baseline) or when not recorded.</summary>
    public SamplerSettings? Sampler
    {
        get => Json["sampler"] switch
        {
            null => null,
            JsonObject o => SamplerSettings.FromJson(o, _source),
            var n => throw Fields.Error("sampler", $"must be an object, got {n.GetValueKind()}"),
        };
        set
        {
            if (value is null) { Json.Remove("sampler"); return; }
            value.Validate();
            if (Json["sampler"] is not JsonObject o) Json["sampler"] = o = new JsonObject();
            value.WriteTo(o);
        }
    }

    /// <summary>
    /// How network inputs were scaled in training, e.g. "minmax[-1,1]": each channel of each
    /// sample (tile) mapped linearly onto [−1, 1], the paper's step 9. Null when not recorded.
    /// </summary>
    public string? Normalisation
    {
        get => Fields.String("normalisation");
        set => Set("normalisation", value is null ? null : JsonValue.Create(value));
    }

    /// <summary>Training provenance (free-form: method, steps, crop, seed, data, date, code version…); null when not recorded.</summary>
    public JsonObject? Training
    {
        get => Json["training"] switch
        {
            null => null,
            JsonObject o => o,
            var n => throw Fields.Error("training", $"must be an object, got {n.GetValueKind()}"),
        };
        set => Set("training", value);
    }

    private JsonFields Fields => new(Json, _source, "");

    private void Set(string key, JsonNode? value)
    {
        if (value is null) Json.Remove(key);
        else Json[key] = value;
    }
}
