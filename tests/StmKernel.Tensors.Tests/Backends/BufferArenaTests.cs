using StmKernel.Tensors.Backends.Cpu;
using StmKernel.Tensors.Kernels;
using StmKernel.Tensors.Threading;

namespace StmKernel.Tensors.Tests.Backends;

/// <summary>The planner's buffer placement (greedy by size over lifetimes) and the halo zeroing that makes reuse safe.</summary>
public class BufferArenaTests
{
    [Fact]
    public void BuffersWhoseLifetimesDoNotOverlapShareMemoryWhateverTheirShape()
    {
        var arena = new BufferArena();
        var a = arena.Acquire(1, 16, 5, 7);              // 7·9·16 = 1008 floats
        var b = arena.Acquire(1, 16, 3, 3);              // 5·5·16 = 400, lives to the end
        arena.Release(a);
        var c = arena.Acquire(1, 16, 3, 5);              // 5·7·16 = 560: a's lifetime is over
        arena.Release(c);
        // Largest first: a at 0; c overlaps only b (not yet placed), so c at 0 too; b must avoid both: at 1008.
        Assert.Equal((1008 + 400) * sizeof(float), arena.AllocatedBytes);
        Assert.Equal(0, a.Offset);
        Assert.Equal(0, c.Offset);
        Assert.Equal(1008, b.Offset);
        Assert.Throws<InvalidOperationException>(() => arena.Acquire(1, 16, 1, 1));
        Assert.Throws<InvalidOperationException>(() => arena.Release(a));
    }

    [Fact]
    public void LiveBuffersNeverOverlap()
    {
        var arena = new BufferArena();
        var rng = new Random(5);
        // Plan a random sequence first (the pool's memory exists only once planning is over) …
        var events = new List<(bool Acquire, BlockedTensor Tensor)>();
        var planned = new List<BlockedTensor>();
        for (int step = 0; step < 300; step++)
        {
            if (planned.Count > 0 && rng.Next(3) == 0)
            {
                int i = rng.Next(planned.Count);
                arena.Release(planned[i]);
                events.Add((false, planned[i]));
                planned.RemoveAt(i);
                continue;
            }
            var t = arena.Acquire(1 + rng.Next(2), 1 + rng.Next(40), 1 + rng.Next(9), 1 + rng.Next(9));
            planned.Add(t);
            events.Add((true, t));
        }
        // … then replay it: painting each new buffer must leave every live one untouched.
        var live = new List<(BlockedTensor Tensor, float Mark)>();
        for (int e = 0; e < events.Count; e++)
        {
            var (acquire, t) = events[e];
            if (!acquire)
            {
                live.RemoveAll(l => ReferenceEquals(l.Tensor, t));
                continue;
            }
            t.Data.Fill(e);
            foreach (var (other, mark) in live)
                Assert.True(other.Data.IndexOfAnyExcept(mark) < 0, $"event {e} overwrote a live buffer");
            live.Add((t, e));
        }
    }

    [Theory]
    [InlineData(1, 16, 4, 6)]
    [InlineData(2, 19, 3, 5)]
    [InlineData(1, 1, 7, 1)]
    public void ZeroHaloClearsHaloAndPaddingLanesButNotTheInterior(int n, int c, int h, int w)
    {
        var t = new BlockedTensor(n, c, h, w);
        t.Data.Fill(3f);
        new ZeroHalo(t).Run(WorkerPool.Inline);
        var data = t.Data.ToArray();
        for (int s = 0; s < n; s++)
            for (int cb = 0; cb < t.Cb; cb++)
                for (int y = -1; y <= h; y++)
                    for (int x = -1; x <= w; x++)
                        for (int lane = 0; lane < BlockedTensor.Lanes; lane++)
                        {
                            bool interior = y >= 0 && y < h && x >= 0 && x < w && cb * BlockedTensor.Lanes + lane < c;
                            long at = ((long)(s * t.Cb + cb) * t.Hp + y + 1) * t.Wp * BlockedTensor.Lanes + (x + 1) * BlockedTensor.Lanes + lane;
                            Assert.Equal(interior ? 3f : 0f, data[at]);
                        }
    }
}
