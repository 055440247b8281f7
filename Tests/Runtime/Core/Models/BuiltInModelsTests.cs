using System.IO;
using LiveDiffusion.Models;
using Xunit;

namespace LiveDiffusion.Tests.Models
{
    /// <summary>A host that knows where the package is finds the built-in model there, and nowhere else.</summary>
    public sealed class BuiltInModelsTests
    {
        [Fact]
        public void APackageRootGivenByTheHostLeadsToItsBuiltInModelWithItsOnnxFiles()
        {
            string folder = BuiltInModels.InPackage(SharedData.RepositoryRoot);

            Assert.Equal(Path.Combine(SharedData.RepositoryRoot, "Runtime", "BuiltIn", BuiltInModels.DungeonTextures), folder);
            ModelFolder model = ModelFolder.Open(folder);
            Assert.True(File.Exists(model.OnnxPath), model.OnnxPath);
            Assert.True(File.Exists(model.GuideOnnxPath), model.GuideOnnxPath);
        }

        [Fact]
        public void AWrongPackageRootIsNamedWithTheFix()
        {
            string wrong = Path.Combine(SharedData.RepositoryRoot, "Tests");
            var error = Assert.Throws<DirectoryNotFoundException>(() => BuiltInModels.InPackage(wrong));
            Assert.Contains(Path.Combine(wrong, "Runtime", "BuiltIn", "dungeon-textures"), error.Message);
            Assert.Contains("is not the LiveDiffusion package's root folder", error.Message);
        }
    }
}
