using StmKernel.Tensors.Backends;
using StmKernel.Tensors.Graph;
using StmKernel.Tensors.Tests.Backward;
using StmKernel.Tensors.Threading;
using Xunit.Abstractions;

namespace StmKernel.Tensors.Tests.Backends;

/// <summary>
/// Op tests written once and stamped out for every <see cref="IComputeBackend"/> (in the style of ggml's
/// test-backend-ops): for each <see cref="OpKind"/> a table of odd-sized cases builds a one-op graph with
/// <see cref="GraphBuilder"/>, runs it through the backend's public seam only (SetInput / Forward / GetOutput /
/// Backward on plain row-major data) and checks
/// <list type="bullet">
/// <item>the forward against naive double-precision loops (<see cref="ReferenceOps"/>, <see cref="DoubleOps"/>), also
/// after the parameters change in place and <see cref="IGraphExecutable.ParametersChanged"/> re-reads them;</item>
/// <item>for differentiable ops, a training plan's parameter gradients and (through probes, see <see cref="CaseGraph"/>)
/// input gradients against central finite differences of L = Σ g·y taken on the double reference;</item>
/// <item>a whole graph mixing every op (time embedding → Linear → SiLU → conv with per-sample bias → GroupNorm+SiLU →
/// attention → 1×1 conv with residual → concat with a skip → upsample → conv with a convolved residual), forward and
/// backward, against a naive composition.</item>
/// </list>
/// Tolerances are relative to the largest reference magnitude (1e-4), seeds fixed.
/// </summary>
public partial class BackendOpTests(ITestOutputHelper output)
{
    /// <summary>
    /// Every backend the suite runs on, from <see cref="TestedBackends"/>: each test project that compiles this file
    /// implements it (the CPU backends here; the GPU test project links this suite and names its own), and every
    /// case runs on each.
    /// </summary>
    private static readonly IComputeBackend[] Backends = TestedBackends();

    private static partial IComputeBackend[] TestedBackends();

    private const double ForwardTolerance = 1e-4;
    private const double GradientTolerance = 1e-4;
    private const int CoordinatesPerParameter = 24; // finite differences on this many coordinates of larger parameters
    private const float Eps = 1e-5f;

    private static readonly OpCase[] Cases =
    [
        .. TimestepEmbeddingCases(), .. LinearCases(), .. SiluCases(), .. ConvCases(), .. GroupNormCases(),
        .. AttentionCases(), .. UpsampleCases(), .. ConcatCases(), MixedGraph(),
    ];

    private static readonly Dictionary<string, OpCase> ByName = Cases.ToDictionary(c => c.Name, StringComparer.Ordinal);

    // (backend, case) pairs as strings, so xUnit lists every pair as its own test.
    public static TheoryData<string, string> ForwardCases => Stamp(Cases);

    public static TheoryData<string, string> BackwardCases => Stamp(Cases.Where(c => c.Differentiable));

    [Theory]
    [MemberData(nameof(ForwardCases))]
    public void ForwardMatchesNaiveReference(string backend, string name)
    {
        var c = ByName[name];
        var g = new CaseGraph(probed: false);
        var y = c.Build(g);
        var graph = g.B.Build(y);
        var (values, parameters) = MakeParameters(graph, salt: 0);
        var inputs = MakeInputs(g);
        var reference = new CaseReference(inputs, g.Inputs, parameters, probed: false);
        var plan = BackendNamed(backend).Compile(graph, new ValueStore(values), training: false);
        using var pool = new WorkerPool(2);

        Feed(plan, inputs);
        plan.Forward(pool);
        AssertClose(c.Reference(reference), Read(plan, y), $"{name}: forward");

        // Run twice: a second forward must not depend on what the first left in reused buffers.
        plan.Forward(pool);
        AssertClose(c.Reference(reference), Read(plan, y), $"{name}: second forward");

        // New values written into the same arrays (as an optimizer step does), then re-read by the backend.
        if (parameters.Count == 0) return;
        Refill(values, parameters, salt: 1);
        plan.ParametersChanged(pool);
        plan.Forward(pool);
        AssertClose(c.Reference(reference), Read(plan, y), $"{name}: forward after ParametersChanged");
    }

