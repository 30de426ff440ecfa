using StmKernel.Imaging;
using StmKernel.UNet.Weights;

namespace StmKernel.Cli.Tests;

public class WatchCommandTests
{
    // Short times keep the tests fast; --once makes the watcher exit when nothing is pending.
    private static string[] Watch(string folder, string output, string model, params string[] extra) =>
        ["watch", folder, "-o", output, "--model", model, "--settle", "0.2", "--rescan", "0.5", "--threads", "2", "--once", .. extra];

    [Fact]
    public async Task AScanWrittenInChunksIsRestoredOnceFromTheCompleteFile()
    {
        string dir = TestData.TempDir();
        string model = TestData.TinyModel(dir, "tiny-fm", "restore", SamplerSettings.FlowMatching);
        string complete = TestData.GwyInput(dir, "complete.gwy", 90, 70);
        byte[] bytes = File.ReadAllBytes(complete);
        string watched = Path.Combine(dir, "in"), outDir = Path.Combine(dir, "out");
        string scan = Path.Combine(watched, "session1", "scan.gwy");
        Directory.CreateDirectory(Path.GetDirectoryName(scan)!);

        // The writer pauses longer than the settle time, so the watcher meets stable partial files: each must be
        // retried (a young file that does not parse), never restored.
        const int chunks = 6;
        int chunk = (bytes.Length + chunks - 1) / chunks;
        var file = new FileStream(scan, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite);
        file.Write(bytes, 0, chunk);
        file.Flush();
        var writer = Task.Run(async () =>
        {
            await using (file)
                for (int offset = chunk; offset < bytes.Length; offset += chunk)
                {
                    await Task.Delay(350);
                    file.Write(bytes, offset, Math.Min(chunk, bytes.Length - offset));
                    file.Flush();
                }
        });

        Assert.Equal(0, TestData.Run(Watch(watched, outDir, model, "--retry-for", "30")));
        await writer;

        string reference = Path.Combine(dir, "reference.gwy");
        Assert.Equal(0, TestData.Run("restore", complete, "-o", reference, "--model", model, "--threads", "2"));
        var expected = StmFile.Read(reference).Channels;
        var written = StmFile.Read(Path.Combine(outDir, "session1", "scan.restored.gwy")).Channels;
        Assert.Equal(expected.Count, written.Count);
        for (int c = 0; c < expected.Count; c++) Assert.Equal(expected[c].Data, written[c].Data);

        string log = File.ReadAllText(Path.Combine(outDir, "watch.log"));
        Assert.Single(log.Split('\n'), l => l.Contains("restored session1/scan.gwy", StringComparison.Ordinal));
        Assert.DoesNotContain("failed", log.Split('\n').Where(l => !l.Contains("restored,", StringComparison.Ordinal)));
        Assert.False(File.Exists(Path.Combine(outDir, "failed.txt")));
        Assert.Single(File.ReadAllLines(Path.Combine(outDir, "watch-state.jsonl")));
    }

    [Fact]
    public void ARestartRedoesNothingButWhatArrivedMeanwhile()
    {
        string dir = TestData.TempDir();
        string model = TestData.TinyModel(dir, "tiny-fm", "restore", SamplerSettings.FlowMatching);
        string watched = Path.Combine(dir, "in"), outDir = Path.Combine(dir, "out");
        Directory.CreateDirectory(watched);
        string a = TestData.GwyInput(watched, "a.gwy", 64, 64);
        TestData.GwyInput(watched, "b.gwy", 70, 60);

        Assert.Equal(0, TestData.Run(Watch(watched, outDir, model)));
        string aOut = Path.Combine(outDir, "a.restored.gwy"), bOut = Path.Combine(outDir, "b.restored.gwy");
        var aTime = File.GetLastWriteTimeUtc(aOut);
        var bTime = File.GetLastWriteTimeUtc(bOut);

        // Down for a while: c arrives, a is touched (same content).
        TestData.GwyInput(watched, "c.gwy", 60, 64);
        File.SetLastWriteTimeUtc(a, DateTime.UtcNow.AddMinutes(-5));
        Assert.Equal(0, TestData.Run(Watch(watched, outDir, model)));

        Assert.Equal(aTime, File.GetLastWriteTimeUtc(aOut));
        Assert.Equal(bTime, File.GetLastWriteTimeUtc(bOut));
        Assert.True(File.Exists(Path.Combine(outDir, "c.restored.gwy")));
        var restoredLines = File.ReadAllLines(Path.Combine(outDir, "watch.log")).Where(l => l.Contains(" restored ", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, restoredLines.Count);
        Assert.Single(restoredLines, l => l.Contains("restored a.gwy", StringComparison.Ordinal));
    }

    [Fact]
    public void ACorruptFileIsListedAsFailedAndTheWatcherGoesOn()
    {
        string dir = TestData.TempDir();
        string model = TestData.TinyModel(dir, "tiny-fm", "restore", SamplerSettings.FlowMatching);
        string watched = Path.Combine(dir, "in"), outDir = Path.Combine(dir, "out");
        Directory.CreateDirectory(watched);
        string bad = Path.Combine(watched, "bad.sxm");
        File.WriteAllText(bad, ":NANONIS_VERSION:\n2\n:SCAN_PIXELS:\nnot numbers\n");
        File.SetLastWriteTimeUtc(bad, DateTime.UtcNow.AddHours(-1)); // old: not a file still being written
        TestData.GwyInput(watched, "good.gwy", 64, 64);
        File.WriteAllText(Path.Combine(watched, "notes.txt"), "not a scan: ignored");

        Assert.Equal(1, TestData.Run(Watch(watched, outDir, model)));

        Assert.True(File.Exists(Path.Combine(outDir, "good.restored.gwy")));
        Assert.False(File.Exists(Path.Combine(outDir, "bad.restored.gwy")));
        var failed = File.ReadAllLines(Path.Combine(outDir, "failed.txt"));
        Assert.Single(failed);
        Assert.StartsWith("bad.sxm\t", failed[0], StringComparison.Ordinal);
        Assert.True(failed[0].Length > "bad.sxm\t".Length + 5, $"no reason given: '{failed[0]}'");

        // Reported once: a restart does not report it again.
        Assert.Equal(0, TestData.Run(Watch(watched, outDir, model)));
        Assert.Single(File.ReadAllLines(Path.Combine(outDir, "failed.txt")));
    }

    [Fact]
    public void ASecondWatcherOnTheSameOutputIsRefused()
    {
        string dir = TestData.TempDir();
        string model = TestData.TinyModel(dir, "tiny-fm", "restore", SamplerSettings.FlowMatching);
        string outDir = Path.Combine(dir, "out");
        Directory.CreateDirectory(outDir);
        // A running watcher holds its state file exclusively.
        using var first = new FileStream(Path.Combine(outDir, "watch-state.jsonl"), FileMode.Create, FileAccess.ReadWrite, FileShare.None);
        Assert.Equal(2, TestData.Run(Watch(dir, outDir, model)));
    }
}
