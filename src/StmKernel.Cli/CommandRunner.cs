namespace StmKernel.Cli;

/// <summary>Dispatches to a sub-command and turns user errors into a one-line message and exit code 2.</summary>
public static class CommandRunner
{
    public static int Run(string[] args, IReadOnlyList<ICliCommand> commands, TextWriter stdout, TextWriter stderr)
    {
        // Tasks beyond the built-in restore / SR ones, before any model file's metadata is read.
        Orbitals.OrbitalTask.Register();
        if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
        {
            stdout.WriteLine("usage: stmkernel COMMAND [options]   (stmkernel COMMAND --help for details)");
            stdout.WriteLine();
            foreach (var c in commands) stdout.WriteLine($"  {c.Name,-16} {c.Summary}");
            return args.Length == 0 ? 2 : 0;
        }
        var command = commands.FirstOrDefault(c => c.Name == args[0]);
        if (command is null)
        {
            stderr.WriteLine($"stmkernel: unknown command '{args[0]}'. Commands: {string.Join(", ", commands.Select(c => c.Name))}");
            return 2;
        }
        try
        {
            var reader = new ArgReader(args.Skip(1));
            if (reader.WantsHelp) { stdout.WriteLine(command.Usage); return 0; }
            return command.Run(reader);
        }
        catch (CliException e)
        {
            stderr.WriteLine($"stmkernel {command.Name}: {e.Message}");
            stderr.WriteLine(command.Usage);
            return 2;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or FormatException)
        {
            // Bad input files: the exception message names the file and the problem.
            stderr.WriteLine($"stmkernel {command.Name}: {e.Message}");
            return 2;
        }
    }
}