    /// <remarks>
    /// Input gradients: a training plan produces no gradient for graph Inputs, so in this test every map or vector
    /// input reaches the op through a probe (a near-identity 1×1 convolution or Linear, <see cref="CaseGraph"/>).
    /// The op's input gradient dL/dx′ then flows into the probe, whose weight gradient Σ dL/dx′·x and bias gradient
    /// Σ dL/dx′ depend on every element of dL/dx′ (with random x a wrong element shows); they are checked with the
    /// op's own parameters. Ops with a vector output (Linear, SiLU) feed a "sink" convolution's per-sample bias,
    /// because a training plan back-propagates one feature-map output.
    /// </remarks>
    [Theory]
    [MemberData(nameof(BackwardCases))]
    public void GradientsMatchFiniteDifferences(string backend, string name)
    {
        var c = ByName[name];
        var g = new CaseGraph(probed: true);
        var y = c.Build(g);
        Func<CaseReference, double[]> forward = c.Reference;
        if (!y.IsMap) (y, forward) = Sink(g, y, c.Reference);
        var graph = g.B.Build(y);
        var (values, parameters) = MakeParameters(graph, salt: 0);
        var inputs = MakeInputs(g);
        var reference = new CaseReference(inputs, g.Inputs, parameters, probed: true);
        var dy = FiniteDifference.Random((int)y.Count, 77);
        double Loss() => FiniteDifference.Dot(forward(reference), dy);

        // The oracle: central differences of L in double on (a sample of) each parameter's coordinates.
        var expected = new Dictionary<string, (int[] At, double[] Gradient)>(StringComparer.Ordinal);
        foreach (var key in parameters.Keys.Order(StringComparer.Ordinal))
        {
            var p = parameters[key];
            int[] at = Coordinates(p.Length, key);
            var fd = new double[at.Length];
            for (int j = 0; j < at.Length; j++)
            {
                double keep = p[at[j]];
                p[at[j]] = keep + 1e-5; double up = Loss();
                p[at[j]] = keep - 1e-5; double down = Loss();
                p[at[j]] = keep;
                fd[j] = (up - down) / 2e-5;
            }
            expected[key] = (at, fd);
        }

        // Some gradients are exactly zero: attention's key bias (softmax ignores a shift shared by all keys) and the
        // input bias of a group norm with one channel per group (normalization removes it). Errors are therefore
        // measured against a parameter's own largest gradient, but never against less than a hundredth of the
        // case's largest gradient, so a true zero passes with float round-off and a real error still shows.
        double floor = 1e-2 * expected.Values.Max(e => e.Gradient.Max(Math.Abs));
        var store = new GradientStore(values);
        var plan = BackendNamed(backend).Compile(graph, store, training: true);
        using var pool = new WorkerPool(2);
        var yRef = forward(reference);
        // Twice: the second backward reuses the plan's gradient buffers and must not see the first's values.
        for (int run = 0; run < 2; run++)
        {
            store.Poison();
            Feed(plan, inputs);
            plan.Forward(pool);
            AssertClose(yRef, Read(plan, y), $"{name}: training forward (run {run})");
            plan.Backward(y, FiniteDifference.ToFloat(dy), pool);
            var failures = new List<string>();
            foreach (var (key, (at, fd)) in expected)
            {
                var got = store.Gradient(key)!;
                // Beyond the sampled coordinates, every element must have been written (none left at the poison).
                if (Array.FindIndex(got, float.IsNaN) is var unwritten and >= 0) failures.Add($"{key}[{unwritten}]: not written by Backward");
                double scale = fd.Max(Math.Abs), worst = 0;
                int worstAt = 0;
                for (int j = 0; j < at.Length; j++)
                {
                    double err = Math.Abs(got[at[j]] - fd[j]);
                    if (double.IsNaN(err) || err > worst) { worst = double.IsNaN(err) ? double.PositiveInfinity : err; worstAt = j; }
                }
                double rel = worst / Math.Max(scale, floor);
                if (run == 0) output.WriteLine($"{key}: {at.Length} coordinates, max |err| / max |grad| = {rel:G3} (max |grad| {scale:G3})");
                if (!(rel <= GradientTolerance))
                    failures.Add($"{key}[{at[worstAt]}]: expected {fd[worstAt]:G6}, got {got[at[worstAt]]:G6} (relative error {rel:G3}, max |grad| {scale:G3})");
            }
            Assert.True(failures.Count == 0, $"{name} (run {run}): gradients differ from finite differences:\n  " + string.Join("\n  ", failures));
        }
    }

