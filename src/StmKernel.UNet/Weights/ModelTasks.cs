namespace StmKernel.UNet.Weights;

/// <summary>
/// What a model is for, as recorded in its metadata ("task"), and how a scan runs through it: the restorer's pipeline
/// takes the scan (every <see cref="LineFactor"/>-th line measured, the others filled in) and writes the model's
/// output image. Training pairs drop the same lines.
/// </summary>
/// <param name="Name">The metadata value, e.g. "restore".</param>
/// <param name="LineFactor">Slow-axis super-resolution factor: 1 restores at the scan's size, k writes k lines per scan line.</param>
/// <param name="Summary">One line for people.</param>
public sealed record ModelTask(string Name, int LineFactor, string Summary);

/// <summary>
/// The task registry: restore, slow-axis super-resolution ×2 and ×4 are built in; a new use of the engine (e.g. orbital
/// reconstruction) registers its task once, and metadata, training and the restorer accept it.
/// </summary>
public static class ModelTasks
{
    /// <summary>Restoration at the scan's size.</summary>
    public static ModelTask Restore { get; } = new("restore", 1, "restore a degraded scan");

    private static readonly Lock Gate = new();
    private static readonly List<ModelTask> All = [Restore, new("sr2", 2, "slow-axis super-resolution ×2"), new("sr4", 4, "slow-axis super-resolution ×4")];

    /// <summary>The registered task names in registration order (the built-in restore, sr2, sr4 first).</summary>
    public static IReadOnlyList<string> Names
    {
        get { lock (Gate) return [.. All.Select(t => t.Name)]; }
    }

    /// <summary>Registers <paramref name="task"/>; the same record again is a no-op.</summary>
    /// <exception cref="InvalidOperationException">Another task of that name is registered.</exception>
    public static void Register(ModelTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentException.ThrowIfNullOrEmpty(task.Name);
        if (task.LineFactor < 1) throw new ArgumentOutOfRangeException(nameof(task), task.LineFactor, "line factor must be ≥ 1");
        lock (Gate)
        {
            var existing = All.Find(t => t.Name == task.Name);
            if (existing is null) All.Add(task);
            else if (existing != task) throw new InvalidOperationException($"task '{task.Name}' is already registered as ({existing})");
        }
    }

    /// <summary>The task named <paramref name="name"/>, or null when none is registered.</summary>
    public static ModelTask? Find(string name)
    {
        lock (Gate) return All.Find(t => t.Name == name);
    }

    /// <summary>The first registered task of slow-axis factor <paramref name="lineFactor"/> (restore for 1, sr2, sr4), or null.</summary>
    public static ModelTask? ForLineFactor(int lineFactor)
    {
        lock (Gate) return All.Find(t => t.LineFactor == lineFactor);
    }
}
