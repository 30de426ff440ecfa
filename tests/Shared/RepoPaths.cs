namespace StmKernel.Tests;

/// <summary>Locates committed fixtures relative to the repository root (the folder holding StmKernel.sln).</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The real STM files, `../shared/data/real` beside the repository, or null when absent (tests then skip).</summary>
    public static string? RealDataDir { get; } =
        Directory.Exists(Path.Combine(Root, "..", "shared", "data", "real")) ? Path.GetFullPath(Path.Combine(Root, "..", "shared", "data", "real")) : null;

    public static string Fixture(params string[] parts) => Path.Combine([Root, "tests", "fixtures", .. parts]);

    private static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "StmKernel.sln"))) return d.FullName;
        throw new DirectoryNotFoundException("cannot find the repository root (StmKernel.sln) above " + AppContext.BaseDirectory);
    }
}
