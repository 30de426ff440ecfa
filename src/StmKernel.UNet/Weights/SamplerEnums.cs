namespace StmKernel.UNet.Weights;

/// <summary>The generative framework a model was trained for.</summary>
public enum SamplerKind
{
    /// <summary>Denoising diffusion, sampled with the deterministic DDIM update (JSON "ddim").</summary>
    Ddim,

    /// <summary>Flow matching on the linear path, integrated as an ODE (JSON "fm").</summary>
    FlowMatching,
}

/// <summary>What the network predicts.</summary>
public enum PredictionType
{
    /// <summary>The added noise ε (DDIM; JSON "epsilon").</summary>
    Epsilon,

    /// <summary>The velocity x0 − ε of the linear path (flow matching; JSON "velocity").</summary>
    Velocity,

    /// <summary>
    /// DDIM's v = √ᾱ·ε − √(1−ᾱ)·x0 (Salimans &amp; Ho 2022; JSON "v_prediction" as diffusers'
    /// <c>prediction_type</c>): x̂0 = √ᾱ·x_t − √(1−ᾱ)·v̂ and ε̂ = √(1−ᾱ)·x_t + √ᾱ·v̂, well conditioned at every t,
    /// also at ᾱ = 0 (zero terminal SNR), where x̂0 = −v̂. Not the flow-matching <see cref="Velocity"/>.
    /// </summary>
    VPrediction,
}

/// <summary>The noise schedule / probability path.</summary>
public enum NoiseSchedule
{
    /// <summary>Nichol &amp; Dhariwal's cosine ᾱ schedule (DDIM; JSON "cosine").</summary>
    Cosine,

    /// <summary>The linear path x_t = t·x0 + (1 − t)·ε (flow matching; JSON "linear").</summary>
    Linear,
}

/// <summary>ODE solver for flow matching.</summary>
public enum OdeSolver
{
    /// <summary>Explicit Euler: one network evaluation per step (JSON "euler").</summary>
    Euler,

    /// <summary>Runge–Kutta 2 midpoint (paper eq. 8): two evaluations per step (JSON "rk2").</summary>
    Rk2,
}

/// <summary>How DDIM picks its K timesteps out of 0 … T−1 (names as diffusers' <c>timestep_spacing</c>).</summary>
public enum TimestepSpacing
{
    /// <summary>round(T·(K−k)/K) − 1 for k = 0 … K−1: starts at T−1, where the sample is pure noise (JSON "trailing").</summary>
    Trailing,

    /// <summary>(K−1−k)·⌊T/K⌋: diffusers' DDIM default; starts below T−1 (JSON "leading").</summary>
    Leading,

    /// <summary>round(linspace(0, T−1, K)) reversed (JSON "linspace").</summary>
    Linspace,
}

/// <summary>Where a flow-matching path starts at t = 0.</summary>
public enum FlowStart
{
    /// <summary>Pure noise x_0 = ε, the paper's path (JSON "noise").</summary>
    Noise,

    /// <summary>
    /// The condition plus a little noise, x_0 = y + σ·ε (JSON "condition"): a bridge from the degraded scan to the
    /// clean one, so an already clean input needs only the σ·ε removed (issue 15's clean-stays-clean measure).
    /// </summary>
    Condition,
}
