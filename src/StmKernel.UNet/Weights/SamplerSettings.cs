using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace StmKernel.UNet.Weights;

/// <summary>
/// How a model file must be sampled: carried in the weights' metadata as a JSON object
/// <c>"sampler": {"kind", "prediction", "schedule", "num_train_timesteps", "time_scale", "solver",
/// "default_steps", "timestep_spacing", "clip_sample", "zero_terminal_snr", "start", "start_noise"}</c>, so a file always runs with the
/// sampler it was trained for.
/// </summary>
/// <remarks>
/// Time units: DDIM works on integer timesteps 0 … T−1 (T = <see cref="NumTrainTimesteps"/>); flow
/// matching on t ∈ [0, 1] (0 = noise, 1 = data). The network's timestep input is the sampler's time
/// multiplied by <see cref="TimeScale"/> (DDIM: normally 1; flow matching: e.g. 1000).
/// </remarks>
public sealed record SamplerSettings
{
    /// <summary>DDIM or flow matching.</summary>
    public SamplerKind Kind { get; init; }

    /// <summary>What the network predicts: ε or v (<see cref="PredictionType.VPrediction"/>) for DDIM, velocity for flow matching.</summary>
    public PredictionType Prediction { get; init; }

    /// <summary>Cosine (DDIM) or linear path (flow matching).</summary>
    public NoiseSchedule Schedule { get; init; }

    /// <summary>T, the number of discrete training timesteps of the DDIM schedule (default 1000).</summary>
    public int NumTrainTimesteps { get; init; } = 1000;

    /// <summary>Factor from sampler time to the network's timestep input (see the remarks of the type).</summary>
    public double TimeScale { get; init; } = 1;

    /// <summary>ODE solver for flow matching; null for DDIM.</summary>
    public OdeSolver? Solver { get; init; }

    /// <summary>Steps K used when the caller does not choose.</summary>
    public int DefaultSteps { get; init; } = 2;

    /// <summary>DDIM: which K timesteps are visited (default trailing, starting at T−1).</summary>
    public TimestepSpacing Spacing { get; init; } = TimestepSpacing.Trailing;

    /// <summary>
    /// DDIM: clip the predicted x0 to [−1, 1] (the training range) and re-derive ε from it, as diffusers'
    /// <c>clip_sample</c>. Needed at T−1 where 1/√ᾱ ≈ 2·10⁴ amplifies any ε error. Default true.
    /// </summary>
    public bool ClipSample { get; init; } = true;

    /// <summary>
    /// DDIM: rescale the cosine schedule to zero terminal SNR (Lin et al. 2024; diffusers'
    /// <c>rescale_betas_zero_snr</c>): √ᾱ ← (√ᾱ − √ᾱ_{T−1})·√ᾱ_0/(√ᾱ_0 − √ᾱ_{T−1}), so ᾱ_{T−1} = 0 exactly and
    /// x_{T−1} is pure noise, as the sampler's start is. Needs v-prediction (ε says nothing about x0 at ᾱ = 0).
    /// JSON "zero_terminal_snr", default false (every file written before it).
    /// </summary>
    public bool ZeroTerminalSnr { get; init; }

    /// <summary>
    /// Flow matching: where the path starts (JSON "start", default "noise", every file written before it). With
    /// <see cref="FlowStart.Condition"/> the sampler starts at x_0 = condition + <see cref="StartNoise"/>·ε and the
    /// network predicts the velocity x_clean − x_0.
    /// </summary>
    public FlowStart Start { get; init; }

    /// <summary>Flow matching from the condition: σ of the noise added to the start (JSON "start_noise"; 0 for a noise start).</summary>
    public double StartNoise { get; init; }

    /// <summary>DDIM, cosine schedule, T = 1000, ε-prediction, integer timesteps, trailing spacing, clipping, 10 steps.</summary>
    public static SamplerSettings Ddim { get; } = new()
    {
        Kind = SamplerKind.Ddim, Prediction = PredictionType.Epsilon, Schedule = NoiseSchedule.Cosine,
        TimeScale = 1, Solver = null, DefaultSteps = 10,
    };

