namespace StmKernel.Tensors.Graph;

/// <summary>
/// One tensor of a <see cref="ComputeGraph"/>: a feature map [N, C, H, W] (rank 4), a per-sample vector [N, E]
/// (rank 2: time embeddings, per-sample biases) or per-sample scalars [N] (rank 1: the timesteps). Where it lives
/// is the backend's business; the graph only names it.
/// </summary>
public sealed class GraphValue
{
    internal GraphValue(int id, int[] shape)
    {
        Id = id;
        Shape = shape;
    }

    /// <summary>Index in the graph, in order of creation (an op's inputs always have smaller ids than its output).</summary>
    public int Id { get; }

    /// <summary>The logical shape.</summary>
    public int[] Shape { get; }

    /// <summary>Batch size (the first dimension).</summary>
    public int N => Shape[0];

    /// <summary>Channels of a feature map, or the length of a per-sample vector.</summary>
    public int C => Shape.Length > 1 ? Shape[1] : 1;

    /// <summary>Height of a feature map (1 otherwise).</summary>
    public int H => Shape.Length == 4 ? Shape[2] : 1;

    /// <summary>Width of a feature map (1 otherwise).</summary>
    public int W => Shape.Length == 4 ? Shape[3] : 1;

    /// <summary>True for a feature map [N, C, H, W].</summary>
    public bool IsMap => Shape.Length == 4;

    /// <summary>Number of elements.</summary>
    public long Count => Shape.Aggregate(1L, (a, b) => a * b);

    /// <inheritdoc />
    public override string ToString() => $"%{Id}[{string.Join(", ", Shape)}]";
}
