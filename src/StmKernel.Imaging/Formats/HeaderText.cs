using System.Globalization;

namespace StmKernel.Imaging.Formats;

/// <summary>Small parsing helpers shared by the text-header readers (.sxm, Createc).</summary>
internal static class HeaderText
{
    /// <summary>Parses a double in invariant culture or throws naming the field.</summary>
    public static double Double(string file, string field, string text)
    {
        if (double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)) return v;
        throw new StmFileException(file, field, "a finite number", Quote(text));
    }

    /// <summary>Parses an image dimension in [1, <paramref name="max"/>] or throws naming the field.</summary>
    public static int Dimension(string file, string field, string text, int max = 1 << 16)
    {
        if (int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v >= 1 && v <= max) return v;
        throw new StmFileException(file, field, $"an integer in [1, {max}]", Quote(text));
    }

    /// <summary>Splits "2.500E-10 A" into its number and unit; null when the text is not a number.</summary>
    public static (double Value, string Unit)? ValueWithUnit(string text)
    {
        var parts = text.Trim().Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0 || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v)) return null;
        return (v, parts.Length > 1 ? parts[1] : "");
    }

    /// <summary>Shortens and quotes a header value for an error message.</summary>
    public static string Quote(string text)
    {
        string t = text.Trim();
        if (t.Length > 60) t = t[..60] + "…";
        return $"'{t}'";
    }

    /// <summary>Index of <paramref name="pattern"/> in <paramref name="bytes"/> from <paramref name="start"/> up to <paramref name="limit"/>, or −1.</summary>
    public static int IndexOf(byte[] bytes, ReadOnlySpan<byte> pattern, int start = 0, int limit = int.MaxValue)
    {
        int end = (int)Math.Min(bytes.Length, (long)limit);
        if (start >= end) return -1;
        int i = bytes.AsSpan(start, end - start).IndexOf(pattern);
        return i < 0 ? -1 : start + i;
    }
}
