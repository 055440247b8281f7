#if !NET5_0_OR_GREATER
namespace System.Runtime.CompilerServices
{
    /// <summary>Lets C# 9 init-only setters and records compile against .NET Standard 2.1.</summary>
    internal static class IsExternalInit
    {
    }
}
#endif
