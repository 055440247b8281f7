using System;
using System.IO;
using LiveDiffusion.Live;
using Xunit;

namespace LiveDiffusion.Tests.Live
{
    /// <summary>An editor's "Open training panel": the URL line is found, and a panel that fails or hangs is reported with its output.</summary>
    public sealed class TrainingPanelProcessTests : IDisposable
    {
        private readonly string _folder = Path.Combine(Path.GetTempPath(), "ld-panel-launch-" + Guid.NewGuid().ToString("N"));

        public TrainingPanelProcessTests() => Directory.CreateDirectory(_folder);

        [Fact]
        public void TheUrlThePanelPrintsIsHandedBackAndDisposingStopsThePanel()
        {
            string script = Script("echo building...; echo \"arguments: $*\" >&2; echo 'LiveDiffusion panel: http://127.0.0.1:43210/?token=abc'; sleep 300");
            TrainingPanelProcess panel = TrainingPanelProcess.Start(_folder, TimeSpan.FromSeconds(30), script);
            Assert.Equal(new Uri("http://127.0.0.1:43210/?token=abc"), panel.Url);
            Assert.False(panel.HasExited);
            panel.Dispose();
        }

        [Fact]
        public void APanelThatStopsFirstIsReportedWithWhatItSaid()
        {
            string script = Script("echo 'error: port in use' >&2; exit 3");
            var error = Assert.Throws<InvalidOperationException>(() => TrainingPanelProcess.Start(_folder, TimeSpan.FromSeconds(30), script));
            Assert.Contains("stopped before printing its URL", error.Message);
            Assert.Contains("error: port in use", error.Message);
        }

        [Fact]
        public void APanelThatNeverPrintsItsUrlIsStoppedAtTheTimeout()
        {
            string script = Script("echo still building; sleep 300");
            var error = Assert.Throws<TimeoutException>(() => TrainingPanelProcess.Start(_folder, TimeSpan.FromSeconds(2), script));
            Assert.Contains("printed no URL within 2 s", error.Message);
            Assert.Contains("still building", error.Message);
        }

        [Fact]
        public void AFolderWithoutTheScriptIsNamed()
        {
            var error = Assert.Throws<FileNotFoundException>(() => TrainingPanelProcess.Start(_folder, TimeSpan.FromSeconds(1)));
            Assert.Contains(Path.Combine(_folder, "livediffusion"), error.Message);
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        private string Script(string body)
        {
            string path = Path.Combine(_folder, "fake-livediffusion " + Guid.NewGuid().ToString("N").Substring(0, 6));
            File.WriteAllText(path, "#!/usr/bin/env bash\n[ \"$1\" = panel ] || { echo \"expected 'panel', got '$1'\" >&2; exit 9; }\n" + body + "\n");
            return path;
        }
    }
}
