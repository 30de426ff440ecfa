using StmKernel.Tensors.Graph;

namespace StmKernel.Tensors.Backends.Cpu;

/// <summary>
/// Which forward values a training plan's backward reads, and how it gets them: <see cref="Keep"/>s stay alive from
/// the forward to their producer's backward; <see cref="Recompute"/>s (outputs of a group norm or an upsampling
/// that feed a convolution's weight gradient) are freed after their last forward reader and rebuilt in the
/// backward, which costs one cheap pass and saves holding a full activation from forward to backward.
/// </summary>
internal sealed class BackwardNeeds
{
    private BackwardNeeds(bool[] keep, bool[] recompute)
    {
        Keep = keep;
        Recompute = recompute;
    }

    /// <summary>Per value id: held from the forward to its producer's backward.</summary>
    public bool[] Keep { get; }

    /// <summary>Per value id: rebuilt by re-running its producer in the backward.</summary>
    public bool[] Recompute { get; }

    public static BackwardNeeds Of(ComputeGraph graph)
    {
        int n = graph.Ops.Count;
        var read = new bool[n];
        foreach (var op in graph.Ops)
            foreach (var v in ReadByBackward(op)) read[v.Id] = true;
        var keep = new bool[n];
        var recompute = new bool[n];
        // Reverse id order: a recomputed value's producer inputs are read by the recompute, and have smaller ids.
        for (int id = n - 1; id >= 0; id--)
        {
            if (!read[id]) continue;
            var producer = graph.Ops[id];
            if (producer.Kind is OpKind.GroupNorm or OpKind.Upsample2x)
            {
                recompute[id] = true;
                foreach (var v in producer.Inputs) read[v.Id] = true;
            }
            else keep[id] = true;
        }
        return new BackwardNeeds(keep, recompute);
    }

    /// <summary>The forward values an op's backward reads (never its own output).</summary>
    private static IEnumerable<GraphValue> ReadByBackward(GraphOp op) => op.Kind switch
    {
        OpKind.Conv2d or OpKind.GroupNorm or OpKind.Linear or OpKind.Silu => [op.Inputs[0]],
        OpKind.Attention => op.Inputs,
        _ => [],
    };
}
