using StmKernel.Imaging;
using StmKernel.UNet.Weights;

namespace StmKernel.Cli.Tests;

/// <summary>
/// Outputs that cannot be written (issue 14, item 3): a full disk mid-file and an unwritable output folder give a
/// clear error naming the output, leave no partial or temporary file and do not touch the inputs. The full disk
/// is a write callback failing the way write(2) does on ENOSPC; a real full or read-only mount needs a tmpfs,
/// which a test cannot count on mounting (docs/robustness.md).
/// </summary>
[Collection(ConsoleCollection.Name)]
public class OutputFaultTests
{
    /// <remarks>
    /// enospc: what a full disk does (the first bytes go out, then write(2) fails with ENOSPC). efbig: what FileStream
    /// throws when write(2) fails with EFBIG (tools/full-disk.sh provokes the real one with ulimit -f).
    /// </remarks>
    [Theory]
    [InlineData("enospc", "No space left on device")]
    [InlineData("efbig", "the file is larger than the file system")]
    public void AWriteFailingMidFileLeavesThePreviousFileAndNoTemporary(string fault, string expected)
    {
        string dir = TestData.TempDir();
        string path = Path.Combine(dir, "scan.restored.gwy");
        File.WriteAllText(path, "the previous output");

        var e = Assert.Throws<OutputWriteException>(() => SafeWrite.Write(path, s =>
        {
            s.Write(new byte[4096]);
            s.Flush();
            throw fault == "enospc"
                ? new IOException("No space left on device")
                : new ArgumentOutOfRangeException("value", "Specified file length was too large for the file system.");
        }));

        Assert.StartsWith($"cannot write {path}: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message);
        Assert.Equal("the previous output", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(dir));
    }

    [Fact]
    public void AnUnwritableOutputFolderIsAClearErrorAndTheInputIsUntouched()
    {
        string dir = TestData.TempDir();
        string model = TestData.TinyModel(dir, "tiny-fm", "restore", SamplerSettings.FlowMatching);
        string input = TestData.GwyInput(dir, "scan.gwy", 64, 64);
        byte[] before = File.ReadAllBytes(input);
        // A folder that cannot be created: its parent is a regular file (ENOTDIR). This stops root too, whom a 0555
        // folder does not stop (tests often run as root); the 0555 case runs below when this process is not root.
        string blocker = Path.Combine(dir, "blocker");
        File.WriteAllText(blocker, "a file, not a folder");
        string output = Path.Combine(blocker, "out");

        var (code, _, err) = TestData.Capture(() => TestData.Run("restore", input, "-o", output, "--model", model, "--threads", "2"));

        Assert.Equal(2, code);
        Assert.Contains($"cannot create the output folder {output}", err, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(input));
        Assert.Equal([blocker, input, model], Directory.GetFiles(dir).Order(StringComparer.Ordinal));
        Assert.Equal("a file, not a folder", File.ReadAllText(blocker));

        if (Environment.IsPrivilegedProcess || OperatingSystem.IsWindows()) return; // root writes into a 0555 folder regardless
        string readOnly = Path.Combine(dir, "read-only");
        Directory.CreateDirectory(readOnly);
        File.SetUnixFileMode(readOnly, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        (code, _, err) = TestData.Capture(() => TestData.Run("restore", input, "-o", readOnly, "--model", model, "--threads", "2"));
        Assert.Equal(1, code);
        Assert.Contains($"cannot write {Path.Combine(readOnly, "scan.restored.gwy")}", err, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(readOnly));
        Assert.Equal(before, File.ReadAllBytes(input));
    }

    [Fact]
    public void AWatcherThatCannotWriteStopsWithoutListingTheScanAsFailed()
    {
        string dir = TestData.TempDir();
        string model = TestData.TinyModel(dir, "tiny-fm", "restore", SamplerSettings.FlowMatching);
        string watched = Path.Combine(dir, "in"), outDir = Path.Combine(dir, "out");
        Directory.CreateDirectory(watched);
        string scan = TestData.GwyInput(watched, "a.gwy", 64, 64);
        byte[] before = File.ReadAllBytes(scan);
        // A folder where the output should go: the rename into place fails, as on a full or read-only disk.
        string blocked = Path.Combine(outDir, "a.restored.gwy");
        Directory.CreateDirectory(blocked);
        string[] watch = ["watch", watched, "-o", outDir, "--model", model, "--settle", "0.2", "--rescan", "0.5", "--threads", "2", "--once"];

        var (code, _, err) = TestData.Capture(() => TestData.Run(watch));

        Assert.Equal(2, code);
        Assert.Contains($"cannot write {blocked}", err, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(outDir, "failed.txt")), "a write fault must not list the scan as failed: it would never be retried");
        Assert.Empty(File.ReadAllText(Path.Combine(outDir, "watch-state.jsonl")));
        Assert.Empty(Directory.GetFiles(outDir, "*.tmp-*"));
        Assert.Equal(before, File.ReadAllBytes(scan));

        // Once the destination is fixed, the next start restores the scan.
        Directory.Delete(blocked);
        Assert.Equal(0, TestData.Capture(() => TestData.Run(watch)).Code);
        Assert.True(StmFile.Read(blocked).Channels.Count > 0);
    }
}
