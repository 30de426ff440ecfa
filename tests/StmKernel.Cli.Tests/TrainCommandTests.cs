using StmKernel.UNet.Weights;

namespace StmKernel.Cli.Tests;

/// <summary>`stmkernel train --init`: fine-tuning starts from a model's weights, not from random ones.</summary>
public class TrainCommandTests
{
    private static string[] Tiny(string output, params string[] extra) =>
        ["train", "--task", "restore", "--method", "fm", "--preset", "small", "--crop", "16", "--batch", "1", "--threads", "1",
         "--validate-every", "0", "--checkpoint-every", "0", "--f32", "-o", output, .. extra];

    [Fact]
    public void InitStartsFromTheGivenWeights()
    {
        string dir = TestData.TempDir();
        string first = Path.Combine(dir, "first.stmw");
        Assert.Equal(0, TestData.Run(Tiny(first, "--steps", "1", "--seed", "3")));

        // A near-zero learning rate: the fine-tuned export must still be the init weights; a fresh
        // run of another seed is not.
        string tuned = Path.Combine(dir, "tuned.stmw");
        Assert.Equal(0, TestData.Run(Tiny(tuned, "--steps", "2", "--seed", "4", "--lr", "1e-12", "--init", first)));
        string fresh = Path.Combine(dir, "fresh.stmw");
        Assert.Equal(0, TestData.Run(Tiny(fresh, "--steps", "2", "--seed", "4", "--lr", "1e-12")));

        var a = WeightSet.Load(first).Tensors;
        var b = WeightSet.Load(tuned).Tensors;
        var c = WeightSet.Load(fresh).Tensors;
        const string key = "down_blocks.1.resnets.0.conv1.weight";
        Assert.True(MaxDiff(a[key].Data, b[key].Data) < 1e-6, "fine-tuning did not start from --init");
        Assert.True(MaxDiff(a[key].Data, c[key].Data) > 1e-3, "a random start should differ");
        Assert.Equal("first.stmw", WeightSet.Load(tuned).Metadata.Training?["init"]?.GetValue<string>());
    }

    [Fact]
    public void InitRejectsAnotherArchitectureAndResumeTogether()
    {
        string dir = TestData.TempDir();
        string tiny = TestData.TinyModel(dir, "tiny", "restore", SamplerSettings.FlowMatching);
        Assert.Equal(2, TestData.Run(Tiny(Path.Combine(dir, "a.stmw"), "--steps", "1", "--init", tiny)));
        Assert.Equal(2, TestData.Run(Tiny(Path.Combine(dir, "b.stmw"), "--steps", "1", "--init", tiny, "--resume", tiny)));
        Assert.False(File.Exists(Path.Combine(dir, "a.stmw")));
    }

    [Fact]
    public void StartNoiseIsRecordedForTheBridgeAndRefusedElsewhere()
    {
        string dir = TestData.TempDir();
        string bridge = Path.Combine(dir, "bridge.stmw");
        string[] args = Tiny(bridge, "--steps", "1", "--start-noise", "0.03");
        args[Array.IndexOf(args, "--method") + 1] = "fm-bridge";
        Assert.Equal(0, TestData.Run(args));
        var sampler = WeightSet.Load(bridge).Metadata.Sampler!;
        Assert.Equal(FlowStart.Condition, sampler.Start);
        Assert.Equal(0.03, sampler.StartNoise, 12);

        // The paper's noise start has no σ to set, and σ outside [0, 1] is a typo: both exit 2 and write nothing.
        string fm = Path.Combine(dir, "fm.stmw");
        Assert.Equal(2, TestData.Run(Tiny(fm, "--steps", "1", "--start-noise", "0.03")));
        args[Array.IndexOf(args, "--start-noise") + 1] = "-0.5";
        args[Array.IndexOf(args, "-o") + 1] = fm;
        Assert.Equal(2, TestData.Run(args));
        Assert.False(File.Exists(fm));
    }

