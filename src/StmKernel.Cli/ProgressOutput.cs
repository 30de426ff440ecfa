namespace StmKernel.Cli;

/// <summary>
/// Where a <see cref="ProgressBar"/> draws: the writer, whether it is an interactive terminal
/// (carriage-return frames) or a log (plain lines), and the terminal's current width in columns.
/// </summary>
/// <param name="Writer">The text writer frames or lines go to.</param>
/// <param name="IsTerminal">True for a terminal that honours '\r'; false for a file, pipe or CI log.</param>
/// <param name="Width">Columns, read at every frame so a resized window is followed.</param>
public sealed record ProgressOutput(TextWriter Writer, bool IsTerminal, Func<int> Width)
{
    /// <summary>Width assumed when the terminal will not say (no console, or a zero width under some CI shells).</summary>
    public const int FallbackWidth = 80;

    /// <summary>
    /// Standard error, so that standard output stays parseable; read when a bar is made, so a writer
    /// installed with <see cref="Console.SetError"/> (tests, hosts) is the one used.
    /// </summary>
    public static ProgressOutput StandardError => new(Console.Error, !Console.IsErrorRedirected, TerminalWidth);

    // WindowWidth throws without a console (IOException) and on some platforms (PlatformNotSupportedException),
    // and can report 0 for a pseudo-terminal that never set its size.
    private static int TerminalWidth()
    {
        try
        {
            int w = Console.WindowWidth;
            return w > 0 ? w : FallbackWidth;
        }
        catch (Exception e) when (e is IOException or PlatformNotSupportedException or InvalidOperationException)
        {
            return FallbackWidth;
        }
    }
}