    // ---- the op tables: odd sizes, channel counts off the 16-lane blocks, every optional input ----

    private static IEnumerable<OpCase> TimestepEmbeddingCases()
    {
        // No gradient (timesteps are data): forward only.
        foreach (var (n, dim, flip, shift) in new[] { (1, 8, true, 0f), (3, 6, false, 1f), (2, 32, true, 1f), (2, 2, false, 0f), (3, 20, false, 0f) })
            yield return new OpCase("TimestepEmbedding", $"time_embedding n{n} dim{dim} flip={flip} shift={shift}",
                g => g.B.TimestepEmbedding("time_proj", g.Timesteps("t", n), dim, flip, shift),
                r => ReferenceOps.TimestepEmbedding(r.Input("t"), dim, flip, shift),
                Differentiable: false);
    }

    private static IEnumerable<OpCase> LinearCases()
    {
        foreach (var (n, fin, fout) in new[] { (1, 5, 7), (2, 17, 3), (3, 32, 33), (1, 1, 16), (2, 40, 9) })
            yield return new OpCase("Linear", $"linear n{n} {fin}→{fout}",
                g => g.B.Linear("linear", g.Vector("x", n, fin), fout),
                r => ReferenceOps.Linear(r.Vector("x"), r.P("linear.weight"), r.P("linear.bias"), n, fin, fout));
        // On a time embedding, as the U-Net's time MLP: the embedding needs no gradient, the Linear's weights do.
        yield return new OpCase("Linear", "linear n2 on time embedding 12→5",
            g => g.B.Linear("linear", g.B.TimestepEmbedding("time_proj", g.Timesteps("t", 2), 12, true, 0), 5),
            r => ReferenceOps.Linear(ReferenceOps.TimestepEmbedding(r.Input("t"), 12, true, 0), r.P("linear.weight"), r.P("linear.bias"), 2, 12, 5));
    }

    private static IEnumerable<OpCase> SiluCases()
    {
        foreach (var (n, e) in new[] { (1, 5), (2, 17), (3, 33), (2, 64), (1, 1) })
            yield return new OpCase("Silu", $"silu n{n} e{e}",
                g => g.B.Silu("act", g.Vector("x", n, e, scale: 4)),
                r => ReferenceOps.Silu(r.Vector("x")));
    }

    private static IEnumerable<OpCase> ConvCases()
    {
        // (n, cin, cout, k, stride, h, w, per-sample bias, residual, linear weights)
        var table = new[]
        {
            (1, 3, 5, 3, 1, 5, 7, false, false, false),
            (2, 5, 7, 3, 2, 5, 7, false, false, false),
            (3, 17, 9, 1, 1, 3, 9, false, false, false),
            (2, 7, 18, 1, 2, 5, 7, false, false, false),
            (1, 1, 1, 3, 2, 3, 9, false, false, false),
            (2, 5, 18, 3, 1, 3, 9, true, false, false),
            (1, 6, 11, 3, 1, 5, 7, false, true, false),
            (3, 4, 13, 3, 2, 5, 7, true, true, false),
            (2, 9, 17, 1, 1, 5, 7, false, true, true),
            (2, 20, 16, 1, 1, 3, 5, true, false, true),
            (1, 33, 7, 3, 1, 6, 8, false, true, false),   // ≥ 32 inputs, even size: Winograd weight gradient
            (1, 64, 9, 3, 1, 6, 10, true, true, false),   // ≥ 64 inputs, even size: Winograd F(2×2) forward
            (1, 64, 5, 3, 1, 4, 32, false, false, false), // w ≥ 32, multiple of 4: Winograd F(4×4) forward
            (2, 64, 6, 3, 1, 5, 7, false, false, false),  // ≥ 64 inputs but odd size: direct
        };
        foreach (var (n, cin, cout, k, s, h, w, bias, residual, linear) in table)
        {
            int ho = (h + 2 * (k / 2) - k) / s + 1, wo = (w + 2 * (k / 2) - k) / s + 1;
            string name = $"conv n{n} {cin}→{cout} k{k} s{s} {h}x{w}" + (bias ? " +sample_bias" : "") + (residual ? " +residual" : "") + (linear ? " linear_weights" : "");
            yield return new OpCase("Conv2d", name,
                g =>
                {
                    var x = g.Map("x", n, cin, h, w);
                    var sb = bias ? g.Vector("sb", n, cout) : null;
                    var r = residual ? g.Map("r", n, cout, ho, wo) : null;
                    return g.B.Conv2d("conv", x, cout, k, s, sb, r, linear);
                },
                r =>
                {
                    // A Linear's [Cout, Cin] weight is the [Cout, Cin, 1, 1] layout.
                    var y = DoubleOps.Conv(r.Map("x"), r.P("conv.weight"), r.P("conv.bias"), n, cin, h, w, cout, k, s);
                    if (bias) ReferenceOps.AddSampleBias(y, r.Vector("sb"), n, cout, ho * wo);
                    if (residual) ReferenceOps.Add(y, r.Map("r"));
                    return y;
                });
        }
    }

