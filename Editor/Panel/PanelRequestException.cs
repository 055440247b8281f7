using System;
using System.Collections.Generic;
using System.Linq;
using LiveDiffusion.Editor.Training;

namespace LiveDiffusion.Editor.Panel
{
    /// <summary>
    /// A request the panel refuses, with the HTTP status (4xx) and a reason in words; field errors name the form
    /// field and say how to fix it. The server turns it into a JSON error response, never a crash.
    /// </summary>
    public sealed class PanelRequestException : Exception
    {
        /// <summary>Refuses a request with one reason.</summary>
        public PanelRequestException(int statusCode, string message, string? field = null)
            : base(message)
        {
            StatusCode = statusCode;
            Field = field;
            Errors = field == null ? Array.Empty<FieldError>() : new[] { new FieldError(field, message) };
        }

        /// <summary>Refuses a request because of invalid form fields.</summary>
        public PanelRequestException(IReadOnlyList<FieldError> errors)
            : base(errors.Count == 1 ? $"{errors[0].Field}: {errors[0].Message}" : $"{errors.Count} fields need fixing: " + string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")))
        {
            StatusCode = 400;
            Errors = errors;
            Field = errors.Count > 0 ? errors[0].Field : null;
        }

        /// <summary>The HTTP status (400 bad request, 401 no token, 404 not found, 409 busy or conflict, 501 not built).</summary>
        public int StatusCode { get; }

        /// <summary>The form field at fault, if one is.</summary>
        public string? Field { get; }

        /// <summary>Every field at fault.</summary>
        public IReadOnlyList<FieldError> Errors { get; }
    }
}
