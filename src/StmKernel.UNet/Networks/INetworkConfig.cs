using System.Text.Json.Nodes;
using StmKernel.UNet.Modules;

namespace StmKernel.UNet.Networks;

/// <summary>
/// The architecture of one network family, as the "architecture" section of a .stmw file (diffusers' config.json):
/// what every family-neutral part of the engine — weight files, the trainer, the samplers, the restorer — needs to
/// know about a network. Families register their parser with <see cref="NetworkFamilies"/> under <see cref="ClassName"/>.
/// </summary>
public interface INetworkConfig
{
    /// <summary>diffusers' <c>_class_name</c>: the registry key, e.g. "UNet2DModel".</summary>
    string ClassName { get; }

    /// <summary>Channels of the network input (sampled models: the sample plus the condition channels).</summary>
    int InChannels { get; }

    /// <summary>Channels of the network output.</summary>
    int OutChannels { get; }

    /// <summary>True when the network reads a timestep input; a network without one runs only in one pass (no sampler).</summary>
    bool TakesTimestep { get; }

    /// <summary>H and W of an input must be positive multiples of this.</summary>
    int SpatialMultiple { get; }

    /// <summary>The same architecture with other input and output channel counts (a trainer's objective fixes the input's).</summary>
    INetworkConfig WithChannels(int inChannels, int outChannels);

    /// <summary>Declares the module tree (parameters and forward) of this architecture.</summary>
    NetworkModule CreateTree();

    /// <summary>The config object, with "_class_name", that <see cref="NetworkFamilies.Parse"/> reads back to an equal config.</summary>
    JsonObject ToJson();

    /// <summary>One line for people: channels, widths and the options that matter.</summary>
    string Describe();
}
