// The published report schema (`schema/report.schema.json`), for tests:
// every report a test produces is validated against it.

/// Panic with every schema violation of the report `text`.
pub fn assert_valid_report(text: &str) {
    let errors = schema_errors(text);
    assert!(
        errors.is_empty(),
        "report does not match schema/report.schema.json:\n{}",
        errors.join("\n")
    );
}

/// The schema violations of `text` (empty when it is a valid report).
pub fn schema_errors(text: &str) -> Vec<String> {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../../../schema/report.schema.json"))
            .expect("the schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("the schema is valid");
    let instance: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => return vec![format!("not JSON: {e}")],
    };
    validator
        .iter_errors(&instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}