    private static IEnumerable<OpCase> GroupNormCases()
    {
        // (n, c, groups, silu, h, w)
        var table = new[]
        {
            (1, 5, 1, false, 5, 7),
            (2, 6, 3, true, 3, 9),
            (3, 24, 4, true, 5, 7),   // 6 channels per group: groups straddle 16-channel blocks
            (2, 7, 7, false, 3, 9),   // one channel per group, a partial block
            (1, 32, 8, true, 5, 7),
            (2, 20, 2, false, 1, 3),
            (1, 48, 1, true, 3, 5),
        };
        foreach (var (n, c, groups, silu, h, w) in table)
            yield return new OpCase("GroupNorm", $"group_norm n{n} c{c} g{groups} silu={silu} {h}x{w}",
                g => g.B.GroupNorm("norm", g.Map("x", n, c, h, w, scale: 2, offset: 0.7), groups, Eps, silu),
                r => DoubleOps.GroupNorm(r.Map("x"), r.P("norm.weight"), r.P("norm.bias"), n, c, h * w, groups, Eps, silu));
    }

    private static IEnumerable<OpCase> AttentionCases()
    {
        // (n, c, head dim, h, w)
        var table = new[] { (1, 8, 8, 5, 7), (2, 24, 8, 3, 5), (1, 18, 6, 3, 3), (2, 16, 4, 1, 7), (3, 5, 5, 3, 1), (1, 32, 16, 3, 7) };
        foreach (var (n, c, d, h, w) in table)
            yield return new OpCase("Attention", $"attention n{n} c{c} d{d} {h}x{w}",
                g => g.B.Attention("attn", g.Map("q", n, c, h, w, scale: 3), g.Map("k", n, c, h, w), g.Map("v", n, c, h, w), d),
                r => DoubleOps.Attention(r.Map("q"), r.Map("k"), r.Map("v"), n, c, h * w, d));
    }

    private static IEnumerable<OpCase> UpsampleCases()
    {
        foreach (var (n, c, h, w) in new[] { (1, 5, 5, 7), (2, 17, 3, 9), (3, 16, 1, 1), (1, 33, 2, 3) })
            yield return new OpCase("Upsample2x", $"upsample n{n} c{c} {h}x{w}",
                g => g.B.Upsample2x("up", g.Map("x", n, c, h, w)),
                r => ReferenceOps.Upsample2x(r.Map("x"), n, c, h, w));
    }

    private static IEnumerable<OpCase> ConcatCases()
    {
        // Ca a multiple of 16 copies whole planes; otherwise b's channels shift lane by lane.
        foreach (var (n, ca, cb, h, w) in new[] { (1, 5, 7, 5, 7), (2, 16, 3, 3, 9), (3, 17, 20, 5, 7), (2, 1, 1, 3, 9), (1, 32, 16, 1, 5), (2, 3, 16, 3, 3) })
            yield return new OpCase("Concat", $"concat n{n} {ca}+{cb} {h}x{w}",
                g => g.B.Concat("cat", g.Map("a", n, ca, h, w), g.Map("b", n, cb, h, w)),
                r => ReferenceOps.Concat(r.Map("a"), r.Map("b"), n, ca, cb, h * w));
    }

