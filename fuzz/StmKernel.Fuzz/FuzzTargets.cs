using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Hashing;
using StmKernel.Imaging;
using StmKernel.Train;
using StmKernel.Train.Objectives;
using StmKernel.Train.Optim;
using StmKernel.UNet;
using StmKernel.UNet.Weights;

namespace StmKernel.Fuzz;

/// <summary>How one input ended: parsed, or refused with the parser's documented exception.</summary>
public enum FuzzOutcome
{
    /// <summary>The parser read the input.</summary>
    Accepted,

    /// <summary>The parser refused the input with its documented rejection exception.</summary>
    Rejected,
}

/// <summary>An input that made a parser misbehave: an undocumented exception, too much time or too much memory.</summary>
public sealed class FuzzFindingException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// One parser under fuzzing: a name (the FORMAT of tools/fuzz.sh and the folder under tests/fuzz-corpus),
/// how to feed it bytes, and the exception types it documents for a bad file.
/// </summary>
public sealed record FuzzTarget(string Name, Action<byte[]> Parse, IReadOnlyList<Type> Rejections);

/// <summary>
/// Every parser the project has, as afl++ and the corpus regression test drive it. The same code runs in
/// both, so a corpus file that afl judged clean is judged by the same rules in CI.
/// </summary>
public sealed class FuzzTargets
{
    /// <summary>Longest a single parse may take before it counts as a hang (afl's own timeout is longer, for the first, JIT-heavy run).</summary>
    public static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(2);

    /// <summary>The companions' folder name inside the corpus root: fixed partner files a two-file format needs.</summary>
    public const string CompanionFolder = "companions";

    /// <summary>The MATRIX data file's name; the parameter file's BREF block names it, so the companions keep it.</summary>
    public const string MatrixDataName = "2014Mar01-093225--7_100.Z_mtrx";

    /// <summary>The MATRIX parameter file beside <see cref="MatrixDataName"/> (the reader derives this name).</summary>
    public const string MatrixParameterName = "2014Mar01-093225_0001.mtrx";

    /// <summary>
    /// The network the weight and checkpoint seeds are written for: one level of 4 channels, so a file is a
    /// few kilobytes and a parse costs microseconds, yet every tensor kind of the U-Net is present.
    /// </summary>
    public static UNetConfig TinyNetwork { get; } = new() { BlockOutChannels = [4], LayersPerBlock = 1, NormNumGroups = 2 };

    /// <summary>The objective the checkpoint seeds are written with (another one is a documented rejection).</summary>
    public static FlowMatchingObjective CheckpointObjective { get; } = new();

    /// <summary>Trainer options for resuming a fuzzed checkpoint (their values do not affect parsing).</summary>
    public static TrainerOptions CheckpointOptions { get; } = new() { Seed = 1, LearningRate = new LearningRateSchedule(1e-3, 1, 10) };

    private readonly string _scratch;
    private readonly byte[] _matrixData;
    private readonly byte[] _matrixParameters;

    /// <param name="corpusRoot">tests/fuzz-corpus: its <see cref="CompanionFolder"/> holds the MATRIX partner files.</param>
    /// <param name="scratch">A folder of this process's own for the formats whose readers take a path.</param>
    public FuzzTargets(string corpusRoot, string scratch)
    {
        _scratch = scratch;
        Directory.CreateDirectory(scratch);
        _matrixData = File.ReadAllBytes(Path.Combine(corpusRoot, CompanionFolder, MatrixDataName));
        _matrixParameters = File.ReadAllBytes(Path.Combine(corpusRoot, CompanionFolder, MatrixParameterName));
        All =
        [
            Image("sxm"), Image("createc"), Image("gwy"), Image("npy"), Image("tiff"),
            new FuzzTarget("png", b => StmFile.Read(WithPngChecksums(b), "fuzz.png"), [typeof(StmFileException)]),
            new FuzzTarget("matrix", b => StmFile.Read(b, MatrixDataName, Sidecar(MatrixParameterName, _matrixParameters)), [typeof(StmFileException)]),
            new FuzzTarget("matrix-param", b => StmFile.Read(_matrixData, MatrixDataName, Sidecar(MatrixParameterName, b)), [typeof(StmFileException)]),
            new FuzzTarget("safetensors", ParseSafetensors, [typeof(InvalidDataException)]),
            // WeightSet.Load tells formats by content: a mutation that looks like safetensors asks for the config.json
            // beside it, which is absent here, and Load documents FileNotFoundException for that.
            new FuzzTarget("stmw", b => WeightSet.Load(Scratch(WithTrailingCrc(b), "fuzz.stmw")), [typeof(InvalidDataException), typeof(FileNotFoundException)]),
            new FuzzTarget("checkpoint", b => Trainer.Resume(Scratch(WithTrailingCrc(b), "fuzz.stmckpt"), CheckpointObjective, CheckpointOptions), [typeof(InvalidDataException)]),
        ];
    }

