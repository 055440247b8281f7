#nullable enable
using System;
using System.Globalization;
using System.Text;

namespace LiveDiffusion.IO.Json
{
    /// <summary>
    /// Parses JSON text (RFC 8259) into <see cref="JsonNode"/>s, leniently the way Python's json module and
    /// hand-edited configuration files write it: <c>//</c> and <c>/* */</c> comments, trailing commas, and the bare
    /// tokens <c>Infinity</c>, <c>-Infinity</c> (read as numbers) and <c>NaN</c> (read as null). A key given twice in
    /// one object, nesting deeper than <see cref="MaxDepth"/>, and anything after the value are errors. Untrusted text
    /// is safe to give it: it allocates in proportion to the text and recurses at most <see cref="MaxDepth"/> deep.
    /// </summary>
    internal sealed class JsonText
    {
        /// <summary>The deepest nesting of arrays and objects accepted (configuration files use 3).</summary>
        public const int MaxDepth = 64;

        private readonly string _text;
        private int _at;

        private JsonText(string text)
        {
            _text = text;
        }

        /// <summary>Parses <paramref name="text"/> as one JSON value (null for JSON's null).</summary>
        /// <exception cref="FormatException">The text is not JSON; the message gives the line and column and what was expected.</exception>
        public static JsonNode? Parse(string text)
        {
            var parser = new JsonText(text ?? throw new ArgumentNullException(nameof(text)));
            JsonNode? value = parser.Value(0);
            parser.SkipSpace();
            if (parser._at < text.Length)
            {
                throw parser.Error("nothing after the value");
            }

            return value;
        }

        private JsonNode? Value(int depth)
        {
            SkipSpace();
            if (_at >= _text.Length)
            {
                throw Error("a value");
            }

            char c = _text[_at];
            switch (c)
            {
                case '{': return Object(depth + 1);
                case '[': return Array(depth + 1);
                case '"': return JsonValue.Create(String());
                case 't': Word("true"); return JsonValue.Create(true);
                case 'f': Word("false"); return JsonValue.Create(false);
                case 'n': Word("null"); return null;
                case 'N': Word("NaN"); return null;
                case 'I': Word("Infinity"); return JsonValue.Number(double.PositiveInfinity, "Infinity");
                default:
                    if (c == '-' && string.CompareOrdinal(_text, _at, "-Infinity", 0, 9) == 0)
                    {
                        _at += 9;
                        return JsonValue.Number(double.NegativeInfinity, "-Infinity");
                    }

                    if (c == '-' || (c >= '0' && c <= '9'))
                    {
                        return Number();
                    }

                    throw Error("a value");
            }
        }

        private JsonObject Object(int depth)
        {
            CheckDepth(depth);
            _at++; // '{'
            var result = new JsonObject();
            while (true)
            {
                SkipSpace();
                if (Peek() == '}')
                {
                    _at++;
                    return result;
                }

                if (Peek() != '"')
                {
                    throw Error("a key in double quotes or '}'");
                }

                int keyAt = _at;
                string key = String();
                SkipSpace();
                Expect(':');
                JsonNode? value = Value(depth);
                if (result.ContainsKey(key))
                {
                    _at = keyAt;
                    throw At($"the key \"{key}\" appears twice; each key may appear once");
                }

                result[key] = value;
                if (!Separator('}'))
                {
                    return result;
                }
            }
        }

        private JsonArray Array(int depth)
        {
            CheckDepth(depth);
            _at++; // '['
            var result = new JsonArray();
            while (true)
            {
                SkipSpace();
                if (Peek() == ']')
                {
                    _at++;
                    return result;
                }

                result.Add(Value(depth));
                if (!Separator(']'))
                {
                    return result;
                }
            }
        }

        /// <summary>After a member or element: true after a comma (more may follow), false after the closing bracket.</summary>
        private bool Separator(char close)
        {
            SkipSpace();
            char c = Peek();
            _at++;
            if (c == ',')
            {
                return true;
            }

            if (c == close)
            {
                return false;
            }

            _at--;
            throw Error($"',' or '{close}'");
        }