    /// <summary>
    /// A small graph using every op, written out again below as a naive composition. The skip x is read by
    /// conv_in and by the concat, c1 by the norm and as to_out's residual, up by two convolutions: in the backward
    /// their gradients are sums of two contributions (and a residual's is shared with the output's).
    /// </summary>
    private static OpCase MixedGraph()
    {
        const int n = 2, cin = 5, h = 5, w = 7, c = 12, groups = 4, d = 6, cout = 6, temb = 16;
        return new OpCase("Graph", "mixed graph",
            g =>
            {
                var b = g.B;
                var t = b.Silu("time_act", b.Linear("time_emb", b.TimestepEmbedding("time_proj", g.Timesteps("t", n), temb, true, 0), c));
                var x = g.Map("x", n, cin, h, w);
                var c1 = b.Conv2d("conv_in", x, c, 3, sampleBias: t);
                var gn = b.GroupNorm("norm", c1, groups, Eps, silu: true);
                var q = b.Conv2d("to_q", gn, c, 1, linearWeights: true);
                var k = b.Conv2d("to_k", gn, c, 1, linearWeights: true);
                var v = b.Conv2d("to_v", gn, c, 1, linearWeights: true);
                var a = b.Attention("attn", q, k, v, d);
                var p = b.Conv2d("to_out", a, c, 1, residual: c1, linearWeights: true);
                var cat = b.Concat("cat", p, x);
                var up = b.Upsample2x("up", cat);
                var shortcut = b.Conv2d("shortcut", up, cout, 1);
                return b.Conv2d("conv_out", up, cout, 3, residual: shortcut);
            },
            r =>
            {
                int hw = h * w;
                var t = ReferenceOps.Silu(ReferenceOps.Linear(ReferenceOps.TimestepEmbedding(r.Input("t"), temb, true, 0),
                    r.P("time_emb.weight"), r.P("time_emb.bias"), n, temb, c));
                var x = r.Map("x");
                var c1 = ReferenceOps.AddSampleBias(DoubleOps.Conv(x, r.P("conv_in.weight"), r.P("conv_in.bias"), n, cin, h, w, c, 3, 1), t, n, c, hw);
                var gn = DoubleOps.GroupNorm(c1, r.P("norm.weight"), r.P("norm.bias"), n, c, hw, groups, Eps, true);
                double[] Proj(string key, double[] input) => DoubleOps.Conv(input, r.P(key + ".weight"), r.P(key + ".bias"), n, c, h, w, c, 1, 1);
                var a = DoubleOps.Attention(Proj("to_q", gn), Proj("to_k", gn), Proj("to_v", gn), n, c, hw, d);
                var p = ReferenceOps.Add(Proj("to_out", a), c1);
                var up = ReferenceOps.Upsample2x(ReferenceOps.Concat(p, x, n, c, cin, hw), n, c + cin, h, w);
                var shortcut = DoubleOps.Conv(up, r.P("shortcut.weight"), r.P("shortcut.bias"), n, c + cin, 2 * h, 2 * w, cout, 1, 1);
                return ReferenceOps.Add(DoubleOps.Conv(up, r.P("conv_out.weight"), r.P("conv_out.bias"), n, c + cin, 2 * h, 2 * w, cout, 3, 1), shortcut);
            });
    }

    // ---- plumbing ----

    private static TheoryData<string, string> Stamp(IEnumerable<OpCase> cases)
    {
        var data = new TheoryData<string, string>();
        foreach (var backend in Backends)
            foreach (var c in cases) data.Add(backend.Name, c.Name);
        return data;
    }

    private static IComputeBackend BackendNamed(string name) => Backends.Single(b => b.Name == name);

    /// <summary>A vector output y [N, E] made the per-sample bias of a 1×1 convolution on a fixed map, so a training plan can seed it.</summary>
    private static (GraphValue, Func<CaseReference, double[]>) Sink(CaseGraph g, GraphValue y, Func<CaseReference, double[]> inner)
    {
        int n = y.N, e = y.C;
        var carrier = g.Map("sink.x", n, 3, 3, 5, probe: false);
        var sunk = g.B.Conv2d("sink", carrier, e, 1, sampleBias: y);
        return (sunk, r => ReferenceOps.AddSampleBias(
            DoubleOps.Conv(r.Map("sink.x", probe: false), r.P("sink.weight"), r.P("sink.bias"), n, 3, 3, 5, e, 1, 1), inner(r), n, e, 15));
    }

