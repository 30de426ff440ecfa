using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using StmKernel.Imaging;
using StmKernel.Train;
using StmKernel.UNet;
using StmKernel.UNet.Weights;

namespace StmKernel.Fuzz;

/// <summary>
/// First inputs for afl++: the real files of ../shared/data/real cut down to a few kilobytes (afl mutates
/// small files far better, and a parse then costs microseconds), the codec fixtures, and files our own
/// writers produce. Every cut keeps the file valid: each seed parses.
/// </summary>
internal static class Seeds
{
    /// <summary>Pixels per side of the cut-down real scans.</summary>
    private const int Side = 16;

    /// <summary>Writes the seeds of <paramref name="format"/> into <paramref name="dir"/>; returns how many.</summary>
    public static int Write(string format, string realDir, string repoRoot, string dir)
    {
        Directory.CreateDirectory(dir);
        var seeds = format switch
        {
            "sxm" => Real(realDir, "*.sxm").Select(f => (Name(f), CutSxm(File.ReadAllBytes(f)))),
            "createc" => Real(realDir, "*.dat").Select(f => (Name(f), CutCreatec(File.ReadAllBytes(f)))),
            "matrix" => Real(realDir, "*.Z_mtrx").Select(f => (Name(f), File.ReadAllBytes(f)[..MatrixDataBytes])),
            "matrix-param" => [("parameters.mtrx", CutMatrixParameters(File.ReadAllBytes(Path.Combine(realDir, FuzzTargets.MatrixParameterName))))],
            "gwy" or "npy" or "tiff" or "png" => Codecs(repoRoot, format).Append(("own" + Extension(format), OwnImage(Extension(format)))),
            "safetensors" => [("f32.safetensors", OwnWeights((s, p) => s.SaveSafetensors(p, DType.F32))), ("bf16.safetensors", OwnWeights((s, p) => s.SaveSafetensors(p, DType.BF16)))],
            "stmw" => [("f32.stmw", OwnWeights((s, p) => s.SaveStmw(p, DType.F32))), ("f16.stmw", OwnWeights((s, p) => s.SaveStmw(p, DType.F16)))],
            "checkpoint" => [("tiny.stmckpt", OwnCheckpoint())],
            _ => throw new ArgumentException($"no seeds for '{format}'"),
        };
        int n = 0;
        foreach (var (name, bytes) in seeds)
        {
            File.WriteAllBytes(Path.Combine(dir, name), bytes);
            n++;
        }
        return n;
    }

    /// <summary>Writes the partner files the MATRIX targets hold fixed (see <see cref="FuzzTargets.CompanionFolder"/>).</summary>
    public static void WriteCompanions(string realDir, string dir)
    {
        Directory.CreateDirectory(dir);
        File.WriteAllBytes(Path.Combine(dir, FuzzTargets.MatrixDataName), File.ReadAllBytes(Path.Combine(realDir, FuzzTargets.MatrixDataName))[..MatrixDataBytes]);
        File.WriteAllBytes(Path.Combine(dir, FuzzTargets.MatrixParameterName), CutMatrixParameters(File.ReadAllBytes(Path.Combine(realDir, FuzzTargets.MatrixParameterName))));
    }

    /// <summary>
    /// The MATRIX data files cut to their first 8 KiB: the reader keeps the captured lines of an incomplete
    /// frame, so a cut file is still a valid one (a scan stopped early).
    /// </summary>
    private const int MatrixDataBytes = 8192;

    private static IEnumerable<string> Real(string realDir, string pattern) => Directory.GetFiles(realDir, pattern).Order(StringComparer.Ordinal);

    private static string Name(string path) => Path.GetFileName(path);

    private static string Extension(string format) => format == "tiff" ? ".tif" : "." + format;