        private string String()
        {
            _at++; // opening quote
            var builder = new StringBuilder();
            while (true)
            {
                if (_at >= _text.Length)
                {
                    throw Error("the closing '\"' of a string");
                }

                char c = _text[_at++];
                if (c == '"')
                {
                    return builder.ToString();
                }

                if (c < ' ')
                {
                    _at--;
                    throw Error("no control characters inside a string (write \\n, \\t or \\u00XX)");
                }

                builder.Append(c == '\\' ? Escape() : c);
            }
        }

        private char Escape()
        {
            char c = _at < _text.Length ? _text[_at++] : '\0';
            switch (c)
            {
                case '"': return '"';
                case '\\': return '\\';
                case '/': return '/';
                case 'b': return '\b';
                case 'f': return '\f';
                case 'n': return '\n';
                case 'r': return '\r';
                case 't': return '\t';
                case 'u':
                    if (_at + 4 <= _text.Length && ushort.TryParse(_text.Substring(_at, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ushort code))
                    {
                        _at += 4;
                        return (char)code;
                    }

                    break;
            }

            _at--;
            throw Error("an escape: \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\u and four hex digits");
        }

        private JsonValue Number()
        {
            int start = _at;
            if (Peek() == '-')
            {
                _at++;
            }

            if (Peek() == '0')
            {
                _at++;
            }
            else if (!Digits())
            {
                throw Error("a digit");
            }

            if (Peek() == '.')
            {
                _at++;
                if (!Digits())
                {
                    throw Error("a digit after the decimal point");
                }
            }

            if (Peek() == 'e' || Peek() == 'E')
            {
                _at++;
                if (Peek() == '+' || Peek() == '-')
                {
                    _at++;
                }

                if (!Digits())
                {
                    throw Error("a digit in the exponent");
                }
            }

            string text = _text.Substring(start, _at - start);
            double value = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
            return JsonValue.Number(value, text);
        }

        private bool Digits()
        {
            int start = _at;
            while (_at < _text.Length && _text[_at] >= '0' && _text[_at] <= '9')
            {
                _at++;
            }

            return _at > start;
        }

        private void Word(string word)
        {
            if (string.CompareOrdinal(_text, _at, word, 0, word.Length) != 0)
            {
                throw Error("a value");
            }

            _at += word.Length;
        }

        private void Expect(char c)
        {
            if (Peek() != c)
            {
                throw Error($"'{c}'");
            }

            _at++;
        }

        private char Peek() => _at < _text.Length ? _text[_at] : '\0';

        private void CheckDepth(int depth)
        {
            if (depth > MaxDepth)
            {
                throw At($"more than {MaxDepth} nested arrays and objects");
            }
        }

        private void SkipSpace()
        {
            while (_at < _text.Length)
            {
                char c = _text[_at];
                if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\uFEFF')
                {
                    _at++;
                }
                else if (c == '/' && _at + 1 < _text.Length && _text[_at + 1] == '/')
                {
                    int end = _text.IndexOf('\n', _at);
                    _at = end < 0 ? _text.Length : end + 1;
                }
                else if (c == '/' && _at + 1 < _text.Length && _text[_at + 1] == '*')
                {
                    int end = _text.IndexOf("*/", _at + 2, StringComparison.Ordinal);
                    if (end < 0)
                    {
                        throw Error("the end of a /* comment */");
                    }

                    _at = end + 2;
                }
                else
                {
                    return;
                }
            }
        }

        private FormatException Error(string expected)
        {
            string found = _at >= _text.Length ? "the end of the text"
                : _text[_at] < ' ' ? "'\\u" + ((int)_text[_at]).ToString("X4", CultureInfo.InvariantCulture) + "'"
                : $"'{_text[_at]}'";
            return At($"expected {expected}, found {found}");
        }

        /// <summary>A failure at the current place: "line L, column C: " and <paramref name="message"/>.</summary>
        private FormatException At(string message)
        {
            int line = 1, column = 1;
            for (int i = 0; i < _at && i < _text.Length; i++)
            {
                if (_text[i] == '\n')
                {
                    line++;
                    column = 1;
                }
                else
                {
                    column++;
                }
            }

            return new FormatException($"line {line}, column {column}: {message}");
        }
    }
}
