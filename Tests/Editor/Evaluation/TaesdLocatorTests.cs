using System.IO;
using LiveDiffusion.Editor.Evaluation;
using LiveDiffusion.Models;
using LiveDiffusion.Torch.Models;
using Xunit;

namespace LiveDiffusion.Editor.Tests.Evaluation
{
    public sealed class TaesdLocatorTests
    {
        [Fact]
        public void FindsTheFolderByArgumentVariableOrWalkingUp()
        {
            string root = Directory.CreateTempSubdirectory("taesd-locator-").FullName;
            try
            {
                // root/shared/data/taesd/taesd_encoder.safetensors and a checkout beside it: root/checkout/sub.
                string taesd = Path.Combine(root, "shared", "data", "taesd");
                Directory.CreateDirectory(taesd);
                File.WriteAllText(Path.Combine(taesd, TaesdEncoder.WeightsFileName), "placeholder");
                string nested = Path.Combine(root, "checkout", "sub");
                Directory.CreateDirectory(nested);
                string elsewhere = Path.Combine(root, "elsewhere");
                Directory.CreateDirectory(elsewhere);

                Assert.Equal(taesd, TaesdLocator.Find(null, nested, null));
                Assert.Equal(taesd, TaesdLocator.Find(taesd, elsewhere, null));
                Assert.Equal(taesd, TaesdLocator.Find(null, Path.GetTempPath(), Path.Combine(root, "shared", "data")));

                // An explicit folder without the file is an error even when the search would succeed.
                ModelConfigException wrong = Assert.Throws<ModelConfigException>(() => TaesdLocator.Find(elsewhere, nested, null));
                Assert.Contains(elsewhere, wrong.Message);
                Assert.Contains(TaesdEncoder.WeightsFileName, wrong.Message);

                // Nothing anywhere above (the temp root has no shared/data/taesd): the message says to pass --taesd.
                File.Delete(Path.Combine(taesd, TaesdEncoder.WeightsFileName));
                ModelConfigException missing = Assert.Throws<ModelConfigException>(() => TaesdLocator.Find(null, nested, Path.Combine(root, "nope")));
                Assert.Contains("--taesd", missing.Message);
                Assert.Contains(nested, missing.Message);
            }
            finally
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }
}
