using StmKernel.UNet;
using StmKernel.UNet.Weights;

namespace StmKernel.Sampling.Tests;

/// <summary>Tiny random U-Nets (channels [8, 16], one layer per block) as restoration models.</summary>
internal static class TinyModels
{
    public static UNetConfig Config(int inChannels) => new()
    {
        InChannels = inChannels, BlockOutChannels = [8, 16], LayersPerBlock = 1, NormNumGroups = 4, AddAttention = false,
    };

    public static WeightSet Weights(UNetConfig config, SamplerSettings? sampler, int seed = 3)
    {
        var values = RandomParameters.For(config, seed);
        var tensors = ParameterList.For(config).ToDictionary(s => s.Key, s => new WeightTensor(s.Shape, values[s.Key]));
        return new WeightSet(config, tensors, new ModelMetadata { Task = "restore", Sampler = sampler });
    }

    /// <summary>A restore model with <paramref name="sampler"/> (null: one-pass, taking the condition alone).</summary>
    public static RestorationModel Model(SamplerSettings? sampler, string name = "tiny") =>
        RestorationModel.FromWeights(Weights(Config(sampler is null ? 1 : 2), sampler), name);
}
