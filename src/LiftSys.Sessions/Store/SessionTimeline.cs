using System.Text.Json;

namespace LiftSys.Sessions;

/// <summary>
/// Builds a session's activity timeline (<see cref="ISessionStore.GetTimelineAsync"/>) from its history, so that every
/// store produces the same events with the same <see cref="SessionActivity.EventData"/>.
/// </summary>
internal static class SessionTimeline
{
    public static IReadOnlyList<SessionActivity> Build(
        Session session,
        IEnumerable<SessionRevision> revisions,
        IEnumerable<SessionDraft> drafts,
        IEnumerable<HoleResolution> holeResolutions)
    {
        // (time, kind, order within kind): at equal times creation comes first, then each kind in creation order.
        var events = new List<(SessionActivity Activity, long Order)>
        {
            (Created(session), 0),
        };
        events.AddRange(revisions.Select(r => (Revision(session, r), (long)r.RevisionNumber)));
        events.AddRange(drafts.Select(d => (Draft(session, d), (long)d.DraftNumber)));
        events.AddRange(holeResolutions.Select((h, index) => (Hole(session, h), (long)index)));
        return events
            .OrderBy(e => e.Activity.EventTime)
            .ThenBy(e => e.Activity.Kind)
            .ThenBy(e => e.Order)
            .Select(e => e.Activity)
            .ToArray();
    }

    private static SessionActivity Created(Session session) => new(
        SessionActivityKind.SessionCreated,
        session.Id,
        session.UserId,
        null,
        null,
        null,
        session.CreatedAt,
        Data(writer => writer.WriteString("source", SessionEnumText.ToText(session.Source))));

    private static SessionActivity Revision(Session session, SessionRevision revision) => new(
        SessionActivityKind.RevisionCreated,
        session.Id,
        session.UserId,
        revision.Id,
        null,
        null,
        revision.CreatedAt,
        Data(writer =>
        {
            writer.WriteNumber("revision_number", revision.RevisionNumber);
            writer.WriteString("source", SessionEnumText.ToText(revision.Source));
            writer.WriteStartArray("changed_fields");
            foreach (var field in revision.ChangedFields ?? [])
            {
                writer.WriteStringValue(field);
            }

            writer.WriteEndArray();
        }));

    private static SessionActivity Draft(Session session, SessionDraft draft) => new(
        SessionActivityKind.DraftCreated,
        session.Id,
        session.UserId,
        draft.IrRevisionId,
        draft.Id,
        null,
        draft.CreatedAt,
        Data(writer =>
        {
            writer.WriteNumber("draft_number", draft.DraftNumber);
            writer.WriteString("source", SessionEnumText.ToText(draft.Source));
            writer.WriteString("language", draft.Language);
            writer.WriteBoolean("syntax_valid", draft.SyntaxValid);
            writer.WriteBoolean("ast_valid", draft.AstValid);
        }));

    private static SessionActivity Hole(Session session, HoleResolution resolution) => new(
        SessionActivityKind.HoleResolved,
        session.Id,
        session.UserId,
        resolution.IrRevisionId,
        null,
        resolution.Id,
        resolution.CreatedAt,
        Data(writer =>
        {
            writer.WriteString("hole_id", resolution.HoleId);
            writer.WriteString("hole_type", SessionEnumText.ToText(resolution.HoleType));
            writer.WriteString("resolution_method", SessionEnumText.ToText(resolution.ResolutionMethod));
            if (resolution.ConfidenceScore is { } confidence)
            {
                writer.WriteNumber("confidence_score", confidence);
            }
            else
            {
                writer.WriteNull("confidence_score");
            }
        }));

    private static JsonElement Data(Action<Utf8JsonWriter> writeProperties)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writeProperties(writer);
            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.ToArray());
        return document.RootElement.Clone();
    }
}
