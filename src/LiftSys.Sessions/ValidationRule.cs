namespace LiftSys.Sessions;

/// <summary>The rule a value broke, carried by <see cref="SessionValidationException.Rule"/>.</summary>
public enum ValidationRule
{
    /// <summary>A required value was <see langword="null"/>.</summary>
    Required,

    /// <summary>A text was empty or only white space.</summary>
    NotEmpty,

    /// <summary>A text contained a NUL character, which PostgreSQL <c>text</c> and <c>jsonb</c> cannot store.</summary>
    NoNulCharacter,

    /// <summary>A text or document was longer than the documented limit.</summary>
    MaxLength,

    /// <summary>A number had to be greater than zero.</summary>
    Positive,

    /// <summary>A number had to be zero or greater.</summary>
    NonNegative,

    /// <summary>
    /// A number or time was outside its allowed range: a confidence outside 0..1, a JSON number PostgreSQL's
    /// <c>numeric</c> cannot hold, or a timestamp outside the range the library stores.
    /// </summary>
    Range,

    /// <summary>A number had more digits than its <c>numeric(p, s)</c> column keeps, so storing it would change it.</summary>
    Precision,

    /// <summary>An enum value was not one of the defined members.</summary>
    DefinedValue,

    /// <summary>A JSON value was missing, malformed or of the wrong kind (for example an array where an object is required).</summary>
    JsonShape,

    /// <summary>A timestamp was earlier than one it must follow.</summary>
    Chronology,

    /// <summary>The requested change is not allowed in the session's current status.</summary>
    StatusTransition,

    /// <summary>
    /// A text (or a string or property name inside a JSON value) was not well-formed Unicode, such as an unpaired UTF-16
    /// surrogate, which PostgreSQL's UTF-8 <c>text</c> and <c>jsonb</c> cannot store.
    /// </summary>
    ValidUnicode,

    /// <summary>A JSON value was nested deeper than the documented limit.</summary>
    MaxDepth,
}
