namespace StmKernel.UNet.Weights;

/// <summary>Shape checks shared by the readers.</summary>
internal static class WeightShapes
{
    /// <summary>
    /// The element count of a stored shape, refusing negative dimensions and counts a float[] cannot
    /// hold, before anything is allocated.
    /// </summary>
    public static long CheckedCount(IReadOnlyList<int> shape, string file, string key)
    {
        long n = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw new InvalidDataException($"{file}: tensor \"{key}\" has a negative dimension in shape {ParameterSpec.FormatShape(shape)}");
            n *= d;
            if (n > Array.MaxLength)
                throw new InvalidDataException($"{file}: tensor \"{key}\" has an absurd shape {ParameterSpec.FormatShape(shape)} (more than {Array.MaxLength} elements)");
        }
        return n;
    }
}
