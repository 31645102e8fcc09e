namespace LiftSys.Sessions;

/// <summary>
/// What produced a <see cref="SessionDraft"/>, stored in <c>session_drafts.source</c>.
/// </summary>
public enum DraftSource
{
    /// <summary>The first code generated from an IR (<c>initial_generation</c>).</summary>
    InitialGeneration = 0,

    /// <summary>Code repaired at the AST level (<c>ast_repair</c>).</summary>
    AstRepair,

    /// <summary>Code generated again by the LLM (<c>llm_regeneration</c>).</summary>
    LlmRegeneration,

    /// <summary>Code edited by the user directly (<c>user_edit</c>).</summary>
    UserEdit,
}
