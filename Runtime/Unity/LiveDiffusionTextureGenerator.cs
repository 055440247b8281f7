#nullable enable
using System;
using LiveDiffusion.Live;
using LiveDiffusion.Models;
using LiveDiffusion.Onnx;
using LiveDiffusion.Pipelines;
using UnityEngine;

namespace LiveDiffusion.Unity
{
    /// <summary>
    /// Generates tileable textures in play mode and shows every denoising step on a renderer's material as it forms.
    /// Generation runs off the main thread (<see cref="LiveTextureSession"/>); each rendered frame uploads at most the
    /// newest step; when it finishes the material gets the first finished texture and <see cref="Completed"/> fires.
    /// The model is the built-in one unless <see cref="ModelFolder"/> names another (see <see cref="EngineModelLocation"/>).
    /// </summary>
    public sealed class LiveDiffusionTextureGenerator : MonoBehaviour
    {
        [SerializeField, Tooltip("Model folder: empty for the built-in model; absolute, or relative to StreamingAssets.")]
        private string modelFolder = string.Empty;

        [SerializeField, Tooltip("Class to generate (the built-in model has floor and wall); empty: unconditional.")]
        private string className = "floor";

        [SerializeField, Tooltip("Seed of the first texture; the others use the following seeds.")]
        private long seed = 7;

        [SerializeField, Tooltip("Denoising steps; 0: the model's recommendation.")]
        private int steps;

        [SerializeField, Tooltip("Textures to generate (the material shows the first).")]
        private int count = 1;

        [SerializeField, Tooltip("Renderer whose material shows the texture forming.")]
        private Renderer? target;

        [SerializeField, Tooltip("Material texture property: _MainTex (built-in pipeline), _BaseMap (URP, HDRP).")]
        private string textureProperty = "_MainTex";

        [SerializeField, Tooltip("Generate when play mode starts.")]
        private bool generateOnStart = true;

        private readonly LiveTexture _texture = new LiveTexture();
        private LiveTextureSession? _session;
        private string? _openedFolder;

        /// <summary>The package's root folder while the editor runs (the editor layer sets it); null in a player.</summary>
        public static string? PackageRoot { get; set; }

        /// <summary>Fired on the main thread when a generation finishes, with its textures and recipes.</summary>
        public event Action<GeneratedTextures>? Completed;

        /// <summary>Model folder (see the class remarks).</summary>
        public string ModelFolder { get => modelFolder; set => modelFolder = value; }

        /// <summary>Class to generate.</summary>
        public string ClassName { get => className; set => className = value; }

        /// <summary>Seed of the first texture.</summary>
        public long Seed { get => seed; set => seed = value; }

        /// <summary>Denoising steps; 0: the model's recommendation.</summary>
        public int Steps { get => steps; set => steps = value; }

        /// <summary>Textures to generate (the material shows the first).</summary>
        public int Count { get => count; set => count = value; }

        /// <summary>Renderer whose material shows the texture.</summary>
        public Renderer? Target { get => target; set => target = value; }

        /// <summary>The live texture: every step while generating, then the finished texture.</summary>
        public Texture2D? Texture => _texture.Texture;

        /// <summary>Progress of the running generation in [0, 1].</summary>
        public float Progress => _session?.Job?.Progress ?? 0f;

        /// <summary>Whether a generation is running.</summary>
        public bool IsGenerating => _session != null && _session.IsRunning;

        /// <summary>The textures of the last finished generation.</summary>
        public GeneratedTextures? LastResult => _session?.LastResult;

        /// <summary>
        /// Starts generating with the fields' values (a running generation is cancelled first; the model is opened on
        /// first use and again when <see cref="ModelFolder"/> changed). Logs and returns false on bad fields or a model
        /// that cannot be opened.
        /// </summary>
        public bool Generate()
        {
            try
            {
                if (_session == null || _openedFolder != modelFolder)
                {
                    _session?.Dispose();
                    _session = null;
                    _session = new LiveTextureSession(OnnxTextureGenerator.Load(EngineModelLocation.Resolve(modelFolder, PackageRoot, Application.streamingAssetsPath)));
                    _openedFolder = modelFolder;
                }

                var form = TextureRequestForm.For(_session.Generator);
                form.ClassName = className;
                form.Seed = seed;
                form.Count = count;
                form.Steps = steps > 0 ? steps : form.Steps;
                _session.Start(form.ToRequest(_session.Generator));
                return true;
            }
            catch (Exception e) when (e is ArgumentException || e is ModelConfigException || e is System.IO.IOException)
            {
                Debug.LogError($"LiveDiffusion ({name}): {e.Message}");
                return false;
            }
        }

        /// <summary>Stops the running generation at its next step.</summary>
        public void Cancel() => _session?.Cancel();

        private void Start()
        {
            if (generateOnStart)
            {
                Generate();
            }
        }

        private void Update()
        {
            if (_session == null)
            {
                return;
            }

            LiveTick tick = _session.Tick();
            if ((tick & LiveTick.Frame) != 0 && _session.Feed != null)
            {
                Show(_texture.Upload(_session.Feed.PredictedOriginal, _session.Feed.Width, _session.Feed.Height));
            }

            if ((tick & LiveTick.Finished) != 0 && _session.LastResult != null)
            {
                Show(_texture.Upload(_session.FinalRgba, _session.LastResult.Images[0].Width, _session.LastResult.Images[0].Height));
                Completed?.Invoke(_session.LastResult);
            }
            else if ((tick & LiveTick.Failed) != 0)
            {
                Debug.LogError($"LiveDiffusion ({name}): generation failed: {_session.LastError?.Message}");
            }
        }

        private void Show(Texture2D texture)
        {
            if (target != null)
            {
                target.material.SetTexture(textureProperty, texture);
            }
        }

        private void OnDestroy()
        {
            _session?.Dispose();
            _session = null;
            _texture.Release();
        }
    }
}
