namespace StmKernel.UNet.Modules;

/// <summary>
/// A node of a model's module tree, as diffusers' <c>nn.Module</c> or stable-diffusion.cpp's <c>GGMLBlock</c>: named
/// children and named parameters, declared once in the constructor. Checkpoint keys fall out of the tree
/// (<c>down_blocks.1.resnets.0.conv1.weight</c> is the parameter "weight" of child "conv1" of …), and each module
/// writes its forward once against a <see cref="Tensors.Graph.GraphBuilder"/>, naming its ops by <see cref="Key"/>.
/// </summary>
public abstract class Module
{
    private readonly List<(string Name, Module Child)> _children = [];
    private readonly List<(string Name, int[] Shape)> _parameters = [];
    private Module? _parent;
    private string _name = "";

    /// <summary>The dotted path from the root ("" for the root itself), e.g. <c>mid_block.resnets.0</c>.</summary>
    public string Key => _parent is null || _parent.Key.Length == 0 ? _name : _parent.Key + "." + _name;

    /// <summary>Every parameter of this module and its children, in declaration order (diffusers' state_dict order).</summary>
    public IEnumerable<ParameterSpec> ParameterSpecs()
    {
        foreach (var (name, shape) in _parameters) yield return new ParameterSpec(Child(name), shape);
        foreach (var (_, child) in _children)
            foreach (var spec in child.ParameterSpecs()) yield return spec;
    }

    /// <summary>Attaches <paramref name="child"/> under <paramref name="name"/> (may contain dots: "resnets.0").</summary>
    protected T Add<T>(string name, T child) where T : Module
    {
        if (child._parent is not null) throw new InvalidOperationException($"{child.Key} already has a parent");
        child._parent = this;
        child._name = name;
        _children.Add((name, child));
        return child;
    }

    /// <summary>Declares a parameter of this module.</summary>
    protected void Parameter(string name, params int[] shape) => _parameters.Add((name, shape));

    /// <summary>The key of a name under this module (an op or a parameter).</summary>
    protected string Child(string name) => Key.Length == 0 ? name : Key + "." + name;
}
