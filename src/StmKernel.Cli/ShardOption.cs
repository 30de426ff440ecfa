using System.CommandLine;
using System.Globalization;

namespace StmKernel.Cli;

/// <summary>
/// `--shard K/N`: this process is the K-th (1-based) of N that split one job's work list between them. Item i
/// (0-based, in the list's deterministic order) belongs to shard (i mod N) + 1, so the N shards cover every item
/// exactly once, interleaved — neighbouring items, often alike in size, land on different shards.
/// </summary>
internal readonly record struct ShardOption(int Index, int Count)
{
    /// <summary>`--shard K/N`; null when absent (the whole list).</summary>
    public static Option<ShardOption?> Create() => CliOptions.Parsed<ShardOption?>("--shard", "K/N",
        "run the K-th of N processes (K = 1 … N, e.g. $SLURM_ARRAY_TASK_ID/N): this one takes items K, K+N, K+2N, … " +
        "of the work list, so N processes cover it exactly once", text => Parse(text));

    /// <summary>Parses "K/N" with 1 ≤ K ≤ N.</summary>
    public static ShardOption Parse(string text)
    {
        int slash = text.IndexOf('/');
        if (slash < 0
            || !int.TryParse(text.AsSpan(0, slash), NumberStyles.None, CultureInfo.InvariantCulture, out int k)
            || !int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int n))
            throw new CliException($"--shard expects K/N (this process's 1-based index K of N processes, e.g. 2/8), got '{text}'");
        if (n < 1 || k < 1 || k > n) throw new CliException($"--shard K/N needs 1 ≤ K ≤ N (K is 1-based), got K = {k}, N = {n}");
        return new ShardOption(k, n);
    }

    /// <summary>The items of <paramref name="all"/> this shard takes, in their order.</summary>
    public IReadOnlyList<T> Select<T>(IReadOnlyList<T> all)
    {
        var mine = new List<T>();
        for (int i = Index - 1; i < all.Count; i += Count) mine.Add(all[i]);
        return mine;
    }

    /// <summary>"shard K/N", for messages.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"shard {Index}/{Count}");
}
