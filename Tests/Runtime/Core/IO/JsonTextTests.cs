using System;
using System.IO;
using System.Linq;
using System.Text.Encodings.Web;
using System.Text.Json;
using LiveDiffusion.IO.Json;
using Xunit;
using Stj = System.Text.Json.Nodes;

namespace LiveDiffusion.Tests.IO
{
    /// <summary>
    /// The runtime's own JSON reader and writer, checked against System.Text.Json (the reference here) on every real
    /// configuration file in the shared data, and on the malformed and hostile inputs a downloaded file may hold.
    /// </summary>
    public sealed class JsonTextTests
    {
        private static readonly JsonSerializerOptions Indented = new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

        [SharedDataFact]
        public void EveryRealConfigurationFileReadsAndWritesBackExactlyAsSystemTextJsonDoes()
        {
            string root = SharedData.PathOf();
            string[] files = Directory.GetFiles(root, "*.json", SearchOption.AllDirectories).Where(f => new FileInfo(f).Length < 4_000_000).ToArray();
            Assert.True(files.Length >= 40, $"only {files.Length} JSON files under {root}");
            int compared = 0;
            foreach (string file in files)
            {
                string text = File.ReadAllText(file);
                Stj.JsonNode? reference;
                try
                {
                    reference = Stj.JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
                }
                catch (JsonException)
                {
                    continue; // Python's bare Infinity/NaN: covered below
                }

                JsonNode? ours = JsonText.Parse(text);
                string expected = reference == null ? "null" : reference.ToJsonString(Indented).Replace(Environment.NewLine, "\n");
                Assert.True(expected == (ours?.ToJsonString(indented: true) ?? "null"), file);
                Assert.Equal(reference?.ToJsonString(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) ?? "null", ours?.ToJsonString() ?? "null");
                compared++;
            }

            Assert.True(compared >= 40, $"compared {compared} files");
        }

        [Fact]
        public void PythonsTokensCommentsTrailingCommasEscapesAndAByteOrderMarkAreRead()
        {
            var obj = (JsonObject)JsonText.Parse("\uFEFF{ /* c */ \"a\": -Infinity, \"b\": NaN, \"c\": [1.50, 2e-3,], // x\n \"d\": \"\\u00e9\\ud83d\\ude00\\n\\\"\", \"e\": Infinity, \"f\": true, \"g\": null, }")!;
            Assert.Equal(double.NegativeInfinity, (double)obj["a"]);
            Assert.True(obj.ContainsKey("b"));
            Assert.Null(obj["b"]);
            Assert.Equal(new[] { 1.5, 0.002 }, ((JsonArray)obj["c"]!).Select(n => (double)n));
            Assert.Equal("é😀\n\"", (string?)obj["d"]);
            Assert.Equal(double.PositiveInfinity, (double)obj["e"]);
            Assert.True(((JsonValue)obj["f"]!).TryGetBool(out bool f) && f);

            // Numbers keep their text; infinities are written as Python writes them; strings escape only what JSON needs.
            Assert.Equal("{\"a\":-Infinity,\"b\":null,\"c\":[1.50,2e-3],\"d\":\"é😀\\n\\\"\",\"e\":Infinity,\"f\":true,\"g\":null}", obj.ToJsonString());
            Assert.Equal("[\n  0.1,\n  1E-05,\n  3,\n  {}\n]", new JsonArray(0.1f, 1e-5, 3, new JsonObject()).ToJsonString(indented: true));
        }

        [Theory]
        [InlineData("", "line 1, column 1: expected a value, found the end of the text")]
        [InlineData("{\"a\": 1, \"a\": 2}", "line 1, column 10: the key \"a\" appears twice; each key may appear once")]
        [InlineData("{\"a\": 1}\n x", "line 2, column 2: expected nothing after the value, found 'x'")]
        [InlineData("[1 2]", "line 1, column 4: expected ',' or ']', found '2'")]
        [InlineData("{\"a\" 1}", "line 1, column 6: expected ':', found '1'")]
        [InlineData("\"abc", "line 1, column 5: expected the closing '\"' of a string, found the end of the text")]
        [InlineData("\"a\tb\"", "line 1, column 3: expected no control characters inside a string (write \\n, \\t or \\u00XX), found '\\u0009'")]
        [InlineData("\"\\x\"", "line 1, column 3: expected an escape")]
        [InlineData("\"\\u12\"", "line 1, column 3: expected an escape")]
        [InlineData("01", "line 1, column 2: expected nothing after the value, found '1'")]
        [InlineData("-", "line 1, column 2: expected a digit, found the end of the text")]
        [InlineData("1.", "line 1, column 3: expected a digit after the decimal point")]
        [InlineData("1e+", "line 1, column 4: expected a digit in the exponent")]
        [InlineData("tru", "line 1, column 1: expected a value, found 't'")]
        [InlineData("/* open", "line 1, column 1: expected the end of a /* comment */")]
        [InlineData("{1: 2}", "line 1, column 2: expected a key in double quotes or '}', found '1'")]
        public void MalformedTextIsRefusedWithTheLineColumnAndWhatWasExpected(string text, string message)
        {
            Assert.StartsWith(message, Assert.Throws<FormatException>(() => JsonText.Parse(text)).Message);
        }

        [Fact]
        public void NestingIsBoundedSoHostileTextCannotExhaustTheStack()
        {
            Assert.NotNull(JsonText.Parse(new string('[', JsonText.MaxDepth) + new string(']', JsonText.MaxDepth)));
            string deep = new string('[', 100_000);
            Assert.Contains($"more than {JsonText.MaxDepth} nested arrays and objects", Assert.Throws<FormatException>(() => JsonText.Parse(deep)).Message);
        }

        [SharedDataFact]
        public void RandomlyDamagedConfigurationsFailOnlyWithFormatExceptions()
        {
            string text = File.ReadAllText(SharedData.PathOf("sd-onnx-configs", "sd-turbo-diffusers-0.24", "scheduler", "scheduler_config.json"));
            const string Alphabet = "{}[],:\"\\-+.eE0123456789 aIN/*\n\u0001";
            var random = new System.Random(7);
            for (int trial = 0; trial < 20_000; trial++)
            {
                char[] chars = text.ToCharArray();
                int edits = 1 + random.Next(4);
                for (int e = 0; e < edits; e++)
                {
                    chars[random.Next(chars.Length)] = Alphabet[random.Next(Alphabet.Length)];
                }

                string damaged = new string(chars).Substring(0, random.Next(chars.Length + 1));
                try
                {
                    JsonText.Parse(damaged);
                }
                catch (FormatException)
                {
                }
            }
        }
    }
}