    /// <summary>
    /// <see cref="Ddim"/> with v-prediction on the zero-terminal-SNR cosine schedule (<c>train --method ddim-v</c>):
    /// the first step from pure noise then predicts x̂0 = −v̂, from the condition alone.
    /// </summary>
    public static SamplerSettings DdimV { get; } = Ddim with { Prediction = PredictionType.VPrediction, ZeroTerminalSnr = true };

    /// <summary>Flow matching, linear path, velocity, network time t·1000, RK2 midpoint, 2 steps.</summary>
    public static SamplerSettings FlowMatching { get; } = new()
    {
        Kind = SamplerKind.FlowMatching, Prediction = PredictionType.Velocity, Schedule = NoiseSchedule.Linear,
        TimeScale = 1000, Solver = OdeSolver.Rk2, DefaultSteps = 2,
    };

    /// <summary>
    /// <see cref="FlowMatching"/> from the condition with σ = 0.1 (<c>train --method fm-bridge</c>): enough noise that an
    /// ensemble's members differ, small against the [−1, 1] range so the start is already close to a clean input.
    /// </summary>
    public static SamplerSettings FlowMatchingBridge { get; } = FlowMatching with { Start = FlowStart.Condition, StartNoise = 0.1 };

    /// <summary>Accepted "kind" values: DDIM (diffusion) and flow matching.</summary>
    public static IReadOnlyList<string> Kinds { get; } = ["ddim", "fm"];

    /// <summary>The preset of a kind ("ddim" → <see cref="Ddim"/>, "fm" → <see cref="FlowMatching"/>).</summary>
    /// <exception cref="ArgumentException">Any other kind.</exception>
    public static SamplerSettings ForKind(string kind) => kind switch
    {
        "ddim" => Ddim,
        "fm" => FlowMatching,
        _ => throw new ArgumentException($"unknown sampler '{kind}' (expected ddim or fm)", nameof(kind)),
    };

    /// <summary>Network evaluations one sample needs for <paramref name="steps"/> steps: K, or 2K for RK2.</summary>
    public int EvaluationsPerSample(int steps) => Solver == OdeSolver.Rk2 ? 2 * steps : steps;

    /// <summary>
    /// One line for people, in the metadata's words: e.g. "fm, velocity prediction, linear schedule, T = 1000,
    /// time scale 1000, 2 steps by default, solver rk2".
    /// </summary>
    public string Describe()
    {
        var j = ToJson();
        string prediction = Prediction == PredictionType.VPrediction ? "v" : (string)j["prediction"]!;
        string text = string.Create(CultureInfo.InvariantCulture,
            $"{j["kind"]}, {prediction} prediction, {j["schedule"]} schedule, T = {NumTrainTimesteps}, time scale {TimeScale:G}, {DefaultSteps} steps by default");
        return Kind == SamplerKind.Ddim
            ? text + $", {j["timestep_spacing"]} timesteps{(ClipSample ? ", clipped x0" : "")}{(ZeroTerminalSnr ? ", zero terminal SNR" : "")}"
            : text + $", solver {j["solver"]}" + (Start == FlowStart.Condition ? $", from the condition + {StartNoise:G}·noise" : "");
    }

