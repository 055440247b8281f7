using System;
using LiveDiffusion.IO;
using LiveDiffusion.Models;
using LiveDiffusion.Schedulers;
using Xunit;

namespace LiveDiffusion.Tests.IO
{
    /// <summary>The one reader of JSON configurations: scheduler and UNet configs and model_index.json all read through it.</summary>
    public sealed class ConfigReaderTests
    {
        [Fact]
        public void PythonsTokensAndTrailingCommasAreReadAndAKeyGivenTwiceIsNot()
        {
            var read = ConfigReader.Parse("{\"a\": -Infinity, \"b\": NaN, \"c\": [1, 2,], // note\n}", "x.json");
            Assert.Equal(double.NegativeInfinity, read.Double("a", 0));
            Assert.Null(read.NullableDouble("b"));
            Assert.Equal(new[] { 1, 2 }, read.PositiveInts("c"));

            Assert.Contains("each key may appear once", Assert.Throws<ModelConfigException>(() => ConfigReader.ParseObject("{\"a\": 1, \"a\": 2}", "x.json")).Message);
            Assert.Contains("x.json must hold a JSON object", Assert.Throws<ModelConfigException>(() => ConfigReader.ParseObject("[1]", "x.json")).Message);
            Assert.Contains("x.json is not valid JSON", Assert.Throws<ModelConfigException>(() => ConfigReader.ParseObject("{", "x.json")).Message);
        }

        [Fact]
        public void AWrongValueNamesTheOriginTheKeyTheValueAndWhatIsAllowed()
        {
            var read = ConfigReader.Parse("{\"n\": \"two\", \"list\": [64, 0], \"s\": 3}", "my/config.json");
            Assert.Equal("my/config.json: key 'n' is \"two\", but it must be an integer. Fix the value of 'n' or remove the key to use the default.", Assert.Throws<ModelConfigException>(() => read.Int("n", 1)).Message);
            Assert.Contains("'list' is [64,0], but it must be an array of positive integers", Assert.Throws<ModelConfigException>(() => read.PositiveInts("list")).Message);
            Assert.Contains("must be a string", Assert.Throws<ModelConfigException>(() => read.String("s", "x")).Message);
            Assert.Equal("fallback", read.String("absent", "fallback"));
            Assert.Null(read.NullableInt("absent"));
        }

        [Fact]
        public void EachConfigurationKindFailsWithItsOwnExceptionThroughTheSameReader()
        {
            // Schedulers: a key given twice is reported now too (it was silently the last one).
            var scheduler = Assert.Throws<SchedulerConfigException>(() => SchedulerConfig.Parse("{\"_class_name\": \"DDIMScheduler\", \"num_train_timesteps\": 10, \"num_train_timesteps\": 20}", "s.json"));
            Assert.Contains("each key may appear once", scheduler.Message);
            var unet = Assert.Throws<ModelConfigException>(() => UNet2DConfig.Parse("{\"sample_size\": \"big\"}", "u.json"));
            Assert.StartsWith("u.json: key 'sample_size' is \"big\"", unet.Message);
        }
    }
}
