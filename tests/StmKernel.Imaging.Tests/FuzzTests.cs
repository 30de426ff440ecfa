using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using Xunit.Abstractions;

namespace StmKernel.Imaging.Tests;

/// <summary>
/// Seeded fuzzing of every reader: the real files (and small files of the formats we write) are
/// mutated by bit flips, truncations, header-number edits, overwritten binary fields and inserted
/// garbage. Every case must end in success or <see cref="StmFileException"/>: no other exception,
/// no hang (per-case time limit) and no allocation far beyond the file size.
/// </summary>
public class FuzzTests(ITestOutputHelper log)
{
    private const double CaseTimeLimitSeconds = 2.0;

    public static TheoryData<string, int> RealSources => new()
    {
        { "eth_Si_7x7_051.sxm", 200 },
        { "empa2_test_data_hBN_defect_grid_spec_img_0071.sxm", 300 },
        { "createc-64", 400 },
        { "2014Mar01-093225--7_100.Z_mtrx", 120 },
        { "matrix-parameter-file", 150 },
        { "2015Apr09-085359--4_2.Z_mtrx", 80 },
    };

    public static TheoryData<string, int> OwnSources => new()
    {
        { "own.gwy", 500 },
        { "own.tif", 500 },
        { "own.png", 500 },
        { "own.npy", 500 },
    };

    [RealDataTheory]
    [MemberData(nameof(RealSources))]
    public Task Mutated_real_files_fail_cleanly(string source, int cases) => Fuzz(source, cases);

    [Theory]
    [MemberData(nameof(OwnSources))]
    public Task Mutated_files_of_our_formats_fail_cleanly(string source, int cases) => Fuzz(source, cases);

