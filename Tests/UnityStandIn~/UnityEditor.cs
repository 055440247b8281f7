// A reference-only stand-in for the UnityEditor members the package's editor layer uses, and nothing else, so CI can
// compile it without Unity (UnityCompileTests builds it as UnityEditor.dll). Every signature is copied from Unity's
// scripting reference (the page is cited above each member); bodies only throw. Never shipped: it lives in the test
// tree in a folder whose name ends in ~, which Unity never imports. One file per stand-in assembly, not per type.
#pragma warning disable CS1591
using System;
using System.Reflection;
using UnityEngine;

namespace UnityEditor
{
    // https://docs.unity3d.com/ScriptReference/EditorWindow.html
    public class EditorWindow : ScriptableObject
    {
        // https://docs.unity3d.com/ScriptReference/EditorWindow.GetWindow.html
        public static T GetWindow<T>(string title) where T : EditorWindow => throw null!;

        // https://docs.unity3d.com/ScriptReference/EditorWindow.Repaint.html
        public void Repaint() => throw null!;
    }

    // https://docs.unity3d.com/ScriptReference/MenuItem-ctor.html
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
    public sealed class MenuItem : Attribute
    {
        public MenuItem(string itemName) => throw null!;
    }

    // https://docs.unity3d.com/ScriptReference/InitializeOnLoadMethodAttribute.html
    [AttributeUsage(AttributeTargets.Method)]
    public class InitializeOnLoadMethodAttribute : Attribute
    {
    }

    // https://docs.unity3d.com/ScriptReference/EditorGUILayout.html
    public class EditorGUILayout
    {
        // https://docs.unity3d.com/ScriptReference/EditorGUILayout.TextField.html
        public static string TextField(string label, string text, params GUILayoutOption[] options) => throw null!;

        // https://docs.unity3d.com/ScriptReference/EditorGUILayout.IntField.html
        public static int IntField(string label, int value, params GUILayoutOption[] options) => throw null!;

        // https://docs.unity3d.com/ScriptReference/EditorGUILayout.LongField.html
        public static long LongField(string label, long value, params GUILayoutOption[] options) => throw null!;

        // https://docs.unity3d.com/ScriptReference/EditorGUILayout.Popup.html
        public static int Popup(string label, int selectedIndex, string[] displayedOptions, params GUILayoutOption[] options) => throw null!;

        // https://docs.unity3d.com/ScriptReference/EditorGUILayout.HelpBox.html
        public static void HelpBox(string message, MessageType type) => throw null!;
    }

    // https://docs.unity3d.com/ScriptReference/MessageType.html
    public enum MessageType
    {
        None = 0,
        Info = 1,
        Warning = 2,
        Error = 3,
    }

    // https://docs.unity3d.com/ScriptReference/EditorGUI.ProgressBar.html
    public sealed class EditorGUI
    {
        public static void ProgressBar(Rect position, float value, string text) => throw null!;
    }

    // https://docs.unity3d.com/ScriptReference/AssetDatabase.Refresh.html
    public sealed class AssetDatabase
    {
        public static void Refresh() => throw null!;
    }
}

namespace UnityEditor.PackageManager
{
    // https://docs.unity3d.com/ScriptReference/PackageManager.PackageInfo.html
    public sealed class PackageInfo
    {
        // https://docs.unity3d.com/ScriptReference/PackageManager.PackageInfo.FindForAssembly.html
        public static PackageInfo FindForAssembly(Assembly assembly) => throw null!;

        // https://docs.unity3d.com/ScriptReference/PackageManager.PackageInfo-resolvedPath.html
        public string resolvedPath => throw null!;
    }
}
