using StmKernel.Tensors.Threading;

namespace StmKernel.Train.Optim;

/// <summary>
/// AdamW (Loshchilov &amp; Hutter), PyTorch's update order: p ← p − lr·λ·p (decoupled decay), then
/// m ← β1 m + (1 − β1) g, v ← β2 v + (1 − β2) g², p ← p − lr · (m/(1 − β1^k)) / (√(v/(1 − β2^k)) + ε).
/// Weight decay applies to weight tensors (rank ≥ 2) only, not to biases and norm affines.
/// </summary>
public sealed class AdamW
{
    private readonly ParameterSet _p;
    private readonly bool[] _decay;

    /// <summary>State for every tensor of <paramref name="parameters"/>, zero at step 0.</summary>
    public AdamW(ParameterSet parameters, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0.01)
    {
        _p = parameters;
        Beta1 = beta1; Beta2 = beta2; Epsilon = epsilon; WeightDecay = weightDecay;
        FirstMoment = parameters.Values.Select(v => new float[v.Length]).ToArray();
        SecondMoment = parameters.Values.Select(v => new float[v.Length]).ToArray();
        _decay = parameters.Specs.Select(s => s.Shape.Length >= 2).ToArray();
        _job = new PerTensorJob(UpdateTensor);
    }

    private readonly PerTensorJob _job;
    private double _lr;

    /// <summary>β1.</summary>
    public double Beta1 { get; }

    /// <summary>β2.</summary>
    public double Beta2 { get; }

    /// <summary>ε.</summary>
    public double Epsilon { get; }

    /// <summary>Decoupled weight decay λ.</summary>
    public double WeightDecay { get; }

    /// <summary>Updates taken so far (k of the bias corrections).</summary>
    public long Step { get; set; }

    /// <summary>m per tensor (for checkpoints).</summary>
    public float[][] FirstMoment { get; }

    /// <summary>v per tensor (for checkpoints).</summary>
    public float[][] SecondMoment { get; }

    /// <summary>One update of every parameter from its current gradient at learning rate <paramref name="lr"/>, one task per tensor.</summary>
    public void Update(double lr, WorkerPool? pool = null)
    {
        Step++;
        _lr = lr;
        (pool ?? WorkerPool.Inline).Run(_job, _p.Values.Count);
    }

    private void UpdateTensor(int t)
    {
        double c1 = 1 - Math.Pow(Beta1, Step), c2 = 1 - Math.Pow(Beta2, Step);
        // 1 − β in double first: 1 − 0.999f in float is off by 5e-5 relative.
        float b1 = (float)Beta1, b2 = (float)Beta2, a1 = (float)(1 - Beta1), a2 = (float)(1 - Beta2);
        float[] p = _p.Values[t], g = _p.Gradients[t], m = FirstMoment[t], v = SecondMoment[t];
        float keep = _decay[t] ? (float)(1 - _lr * WeightDecay) : 1f;
        float stepSize = (float)(_lr / c1), rootC2 = (float)Math.Sqrt(c2), eps = (float)Epsilon;
        for (int i = 0; i < p.Length; i++)
        {
            m[i] = b1 * m[i] + a1 * g[i];
            v[i] = b2 * v[i] + a2 * g[i] * g[i];
            p[i] = p[i] * keep - stepSize * m[i] / (MathF.Sqrt(v[i]) / rootC2 + eps);
        }
    }
}
