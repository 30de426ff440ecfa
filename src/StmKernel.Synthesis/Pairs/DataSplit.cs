namespace StmKernel.Synthesis.Pairs;

/// <summary>Which disjoint set of source images a pair is drawn from.</summary>
public enum DataSplit
{
    /// <summary>Training images.</summary>
    Train,

    /// <summary>Validation images.</summary>
    Validation,

    /// <summary>Test images (fixed test sets).</summary>
    Test,
}
