using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using LiveDiffusion.Editor.Tests.Training;
using LiveDiffusion.Editor.Training;
using Microsoft.Playwright;
using Xunit;
using Xunit.Abstractions;

namespace LiveDiffusion.Editor.Tests.Panel
{
    /// <summary>
    /// The panel in a real browser (Debian's chromium through Playwright): set up a run on a folder, watch the loss
    /// chart and the sample grid fill in, pause, resume, stop, export. Screenshots of each state are written to
    /// <c>panel-screenshots/</c> in the test output folder.
    /// </summary>
    public sealed class PanelBrowserTests
    {
        private static readonly string[] ChromiumArgs =
        {
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-quic", "--no-first-run",
        };

        private readonly ITestOutputHelper _output;

        public PanelBrowserTests(ITestOutputHelper output) => _output = output;

        /// <summary>Where the screenshots go.</summary>
        public static string ScreenshotFolder => Path.Combine(AppContext.BaseDirectory, "panel-screenshots");

        [ChromiumFact]
        public async Task AUserStartsTrainingOnAFolderWatchesItPausesResumesStopsAndExports()
        {
            var clock = Stopwatch.StartNew();
            await using PanelFixture panel = await PanelFixture.StartAsync();
            Directory.CreateDirectory(ScreenshotFolder);
            using IPlaywright playwright = await Playwright.CreateAsync();
            await using IBrowser browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ChromiumFactAttribute.ChromiumPath,
                Headless = true,
                Args = ChromiumArgs,
            });
            // The page runs under its own Content-Security-Policy (script-src 'self'); the test's checks go through EvaluateAsync.
            IPage page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
            var consoleErrors = new System.Collections.Generic.List<string>();
            page.Console += (_, m) =>
            {
                if (m.Type == "error")
                {
                    consoleErrors.Add(m.Text);
                }
            };
            page.PageError += (_, e) => consoleErrors.Add(e);
            page.SetDefaultTimeout(90_000);
            Assertions.SetDefaultExpectTimeout(90_000);
            try
            {
                await Walkthrough(panel, page, consoleErrors, clock);
            }
            catch
            {
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder, "panel-failure.png"), FullPage = true });

                // What the page said, into the test log: CI deletes the clone, and the screenshot with it.
                try
                {
                    foreach (string selector in new[] { "#connection", "#host-state", "#form-error", "#messages" })
                    {
                        _output.WriteLine($"{selector}: {await page.Locator(selector).InnerTextAsync(new LocatorInnerTextOptions { Timeout = 5_000 })}");
                    }

                    foreach (string error in await page.Locator(".field-error").AllInnerTextsAsync())
                    {
                        _output.WriteLine($".field-error: {error}");
                    }
                }
                catch (PlaywrightException e)
                {
                    _output.WriteLine($"(could not read the page: {e.Message})");
                }

                _output.WriteLine($"browser console errors: {string.Join(" | ", consoleErrors)}");
                throw;
            }
        }

        private async Task Walkthrough(PanelFixture panel, IPage page, System.Collections.Generic.List<string> consoleErrors, Stopwatch clock)
        {

            await page.GotoAsync(panel.Server.PageUrl.ToString());
            await Expect(page.Locator("#connection")).ToHaveTextAsync("live");

            // Set up: check the folder (12 images, 3 unusable files listed), choose the tiny preset and a short recipe.
            await page.FillAsync("#dataset", "tiles");
            await page.ClickAsync("#check-dataset");
            await Expect(page.Locator("#dataset-report")).ToContainTextAsync("12 usable images");
            Assert.Equal(TinyDataset.BadFiles, await page.Locator("#skipped-files li").CountAsync());
            await page.FillAsync("#size", "16");
            await page.SelectOptionAsync("#preset", "tiny");
            await page.FillAsync("#name", "browser-run");
            await page.FillAsync("#steps", "3000");
            await page.FillAsync("#batchSize", "4");
            await page.FillAsync("#learningRate", "0.001");
            await page.FillAsync("#warmupSteps", "5");
            await page.FillAsync("#checkpointEvery", "40");
            await page.FillAsync("#sampleEvery", "10");
            await page.FillAsync("#sampleSteps", "4");
            await page.Locator("#size").DispatchEventAsync("change");
            // The new size re-checks the folder (the last report stays in place, dimmed, meanwhile): wait for the new one.
            await Expect(page.Locator("#dataset-report")).Not.ToHaveAttributeAsync("aria-busy", "true");
            await Expect(page.Locator("#dataset-report")).ToContainTextAsync("12 usable images");
            await Expect(page.Locator("#preset-table tbody tr[data-preset=tiny]")).ToContainTextAsync("635.4 k");

            // A bad field is named on the page, and nothing starts.
            await page.FillAsync("#warmupSteps", "5000");
            await page.ClickAsync("#start");
            await Expect(page.Locator(".field-error[data-for=warmupSteps]")).ToContainTextAsync("Warm-up 5000 steps");
            await page.FillAsync("#warmupSteps", "5");
            Assert.All(consoleErrors, e => Assert.Contains("400 (Bad Request)", e)); // the refused start, logged by the browser
            consoleErrors.Clear();
            await Shot(page, "1-setup");

            // Start and watch: the loss chart gains points, a sample grid and live preview frames appear.
            await page.ClickAsync("#start");
            await Expect(page.Locator("#host-state")).ToHaveAttributeAsync("data-state", "running");
            await WaitFor(page, "Number(document.querySelector('#loss-chart').dataset.points) >= 25");
            int early = await Points(page);
            await Expect(page.Locator("#grid-img")).Not.ToHaveAttributeAsync("data-step", string.Empty);
            await WaitFor(page, "document.querySelector('#grid-img').complete && document.querySelector('#grid-img').naturalWidth > 0");
            await WaitFor(page, "Number(document.querySelector('#preview-x0').dataset.frames) >= 3");
            await WaitFor(page, $"Number(document.querySelector('#loss-chart').dataset.points) > {early + 10}");
            Assert.True(await page.Locator("#loss-chart canvas").CountAsync() == 1, "uPlot drew no canvas");
            Assert.Equal("3,000", await page.Locator("#stat-total").TextContentAsync());
            Assert.NotEqual("–", await page.Locator("#stat-eta").TextContentAsync());
            Assert.True(await page.Locator("#setup-form #steps").IsDisabledAsync(), "the recipe can be edited while the run trains");
            await Shot(page, "2-training");

            // Pause: nothing moves until resumed. Save now writes a checkpoint at once while paused.
            await page.ClickAsync("#pause");
            await Expect(page.Locator("#host-state")).ToHaveAttributeAsync("data-state", "paused");
            await Expect(page.Locator("#messages")).ToContainTextAsync("Paused at step");
            // The message names the last step trained; that step's chart point may still be on its way.
            string messages = await page.Locator("#messages").TextContentAsync() ?? string.Empty;
            int paused = int.Parse(System.Text.RegularExpressions.Regex.Matches(messages, @"Paused at step (\d+)")[^1].Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            await WaitFor(page, $"Number(document.querySelector('#loss-chart').dataset.points) >= {paused}");
            await page.ClickAsync("#save");
            await Expect(page.Locator("#messages")).ToContainTextAsync("Checkpoint ");
            await page.WaitForTimeoutAsync(1500);
            Assert.Equal(paused, await Points(page));
            await Expect(page.Locator($"#checkpoint-table tbody tr[data-step='{paused}']")).ToHaveCountAsync(1);
            await Shot(page, "3-paused");

            await page.ClickAsync("#resume-run");
            await Expect(page.Locator("#host-state")).ToHaveAttributeAsync("data-state", "running");
            await WaitFor(page, $"Number(document.querySelector('#loss-chart').dataset.points) > {paused + 10}");

            // Stop: the run ends after its current step with a checkpoint at that step.
            await page.ClickAsync("#stop");
            await Expect(page.Locator("#host-state")).ToHaveAttributeAsync("data-state", "stopped");
            string runFolder = Path.Combine(panel.RunsFolder, "browser-run");
            Checkpoint? last = Checkpoint.Latest(Path.Combine(runFolder, "checkpoints"));
            Assert.NotNull(last);
            await WaitFor(page, $"Number(document.querySelector('#loss-chart').dataset.points) >= {last!.Step}"); // the last step's point may trail the state
            Assert.Equal(await Points(page), last.Step);
            await Expect(page.Locator($"#checkpoint-table tbody tr[data-step='{last.Step}'] input[type=radio]")).ToBeCheckedAsync();
            Assert.False(await page.Locator("#setup-form #steps").IsDisabledAsync());

            // Export the chosen checkpoint as a model folder, then as a model folder with the ONNX UNet.
            await page.FillAsync("#export-name", "from-browser");
            await page.ClickAsync("#export-folder");
            await Expect(page.Locator("#export-result")).ToContainTextAsync("Exported model folder: ");
            string exported = Path.Combine(runFolder, "exports", "from-browser");
            Assert.True(File.Exists(Path.Combine(exported, "unet", "diffusion_pytorch_model.safetensors")));
            Assert.True(File.Exists(Path.Combine(exported, "model_index.json")));
            Assert.Equal(last.UNetConfig.ToJson(), LiveDiffusion.Models.ModelFolder.Open(exported).UNet.ToJson());

            await page.FillAsync("#export-name", "from-browser-onnx");
            await page.ClickAsync("#export-onnx");
            await Expect(page.Locator("#export-result")).ToContainTextAsync("with ONNX UNet");
            var onnx = new FileInfo(Path.Combine(runFolder, "exports", "from-browser-onnx", "unet", "model.onnx"));
            Assert.True(onnx.Exists && onnx.Length > 1_000_000, $"{onnx.FullName}: {(onnx.Exists ? onnx.Length : -1)} bytes");

            await page.Locator("#checkpoints").ScrollIntoViewIfNeededAsync();
            await Shot(page, "4-stopped-and-exported");

            // Exports are never overwritten: the same name again is refused with the reason.
            await page.ClickAsync("#export-folder");
            await Expect(page.Locator("#export-result")).ToContainTextAsync("already exists");
            consoleErrors.RemoveAll(e => e.Contains("409 (Conflict)", StringComparison.Ordinal));

            Assert.True(consoleErrors.Count == 0, "browser console errors: " + string.Join(" | ", consoleErrors));
            _output.WriteLine($"stopped at step {last.Step}; whole test {clock.Elapsed.TotalSeconds:F1} s; screenshots in {ScreenshotFolder}");
        }

        private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

        private static async Task<int> Points(IPage page) =>
            int.Parse(await page.Locator("#loss-chart").GetAttributeAsync("data-points") ?? "0", System.Globalization.CultureInfo.InvariantCulture);

        // Polled from here with EvaluateAsync: page.WaitForFunctionAsync evaluates a string inside the page, which the
        // panel's Content-Security-Policy (script-src 'self', no eval) rightly refuses.
        private static async Task WaitFor(IPage page, string condition)
        {
            DateTime deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
            while (!await page.EvaluateAsync<bool>($"() => !!({condition})"))
            {
                if (DateTime.UtcNow > deadline)
                {
                    await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder, "panel-timeout.png"), FullPage = true });
                    throw new TimeoutException($"the page never satisfied: {condition}");
                }

                await Task.Delay(100);
            }
        }

        private async Task Shot(IPage page, string name)
        {
            string path = Path.Combine(ScreenshotFolder, $"panel-{name}.png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
            _output.WriteLine($"screenshot {path}");
        }
    }
}
