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
        _ = m.PixelSizeRange;
        _ = m.Conditioning;
        _ = m.LatticePeriods;
        _ = m.ConditionChannels;
        return m;
    }

    /// <summary>A registered task name (<see cref="ModelTasks"/>: "restore", "sr2", "sr4" built in); null when not recorded.</summary>
    public string? Task
    {
        get
        {
            string? t = Fields.String("task");
            if (t is not null && ModelTasks.Find(t) is null) throw Fields.Error("task", $"is \"{t}\" (expected {string.Join(", ", ModelTasks.Names)})");
            return t;
        }
        set
        {
            if (value is not null && ModelTasks.Find(value) is null)
                throw new ArgumentException($"unknown task '{value}' (expected {string.Join(", ", ModelTasks.Names)})", nameof(value));
            Set("task", value is null ? null : JsonValue.Create(value));
        }
    }

    /// <summary>
    /// Channels of the condition the network reads ("condition_channels"; 1, the scan, when not recorded). A sampled
    /// model's input is the sample plus these; a one-pass model's input is these alone.
    /// </summary>
    public int ConditionChannels
    {
        get
        {
            if (Json["condition_channels"] is null) return 1;
            if (Json["condition_channels"] is not JsonValue v || !v.TryGetValue(out int c) || c < 1)
                throw Fields.Error("condition_channels", $"must be an integer ≥ 1, got {Json["condition_channels"]!.ToJsonString()}");
            return c;
        }
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            Set("condition_channels", value == 1 ? null : JsonValue.Create(value));
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

    /// <summary>
    /// The pixel sizes (metres per pixel, [min, max]) the model was trained on, stored as "pixel_size_m";
    /// restore and upscale resample a scan into this range. Null when not recorded (models before it
    /// knew one size: the paper's 0.195 nm).
    /// </summary>
    public (double Min, double Max)? PixelSizeRange
    {
        get
        {
            if (Json["pixel_size_m"] is null) return null;
            if (Json["pixel_size_m"] is not JsonArray { Count: 2 } a || a[0] is not JsonValue v0 || a[1] is not JsonValue v1
                || !v0.TryGetValue(out double lo) || !v1.TryGetValue(out double hi) || !(lo > 0) || !(hi >= lo) || !double.IsFinite(hi))
                throw Fields.Error("pixel_size_m", $"must be [min, max] with 0 < min ≤ max (metres), got {Json["pixel_size_m"]!.ToJsonString()}");
            return (lo, hi);
        }
        set
        {
            if (value is { } r && !(r.Min > 0 && r.Max >= r.Min && double.IsFinite(r.Max)))
                throw new ArgumentException($"pixel size range must satisfy 0 < min ≤ max, got [{r.Min}, {r.Max}]", nameof(value));
            Set("pixel_size_m", value is { } v ? new JsonArray(v.Min, v.Max) : null);
        }
    }

    /// <summary>
    /// The lattice periods (metres) of the surfaces the model was trained on, stored as "lattice_m", e.g.
    /// Si(001):H's dimer-row spacing 7.68 Å and dimer spacing 3.84 Å. Restore compares a scan's dominant
    /// period against them and refuses to paint this lattice onto another surface. Null when not recorded
    /// (a lab's own surface): no check.
    /// </summary>
    public double[]? LatticePeriods
    {
        get
        {
            if (Json["lattice_m"] is null) return null;
            if (Json["lattice_m"] is not JsonArray { Count: > 0 } a)
                throw Fields.Error("lattice_m", $"must be a non-empty array of periods in metres, got {Json["lattice_m"]!.ToJsonString()}");
            var r = new double[a.Count];
            for (int i = 0; i < r.Length; i++)
                if (a[i] is not JsonValue v || !v.TryGetValue(out r[i]) || !(r[i] > 0) || !double.IsFinite(r[i]))
                    throw Fields.Error("lattice_m", $"must hold positive periods in metres, got {Json["lattice_m"]!.ToJsonString()}");
            return r;
        }
        set
        {
            if (value is not null && (value.Length == 0 || value.Any(v => !(v > 0) || !double.IsFinite(v))))
                throw new ArgumentException("lattice periods must be a non-empty list of positive lengths", nameof(value));
            Set("lattice_m", value is null ? null : new JsonArray(value.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray()));
        }
    }

    /// <summary>
    /// What was done to every training image before normalisation, and so must be done to a scan before
    /// the model sees it: "none" or "line-flatten" (per-line median removal along the fast axis, as the
    /// capture software and Gwyddion's row alignment do). Null when not recorded (treated as "none").
    /// </summary>
    public string? Conditioning
    {
        get
        {
            string? c = Fields.String("conditioning");
            if (c is not null && c is not ("none" or "line-flatten")) throw Fields.Error("conditioning", $"is \"{c}\" (expected none or line-flatten)");
            return c;
        }
        set
        {
            if (value is not null and not ("none" or "line-flatten")) throw new ArgumentException($"unknown conditioning '{value}' (expected none or line-flatten)", nameof(value));
            Set("conditioning", value is null ? null : JsonValue.Create(value));
        }
    }

    private JsonFields Fields => new(Json, _source, "");

    private void Set(string key, JsonNode? value)
    {
        if (value is null) Json.Remove(key);
        else Json[key] = value;
    }
}
