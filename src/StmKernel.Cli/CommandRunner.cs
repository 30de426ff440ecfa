using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;

namespace StmKernel.Cli;

/// <summary>
/// Parses the command line with System.CommandLine and runs the command. Exit codes: 0 done (and help), 2 a usage
/// error (unknown command or option, bad or missing value, <see cref="CliException"/>) or an unreadable input file,
/// else what the command returns (1: some of its files failed).
/// </summary>
public static class CommandRunner
{
    /// <summary>Runs `stmkernel ARGS` with <paramref name="commands"/>; help and results go to <paramref name="stdout"/>, errors to <paramref name="stderr"/>.</summary>
    public static int Run(string[] args, IReadOnlyList<Command> commands, TextWriter stdout, TextWriter stderr)
    {
        // Tasks beyond the built-in restore / SR ones, before any model file's metadata is read.
        Orbitals.OrbitalTask.Register();
        var root = Root(commands);
        var invocation = new InvocationConfiguration
        {
            Output = stdout,
            Error = stderr,
            // Errors are reported here, in the commands' words and with their exit codes.
            EnableDefaultExceptionHandler = false,
            // Commands that must stop cleanly on Ctrl-C or SIGTERM (watch) handle the signals themselves; the others
            // end as the signal says, which the kill -9 and restart tests rely on.
            ProcessTerminationTimeout = null,
        };
        // `stmkernel` alone lists the commands, as a usage error; `stmkernel help [COMMAND]` is `[COMMAND] --help`.
        if (args.Length == 0)
        {
            Parse(root, ["--help"]).Invoke(invocation);
            return 2;
        }
        if (args[0] == "help") args = [.. args[1..], "--help"];

        var parse = Parse(root, args);
        string command = CommandPath(parse.CommandResult);
        var errors = parse.Errors.Select(e => e.Message)
            .Concat(UnknownOptions.In(parse).Select(o => $"unknown option '{o}'"))
            .ToList();
        if (errors.Count > 0 && parse.Action is not { ClearsParseErrors: true })
        {
            foreach (var e in errors) stderr.WriteLine($"{command}: {e}");
            stderr.WriteLine($"({command} --help lists the options)");
            return 2;
        }
        try
        {
            return parse.Invoke(invocation);
        }
        catch (CliException e)
        {
            stderr.WriteLine($"{command}: {e.Message}");
            stderr.WriteLine($"({command} --help lists the options)");
            return 2;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or FormatException)
        {
            // Bad input files: the exception message names the file and the problem.
            stderr.WriteLine($"{command}: {e.Message}");
            return 2;
        }
    }

    private static Command Root(IReadOnlyList<Command> commands)
    {
        // A plain command named stmkernel rather than RootCommand, whose name is the host's (testhost under the tests)
        // and which adds --version and directives this tool has no use for.
        var root = new Command("stmkernel", "STM image restoration: restore, upscale and evaluate scans, train models.");
        var help = new HelpOption();
        help.Action = new DetailedHelpAction((HelpAction)help.Action!);
        root.Options.Add(help);
        foreach (var c in commands) root.Subcommands.Add(c);
        return root;
    }

    // A file name starting with '@' is a file name, not a response file of more arguments.
    private static ParseResult Parse(Command root, string[] args) => root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });

    /// <summary>"stmkernel orbitals synth": the command's words, for messages.</summary>
    private static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? r = result; r is not null; r = r.Parent)
            if (r is CommandResult c) names.Add(c.Command.Name);
        names.Reverse();
        return string.Join(' ', names);
    }
}