    /// <summary>Every target, in the order docs/formats.md lists them.</summary>
    public IReadOnlyList<FuzzTarget> All { get; }

    /// <summary>The target called <paramref name="name"/>.</summary>
    public FuzzTarget Get(string name) => All.FirstOrDefault(t => t.Name == name)
        ?? throw new ArgumentException($"unknown fuzz target '{name}'; expected one of {string.Join(", ", All.Select(t => t.Name))}");

    /// <summary>
    /// Parses <paramref name="input"/> and says how it ended. Throws <see cref="FuzzFindingException"/> for
    /// anything else: another exception, a parse over <see cref="TimeLimit"/>, or an allocation beyond
    /// 48 × the input plus 64 MiB (the bound FuzzTests holds the mutated real files to).
    /// </summary>
    public static FuzzOutcome Run(FuzzTarget target, byte[] input)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        long start = Stopwatch.GetTimestamp();
        FuzzOutcome outcome;
        try
        {
            target.Parse(input);
            outcome = FuzzOutcome.Accepted;
        }
        catch (Exception e) when (target.Rejections.Contains(e.GetType()))
        {
            outcome = FuzzOutcome.Rejected;
        }
        catch (Exception e)
        {
            throw new FuzzFindingException($"{target.Name}: {e.GetType().Name} (documented: {string.Join(", ", target.Rejections.Select(t => t.Name))}): {e.Message}", e);
        }
        var elapsed = Stopwatch.GetElapsedTime(start);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        if (elapsed > TimeLimit)
            throw new FuzzFindingException($"{target.Name}: a {input.Length}-byte input took {elapsed.TotalSeconds:F2} s (limit {TimeLimit.TotalSeconds} s)");
        if (allocated > 48L * input.Length + (64L << 20))
            throw new FuzzFindingException($"{target.Name}: a {input.Length}-byte input allocated {allocated >> 20} MiB");
        return outcome;
    }

    private static FuzzTarget Image(string name) => new(name, b => StmFile.Read(b, "fuzz." + name), [typeof(StmFileException)]);

    private static Func<string, byte[]?> Sidecar(string name, byte[] bytes) => asked => Path.GetFileName(asked) == name ? bytes : null;

    private void ParseSafetensors(byte[] bytes)
    {
        var content = SafetensorsReader.Read(Scratch(bytes, "fuzz.safetensors"));
        // The architecture comes from a config.json beside real files; here it is fixed, so a parse that
        // succeeds is also checked against it, as WeightSet.Load does.
        new WeightSet(TinyNetwork, content.Tensors).Validate();
    }

    /// <summary>The weight and checkpoint readers take a path: the input goes to a file in the scratch folder first.</summary>
    private string Scratch(byte[] bytes, string name)
    {
        string path = Path.Combine(_scratch, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>
    /// .stmw and .stmckpt end in a CRC-32 of everything before it, checked before any field is read: without
    /// this repair nearly every mutation stops at the checksum and the parser behind it goes unexplored.
    /// </summary>
    public static byte[] WithTrailingCrc(byte[] bytes)
    {
        if (bytes.Length < 4) return bytes;
        var b = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(b.Length - 4), Crc32.HashToUInt32(b.AsSpan(0, b.Length - 4)));
        return b;
    }

    /// <summary>The PNG counterpart of <see cref="WithTrailingCrc"/>: every whole chunk gets its correct CRC.</summary>
    public static byte[] WithPngChecksums(byte[] bytes)
    {
        var b = (byte[])bytes.Clone();
        for (long at = 8; at + 12 <= b.Length;)
        {
            uint length = BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan((int)at));
            if (length > b.Length - at - 12) break;
            int dataEnd = (int)(at + 8 + length);
            BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(dataEnd), Crc32.HashToUInt32(b.AsSpan((int)at + 4, (int)length + 4)));
            at = dataEnd + 4;
        }
        return b;
    }
}
