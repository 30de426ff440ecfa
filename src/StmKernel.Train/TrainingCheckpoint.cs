using System.IO.Hashing;
using System.Text;
using System.Text.Json.Nodes;
using StmKernel.UNet;
using StmKernel.UNet.Weights;
using StmKernel.UNet.Networks;

namespace StmKernel.Train;

/// <summary>
/// The training checkpoint file (.stmckpt): everything a run needs to continue bit for bit.
/// Little-endian binary: magic "STMCKPT\0", u32 version 2, u32 length + UTF-8 diffusers config
/// JSON, u16 length + UTF-8 objective name, i64 step, 4 × u64 generator state, u32 length + UTF-8
/// JSON array of the run's segments (<see cref="Trainer.History"/>), u32 tensor count, then per
/// tensor in <see cref="ParameterList"/> order: u16 length + UTF-8 key, u32 element count, float32
/// values, AdamW m, AdamW v, EMA shadow; finally the CRC-32 of all preceding bytes.
/// Version 1 is version 2 without the segment array; it still reads (its history is unknown).
/// </summary>
internal sealed class TrainingCheckpoint
{
    private static readonly byte[] Magic = "STMCKPT\0"u8.ToArray();
    private const uint Version = 2;

    public required string Objective { get; init; }

    public required ParameterSet Parameters { get; init; }

    public required long Step { get; init; }

    public required ulong[] RandomState { get; init; }

    public required float[][] FirstMoment { get; init; }

    public required float[][] SecondMoment { get; init; }

    public required float[][] Shadow { get; init; }

    /// <summary>The run's segments so far; null for a version-1 file, which did not record them.</summary>
    public JsonArray? History { get; init; }

