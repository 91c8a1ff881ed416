use serde_json::json;

use super::*;
use crate::stream::data_stream::from_data_stream_part;

#[test]
fn known_chunks_unknown_chunks_and_extra_fields() {
    assert_eq!(
        from_ui_chunk(br#"{"type":"text-delta","id":"t","delta":"Hi \"you\"","extra":{"a":1}}"#)
            .unwrap(),
        AgentEvent::TextDelta {
            id: "t".into(),
            delta: "Hi \"you\"".into(),
            provider_metadata: None
        }
    );
    for raw in [
        r#"{"type":"brand-new","x":1}"#,
        r#"{"type":"text-delta","id":"t"}"#,
        "[1,2]",
        r#"{"no":"type"}"#,
    ] {
        assert_eq!(
            from_ui_chunk(raw.as_bytes()).unwrap(),
            AgentEvent::Unknown {
                raw: raw.to_owned()
            },
            "{raw}"
        );
    }
    assert!(from_ui_chunk(br#"{"type":"text-delta","#).is_err());
    assert_eq!(
        from_ui_chunk(
            br#"{"type":"data-todos","id":"todos","data":[{"id":"1"}],"transient":true}"#
        )
        .unwrap(),
        AgentEvent::Data {
            name: "todos".into(),
            id: Some("todos".into()),
            data: Some(json!([{ "id": "1" }]).into()),
            transient: Some(true),
            extra: None
        }
    );
}

/// What `uiMessageChunkSchema` (ai 7.0.173 with zod 4.6.7) accepts and refuses, as its
/// `validate` said.
#[test]
fn schema_strictness_matches_the_ai_sdk() {
    let accepted = [
        r#"{"type":"data-x","data":null}"#,
        r#"{"type":"tool-input-available","toolCallId":"c","toolName":"t","input":null}"#,
        r#"{"type":"tool-output-available","toolCallId":"c","output":null}"#,
        r#"{"type":"text-delta","id":"t","delta":"x","title":5,"toolName":6,"approved":"no"}"#,
        r#"{"type":"text-start","id":"t","providerMetadata":{"a":{"b":[1,{"c":null}]}}}"#,
        r#"{"type":"message-metadata","messageMetadata":null}"#,
        // zod 4.6's records take a `constructor` key (the zod 4 in zod 3.25 refused it).
        r#"{"type":"text-start","id":"t","providerMetadata":{"constructor":{"constructor":1}}}"#,
        r#"{"type":"tool-input-start","toolCallId":"c","toolName":"t","toolMetadata":{"constructor":[{"constructor":"x"}]}}"#,
        r#"{"type":"steering-message","id":"m","parts":[{"type":"file","mediaType":"text/plain","url":"u","providerReference":{"constructor":"r"}}]}"#,
    ];
    for chunk in accepted {
        let event = from_ui_chunk(chunk.as_bytes()).unwrap();
        assert!(!matches!(event, AgentEvent::Unknown { .. }), "{chunk}");
    }
    let refused = [
        r#"{"type":"finish","finishReason":"weird"}"#,
        r#"{"type":"text-start","id":"t","providerMetadata":{"a":1}}"#,
        r#"{"type":"text-end","id":"t","citations":[{"source":{"type":"source","sourceType":"url","id":"s","url":"u"},"startIndex":-1}]}"#,
        r#"{"type":"custom","kind":5}"#,
        r#"{"type":"start","messageId":null}"#,
        r#"{"type":"data-x","id":null}"#,
        r#"{"type":"tool-input-start","toolCallId":"c","toolName":"t","inputEncoding":"xml"}"#,
        // A `z.unknown()` key left out: zod 4 (from 4.4) wants it present; zod 3 did not.
        r#"{"type":"data-x"}"#,
        r#"{"type":"data-x","id":"d","transient":true}"#,
        r#"{"type":"tool-input-available","toolCallId":"c","toolName":"t"}"#,
        r#"{"type":"tool-input-error","toolCallId":"c","toolName":"t","errorText":"e"}"#,
        r#"{"type":"tool-output-available","toolCallId":"c"}"#,
        r#"{"type":"message-metadata"}"#,
    ];
    for chunk in refused {
        assert_eq!(
            from_ui_chunk(chunk.as_bytes()).unwrap(),
            AgentEvent::Unknown {
                raw: chunk.to_owned()
            },
            "{chunk}"
        );
    }
    // Optional and absent stays absent; `null` where any value goes stays `null`.
    assert_eq!(
        serde_json::to_string(&from_ui_chunk(br#"{"type":"start"}"#).unwrap()).unwrap(),
        r#"{"type":"start"}"#
    );
    assert_eq!(
        serde_json::to_string(
            &from_ui_chunk(br#"{"type":"data-x","data":null,"extra":[1]}"#).unwrap()
        )
        .unwrap(),
        r#"{"type":"data-x","data":null,"extra":[1]}"#
    );
}

#[test]
fn deep_values_never_panic_nor_overflow() {
    for depth in [127, 128, 200, 100_000] {
        let deep = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
        let chunks = [
            format!(
                r#"{{"type":"tool-input-available","toolCallId":"c","toolName":"t","input":{deep}}}"#
            ),
            format!(r#"{{"type":"tool-output-available","toolCallId":"c","output":{deep}}}"#),
            format!(r#"{{"type":"data-x","data":{deep}}}"#),
            format!(r#"{{"type":"finish","messageMetadata":{deep}}}"#),
            format!(r#"{{"type":"brand-new","x":{deep}}}"#),
        ];
        for chunk in &chunks {
            let event = from_ui_chunk(chunk.as_bytes()).unwrap();
            let value = event.to_ui_chunk();
            assert!(value.is_object(), "{depth}");
            let text = serde_json::to_string(&event).unwrap();
            assert!(text.contains(&deep), "serialized whole: {depth}");
            let mut transcript = crate::stream::Transcript::new();
            transcript.apply(&event);
            let _ = transcript.to_ui_message();
        }
        let mut out = Vec::new();
        from_data_stream_part(
            b'9',
            format!(r#"{{"toolCallId":"c","toolName":"t","args":{deep}}}"#).as_bytes(),
            b"raw",
            &mut None,
            &mut out,
        )
        .unwrap();
        from_data_stream_part(
            b'2',
            format!("[{deep}]").as_bytes(),
            b"raw",
            &mut None,
            &mut out,
        )
        .unwrap();
        let raw = RawJson::from(&*RawValue::from_string(deep.clone()).unwrap());
        assert_eq!(raw.to_value().is_null(), depth >= 128, "{depth}");
        assert_eq!(raw.parse::<Value>().is_err(), depth >= 128, "{depth}");
        // A delta-streamed input of the same depth.
        let mut transcript = crate::stream::Transcript::new();
        transcript.apply(&AgentEvent::ToolInputStart {
            tool_call_id: "c".into(),
            tool_name: "t".into(),
            meta: None,
        });
        transcript.apply(&AgentEvent::ToolInputDelta {
            tool_call_id: "c".into(),
            delta: deep.clone(),
        });
        let _ = transcript.to_ui_message();
    }
}

#[test]
fn ai_sdk_7_chunks_and_tool_input_errors() {
    assert_eq!(
        from_ui_chunk(br#"{"type":"reset-step"}"#).unwrap(),
        AgentEvent::ResetStep
    );
    assert_eq!(
        from_ui_chunk(br#"{"type":"custom","kind":"openai.compaction"}"#).unwrap(),
        AgentEvent::Custom {
            kind: "openai.compaction".into(),
            provider_metadata: None
        }
    );
    assert_eq!(
        from_ui_chunk(br#"{"type":"reasoning-file","url":"data:image/png;base64,AA==","mediaType":"image/png"}"#).unwrap(),
        AgentEvent::ReasoningFile {
            url: "data:image/png;base64,AA==".into(),
            media_type: "image/png".into(), provider_metadata: None 
        }
    );
    let error = |input: &str| AgentEvent::ToolInputError {
        tool_call_id: "c".into(),
        tool_name: "t".into(),
        input: Some(json!(input).into()),
        error_text: "no".into(),
        meta: None,
    };
    assert_eq!(
        from_ui_chunk(br#"{"type":"tool-input-error","toolCallId":"c","toolName":"t","input":"{bad","errorText":"no"}"#).unwrap(),
        error("{bad")
    );
    // AI SDK 6's `rawInput` is only another field: `input` is the one the schema wants (and
    // zod 4 refuses the chunk without it).
    assert_eq!(
        from_ui_chunk(br#"{"type":"tool-input-error","toolCallId":"c","toolName":"t","rawInput":"{raw","input":"{bad","errorText":"no"}"#).unwrap(),
        error("{bad")
    );
    let raw_only = r#"{"type":"tool-input-error","toolCallId":"c","toolName":"t","rawInput":"{bad","errorText":"no"}"#;
    assert_eq!(
        from_ui_chunk(raw_only.as_bytes()).unwrap(),
        AgentEvent::Unknown {
            raw: raw_only.into()
        }
    );
}
