using System.Text.Json;

namespace StmKernel.Imaging.Tests;

/// <summary>Where the real STM files and the committed fixtures live.</summary>
internal static class TestData
{
    /// <summary>The repository root (the folder holding StmKernel.sln).</summary>
    public static string Root => RepoPaths.Root;

    /// <summary>`../shared/data/real` relative to the repository root, or null when absent.</summary>
    public static string? RealDir => RepoPaths.RealDataDir;

    public const string SkipReason = "real STM files not found at ../shared/data/real (relative to the repository root); skipped";

    public static string Real(string name) => Path.Combine(RealDir ?? throw new InvalidOperationException(SkipReason), name);

    public static JsonDocument Fixture(string name) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", name + ".json")));


    /// <summary>A fresh temporary folder for test outputs.</summary>
    public static string TempDir()
    {
        string d = Path.Combine(Path.GetTempPath(), "stmkernel-imaging-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(d);
        return d;
    }
}

/// <summary>A fact that needs the real STM files: skipped with a clear message when they are absent.</summary>
internal sealed class RealDataFactAttribute : FactAttribute
{
    public RealDataFactAttribute()
    {
        if (TestData.RealDir is null) Skip = TestData.SkipReason;
    }
}

/// <summary>A theory that needs the real STM files: skipped with a clear message when they are absent.</summary>
internal sealed class RealDataTheoryAttribute : TheoryAttribute
{
    public RealDataTheoryAttribute()
    {
        if (TestData.RealDir is null) Skip = TestData.SkipReason;
    }
}
