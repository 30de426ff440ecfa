using StmKernel.Tensors.Threading;

namespace StmKernel.Train.Optim;

/// <summary>
/// EMA of the weights, the copy that is shipped: shadow ← d_k·shadow + (1 − d_k)·value after update k
/// (0-based), with diffusers' warm-up d_k = min(d, (1 + k)/(10 + k)). Starts as a copy of the initial values.
/// </summary>
/// <remarks>
/// The warm-up lets the average forget its starting point within a few hundred updates. Without it a
/// constant 0.999 keeps e^(−k/1000) of the initial weights: after 1,000 steps of fine-tuning a model
/// from another objective's weights (DDIM from a flow-matching model) 37 % of the export was still the
/// old network, whose output means something else (velocity, not noise).
/// </remarks>
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

    /// <summary>The decay applied at update <paramref name="step"/> (0-based): min(d, (1 + k)/(10 + k)).</summary>
    public double DecayAt(long step) => Math.Min(Decay, (1.0 + step) / (10.0 + step));

    /// <summary>Folds the current values into the average as update <paramref name="step"/> (0-based), one task per tensor.</summary>
    public void Update(long step, WorkerPool? pool = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        _current = DecayAt(step);
        (pool ?? WorkerPool.Inline).Run(_job, Shadow.Length);
    }

    private double _current;

    private void UpdateTensor(int t)
    {
        float d = (float)_current, e = (float)(1 - _current);
        float[] s = Shadow[t], v = _p.Values[t];
        for (int i = 0; i < s.Length; i++) s[i] = d * s[i] + e * v[i];
    }

    /// <summary>The averaged weights by key.</summary>
    public Dictionary<string, float[]> Snapshot() => _p.Specs.Select((s, i) => (s.Key, Shadow[i])).ToDictionary(p => p.Key, p => (float[])p.Item2.Clone());
}
