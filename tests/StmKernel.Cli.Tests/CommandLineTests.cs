using System.CommandLine;
using StmKernel.UNet.Weights;

namespace StmKernel.Cli.Tests;

/// <summary>
/// The command line itself (System.CommandLine, <see cref="CommandRunner"/>): help on every command, bad and missing
/// values, unknown options, option order and the `--name=value` form, with the exit codes 0 (done, help) and 2 (usage).
/// </summary>
[Collection(ConsoleCollection.Name)]
public class CommandLineTests
{
    private static (int Code, string Out, string Err) Run(params string[] args) => TestData.Capture(() => TestData.Run(args));

    /// <summary>Every command and sub-command, as the words after `stmkernel` (e.g. "orbitals synth").</summary>
    public static TheoryData<string> CommandPaths()
    {
        var paths = new TheoryData<string>();
        void Add(Command c, string prefix)
        {
            string path = prefix.Length == 0 ? c.Name : $"{prefix} {c.Name}";
            paths.Add(path);
            foreach (var sub in c.Subcommands) Add(sub, path);
        }
        foreach (var c in CommandList.Create()) Add(c, "");
        return paths;
    }

    private static Command Find(string path)
    {
        var words = path.Split(' ');
        var command = CommandList.Create().Single(c => c.Name == words[0]);
        foreach (var w in words.Skip(1)) command = command.Subcommands.Single(c => c.Name == w);
        return command;
    }

    [Theory]
    [MemberData(nameof(CommandPaths))]
    public void HelpOfEveryCommandNamesItsOptionsAndExitsZero(string path)
    {
        var command = Find(path);
        foreach (var flag in new[] { "-h", "--help" })
        {
            var (code, stdout, err) = Run([.. path.Split(' '), flag]);
            Assert.True(code == 0, $"{path} {flag}: exit {code}, {err}");
            Assert.Equal("", err);
            Assert.Contains($"stmkernel {path}", stdout);
            Assert.Contains(command.Description!, stdout);
            foreach (var option in command.Options) Assert.Contains(option.Name, stdout);
            foreach (var argument in command.Arguments) Assert.Contains($"<{argument.Name}>", stdout);
            foreach (var sub in command.Subcommands) Assert.Contains(sub.Name, stdout);
            if (command is CliCommand { Details: { } details }) Assert.Contains(details.Trim().Split('\n')[0].Trim(), stdout);
        }
    }

    [Fact]
    public void HelpComesFromTheDeclarationsWithTheirDefaults()
    {
        var (code, stdout, _) = Run("restore", "--help");
        Assert.Equal(0, code);
        Assert.Contains("--overlap <O>", stdout);
        Assert.Contains("[default: 32]", stdout);
        Assert.Contains("-o, --output <OUT>", stdout);
        Assert.Contains("fm-small-restore", stdout); // the default model, in --model's description
        Assert.Contains("--shard <K/N>", stdout);
        Assert.Contains("--force", stdout);
        Assert.Contains("--fast", stdout);
        Assert.Contains("fm-distill-small-restore", stdout); // what --fast picks, from RestoreSettings.FastModels
        Assert.Contains("--timings", stdout);
    }

    [Fact]
    public void HelpWinsOverMissingArgumentsAndBindsNothing()
    {
        string dir = TestData.TempDir();
        string input = TestData.GwyInput(dir, "in.gwy", 40, 40);
        // -h is a flag: the file after it stays an input, and the missing -o is not reported.
        var (code, stdout, err) = Run("restore", "-h", input);
        Assert.Equal(0, code);
        Assert.Equal("", err);
        Assert.Contains("Usage:", stdout);
        Assert.Equal(0, Run("orbitals", "synth", "-h").Code);
        Assert.Equal(0, Run("help", "upscale").Code);
        Assert.Equal(["in.gwy"], Directory.GetFiles(dir).Select(f => Path.GetFileName(f)));
    }

