using System.Text.Json.Nodes;

namespace StmKernel.UNet.Weights;

/// <summary>
/// How a model is sampled: the "sampler" object of a .stmw file's metadata. A file records the sampler
/// it was trained for, so inference never has to guess. See docs/weights-format.md.
/// </summary>
public sealed record SamplerSettings
{
    /// <summary>Accepted <see cref="Kind"/> values: DDIM (diffusion) and flow matching.</summary>
    public static IReadOnlyList<string> Kinds { get; } = ["ddim", "fm"];

    /// <summary>Accepted <see cref="Prediction"/> values: the noise ε or the velocity x0 − ε.</summary>
    public static IReadOnlyList<string> Predictions { get; } = ["epsilon", "velocity"];

    /// <summary>Accepted <see cref="Solver"/> values (flow matching): Euler or RK2 midpoint.</summary>
    public static IReadOnlyList<string> Solvers { get; } = ["euler", "rk2"];

    /// <summary>"ddim" or "fm".</summary>
    public required string Kind { get; init; }

    /// <summary>What the network outputs: "epsilon" or "velocity".</summary>
    public required string Prediction { get; init; }

    /// <summary>Noise schedule: "cosine" (Nichol &amp; Dhariwal) for DDIM, "linear" for the flow-matching path.</summary>
    public required string Schedule { get; init; }

    /// <summary>Training timesteps T of the discrete schedule.</summary>
    public int NumTrainTimesteps { get; init; } = 1000;

    /// <summary>
    /// What the sampler's time is multiplied by before it is fed to the network's t input: 1 for DDIM
    /// (integer timesteps 0…T−1 go in as they are), 1000 for flow matching (t ∈ [0, 1] becomes 0…1000).
    /// </summary>
    public double TimeScale { get; init; } = 1;

    /// <summary>Sampling steps used when the user does not choose.</summary>
    public int DefaultSteps { get; init; } = 10;

    /// <summary>ODE solver for flow matching ("euler" or "rk2"); null for DDIM, whose update is fixed.</summary>
    public string? Solver { get; init; }

    /// <summary>The paper's DDIM: cosine schedule, T = 1000, ε-prediction, network fed integer timesteps.</summary>
    public static SamplerSettings Ddim { get; } = new() { Kind = "ddim", Prediction = "epsilon", Schedule = "cosine" };

    /// <summary>The paper's flow matching: linear path, velocity target, RK2 midpoint, t scaled by 1000.</summary>
    public static SamplerSettings FlowMatching { get; } =
        new() { Kind = "fm", Prediction = "velocity", Schedule = "linear", TimeScale = 1000, Solver = "rk2" };

    /// <summary>The defaults for a kind ("ddim" or "fm").</summary>
    public static SamplerSettings ForKind(string kind) => kind switch
    {
        "ddim" => Ddim,
        "fm" => FlowMatching,
        _ => throw new ArgumentException($"unknown sampler '{kind}' (expected ddim or fm)", nameof(kind)),
    };

    /// <summary>Reads and checks a "sampler" object; <paramref name="file"/> names it in messages.</summary>
    internal static SamplerSettings Parse(JsonObject obj, string file)
    {
        var f = new JsonFields(obj, file, "sampler");
        var s = new SamplerSettings
        {
            Kind = OneOf(f, "kind", Kinds, required: true)!,
            Prediction = OneOf(f, "prediction", Predictions, required: true)!,
            Schedule = f.String("schedule") ?? throw f.Error("schedule", "is missing"),
            NumTrainTimesteps = f.Int("num_train_timesteps", 1000),
            TimeScale = f.Double("time_scale", 1),
            DefaultSteps = f.Int("default_steps", 10),
            Solver = OneOf(f, "solver", Solvers, required: false),
        };
        if (s.NumTrainTimesteps < 1) throw f.Error("num_train_timesteps", "must be ≥ 1");
        if (!(s.TimeScale > 0) || !double.IsFinite(s.TimeScale)) throw f.Error("time_scale", "must be a finite number > 0");
        if (s.DefaultSteps < 1) throw f.Error("default_steps", "must be ≥ 1");
        return s;
    }

    /// <summary>Writes the known fields into <paramref name="obj"/>, leaving any other field as it is.</summary>
    internal void WriteTo(JsonObject obj)
    {
        obj["kind"] = Kind;
        obj["prediction"] = Prediction;
        obj["schedule"] = Schedule;
        obj["num_train_timesteps"] = NumTrainTimesteps;
        obj["time_scale"] = TimeScale;
        obj["default_steps"] = DefaultSteps;
        if (Solver is null) obj.Remove("solver");
        else obj["solver"] = Solver;
    }

    private static string? OneOf(JsonFields f, string key, IReadOnlyList<string> allowed, bool required)
    {
        string? v = f.String(key);
        if (v is null)
            return required ? throw f.Error(key, $"is missing (expected {string.Join(" or ", allowed)})") : null;
        if (!allowed.Contains(v)) throw f.Error(key, $"is \"{v}\" (expected {string.Join(" or ", allowed)})");
        return v;
    }
}
