namespace StmKernel.Cli;

/// <summary>One `stmkernel` sub-command. Each lives in its own file and is listed in <see cref="Program"/>.</summary>
public interface ICliCommand
{
    /// <summary>The word after `stmkernel`, e.g. "forward".</summary>
    string Name { get; }

    /// <summary>One line for the command list.</summary>
    string Summary { get; }

    /// <summary>The full usage text printed on `stmkernel NAME --help` and on a usage error.</summary>
    string Usage { get; }

    /// <summary>Runs the command; returns the process exit code.</summary>
    int Run(ArgReader args);
}

/// <summary>A user error (bad option, missing file, bad file): printed without a stack trace, exit code 2.</summary>
public sealed class CliException(string message) : Exception(message);
