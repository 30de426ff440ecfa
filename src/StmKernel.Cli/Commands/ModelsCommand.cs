using System.CommandLine;
using StmKernel.Sampling;

namespace StmKernel.Cli.Commands;

/// <summary>`stmkernel models`: the models installed in the weights folders, with task, sampler and size.</summary>
public sealed class ModelsCommand : CliCommand
{
    public ModelsCommand() : base("models", "list the models in the weights folders (task, sampler, parameters)")
    {
    }

    public override string Details => $"""
        Lists every .stmw file in the weights folders, searched in this order: ${ModelLocator.EnvironmentVariable}, weights/
        beside the executable, weights/ at the repository root. `--model NAME` picks one by file name.
        """;

    protected override int Run(ParseResult parse)
    {
        var folders = ModelLocator.Folders();
        Console.Out.WriteLine("weights folders: " + string.Join(", ", folders.Select(f => Directory.Exists(f) ? f : f + " (absent)")));
        var files = ModelLocator.ShippedModels();
        if (files.Count == 0)
        {
            Console.Out.WriteLine("no models installed: no trained model ships yet. Restore with --model FILE " +
                                  "(README, \"Restoring a real file\", shows how to make a model file).");
            return 0;
        }
        int bad = 0;
        foreach (var file in files)
        {
            try
            {
                Console.Out.WriteLine(RestorationModel.Load(file).Describe());
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                bad++;
                Console.Out.WriteLine($"{Path.GetFileNameWithoutExtension(file)}: unusable: {e.Message}");
            }
        }
        return bad > 0 ? 1 : 0;
    }
}
