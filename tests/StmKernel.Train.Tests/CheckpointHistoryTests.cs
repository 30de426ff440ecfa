using System.Buffers.Binary;
using System.Text.Json.Nodes;
using System.IO.Hashing;
using StmKernel.Train.Objectives;
using StmKernel.Train.Optim;
using StmKernel.UNet;

namespace StmKernel.Train.Tests;

/// <summary>The run's segments travel with its checkpoints; version-1 checkpoints (no segments) still resume.</summary>
public class CheckpointHistoryTests
{
    private static readonly TrainerOptions Options = new() { Seed = 5, LearningRate = new LearningRateSchedule(1e-3, 1, 10) };

    [Fact]
    public void SegmentsSurviveACheckpoint()
    {
        var trainer = new Trainer(new ParameterSet(TinyModel.Config, RandomParameters.For(TinyModel.Config, 1)), new FlowMatchingObjective(), Options);
        trainer.History.Add((JsonNode)new JsonObject { ["steps_from"] = 0, ["steps_to"] = 7, ["crop"] = 64 });
        trainer.History.Add((JsonNode)new JsonObject { ["steps_from"] = 7, ["crop"] = 128, ["data"] = "procedural Si(001):H" });
        string path = TempPath();
        try
        {
            trainer.SaveCheckpoint(path);
            var resumed = Trainer.Resume(path, new FlowMatchingObjective(), Options);
            Assert.Equal(trainer.History.ToJsonString(), resumed.History.ToJsonString());
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void AVersion1CheckpointResumesWithItsHistoryMarkedUnrecorded()
    {
        var (clean, cond) = TinyModel.Batch(1, 16, 3);
        var trainer = new Trainer(new ParameterSet(TinyModel.Config, RandomParameters.For(TinyModel.Config, 2)), new FlowMatchingObjective(), Options);
        for (int s = 0; s < 3; s++) trainer.TrainStep(clean, cond, Tensors.Threading.WorkerPool.Inline);
        trainer.History.Add((JsonNode)new JsonObject { ["crop"] = 16 });
        string path = TempPath();
        try
        {
            trainer.SaveCheckpoint(path);
            File.WriteAllBytes(path, AsVersion1(File.ReadAllBytes(path)));

            var resumed = Trainer.Resume(path, new FlowMatchingObjective(), Options);
            Assert.Equal(3, resumed.Step);
            Assert.Equal(trainer.Parameters.Values[5], resumed.Parameters.Values[5]);
            var only = Assert.Single(resumed.History)!;
            Assert.Equal(3, only["steps_to"]!.GetValue<long>());
            Assert.Contains("not recorded", only["note"]!.GetValue<string>());
        }
        finally { File.Delete(path); }
    }

    /// <summary>
    /// Rewrites a version-2 checkpoint as version 1 by hand from the documented layout: version field 1,
    /// the segment array (after magic, version, config, objective, step and generator state) cut out, CRC redone.
    /// </summary>
    private static byte[] AsVersion1(byte[] v2)
    {
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32LittleEndian(v2.AsSpan(8)));
        int at = 12;
        at += 4 + BinaryPrimitives.ReadInt32LittleEndian(v2.AsSpan(at)); // config
        at += 2 + BinaryPrimitives.ReadUInt16LittleEndian(v2.AsSpan(at)); // objective
        at += 8 + 32; // step, generator state
        int historyBytes = 4 + BinaryPrimitives.ReadInt32LittleEndian(v2.AsSpan(at));
        Assert.StartsWith("[", System.Text.Encoding.UTF8.GetString(v2, at + 4, 1));
        var v1 = new List<byte>(v2[..at]);
        v1.AddRange(v2[(at + historyBytes)..^4]);
        var body = v1.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(8), 1);
        return [.. body, .. BitConverter.GetBytes(Crc32.HashToUInt32(body))];
    }

    private static string TempPath() => Path.Combine(Path.GetTempPath(), $"stmkernel-history-{Guid.NewGuid():N}.stmckpt");
}
