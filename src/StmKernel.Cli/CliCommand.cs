using System.CommandLine;

namespace StmKernel.Cli;

/// <summary>
/// One `stmkernel` sub-command: its options and arguments are System.CommandLine symbols whose descriptions make the
/// `--help` text, and <see cref="Run"/> is its action. Each lives in its own file and is listed in <see cref="CommandList"/>.
/// </summary>
public abstract class CliCommand : Command
{
    /// <summary>A command `stmkernel NAME`; <paramref name="summary"/> is its line in the command list.</summary>
    protected CliCommand(string name, string summary) : base(name, summary) => SetAction(Run);

    /// <summary>
    /// Prose printed after the generated help: what the command does as a whole, which no single option's
    /// description says. Null when the options say it all.
    /// </summary>
    public virtual string? Details => null;

    /// <summary>Runs the command on a parse without errors; returns the process exit code.</summary>
    /// <exception cref="CliException">A usage error the parser cannot see (option combinations, missing files).</exception>
    protected abstract int Run(ParseResult parse);
}

/// <summary>A user error (bad option, missing file, bad file): printed without a stack trace, exit code 2.</summary>
public sealed class CliException(string message) : Exception(message);
