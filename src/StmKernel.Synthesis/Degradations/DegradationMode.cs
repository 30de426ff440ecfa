namespace StmKernel.Synthesis.Degradations;

/// <summary>The paper's test-set kinds: every degradation, one type only, or low resolution only.</summary>
public enum DegradationMode
{
    /// <summary>The full §II A pipeline with the paper's probabilities (restoration sets).</summary>
    All,

    /// <summary>Multi-tip artefacts only, always applied.</summary>
    MultiTip,

    /// <summary>Scan-line misalignment only, always applied.</summary>
    Misalign,

    /// <summary>Tip change only, always applied.</summary>
    TipChange,

    /// <summary>Blunt tip only, always applied.</summary>
    Blunt,

    /// <summary>Scan-line noise only, always applied.</summary>
    Lines,

    /// <summary>Every 2nd scan line kept, no other degradation (the SR baseline set).</summary>
    Sr2,

    /// <summary>Every 4th scan line kept, no other degradation.</summary>
    Sr4,

    /// <summary>The full pipeline with every 2nd scan line kept: what SR ×2 models train on (the paper's SR test set, Table VI).</summary>
    Sr2All,

    /// <summary>The full pipeline with every 4th scan line kept (Table VI's ×4 column).</summary>
    Sr4All,

    /// <summary>No degradation at all: the condition is the clean crop. Checks that a model leaves a
    /// good image alone instead of inventing structure (the model card's "clean input" bar).</summary>
    Clean,
}

/// <summary>Command-line names of <see cref="DegradationMode"/>.</summary>
public static class DegradationModeNames
{
    /// <summary>all, multitip, misalign, tipchange, blunt, lines, sr2, sr4, sr2-all, sr4-all, clean.</summary>
    public static string Name(DegradationMode mode) => mode switch
    {
        DegradationMode.Sr2All => "sr2-all",
        DegradationMode.Sr4All => "sr4-all",
        _ => mode.ToString().ToLowerInvariant(),
    };

    /// <summary>Parses a name (case-insensitive); false when unknown.</summary>
    public static bool TryParse(string name, out DegradationMode mode)
    {
        foreach (var m in Enum.GetValues<DegradationMode>())
        {
            if (string.Equals(Name(m), name, StringComparison.OrdinalIgnoreCase)) { mode = m; return true; }
        }
        mode = default;
        return false;
    }
}
