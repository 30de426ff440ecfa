using System.Text.Json.Serialization;

namespace StmKernel.Synthesis;

/// <summary>A closed interval [Min, Max] from which a parameter is drawn uniformly (in manifests: <c>[min, max]</c>).</summary>
[JsonConverter(typeof(Pairs.ValueRangeJsonConverter))]
public readonly record struct ValueRange(double Min, double Max)
{
    /// <summary>A degenerate range: always <paramref name="value"/>.</summary>
    public static ValueRange Fixed(double value) => new(value, value);

    /// <summary>A uniform draw from the range.</summary>
    public double Sample(Rng rng) => Min == Max ? Min : rng.Uniform(Min, Max);

    /// <summary>Throws unless Min ≤ Max and both are finite.</summary>
    public void Validate(string name)
    {
        if (!double.IsFinite(Min) || !double.IsFinite(Max) || Min > Max)
            throw new ArgumentException($"{name}: invalid range [{Min}, {Max}]");
    }
}
