namespace LiveDiffusion.Editor.Panel
{
    /// <summary>One invalid form field: its name (as the page and the JSON API spell it) and what to do about it.</summary>
    public sealed record FieldError(string Field, string Message);
}
