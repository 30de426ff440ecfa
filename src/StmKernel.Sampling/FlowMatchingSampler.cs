using StmKernel.Tensors;
using StmKernel.UNet.Weights;

namespace StmKernel.Sampling;

/// <summary>
/// Flow matching on the linear path x_t = t·x0 + (1 − t)·ε (t = 0 noise, t = 1 data) with a velocity
/// network v ≈ x0 − ε, integrated from t = 0 to 1 in K equal steps Δt = 1/K: Euler
/// (x ← x + Δt·v(x, t), one evaluation per step) or RK2 midpoint (paper eq. 8:
/// k1 = v(x, t), k2 = v(x + Δt/2·k1, t + Δt/2), x ← x + Δt·k2; two evaluations per step).
/// With <see cref="FlowStart.Condition"/> the path starts at x_0 = condition + σ·ε instead of ε.
/// "The paper" is N. L. Kolev, T. Rodani, N. J. Curson, T. J. Z. Stock and A. Cazzaniga, "Generative Image Restoration and Super-Resolution using Physics-Informed Synthetic Data for Scanning Tunneling Microscopy" (29 Oct 2025); its eq. 8 is written with time counting down (t − Δt/2), here t counts up from noise.
/// </summary>
public sealed class FlowMatchingSampler : Sampler
{
    /// <summary>Creates a flow-matching sampler; the settings must be of kind flow matching.</summary>
    public FlowMatchingSampler(SamplerSettings settings) : base(settings)
    {
        if (settings.Kind != SamplerKind.FlowMatching) throw new ArgumentException("settings are not flow matching", nameof(settings));
    }

    private protected override void Begin(float[] x, Tensor condition)
    {
        if (Settings.Start != FlowStart.Condition) return;
        float sigma = (float)Settings.StartNoise;
        // x is [B, 1, H, W]; the start is channel 0 of each sample's condition [C, H, W].
        int plane = condition.Dim(2) * condition.Dim(3), stride = condition.Dim(1) * plane;
        for (int n = 0; n < condition.Dim(0); n++)
        {
            var c = condition.Data.AsSpan(n * stride, plane);
            var xs = x.AsSpan(n * plane, plane);
            for (int i = 0; i < plane; i++) xs[i] = c[i] + sigma * xs[i];
        }
    }

    private protected override void Run(Evaluator net, float[] x, int steps)
    {
        double dt = 1.0 / steps;
        float[]? mid = Settings.Solver == OdeSolver.Rk2 ? new float[x.Length] : null;
        for (int k = 0; k < steps; k++)
        {
            double t = k / (double)steps;   // not accumulated, so the grid is exact for every K
            float[] v = net.Evaluate(x, t);
            if (mid is null)
            {
                Axpy(x, dt, v, x);
                continue;
            }
            Axpy(x, dt / 2, v, mid);
            v = net.Evaluate(mid, t + dt / 2);
            Axpy(x, dt, v, x);
        }
    }

    /// <summary>result = x + a·v elementwise (result may alias x).</summary>
    private static void Axpy(float[] x, double a, float[] v, float[] result)
    {
        for (int i = 0; i < x.Length; i++) result[i] = (float)(x[i] + a * v[i]);
    }
}
