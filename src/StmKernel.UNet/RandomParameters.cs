using StmKernel.UNet.Networks;

namespace StmKernel.UNet;

/// <summary>
/// Seeded random parameters for an architecture, scaled like PyTorch's default init
/// (uniform ±1/√fan_in for convolutions and linears; group-norm γ near 1, β near 0), so activations
/// stay O(1). For benchmarks and tests without a weight file; the same seed gives the same values.
/// </summary>
public static class RandomParameters
{
    /// <summary>Every parameter of <paramref name="config"/>, keyed by diffusers name.</summary>
    public static Dictionary<string, float[]> For(INetworkConfig config, int seed = 0)
    {
        var rng = new Random(seed);
        var result = new Dictionary<string, float[]>();
        var specs = ParameterList.For(config);
        foreach (var spec in specs)
        {
            var v = new float[spec.Count];
            bool isNorm = spec.Shape.Length == 1 && !spec.Key.EndsWith(".bias", StringComparison.Ordinal) ||
                          spec.Key.Contains("norm", StringComparison.Ordinal);
            if (isNorm)
            {
                bool gamma = spec.Key.EndsWith(".weight", StringComparison.Ordinal);
                for (int i = 0; i < v.Length; i++) v[i] = (gamma ? 1f : 0f) + 0.1f * (float)(rng.NextDouble() * 2 - 1);
            }
            else
            {
                // fan_in of the layer this tensor belongs to (biases use their weight's fan_in).
                int[] wShape = spec.Key.EndsWith(".bias", StringComparison.Ordinal)
                    ? specs.First(s => s.Key == spec.Key[..^5] + ".weight").Shape
                    : spec.Shape;
                int fanIn = wShape.Skip(1).Aggregate(1, (a, b) => a * b);
                float bound = 1f / MathF.Sqrt(fanIn);
                for (int i = 0; i < v.Length; i++) v[i] = bound * (float)(rng.NextDouble() * 2 - 1);
            }
            result[spec.Key] = v;
        }
        return result;
    }
}
