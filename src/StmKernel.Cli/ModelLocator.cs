namespace StmKernel.Cli;

/// <summary>
/// Where shipped models live and how `--model NAME|FILE` resolves: an existing file path is used as is;
/// otherwise NAME (with or without .stmw) is looked up in the weights folders, in this order:
/// $STMKERNEL_WEIGHTS, weights/ beside the executable, weights/ at the repository root above the executable.
/// </summary>
internal static class ModelLocator
{
    /// <summary>The environment variable naming an extra weights folder, searched first.</summary>
    public const string EnvironmentVariable = "STMKERNEL_WEIGHTS";

    /// <summary>The folders searched for NAME, existing or not, without duplicates.</summary>
    public static IReadOnlyList<string> Folders()
    {
        var folders = new List<string>();
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } env) folders.Add(Path.GetFullPath(env));
        string exeDir = AppContext.BaseDirectory;
        folders.Add(Path.GetFullPath(Path.Combine(exeDir, "weights")));
        // A build output (src/StmKernel.Cli/bin/Release/net10.0/) or publish folder inside the repository.
        for (var dir = new DirectoryInfo(exeDir); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "StmKernel.sln")))
            {
                folders.Add(Path.Combine(dir.FullName, "weights"));
                break;
            }
        return folders.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>Every weight file (.stmw) in the weights folders, sorted by name.</summary>
    public static IReadOnlyList<string> ShippedModels() =>
        Folders().Where(Directory.Exists)
            .SelectMany(f => Directory.EnumerateFiles(f, "*.stmw"))
            .OrderBy(Path.GetFileName, StringComparer.Ordinal).ToList();

    /// <summary>The file for `--model VALUE`; a <see cref="CliException"/> listing the folders when nothing matches.</summary>
    public static string Resolve(string value)
    {
        if (File.Exists(value)) return value;
        // A value with a folder in it is a path that does not exist; only bare names are looked up.
        if (!value.Contains('/') && !value.Contains('\\'))
        {
            string fileName = value.EndsWith(".stmw", StringComparison.OrdinalIgnoreCase) ? value : value + ".stmw";
            foreach (var folder in Folders())
            {
                string candidate = Path.Combine(folder, fileName);
                if (File.Exists(candidate)) return candidate;
            }
        }
        throw new CliException(
            $"model '{value}' is neither a file nor a model in {string.Join(", ", Folders())}. " +
            "No trained models ship yet: pass --model FILE (a .stmw or safetensors file; README shows how to make one), " +
            "or run `stmkernel models` to see what is installed");
    }
}
