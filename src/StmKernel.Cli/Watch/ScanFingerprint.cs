using System.Security.Cryptography;

namespace StmKernel.Cli.Watch;

/// <summary>What a scan file looked like when seen: its size and modification time (cheap to read, for settling).</summary>
/// <param name="Size">Bytes.</param>
/// <param name="ModifiedUtc">Last write time, UTC.</param>
internal readonly record struct FileStamp(long Size, DateTime ModifiedUtc)
{
    /// <summary>The stamp of <paramref name="path"/> now, or null when it is gone.</summary>
    public static FileStamp? Of(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? new FileStamp(info.Length, info.LastWriteTimeUtc) : null;
    }

    /// <summary>SHA-256 of the file's bytes, lower-case hex: the part of a state key that a touch or a copy does not change.</summary>
    public static string Hash(string path)
    {
        using var fs = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(fs));
    }
}