    private async Task Fuzz(string source, int cases)
    {
        var (bytes, name, sidecar, mutateSidecar) = Load(source);
        // string.GetHashCode is randomised per process; derive a stable seed from the name instead.
        var rng = new Random(source.Aggregate(12345, (h, ch) => unchecked(h * 31 + ch)));
        int rejected = 0, accepted = 0;
        var clock = Stopwatch.StartNew();
        var run = Task.Run(() =>
        {
            for (int c = 0; c < cases; c++)
            {
                var (mutated, what) = Mutate(mutateSidecar ? sidecar! : bytes, rng);
                byte[] data = mutateSidecar ? bytes : mutated;
                byte[]? side = mutateSidecar ? mutated : sidecar;
                long limit = 48L * Math.Max(data.Length, side?.Length ?? 0) + (64L << 20);
                long before = GC.GetAllocatedBytesForCurrentThread();
                var t0 = Stopwatch.GetTimestamp();
                try
                {
                    StmFile.Read(data, name, _ => side);
                    accepted++;
                }
                catch (StmFileException)
                {
                    rejected++;
                }
                catch (Exception e)
                {
                    Assert.Fail($"{source} case {c} ({what}): {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
                }
                double seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
                long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                Assert.True(seconds < CaseTimeLimitSeconds, $"{source} case {c} ({what}) took {seconds:F2} s");
                Assert.True(allocated <= limit, $"{source} case {c} ({what}) allocated {allocated >> 20} MiB for a {data.Length >> 10} KiB file");
            }
        });
        var finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(120)));
        Assert.True(finished == run, $"{source}: fuzzing did not finish within 120 s (hang)");
        await run;
        log.WriteLine($"{source}: {cases} cases in {clock.Elapsed.TotalSeconds:F2} s, {rejected} rejected with StmFileException, {accepted} accepted");
    }

    /// <summary>One random mutation and a description of it (for the failure message).</summary>
    private static (byte[] Bytes, string What) Mutate(byte[] original, Random rng)
    {
        var b = (byte[])original.Clone();
        // Most format fields live near the start; aim half of the mutations there.
        int Pos() => rng.Next(2) == 0 ? rng.Next(Math.Min(b.Length, 4096)) : rng.Next(b.Length);
        switch (rng.Next(6))
        {
            case 0:
            {
                int n = rng.Next(1, 9);
                for (int i = 0; i < n; i++) { int p = Pos(); b[p] ^= (byte)(1 << rng.Next(8)); }
                return (b, $"{n} bit flips");
            }
            case 1:
            {
                int len = rng.Next(2) == 0 ? rng.Next(Math.Min(b.Length, 8192)) : rng.Next(b.Length);
                return (b[..len], $"truncated to {len}");
            }
            case 2:
            {
                // Header edit: replace a number in the text part with an extreme one.
                string[] extremes = ["0", "-1", "65537", "99999999", "2147483647", "1e308", "NaN", "-0", "3.5", ""];
                int p = Pos();
                int s = p;
                while (s < b.Length && !char.IsAsciiDigit((char)b[s])) s++;
                int e = s;
                while (e < b.Length && (char.IsAsciiDigit((char)b[e]) || b[e] == '.')) e++;
                if (s >= b.Length) return (b, "no number to edit");
                string x = extremes[rng.Next(extremes.Length)];
                return (Splice(b, s, e - s, Encoding.ASCII.GetBytes(x)), $"number at {s} → '{x}'");
            }
            case 3:
            {
                // Binary field edit: an extreme 32-bit value at a random (mostly early) position.
                uint[] extremes = [0, 1, 0xFFFFFFFF, 0x7FFFFFFF, 0x80000000, 0x10000, 0xFFFF];
                int p = Math.Min(Pos(), Math.Max(0, b.Length - 4));
                uint v = extremes[rng.Next(extremes.Length)];
                if (b.Length >= 4) { if (rng.Next(2) == 0) BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(p), v); else BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(p), v); }
                return (b, $"uint32 0x{v:X8} at {p}");
            }
            case 4:
            {
                int p = Pos(), n = rng.Next(1, 64);
                var junk = new byte[n];
                rng.NextBytes(junk);
                return (Splice(b, p, 0, junk), $"{n} random bytes inserted at {p}");
            }
            default:
            {
                int p = Pos(), n = Math.Min(rng.Next(1, 256), b.Length - p);
                return (Splice(b, p, n, []), $"{n} bytes deleted at {p}");
            }
        }
    }

    /// <summary>Replaces <paramref name="remove"/> bytes at <paramref name="at"/> by <paramref name="insert"/>.</summary>
    private static byte[] Splice(byte[] b, int at, int remove, byte[] insert)
    {
        var o = new byte[b.Length - remove + insert.Length];
        b.AsSpan(0, at).CopyTo(o);
        insert.CopyTo(o, at);
        b.AsSpan(at + remove).CopyTo(o.AsSpan(at + insert.Length));
        return o;
    }

    private static (byte[] Bytes, string Name, byte[]? Sidecar, bool MutateSidecar) Load(string source)
    {
        if (source.StartsWith("own.", StringComparison.Ordinal)) return (OwnFile(source[3..]), source, null, false);
        return source switch
        {
            "createc-64" => (SmallCreatec(), "pf_createc_terrace-64.dat", null, false),
            "matrix-parameter-file" => (File.ReadAllBytes(TestData.Real("2014Mar01-093225--7_100.Z_mtrx")), "2014Mar01-093225--7_100.Z_mtrx",
                File.ReadAllBytes(TestData.Real("2014Mar01-093225_0001.mtrx")), true),
            "2014Mar01-093225--7_100.Z_mtrx" => (File.ReadAllBytes(TestData.Real(source)), source, File.ReadAllBytes(TestData.Real("2014Mar01-093225_0001.mtrx")), false),
            _ => (File.ReadAllBytes(TestData.Real(source)), source, null, false),
        };
    }

    /// <summary>A file of one of our output formats, written by our writer from a small image.</summary>
    private static byte[] OwnFile(string ext)
    {
        var rng = new Random(3);
        var im = new StmImage(Enumerable.Range(0, 37 * 29).Select(_ => (float)rng.NextDouble()).ToArray(), 37, 29)
        {
            PixelSizeX = 1e-10, PixelSizeY = 1e-10, ZUnit = "m", Channel = "Z", BiasVolts = 1, Setpoint = 1e-10, SetpointUnit = "A",
        };
        string dir = TestData.TempDir();
        string path = Path.Combine(dir, "f" + ext);
        StmFile.Write(path, [im]);
        var bytes = File.ReadAllBytes(path);
        Directory.Delete(dir, true);
        return bytes;
    }

    /// <summary>
    /// The real Createc file cut to its first 64×64 pixels of each channel (header kept, Num.X/Num.Y
    /// edited, data re-compressed), so a fuzz case costs microseconds instead of inflating 4 MiB.
    /// </summary>
    private static byte[] SmallCreatec()
    {
        var b = File.ReadAllBytes(TestData.Real("pf_createc_terrace.dat"));
        int marker = b.AsSpan().IndexOf("DATA"u8);
        string header = Encoding.Latin1.GetString(b, 0, marker)
            .Replace("Num.X / Num.X=512", "Num.X / Num.X=64", StringComparison.Ordinal)
            .Replace("Num.Y / Num.Y=512", "Num.Y / Num.Y=64", StringComparison.Ordinal);
        byte[] raw;
        using (var z = new ZLibStream(new MemoryStream(b, marker + 4, b.Length - marker - 4), CompressionMode.Decompress))
        using (var ms = new MemoryStream()) { z.CopyTo(ms); raw = ms.ToArray(); }
        var small = new MemoryStream();
        small.Write(raw, 0, 4);
        for (int c = 0; c < 4; c++)
            for (int y = 0; y < 64; y++)
                small.Write(raw, 4 + 4 * (c * 512 * 512 + y * 512), 4 * 64);
        var packed = new MemoryStream();
        using (var z = new ZLibStream(packed, CompressionLevel.Fastest, leaveOpen: true)) small.WriteTo(z);
        return Encoding.Latin1.GetBytes(header).Concat("DATA"u8.ToArray()).Concat(packed.ToArray()).ToArray();
    }
}