    [Fact]
    public void NoCommandListsTheCommandsAsAUsageError()
    {
        var (code, stdout, _) = Run();
        Assert.Equal(2, code);
        foreach (var c in CommandList.Create()) Assert.Contains(c.Name, stdout);
        Assert.Equal(0, Run("--help").Code);
    }

    [Theory]
    [InlineData("--steps", "abc", "--steps expects an integer, got 'abc'")]
    [InlineData("--steps", "0", "--steps must be in [1, 1000], got 0")]
    [InlineData("--batch", "1.5", "--batch expects an integer, got '1.5'")]
    [InlineData("--threads", "two", "--threads expects an integer, got 'two'")]
    [InlineData("--seed", "-1", "--seed expects a non-negative integer, got '-1'")]
    [InlineData("--direction", "sideways", "--direction must be fwd or bwd, got 'sideways'")]
    [InlineData("--shard", "3/2", "--shard K/N needs 1 ≤ K ≤ N")]
    public void BadValuesAreUsageErrorsNamingTheOptionAndTheValue(string option, string value, string message)
    {
        string dir = TestData.TempDir();
        string input = TestData.GwyInput(dir, "in.gwy", 40, 40);
        string output = Path.Combine(dir, "out");
        var (code, _, err) = Run("restore", input, "-o", output, option, value);
        Assert.Equal(2, code);
        Assert.Contains(message, err);
        Assert.False(Directory.Exists(output));
    }

    [Theory]
    [InlineData("synth --count many -o DIR", "--count expects an integer, got 'many'")]
    [InlineData("synth --count 1 --pixel-nm 0 -o DIR", "--pixel-nm must be in (0, 100), got 0")]
    [InlineData("orbitals synth --count 1 --size big -o DIR", "--size expects an integer, got 'big'")]
    [InlineData("upscale IN --factor 3 -o DIR", "--factor must be 2 or 4, got 3")]
    [InlineData("watch DIR -o DIR --settle soon", "--settle expects a number, got 'soon'")]
    [InlineData("watch DIR -o DIR --rescan -1", "--rescan must be ≥ 0 seconds, got -1")]
    [InlineData("eval --test-set DIR --models m --steps 2,x", "--steps: 'x' is not a step count")]
    [InlineData("train --task restore --method fm --steps 1 --pixel-nm 0.3:0.1 -o DIR/m.stmw", "--pixel-nm expects A or A:B with A ≤ B")]
    [InlineData("classical IN -o DIR/c.gwy --align sideways", "--align must be median, mdiff, matching or none, got 'sideways'")]
    public void BadValuesOfOtherCommandsAreNamed(string line, string message)
    {
        string dir = TestData.TempDir();
        string input = TestData.GwyInput(dir, "in.gwy", 40, 40);
        string[] args = [.. line.Split(' ').Select(a => a.Replace("DIR", dir).Replace("IN", input))];
        var (code, _, err) = Run(args);
        Assert.Equal(2, code);
        Assert.Contains(message, err);
        Assert.Equal(["in.gwy"], Directory.GetFileSystemEntries(dir).Select(f => Path.GetFileName(f)));
    }

