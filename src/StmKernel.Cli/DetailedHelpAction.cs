using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace StmKernel.Cli;

/// <summary>
/// `-h` / `--help` on any command: System.CommandLine's help generated from the declarations (description, usage,
/// arguments, options with their defaults), then the command's <see cref="CliCommand.Details"/>.
/// </summary>
internal sealed class DetailedHelpAction : SynchronousCommandLineAction
{
    // Piped or captured help (docs, tests) wraps at a fixed width; a terminal's help wraps at the terminal's.
    private const int RedirectedWidth = 110;

    private readonly HelpAction _generated;

    public DetailedHelpAction(HelpAction generated)
    {
        _generated = generated;
        if (Console.IsOutputRedirected) _generated.MaxWidth = RedirectedWidth;
    }

    /// <summary>Help is asked for: the other errors of the command line (a missing -o) are not reported.</summary>
    public override bool ClearsParseErrors => true;

    /// <inheritdoc />
    public override int Invoke(ParseResult parseResult)
    {
        int code = _generated.Invoke(parseResult);
        if (parseResult.CommandResult.Command is CliCommand { Details: { } details })
        {
            var output = parseResult.InvocationConfiguration.Output;
            output.WriteLine(details.TrimEnd());
            output.WriteLine();
        }
        return code;
    }
}
