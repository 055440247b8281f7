namespace LiveDiffusion.Rendering.Platform
{
    /// <summary>
    /// Keyboard keys by layout-independent position, with GLFW's key code as the value. Keys not named here still
    /// arrive in <see cref="KeyEvent.Key"/> as their GLFW code (see GLFW/glfw3.h); <see cref="Unknown"/> is -1.
    /// </summary>
    public enum Key
    {
        Unknown = -1,
        Space = 32,
        D0 = 48, D1, D2, D3, D4, D5, D6, D7, D8, D9,
        A = 65, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P, Q, R, S, T, U, V, W, X, Y, Z,
        Escape = 256,
        Enter = 257,
        Tab = 258,
        Backspace = 259,
        Right = 262,
        Left = 263,
        Down = 264,
        Up = 265,
        PageUp = 266,
        PageDown = 267,
        Home = 268,
        End = 269,
        F1 = 290, F2, F3, F4, F5, F6, F7, F8, F9, F10, F11, F12,
    }
}
