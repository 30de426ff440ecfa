namespace StmKernel.Cli.Tests;

/// <summary>
/// The AOT folder's dispatch (BaselineDispatch): the x86-64 level read from real /proc/cpuinfo flag lines, and the
/// sibling chosen for a level. The execve itself runs in .ci/run's NativeAOT smoke test (bench names the build).
/// </summary>
public class BaselineDispatchTests
{
    // This project's AMD EPYC VM (2026-12-03): AVX2 + FMA, no AVX-512.
    private const string Epyc = "flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ht " +
        "syscall nx mmxext fxsr_opt pdpe1gb rdtscp lm constant_tsc rep_good nopl xtopology nonstop_tsc cpuid extd_apicid pni pclmulqdq " +
        "ssse3 fma cx16 pcid sse4_1 sse4_2 x2apic movbe popcnt aes xsave avx f16c rdrand hypervisor lahf_lm cmp_legacy abm sse4a " +
        "misalignsse 3dnowprefetch bmi1 avx2 smep bmi2 erms invpcid rdseed adx smap clflushopt clwb sha_ni xsaveopt xsavec";

    // An Intel Xeon (Skylake-SP): AVX-512 F/CD/BW/DQ/VL.
    private const string Skylake = "flags : fpu sse sse2 ssse3 fma cx16 sse4_1 sse4_2 movbe popcnt xsave avx f16c lahf_lm abm bmi1 avx2 bmi2 " +
        "avx512f avx512dq avx512cd avx512bw avx512vl";

    // Sandy Bridge: AVX but no AVX2, FMA, BMI, MOVBE.
    private const string SandyBridge = "flags : fpu sse sse2 ssse3 cx16 sse4_1 sse4_2 popcnt xsave avx lahf_lm";

    // Core 2 (Merom): SSSE3, no SSE4.
    private const string Core2 = "flags : fpu sse sse2 ssse3 cx16 lahf_lm";

    [Theory]
    [InlineData(Epyc, 3)]
    [InlineData(Skylake, 4)]
    [InlineData(SandyBridge, 2)]
    [InlineData(Core2, 1)]
    [InlineData("flags : avx512f avx512bw avx512cd avx512dq avx512vl", 1)] // a level counts only with every level below it
    public void TheLevelIsTheHighestWhoseFlagsAreAllPresent(string flags, int level) =>
        Assert.Equal(level, BaselineDispatch.LevelOf(flags));

    [Fact]
    public void OneMissingFlagDropsALevel()
    {
        Assert.Equal(2, BaselineDispatch.LevelOf(Epyc.Replace(" movbe", "")));
        Assert.Equal(3, BaselineDispatch.LevelOf(Skylake.Replace(" avx512vl", "")));
        Assert.Equal(3, BaselineDispatch.LevelOf(Skylake.Replace("avx512f ", "avx512fx "))); // names match whole words only
    }

    [Fact]
    public void TheHighestSiblingTheCpuRunsIsChosen()
    {
        string self = Path.Combine("opt", "stm", "stmkernel");
        string v3 = Path.Combine("opt", "stm", "stmkernel-x86-64-v3"), v4 = Path.Combine("opt", "stm", "stmkernel-x86-64-v4");
        var both = new HashSet<string> { v3, v4 };
        Assert.Equal(v4, BaselineDispatch.Choose(self, 2, 4, both.Contains));
        Assert.Equal(v3, BaselineDispatch.Choose(self, 2, 3, both.Contains));
        Assert.Null(BaselineDispatch.Choose(self, 2, 2, both.Contains));              // an SSE4.2-only CPU keeps v2
        Assert.Equal(v3, BaselineDispatch.Choose(self, 2, 4, new HashSet<string> { v3 }.Contains)); // v4 not copied
        Assert.Null(BaselineDispatch.Choose(self, 2, 4, _ => false));                 // the binary alone
        Assert.Equal(v4, BaselineDispatch.Choose(v3, 3, 4, both.Contains));           // v3 started by hand on AVX-512
        Assert.Null(BaselineDispatch.Choose(v4, 4, 4, both.Contains));                // never sideways or down
    }
}
