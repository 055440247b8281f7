#nullable enable
using System;
using System.IO;
using System.Threading.Tasks;
using LiveDiffusion.Live;
using LiveDiffusion.Models;
using LiveDiffusion.Onnx;
using UnityEditor;
using UnityEngine;

namespace LiveDiffusion.Unity.Editor
{
    /// <summary>
    /// Window → LiveDiffusion → Texture Generator: choose a model, class, seed, steps and count; Generate; watch every
    /// step live (x_t, x0 and x0 tiled 3x3); save the textures into <c>Assets/LiveDiffusion/Generated</c> with their
    /// recipes; open the training panel in the browser. All logic is the engine-free <see cref="LiveTextureSession"/>,
    /// <see cref="TextureRequestForm"/>, <c>TextureFiles</c> and <see cref="TrainingPanelProcess"/>.
    /// </summary>
    public sealed class LiveDiffusionWindow : EditorWindow
    {
        private readonly LiveTexture _noisy = new LiveTexture();
        private readonly LiveTexture _predicted = new LiveTexture();
        private readonly LiveTexture _tiled = new LiveTexture();
        private string _modelFolder = string.Empty;
        private string _openedFolder = "\0";
        private TextureRequestForm _form = new TextureRequestForm();
        private LiveTextureSession? _session;
        private string _status = string.Empty;
        private Task<TrainingPanelProcess>? _panelStart;
        private TrainingPanelProcess? _panel;

        [MenuItem("Window/LiveDiffusion/Texture Generator")]
        private static void Open() => GetWindow<LiveDiffusionWindow>("LiveDiffusion");

        private void OnGUI()
        {
            _modelFolder = EditorGUILayout.TextField("Model folder (empty: built-in)", _modelFolder);
            LiveTextureSession? session = Session();
            if (session == null)
            {
                EditorGUILayout.HelpBox(_status, MessageType.Error);
                return;
            }

            string[] classes = new string[session.Generator.ClassNames.Count + 1];
            classes[0] = "(unconditional)";
            for (int i = 0; i < session.Generator.ClassNames.Count; i++)
            {
                classes[i + 1] = session.Generator.ClassNames[i];
            }

            int chosen = EditorGUILayout.Popup("Class", Math.Max(0, Array.IndexOf(classes, _form.ClassName)), classes);
            _form.ClassName = chosen == 0 ? string.Empty : classes[chosen];
            _form.Seed = EditorGUILayout.LongField("Seed", _form.Seed);
            _form.Steps = EditorGUILayout.IntField("Steps", _form.Steps);
            _form.Count = EditorGUILayout.IntField("Count", _form.Count);
            _form.Scheduler = EditorGUILayout.TextField("Scheduler", _form.Scheduler);
            Buttons(session);
            if (session.Job != null)
            {
                EditorGUI.ProgressBar(GUILayoutUtility.GetRect(100f, 18f), session.Job.Progress, $"step {session.Job.StepsDone} of {session.Job.Request.Steps}");
            }

            if (_status.Length > 0)
            {
                EditorGUILayout.HelpBox(_status, MessageType.Info);
            }

            Previews();
        }

        private void Buttons(LiveTextureSession session)
        {
            GUILayout.BeginHorizontal();
            if (GUILayout.Button(session.IsRunning ? "Cancel" : "Generate"))
            {
                if (session.IsRunning)
                {
                    session.Cancel();
                }
                else
                {
                    string problems = string.Join("\n", _form.Problems(session.Generator));
                    _status = problems;
                    if (problems.Length == 0)
                    {
                        session.Start(_form.ToRequest(session.Generator));
                    }
                }
            }

            if (session.LastResult != null && session.Job != null && GUILayout.Button("Save to Assets"))
            {
                string folder = Path.Combine(Application.dataPath, "LiveDiffusion", "Generated");
                _status = $"Saved {Pipelines.TextureFiles.Save(session.LastResult, session.Job.Request, folder).Count} textures to Assets/LiveDiffusion/Generated.";
                AssetDatabase.Refresh();
            }

            if (GUILayout.Button("Open training panel"))
            {
                OpenPanel();
            }

            GUILayout.EndHorizontal();
        }

        private void Previews()
        {
            GUILayout.BeginHorizontal();
            foreach (LiveTexture shown in new[] { _noisy, _predicted, _tiled })
            {
                Rect area = GUILayoutUtility.GetRect(160f, 160f);
                if (shown.Texture != null)
                {
                    GUI.DrawTexture(area, shown.Texture);
                }
            }

            GUILayout.EndHorizontal();
        }

        private LiveTextureSession? Session()
        {
            if (_session != null && _openedFolder == _modelFolder)
            {
                return _session;
            }

            _session?.Dispose();
            _session = null;
            _openedFolder = _modelFolder;
            try
            {
                _session = new LiveTextureSession(OnnxTextureGenerator.Load(EngineModelLocation.Resolve(_modelFolder, PackageLocation.Root, Application.streamingAssetsPath)), tiles: 3);
                _form = TextureRequestForm.For(_session.Generator);
                _status = string.Empty;
            }
            catch (Exception e) when (e is ModelConfigException || e is IOException || e is ArgumentException)
            {
                _status = e.Message;
            }

            return _session;
        }

        private void OpenPanel()
        {
            if (_panel != null && !_panel.HasExited)
            {
                Application.OpenURL(_panel.Url.ToString());
                return;
            }

            string root = PackageLocation.Root;
            _status = "Starting the training panel (the first start builds it, which can take minutes)...";
            _panelStart = Task.Run(() => TrainingPanelProcess.Start(root, TimeSpan.FromMinutes(15)));
        }

        private void Update()
        {
            if (_panelStart != null && _panelStart.IsCompleted)
            {
                _status = _panelStart.Exception != null ? "The training panel did not start: " + _panelStart.Exception.GetBaseException().Message : string.Empty;
                _panel = _panelStart.Exception == null ? _panelStart.Result : null;
                _panelStart = null;
                if (_panel != null)
                {
                    Application.OpenURL(_panel.Url.ToString());
                }
            }

            LiveTick tick = _session?.Tick() ?? LiveTick.None;
            LiveTextureFeed? feed = _session?.Feed;
            if ((tick & LiveTick.Frame) != 0 && feed != null)
            {
                _noisy.Upload(feed.Latents, feed.Width, feed.Height);
                _predicted.Upload(feed.PredictedOriginal, feed.Width, feed.Height);
                _tiled.Upload(feed.TiledPredictedOriginal, feed.Width * 3, feed.Height * 3);
            }

            if ((tick & (LiveTick.Failed | LiveTick.Cancelled)) != 0)
            {
                _status = (tick & LiveTick.Failed) != 0 ? "Generation failed: " + _session?.LastError?.Message : "Cancelled.";
            }

            if (tick != LiveTick.None)
            {
                Repaint();
            }
        }

        private void OnDestroy()
        {
            _session?.Dispose();
            _panel?.Dispose();
            _noisy.Release();
            _predicted.Release();
            _tiled.Release();
        }
    }
}