    /// <summary>Throws <see cref="InvalidDataException"/> for combinations no sampler implements.</summary>
    public void Validate()
    {
        if (Kind == SamplerKind.Ddim)
        {
            if (Prediction is not (PredictionType.Epsilon or PredictionType.VPrediction))
                throw new InvalidDataException("sampler: DDIM needs prediction \"epsilon\" or \"v_prediction\"");
            if (ZeroTerminalSnr && Prediction != PredictionType.VPrediction)
                throw new InvalidDataException("sampler: zero_terminal_snr needs prediction \"v_prediction\" (ε is undefined where ᾱ = 0)");
            if (Schedule != NoiseSchedule.Cosine) throw new InvalidDataException("sampler: DDIM needs schedule \"cosine\"");
            if (Solver != null) throw new InvalidDataException("sampler: DDIM takes no ODE solver");
            if (Start != FlowStart.Noise || StartNoise != 0) throw new InvalidDataException("sampler: start and start_noise are flow-matching settings");
            if (NumTrainTimesteps < 2) throw new InvalidDataException($"sampler: num_train_timesteps {NumTrainTimesteps} must be ≥ 2");
            if (DefaultSteps > NumTrainTimesteps)
                throw new InvalidDataException($"sampler: default_steps {DefaultSteps} exceeds num_train_timesteps {NumTrainTimesteps}");
        }
        else
        {
            if (Prediction != PredictionType.Velocity) throw new InvalidDataException("sampler: flow matching needs prediction \"velocity\"");
            if (Schedule != NoiseSchedule.Linear) throw new InvalidDataException("sampler: flow matching needs schedule \"linear\"");
            if (Solver == null) throw new InvalidDataException("sampler: flow matching needs solver \"euler\" or \"rk2\"");
            if (ZeroTerminalSnr) throw new InvalidDataException("sampler: zero_terminal_snr is a DDIM setting (flow matching has no ᾱ schedule)");
            if (!(StartNoise >= 0) || double.IsInfinity(StartNoise))
                throw new InvalidDataException($"sampler: start_noise {StartNoise} must be a number ≥ 0");
            if (Start == FlowStart.Noise && StartNoise != 0)
                throw new InvalidDataException($"sampler: start_noise {StartNoise} needs start \"condition\" (a noise start is pure noise)");
        }
        if (!(TimeScale > 0) || double.IsInfinity(TimeScale)) throw new InvalidDataException($"sampler: time_scale {TimeScale} must be a positive number");
        if (DefaultSteps < 1) throw new InvalidDataException($"sampler: default_steps {DefaultSteps} must be ≥ 1");
    }

    /// <summary>
    /// Reads the metadata's "sampler" object (as written by <see cref="ModelMetadata"/>, see
    /// docs/weights-format.md; the optional "timestep_spacing", "clip_sample" and "zero_terminal_snr" are ours). "kind" is required; every other key defaults to the
    /// kind's preset (<see cref="Ddim"/>, <see cref="FlowMatching"/>). Unknown values,
    /// wrong types and unsupported combinations throw <see cref="InvalidDataException"/> naming
    /// <paramref name="source"/> and the key.
    /// </summary>
    public static SamplerSettings FromJson(JsonNode? node, string source = "metadata")
    {
        if (node is not JsonObject obj) throw new InvalidDataException($"{source}: \"sampler\" must be a JSON object");
        try
        {
            string kindText = Text(obj, "kind") ?? throw new InvalidDataException("\"kind\" is missing");
            SamplerSettings s = kindText switch
            {
                "ddim" => Ddim,
                "fm" => FlowMatching,
                _ => throw new InvalidDataException($"\"kind\" is \"{kindText}\" (expected \"ddim\" or \"fm\")"),
            };
            s = s with
            {
                Prediction = Parse(obj, "prediction", s.Prediction,
                    ("epsilon", PredictionType.Epsilon), ("velocity", PredictionType.Velocity), ("v_prediction", PredictionType.VPrediction)),
                Schedule = Parse(obj, "schedule", s.Schedule, ("cosine", NoiseSchedule.Cosine), ("linear", NoiseSchedule.Linear)),
                NumTrainTimesteps = (int)Number(obj, "num_train_timesteps", s.NumTrainTimesteps, integer: true),
                TimeScale = Number(obj, "time_scale", s.TimeScale, integer: false),
                DefaultSteps = (int)Number(obj, "default_steps", s.DefaultSteps, integer: true),
                Spacing = Parse(obj, "timestep_spacing", s.Spacing,
                    ("trailing", TimestepSpacing.Trailing), ("leading", TimestepSpacing.Leading), ("linspace", TimestepSpacing.Linspace)),
                ClipSample = Bool(obj, "clip_sample", s.ClipSample),
                ZeroTerminalSnr = Bool(obj, "zero_terminal_snr", s.ZeroTerminalSnr),
                Start = Parse(obj, "start", s.Start, ("noise", FlowStart.Noise), ("condition", FlowStart.Condition)),
                StartNoise = Number(obj, "start_noise", s.StartNoise, integer: false),
            };
            // Flow matching names its ODE solver; DDIM files omit the key (docs/weights-format.md).
            if (Text(obj, "solver") is not null)
                s = s with { Solver = Parse(obj, "solver", OdeSolver.Rk2, ("euler", OdeSolver.Euler), ("rk2", OdeSolver.Rk2)) };
            s.Validate();
            return s;
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{source}: sampler: {e.Message.Replace("sampler: ", "", StringComparison.Ordinal)}", e);
        }
    }

