namespace StmKernel.Tensors.Graph;

/// <summary>
/// A model's forward for one input shape as a list of ops in execution order (a DAG: each op reads values made
/// before it). Built by <see cref="GraphBuilder"/> from a module tree; executed, and for training differentiated, by a
/// backend. Parameters are referenced by key, with the shapes the graph expects in <see cref="ParameterShapes"/>.
/// </summary>
public sealed class ComputeGraph
{
    internal ComputeGraph(IReadOnlyList<GraphOp> ops, IReadOnlyList<GraphValue> inputs, IReadOnlyList<GraphValue> outputs, IReadOnlyDictionary<string, int[]> parameterShapes)
    {
        Ops = ops;
        Inputs = inputs;
        Outputs = outputs;
        ParameterShapes = parameterShapes;
    }

    /// <summary>Every op, inputs first, in execution order.</summary>
    public IReadOnlyList<GraphOp> Ops { get; }

    /// <summary>The values the caller fills (the <see cref="OpKind.Input"/> ops' outputs), in declaration order.</summary>
    public IReadOnlyList<GraphValue> Inputs { get; }

    /// <summary>The values the caller reads back.</summary>
    public IReadOnlyList<GraphValue> Outputs { get; }

    /// <summary>Each parameter key the ops read, with the shape its module declares.</summary>
    public IReadOnlyDictionary<string, int[]> ParameterShapes { get; }

    /// <summary>For each value id, the index of the last op that reads it (−1 when nothing does); graph outputs count as read by the end.</summary>
    public int[] LastUses()
    {
        var last = new int[Ops.Count];
        Array.Fill(last, -1);
        for (int i = 0; i < Ops.Count; i++)
            foreach (var v in Ops[i].Inputs) last[v.Id] = i;
        foreach (var v in Outputs) last[v.Id] = Ops.Count;
        return last;
    }
}