    /// <summary>
    /// Random parameters for every key the graph declares, as float arrays (the store) and the same values in double
    /// (the reference): weights ~ U(±1/√fan-in), biases ~ U(±0.5), group-norm γ ~ 1 + U(±0.5), probes near the identity
    /// so the op sees inputs of the intended scale.
    /// </summary>
    private static (Dictionary<string, float[]> Values, Dictionary<string, double[]> Parameters) MakeParameters(ComputeGraph graph, int salt)
    {
        var parameters = graph.ParameterShapes.ToDictionary(kv => kv.Key, kv => new double[kv.Value.Aggregate(1, (a, b) => a * b)], StringComparer.Ordinal);
        var values = parameters.ToDictionary(kv => kv.Key, kv => new float[kv.Value.Length], StringComparer.Ordinal);
        Refill(values, parameters, salt);
        return (values, parameters);
    }

    private static void Refill(Dictionary<string, float[]> values, Dictionary<string, double[]> parameters, int salt)
    {
        int index = 0;
        foreach (var key in parameters.Keys.Order(StringComparer.Ordinal))
        {
            var p = parameters[key];
            var u = FiniteDifference.Random(p.Length, 1000 + 37 * index++ + 7919 * salt);
            bool weight = key.EndsWith(".weight", StringComparison.Ordinal);
            // A weight's rows (its first dimension) are its bias's length; the rest is the fan-in.
            int rows = weight ? values[key[..^".weight".Length] + ".bias"].Length : p.Length;
            int fanIn = p.Length / rows;
            for (int i = 0; i < p.Length; i++)
            {
                double v;
                if (!weight) v = 0.5 * u[i];
                else if (key.EndsWith(".probe.weight", StringComparison.Ordinal)) v = (i / fanIn == i % fanIn ? 1 : 0) + 0.2 * u[i] / Math.Sqrt(fanIn);
                else if (rows == p.Length) v = 1 + 0.5 * u[i];                          // a rank-1 weight: group norm's γ
                else v = u[i] / Math.Sqrt(fanIn);
                p[i] = (float)v;
                values[key][i] = (float)v;
            }
        }
    }

    private static Dictionary<string, double[]> MakeInputs(CaseGraph g)
    {
        int seed = 100;
        return g.Inputs.ToDictionary(kv => kv.Key, kv => kv.Value.Make(seed++), StringComparer.Ordinal);
    }

    private static void Feed(IGraphExecutable plan, Dictionary<string, double[]> inputs)
    {
        foreach (var v in plan.Graph.Inputs)
            plan.SetInput(v, FiniteDifference.ToFloat(inputs[plan.Graph.Ops[v.Id].Name]));
    }

    private static float[] Read(IGraphExecutable plan, GraphValue y)
    {
        var data = new float[y.Count];
        plan.GetOutput(y, data);
        return data;
    }

    /// <summary>All coordinates of a small parameter; of a larger one the first, the last and a fixed random sample.</summary>
    private static int[] Coordinates(int length, string key)
    {
        if (length <= CoordinatesPerParameter) return [.. Enumerable.Range(0, length)];
        var r = new Random(key.Length * 131 + length);
        var at = new SortedSet<int> { 0, length - 1 };
        while (at.Count < CoordinatesPerParameter) at.Add(r.Next(length));
        return [.. at];
    }

    private static void AssertClose(double[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = 0, worst = 0;
        int worstAt = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            scale = Math.Max(scale, Math.Abs(expected[i]));
            double err = Math.Abs(expected[i] - actual[i]);
            if (double.IsNaN(err) || err > worst) { worst = double.IsNaN(err) ? double.PositiveInfinity : err; worstAt = i; }
        }
        Assert.True(worst <= ForwardTolerance * Math.Max(scale, 1e-6),
            $"{what}: at {worstAt} expected {expected[worstAt]:G6}, got {actual[worstAt]:G6} (max |err| {worst:G3} > {ForwardTolerance:G2} × max |ref| {scale:G3})");
    }
}
