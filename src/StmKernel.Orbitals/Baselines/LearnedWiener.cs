using System.Numerics;

namespace StmKernel.Orbitals.Baselines;

/// <summary>
/// The learned linear baseline: one transfer function H(k) = Σ T̃ Ĩ* / (Σ |Ĩ|² + ε) fitted on training pairs (input I,
/// target T) of one grid size, applied as Ŝ = F⁻¹[H Ĩ]: the best shift-invariant linear filter for those pairs.
/// </summary>
public sealed class LearnedWiener
{
    private readonly Complex[] _numerator, _h;
    private readonly double[] _denominator;
    private int _pairs;

    /// <summary>An empty fit for <paramref name="width"/> × <paramref name="height"/> images.</summary>
    public LearnedWiener(int width, int height)
    {
        (Width, Height) = (width, height);
        _numerator = new Complex[width * height];
        _denominator = new double[width * height];
        _h = new Complex[width * height];
    }

    /// <summary>Grid width.</summary>
    public int Width { get; }

    /// <summary>Grid height.</summary>
    public int Height { get; }

    /// <summary>Adds one pair to the fit.</summary>
    public void Add(ReadOnlySpan<float> input, ReadOnlySpan<float> target)
    {
        if (input.Length != Width * Height || target.Length != input.Length) throw new ArgumentException($"pair of {input.Length} and {target.Length} pixels for a {Width}×{Height} filter");
        var i = AtomPsf.Forward(input, Width, Height);
        var t = AtomPsf.Forward(target, Width, Height);
        for (int k = 0; k < i.Length; k++)
        {
            _numerator[k] += t[k] * Complex.Conjugate(i[k]);
            _denominator[k] += i[k].Magnitude * i[k].Magnitude;
        }
        _pairs++;
    }

    /// <summary>Fixes H with regulariser <paramref name="epsilon"/> relative to the largest mean input power.</summary>
    public void Fit(double epsilon = 1e-6)
    {
        if (_pairs == 0) throw new InvalidOperationException("the learned Wiener filter has no training pairs");
        double eps = epsilon * _denominator.Max();
        for (int k = 0; k < _h.Length; k++) _h[k] = _numerator[k] / (_denominator[k] + eps);
    }

    /// <summary>The filtered image.</summary>
    public float[] Apply(ReadOnlySpan<float> input)
    {
        if (input.Length != Width * Height) throw new ArgumentException($"image has {input.Length} pixels, the filter {Width}×{Height}");
        var spectrum = AtomPsf.Forward(input, Width, Height);
        for (int k = 0; k < spectrum.Length; k++) spectrum[k] *= _h[k];
        return AtomPsf.Inverse(spectrum, Width, Height);
    }
}
