namespace StmKernel.Tensors.Threading;

/// <summary>
/// A fixed set of worker threads that run a <see cref="ParallelJob"/>'s tasks, handed out one at a
/// time through an atomic counter (so uneven tasks still balance). The calling thread works too,
/// so a pool of <c>Threads = 1</c> runs everything inline with no synchronisation.
/// </summary>
/// <remarks>Why not Parallel.For: it allocates per call and its thread count is only a cap; we
/// want an exact, settable thread count and zero allocation per op.</remarks>
public sealed class WorkerPool : IDisposable
{
    private readonly Thread[] _workers;
    private readonly ManualResetEventSlim[] _start;
    private readonly CountdownEvent _done;
    private ParallelJob? _job;
    private int _taskCount;
    private int _next;
    private volatile bool _disposed;
    private Exception? _failure;

    /// <summary>Creates a pool that uses <paramref name="threads"/> threads in all (the caller included).</summary>
    public WorkerPool(int threads)
    {
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "thread count must be ≥ 1");
        Threads = threads;
        _workers = new Thread[threads - 1];
        _start = new ManualResetEventSlim[threads - 1];
        _done = new CountdownEvent(1);
        for (int i = 0; i < _workers.Length; i++)
        {
            int id = i;
            _start[i] = new ManualResetEventSlim(false, spinCount: 2000);
            _workers[i] = new Thread(() => WorkerLoop(id)) { IsBackground = true, Name = $"stmkernel-worker-{i + 1}" };
            _workers[i].Start();
        }
    }

    /// <summary>Threads used, the caller included.</summary>
    public int Threads { get; }

    /// <summary>A shared single-threaded pool (runs inline).</summary>
    public static WorkerPool Inline { get; } = new(1);

    /// <summary>Runs tasks 0..<paramref name="taskCount"/>−1 of <paramref name="job"/> and returns when all are done.</summary>
    public void Run(ParallelJob job, int taskCount)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (taskCount <= 0) return;
        if (_workers.Length == 0 || taskCount == 1)
        {
            for (int i = 0; i < taskCount; i++) job.Execute(i);
            return;
        }
        _job = job;
        _taskCount = taskCount;
        _next = 0;
        _failure = null;
        int helpers = Math.Min(_workers.Length, taskCount - 1);
        _done.Reset(helpers);
        for (int i = 0; i < helpers; i++) _start[i].Set();
        Drain();
        _done.Wait();
        _job = null;
        if (_failure is not null) throw new AggregateException("a kernel task failed", _failure);
    }

    private void Drain()
    {
        var job = _job!;
        int count = _taskCount;
        try
        {
            for (int i = Interlocked.Increment(ref _next) - 1; i < count; i = Interlocked.Increment(ref _next) - 1)
                job.Execute(i);
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref _failure, e, null);
            Volatile.Write(ref _next, count);
        }
    }

    private void WorkerLoop(int id)
    {
        while (true)
        {
            _start[id].Wait();
            _start[id].Reset();
            if (_disposed) return;
            Drain();
            _done.Signal();
        }
    }

    /// <summary>Stops the workers.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var s in _start) s.Set();
        foreach (var t in _workers) t.Join();
    }
}
