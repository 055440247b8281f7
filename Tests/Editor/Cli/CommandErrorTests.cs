using System;
using System.IO;
using System.Linq;
using LiveDiffusion.Tests;
using Xunit;

namespace LiveDiffusion.Editor.Tests.Cli
{
    /// <summary>
    /// Every command given a bad option value or a broken file: one line that names it and the fix, exit code 2 (README:
    /// exit codes), no stack trace, and nothing written. The broken files are copies of the built-in model with one
    /// part damaged, as a download cut short or an edit gone wrong leaves them.
    /// </summary>
    public sealed class CommandErrorTests : IClassFixture<CommandErrorTests.BrokenFiles>
    {
        private readonly BrokenFiles _files;

        public CommandErrorTests(BrokenFiles files) => _files = files;

        [Theory]
        [InlineData("generate --model {truncated} --count 1", "diffusion_pytorch_model.safetensors is not a safetensors file or is truncated")]
        [InlineData("generate --model {badindex} --count 1", "model_index.json is not valid JSON (line 1, column 2")]
        [InlineData("generate --model {badscheduler} --count 1", "scheduler_config.json is not valid JSON")]
        [InlineData("generate --model {badonnx} --backend onnx --count 1", "ONNX Runtime could not load")]
        [InlineData("generate --model {empty} --count 1", "is not a model folder: model_index.json is missing")]
        [InlineData("generate --model {ok} --count 1 --steps 0", "error: --steps: 0 is outside 1 to 1000")]
        [InlineData("generate --model {ok} --count 1 --class lava", "error: --class: This model has no class 'lava'. Its classes: floor, wall.")]
        [InlineData("generate --model {ok} --count 1 --size 7", "error: --size: 7 px: use 0 (the model's 32 px) or a multiple of 4")]
        [InlineData("generate --model {ok} --count 1 --scheduler fast", "error: --scheduler: Unknown scheduler 'fast'")]
        [InlineData("generate --model {ok} --count 1 --out {file}", "is a file; pass a folder")]
        [InlineData("generate --model {ok} --recipe-from {file}", "error: --recipe-from ")]
        [InlineData("generate --model {empty} --prompt x", "is not a model folder (no model_index.json): pass a Stable Diffusion ONNX folder")]
        [InlineData("evaluate --model {ok} --data {empty} --count 1", "error: --count 1: use 2 or more")]
        [InlineData("evaluate --model {ok} --data {empty} --batch 0", "error: --batch 0: use 1 or more")]
        [InlineData("evaluate --model {badindex} --data {empty} --count 2", "model_index.json is not valid JSON")]
        [InlineData("evaluate --model {ok} --data {empty} --taesd {empty}", "taesd_encoder.safetensors is not there")]
        [InlineData("export --model {truncated} --out {out}", "is not a safetensors file or is truncated")]
        [InlineData("export --model {ok} --out {file}", "is a file; pass a folder")]
        [InlineData("export --model {ok} --out {out} --taesd {empty}", "--taesd ")]
        [InlineData("view {junkframes}", "Not a LiveDiffusion frame record at byte 0")]
        [InlineData("view {empty}", "holds no frames.ldframes")]
        [InlineData("guide --model {ok} --guide {truncated} --scale 1.5", "The guide's weights must be a complete safetensors file")]
        [InlineData("guide --model {ok} --guide {ok} --scale -1", "The autoguidance scale must be a positive number (about 1.1 to 2); got -1.")]
        [InlineData("tokenize --tokenizer {badvocab} x", "vocab.json is not valid JSON")]
        [InlineData("tokenize --tokenizer {badvocab} x --max-length 0", "error: --max-length 0: use 2")]
        [InlineData("schedulers --name ddim --timesteps -1", "error: --timesteps -1: use 0")]
        [InlineData("schedulers --name ddim --timesteps 5000", "DDIMScheduler supports between 1 and 1000 inference steps")]
        [InlineData("panel --port 99999", "error: --port 99999: use 0 (any free port) to 65535.")]
        [InlineData("panel --runs {file}", "error: --runs ")]
        [InlineData("bench sample --model {badindex}", "model_index.json is not valid JSON")]
        public void ABadOptionOrFileIsOneLineWithExitCode2AndNothingIsWritten(string command, string expected)
        {
            string output = Path.Combine(_files.Root, "out-" + Guid.NewGuid().ToString("N"));
            string[] args = command.Split(' ').Select(a => _files.Expand(a).Replace("{out}", output, StringComparison.Ordinal)).ToArray();
            if (args[0] == "generate" && !args.Contains("--out"))
            {
                args = args.Concat(new[] { "--out", output }).ToArray();
            }

            (int code, _, string stderr) = Livediffusion.RunSplit(args);
            Livediffusion.AssertRefused(code, stderr, expected);
            Assert.False(Directory.Exists(output), $"{command}: nothing may be written for bad input, but {output} exists");
        }

