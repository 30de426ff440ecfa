namespace StmKernel.Tensors.Kernels;

/// <summary>
/// diffusers' sinusoidal timestep embedding (<c>get_timestep_embedding</c>): with half = dim/2 and
/// <c>f_i = exp(−ln(10000) · i / (half − shift))</c>, emb = [sin(t·f), cos(t·f)], or [cos, sin] when
/// flip_sin_to_cos. Shapes: t [B] → [B, dim]. Computed in double, stored as float.
/// </summary>
public static class TimestepEmbedding
{
    /// <summary>Writes the embedding of each timestep in <paramref name="t"/> into <paramref name="output"/> [B, dim].</summary>
    public static void Sinusoidal(ReadOnlySpan<float> t, Span<float> output, int dim, bool flipSinToCos = true, float freqShift = 0f)
    {
        if (dim % 2 != 0) throw new ArgumentException($"embedding dimension {dim} must be even");
        if (output.Length < t.Length * dim) throw new ArgumentException("embedding output too short");
        int half = dim / 2;
        for (int b = 0; b < t.Length; b++)
        {
            for (int i = 0; i < half; i++)
            {
                // diffusers computes the exponent in float32: exp(-ln(10000) * i / (half - shift)).
                float exponent = -MathF.Log(10000f) * i / (half - freqShift);
                float arg = t[b] * MathF.Exp(exponent);
                float s = MathF.Sin(arg), c = MathF.Cos(arg);
                output[b * dim + i] = flipSinToCos ? c : s;
                output[b * dim + half + i] = flipSinToCos ? s : c;
            }
        }
    }
}
