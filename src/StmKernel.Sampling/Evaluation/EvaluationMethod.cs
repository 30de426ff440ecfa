using System.Globalization;

namespace StmKernel.Sampling.Evaluation;

/// <summary>One row of an evaluation: a baseline (<see cref="Model"/> null) or a model at a step count.</summary>
/// <param name="Label">The row's name: "degraded input", "classical", or the model's name.</param>
/// <param name="Model">The model; null for a baseline.</param>
/// <param name="Steps">Sampler steps; 1 for a one-pass model, 0 for a baseline.</param>
public sealed record EvaluationMethod(string Label, RestorationModel? Model, int Steps)
{
    /// <summary>The degraded input itself, scored as it is.</summary>
    public static EvaluationMethod DegradedInput { get; } = new("degraded input", null, 0);

    /// <summary>The classical baseline (plane, rows, scars), mapped back to [−1, 1] by its min/max.</summary>
    public static EvaluationMethod Classical { get; } = new("classical", null, 0);

    /// <summary>The steps column: "–" for a baseline, "1 pass" for a one-pass model, else the count.</summary>
    public string StepsText => Model is null ? "–" : Model.Sampler is null ? "1 pass" : Steps.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The standard rows: both baselines, then every model once per step count in <paramref name="steps"/>
    /// (null: each model's own default); a one-pass model runs once whatever the steps.
    /// </summary>
    public static IReadOnlyList<EvaluationMethod> For(IEnumerable<RestorationModel> models, IReadOnlyList<int>? steps = null)
    {
        ArgumentNullException.ThrowIfNull(models);
        var methods = new List<EvaluationMethod> { DegradedInput, Classical };
        foreach (var m in models)
        {
            if (m.Sampler is null) methods.Add(new EvaluationMethod(m.Name, m, 1));
            else foreach (int k in steps ?? [m.Sampler.DefaultSteps]) methods.Add(new EvaluationMethod(m.Name, m, k));
        }
        return methods;
    }
}
