#nullable enable
using LiveDiffusion.Pipelines;
using LiveDiffusion.Unity;
using UnityEngine;

namespace LiveDiffusion.Samples
{
    /// <summary>
    /// Add this to an empty GameObject in any scene and press Play: it makes a plane, puts a
    /// <see cref="LiveDiffusionTextureGenerator"/> on it and generates a tileable floor texture with the built-in model;
    /// the plane's material shows every denoising step as it forms, repeated 3x3 across the plane so the seams (there
    /// are none) can be seen. Press Space to generate again with the next seed.
    /// </summary>
    public sealed class LiveTexturePlane : MonoBehaviour
    {
        [SerializeField, Tooltip("floor or wall (the built-in model's classes).")]
        private string className = "floor";

        [SerializeField]
        private long seed = 7;

        private LiveDiffusionTextureGenerator? _generator;

        private void Start()
        {
            GameObject plane = GameObject.CreatePrimitive(PrimitiveType.Plane);
            plane.name = "LiveDiffusion plane";
            Renderer renderer = plane.GetComponent<Renderer>();
            renderer.material.mainTextureScale = new Vector2(3f, 3f);

            _generator = plane.AddComponent<LiveDiffusionTextureGenerator>();
            _generator.Target = renderer;
            _generator.ClassName = className;
            _generator.Seed = seed;
            _generator.Completed += OnCompleted; // the generator starts in its own Start, on the next frame
        }

        private void Update()
        {
            if (_generator != null && !_generator.IsGenerating && Input.GetKeyDown(KeyCode.Space))
            {
                _generator.Seed = ++seed;
                _generator.Generate();
            }
        }

        private void OnCompleted(GeneratedTextures textures) =>
            Debug.Log($"LiveDiffusion: {textures.Images.Count} texture(s) done; recipe: {textures.Recipes[0]}");
    }
}
