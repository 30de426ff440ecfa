using System.Globalization;
using System.Text;

namespace StmKernel.Imaging.Formats;

/// <summary>
/// The Omicron MATRIX parameter file (`PREFIX_0001.mtrx`): a time-ordered stream of tagged blocks.
/// Initial settings (EEPA) are updated by modifications (PMOD) until the bricklet reference (BREF)
/// naming our data file; the channel dictionary and transfer functions (CCSY → DICT, XFER) give the
/// raw → physical scaling. Tags are stored as little-endian int32, i.e. reversed ("ATEM" = META).
/// </summary>
internal sealed class MatrixParameterFile
{
    public static ReadOnlySpan<byte> Magic => "ONTMATRX0101"u8;

    /// <summary>"Instance.Property" → value as text (doubles in round-trip format).</summary>
    public Dictionary<string, string> Values { get; } = new(StringComparer.Ordinal);

    /// <summary>Channel name (e.g. "Z") → (transfer function name, unit, its parameters).</summary>
    public Dictionary<string, (string Tff, string Unit, Dictionary<string, double> Params)> Channels { get; } = new(StringComparer.Ordinal);

    /// <summary>True when a BREF block naming the data file was found (so the values are those of that image).</summary>
    public bool FoundImage { get; private set; }

    private readonly Dictionary<uint, (string Name, string Unit)> _dict = new();
    private readonly Dictionary<uint, (string Tff, string Unit, Dictionary<string, double> Params)> _xfer = new();

    public static MatrixParameterFile Read(byte[] bytes, string file, string dataFileName)
    {
        var r = new ByteReader(bytes, file);
        if (!bytes.AsSpan().StartsWith(Magic)) throw r.Bad("magic", "ONTMATRX0101", "something else");
        r.Position = Magic.Length;
        var p = new MatrixParameterFile();
        while (r.Remaining >= 8 && !p.FoundImage)
        {
            if (!p.Block(r, dataFileName)) break;
        }
        foreach (var (num, (name, _)) in p._dict)
            if (p._xfer.TryGetValue(num, out var x)) p.Channels[name] = x;
        return p;
    }

    private static bool HasTimestamp(string tag) => tag is not ("XFER" or "SCAN" or "DICT" or "CHCS" or "INST" or "CNXS" or "GENL");

    /// <summary>Reads one block at the cursor; false at the end-of-data block.</summary>
    private bool Block(ByteReader r, string dataFileName)
    {
        string tag = Tag(r);
        uint len = r.U32LE($"{tag} block length");
        if (HasTimestamp(tag)) r.Skip(8, $"{tag} timestamp");
        r.Need(len, $"{tag} block ({len} bytes)");
        var body = r.Window((int)len, $"{tag} block");
        switch (tag)
        {
            case "EEPA": InitialValues(body); break;
            case "PMOD":
                body.Skip(4, "PMOD");
                string inst = Str(body), prop = Str(body);
                Str(body); // unit
                if (Value(body, check: true) is { } v) Values[inst + "." + prop] = v;
                break;
            case "BREF":
                body.Skip(4, "BREF");
                string name = Str(body);
                if (name.Length > 0 && (dataFileName.EndsWith(name, StringComparison.Ordinal) || name.EndsWith(dataFileName, StringComparison.Ordinal)))
                    FoundImage = true;
                break;
            case "CCSY":
                body.Skip(4, "CCSY");
                while (body.Remaining >= 8) Block(body, dataFileName);
                break;
            case "DICT": Dictionary(body); break;
            case "XFER": TransferFunctions(body); break;
            case "EOED": return false;
        }
        return true;
    }

    private void InitialValues(ByteReader b)
    {
        b.Skip(4, "EEPA");
        int groups = b.Count("EEPA group count", 8);
        for (int g = 0; g < groups; g++)
        {
            string inst = Str(b);
            int props = b.Count($"EEPA {inst} property count", 8);
            for (int i = 0; i < props; i++)
            {
                string prop = Str(b);
                Str(b); // unit
                if (Value(b, check: true) is { } v) Values[inst + "." + prop] = v;
            }
        }
    }

    private void Dictionary(ByteReader b)
    {
        b.Skip(8, "DICT");
        int n = b.Count("DICT entry count", 24);
        for (int i = 0; i < n; i++) { b.Skip(16, "DICT entry"); Str(b); Str(b); }
        int channels = b.Count("DICT channel count", 24);
        for (int i = 0; i < channels; i++)
        {
            b.Skip(4, "DICT channel");
            uint num = b.U32LE("DICT channel number");
            b.Skip(8, "DICT channel");
            string name = Str(b), unit = Str(b);
            _dict[num] = (name, unit);
        }
    }

    private void TransferFunctions(ByteReader b)
    {
        while (b.Remaining >= 8)
        {
            b.Skip(4, "XFER");
            uint num = b.U32LE("XFER channel number");
            string tff = Str(b), unit = Str(b);
            int n = b.Count("XFER parameter count", 8);
            var ps = new Dictionary<string, double>(StringComparer.Ordinal);
            for (int i = 0; i < n; i++)
            {
                string prop = Str(b);
                if (Value(b, check: false) is { } v && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double d)) ps[prop] = d;
            }
            _xfer[num] = (tff, unit, ps);
        }
    }

    private static string Tag(ByteReader r)
    {
        var t = r.Take(4, "block tag");
        Span<char> c = stackalloc char[4];
        for (int i = 0; i < 4; i++) c[i] = (char)t[3 - i];
        return new string(c);
    }

    /// <summary>A uint32 count of UTF-16 code units, then the characters.</summary>
    internal static string Str(ByteReader b)
    {
        int n = b.Count("string length", 2);
        return Encoding.Unicode.GetString(b.Take(2 * n, "string"));
    }

    /// <summary>A typed value (LONG, BOOL, DOUB, STRG), optionally preceded by a zero uint32; null when of another type.</summary>
    private static string? Value(ByteReader b, bool check)
    {
        if (check) b.Skip(4, "value marker");
        string type = Tag(b);
        return type switch
        {
            "LONG" => b.U32LE("LONG value").ToString(CultureInfo.InvariantCulture),
            "BOOL" => b.U32LE("BOOL value") != 0 ? "true" : "false",
            "DOUB" => b.F64LE("DOUB value").ToString("R", CultureInfo.InvariantCulture),
            "STRG" => Str(b),
            _ => null,
        };
    }
}
