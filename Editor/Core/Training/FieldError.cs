namespace LiveDiffusion.Editor.Training
{
    /// <summary>
    /// One invalid field of a request: its name (camelCase, as the panel's page and JSON API spell it; the command line
    /// maps it to its option) and what to do about it.
    /// </summary>
    public sealed record FieldError(string Field, string Message);
}
