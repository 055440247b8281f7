using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using LiveDiffusion.Text;

namespace LiveDiffusion.Cli.Commands
{
    /// <summary><c>livediffusion tokenize</c>: a prompt as CLIP token ids and pieces, as JSON.</summary>
    internal static class TokenizeCommand
    {
        public static Command Create()
        {
            var folder = new Option<string>("--tokenizer") { Description = "Tokenizer folder (vocab.json, merges.txt; a model's tokenizer/ folder).", Required = true };
            var maxLength = new Option<int>("--max-length") { Description = "Sequence length of the text encoder.", DefaultValueFactory = _ => ClipTokenizer.DefaultMaxLength };
            var text = new Argument<string>("text") { Description = "The prompt." };
            var command = new Command("tokenize", "Print a prompt's CLIP token ids and pieces as JSON: how many of the 77 it uses and what is cut.") { folder, maxLength, text };
            command.SetAction(parse =>
            {
                int length = parse.GetValue(maxLength);
                if (length < 2 || length > 4096)
                {
                    Console.Error.WriteLine($"error: --max-length {length}: use 2 (the start and end tokens) to 4096; CLIP text encoders take {ClipTokenizer.DefaultMaxLength}.");
                    return 2;
                }

                ClipTokenizer tokenizer;
                try
                {
                    tokenizer = ClipTokenizer.Load(parse.GetValue(folder)!);
                }
                catch (Exception e) when (e is FileNotFoundException || e is InvalidDataException || e is JsonException)
                {
                    Console.Error.WriteLine("error: " + ErrorText.OneLine(e));
                    return 2;
                }

                TokenizedPrompt prompt = tokenizer.EncodeForModel(parse.GetValue(text)!, length);
                var json = new JsonObject
                {
                    ["ids"] = new JsonArray(prompt.Ids.Select(i => (JsonNode?)i).ToArray()),
                    ["tokens"] = new JsonArray(prompt.Pieces.Select(p => (JsonNode?)p).ToArray()),
                    ["used"] = prompt.Used,
                    ["max_length"] = prompt.Ids.Length,
                    ["pad_token_id"] = tokenizer.PadTokenId,
                    ["truncated"] = prompt.Truncated,
                };
                Console.WriteLine(json.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
                if (prompt.Truncated.Length > 0)
                {
                    Console.Error.WriteLine($"warning: the prompt is longer than {prompt.Ids.Length - 2} tokens; cut: \"{prompt.Truncated}\"");
                }

                return 0;
            });
            return command;
        }
    }
}
