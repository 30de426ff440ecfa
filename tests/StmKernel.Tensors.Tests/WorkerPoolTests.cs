using StmKernel.Tensors.Threading;

namespace StmKernel.Tensors.Tests;

public class WorkerPoolTests
{
    private sealed class CountingJob(int n) : ParallelJob
    {
        public readonly int[] Hits = new int[n];

        public override void Execute(int task) => Interlocked.Increment(ref Hits[task]);
    }

    private sealed class FailingJob : ParallelJob
    {
        public override void Execute(int task)
        {
            if (task == 5) throw new InvalidOperationException("boom");
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(3, 101)]
    [InlineData(4, 7)]
    public void RunsEveryTaskExactlyOnce(int threads, int tasks)
    {
        using var pool = new WorkerPool(threads);
        for (int round = 0; round < 20; round++)
        {
            var job = new CountingJob(tasks);
            pool.Run(job, tasks);
            Assert.All(job.Hits, h => Assert.Equal(1, h));
        }
    }

    [Fact]
    public void PropagatesTaskFailureAndStaysUsable()
    {
        using var pool = new WorkerPool(2);
        var e = Assert.Throws<AggregateException>(() => pool.Run(new FailingJob(), 50));
        Assert.IsType<InvalidOperationException>(e.InnerException);
        var job = new CountingJob(10);
        pool.Run(job, 10);
        Assert.All(job.Hits, h => Assert.Equal(1, h));
    }
}
