using StmKernel.Imaging;

namespace StmKernel.Cli;

/// <summary>Expands the image commands' IN... arguments: files as given, folders to the image files directly inside them.</summary>
internal static class InputFiles
{
    /// <summary>
    /// Files in argument order; a folder contributes its files (sorted by name) whose first bytes are a
    /// format <see cref="StmFile"/> reads, so companions such as a MATRIX parameter file are skipped.
    /// A missing path is a <see cref="CliException"/>; an explicitly named file is always kept (and
    /// reported later if it cannot be read).
    /// </summary>
    public static IReadOnlyList<string> Expand(IReadOnlyList<string> args)
    {
        if (args.Count == 0) throw new CliException("no input files given");
        var files = new List<string>();
        foreach (var arg in args)
        {
            if (File.Exists(arg)) files.Add(arg);
            else if (Directory.Exists(arg))
            {
                var inFolder = Directory.EnumerateFiles(arg).Where(IsImageFile).OrderBy(f => f, StringComparer.Ordinal).ToList();
                if (inFolder.Count == 0) throw new CliException($"folder {arg} holds no file in a format stmkernel reads");
                files.AddRange(inFolder);
            }
            else throw new CliException($"input {arg} does not exist");
        }
        return files.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>True when the first bytes of <paramref name="path"/> are a format <see cref="StmFile"/> reads (false when it cannot be opened).</summary>
    public static bool IsImageFile(string path)
    {
        Span<byte> head = stackalloc byte[64];
        try
        {
            using var fs = File.OpenRead(path);
            int n = fs.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            return StmFile.Detect(head[..n]) is not null;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
