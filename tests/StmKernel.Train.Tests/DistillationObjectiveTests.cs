using StmKernel.Sampling;
using StmKernel.Tensors;
using StmKernel.Train.Objectives;
using StmKernel.UNet.Weights;

namespace StmKernel.Train.Tests;

public class DistillationObjectiveTests
{
    /// <summary>A teacher whose velocity points at the condition, v(x, t) = y − x: an ODE with a closed-form RK2 step.</summary>
    private sealed class TowardsCondition : IDenoiser
    {
        public int Calls;
        public int MaxBatch => 16;

        public void Predict(Tensor input, ReadOnlySpan<float> timesteps, Tensor output)
        {
            Calls++;
            int plane = input.Dim(2) * input.Dim(3);
            for (int n = 0; n < input.Dim(0); n++)
                for (int i = 0; i < plane; i++)
                    output.Data[n * plane + i] = input.Data[(2 * n + 1) * plane + i] - input.Data[2 * n * plane + i];
        }
    }

    [Theory]
    [InlineData(1, 0.5)]        // one RK2 step of dx/dt = y − x: x1 − y = (1 − 1 + 1/2)(x0 − y)
    [InlineData(2, 0.390625)]   // two steps of Δt = 1/2: (1 − 1/2 + 1/8)² = 0.625²
    [InlineData(3, 0.37671467764060357)] // (1 − 1/3 + 1/18)³ = (13/18)³
    public void TargetIsTheStraightStepToTheTeachersSample(int teacherSteps, double factor)
    {
        var (clean, cond) = TinyModel.Batch(3, 7, 4); // odd size
        var teacher = new TowardsCondition();
        var objective = new FlowDistillationObjective(teacher, SamplerSettings.FlowMatching, teacherSteps);
        Assert.Equal("fm-distill", objective.Name);
        Assert.Equal(2 * teacherSteps, objective.TeacherEvaluations);
        var input = new Tensor(3, 2, 7, 7);
        var t = Enumerable.Repeat(5f, 3).ToArray();
        objective.Prepare(clean, cond, new SeededRandom(9), input, t);
        Assert.All(t, v => Assert.Equal(0f, v)); // the student steps once from t = 0
        Assert.Equal(2 * teacherSteps, teacher.Calls); // one batched teacher call per evaluation

        // Expected velocity from the student's own input: z in channel 0, y in channel 1.
        int plane = 49;
        var expected = new Tensor(3, 1, 7, 7);
        double sumSq = 0;
        for (int n = 0; n < 3; n++)
            for (int i = 0; i < plane; i++)
            {
                double z = input.Data[2 * n * plane + i], y = input.Data[(2 * n + 1) * plane + i];
                Assert.Equal(cond.Data[n * plane + i], (float)y);
                double sample = y + factor * (z - y);
                expected.Data[n * plane + i] = (float)(sample - z);
                sumSq += (sample - z) * (sample - z);
            }
        var grad = new Tensor(3, 1, 7, 7);
        Assert.InRange(objective.Loss(expected, grad), 0, 1e-10);
        Assert.Equal(sumSq / expected.Length, objective.Loss(new Tensor(3, 1, 7, 7), grad), 5);
        // The noise is the trainer's: the same seed gives the same input.
        var again = new Tensor(3, 2, 7, 7);
        objective.Prepare(clean, cond, new SeededRandom(9), again, new float[3]);
        Assert.Equal(input.Data, again.Data);
    }

    [Fact]
    public void StudentSamplesWithOneEulerStepFromNoise()
    {
        var s = FlowDistillationObjective.StudentSampler;
        Assert.Equal(SamplerKind.FlowMatching, s.Kind);
        Assert.Equal(OdeSolver.Euler, s.Solver);
        Assert.Equal(1, s.DefaultSteps);
        Assert.Equal(FlowStart.Noise, s.Start);
        Assert.Equal(1, s.EvaluationsPerSample(s.DefaultSteps));
    }

    [Fact]
    public void RefusesNoTeacherStep() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new FlowDistillationObjective(new TowardsCondition(), SamplerSettings.FlowMatching, 0));
}
