using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StmKernel.Cli;

/// <summary>
/// One deployable for every x64 CPU from NativeAOT, which fixes the SIMD width at compile time (docs/performance.md,
/// "NativeAOT"): `stmkernel` is the x86-64-v2 build and runs anywhere; `tools/publish-aot.sh` puts the x86-64-v3 and
/// x86-64-v4 builds beside it as `stmkernel-x86-64-v3` and `stmkernel-x86-64-v4`. At start the v2 binary reads the
/// CPU's flags from /proc/cpuinfo (the kernel lists only what it has enabled, so AVX-512 state the OS does not save is
/// absent) and replaces itself by execv with the highest sibling the CPU runs: same process, arguments, standard streams
/// and exit code. A binary alone, a CPU below v3, the JIT, or STMKERNEL_DISPATCH=off keep the current process.
/// </summary>
internal static partial class BaselineDispatch
{
    /// <summary>Set in the environment of a binary started by the dispatch (to its file name), so it never dispatches again.</summary>
    public const string DispatchedVariable = "STMKERNEL_DISPATCHED";

    /// <summary>"off" keeps the binary that was started (for A/B timing of the variants).</summary>
    public const string SwitchVariable = "STMKERNEL_DISPATCH";

    /// <summary>The x86-64 psABI levels by /proc/cpuinfo flag names (LZCNT is "abm").</summary>
    private static readonly string[][] LevelFlags =
    [
        [], [],
        ["cx16", "lahf_lm", "popcnt", "sse4_1", "sse4_2", "ssse3"],
        ["avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe", "xsave"],
        ["avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"],
    ];

    /// <summary>
    /// The x86-64 level (1–4) of a /proc/cpuinfo "flags" line: the highest level whose flags, and those of every level
    /// below it, are all present.
    /// </summary>
    public static int LevelOf(string flagsLine)
    {
        var flags = new HashSet<string>(flagsLine.Split([' ', '\t', ':'], StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);
        int level = 1;
        while (level + 1 < LevelFlags.Length && LevelFlags[level + 1].All(flags.Contains)) level++;
        return level;
    }

    /// <summary>
    /// The sibling to run: the highest level above <paramref name="ownLevel"/> and at most <paramref name="cpuLevel"/>
    /// whose file <paramref name="exists"/> beside <paramref name="self"/>, or null.
    /// </summary>
    public static string? Choose(string self, int ownLevel, int cpuLevel, Func<string, bool> exists)
    {
        string dir = Path.GetDirectoryName(self) ?? ".";
        string name = Path.GetFileName(self);
        int dash = name.IndexOf("-x86-64-v", StringComparison.Ordinal);
        if (dash >= 0) name = name[..dash]; // a sibling started by hand looks for its own siblings under the base name
        for (int level = Math.Min(cpuLevel, LevelFlags.Length - 1); level > ownLevel; level--)
        {
            string candidate = Path.Combine(dir, $"{name}-x86-64-v{level}");
            if (exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>
    /// The level this binary was compiled for. Under NativeAOT <c>IsHardwareAccelerated</c> is a constant of the baseline
    /// (docs/performance.md), so it reads the build, not the CPU.
    /// </summary>
    private static int OwnLevel => Vector512.IsHardwareAccelerated ? 4 : Vector256.IsHardwareAccelerated ? 3 : 2;

    /// <summary>
    /// What runs: "JIT", "AOT x86-64-vN" with the build's level (and the binary's file name when the dispatch started it),
    /// or "AOT arm64" and the like on other architectures.
    /// </summary>
    public static string Describe => RuntimeFeature.IsDynamicCodeSupported ? "JIT"
        : RuntimeInformation.ProcessArchitecture != Architecture.X64 ? $"AOT {RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant()}"
        : $"AOT x86-64-v{OwnLevel}" + (Environment.GetEnvironmentVariable(DispatchedVariable) is { } name ? $" (dispatched to {name})" : "");

    /// <summary>Replaces this process by a faster sibling where one applies; returns only when none does (or execv failed, which it reports).</summary>
    public static void Run(string[] args)
    {
        if (RuntimeFeature.IsDynamicCodeSupported) return; // the JIT already follows the CPU
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64) return;
        if (Environment.GetEnvironmentVariable(DispatchedVariable) is not null) return;
        if (string.Equals(Environment.GetEnvironmentVariable(SwitchVariable), "off", StringComparison.OrdinalIgnoreCase)) return;
        string? self = Environment.ProcessPath;
        string? flags = CpuFlags();
        if (self is null || flags is null) return;
        string? sibling = Choose(self, OwnLevel, LevelOf(flags), File.Exists);
        if (sibling is null) return;
        int errno = Exec(sibling, args);
        Console.Error.WriteLine($"stmkernel: could not start {sibling} (errno {errno}); running the x86-64-v{OwnLevel} build");
    }

    private static string? CpuFlags()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
                if (line.StartsWith("flags", StringComparison.Ordinal)) return line;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return null;
    }

    // execve(path, [path, args..., NULL], [environment..., STMKERNEL_DISPATCHED=name, NULL]): on success it does not
    // return. The environment is passed explicitly: .NET on Unix keeps its own copy, so SetEnvironmentVariable would not
    // reach the new image.
    private static unsafe int Exec(string path, string[] args)
    {
        var environment = Environment.GetEnvironmentVariables();
        var argv = new IntPtr[args.Length + 2];
        var envp = new IntPtr[environment.Count + 2];
        try
        {
            argv[0] = Marshal.StringToCoTaskMemUTF8(path);
            for (int i = 0; i < args.Length; i++) argv[i + 1] = Marshal.StringToCoTaskMemUTF8(args[i]);
            int n = 0;
            foreach (System.Collections.DictionaryEntry e in environment)
                envp[n++] = Marshal.StringToCoTaskMemUTF8($"{e.Key}={e.Value}");
            envp[n] = Marshal.StringToCoTaskMemUTF8($"{DispatchedVariable}={Path.GetFileName(path)}");
            Console.Out.Flush();
            Console.Error.Flush();
            fixed (IntPtr* a = argv, v = envp) execve((byte*)argv[0], (byte**)a, (byte**)v);
            return Marshal.GetLastPInvokeError();
        }
        finally
        {
            foreach (var s in argv) Marshal.FreeCoTaskMem(s);
            foreach (var s in envp) Marshal.FreeCoTaskMem(s);
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial int execve(byte* path, byte** argv, byte** envp);
}