    /// <summary>The metadata object with every key written explicitly ("solver", "start" and "start_noise" only for flow matching, "zero_terminal_snr" only for DDIM).</summary>
    public JsonObject ToJson()
    {
        var obj = new JsonObject();
        WriteTo(obj);
        return obj;
    }

    /// <summary>
    /// Writes every known key into <paramref name="obj"/> ("solver", "start" and "start_noise" only for flow matching and
    /// "zero_terminal_snr" only for DDIM, each removed otherwise),
    /// leaving any other key as it is, so a load-and-save round trip keeps fields this build does not know.
    /// </summary>
    public void WriteTo(JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        obj["kind"] = Kind == SamplerKind.Ddim ? "ddim" : "fm";
        obj["prediction"] = Prediction switch
        {
            PredictionType.Epsilon => "epsilon", PredictionType.VPrediction => "v_prediction", _ => "velocity",
        };
        obj["schedule"] = Schedule == NoiseSchedule.Cosine ? "cosine" : "linear";
        obj["num_train_timesteps"] = NumTrainTimesteps;
        obj["time_scale"] = TimeScale;
        obj["default_steps"] = DefaultSteps;
        obj["timestep_spacing"] = Spacing switch
        {
            TimestepSpacing.Trailing => "trailing", TimestepSpacing.Leading => "leading", _ => "linspace",
        };
        obj["clip_sample"] = ClipSample;
        if (Solver is OdeSolver solver) obj["solver"] = solver == OdeSolver.Euler ? "euler" : "rk2";
        else obj.Remove("solver");
        if (Kind == SamplerKind.Ddim)
        {
            obj["zero_terminal_snr"] = ZeroTerminalSnr;
            obj.Remove("start");
            obj.Remove("start_noise");
        }
        else
        {
            obj.Remove("zero_terminal_snr");
            obj["start"] = Start == FlowStart.Condition ? "condition" : "noise";
            obj["start_noise"] = StartNoise;
        }
    }

    private static string? Text(JsonObject obj, string key)
    {
        if (!obj.TryGetPropertyValue(key, out JsonNode? v) || v is null) return null;
        if (v.GetValueKind() == JsonValueKind.String) return v.GetValue<string>();
        throw new InvalidDataException($"\"{key}\" must be a string");
    }

    private static T Parse<T>(JsonObject obj, string key, T fallback, params (string Name, T Value)[] names)
    {
        string? text = Text(obj, key);
        if (text is null) return fallback;
        foreach (var (name, value) in names)
            if (name == text) return value;
        throw new InvalidDataException($"\"{key}\" is \"{text}\" (expected {string.Join(" or ", names.Select(n => $"\"{n.Name}\""))})");
    }

    private static double Number(JsonObject obj, string key, double fallback, bool integer)
    {
        if (!obj.TryGetPropertyValue(key, out JsonNode? v) || v is null) return fallback;
        // Through the JSON text, so parsed documents and nodes built in code (int, double) read alike.
        if (v.GetValueKind() != JsonValueKind.Number)
            throw new InvalidDataException($"\"{key}\" must be a number");
        double d = double.Parse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
        if (integer && (d != Math.Floor(d) || d < int.MinValue || d > int.MaxValue))
            throw new InvalidDataException($"\"{key}\" must be an integer, got {d.ToString(CultureInfo.InvariantCulture)}");
        return d;
    }

    private static bool Bool(JsonObject obj, string key, bool fallback)
    {
        if (!obj.TryGetPropertyValue(key, out JsonNode? v) || v is null) return fallback;
        return v.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new InvalidDataException($"\"{key}\" must be true or false"),
        };
    }
}