    [Theory]
    [InlineData("restore IN", "'-o'")]
    [InlineData("restore -o DIR/out", "restore")] // no input
    [InlineData("upscale IN -o DIR/out", "'--factor'")]
    [InlineData("synth -o DIR/s", "'--count'")]
    [InlineData("degrade --count 1 -o DIR/d", "'--mode'")]
    [InlineData("train --task restore --method fm -o DIR/m.stmw", "'--steps'")]
    [InlineData("eval --models m", "'--test-set'")]
    [InlineData("forward --weights w.stmw --input x.npy --t 1", "'--output'")]
    [InlineData("orbitals", "command")] // no action
    public void MissingRequiredArgumentsAndOptionsAreUsageErrors(string line, string named)
    {
        string dir = TestData.TempDir();
        string input = TestData.GwyInput(dir, "in.gwy", 40, 40);
        string[] args = [.. line.Split(' ').Select(a => a.Replace("DIR", dir).Replace("IN", input))];
        var (code, _, err) = Run(args);
        Assert.Equal(2, code);
        Assert.Contains("required", err, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(named, err);
    }

    [Theory]
    [InlineData("restore IN -o DIR/out --stesp 2", "--stesp")] // where IN... would take it as a file
    [InlineData("restore --ensamble 2 IN -o DIR/out", "--ensamble")]
    [InlineData("restore IN -o DIR/out -x", "-x")]
    [InlineData("synth --cuont 1 -o DIR/s", "--cuont")]
    [InlineData("eval-merge DIR --forse", "--forse")]
    [InlineData("bogus", "bogus")]
    public void UnknownOptionsAndCommandsAreNamed(string line, string named)
    {
        string dir = TestData.TempDir();
        string input = TestData.GwyInput(dir, "in.gwy", 40, 40);
        string[] args = [.. line.Split(' ').Select(a => a.Replace("DIR", dir).Replace("IN", input))];
        var (code, _, err) = Run(args);
        Assert.Equal(2, code);
        Assert.Contains($"'{named}'", err);
        Assert.Equal(["in.gwy"], Directory.GetFileSystemEntries(dir).Select(f => Path.GetFileName(f)));
    }

    [Fact]
    public void AfterDoubleDashAnOptionLikeWordIsAnInput()
    {
        string dir = TestData.TempDir();
        var (code, _, err) = Run("restore", "-o", Path.Combine(dir, "out"), "--", "--odd-name.gwy");
        Assert.Equal(2, code);
        Assert.Contains("input --odd-name.gwy does not exist", err);
        Assert.DoesNotContain("unknown option", err);
    }

    [Fact]
    public void AnOptionGivenTwiceIsAnError()
    {
        string dir = TestData.TempDir();
        string input = TestData.GwyInput(dir, "in.gwy", 40, 40);
        var (code, _, err) = Run("restore", input, "-o", Path.Combine(dir, "out"), "--steps", "1", "--steps", "2");
        Assert.Equal(2, code);
        Assert.Contains("--steps", err);
    }

    [Fact]
    public void OptionsGoBeforeOrAfterThePositionalsAndFlagsTakeNoFile()
    {
        string dir = TestData.TempDir();
        string model = TestData.TinyModel(dir, "tiny-fm", "restore", SamplerSettings.FlowMatching with { DefaultSteps = 1 });
        string input = TestData.GwyInput(dir, "in.gwy", 40, 40);
        string output = Path.Combine(dir, "out");
        string restored = Path.Combine(output, "in.restored.gwy");

        // Options after the input.
        var (code, _, err) = Run("restore", input, "-o", output, "--model", model, "--threads", "1");
        Assert.True(code == 0, err);
        Assert.True(File.Exists(restored));
        // Without --force the existing output is kept (the file fails, exit 1): the next runs replace it only through --force.
        Assert.Equal(1, Run("restore", input, "-o", output, "--model", model, "--threads", "1").Code);

        // --force right before the input: a flag, so the input stays an input (this was "option --force takes no value").
        File.Delete(Path.Combine(output, "in.restored.png"));
        (code, _, err) = Run("restore", "--force", input, "-o", output, "--model", model, "--threads", "1");
        Assert.True(code == 0, err);
        Assert.True(File.Exists(Path.Combine(output, "in.restored.png")));

        // Every option before the input, in the --name=value form.
        File.Delete(Path.Combine(output, "in.restored.png"));
        (code, _, err) = Run("restore", "--force", $"--model={model}", "--threads=1", $"--output={output}", "--steps=1", input);
        Assert.True(code == 0, err);
        Assert.True(File.Exists(Path.Combine(output, "in.restored.png")));
    }

    [Fact]
    public void ErrorsInsideACommandKeepTheirExitCodes()
    {
        string dir = TestData.TempDir();
        // A usage error the parser cannot see (CliException): 2, with the command named.
        var (code, _, err) = Run("restore", Path.Combine(dir, "missing.gwy"), "-o", Path.Combine(dir, "out"));
        Assert.Equal(2, code);
        Assert.Contains("stmkernel restore: input", err);
        Assert.Contains("does not exist", err);
    }
}
