using StmKernel.Tensors.Threading;

namespace StmKernel.Train.Optim;

/// <summary>
/// EMA of the weights, the copy that is shipped: shadow ← d·shadow + (1 − d)·value after every
/// update. Starts as a copy of the initial values.
/// </summary>
public sealed class ExponentialMovingAverage
{
    private readonly ParameterSet _p;

    /// <summary>Shadows <paramref name="parameters"/> with decay <paramref name="decay"/> ∈ [0, 1).</summary>
    public ExponentialMovingAverage(ParameterSet parameters, double decay = 0.999)
    {
        if (!(decay >= 0 && decay < 1)) throw new ArgumentOutOfRangeException(nameof(decay), decay, "EMA decay must be in [0, 1)");
        _p = parameters;
        Decay = decay;
        Shadow = parameters.Values.Select(v => (float[])v.Clone()).ToArray();
        _job = new PerTensorJob(UpdateTensor);
    }

    private readonly PerTensorJob _job;

    /// <summary>d.</summary>
    public double Decay { get; }

    /// <summary>The averaged values, parallel to the parameter set's tensors.</summary>
    public float[][] Shadow { get; }

    /// <summary>Folds the current values into the average, one task per tensor.</summary>
    public void Update(WorkerPool? pool = null) => (pool ?? WorkerPool.Inline).Run(_job, Shadow.Length);

    private void UpdateTensor(int t)
    {
        float d = (float)Decay, e = (float)(1 - Decay);
        float[] s = Shadow[t], v = _p.Values[t];
        for (int i = 0; i < s.Length; i++) s[i] = d * s[i] + e * v[i];
    }

    /// <summary>The averaged weights by key.</summary>
    public Dictionary<string, float[]> Snapshot() => _p.Specs.Select((s, i) => (s.Key, Shadow[i])).ToDictionary(p => p.Key, p => (float[])p.Item2.Clone());
}
