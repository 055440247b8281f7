namespace LiveDiffusion.Rendering.Platform
{
    /// <summary>One key change in a <see cref="GlfwWindow"/>, delivered during <see cref="GlfwWindow.PollEvents"/>.</summary>
    public readonly struct KeyEvent
    {
        /// <summary>Creates a key event.</summary>
        public KeyEvent(Key key, int scancode, KeyAction action, int modifiers)
        {
            Key = key;
            Scancode = scancode;
            Action = action;
            Modifiers = modifiers;
        }

        /// <summary>The key; its numeric value is GLFW's key code, also for keys <see cref="Platform.Key"/> does not name.</summary>
        public Key Key { get; }

        /// <summary>The platform-specific scancode.</summary>
        public int Scancode { get; }

        /// <summary>Press, release or repeat.</summary>
        public KeyAction Action { get; }

        /// <summary>GLFW modifier bits: 1 Shift, 2 Control, 4 Alt, 8 Super, 16 Caps Lock, 32 Num Lock.</summary>
        public int Modifiers { get; }

        /// <inheritdoc />
        public override string ToString() => $"{Key} {Action} (scancode {Scancode}, mods {Modifiers})";
    }
}
