using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using StmKernel.Gpu.Kernels;

namespace StmKernel.Gpu.Tests;

/// <summary>
/// Every kernel compiles to PTX for the data-centre GPUs (sm_80: A100, sm_90: H100/H200) without a GPU: a CUDA
/// backend of ILGPU built on a capability context emits the code a CUDA accelerator would load.
/// </summary>
public class PtxCompileTests
{
    /// <summary>
    /// The kernels: the public static void methods of StmKernel.Gpu.Kernels' classes (helpers return values).
    /// Implicitly grouped kernels take an Index1D first; the others are explicitly grouped.
    /// </summary>
    public static TheoryData<string, string> Kernels()
    {
        var data = new TheoryData<string, string>();
        foreach (var method in KernelMethods())
            foreach (var arch in new[] { "sm_80", "sm_90" }) data.Add(arch, $"{method.DeclaringType!.Name}.{method.Name}");
        return data;
    }

    [Fact]
    public void FindsEveryKernel()
    {
        // The launcher class loads each kernel exactly once: as many kernels as loads.
        string source = File.ReadAllText(Path.Combine(RepoPaths.Root, "src", "StmKernel.Gpu", "GpuKernels.cs"));
        int loads = source.Split("a.Load").Length - 1;
        Assert.Equal(loads, KernelMethods().Count());
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void CompilesToPtx(string arch, string kernel)
    {
        var architecture = arch == "sm_80" ? CudaArchitecture.SM_80 : CudaArchitecture.SM_90;
        var method = KernelMethods().Single(m => $"{m.DeclaringType!.Name}.{m.Name}" == kernel);
        using var context = Context.Create(b => b.Cuda().EnableAlgorithms());
        using var backend = new PTXBackend(context, new CudaCapabilityContext(architecture), architecture, CudaInstructionSet.ISA_80, nvvmAPI: null);
        var entry = method.GetParameters()[0].ParameterType == typeof(Index1D)
            ? EntryPointDescription.FromImplicitlyGroupedKernel(method)
            : EntryPointDescription.FromExplicitlyGroupedKernel(method);
        var compiled = (PTXCompiledKernel)backend.Compile(entry, new KernelSpecialization());
        // ILGPU 1.5.3 writes ".target sm_80" for the sm_90 backend too (it caps the PTX target; the driver compiles
        // sm_80 PTX for any newer GPU), so the check is a target between sm_80 and the one asked for.
        var target = Regex.Match(compiled.PTXAssembly, @"^\.target sm_(\d+)", RegexOptions.Multiline);
        Assert.True(target.Success, $"{kernel}: no .target in the PTX");
        int sm = int.Parse(target.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(sm, 80, architecture.Major * 10 + architecture.Minor);
        Assert.Contains(".entry", compiled.PTXAssembly);
    }

    private static IEnumerable<MethodInfo> KernelMethods() =>
        typeof(GemmShape).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(GemmShape).Namespace && t.IsClass)
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static))
            .Where(m => m.ReturnType == typeof(void))
            .OrderBy(m => m.DeclaringType!.Name + "." + m.Name, StringComparer.Ordinal);
}
