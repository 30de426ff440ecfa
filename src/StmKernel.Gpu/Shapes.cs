using StmKernel.Gpu.Kernels;
using StmKernel.Tensors.Graph;

namespace StmKernel.Gpu;

/// <summary>The kernel shapes of graph ops, and every strided product the backend runs, written once for the forward and the backward.</summary>
internal static class Shapes
{
    public static ConvShape Conv(GraphOp op)
    {
        GraphValue x = op.Inputs[0], y = op.Output;
        return new ConvShape
        {
            N = x.N, Cin = x.C, H = x.H, W = x.W, Cout = y.C, Ho = y.H, Wo = y.W, K = op.Attributes.Kernel, Stride = op.Attributes.Stride,
            HasSampleBias = op.SampleBias is null ? 0 : 1, HasResidual = op.Residual is null ? 0 : 1,
        };
    }

    public static NormShape Norm(GraphOp op)
    {
        var x = op.Inputs[0];
        return new NormShape { N = x.N, C = x.C, Pixels = x.H * x.W, Groups = op.Attributes.Groups, Silu = op.Attributes.FusedSilu ? 1 : 0 };
    }

    /// <summary>y[n, o] = Σ_i x[n, i]·W[o, i] + b[o]: x [N, in] times Wᵀ (W is PyTorch's [out, in]).</summary>
    public static GemmShape Linear(int n, int fin, int fout) => new()
    {
        Batch = 1, M = n, N = fout, K = fin, ARow = fin, ACol = 1, BRow = 1, BCol = fin, Alpha = 1, HasBias = 1,
    };

    /// <summary>dW[o, i] += Σ_n dy[n, o]·x[n, i].</summary>
    public static GemmShape LinearGradWeight(int n, int fin, int fout) => new()
    {
        Batch = 1, M = fout, N = fin, K = n, ARow = 1, ACol = fout, BRow = fin, BCol = 1, Alpha = 1, Accumulate = 1,
    };

    /// <summary>dx[n, i] += Σ_o dy[n, o]·W[o, i].</summary>
    public static GemmShape LinearGradInput(int n, int fin, int fout) => new()
    {
        Batch = 1, M = n, N = fin, K = fout, ARow = fout, ACol = 1, BRow = fin, BCol = 1, Alpha = 1, Accumulate = 1,
    };

    /// <summary>
    /// Attention's products per (sample, head) b, with Q, K, V, Y [N, C, P] read per head as d×P matrices at b·d·P
    /// (C = heads·d) and the probabilities S [b, P, P] (row p: query pixel, column q: key pixel).
    /// </summary>
    public static AttentionShapes Attention(GraphValue y, int d)
    {
        int batch = y.N * (y.C / d), p = y.H * y.W, map = d * p, square = p * p;
        float scale = 1f / MathF.Sqrt(d);
        GemmShape Product(int m, int n, int k, int aRow, int aCol, int aBatch, int bRow, int bCol, int bBatch, float alpha, int accumulate) => new()
        {
            Batch = batch, M = m, N = n, K = k, ABatch = aBatch, ARow = aRow, ACol = aCol, BBatch = bBatch, BRow = bRow, BCol = bCol,
            Alpha = alpha, Accumulate = accumulate,
        };
        return new AttentionShapes(p, scale,
            // S[p, q] = scale·Σ_i Q[i, p]·K[i, q]
            Scores: Product(p, p, d, 1, p, map, p, 1, map, scale, 0),
            // Y[j, p] = Σ_q V[j, q]·S[p, q]
            Output: Product(d, p, p, p, 1, map, 1, p, square, 1, 0),
            // dV[j, q] += Σ_p dY[j, p]·S[p, q]
            GradV: Product(d, p, p, p, 1, map, p, 1, square, 1, 1),
            // dS[p, q] = Σ_j dY[j, p]·V[j, q]
            GradScores: Product(p, p, d, 1, p, map, p, 1, map, 1, 0),
            // dQ[i, p] += Σ_q K[i, q]·dZ[p, q]
            GradQ: Product(d, p, p, p, 1, map, 1, p, square, 1, 1),
            // dK[i, q] += Σ_p Q[i, p]·dZ[p, q]
            GradK: Product(d, p, p, p, 1, map, p, 1, square, 1, 1));
    }
}

/// <summary>The products of one attention op (<see cref="Shapes.Attention"/>), its pixel count P and score scale 1/√d.</summary>
internal sealed record AttentionShapes(int Pixels, float Scale, GemmShape Scores, GemmShape Output, GemmShape GradV, GemmShape GradScores, GemmShape GradQ, GemmShape GradK);
