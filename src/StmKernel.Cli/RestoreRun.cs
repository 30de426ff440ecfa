using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using StmKernel.Imaging;
using StmKernel.UNet.Weights;

namespace StmKernel.Cli;

/// <summary>
/// The batch behind `restore` and `upscale`: the shared <see cref="RestoreSettings"/>, one
/// <see cref="ScanRestoreSession"/>, then every input file (or this <see cref="ShardOption"/>'s share of them) to its
/// output. A file that fails is reported and the rest continue; the exit code is 1 when any failed. Progress goes
/// to standard error, results and the summary to standard output.
/// </summary>
internal sealed class RestoreRun
{
    private readonly RestoreSettings _settings;
    private readonly string _output;
    private readonly bool _force;
    private readonly ShardOption? _shard;
    private readonly IReadOnlyList<string> _inputs;

    /// <summary>The options given for models of <paramref name="task"/> (restore, sr2 / sr4 upscale first, orbital).</summary>
    public RestoreRun(ParseResult parse, RestoreRunOptions options, string command, ModelTask task, string defaultModel)
    {
        _settings = options.Settings.Read(parse, command, task, defaultModel);
        _output = parse.GetValue(options.Output)!;
        _force = parse.GetValue(options.Force);
        _shard = parse.GetValue(options.Shard);
        _inputs = InputFiles.Expand(parse.GetValue(options.Inputs)!);
        if (_inputs.Count > 1 && IsFileOutput(_output))
            throw new CliException($"{_inputs.Count} inputs need an output folder, not the file {_output}");
    }

    /// <summary>Runs the batch; 0 when every file was written, 1 when any failed.</summary>
    public int Execute()
    {
        var clock = Stopwatch.StartNew();
        string command = _settings.Command;
        // Outputs are planned over the whole list, so a shard reports exactly the collisions an unsharded run would.
        var outputs = _inputs.Select(OutputFor).ToList();
        var claimed = new HashSet<string>(StringComparer.Ordinal);
        var collides = outputs.Select(o => !claimed.Add(Path.GetFullPath(o))).ToList();
        var work = Enumerable.Range(0, _inputs.Count).ToList();
        if (_shard is { } shard)
        {
            work = [.. shard.Select(work)];
            Console.Out.WriteLine($"{command}: {shard}: {work.Count} of {_inputs.Count} input(s)");
        }
        if (work.Count == 0) return 0; // a shard of a list shorter than N: nothing to do, and not an error

        using var session = new ScanRestoreSession(_settings);
        if (!IsFileOutput(_output)) CreateOutputFolder(_output);
        OutputPaths.RemoveStaleTemporaries(command, IsFileOutput(_output) ? Path.GetDirectoryName(Path.GetFullPath(_output))! : _output);
        int done = 0, failed = 0;
        long tiles = 0, forwards = 0;
        foreach (int i in work)
        {
            string input = _inputs[i];
            try
            {
                if (collides[i]) throw new CliException($"output {outputs[i]} is already written by an earlier input of this run (same file name)");
                var (t, f) = session.Restore(session.Read(input), outputs[i], _force, _inputs);
                tiles += t;
                forwards += f;
                done++;
            }
            catch (Exception e) when (e is CliException or IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException)
            {
                failed++;
                Console.Error.WriteLine($"stmkernel {command}: error: {input}: {e.Message}");
            }
        }
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{command}: {done} file(s) written, {failed} failed, tiles={tiles}, forwards={forwards}, {clock.Elapsed.TotalSeconds:F2} s"));
        return failed > 0 ? 1 : 0;
    }

    private static void CreateOutputFolder(string folder)
    {
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot create the output folder {folder}: {e.Message}");
        }
    }

    private string OutputFor(string input) =>
        IsFileOutput(_output) ? _output : Path.Combine(_output, $"{Path.GetFileNameWithoutExtension(input)}.{OutputSuffix(_settings.Task)}.gwy");

    /// <summary>"restored" for a restore, "x2"/"x4" for an upscale, else the task's name ("orbital"): the output name is NAME.SUFFIX.gwy.</summary>
    public static string OutputSuffix(ModelTask task) =>
        task == ModelTasks.Restore ? "restored" : task.LineFactor > 1 ? $"x{task.LineFactor}" : task.Name;

    // A name with a writable extension that is not an existing folder is a file; anything else a folder.
    private static bool IsFileOutput(string output) =>
        !Directory.Exists(output) && StmFile.WritableExtensions.Contains(Path.GetExtension(output).ToLowerInvariant());
}
