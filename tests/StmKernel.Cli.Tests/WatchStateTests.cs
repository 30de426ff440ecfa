using StmKernel.Cli.Watch;

namespace StmKernel.Cli.Tests;

/// <summary>The watch journal (`watch-state.jsonl`): entries read back as written, damaged lines refused by number.</summary>
public class WatchStateTests
{
    [Fact]
    public void EntriesReadBackAsWrittenAndALaterLineSupersedes()
    {
        string dir = TestData.TempDir();
        var when = new DateTime(2026, 12, 3, 19, 7, 41, DateTimeKind.Utc).AddTicks(1234567);
        using (var state = WatchState.Open(dir))
        {
            state.Record(new WatchEntry("a/scan1.sxm", new FileStamp(4099, when), "ab12", false, "a/scan1.restored.gwy"));
            state.Record(new WatchEntry("b.gwy", new FileStamp(17, when), "cd34", true, null));
            state.Record(new WatchEntry("b.gwy", new FileStamp(19, when), "ef56", false, "b.restored.gwy"));
        }
        string[] lines = File.ReadAllLines(Path.Combine(dir, WatchState.FileName));
        Assert.Equal(3, lines.Length);
        Assert.Equal("""{"path":"b.gwy","size":17,"mtime_ticks":""" + when.Ticks + ""","sha256":"cd34","status":"failed"}""", lines[1]);

        using var reopened = WatchState.Open(dir);
        Assert.Equal(2, reopened.Count);
        Assert.Equal(new WatchEntry("a/scan1.sxm", new FileStamp(4099, when), "ab12", false, "a/scan1.restored.gwy"), reopened.Find("a/scan1.sxm"));
        Assert.Equal(new WatchEntry("b.gwy", new FileStamp(19, when), "ef56", false, "b.restored.gwy"), reopened.Find("b.gwy"));
    }

    [Theory]
    [InlineData("""{"path":"x.gwy","size":1,"mtime_ticks":5,"status":"done"}""")] // no sha256
    [InlineData("""{"path":null,"size":1,"mtime_ticks":5,"sha256":"00","status":"done"}""")]
    [InlineData("""{"path":"x.gwy","size":"big","mtime_ticks":5,"sha256":"00","status":"done"}""")]
    [InlineData("""{"path":"x.gwy","size":1,"mtime_ticks":5,"sha256":"00","status":"maybe"}""")]
    [InlineData("not json")]
    public void ADamagedLineIsAnErrorNamingItsNumber(string damaged)
    {
        string dir = TestData.TempDir();
        string good = """{"path":"ok.gwy","size":1,"mtime_ticks":5,"sha256":"00","status":"done","output":"ok.restored.gwy"}""";
        File.WriteAllText(Path.Combine(dir, WatchState.FileName), good + "\n" + damaged + "\n");
        var e = Assert.Throws<CliException>(() => WatchState.Open(dir));
        Assert.Contains("line 2 is not a watch-state entry", e.Message);
    }
}
