// A reference-only stand-in for the UnityEngine members the package's Unity layers use, and nothing else, so CI can
// compile those layers without Unity (UnityCompileTests builds it as UnityEngine.dll). Every signature is copied from
// Unity's scripting reference (the page is cited above each member); bodies only throw. Never shipped: it lives in the
// test tree in a folder whose name ends in ~, which Unity never imports. One file per stand-in assembly, not per type.
#pragma warning disable CS1591
using System;

namespace UnityEngine
{
    // https://docs.unity3d.com/ScriptReference/Object.html
    public class Object
    {
        // https://docs.unity3d.com/ScriptReference/Object-name.html
        public string name { get => throw null!; set => throw null!; }

        // https://docs.unity3d.com/ScriptReference/Object.Destroy.html
        public static void Destroy(Object obj) => throw null!;
    }

    // https://docs.unity3d.com/ScriptReference/Component.html
    public class Component : Object
    {
        // https://docs.unity3d.com/ScriptReference/Component.GetComponent.html
        public T GetComponent<T>() => throw null!;
    }

    // https://docs.unity3d.com/ScriptReference/Behaviour.html
    public class Behaviour : Component
    {
    }

    // https://docs.unity3d.com/ScriptReference/MonoBehaviour.html
    public class MonoBehaviour : Behaviour
    {
    }

    // https://docs.unity3d.com/ScriptReference/ScriptableObject.html
    public class ScriptableObject : Object
    {
    }

    // https://docs.unity3d.com/ScriptReference/GameObject.html
    public sealed class GameObject : Object
    {
        // https://docs.unity3d.com/ScriptReference/GameObject.CreatePrimitive.html
        public static GameObject CreatePrimitive(PrimitiveType type) => throw null!;

        // https://docs.unity3d.com/ScriptReference/GameObject.GetComponent.html
        public T GetComponent<T>() => throw null!;

        // https://docs.unity3d.com/ScriptReference/GameObject.AddComponent.html
        public T AddComponent<T>() where T : Component => throw null!;
    }

    // https://docs.unity3d.com/ScriptReference/PrimitiveType.html
    public enum PrimitiveType
    {
        Sphere = 0,
        Capsule = 1,
        Cylinder = 2,
        Cube = 3,
        Plane = 4,
        Quad = 5,
    }

    // https://docs.unity3d.com/ScriptReference/Renderer.html
    public class Renderer : Component
    {
        // https://docs.unity3d.com/ScriptReference/Renderer-material.html
        public Material material { get => throw null!; set => throw null!; }
    }

    // https://docs.unity3d.com/ScriptReference/Material.html
    public class Material : Object
    {
        // https://docs.unity3d.com/ScriptReference/Material.SetTexture.html
        public void SetTexture(string name, Texture value) => throw null!;

        // https://docs.unity3d.com/ScriptReference/Material-mainTextureScale.html
        public Vector2 mainTextureScale { get => throw null!; set => throw null!; }
    }

    // https://docs.unity3d.com/ScriptReference/Texture.html
    public class Texture : Object
    {
        // https://docs.unity3d.com/ScriptReference/Texture-width.html
        public virtual int width { get => throw null!; set => throw null!; }

        // https://docs.unity3d.com/ScriptReference/Texture-height.html
        public virtual int height { get => throw null!; set => throw null!; }

        // https://docs.unity3d.com/ScriptReference/Texture-wrapMode.html
        public TextureWrapMode wrapMode { get => throw null!; set => throw null!; }

        // https://docs.unity3d.com/ScriptReference/Texture-filterMode.html
        public FilterMode filterMode { get => throw null!; set => throw null!; }
    }

    // https://docs.unity3d.com/ScriptReference/Texture2D.html
    public sealed class Texture2D : Texture
    {
        // https://docs.unity3d.com/ScriptReference/Texture2D-ctor.html
        public Texture2D(int width, int height, TextureFormat textureFormat, bool mipChain) => throw null!;

