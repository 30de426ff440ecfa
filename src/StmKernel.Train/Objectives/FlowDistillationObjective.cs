using StmKernel.Sampling;
using StmKernel.Tensors;
using StmKernel.UNet.Weights;

namespace StmKernel.Train.Objectives;

/// <summary>
/// One-step distillation of a sampled teacher (Luhman &amp; Luhman 2021, "knowledge distillation" of a deterministic
/// sampler): for unit noise z and a condition y the teacher's own sampler runs its K steps from z to x̂ (for the
/// shipped FM restore model: 2 RK2 steps, 4 network evaluations), and the student, seeing [z, y] at t = 0, is trained
/// on the velocity x̂ − z with a mean squared error. The student's sampler is then one Euler step from noise,
/// x = z + v(z, 0, y) (<see cref="StudentSampler"/>): one evaluation per tile instead of the teacher's 4. The clean
/// images of the batch are not used: the student learns the teacher's map, including what the teacher gets wrong.
/// </summary>
public sealed class FlowDistillationObjective : ITrainingObjective
{
    private readonly IDenoiser _teacher;
    private readonly Sampler _teacherSampler;
    private readonly int _teacherSteps;
    private float[] _target = [];

    /// <summary>
    /// The objective for <paramref name="teacher"/> (a 2-channel [x, condition] network) sampled with
    /// <paramref name="teacherSampler"/> for <paramref name="teacherSteps"/> steps.
    /// </summary>
    public FlowDistillationObjective(IDenoiser teacher, SamplerSettings teacherSampler, int teacherSteps)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(teacherSampler);
        ArgumentOutOfRangeException.ThrowIfLessThan(teacherSteps, 1);
        _teacher = teacher;
        _teacherSampler = Sampler.Create(teacherSampler);
        _teacherSteps = teacherSteps;
    }

    /// <summary>The student's sampler: flow matching from noise, one Euler step (what a distilled file records).</summary>
    public static SamplerSettings StudentSampler { get; } = SamplerSettings.FlowMatching with { Solver = OdeSolver.Euler, DefaultSteps = 1 };

    /// <inheritdoc />
    public string Name => "fm-distill";

    /// <inheritdoc />
    public int InputChannels => 2;

    /// <inheritdoc />
    public bool UsesTimestep => true;

    /// <summary>Teacher network evaluations per training sample (the cost the student saves at inference).</summary>
    public int TeacherEvaluations => _teacherSampler.EvaluationsPerSample(_teacherSteps);

    /// <inheritdoc />
    public void Prepare(Tensor clean, Tensor condition, SeededRandom random, Tensor networkInput, float[] timesteps)
    {
        PixelLoss.CheckImages(condition, "condition batch");
        var noise = new Tensor(condition.Shape);
        random.FillGaussian(noise.Data);
        // 1. The teacher's sample from this noise (it overwrites its argument: start from a copy).
        var sample = new Tensor(condition.Shape);
        noise.Data.CopyTo(sample.Data, 0);
        _teacherSampler.Sample(_teacher, condition, sample, _teacherSteps);
        // 2. The student's target: the velocity of the straight step from z to the teacher's sample.
        if (_target.Length != sample.Length) _target = new float[sample.Length];
        for (int i = 0; i < _target.Length; i++) _target[i] = sample.Data[i] - noise.Data[i];
        // 3. The student's input [z, y] at t = 0.
        PixelLoss.Stack(noise, condition, networkInput);
        Array.Clear(timesteps);
    }

    /// <inheritdoc />
    public double Loss(Tensor output, Tensor gradOutput) => PixelLoss.MeanSquared(output.Data, _target, gradOutput.Data);
}
