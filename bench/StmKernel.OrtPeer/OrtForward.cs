using Microsoft.ML.OnnxRuntime;

namespace StmKernel.OrtPeer;

/// <summary>
/// One ONNX Runtime session over an exported U-Net (bench/export_onnx.py: inputs x [B, in, S, S] and t [B], output
/// y), with its input and output tensors bound once to caller-owned arrays, so a timed <see cref="Run"/> is ORT's
/// forward and nothing else (no copies, no allocation of the result).
/// </summary>
public sealed class OrtForward : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly OrtValue[] _inputs;
    private readonly OrtValue[] _outputs;
    private static readonly string[] InputNames = ["x", "t"];
    private static readonly string[] OutputNames = ["y"];

    /// <summary>
    /// Opens <paramref name="onnxPath"/> on the CPU execution provider with <paramref name="threads"/> intra-op
    /// threads (the caller included, as in our WorkerPool), one inter-op thread, sequential execution and every
    /// graph optimisation: ORT's own recommended setting for a single-stream CPU latency run.
    /// </summary>
    public OrtForward(string onnxPath, int threads, float[] x, long[] xShape, float[] t, float[] y, long[] yShape)
    {
        using var options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(onnxPath, options);
        _inputs =
        [
            OrtValue.CreateTensorValueFromMemory(x, xShape),
            OrtValue.CreateTensorValueFromMemory(t, [t.Length]),
        ];
        _outputs = [OrtValue.CreateTensorValueFromMemory(y, yShape)];
    }

    /// <summary>The ONNX Runtime build in use (the native library's version string).</summary>
    public static string Version => OrtEnv.Instance().GetVersionString();

    /// <summary>One forward: reads the bound x and t, writes the bound y.</summary>
    public void Run() => _session.Run(_runOptions, InputNames, _inputs, OutputNames, _outputs);

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var v in _inputs) v.Dispose();
        foreach (var v in _outputs) v.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }
}