    [Fact]
    public void DistillationNeedsASampledTeacherOfTheTaskAndRecordsOneEulerStep()
    {
        string dir = TestData.TempDir();
        string teacher = Path.Combine(dir, "teacher.stmw");
        Assert.Equal(0, TestData.Run(Tiny(teacher, "--steps", "1", "--seed", "3")));
        string[] Distil(string output, params string[] extra)
        {
            string[] a = Tiny(output, ["--steps", "2", "--seed", "5", "--init", teacher, .. extra]);
            a[Array.IndexOf(a, "--method") + 1] = "fm-distill";
            return a;
        }

        string student = Path.Combine(dir, "student.stmw");
        Assert.Equal(0, TestData.Run(Distil(student, "--teacher", teacher)));
        var meta = WeightSet.Load(student).Metadata;
        Assert.Equal(OdeSolver.Euler, meta.Sampler!.Solver);
        Assert.Equal(1, meta.Sampler.DefaultSteps);
        Assert.Equal("fm-distill", meta.Training!["method"]!.GetValue<string>());
        var segment = meta.Training["segments"]!.AsArray()[0]!;
        Assert.Equal("teacher.stmw", segment["teacher"]!.GetValue<string>());
        Assert.Equal(2, segment["teacher_steps"]!.GetValue<int>()); // the teacher's own default

        // No teacher, a teacher for another method, a missing file, a one-pass or an SR teacher: exit 2, nothing written.
        string bad = Path.Combine(dir, "bad.stmw");
        string ae = TestData.TinyModel(dir, "ae", "restore", null);
        string sr = TestData.TinyModel(dir, "sr", "sr2", SamplerSettings.FlowMatching);
        Assert.Equal(2, TestData.Run(Distil(bad)));
        Assert.Equal(2, TestData.Run(Tiny(bad, "--steps", "1", "--teacher", teacher)));
        Assert.Equal(2, TestData.Run(Distil(bad, "--teacher", Path.Combine(dir, "missing.stmw"))));
        Assert.Equal(2, TestData.Run(Distil(bad, "--teacher", ae)));
        Assert.Equal(2, TestData.Run(Distil(bad, "--teacher", sr)));
        Assert.False(File.Exists(bad));
    }

    [Fact]
    public void EverySegmentOfAResumedRunIsInTheMetadata()
    {
        string dir = TestData.TempDir();
        string first = Path.Combine(dir, "a.stmw"), second = Path.Combine(dir, "b.stmw");
        Assert.Equal(0, TestData.Run(Tiny(first, "--steps", "1", "--seed", "2")));
        string[] resumed = [.. Tiny(second, "--steps", "3", "--resume", Path.ChangeExtension(first, ".stmckpt"), "--seed", "2")];
        resumed[Array.IndexOf(resumed, "--crop") + 1] = "24";
        Assert.Equal(0, TestData.Run(resumed));

        var training = WeightSet.Load(second).Metadata.Training!;
        var segments = training["segments"]!.AsArray();
        Assert.Equal(2, segments.Count);
        // The first process ran a 1-step schedule; the resumed one extends it to 3 steps at another crop.
        Assert.Equal([0L, 1L, 16L], [segments[0]!["steps_from"]!.GetValue<long>(), segments[0]!["steps_to"]!.GetValue<long>(), segments[0]!["crop"]!.GetValue<long>()]);
        Assert.Equal([1L, 3L, 24L], [segments[1]!["steps_from"]!.GetValue<long>(), segments[1]!["steps_to"]!.GetValue<long>(), segments[1]!["crop"]!.GetValue<long>()]);
        Assert.Equal("random", segments[0]!["start"]!.GetValue<string>());
        Assert.Equal("resume a.stmckpt", segments[1]!["start"]!.GetValue<string>());
        double sum = segments.Sum(x => x!["wall_clock_s"]!.GetValue<double>());
        Assert.Equal(Math.Round(sum, 1), training["wall_clock_s"]!.GetValue<double>(), 1);
        Assert.Equal(3, training["steps"]!.GetValue<long>());
    }

    [Fact]
    public void ExportWritesTheCheckpointsWeightsWithoutTraining()
    {
        string dir = TestData.TempDir();
        string run = Path.Combine(dir, "run.stmw"), exported = Path.Combine(dir, "exported.stmw");
        Assert.Equal(0, TestData.Run(Tiny(run, "--steps", "2", "--seed", "5")));
        // A schedule far longer than the checkpoint's 2 steps: without --export this would train on.
        Assert.Equal(0, TestData.Run(Tiny(exported, "--steps", "50", "--seed", "5", "--export", "--resume", Path.ChangeExtension(run, ".stmckpt"))));

        var a = WeightSet.Load(run);
        var b = WeightSet.Load(exported);
        foreach (var (key, tensor) in a.Tensors) Assert.Equal(tensor.Data, b.Tensors[key].Data);
        Assert.Equal(2, b.Metadata.Training!["steps"]!.GetValue<long>());
        Assert.Single(b.Metadata.Training!["segments"]!.AsArray());
        Assert.False(File.Exists(Path.ChangeExtension(exported, ".stmckpt")), "an export writes no checkpoint of its own");

        Assert.Equal(2, TestData.Run(Tiny(Path.Combine(dir, "x.stmw"), "--steps", "2", "--export")));
    }

    private static double MaxDiff(float[] x, float[] y) => x.Zip(y, (p, q) => Math.Abs(p - q)).Max();
}
