using StmKernel.Tensors.Kernels;
using StmKernel.Tensors.Threading;

namespace StmKernel.Tensors.Backends.Cpu;

/// <summary>
/// The CPU backend's packed copy of one parameter store: each convolution's <see cref="ConvPackings"/>, made on
/// first use and shared by every plan of the store (a model keeps plans for a few input shapes; they must not
/// each hold the weights).
/// </summary>
internal sealed class CpuWeights(IParameterStore store)
{
    private readonly Dictionary<string, ConvPackings> _convs = new(StringComparer.Ordinal);
    private readonly RefreshJob _refresh = new();

    public IParameterStore Store => store;

    /// <summary>The activation memory the store's inference plans share (they run one at a time).</summary>
    public SharedMemory InferenceMemory { get; } = new();

    /// <summary>The transformed Winograd weights of the inference plans, one layer at a time (they run one at a time).</summary>
    public WinogradScratch WinogradScratch { get; } = new();

    /// <summary>
    /// Per convolution key: whether inference plans stream its Winograd weights, decided by the first plan that runs it
    /// and kept for later ones, so that a restore's last, smaller batch does not bring back the packings its full
    /// batches went without.
    /// </summary>
    public Dictionary<string, bool> Streamed { get; } = new(StringComparer.Ordinal);

    /// <summary>The packings of the convolution <paramref name="key"/> (weight KEY.weight, bias KEY.bias).</summary>
    public ConvPackings Conv(string key, int cout, int cin, int k, int stride)
    {
        if (_convs.TryGetValue(key, out var p))
        {
            if ((p.Cout, p.Cin, p.K, p.Stride) != (cout, cin, k, stride))
                throw new InvalidOperationException($"{key}: planned as {cout}×{cin}×{k}×{k} stride {stride}, packed as {p.Cout}×{p.Cin}×{p.K}×{p.K} stride {p.Stride}");
            return p;
        }
        float[] w = Checked(key + ".weight", (long)cout * cin * k * k), b = Checked(key + ".bias", cout);
        return _convs[key] = new ConvPackings(w, b, cout, cin, k, stride);
    }

    /// <summary>The values of <paramref name="key"/>, checked to hold <paramref name="count"/> elements.</summary>
    public float[] Checked(string key, long count)
    {
        var v = store.Value(key);
        if (v.Length != count) throw new InvalidDataException($"parameter '{key}' has {v.Length} values, the graph needs {count}");
        return v;
    }

    /// <summary>Re-packs every convolution from the store's (changed) values, and runs a plan's own <paramref name="hooks"/>, one task each.</summary>
    public void Refresh(WorkerPool pool, IReadOnlyList<Action> hooks)
    {
        // One task per layer: the Winograd re-transforms of every wide layer are too much work for one thread.
        _refresh.Actions = [.. _convs.Values.Select(p => (Action)p.Refresh), .. hooks];
        pool.Run(_refresh, _refresh.Actions.Length);
    }

    private sealed class RefreshJob : ParallelJob
    {
        public Action[] Actions = [];

        public override void Execute(int task) => Actions[task]();
    }
}
