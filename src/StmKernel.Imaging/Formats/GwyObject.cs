using System.Buffers.Binary;
using System.Text;

namespace StmKernel.Imaging.Formats;

/// <summary>
/// A Gwyddion serialized object: a type name and named components. Component values are
/// byte, int, long, double, string, <see cref="GwyObject"/>, or arrays of those
/// (byte[], int[], long[], double[], string[], GwyObject[]), matching the format's type letters
/// b/c, i, q, d, s, o and their upper-case array forms.
/// </summary>
internal sealed class GwyObject(string type)
{
    private const int MaxDepth = 32;

    public string Type { get; } = type;
    public List<KeyValuePair<string, object>> Components { get; } = new();

    public object? this[string name] => Components.FirstOrDefault(c => c.Key == name).Value;

    public GwyObject Add(string name, object value)
    {
        Components.Add(new(name, value));
        return this;
    }

    /// <summary>Parses one object at the reader's position; sizes and counts are checked against the bytes left.</summary>
    public static GwyObject Parse(ByteReader r, int depth = 0)
    {
        if (depth > MaxDepth) throw r.Bad("object nesting", $"at most {MaxDepth} levels", "deeper");
        string type = r.CString("object type name");
        uint size = r.U32LE($"{type} size");
        r.Need(size, $"{type} body ({size} bytes)");
        long end = r.Position + size;
        var o = new GwyObject(type);
        while (r.Position < end)
        {
            string name = r.CString($"{type} component name");
            byte t = r.U8($"{type}.{name} type");
            string field = $"{type}.{name}";
            object v = (char)t switch
            {
                'b' or 'c' => r.U8(field),
                'i' => r.I32LE(field),
                'q' => r.I64LE(field),
                'd' => r.F64LE(field),
                's' => r.CString(field),
                'o' => Parse(r, depth + 1),
                'C' => r.Take(r.Count(field, 1), field).ToArray(),
                'I' => Array(r, field, 4, s => BinaryPrimitives.ReadInt32LittleEndian(s)),
                'Q' => Array(r, field, 8, s => BinaryPrimitives.ReadInt64LittleEndian(s)),
                'D' => Array(r, field, 8, s => BinaryPrimitives.ReadDoubleLittleEndian(s)),
                'S' => Enumerable.Range(0, r.Count(field, 1)).Select(_ => r.CString(field)).ToArray(),
                'O' => Enumerable.Range(0, r.Count(field, 2)).Select(_ => Parse(r, depth + 1)).ToArray(),
                _ => throw r.Bad($"{field} type", "one of b c i q d s o C I Q D S O", $"byte 0x{t:X2}"),
            };
            if (r.Position > end) throw r.Bad($"{type} size", $"components within {size} bytes", $"{field} ends {r.Position - end} bytes past the object");
            o.Add(name, v);
        }
        return o;
    }

    private delegate T Decode<T>(ReadOnlySpan<byte> s);

    private static T[] Array<T>(ByteReader r, string field, int size, Decode<T> decode)
    {
        int n = r.Count(field, size);
        var span = r.Take(n * size, field);
        var a = new T[n];
        for (int i = 0; i < n; i++) a[i] = decode(span.Slice(i * size, size));
        return a;
    }

    /// <summary>Serializes the object (name, size, components) in Gwyddion's little-endian format.</summary>
    public void Write(Stream s)
    {
        using var body = new MemoryStream();
        foreach (var (name, value) in Components)
        {
            WriteCString(body, name);
            switch (value)
            {
                case byte b: body.WriteByte((byte)'b'); body.WriteByte(b); break;
                case bool b: body.WriteByte((byte)'b'); body.WriteByte(b ? (byte)1 : (byte)0); break;
                case int i: body.WriteByte((byte)'i'); WriteLE(body, i); break;
                case long q: body.WriteByte((byte)'q'); WriteLE(body, q); break;
                case double d: body.WriteByte((byte)'d'); WriteLE(body, d); break;
                case string str: body.WriteByte((byte)'s'); WriteCString(body, str); break;
                case GwyObject o: body.WriteByte((byte)'o'); o.Write(body); break;
                case double[] ds:
                    body.WriteByte((byte)'D');
                    WriteLE(body, ds.Length);
                    var buf = new byte[8 * ds.Length];
                    for (int k = 0; k < ds.Length; k++) BinaryPrimitives.WriteDoubleLittleEndian(buf.AsSpan(8 * k), ds[k]);
                    body.Write(buf);
                    break;
                default: throw new ArgumentException($"GWY component {name}: unsupported value type {value.GetType().Name}");
            }
        }
        WriteCString(s, Type);
        WriteLE(s, checked((int)body.Length));
        body.Position = 0;
        body.CopyTo(s);
    }

    private static void WriteCString(Stream s, string text)
    {
        s.Write(Encoding.UTF8.GetBytes(text));
        s.WriteByte(0);
    }

    private static void WriteLE(Stream s, int v) { Span<byte> b = stackalloc byte[4]; BinaryPrimitives.WriteInt32LittleEndian(b, v); s.Write(b); }
    private static void WriteLE(Stream s, long v) { Span<byte> b = stackalloc byte[8]; BinaryPrimitives.WriteInt64LittleEndian(b, v); s.Write(b); }
    private static void WriteLE(Stream s, double v) { Span<byte> b = stackalloc byte[8]; BinaryPrimitives.WriteDoubleLittleEndian(b, v); s.Write(b); }
}
