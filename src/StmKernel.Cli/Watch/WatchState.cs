using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace StmKernel.Cli.Watch;

/// <summary>One finished scan in the state file.</summary>
/// <param name="Path">The scan, relative to the watched folder ('/'-separated).</param>
/// <param name="Stamp">Size and modification time when it was handled.</param>
/// <param name="Hash">SHA-256 of its content then.</param>
/// <param name="Failed">True when it was reported as failed rather than restored.</param>
/// <param name="Output">The output written (null for a failure).</param>
internal sealed record WatchEntry(string Path, FileStamp Stamp, string Hash, bool Failed, string? Output);

/// <summary>
/// `OUT/watch-state.jsonl`: one JSON line per scan handled (restored or failed), appended and flushed to disk
/// after the scan's outputs are in place, so a restart neither redoes a finished scan nor loses one. The file is
/// held exclusively while the watcher runs: a second watcher on the same OUT is refused. A line torn by a crash
/// (no final newline) is cut off on open — its scan is simply done again.
/// </summary>
internal sealed class WatchState : IDisposable
{
    /// <summary>The state file's name in OUT.</summary>
    public const string FileName = "watch-state.jsonl";

    private readonly FileStream _file;
    private readonly Dictionary<string, WatchEntry> _entries = new(StringComparer.Ordinal);

    private WatchState(FileStream file) => _file = file;

    /// <summary>Opens (or creates) the state in <paramref name="outDir"/> and reads what was done.</summary>
    public static WatchState Open(string outDir)
    {
        string path = Path.Combine(outDir, FileName);
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (UnauthorizedAccessException e)
        {
            // Permission, not a second watcher (that one holds the file: an IOException below).
            throw new CliException($"cannot open the state file {path}: {outDir} is not writable ({e.Message})");
        }
        catch (IOException e)
        {
            throw new CliException($"cannot open the state file {path} (is another `stmkernel watch` writing to {outDir}?): {e.Message}");
        }
        var state = new WatchState(file);
        try
        {
            state.Load(path);
        }
        catch
        {
            file.Dispose();
            throw;
        }
        return state;
    }

    private void Load(string path)
    {
        var bytes = new byte[_file.Length];
        _file.ReadExactly(bytes);
        int end = Array.LastIndexOf(bytes, (byte)'\n') + 1;
        if (end < bytes.Length) _file.SetLength(end); // a torn last line
        _file.Seek(end, SeekOrigin.Begin);
        int lineNo = 0;
        foreach (var line in Encoding.UTF8.GetString(bytes, 0, end).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            lineNo++;
            try
            {
                var r = JsonSerializer.Deserialize(line, WatchStateJson.Default.WatchStateLine)
                    ?? throw new JsonException("null instead of an entry");
                if (r.Status is not ("done" or "failed")) throw new JsonException($"status '{r.Status}' is neither done nor failed");
                var entry = new WatchEntry(r.Path, new FileStamp(r.Size, new DateTime(r.MtimeTicks, DateTimeKind.Utc)), r.Sha256, r.Status == "failed", r.Output);
                _entries[entry.Path] = entry; // a later line for the same path supersedes
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentOutOfRangeException)
            {
                throw new CliException($"{path}: line {lineNo} is not a watch-state entry ({e.Message}); fix or remove the line");
            }
        }
    }

    /// <summary>Entries read and recorded so far.</summary>
    public int Count => _entries.Count;

    /// <summary>The latest entry for <paramref name="path"/> (relative), or null.</summary>
    public WatchEntry? Find(string path) => _entries.GetValueOrDefault(path);

    /// <summary>The scan (relative path) other than <paramref name="path"/> already restored to <paramref name="output"/>, or null.</summary>
    public string? OtherWriterOf(string output, string path) =>
        _entries.Values.FirstOrDefault(e => e.Output == output && e.Path != path && !e.Failed)?.Path;

    /// <summary>Appends <paramref name="entry"/> and flushes it to the disk before returning.</summary>
    public void Record(WatchEntry entry)
    {
        using var buffer = new MemoryStream();
        var line = new WatchStateLine(entry.Path, entry.Stamp.Size, entry.Stamp.ModifiedUtc.Ticks, entry.Hash, entry.Failed ? "failed" : "done", entry.Output);
        JsonSerializer.Serialize(buffer, line, WatchStateJson.Default.WatchStateLine);
        buffer.WriteByte((byte)'\n');
        _file.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
        _file.Flush(flushToDisk: true);
        _entries[entry.Path] = entry;
    }

    public void Dispose() => _file.Dispose();
}

/// <summary>One line of the state file as written: snake_case keys, <c>output</c> absent for a failure.</summary>
internal sealed record WatchStateLine(string Path, long Size, long MtimeTicks, string Sha256, string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Output = null);

/// <summary>
/// The state file's JSON (source generation: trim- and AOT-safe). Every key but <c>output</c> is required and none may
/// be null, so a damaged line is an error naming the line, not an entry with holes.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    RespectRequiredConstructorParameters = true, RespectNullableAnnotations = true)]
[JsonSerializable(typeof(WatchStateLine))]
internal sealed partial class WatchStateJson : JsonSerializerContext;
