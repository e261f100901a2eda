//! Printing results for people or, with `--json`, for scripts.

pub(crate) fn done(json: bool, message: &str, value: serde_json::Value) {
    if json {
        println!("{value}");
    } else {
        println!("{message}");
    }
}

/// Print import problems (file:line:column: message), one per line, to stderr.
pub(crate) fn problems(problems: &[ward_app::FieldProblem]) {
    for p in problems {
        eprintln!("  {}: {}", p.path, p.message);
    }
}