        // https://docs.unity3d.com/ScriptReference/Texture2D.LoadRawTextureData.html
        public void LoadRawTextureData(byte[] data) => throw null!;

        // https://docs.unity3d.com/ScriptReference/Texture2D.Apply.html
        public void Apply(bool updateMipmaps) => throw null!;
    }

    // https://docs.unity3d.com/ScriptReference/TextureFormat.html
    public enum TextureFormat
    {
        RGBA32 = 4,
    }

    // https://docs.unity3d.com/ScriptReference/TextureWrapMode.html
    public enum TextureWrapMode
    {
        Repeat = 0,
        Clamp = 1,
    }

    // https://docs.unity3d.com/ScriptReference/FilterMode.html
    public enum FilterMode
    {
        Point = 0,
        Bilinear = 1,
    }

    // https://docs.unity3d.com/ScriptReference/Vector2-ctor.html
    public struct Vector2
    {
        public Vector2(float x, float y) => throw null!;
    }

    // https://docs.unity3d.com/ScriptReference/Rect.html
    public struct Rect
    {
    }

    // https://docs.unity3d.com/ScriptReference/Application.html
    public static class Application
    {
        // https://docs.unity3d.com/ScriptReference/Application-streamingAssetsPath.html
        public static string streamingAssetsPath => throw null!;

        // https://docs.unity3d.com/ScriptReference/Application-dataPath.html
        public static string dataPath => throw null!;

        // https://docs.unity3d.com/ScriptReference/Application.OpenURL.html
        public static void OpenURL(string url) => throw null!;
    }

    // https://docs.unity3d.com/ScriptReference/Debug.html
    public static class Debug
    {
        // https://docs.unity3d.com/ScriptReference/Debug.Log.html
        public static void Log(object message) => throw null!;

        // https://docs.unity3d.com/ScriptReference/Debug.LogError.html
        public static void LogError(object message) => throw null!;
    }

    // https://docs.unity3d.com/ScriptReference/Input.GetKeyDown.html
    public static class Input
    {
        public static bool GetKeyDown(KeyCode key) => throw null!;
    }

    // https://docs.unity3d.com/ScriptReference/KeyCode.html
    public enum KeyCode
    {
        Space = 32,
    }

    // https://docs.unity3d.com/ScriptReference/SerializeField.html
    [AttributeUsage(AttributeTargets.Field)]
    public sealed class SerializeField : Attribute
    {
    }

    // https://docs.unity3d.com/ScriptReference/TooltipAttribute.html
    [AttributeUsage(AttributeTargets.Field, Inherited = true, AllowMultiple = false)]
    public class TooltipAttribute : Attribute
    {
        public TooltipAttribute(string tooltip) => throw null!;
    }

    // https://docs.unity3d.com/ScriptReference/GUILayoutOption.html
    public sealed class GUILayoutOption
    {
    }

    // https://docs.unity3d.com/ScriptReference/GUI.DrawTexture.html
    public class GUI
    {
        public static void DrawTexture(Rect position, Texture image) => throw null!;
    }

    // https://docs.unity3d.com/ScriptReference/GUILayout.html
    public class GUILayout
    {
        // https://docs.unity3d.com/ScriptReference/GUILayout.Button.html
        public static bool Button(string text, params GUILayoutOption[] options) => throw null!;

        // https://docs.unity3d.com/ScriptReference/GUILayout.BeginHorizontal.html
        public static void BeginHorizontal(params GUILayoutOption[] options) => throw null!;

        // https://docs.unity3d.com/ScriptReference/GUILayout.EndHorizontal.html
        public static void EndHorizontal() => throw null!;
    }

    // https://docs.unity3d.com/ScriptReference/GUILayoutUtility.GetRect.html
    public class GUILayoutUtility
    {
        public static Rect GetRect(float width, float height, params GUILayoutOption[] options) => throw null!;
    }
}
