using System.Globalization;

namespace StmKernel.Cli;

/// <summary>Parses a length with its unit, e.g. "0.195nm", "78 pm", "1.95Å", "1.95A", "2e-10m", into metres.</summary>
internal static class LengthOption
{
    private static readonly (string Unit, double Metres)[] Units = [("nm", 1e-9), ("pm", 1e-12), ("Å", 1e-10), ("A", 1e-10), ("um", 1e-6), ("µm", 1e-6), ("m", 1)];

    /// <summary>The length in metres; <paramref name="option"/> names the option in the error.</summary>
    /// <exception cref="CliException">No known unit, not a positive finite number.</exception>
    public static double Parse(string text, string option)
    {
        string t = text.Trim();
        foreach (var (unit, metres) in Units)
        {
            if (!t.EndsWith(unit, StringComparison.Ordinal)) continue;
            string number = t[..^unit.Length].Trim();
            if (double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v > 0 && double.IsFinite(v)) return v * metres;
            break;
        }
        throw new CliException($"--{option} expects a positive length with a unit (nm, pm, Å or A, um, m), e.g. 0.195nm, got '{text}'");
    }
}
