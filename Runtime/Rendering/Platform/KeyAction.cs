namespace LiveDiffusion.Rendering.Platform
{
    /// <summary>What happened to a key (GLFW_RELEASE, GLFW_PRESS, GLFW_REPEAT).</summary>
    public enum KeyAction
    {
        /// <summary>The key went up.</summary>
        Release = 0,

        /// <summary>The key went down.</summary>
        Press = 1,

        /// <summary>The key is held and the system repeated it.</summary>
        Repeat = 2,
    }
}
