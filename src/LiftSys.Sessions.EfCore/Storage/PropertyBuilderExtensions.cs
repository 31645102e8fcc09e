using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LiftSys.Sessions.EfCore.Storage;

/// <summary>Mapping shorthands shared by the entity configurations.</summary>
internal static class PropertyBuilderExtensions
{
    public static PropertyBuilder<JsonElement> IsJsonb(this PropertyBuilder<JsonElement> property)
    {
        property.HasColumnType("jsonb").Metadata.SetValueComparer(JsonElementComparers.Required);
        return property;
    }

    public static PropertyBuilder<JsonElement?> IsJsonb(this PropertyBuilder<JsonElement?> property)
    {
        property.HasColumnType("jsonb").Metadata.SetValueComparer(JsonElementComparers.Optional);
        return property;
    }

    public static PropertyBuilder<TEnum> IsEnumText<TEnum>(this PropertyBuilder<TEnum> property)
        where TEnum : struct, Enum
        => property.HasColumnType("text").HasConversion(new EnumTextConverter<TEnum>());

    /// <summary>The CHECK clause allowing exactly the texts of <typeparamref name="TEnum"/>.</summary>
    public static string InList<TEnum>(string column)
        where TEnum : struct, Enum
        => $"{column} IN ({string.Join(", ", SessionEnumText.AllTexts<TEnum>().Select(t => $"'{t}'"))})";
}
