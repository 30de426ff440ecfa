using System.CommandLine;

namespace StmKernel.Cli;

/// <summary>
/// Options that mean the same in every command that has them, declared once here. Each call makes a new option for
/// one command (defaults such as the model differ between commands).
/// </summary>
internal static class CommonOptions
{
    /// <summary>`--threads N`: the CPU worker threads.</summary>
    public static Option<int> Threads() =>
        CliOptions.Int("--threads", "N", "worker threads (the default is this machine's core count)", Environment.ProcessorCount, 1, 1024);

    /// <summary>`--force`: replace what the command would otherwise refuse to overwrite.</summary>
    public static Option<bool> Force(string description = "replace existing outputs (inputs are never overwritten)") =>
        CliOptions.Flag("--force", description);

    /// <summary>`--model NAME|FILE`; null when absent, so the command picks its default (<paramref name="defaultHelp"/> says which).</summary>
    public static Option<string?> Model(string defaultHelp) =>
        CliOptions.OptionalText("--model", "NAME|FILE", $"a model in the weights folders (see `stmkernel models`) or a weight file; default: {defaultHelp}");
}
