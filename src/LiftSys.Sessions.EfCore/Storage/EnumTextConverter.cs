using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace LiftSys.Sessions.EfCore.Storage;

/// <summary>Stores a session enum as the snake_case text schema v1 allows in its CHECK constraint.</summary>
internal sealed class EnumTextConverter<TEnum>()
    : ValueConverter<TEnum, string>(v => SessionEnumText.ToText(v), v => SessionEnumText.Parse<TEnum>(v))
    where TEnum : struct, Enum;