        [Fact]
        public void ARefusedGuideLeavesTheModelFolderAsItWas()
        {
            string weights = Path.Combine(_files.Path("ok"), "guide_unet", "diffusion_pytorch_model.safetensors");
            string index = Path.Combine(_files.Path("ok"), "model_index.json");
            byte[] before = File.ReadAllBytes(weights);
            string indexBefore = File.ReadAllText(index);
            (int code, _, string stderr) = Livediffusion.RunSplit("guide", "--model", _files.Path("ok"), "--guide", _files.Path("truncated"), "--scale", "1.5");
            Livediffusion.AssertRefused(code, stderr, "is not a safetensors file or is truncated");
            Assert.True(before.AsSpan().SequenceEqual(File.ReadAllBytes(weights)), "the guide weights were replaced by a refused guide");
            Assert.Equal(indexBefore, File.ReadAllText(index));
        }

        /// <summary>Copies of the built-in model with one part broken, and other bad files, in a temporary folder.</summary>
        public sealed class BrokenFiles : IDisposable
        {
            public BrokenFiles()
            {
                Root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "ld-command-errors-" + Guid.NewGuid().ToString("N"));
                string builtIn = System.IO.Path.Combine(SharedData.RepositoryRoot, "Runtime", "BuiltIn", "dungeon-textures");
                foreach (string name in new[] { "ok", "truncated", "badindex", "badscheduler", "badonnx" })
                {
                    CopyModel(builtIn, Path(name));
                }

                string unetWeights = System.IO.Path.Combine(Path("truncated"), "unet", "diffusion_pytorch_model.safetensors");
                File.WriteAllBytes(unetWeights, File.ReadAllBytes(unetWeights).AsSpan(0, 100).ToArray());
                File.WriteAllText(System.IO.Path.Combine(Path("badindex"), "model_index.json"), "{");
                File.WriteAllText(System.IO.Path.Combine(Path("badscheduler"), "scheduler", "scheduler_config.json"), "nope");
                File.WriteAllText(System.IO.Path.Combine(Path("badonnx"), "unet", "model.onnx"), "garbage");
                Directory.CreateDirectory(Path("empty"));
                File.WriteAllText(Path("file"), "not a folder, not a PNG");
                Directory.CreateDirectory(Path("junk"));
                File.WriteAllText(Path("junkframes"), "garbage");
                Directory.CreateDirectory(Path("badvocab"));
                File.WriteAllText(System.IO.Path.Combine(Path("badvocab"), "vocab.json"), "{");
                File.WriteAllText(System.IO.Path.Combine(Path("badvocab"), "merges.txt"), "#version: 0.2\n");
            }

            /// <summary>The temporary folder holding everything.</summary>
            public string Root { get; }

            /// <summary>The path of the fixture <paramref name="name"/>.</summary>
            public string Path(string name) => System.IO.Path.Combine(Root, name == "junkframes" ? System.IO.Path.Combine("junk", "frames.ldframes") : name);

            /// <summary><paramref name="arg"/> with a <c>{name}</c> placeholder replaced by that fixture's path.</summary>
            public string Expand(string arg) => arg.Length > 2 && arg[0] == '{' && arg[^1] == '}' && arg != "{out}" ? Path(arg[1..^1]) : arg;

            private static void CopyModel(string from, string to)
            {
                foreach (string file in Directory.GetFiles(from, "*", SearchOption.AllDirectories).Where(f => f.EndsWith(".json", StringComparison.Ordinal) || f.EndsWith(".safetensors", StringComparison.Ordinal) || f.EndsWith(".onnx", StringComparison.Ordinal)))
                {
                    string target = System.IO.Path.Combine(to, System.IO.Path.GetRelativePath(from, file));
                    Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
                    File.Copy(file, target);
                }
            }

            public void Dispose()
            {
                try
                {
                    Directory.Delete(Root, recursive: true);
                }
                catch (IOException)
                {
                }
            }
        }
    }
}