    public static void Write(string path, Trainer t)
    {
        var body = new MemoryStream();
        using (var w = new BinaryWriter(body, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Magic);
            w.Write(Version);
            byte[] config = Encoding.UTF8.GetBytes(t.Parameters.Config.ToJson().ToJsonString());
            w.Write(config.Length);
            w.Write(config);
            WriteString(w, t.Objective.Name);
            w.Write(t.Step);
            foreach (ulong s in t.Random.State) w.Write(s);
            byte[] history = Encoding.UTF8.GetBytes(t.History.ToJsonString());
            w.Write(history.Length);
            w.Write(history);
            var p = t.Parameters;
            w.Write(p.Specs.Count);
            for (int i = 0; i < p.Specs.Count; i++)
            {
                WriteString(w, p.Specs[i].Key);
                w.Write(p.Values[i].Length);
                foreach (var a in new[] { p.Values[i], t.Optimizer.FirstMoment[i], t.Optimizer.SecondMoment[i], t.Ema.Shadow[i] })
                    w.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(a.AsSpan()));
            }
        }
        uint crc = Crc32.HashToUInt32(body.GetBuffer().AsSpan(0, (int)body.Length));
        body.Write(BitConverter.GetBytes(crc));
        AtomicFile.Write(path, s => body.WriteTo(s));
    }

    public static TrainingCheckpoint Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < Magic.Length + 8 || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new InvalidDataException($"{path}: not a StmKernel training checkpoint (bad magic)");
        uint stored = BitConverter.ToUInt32(bytes, bytes.Length - 4);
        if (Crc32.HashToUInt32(bytes.AsSpan(0, bytes.Length - 4)) != stored)
            throw new InvalidDataException($"{path}: checksum mismatch (the checkpoint is truncated or corrupted)");
        try
        {
            using var r = new BinaryReader(new MemoryStream(bytes, 0, bytes.Length - 4), Encoding.UTF8);
            r.ReadBytes(Magic.Length);
            uint version = r.ReadUInt32();
            if (version is not (1 or Version)) throw new InvalidDataException($"{path}: checkpoint version {version} is not supported (expected 1 or {Version})");
            var json = JsonFields.ParseObject(ReadBlock(r, path, "checkpoint config"), path, "checkpoint config");
            var config = NetworkFamilies.Parse(json, path, "checkpoint config");
            string objective = ReadString(r);
            long step = r.ReadInt64();
            var state = new ulong[4];
            for (int i = 0; i < 4; i++) state[i] = r.ReadUInt64();
            JsonArray? history = null;
            if (version >= 2)
                history = JsonFields.ParseArray(ReadBlock(r, path, "checkpoint history"), path, "checkpoint history");
            var specs = ParameterList.For(config);
            int count = r.ReadInt32();
            if (count != specs.Count) throw new InvalidDataException($"{path}: checkpoint holds {count} tensors, the architecture has {specs.Count}");
            var values = new Dictionary<string, float[]>();
            var m = new float[count][];
            var v = new float[count][];
            var shadow = new float[count][];
            for (int i = 0; i < count; i++)
            {
                string key = ReadString(r);
                int n = r.ReadInt32();
                if (key != specs[i].Key || n != specs[i].Count)
                    throw new InvalidDataException($"{path}: tensor {i} is '{key}' with {n} values, expected '{specs[i].Key}' {specs[i].ShapeText}");
                values[key] = ReadFloats(r, n);
                m[i] = ReadFloats(r, n);
                v[i] = ReadFloats(r, n);
                shadow[i] = ReadFloats(r, n);
            }
            if (r.BaseStream.Position != r.BaseStream.Length) throw new InvalidDataException($"{path}: unexpected bytes after the last tensor");
            return new TrainingCheckpoint
            {
                Objective = objective, Parameters = new ParameterSet(config, values), Step = step, RandomState = state,
                FirstMoment = m, SecondMoment = v, Shadow = shadow, History = history,
            };
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException($"{path}: checkpoint ends early");
        }
    }

    /// <summary>Restores optimizer, EMA and generator state into a trainer built on <see cref="Parameters"/>.</summary>
    public void ApplyTo(Trainer trainer, string path)
    {
        trainer.Optimizer.Step = Step;
        for (int i = 0; i < FirstMoment.Length; i++)
        {
            FirstMoment[i].CopyTo(trainer.Optimizer.FirstMoment[i], 0);
            SecondMoment[i].CopyTo(trainer.Optimizer.SecondMoment[i], 0);
            Shadow[i].CopyTo(trainer.Ema.Shadow[i], 0);
        }
        try { trainer.Random.State = RandomState; }
        catch (ArgumentException e) { throw new InvalidDataException($"{path}: {e.Message}"); }
        trainer.History.Clear();
        if (History is null)
            trainer.History.Add((JsonNode)new JsonObject { ["steps_to"] = Step, ["note"] = "segments up to here not recorded (version-1 checkpoint)" });
        else
            foreach (var segment in History) trainer.History.Add(segment?.DeepClone());
    }

    private static void WriteString(BinaryWriter w, string s)
    {
        byte[] b = Encoding.UTF8.GetBytes(s);
        w.Write((ushort)b.Length);
        w.Write(b);
    }

    /// <summary>A u32-length-prefixed block, its length checked against what is left (a negative or huge one is corruption).</summary>
    private static byte[] ReadBlock(BinaryReader r, string path, string what)
    {
        int n = r.ReadInt32();
        long left = r.BaseStream.Length - r.BaseStream.Position;
        if (n < 0 || n > left) throw new InvalidDataException($"{path}: {what} of {(uint)n} bytes, but {left} bytes are left");
        return r.ReadBytes(n);
    }

    private static string ReadString(BinaryReader r) => Encoding.UTF8.GetString(r.ReadBytes(r.ReadUInt16()));

    private static float[] ReadFloats(BinaryReader r, int n)
    {
        var a = new float[n];
        byte[] raw = r.ReadBytes(n * sizeof(float));
        if (raw.Length != n * sizeof(float)) throw new EndOfStreamException();
        Buffer.BlockCopy(raw, 0, a, 0, raw.Length);
        return a;
    }
}
