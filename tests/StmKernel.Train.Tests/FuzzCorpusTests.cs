using StmKernel.Fuzz;
using StmKernel.Imaging;
using StmKernel.UNet;
using StmKernel.UNet.Weights;
using Xunit.Abstractions;

namespace StmKernel.Train.Tests;

/// <summary>
/// The corpus afl++ left in tests/fuzz-corpus (tools/fuzz.sh), replayed without afl: every file of every
/// parser must parse or be refused with that parser's documented exception, within the time and memory
/// bounds the fuzzer held it to. Inputs that once crashed a parser are kept there as crash-* files.
/// </summary>
public class FuzzCorpusTests(ITestOutputHelper log)
{
    private static readonly string CorpusRoot = Path.Combine(RepoPaths.Root, "tests", "fuzz-corpus");

    private static FuzzTargets Targets() => new(CorpusRoot, Path.Combine(Path.GetTempPath(), "stmkernel-fuzz-corpus-" + Guid.NewGuid().ToString("N")[..8]));

    public static TheoryData<string> Formats => new(Targets().All.Select(t => t.Name));

    [Theory]
    [MemberData(nameof(Formats))]
    public void Every_corpus_file_parses_or_is_rejected_cleanly(string format)
    {
        var target = Targets().Get(format);
        var files = Directory.Exists(Path.Combine(CorpusRoot, format)) ? Directory.GetFiles(Path.Combine(CorpusRoot, format)) : [];
        Assert.True(files.Length > 0, $"tests/fuzz-corpus/{format} is missing or empty: run tools/fuzz.sh {format} MINUTES");
        var outcomes = files.Order(StringComparer.Ordinal).Select(f =>
        {
            try { return FuzzTargets.Run(target, File.ReadAllBytes(f)); }
            catch (FuzzFindingException e) { throw new Xunit.Sdk.XunitException($"{Path.GetFileName(f)}: {e.Message}\n{e.InnerException}"); }
        }).ToList();
        log.WriteLine($"{format}: {files.Length} files, {outcomes.Count(o => o == FuzzOutcome.Accepted)} accepted, {outcomes.Count(o => o == FuzzOutcome.Rejected)} rejected");
    }

    /// <summary>The replay can fail: an empty input is a rejection for every parser, and a lying parser is a finding.</summary>
    [Fact]
    public void The_rules_tell_rejections_from_findings()
    {
        foreach (var t in Targets().All) Assert.Equal(FuzzOutcome.Rejected, FuzzTargets.Run(t, []));
        var liar = new FuzzTarget("liar", _ => throw new IndexOutOfRangeException("index 9"), [typeof(InvalidDataException)]);
        Assert.Contains("IndexOutOfRangeException", Assert.Throws<FuzzFindingException>(() => FuzzTargets.Run(liar, [1])).Message);
        var hog = new FuzzTarget("hog", _ => GC.KeepAlive(new byte[80 << 20]), [typeof(InvalidDataException)]);
        Assert.Contains("allocated 80 MiB", Assert.Throws<FuzzFindingException>(() => FuzzTargets.Run(hog, [1])).Message);
    }

    /// <summary>The CRC repairs the harness applies compute what the writers store: a valid file comes out unchanged and still reads.</summary>
    [Fact]
    public void Checksum_repairs_leave_valid_files_unchanged()
    {
        var targets = Targets();
        var net = FuzzTargets.TinyNetwork;
        var values = RandomParameters.For(net, 3);
        var weights = new WeightSet(net, ParameterList.For(net).ToDictionary(s => s.Key, s => new WeightTensor(s.Shape, values[s.Key])));
        var trainer = new Trainer(new ParameterSet(net, values), FuzzTargets.CheckpointObjective, FuzzTargets.CheckpointOptions);
        var image = new StmImage([.. Enumerable.Range(0, 35).Select(i => (float)Math.Sin(i))], 7, 5);
        string dir = Path.Combine(Path.GetTempPath(), "stmkernel-fuzz-crc-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            foreach (var (format, write) in new (string, Action<string>)[]
            {
                ("stmw", p => weights.SaveStmw(p)), ("checkpoint", trainer.SaveCheckpoint), ("png", p => StmFile.WritePng(p, image)),
            })
            {
                string path = Path.Combine(dir, format);
                write(path);
                var bytes = File.ReadAllBytes(path);
                Assert.Equal(bytes, format == "png" ? FuzzTargets.WithPngChecksums(bytes) : FuzzTargets.WithTrailingCrc(bytes));
                Assert.Equal(FuzzOutcome.Accepted, FuzzTargets.Run(targets.Get(format), bytes));
            }
        }
        finally { Directory.Delete(dir, true); }
    }
}
