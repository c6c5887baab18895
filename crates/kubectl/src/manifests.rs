//! Reading `-f` sources (files, directories, `-` for stdin) and decoding them into objects,
//! with kubectl's messages for missing paths, YAML errors and unknown kinds.

use kubeplay_model::manifest::{Document, FieldValidation, ManifestError, decode_documents_with};

use crate::session::Session;

/// A decoded document and the source it came from (`STDIN` or the path as typed).
pub struct Loaded {
    pub source: String,
    pub document: Document,
}

/// Renders a decoding error as kubectl does for `source`.
pub fn render_error(error: &ManifestError, source: &str) -> String {
    match error {
        ManifestError::Yaml { .. } => {
            format!("error: error parsing {source}: error converting YAML to JSON: {error}")
        }
        ManifestError::TooLarge(_) => format!("error: error reading {source}: {error}"),
        ManifestError::Validation(detail) => format!(
            "error: error validating {source:?}: error validating data: {detail}; if you choose to ignore these errors, turn validation off with --validate=false"
        ),
        ManifestError::UnknownKind {
            name,
            namespace,
            api_version,
            kind,
        } => format!(
            "error: resource mapping not found for name: {name:?} namespace: {namespace:?} from {source:?}: no matches for kind {kind:?} in version {api_version:?}\nensure CRDs are installed first"
        ),
        ManifestError::ClientDecode(detail) => {
            format!("error: unable to decode {source:?}: {detail}")
        }
        ManifestError::Undecodable { .. } => {
            format!("Error from server (BadRequest): error when creating {source:?}: {error}")
        }
    }
}

/// Loads every `-f` source: the good documents, and the errors of the bad ones as kubectl
/// collects them (a syntax error ends its source; the documents before it stay good).
pub fn load(
    paths: &[String],
    stdin: &str,
    session: &Session,
) -> Result<(Vec<Loaded>, Vec<String>), String> {
    load_with(paths, stdin, session, FieldValidation::Strict)
}

/// [`load`] under a `--validate` mode.
pub fn load_with(
    paths: &[String],
    stdin: &str,
    session: &Session,
    validation: FieldValidation,
) -> Result<(Vec<Loaded>, Vec<String>), String> {
    if paths.is_empty() {
        return Err("error: must specify one of -f and -k".into());
    }
    let mut texts = Vec::new();
    for path in paths {
        if path == "-" {
            texts.push(("STDIN".to_string(), stdin.to_string()));
        } else if path.starts_with("http://") || path.starts_with("https://") {
            return Err(format!(
                "error: unable to read URL {path:?}: kubeplay runs without network access; paste the manifest instead"
            ));
        } else if let Some(files) = session.list_dir(path) {
            for file in files
                .into_iter()
                .filter(|f| f.ends_with(".yaml") || f.ends_with(".yml") || f.ends_with(".json"))
            {
                let text = session.read_file(&file).unwrap_or_default();
                texts.push((file, text));
            }
        } else {
            match session.read_file(path) {
                Some(text) => texts.push((path.clone(), text)),
                None => return Err(format!("error: the path {path:?} does not exist")),
            }
        }
    }
    let mut loaded = Vec::new();
    let mut errors = Vec::new();
    for (source, text) in texts {
        for decoded in decode_documents_with(&text, &source, validation) {
            match decoded {
                Ok(document) => loaded.push(Loaded {
                    source: source.clone(),
                    document,
                }),
                // kubectl's StreamVisitor stops reading a source at a syntax, decoding or
                // validation error: the documents before it are still sent, the rest not.
                Err(
                    error @ (ManifestError::Yaml { .. }
                    | ManifestError::TooLarge(_)
                    | ManifestError::ClientDecode(_)
                    | ManifestError::Validation(_)),
                ) => {
                    errors.push(render_error(&error, &source));
                    break;
                }
                Err(error) => errors.push(render_error(&error, &source)),
            }
        }
    }
    Ok((loaded, errors))
}
