namespace StmKernel.UNet.Modules;

/// <summary>A GroupNorm's affine parameters (<c>KEY.weight</c>, <c>KEY.bias</c>) and settings.</summary>
internal sealed record GroupNormParams(string Key, float[] Gamma, float[] Beta, int Groups, float Eps)
{
    public static GroupNormParams Read(ParameterReader p, string key, UNetConfig c) =>
        new(key, p[key + ".weight"], p[key + ".bias"], c.NormNumGroups, c.NormEps);
}
