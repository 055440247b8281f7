using System.Collections.Generic;
using System.Linq;
using LiveDiffusion.Editor.Training;

namespace LiveDiffusion.Editor.Panel
{
    /// <summary>
    /// The "set up a run" form as the page posts it (JSON, camelCase): the run's name, dataset and resume point, and the
    /// <see cref="TrainingRecipe"/> (its defaults fill missing fields, and the page shows them). <see cref="Validate"/>
    /// checks every field and names each one that is wrong, with the fix.
    /// </summary>
    public sealed class RunRequest : TrainingRecipe
    {
        /// <summary>Run name: the run's folder under the runs folder.</summary>
        public string? Name { get; init; }

        /// <summary>Dataset folder, inside the panel's data root.</summary>
        public string? Dataset { get; init; }

        /// <summary>Empty: a new run; "latest": the run's newest checkpoint; or a checkpoint file name of the run.</summary>
        public string? Resume { get; init; }

        /// <summary>The run's name and dataset, then the recipe's fields: everything that is wrong.</summary>
        public override IReadOnlyList<FieldError> Check()
        {
            var errors = new List<FieldError>();
            if (string.IsNullOrWhiteSpace(Name))
            {
                errors.Add(new FieldError("name", "Give the run a name (letters, digits, '.', '_', '-'); it becomes its folder."));
            }

            if (string.IsNullOrWhiteSpace(Dataset))
            {
                errors.Add(new FieldError("dataset", "Choose the dataset folder (a folder of images inside the data root)."));
            }

            return errors.Concat(base.Check()).ToList();
        }

        /// <summary>Checks every field; throws <see cref="PanelRequestException"/> listing all that are wrong.</summary>
        public void Validate()
        {
            IReadOnlyList<FieldError> errors = Check();
            if (errors.Count > 0)
            {
                throw new PanelRequestException(errors);
            }
        }

        /// <summary>The trainer's options for this run (a log line every step, for the panel's chart).</summary>
        public TrainingOptions ToTrainingOptions(int threads) => ToTrainingOptions(threads, logEvery: 1);
    }
}