    /// <summary>Our codec fixtures (hand-built from the specifications) of the format.</summary>
    private static IEnumerable<(string, byte[])> Codecs(string repoRoot, string format)
    {
        string dir = Path.Combine(repoRoot, "tests", "StmKernel.Imaging.Tests", "Fixtures", "codecs");
        return Directory.GetFiles(dir, "*" + Extension(format)).Order(StringComparer.Ordinal).Select(f => (Name(f), File.ReadAllBytes(f)));
    }

    /// <summary>
    /// A Nanonis file with SCAN_PIXELS set to 16 × 16 and each plane cut to its first 256 values (header kept
    /// otherwise, so every tag the reader looks at is the real one).
    /// </summary>
    private static byte[] CutSxm(byte[] b)
    {
        int end = b.AsSpan().IndexOf(":SCANIT_END:"u8);
        int marker = end + b.AsSpan(end).IndexOf([(byte)0x1A, (byte)0x04]);
        string header = Encoding.Latin1.GetString(b, 0, marker);
        int tag = header.IndexOf(":SCAN_PIXELS:\n", StringComparison.Ordinal) + ":SCAN_PIXELS:\n".Length;
        int line = header.IndexOf('\n', tag);
        var px = header[tag..line].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
        string cut = header[..tag] + $"{Side,14}{Side,14}" + header[line..];
        var o = new MemoryStream();
        o.Write(Encoding.Latin1.GetBytes(cut));
        o.Write([0x1A, 0x04]);
        long plane = 4L * px[0] * px[1];
        for (long p = marker + 2; p + plane <= b.Length; p += plane)
            o.Write(b, (int)p, 4 * Side * Side);
        return o.ToArray();
    }

    /// <summary>A Createc file cut to 16 × 16 pixels per channel (Num.X/Num.Y edited, data re-compressed).</summary>
    private static byte[] CutCreatec(byte[] b)
    {
        int marker = b.AsSpan().IndexOf("DATA"u8);
        string header = Encoding.Latin1.GetString(b, 0, marker);
        int nx = HeaderInt(header, "Num.X / Num.X="), ny = HeaderInt(header, "Num.Y / Num.Y=");
        header = header.Replace($"Num.X / Num.X={nx}", $"Num.X / Num.X={Side}", StringComparison.Ordinal)
            .Replace($"Num.Y / Num.Y={ny}", $"Num.Y / Num.Y={Side}", StringComparison.Ordinal);
        byte[] raw;
        using (var z = new ZLibStream(new MemoryStream(b, marker + 4, b.Length - marker - 4), CompressionMode.Decompress))
        using (var ms = new MemoryStream()) { z.CopyTo(ms); raw = ms.ToArray(); }
        var small = new MemoryStream();
        small.Write(raw, 0, 4); // the 4-byte lead-in before the first channel
        for (long c = 0; 4 + 4 * nx * ny * (c + 1) <= raw.Length; c++)
            for (int y = 0; y < Side; y++)
                small.Write(raw, (int)(4 + 4 * (c * nx * ny + y * nx)), 4 * Side);
        var packed = new MemoryStream();
        using (var z = new ZLibStream(packed, CompressionLevel.Optimal, leaveOpen: true)) small.WriteTo(z);
        return [.. Encoding.Latin1.GetBytes(header), .. "DATA"u8, .. packed.ToArray()];
    }

    private static int HeaderInt(string header, string key)
    {
        int at = header.IndexOf(key, StringComparison.Ordinal) + key.Length;
        return int.Parse(header.AsSpan(at, header.IndexOfAny(['\r', '\n'], at) - at));
    }

