#nullable enable
using System.Runtime.CompilerServices;

// In source, not in the csproj: Unity compiles the files under an assembly definition's folder and reads no csproj.
// The ONNX backend shares the one JSON config reader and the C# 9 polyfill (IsExternalInit) through these internals.
[assembly: InternalsVisibleTo("LiveDiffusion.Runtime.Onnx")]
[assembly: InternalsVisibleTo("LiveDiffusion.Runtime.Tests")]
