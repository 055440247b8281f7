using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using LiveDiffusion.Text;
using Xunit;

namespace LiveDiffusion.Tests.Text
{
    public sealed class ClipTokenizerTests
    {
        private static readonly Lazy<ClipTokenizer> Shared = new Lazy<ClipTokenizer>(() => ClipTokenizer.Load(SharedData.PathOf("clip")));

        [Fact]
        public void AVocabularyThatIsNotTokenToIntegerIsRefusedNamingTheFile()
        {
            string folder = Path.Combine(Path.GetTempPath(), "ld-vocab-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            try
            {
                File.WriteAllText(Path.Combine(folder, "merges.txt"), "#version: 0.2\na b\n");
                string vocab = Path.Combine(folder, "vocab.json");
                foreach ((string json, string says) in new[] { ("{\"a</w>\": \"one\"}", "ids are integers"), ("[1, 2]", "is not a JSON object"), ("{", "is not valid JSON") })
                {
                    File.WriteAllText(vocab, json);
                    var error = Assert.Throws<InvalidDataException>(() => ClipTokenizer.Load(folder));
                    Assert.Contains(vocab, error.Message);
                    Assert.Contains(says, error.Message);
                }

                File.WriteAllText(vocab, "{\"a</w>\": 0, \"b</w>\": 1, \"ab</w>\": 2, \"<|startoftext|>\": 3, \"<|endoftext|>\": 4}");
                Assert.Equal(4, ClipTokenizer.Load(folder).EndTokenId);
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        [SharedDataFact]
        public void ReproducesEveryExampleOfTheSharedFile()
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(SharedData.PathOf("clip", "tokenizer-examples.json")));
            int checkedCases = 0;
            foreach (JsonElement example in doc.RootElement.GetProperty("cases").EnumerateArray())
            {
                string text = example.GetProperty("text").GetString()!;
                int[] expected = example.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
                Assert.True(expected.SequenceEqual(Shared.Value.Encode(text)), $"'{text}': expected [{string.Join(", ", expected)}], got [{string.Join(", ", Shared.Value.Encode(text))}]");
                checkedCases++;
            }

            Assert.True(checkedCases >= 7);
        }

        [SharedDataFact]
        public void ModelInputHasStartEndAndPadding()
        {
            ClipTokenizer tokenizer = Shared.Value;
            Assert.Equal(49406, tokenizer.StartTokenId);
            Assert.Equal(49407, tokenizer.EndTokenId);
            Assert.Equal(49408, tokenizer.VocabularySize);

            TokenizedPrompt empty = tokenizer.EncodeForModel("");
            Assert.Equal(77, empty.Ids.Length);
            Assert.Equal(new[] { 49406 }.Concat(Enumerable.Repeat(49407, 76)), empty.Ids);
            Assert.Equal(2, empty.Used);

            TokenizedPrompt cat = tokenizer.EncodeForModel("a   CAT &amp; dog");
            Assert.Equal(new[] { 49406, 320, 2368, 261, 1929, 49407, 49407 }, cat.Ids.Take(7));
            Assert.Equal("a cat & dog", tokenizer.Decode(cat.Ids));
            Assert.Equal(string.Empty, cat.Truncated);
        }

        [SharedDataFact]
        public void LongPromptsAreCutAndTheCutTextIsReported()
        {
            string prompt = string.Join(" ", Enumerable.Range(0, 100).Select(i => i % 2 == 0 ? "stone" : "wall"));
            TokenizedPrompt result = Shared.Value.EncodeForModel(prompt);
            Assert.Equal(77, result.Used);
            Assert.Equal(49407, result.Ids[76]);
            Assert.Equal(75, result.Pieces.Count);
            Assert.Equal(string.Join(" ", Enumerable.Range(75, 25).Select(i => i % 2 == 0 ? "stone" : "wall")), result.Truncated);
        }

        [SharedDataFact]
        public void PadTokenComesFromTheTokenizerConfig()
        {
            string folder = Path.Combine(Path.GetTempPath(), "ld-tok-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            try
            {
                File.Copy(SharedData.PathOf("clip", "vocab.json"), Path.Combine(folder, "vocab.json"));
                File.Copy(SharedData.PathOf("clip", "merges.txt"), Path.Combine(folder, "merges.txt"));
                File.Copy(SharedData.PathOf("sd-onnx-configs", "sd15-txt2img-diffusers-0.24", "tokenizer", "special_tokens_map.json"), Path.Combine(folder, "special_tokens_map.json"));
                Assert.Equal(49407, ClipTokenizer.Load(folder).PadTokenId);

                // An OpenCLIP-style (SD 2.x) config pads with "!" (id 0).
                File.WriteAllText(Path.Combine(folder, "special_tokens_map.json"), "{\"pad_token\": \"!\"}");
                ClipTokenizer openClip = ClipTokenizer.Load(folder);
                Assert.Equal(0, openClip.PadTokenId);
                Assert.Equal(0, openClip.EncodeForModel("a cat").Ids[10]);

                File.Delete(Path.Combine(folder, "merges.txt"));
                var error = Assert.Throws<FileNotFoundException>(() => ClipTokenizer.Load(folder));
                Assert.Contains("merges.txt", error.Message);
            }
            finally
            {
                Directory.Delete(folder, true);
            }
        }
    }
}
