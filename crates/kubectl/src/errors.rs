//! Turns API errors into the exact text kubectl prints (`checkErr`, `StandardErrorMessage`).

use kubeplay_model::ApiError;

/// `Error from server (NotFound): …`, or the multi-line Invalid form.
pub fn render(error: &ApiError) -> String {
    match error {
        ApiError::Invalid { kind, name, causes } => {
            let kind_name = kind.name();
            // `statusCausesToAggrError` drops repeated causes before `MultilineError`
            // counts them.
            let mut seen = Vec::new();
            for cause in causes {
                let text = cause.to_string();
                if !seen.contains(&text) {
                    seen.push(text);
                }
            }
            if let [only] = seen.as_slice() {
                format!("The {kind_name} {name:?} is invalid: {only}")
            } else {
                let lines: Vec<String> = seen.iter().map(|cause| format!("* {cause}")).collect();
                format!(
                    "The {kind_name} {name:?} is invalid: \n{}",
                    lines.join("\n")
                )
            }
        }
        // The Status names no kind or object, and its one cause has no field.
        ApiError::Unprocessable(detail) => format!("The request is invalid: : {detail}"),
        other => format!("Error from server ({}): {other}", other.reason()),
    }
}

/// The same error for an object read from a file: `error when creating "x.yaml": …`.
pub fn render_for_source(error: &ApiError, verb: &str, source: &str) -> String {
    match error {
        ApiError::Invalid { .. } => render(error),
        other => format!(
            "Error from server ({}): error when {verb} {source:?}: {other}",
            other.reason()
        ),
    }
}

/// One failed object of a multi-object command (`apply -f`, `create -f`).
pub enum Failure {
    /// The server refused the object read from `source`.
    Api {
        error: ApiError,
        verb: &'static str,
        source: String,
    },
    /// kubectl's own error, as printed on its own (`error: …`).
    Message(String),
}

/// Prints what `cmdutil.CheckErr` prints for the collected errors: one alone in its usual
/// form; several as an aggregate, one line each, the server's with their Status message
/// (`Error from server (Invalid): error when creating "x.yaml": Pod "a" is invalid: …`)
/// and kubectl's own without the `error: ` prefix.
pub fn print_failures(failures: Vec<Failure>, out: &mut crate::output::Output) {
    let several = failures.len() > 1;
    for failure in failures {
        let text = match failure {
            Failure::Api {
                error,
                verb,
                source,
            } if several => format!(
                "Error from server ({}): error when {verb} {source:?}: {error}",
                error.reason()
            ),
            Failure::Api {
                error,
                verb,
                source,
            } => render_for_source(&error, verb, &source),
            Failure::Message(message) if several => message
                .strip_prefix("error: ")
                .map(str::to_string)
                .unwrap_or(message),
            Failure::Message(message) => message,
        };
        out.error(text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubeplay_model::{FieldError, Kind};

    #[test]
    fn renders_like_kubectl() {
        assert_eq!(
            render(&ApiError::not_found(Kind::Pod, "coredns")),
            "Error from server (NotFound): pods \"coredns\" not found"
        );
        let invalid = ApiError::invalid(
            Kind::Deployment,
            "nginx",
            vec![
                FieldError::required("spec.selector"),
                FieldError::required("spec.template"),
            ],
        );
        assert_eq!(
            render(&invalid),
            "The Deployment \"nginx\" is invalid: \n* spec.selector: Required value\n* spec.template: Required value"
        );
        let exists = ApiError::AlreadyExists {
            kind: Kind::Deployment,
            name: "nginx".into(),
        };
        assert_eq!(
            render_for_source(&exists, "creating", "deploy.yaml"),
            "Error from server (AlreadyExists): error when creating \"deploy.yaml\": deployments.apps \"nginx\" already exists"
        );
    }
}
