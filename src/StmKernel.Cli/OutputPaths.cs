using StmKernel.Imaging;

namespace StmKernel.Cli;

/// <summary>The output rules every command follows: never overwrite an input; an existing output only with --force.</summary>
internal static class OutputPaths
{
    /// <summary>Throws a <see cref="CliException"/> when writing <paramref name="output"/> would break a rule.</summary>
    public static void EnsureWritable(string output, bool force, params string?[] inputs)
    {
        string full = Path.GetFullPath(output);
        foreach (var input in inputs)
            if (input is not null && string.Equals(Path.GetFullPath(input), full, StringComparison.Ordinal))
                throw new CliException($"output {output} is also an input; refusing to overwrite it");
        if (File.Exists(full) && !force) throw new CliException($"{output} exists; pass --force to overwrite it");
        string? dir = Path.GetDirectoryName(full);
        if (dir is not null && !Directory.Exists(dir)) throw new CliException($"output folder {dir} does not exist");
    }

    /// <summary>
    /// Removes what a killed earlier run left in <paramref name="folder"/>: temporary files of its atomic writes
    /// (<see cref="SafeWrite.RemoveStaleTemporaries(string, bool)"/>), reported in one line on standard error.
    /// </summary>
    public static void RemoveStaleTemporaries(string command, string folder)
    {
        var removed = SafeWrite.RemoveStaleTemporaries(folder);
        if (removed.Count > 0)
            Console.Error.WriteLine($"stmkernel {command}: removed {removed.Count} temporary file(s) left by a killed run: {string.Join(", ", removed.Select(Path.GetFileName))}");
    }
}
