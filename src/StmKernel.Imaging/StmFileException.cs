namespace StmKernel.Imaging;

/// <summary>
/// The one exception every reader and writer in this library throws for a bad file: it names the
/// file, the field that is wrong and the expected and actual values. Derives from
/// <see cref="IOException"/> (InvalidDataException is sealed), so callers that report I/O problems
/// as user errors, like the command line, handle it without a stack trace.
/// </summary>
public sealed class StmFileException : IOException
{
    /// <summary>Creates the exception; the message is "FILE: FIELD: expected EXPECTED, found ACTUAL".</summary>
    public StmFileException(string file, string field, string expected, string actual, Exception? inner = null)
        : base($"{file}: {field}: expected {expected}, found {actual}", inner)
    {
        FilePath = file;
        Field = field;
        Expected = expected;
        Actual = actual;
    }

    /// <summary>The file (or stream name) that was being read or written.</summary>
    public string FilePath { get; }

    /// <summary>The header field, block or structure that is wrong.</summary>
    public string Field { get; }

    /// <summary>What a valid file has there.</summary>
    public string Expected { get; }

    /// <summary>What this file has there.</summary>
    public string Actual { get; }
}
