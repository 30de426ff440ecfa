using System.Text;

namespace StmKernel.Cli.Tests;

public class ProgressBarTests
{
    [Fact]
    public void LogGetsPlainLinesAtAModestRateAndOneWhenTheJobCompletes()
    {
        var log = new StringWriter();
        var clock = new ManualClock();
        using (var bar = new ProgressBar("scan.sxm", 10, "tiles", new ProgressOutput(log, false, () => 40), clock))
        {
            for (int i = 0; i < 10; i++)
            {
                clock.Advance(TimeSpan.FromSeconds(1));
                bar.Advance();
            }
        }

        string text = log.ToString();
        Assert.DoesNotContain('\r', text);
        string[] lines = text.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        // 5 s interval over a 10 s job: one line at 5 s and the completion line, nothing from Dispose.
        Assert.Equal(["scan.sxm 5/10 tiles  1.00/s  ETA 0:05", "scan.sxm 10/10 tiles  1.00/s  ETA 0:00"], lines);
        Assert.EndsWith(Environment.NewLine, text);
    }

    [Fact]
    public void ShortJobOnALogPrintsOnlyItsResult()
    {
        var log = new StringWriter();
        var clock = new ManualClock();
        using (var bar = new ProgressBar("synth", 3, "surfaces", new ProgressOutput(log, false, () => 80), clock))
        {
            for (int i = 0; i < 3; i++)
            {
                clock.Advance(TimeSpan.FromMilliseconds(500));
                bar.Advance(status: $"surface {i}");
            }
        }

        Assert.Equal("synth 3/3 surfaces  2.00/s  ETA 0:00  surface 2" + Environment.NewLine, log.ToString());
    }

    [Fact]
    public void TerminalFramesFitTheWidthAndAShorterFrameLeavesNothingBehind()
    {
        var tty = new StringWriter();
        var clock = new ManualClock();
        const int width = 80;
        using (var bar = new ProgressBar("train", 4, "steps", new ProgressOutput(tty, true, () => width), clock))
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            bar.Advance(status: "loss 0.123456 (a long status that the width cuts off)");
            clock.Advance(TimeSpan.FromSeconds(1));
            bar.Advance(status: "ok");
        }

        string text = tty.ToString();
        foreach (string frame in text.Split('\r', '\n'))
            Assert.True(frame.Length < width, $"frame of {frame.Length} columns on a {width}-column terminal: '{frame}'");
        // What the terminal shows: the second frame over the first, then Dispose's newline ending it.
        var screen = Render(text);
        Assert.Equal(["train [###############---------------] 2/4 steps  1.00/s  ETA 0:02  ok", ""], screen.Select(l => l.TrimEnd()));
    }

    [Fact]
    public void TerminalRedrawsAtMostEvery100MsButAlwaysDrawsCompletion()
    {
        var tty = new StringWriter();
        var clock = new ManualClock();
        using (var bar = new ProgressBar("x", 5, "items", new ProgressOutput(tty, true, () => 200), clock))
        {
            for (int i = 0; i < 5; i++)
            {
                clock.Advance(TimeSpan.FromMilliseconds(30));
                bar.Advance();
            }
        }

        // Drawn at 30 ms (first), 150 ms (complete); 60-120 ms fall inside the interval.
        string text = tty.ToString();
        Assert.Equal(2, text.Count(c => c == '\r'));
        Assert.Equal(["x [##############################] 5/5 items  33.33/s  ETA 0:00", ""], Render(text).Select(l => l.TrimEnd()));
    }

    [Fact]
    public void DisposeEndsAnOpenFrameOnlyWhenOneWasDrawn()
    {
        var drawn = new StringWriter();
        using (var bar = new ProgressBar("a", 10, "items", new ProgressOutput(drawn, true, () => 80), new ManualClock()))
            bar.Advance();
        Assert.EndsWith(Environment.NewLine, drawn.ToString());

        var silent = new StringWriter();
        using (new ProgressBar("b", 10, "items", new ProgressOutput(silent, true, () => 80), new ManualClock())) { }
        Assert.Equal("", silent.ToString());
    }

    [Fact]
    public void AZeroOrTinyWidthStillDrawsSomething()
    {
        var tty = new StringWriter();
        using (var bar = new ProgressBar("restore", 1, "tiles", new ProgressOutput(tty, true, () => 0), new ManualClock()))
            bar.Advance();
        Assert.Equal("\rr" + Environment.NewLine, tty.ToString());
    }

    // A minimal terminal: '\r' returns to column 0 and overwrites, '\n' starts a new line.
    private static List<string> Render(string output)
    {
        var lines = new List<StringBuilder> { new() };
        int col = 0;
        foreach (char c in output.Replace(Environment.NewLine, "\n"))
        {
            if (c == '\r') col = 0;
            else if (c == '\n') { lines.Add(new StringBuilder()); col = 0; }
            else
            {
                var line = lines[^1];
                if (col < line.Length) line[col] = c; else line.Append(c);
                col++;
            }
        }
        return lines.ConvertAll(l => l.ToString());
    }

    private sealed class ManualClock : TimeProvider
    {
        private long _ticks;
        public void Advance(TimeSpan by) => _ticks += by.Ticks;
        public override long GetTimestamp() => _ticks;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
    }
}
