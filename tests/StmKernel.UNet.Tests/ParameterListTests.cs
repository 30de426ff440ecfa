using StmKernel.UNet;

namespace StmKernel.UNet.Tests;

public class ParameterListTests
{
    // Expected counts are diffusers' NetworkModel(...).num_parameters() for these configs
    // (recorded in shared/notes/model.md), independent of our code.
    [Fact]
    public void SmallPresetHasDiffusersParameterCount() =>
        Assert.Equal(3_541_857, ParameterList.CountParameters(UNetConfig.Small));

    [Fact]
    public void SmallWithAttentionHasDiffusersParameterCount() =>
        Assert.Equal(3_608_161, ParameterList.CountParameters(UNetConfig.Small with { AddAttention = true }));

    [Fact]
    public void LargePresetHasDiffusersParameterCount() =>
        Assert.Equal(14_404_801, ParameterList.CountParameters(UNetConfig.Large));

    [Fact]
    public void KeysAreUniqueAndFollowDiffusersNames()
    {
        var keys = ParameterList.For(UNetConfig.Large).Select(p => p.Key).ToList();
        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.Contains("down_blocks.1.resnets.0.conv_shortcut.weight", keys);
        Assert.Contains("mid_block.attentions.0.to_out.0.bias", keys);
        Assert.Contains("up_blocks.0.upsamplers.0.conv.weight", keys);
        Assert.DoesNotContain("up_blocks.2.upsamplers.0.conv.weight", keys);
        Assert.DoesNotContain("down_blocks.2.downsamplers.0.conv.weight", keys);
    }
}