    /// <summary>
    /// The 2.1 MB MATRIX parameter file reduced to what the reader uses for our data file: its header, the
    /// initial values (EEPA), every modification (PMOD), the last channel system (CCSY) before the file's
    /// bricklet reference with only its dictionary, channel list and transfer functions (the 160 KB SCAN
    /// table dropped), that reference (BREF) and the end block. About 37 KB, and it reads as the full file does.
    /// </summary>
    private static byte[] CutMatrixParameters(byte[] b)
    {
        var o = new MemoryStream();
        o.Write(b, 0, 12);
        byte[]? channelSystem = null;
        foreach (var (at, tag, length, head) in Blocks(b, 12, b.Length))
        {
            int whole = head + length;
            switch (tag)
            {
                case "EEPA" or "PMOD": o.Write(b, at, whole); break;
                case "CCSY":
                    var inner = new MemoryStream();
                    inner.Write(b, at + head, 4);
                    foreach (var (a, t, l, h) in Blocks(b, at + head + 4, at + whole))
                        if (t != "SCAN") inner.Write(b, a, h + l);
                    channelSystem = [.. b.AsSpan(at, head), .. inner.ToArray()];
                    BinaryPrimitives.WriteUInt32LittleEndian(channelSystem.AsSpan(4), (uint)inner.Length);
                    break;
                case "BREF" when Encoding.Unicode.GetString(b, at + head, length).Contains(FuzzTargets.MatrixDataName, StringComparison.Ordinal):
                    o.Write(channelSystem);
                    o.Write(b, at, whole);
                    o.Write(b, b.Length - 16, 16); // the EOED block that ends the file (tag, length 0, timestamp)
                    return o.ToArray();
            }
        }
        throw new InvalidDataException($"{FuzzTargets.MatrixParameterName}: no BREF block names {FuzzTargets.MatrixDataName}");
    }

    /// <summary>The blocks between two offsets: position, tag (read as text, i.e. un-reversed), body length, header length.</summary>
    private static IEnumerable<(int At, string Tag, int Length, int Head)> Blocks(byte[] b, int from, int to)
    {
        for (int at = from; at + 8 <= to;)
        {
            string tag = new(Encoding.ASCII.GetString(b, at, 4).Reverse().ToArray());
            int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(at + 4));
            int head = tag is "XFER" or "SCAN" or "DICT" or "CHCS" or "INST" or "CNXS" or "GENL" ? 8 : 16;
            yield return (at, tag, length, head);
            at += head + length;
        }
    }

    /// <summary>A 23 × 19 image with physical size, unit and metadata, written by our writer for the extension.</summary>
    private static byte[] OwnImage(string ext)
    {
        var rng = new Random(3);
        var im = new StmImage(Enumerable.Range(0, 23 * 19).Select(_ => (float)rng.NextDouble()).ToArray(), 23, 19)
        {
            PixelSizeX = 1e-10, PixelSizeY = 2e-10, ZUnit = "m", Channel = "Z", BiasVolts = 1, Setpoint = 1e-10, SetpointUnit = "A",
        };
        return ThroughFile("own" + ext, path => StmFile.Write(path, [im]));
    }

    /// <summary>Random weights of <see cref="FuzzTargets.TinyNetwork"/> saved by <paramref name="save"/> (given the set and the path).</summary>
    private static byte[] OwnWeights(Action<WeightSet, string> save)
    {
        var values = RandomParameters.For(FuzzTargets.TinyNetwork, 7);
        var tensors = ParameterList.For(FuzzTargets.TinyNetwork).ToDictionary(s => s.Key, s => new WeightTensor(s.Shape, values[s.Key]));
        return ThroughFile("weights", path => save(new WeightSet(FuzzTargets.TinyNetwork, tensors), path));
    }

    private static byte[] OwnCheckpoint()
    {
        var trainer = new Trainer(new ParameterSet(FuzzTargets.TinyNetwork, RandomParameters.For(FuzzTargets.TinyNetwork, 7)),
            FuzzTargets.CheckpointObjective, FuzzTargets.CheckpointOptions);
        return ThroughFile("tiny.stmckpt", trainer.SaveCheckpoint);
    }

    private static byte[] ThroughFile(string name, Action<string> write)
    {
        string dir = Path.Combine(Path.GetTempPath(), "stmkernel-fuzz-seed-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            string path = Path.Combine(dir, name);
            write(path);
            return File.ReadAllBytes(path);
        }
        finally { Directory.Delete(dir, true); }
    }
}
