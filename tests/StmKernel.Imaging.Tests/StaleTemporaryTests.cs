using System.Diagnostics;

namespace StmKernel.Imaging.Tests;

/// <summary>
/// What a kill -9 leaves behind: SafeWrite's temporary siblings. The next run removes those of dead writers once
/// they are a few minutes old, and never a live writer's file, its own, or any other name.
/// </summary>
public class StaleTemporaryTests
{
    [Fact]
    public void OnlyOldTemporariesOfDeadOrLongGoneWritersAreRemoved()
    {
        string dir = TestData.TempDir();
        using var live = Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!;
        int dead = DeadProcessId();
        var now = DateTime.UtcNow;
        string Make(string name, TimeSpan age, string? sub = null)
        {
            string folder = sub is null ? dir : Directory.CreateDirectory(Path.Combine(dir, sub)).FullName;
            string path = Path.Combine(folder, name);
            File.WriteAllText(path, name);
            File.SetLastWriteTimeUtc(path, now - age);
            return path;
        }
        static TimeSpan minutes(double m) => TimeSpan.FromMinutes(m);
        try
        {
            string deadOld = Make($"a.restored.gwy.tmp-{dead}-0123abcd", minutes(5));
            string deadOldNested = Make($"b.restored.gwy.tmp-{dead}-89abcdef", minutes(5), "sub");
            string liveAbandoned = Make($"c.gwy.tmp-{live.Id}-00000000", minutes(61));
            string[] kept =
            [
                Make($"d.gwy.tmp-{dead}-0123abcd", minutes(1)),                        // too young: its writer may be on another machine
                Make($"e.gwy.tmp-{live.Id}-0123abcd", minutes(30)),                    // a live writer
                Make($"f.gwy.tmp-{Environment.ProcessId}-0123abcd", minutes(120)),     // this process's own
                Make($"g.gwy.tmp-{dead}-0123ABCD", minutes(5)),                        // not our name: upper-case hex
                Make($"h.gwy.tmp-{dead}-0123abcd.gwy", minutes(5)),                    // not our name: an extension after it
                Make($"i.gwy.tmp-x{dead}-0123abcd", minutes(5)),
                Make("j.restored.gwy", minutes(500)),
            ];

            var flat = SafeWrite.RemoveStaleTemporaries(dir, recursive: false, now);
            Assert.Equal([deadOld, liveAbandoned], flat.Order(StringComparer.Ordinal));
            Assert.True(File.Exists(deadOldNested));
            Assert.Equal([deadOldNested], SafeWrite.RemoveStaleTemporaries(dir, recursive: true, now));
            Assert.All(kept, f => Assert.True(File.Exists(f), f));
            Assert.Equal(kept.Length, Directory.GetFiles(dir).Length);
        }
        finally
        {
            live.Kill();
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void AMissingFolderHasNothingToRemove() =>
        Assert.Empty(SafeWrite.RemoveStaleTemporaries(Path.Combine(Path.GetTempPath(), "stmkernel-no-such-" + Guid.NewGuid().ToString("N"))));

    /// <summary>The id of a process that has exited (and been reaped), so no process of that id runs now.</summary>
    private static int DeadProcessId()
    {
        using var p = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        p.WaitForExit();
        return p.Id;
    }
}
