using System.IO;
using LiveDiffusion.Models;
using LiveDiffusion.Torch.Models;

namespace LiveDiffusion.Editor.Evaluation
{
    /// <summary>Finds the folder holding TAESD's pretrained weights for evaluation.</summary>
    public static class TaesdLocator
    {
        /// <summary>The environment variable naming the shared data folder (whose <c>taesd/</c> subfolder is used).</summary>
        public const string SharedDataVariable = SharedDataLocator.Variable;

        /// <summary>
        /// The folder with <c>taesd_encoder.safetensors</c>: <paramref name="explicitFolder"/> when given (it must hold the
        /// file); else <c>$LIVEDIFFUSION_SHARED_DATA/taesd</c>; else the first <c>shared/data/taesd</c> found walking up
        /// from <paramref name="currentDirectory"/> (so <c>../shared/data/taesd</c> beside a checkout is found).
        /// </summary>
        /// <exception cref="ModelConfigException">Nothing was found; the message says where it looked and to pass --taesd.</exception>
        public static string Find(string? explicitFolder, string currentDirectory, string? sharedDataVariable)
        {
            if (!string.IsNullOrEmpty(explicitFolder))
            {
                string folder = Path.GetFullPath(explicitFolder, currentDirectory);
                if (!File.Exists(Path.Combine(folder, TaesdEncoder.WeightsFileName)))
                {
                    throw new ModelConfigException($"--taesd {folder}: {TaesdEncoder.WeightsFileName} is not there. Pass the folder that holds TAESD's pretrained {TaesdEncoder.WeightsFileName} (MIT; e.g. shared/data/taesd).");
                }

                return folder;
            }

            string? found = SharedDataLocator.Find("taesd", currentDirectory, sharedDataVariable, f => File.Exists(Path.Combine(f, TaesdEncoder.WeightsFileName)));
            if (found != null)
            {
                return found;
            }

            throw new ModelConfigException(
                $"TAESD weights not found: no {TaesdEncoder.WeightsFileName} in ${SharedDataVariable}/taesd"
                + (string.IsNullOrEmpty(sharedDataVariable) ? " (not set)" : $" ({sharedDataVariable})")
                + $" or in a shared/data/taesd folder above {Path.GetFullPath(currentDirectory)}. Pass --taesd <folder containing {TaesdEncoder.WeightsFileName}>.");
        }
    }
}
